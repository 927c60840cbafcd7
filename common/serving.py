"""Serve a WSGI app with waitress until SIGINT/SIGTERM, announcing the folder's control port."""

from __future__ import annotations

import ipaddress
import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import create_server

from common import control

log = logging.getLogger("lexheller.serve")


CONNECTION_LIMIT = 500
"""Open connections in all (waitress's default of 100 let ~110 idle sockets shut a server);
below the 1024 descriptors waitress's select() loop can watch."""
PER_ADDRESS_LIMIT = 32
"""Open connections from one client address; more are closed at once, so one client cannot
fill the server. A reverse proxy in [server] trusted_proxies is exempt: it carries everyone."""
IDLE_TIMEOUT = 30
"""Seconds a connection may sit without sending or receiving before it is closed."""
HEADER_TIMEOUT = 20
"""Seconds from a request's first byte until its headers are complete. A client that trickles
its headers (slowloris) never looks idle; without this bound it would hold its connection, and
a few hundred such clients every slot, for ever."""
REQUEST_TIMEOUT = 120
"""Seconds from a request's first byte until the whole request (headers and body) has arrived:
the same bound for a body trickled byte by byte. The largest request a hub takes (9 MB) needs
75 kB/s to arrive in time; bundles are usually far smaller."""


class Server:
    """A running waitress server on host:port (port 0 picks a free one).

    Connection limits: :data:`CONNECTION_LIMIT` in all, :data:`PER_ADDRESS_LIMIT` per client
    address (except `exempt` addresses: the reverse proxy), :data:`IDLE_TIMEOUT` for an idle or
    stalled connection, and for a slow one :data:`HEADER_TIMEOUT` until a request's headers
    and :data:`REQUEST_TIMEOUT` until the whole request has arrived. In production a reverse proxy (Caddy, nginx) in front terminates TLS
    and should also bound slow clients (request header and body timeouts) and per-client
    connections; these limits keep a server reachable on its own too.
    """

    def __init__(self, app: object, host: str, port: int, threads: int = 8, *,
                 per_address: int = PER_ADDRESS_LIMIT, exempt: tuple[Any, ...] = (),
                 header_timeout: float = HEADER_TIMEOUT,
                 request_timeout: float = REQUEST_TIMEOUT) -> None:  # fmt: skip
        # X-Forwarded-* are judged by common.web.security.TrustedProxies against the
        # folder's [server] trusted_proxies, so waitress must pass them through.
        self._server = create_server(app, host=host, port=port, threads=threads,
                                     ident="lexheller", channel_timeout=IDLE_TIMEOUT,
                                     connection_limit=CONNECTION_LIMIT, cleanup_interval=1,
                                     clear_untrusted_proxy_headers=False)  # fmt: skip
        self._server.handle_accept = _AcceptPerAddress(self._server, per_address, exempt)
        self._server.channel_class = _TimedChannel
        self._server.maintenance = _SlowRequestCutoff(self._server, header_timeout,
                                                      request_timeout)  # fmt: skip
        self.host = host
        self.port = int(self._server.effective_port)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Server:
        self._thread = threading.Thread(target=self._server.run, name="waitress", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.close()
        if self._thread:
            self._thread.join(timeout=10)


class _TimedChannel(HTTPChannel):
    """waitress's channel, noting when the request it is still receiving began."""

    request_started: float | None = None

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = time.time()
        done = bool(super().received(data))
        if self.request is None:
            self.request_started = None  # nothing half-received (handed on, or not begun)
        elif self.request_started is None:
            self.request_started = time.time()  # a pipelined request begun in the same read
        return done


class _SlowRequestCutoff:
    """waitress's maintenance (idle channels), and closing every channel whose request has
    taken longer than the bounds to arrive: a trickling client is cut off however active."""

    def __init__(self, server: Any, header_timeout: float, request_timeout: float) -> None:
        self.idle = server.maintenance
        self.server, self.header_timeout = server, header_timeout
        self.request_timeout = request_timeout
        self.cut = 0

    def __call__(self, now: float) -> None:
        self.idle(now)
        for channel in list(self.server.active_channels.values()):
            started = getattr(channel, "request_started", None)
            request = channel.request
            if started is None or request is None or channel.will_close:
                continue
            bound = self.request_timeout if request.headers_finished else self.header_timeout
            if now - started > bound:
                self.cut += 1
                log.info("closing a connection from %s: request not complete after %.0f s",
                         channel.addr[0] if isinstance(channel.addr, tuple) else channel.addr,
                         now - started)  # fmt: skip
                channel.will_close = True


class _AcceptPerAddress:
    """waitress's accept, refusing a connection when its address already holds `limit`."""

    def __init__(self, server: Any, limit: int, exempt: tuple[Any, ...]) -> None:
        self.server, self.limit = server, limit
        self.exempt = [ipaddress.ip_network(str(e), strict=False) for e in exempt]
        self.refused = 0

    def _exempt(self, host: str) -> bool:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(ip in net for net in self.exempt)

    def __call__(self) -> None:
        server = self.server
        try:
            accepted = server.accept()
            if accepted is None:
                return
            conn, addr = accepted
            server.set_socket_options(conn)
        except OSError:
            return  # the peer went away before we got to it; as waitress does
        addr = server.fix_addr(addr)
        host = addr[0] if isinstance(addr, tuple) else addr
        if not self._exempt(host):
            here = sum(1 for ch in list(server.active_channels.values())
                       if isinstance(ch.addr, tuple) and ch.addr[0] == host)  # fmt: skip
            if here >= self.limit:
                self.refused += 1
                conn.close()
                return
        server.channel_class(server, conn, addr, server.adj, map=server._map)


def serve_folder(
    folder: Path,
    app: object,
    host: str,
    port: int,
    token_holder: dict[str, str],
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve in the foreground until a signal; the control token is announced in the folder."""
    from common.metrics import configure_server_logs

    configure_server_logs()
    # the reverse proxy (trusted_proxies) carries every client: no per-address limit for it
    proxies = tuple(getattr(getattr(app, "wsgi_app", None), "networks", ()))
    server = Server(app, host, port, exempt=proxies)
    token_holder["token"] = control.announce(folder, host, server.port)
    stop = threading.Event()

    def _signal(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _signal)
    signal.signal(signal.SIGTERM, _signal)
    server.start()
    log.info("serving %s on %s", folder, server.url)
    if on_ready:
        on_ready(server.url)
    try:
        stop.wait()
    finally:
        server.stop()
        control.withdraw(folder)
