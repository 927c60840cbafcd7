"""The hub's admins: the node's accounts (:mod:`node.accounts`) on the hub's store, and the
hub's admin log.

Admin accounts reuse everything of a node's staff accounts — Argon2 passwords, server-side
sessions, lockout — in the hub's own DuckDB file (tables ``users``, ``sessions``,
``login_failures``); a hub admin holds the role ``admin``.

The *admin log* (``DIR/admin-log.jsonl``) records who did what and when: every login, logout
and lockout, every account change, every enrolment, revocation, trusted hub and upload. It is
append-only JSON lines beside ``trust.json`` (so it survives a rebuild of the database), and
hash-chained: each line carries the SHA-256 of the line before, so a line changed or removed
by hand shows up in :meth:`AdminLog.verify`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher

from common.accounts import Accounts, User, utcnow

if TYPE_CHECKING:
    from hub.runtime import Hub

ADMIN_LOG = "admin-log.jsonl"
ADMIN_ROLE = "admin"
GENESIS = "0" * 64
_WRITE_LOCK = threading.Lock()  # one writer at a time, whichever AdminLog object writes


def _line_hash(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


class AdminLog:
    """Append-only, hash-chained JSON lines: ``{"seq", "at", "who", "action", "subject", "data",
    "prev"}``. Also the :class:`common.accounts.AuditSink` of the hub's :class:`Accounts`."""

    def __init__(self, folder: Path, clock: Callable[[], datetime] = utcnow):
        self.path = folder / ADMIN_LOG
        self.clock = clock

    def _last(self) -> tuple[int, str]:
        """(seq, hash) of the last line, or (0, GENESIS) for an empty log."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return 0, GENESIS
        with open(self.path, "rb") as f:
            f.seek(max(0, self.path.stat().st_size - 65536))
            last = f.read().rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("utf-8")
        return int(json.loads(last)["seq"]), _line_hash(last)

    def append(
        self,
        who: str,
        action: str,
        subject: str | None = None,
        data: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """Write one event (fsynced before returning) and return it."""
        when = (at or self.clock()).replace(tzinfo=None)
        with _WRITE_LOCK:
            seq, prev = self._last()
            entry = {"seq": seq + 1, "at": when.isoformat(timespec="seconds") + "Z",
                     "who": who, "action": action, "subject": subject, "data": data or {},
                     "prev": prev}  # fmt: skip
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        return entry

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The events, newest first (at most `limit`)."""
        if not self.path.exists():
            return []
        lines = self.path.read_text("utf-8").splitlines()
        picked = lines if limit is None else lines[-limit:]
        return [json.loads(line) for line in reversed(picked) if line]

    def verify(self) -> list[str]:
        """Problems with the chain (empty when every line follows the one before, unchanged)."""
        if not self.path.exists():
            return []
        problems, prev = [], GENESIS
        for n, line in enumerate(self.path.read_text("utf-8").splitlines(), start=1):
            try:
                entry = json.loads(line)
            except ValueError:
                problems.append(f"rad {n}: inte JSON")
                prev = _line_hash(line)
                continue
            if entry.get("prev") != prev or entry.get("seq") != n:
                problems.append(f"rad {n}: kedjan bruten (en rad före ändrad eller borttagen)")
            prev = _line_hash(line)
        return problems

    # -------------------------------------------------------- common.accounts.AuditSink

    def ensure_schema(self, cur: Any) -> None:
        """Nothing to create: the log is a file."""

    def append_staff_event(self, cur: Any, at: datetime, kind: str, who: str,
                           subject: str | None, data: dict[str, Any]) -> int:  # fmt: skip
        return int(self.append(who, kind, subject, data, at=at)["seq"])


def admin_log(hub: Hub) -> AdminLog:
    return AdminLog(hub.folder)


def hub_accounts(hub: Hub, *, clock: Callable[[], datetime] = utcnow,
                 hasher: PasswordHasher | None = None) -> Accounts:  # fmt: skip
    """The hub's admin accounts, with their events in the hub's admin log."""
    return Accounts(hub.store, clock=clock, hasher=hasher, audit=AdminLog(hub.folder, clock))


def is_admin(user: User | None) -> bool:
    return user is not None and user.active and ADMIN_ROLE in user.roles
