"""The ``[mail]`` settings of a node as one checked value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.errors import UsageError

TLS_MODES = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    tls: str
    user: str
    password: str
    sender: str
    base_url: str
    timeout: float
    max_attempts: int
    digest_hour: int

    @property
    def enabled(self) -> bool:
        return bool(self.host)


def mail_settings(config: Any, folder: Path) -> MailSettings:
    """Read ``[mail]`` (after env overrides); the password comes from env, file or the TOML."""
    m = config["mail"]
    tls = str(m["tls"]).lower()
    if tls not in TLS_MODES:
        raise UsageError.of("err_mail_tls", value=m["tls"])
    password = str(m["password"] or "")
    if m["password_file"]:
        path = folder / str(m["password_file"])
        try:
            password = path.read_text("utf-8").strip()
        except OSError as e:
            raise UsageError.of("err_mail_password_file", path=path, cause=e.strerror) from e
    if m["host"] and not m["sender"]:
        raise UsageError.of("err_mail_no_sender")
    server = config["server"]
    base = str(m["base_url"] or f"http://{server['host']}:{server['port']}").rstrip("/")
    return MailSettings(
        host=str(m["host"]),
        port=int(m["port"]),
        tls=tls,
        user=str(m["user"] or ""),
        password=password,
        sender=str(m["sender"] or ""),
        base_url=base,
        timeout=float(m["timeout_seconds"]),
        max_attempts=max(1, int(m["max_attempts"])),
        digest_hour=int(m["digest_hour"]) % 24,
    )
