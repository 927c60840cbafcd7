"""Serve a WSGI app with waitress until SIGINT/SIGTERM, announcing the folder's control port."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from waitress.server import create_server

from common import control

log = logging.getLogger("lexheller.serve")


class Server:
    """A running waitress server on host:port (port 0 picks a free one)."""

    def __init__(self, app: object, host: str, port: int, threads: int = 8):
        # X-Forwarded-* are judged by common.web.security.TrustedProxies against the
        # folder's [server] trusted_proxies, so waitress must pass them through.
        self._server = create_server(app, host=host, port=port, threads=threads,
                                     ident="lexheller", channel_timeout=60,
                                     clear_untrusted_proxy_headers=False)  # fmt: skip
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
    server = Server(app, host, port)
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
