"""Commands for the hub's admin accounts: ``lexheller hub user add|password DIR --username U``.

``add_cli(hub_subparsers)`` adds the commands; ``operations(hub)`` gives the operations that
``Hub.operations()`` merges, so that a command reaches the running server (which owns the
database) through the control endpoint, or opens the folder itself when none runs.

The password comes from ``--password-file``, else the environment variable
``LEXHELLER_NEW_PASSWORD``, else a prompt (asked twice) — as for a node's staff
(:func:`node.staff_cli.read_password`). A hub admin always has the role ``admin``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.accounts import ADMIN_ROLE, hub_accounts
from common import control
from node.staff_cli import read_password

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


def _run(args: argparse.Namespace, name: str, **op_args: Any) -> dict[str, Any]:
    from hub.runtime import Hub

    return control.run_op(Path(args.dir), Hub, name, **op_args)


def _out(result: dict[str, Any], args: argparse.Namespace, text: str) -> None:
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else text)


def user_add(args: argparse.Namespace) -> None:
    r = _run(args, "admin_user_add", username=args.username, password=read_password(args))
    _out(r, args, f"Administratören {r['username']} skapades. Logga in på /admin/.")


def user_password(args: argparse.Namespace) -> None:
    r = _run(args, "admin_user_password", username=args.username, password=read_password(args))
    _out(r, args, f"Nytt lösenord satt för {r['username']}; hens sessioner avslutades.")


def add_cli(hub_subparsers: Any) -> None:
    """Add ``user add`` and ``user password`` to the ``hub`` command."""
    users = hub_subparsers.add_parser("user", help="navets administratörskonton").add_subparsers(
        dest="user_cmd", required=True)  # fmt: skip
    commands = (("add", user_add, "skapa ett administratörskonto"),
                ("password", user_password, "sätt ett nytt lösenord"))  # fmt: skip
    for name, fn, help_text in commands:
        c = users.add_parser(name, help=help_text, description=help_text)
        c.set_defaults(fn=fn)
        c.add_argument("dir")
        c.add_argument("--username", required=True)
        c.add_argument("--password-file", help="fil vars första rad är lösenordet")
