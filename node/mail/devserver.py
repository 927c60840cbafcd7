"""A local SMTP server for the demo and the tests: aiosmtpd on loopback, one file per mail.

``start_demo_mail_server(folder)`` returns ``(host, port, maildir)``; every message received is
written to ``maildir`` as ``<time>-<n>.eml`` (the raw bytes as delivered), so a person can open
them and a test can parse them. The server runs in its own thread until the process ends or
:func:`stop_demo_mail_server` is called.
"""

from __future__ import annotations

import itertools
import socket
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

_RUNNING: dict[int, Controller] = {}


class FolderHandler:
    def __init__(self, maildir: Path) -> None:
        self.maildir = maildir
        self._n = itertools.count(1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self._n):04d}.eml"
        tmp = self.maildir / (name + ".tmp")
        content = envelope.original_content or envelope.content
        tmp.write_bytes(content if isinstance(content, bytes) else content.encode())
        tmp.replace(self.maildir / name)  # a reader never sees half a mail
        return "250 Message accepted for delivery"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def start_demo_mail_server(folder: Path | str, port: int = 0) -> tuple[str, int, Path]:
    """Start an SMTP server on 127.0.0.1 writing mails to `folder`/mail; returns host, port, dir."""
    maildir = Path(folder) / "mail" if Path(folder).name != "mail" else Path(folder)
    maildir.mkdir(parents=True, exist_ok=True)
    host = "127.0.0.1"
    port = port or free_port(host)
    controller = Controller(FolderHandler(maildir), hostname=host, port=port)
    controller.start()
    _RUNNING[port] = controller
    return host, port, maildir


def stop_demo_mail_server(port: int) -> None:
    controller = _RUNNING.pop(port, None)
    if controller is not None:
        controller.stop()


def read_mails(maildir: Path) -> list[Any]:
    """Every mail in `maildir`, oldest first, parsed (for tests and the demo's mail page)."""
    from email import policy
    from email.parser import BytesParser

    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in sorted(maildir.glob("*.eml"))]
