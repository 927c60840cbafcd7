"""A node's staff accounts: :class:`common.accounts.Accounts` writing to the node's audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from common import accounts as _common
from common.accounts import (  # noqa: F401  (the names node code and tests use)
    LOCKOUT_FAILURES,
    ROLES,
    AccountError,
    AuditSink,
    LockedOut,
    LoginRefused,
    PasswordHasher,
    User,
    utcnow,
)
from node import audit_trail


class Accounts(_common.Accounts):
    def __init__(self, store: Any, clock: Callable[[], datetime] = utcnow,
                 hasher: Any = None, audit: AuditSink | None = None) -> None:  # fmt: skip
        super().__init__(store, clock=clock, hasher=hasher, audit=audit or audit_trail)
