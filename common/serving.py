"""Serve a WSGI app with waitress until SIGINT/SIGTERM, announcing the folder's control port."""

from __future__ import annotations

import ipaddress
import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


class Server:
    """A running waitress server on host:port (port 0 picks a free one).

    Connection limits: :data:`CONNECTION_LIMIT` in all, :data:`PER_ADDRESS_LIMIT` per client
    address (except `exempt` addresses: the reverse proxy), :data:`IDLE_TIMEOUT` for an idle or
    stalled connection. In production a reverse proxy (Caddy, nginx) in front terminates TLS
    and should also bound slow clients (request header and body timeouts) and per-client
    connections; these limits keep a server reachable on its own too.
    """

    def __init__(self, app: object, host: str, port: int, threads: int = 8, *,
                 per_address: int = PER_ADDRESS_LIMIT, exempt: tuple[Any, ...] = ()) -> None:  # fmt: skip
        # X-Forwarded-* are judged by common.web.security.TrustedProxies against the
        # folder's [server] trusted_proxies, so waitress must pass them through.
        self._server = create_server(app, host=host, port=port, threads=threads,
                                     ident="lexheller", channel_timeout=IDLE_TIMEOUT,
                                     connection_limit=CONNECTION_LIMIT, cleanup_interval=5,
                                     clear_untrusted_proxy_headers=False)  # fmt: skip
        self._server.handle_accept = _AcceptPerAddress(self._server, per_address, exempt)
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
