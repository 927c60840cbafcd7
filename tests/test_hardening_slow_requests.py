"""Issue 16 item 5, slow requests: a client that trickles its headers (or its body) byte by
byte never looks idle, so the idle timeout alone let it hold a connection for ever. The server
bounds the time from a request's first byte to its complete headers and to its complete body;
the trickler is cut off while /healthz keeps answering everyone else, and a request that
arrives in pieces within the bound is served."""

from __future__ import annotations

import contextlib
import http.client
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.serving import HEADER_TIMEOUT, IDLE_TIMEOUT, REQUEST_TIMEOUT, Server
from hub.runtime import Hub
from hub.server import create_app
from lexheller.init import init_hub

BOUND = 1.5  # seconds, for the test server; the defaults are HEADER_TIMEOUT/REQUEST_TIMEOUT
GIVE_UP = 12.0  # far beyond the bound, far below IDLE_TIMEOUT: only the new bound can cut


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    init_hub(tmp_path / "nav", hub_id="nav-slow", name="Nav", level="regional", upstream="")
    hub = Hub(tmp_path / "nav")
    srv = Server(create_app(hub), "127.0.0.1", 0, header_timeout=BOUND,
                 request_timeout=2 * BOUND).start()  # fmt: skip
    yield srv
    srv.stop()
    hub.close()


def healthz(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    finally:
        conn.close()


def trickle(port: int, first: bytes, piece: bytes, check: int) -> tuple[float | None, list[int]]:
    """Send `first`, then `piece` every 0.25 s; returns seconds until the server closed the
    connection (None if it never did within GIVE_UP) and /healthz answers meanwhile."""
    answers: list[int] = []
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    start = time.monotonic()
    try:
        s.sendall(first)
        while (elapsed := time.monotonic() - start) < GIVE_UP:
            if len(answers) < check:
                answers.append(healthz(port))
            try:
                s.sendall(piece)
                ready, _, _ = select.select([s], [], [], 0.25)
                if ready and s.recv(4096) == b"":
                    return elapsed, answers
            except OSError:  # reset by the server while we were still sending
                return elapsed, answers
        return None, answers
    finally:
        with contextlib.suppress(OSError):
            s.close()


def test_defaults_are_bounded_below_the_idle_timeout() -> None:
    assert 0 < HEADER_TIMEOUT <= IDLE_TIMEOUT < REQUEST_TIMEOUT


def test_trickled_headers_are_cut_off_while_healthz_answers(server: Server) -> None:
    cut, answers = trickle(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n", b"X-a: b\r\n", 3)
    assert answers == [200, 200, 200]
    assert cut is not None, "a client trickling its headers was never cut off"
    assert BOUND <= cut < GIVE_UP
    assert server._server.maintenance.cut == 1
    assert healthz(server.port) == 200


def test_trickled_body_is_cut_off(server: Server) -> None:
    head = b"POST /api/v1/bundles HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
    cut, answers = trickle(server.port, head, b"x", 2)
    assert answers == [200, 200]
    assert cut is not None and 2 * BOUND <= cut < GIVE_UP
    assert healthz(server.port) == 200


def test_a_request_in_pieces_within_the_bound_is_served_and_kept_alive(server: Server) -> None:
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        for part in (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"\r\n"):
            s.sendall(part)
            time.sleep(0.3)
        assert s.recv(4096).startswith(b"HTTP/1.1 200")
        time.sleep(2 * BOUND + 1.5)  # idle between requests is not a slow request
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        s.close()
    assert server._server.maintenance.cut == 0
