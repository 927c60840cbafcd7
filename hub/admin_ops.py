"""Operations on the hub's admin accounts, behind ``lexheller hub user add|password``:
``operations(hub)`` gives what ``Hub.operations()`` merges (a hub admin always has the role
``admin``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hub.accounts import ADMIN_ROLE, hub_accounts

if TYPE_CHECKING:
    from hub.runtime import Hub


def operations(hub: Hub) -> dict[str, Callable[..., dict[str, Any]]]:
    """Operations on the hub's admin accounts (JSON in, JSON out)."""

    def admin_user_add(username: str, password: str) -> dict[str, Any]:
        user = hub_accounts(hub).add_user(username, [ADMIN_ROLE], password, who="cli")
        return {"username": user.username, "roles": list(user.roles)}

    def admin_user_password(username: str, password: str) -> dict[str, Any]:
        name = username.strip().lower()
        hub_accounts(hub).set_password(name, password, who="cli")
        return {"username": name}

    return {"admin_user_add": admin_user_add, "admin_user_password": admin_user_password}
