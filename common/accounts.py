"""Staff accounts of a node: users and roles, Argon2 passwords, server-side sessions, lockout.

Roles and what they may do (a user may hold several roles):

    admin                   manage users (add, reset passwords, deactivate), local sub-codes
    verksamhetsutvecklare   read and work cases, local sub-codes, the dashboard
    forbundschef            read cases, approve publishing, the dashboard
    lasare                  the dashboard only
    arbetsgrupp             (hub only) the regional working group's pages

A session is a random id; the browser holds it in a signed cookie (:mod:`node.web.staff`),
the database only its SHA-256, so a copy of the database cannot be used to log in. A session
ends after ``SESSION_IDLE`` without a request or ``SESSION_MAX`` after login.

Lockout, so that it cannot be used as a lever to keep staff out:

- Per account: ``LOCKOUT_FAILURES`` failed logins within ``LOCKOUT_WINDOW`` refuse further
  attempts from unknown browsers (without checking the password) until the oldest of those
  failures is ``LOCKOUT_WINDOW`` old. A *known device* (a browser that logged in as this user
  before, see :mod:`common.web.session`) is only slowed down: a correct password passes.
- Per address (an office behind one NAT address): failures there only slow down, with a wait
  doubling from one second up to ``SLOWDOWN_MAX`` after the last failure; never a lockout
  of every user at that address.

Errors (a person's input, so :class:`common.errors.UsageError`)::

    AccountError      bad user name, role or password; unknown user
    ├── LoginRefused  wrong user name or password (one message for both)
    └── LockedOut     too many failures; carries ``until``
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from common.errors import UsageError

ROLES = ("admin", "verksamhetsutvecklare", "forbundschef", "lasare")
HUB_ROLES = ("arbetsgrupp",)
"""Roles only a hub gives: the regional working group (hub.workgroup_pages)."""
ROLE_ALIASES = {"förbundschef": "forbundschef", "läsare": "lasare"}
PERMISSIONS: dict[str, frozenset[str]] = {
    "users": frozenset({"admin"}),
    "subcodes": frozenset({"admin", "verksamhetsutvecklare"}),
    "cases.read": frozenset({"verksamhetsutvecklare", "forbundschef"}),
    "cases.write": frozenset({"verksamhetsutvecklare"}),
    "publish.approve": frozenset({"forbundschef"}),
    "dashboard": frozenset(ROLES),
    "workgroup": frozenset({"arbetsgrupp"}),
}
SESSION_IDLE = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=8)
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
SLOWDOWN_MAX = timedelta(seconds=60)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username VARCHAR PRIMARY KEY,
    roles VARCHAR[] NOT NULL,
    password_hash VARCHAR NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    password_set_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash VARCHAR PRIMARY KEY,
    username VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    failed_at TIMESTAMP NOT NULL,
    username VARCHAR NOT NULL,
    address VARCHAR NOT NULL
);
"""


class CursorStore(Protocol):
    """Where the accounts live: anything with a DuckDB ``cursor()`` context (node or hub store)."""

    def cursor(self) -> AbstractContextManager[Any]: ...


class AuditSink(Protocol):
    """Where account events go; :mod:`node.audit_trail` on a node, the admin log on a hub."""

    def ensure_schema(self, cur: Any) -> None: ...

    def append_staff_event(self, cur: Any, at: datetime, kind: str, who: str,
                           subject: str | None, data: dict[str, Any]) -> int: ...  # fmt: skip


class AccountError(UsageError):
    pass


class LoginRefused(AccountError):
    pass


class LockedOut(AccountError):
    def __init__(self, until: datetime, now: datetime):
        seconds = max(1, int((until - now).total_seconds() + 0.999))
        if seconds < 60:
            sv, en = f"{seconds} sekunder", f"{seconds} seconds"
        else:
            minutes = seconds // 60 + 1
            sv, en = f"{minutes} minuter", f"{minutes} minutes"
        super().__init__(
            f"För många misslyckade inloggningar. Försök igen om {sv}.",
            f"Too many failed logins. Try again in {en}.",
        )
        self.until = until


@dataclass(frozen=True)
class User:
    username: str
    roles: tuple[str, ...]
    active: bool = True

    def can(self, permission: str) -> bool:
        return bool(PERMISSIONS[permission].intersection(self.roles))


def utcnow() -> datetime:
    """Naive UTC, as the store keeps timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_roles(roles: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for raw in roles:
        for part in raw.split(","):
            role = ROLE_ALIASES.get(part.strip().lower(), part.strip().lower())
            if not role:
                continue
            if role not in ROLES + HUB_ROLES:
                known = ", ".join(ROLES + HUB_ROLES)
                raise AccountError.of("err_unknown_role", role=part, known=known)
            if role not in out:
                out.append(role)
    if not out:
        raise AccountError.of("err_no_role")
    return tuple(out)


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError.of("err_password_short", min=MIN_PASSWORD)


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


class Accounts:
    """Users, sessions and login failures of one store (a node's, or a hub's for its admins).

    Every account event goes to `audit` (default: the node's hash-chained audit trail).
    """

    def __init__(
        self,
        store: CursorStore,
        clock: Callable[[], datetime] = utcnow,
        hasher: PasswordHasher | None = None,
        audit: AuditSink | None = None,
    ):
        if audit is None:
            raise TypeError("Accounts needs an audit sink (node.accounts.Accounts gives the node's)")
        self.store = store
        self.clock = clock
        self.hasher = hasher or PasswordHasher()
        self.audit: AuditSink = audit
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        with store.cursor() as cur:
            cur.execute(SCHEMA)
            self.audit.ensure_schema(cur)

    # ------------------------------------------------------------------ users

    def add_user(self, username: str, roles: list[str] | tuple[str, ...], password: str,
                 who: str = "system") -> User:  # fmt: skip
        username = username.strip().lower()
        if not _USERNAME.match(username):
            raise AccountError.of("err_username_format")
        roles = normalise_roles(roles)
        check_password(password)
        digest = self.hasher.hash(password)
        now = self.clock()
        with self.store.cursor() as cur:
            cur.execute("BEGIN")
            try:
                if cur.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
                    raise AccountError.of("err_user_exists", username=username)
                cur.execute(
                    "INSERT INTO users (username, roles, password_hash, created_at,"
                    " password_set_at) VALUES (?, ?, ?, ?, ?)",
                    [username, list(roles), digest, now, now],
                )
                self.audit.append_staff_event(cur, now, "anvandare_skapad", who, username,
                                                    {"roles": list(roles)})  # fmt: skip
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
        return User(username, roles)

    def get(self, username: str) -> User | None:
        with self.store.cursor() as cur:
            row = cur.execute(
                "SELECT username, roles, active FROM users WHERE username = ?",
                [username.strip().lower()],
            ).fetchone()
        return User(row[0], tuple(row[1]), row[2]) if row else None

    def users(self) -> list[User]:
        with self.store.cursor() as cur:
            rows = cur.execute(
                "SELECT username, roles, active FROM users ORDER BY username"
            ).fetchall()
        return [User(u, tuple(r), a) for u, r, a in rows]

    def _require(self, cur: Any, username: str) -> None:
        if not cur.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise AccountError.of("err_user_missing", username=username)

    def set_password(self, username: str, password: str, who: str) -> None:
        """Set a new password; every session of the user ends."""
        check_password(password)
        digest = self.hasher.hash(password)
        now = self.clock()
        with self.store.cursor() as cur:
            cur.execute("BEGIN")
            try:
                self._require(cur, username)
                cur.execute("UPDATE users SET password_hash = ?, password_set_at = ?"
                            " WHERE username = ?", [digest, now, username])  # fmt: skip
                cur.execute("DELETE FROM sessions WHERE username = ?", [username])
                cur.execute("DELETE FROM login_failures WHERE username = ?", [username])
                self.audit.append_staff_event(cur, now, "losenord_satt", who, username, {})
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise

    def set_active(self, username: str, active: bool, who: str) -> None:
        now = self.clock()
        with self.store.cursor() as cur:
            cur.execute("BEGIN")
            try:
                self._require(cur, username)
                old = cur.execute("SELECT active FROM users WHERE username = ?",
                                  [username]).fetchone()[0]  # fmt: skip
                cur.execute("UPDATE users SET active = ? WHERE username = ?", [active, username])
                if not active:
                    cur.execute("DELETE FROM sessions WHERE username = ?", [username])
                change = {"changes": {"active": [old, active]}}
                self.audit.append_staff_event(cur, now, "anvandare_aktiv", who, username, change)
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise

    # ------------------------------------------------------------------ login

    def locked_until(self, username: str, address: str,
                     known_device: bool = False) -> datetime | None:  # fmt: skip
        """When the next attempt may be made (None: now) for this name, address and device."""
        now = self.clock()
        since = now - LOCKOUT_WINDOW
        waits: list[datetime] = []
        with self.store.cursor() as cur:
            for column, value in (("username", username), ("address", address)):
                rows = cur.execute(
                    f"SELECT failed_at FROM login_failures WHERE {column} = ? AND failed_at > ?"
                    " ORDER BY failed_at DESC",
                    [value, since],
                ).fetchall()
                if len(rows) < LOCKOUT_FAILURES:
                    continue
                if column == "username" and not known_device:
                    waits.append(rows[LOCKOUT_FAILURES - 1][0] + LOCKOUT_WINDOW)
                else:  # slow down only
                    step = min(len(rows) - LOCKOUT_FAILURES, 6)
                    waits.append(rows[0][0] + min(timedelta(seconds=2**step), SLOWDOWN_MAX))
        until = max(waits, default=None)
        return until if until is not None and until > now else None

    def authenticate(self, username: str, password: str, address: str,
                     known_device: bool = False) -> User:  # fmt: skip
        """The user if name and password are right; raises LoginRefused or LockedOut.

        `known_device`: the browser proved an earlier login as this user, so a locked account
        is only slowed down for it."""
        username = username.strip().lower()[:64]
        until = self.locked_until(username, address, known_device)
        if until is not None:
            raise LockedOut(until, self.clock())
        with self.store.cursor() as cur:
            row = cur.execute(
                "SELECT password_hash, roles, active FROM users WHERE username = ?", [username]
            ).fetchone()
        ok = False
        try:
            # Verify against a dummy hash for unknown users so timing does not tell names apart.
            ok = self.hasher.verify(row[0] if row else self._dummy, password[:MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            ok = False
        now = self.clock()
        with self.store.cursor() as cur:
            if not (ok and row and row[2]):
                cur.execute("INSERT INTO login_failures VALUES (?, ?, ?)", [now, username, address])
                cur.execute(
                    "DELETE FROM login_failures WHERE failed_at < ?", [now - 4 * LOCKOUT_WINDOW]
                )
                locked = self.locked_until(username, address, known_device)
                if locked is not None:
                    self.audit.append_staff_event(cur, now, "inloggning_last", "system",
                                                        username, {"address": address})  # fmt: skip
                    raise LockedOut(locked, now)
                raise LoginRefused.of("err_login_refused")
            if known_device and self.locked_until(username, address) is not None:
                pass  # let the owner in, but keep the account locked for other browsers
            else:
                cur.execute("DELETE FROM login_failures WHERE username = ?", [username])
            if self.hasher.check_needs_rehash(row[0]):
                cur.execute("UPDATE users SET password_hash = ? WHERE username = ?",
                            [self.hasher.hash(password), username])  # fmt: skip
            self.audit.append_staff_event(cur, now, "inloggad", username, username,
                                                {"address": address})  # fmt: skip
        return User(username, tuple(row[1]), True)

    # ------------------------------------------------------------------ sessions

    def start_session(self, username: str) -> str:
        sid = secrets.token_urlsafe(32)
        now = self.clock()
        with self.store.cursor() as cur:
            cur.execute("DELETE FROM sessions WHERE last_seen < ? OR created_at < ?",
                        [now - SESSION_IDLE, now - SESSION_MAX])  # fmt: skip
            cur.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                        [_sid_hash(sid), username, now, now])  # fmt: skip
        return sid

    def session_user(self, sid: str) -> User | None:
        """The user of a live session (and mark it used), or None if unknown or expired."""
        now = self.clock()
        key = _sid_hash(sid)
        with self.store.cursor() as cur:
            row = cur.execute(
                "SELECT s.created_at, s.last_seen, u.username, u.roles, u.active"
                " FROM sessions s JOIN users u USING (username) WHERE s.id_hash = ?",
                [key],
            ).fetchone()
            if row is None:
                return None
            created, last_seen, username, roles, active = row
            if not active or now - last_seen > SESSION_IDLE or now - created > SESSION_MAX:
                cur.execute("DELETE FROM sessions WHERE id_hash = ?", [key])
                return None
            cur.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", [now, key])
        return User(username, tuple(roles), active)

    def end_session(self, sid: str, who: str | None = None) -> None:
        now = self.clock()
        with self.store.cursor() as cur:
            gone = cur.execute("DELETE FROM sessions WHERE id_hash = ? RETURNING username",
                               [_sid_hash(sid)]).fetchone()  # fmt: skip
            if gone:
                self.audit.append_staff_event(cur, now, "utloggad", who or gone[0], gone[0], {})
