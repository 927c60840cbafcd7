"""The demo's local mail: an SMTP server on loopback (aiosmtpd, in the demo's own process, which
keeps running while the demo serves) that writes every mail as a file, each demo node's
``[mail]`` pointed at it, and the demo user ``vu`` given an address and "mail on new report"
and a daily digest.

    configure_node(folder, node_id, port, url)   write [mail] into the node's node.toml
    give_vu_mail(node)                           vu's address and mail choices
    start(demo, base_port)                       start the server; returns the folder mails land in
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from common.config import Config
from node.mail.devserver import start_demo_mail_server

PORT_OFFSET = 25
"""The SMTP port is base+25 (hubs use base+0..2, aggregators base+50..62, nodes base+100..)."""
SENDER = "lexheller@demo.invalid"


def port(base_port: int) -> int:
    return base_port + PORT_OFFSET


def maildir(demo: Path) -> Path:
    return demo / "mail"


def configure_node(node_folder: Path, smtp_port: int, url: str) -> None:
    """Point a node's [mail] at the demo's SMTP server (no TLS, no login: loopback only)."""
    path = node_folder / "node.toml"
    data = tomllib.loads(path.read_text("utf-8"))
    data["mail"] = {**data.get("mail", {}), "host": "127.0.0.1", "port": smtp_port,
                    "tls": "none", "sender": SENDER, "base_url": url}  # fmt: skip
    Config.write(path, data)


def vu_address(node_id: str) -> str:
    return f"vu@{node_id}.demo.invalid"


def give_vu_mail(node: object) -> None:
    """The demo's case worker `vu` gets a mail for each new report and a daily digest."""
    from datetime import UTC, datetime

    from node import notifications
    from node.accounts import User

    store = node.store  # type: ignore[attr-defined]
    node_id = node.id  # type: ignore[attr-defined]
    notifications.set_prefs(store, User("vu", ("verksamhetsutvecklare",)),
                            email=vu_address(node_id), on_new=True, digest="daily", lang="sv",
                            now=datetime.now(UTC).replace(tzinfo=None))  # fmt: skip


def start(demo: Path, base_port: int) -> Path:
    """Start the SMTP server for the demo (in this process); returns where mails land."""
    _, _, where = start_demo_mail_server(maildir(demo), port=port(base_port))
    return where
