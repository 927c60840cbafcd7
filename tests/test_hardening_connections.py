"""Issue 16 item 5: one client cannot make a server unreachable. 150 idle connections from
one address (more than waitress's old limit of 100 in all) leave /healthz answering for
everyone else; a trusted reverse proxy's address is not limited."""

from __future__ import annotations

import contextlib
import http.client
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.serving import PER_ADDRESS_LIMIT, Server
from hub.runtime import Hub
from hub.server import create_app
from lexheller.init import init_hub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    init_hub(tmp_path / "nav", hub_id="nav-conn", name="Nav", level="regional", upstream="")
    h = Hub(tmp_path / "nav")
    yield h
    h.close()


def idle_sockets(port: int, source: str, n: int) -> list[socket.socket]:
    out = []
    for _ in range(n):
        s = socket.socket()
        s.bind((source, 0))
        s.connect(("127.0.0.1", port))
        out.append(s)
    return out


def healthz(port: int, source: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                      source_address=(source, 0))  # fmt: skip
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    finally:
        conn.close()


def test_idle_connections_from_one_address_do_not_shut_the_server(hub: Hub) -> None:
    server = Server(create_app(hub), "127.0.0.1", 0).start()
    held: list[socket.socket] = []
    try:
        held = idle_sockets(server.port, "127.0.0.3", 150)
        assert healthz(server.port, "127.0.0.2") == 200
        assert healthz(server.port, "127.0.0.4") == 200
        refused = server._server.handle_accept.refused
        assert refused >= 150 - PER_ADDRESS_LIMIT - 1
    finally:
        for s in held:
            with contextlib.suppress(OSError):
                s.close()
        server.stop()


def test_a_trusted_proxy_address_is_not_limited(hub: Hub) -> None:
    server = Server(create_app(hub), "127.0.0.1", 0, per_address=4, exempt=("127.0.0.5",)).start()
    held: list[socket.socket] = []
    try:
        held = idle_sockets(server.port, "127.0.0.5", 10)
        assert healthz(server.port, "127.0.0.5") == 200
        assert server._server.handle_accept.refused == 0
    finally:
        for s in held:
            with contextlib.suppress(OSError):
                s.close()
        server.stop()
