"""Operations on staff accounts and gallring, behind ``lexheller node user ...`` and
``lexheller node retention``: ``operations(node)`` gives what ``Node.operations()`` merges, so
that a command reaches the running server (which owns the database) through the control
endpoint, or opens the folder itself when none runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from node import retention
from node.accounts import Accounts

if TYPE_CHECKING:
    from node.runtime import Node

PASSWORD_ENV = "LEXHELLER_NEW_PASSWORD"


def operations(node: Node) -> dict[str, Callable[..., dict[str, Any]]]:
    """Operations on the node's accounts and retention (JSON in, JSON out)."""

    def user_add(username: str, roles: list[str], password: str) -> dict[str, Any]:
        user = Accounts(node.store).add_user(username, roles, password, who="cli")
        return {"username": user.username, "roles": list(user.roles)}

    def user_password(username: str, password: str) -> dict[str, Any]:
        Accounts(node.store).set_password(username.strip().lower(), password, who="cli")
        return {"username": username.strip().lower()}

    def retention_run(apply: bool = False) -> dict[str, Any]:
        years = retention.years_after_close(node.config)
        result = retention.run(node.store, years, apply=apply, who="cli")
        return json.loads(json.dumps(result, default=_iso))

    return {"user_add": user_add, "user_password": user_password, "retention": retention_run}


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
