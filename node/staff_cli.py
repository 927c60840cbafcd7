"""Commands for staff accounts and gallring: ``lexheller node user ...``, ``node retention``.

``add_cli(node_subparsers)`` adds the commands; ``operations(node)`` gives the operations
that ``Node.operations()`` merges, so that a command reaches the running server (which owns
the database) through the control endpoint, or opens the folder itself when none runs.

    lexheller node user add DIR --username U --role admin [--role ...]
    lexheller node user password DIR --username U
    lexheller node retention DIR [--apply]

The password comes from ``--password-file``, else the environment variable
``LEXHELLER_NEW_PASSWORD`` (for scripts), else a prompt (asked twice).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common import control
from common.errors import UsageError
from node import retention
from node.accounts import ROLES, Accounts

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


def _run(args: argparse.Namespace, name: str, **op_args: Any) -> dict[str, Any]:
    from node.runtime import Node

    return control.run_op(Path(args.dir), Node, name, **op_args)


def read_password(args: argparse.Namespace) -> str:
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text("utf-8").splitlines()
        except OSError as e:
            raise UsageError(f"Lösenordsfilen går inte att läsa: {e}.",
                             f"The password file cannot be read: {e}.") from e  # fmt: skip
        return lines[0] if lines else ""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    first = getpass.getpass("Nytt lösenord: ")
    if getpass.getpass("Upprepa lösenordet: ") != first:
        raise UsageError("Lösenorden var inte lika.", "The passwords did not match.")
    return first


def _out(result: dict[str, Any], args: argparse.Namespace, text: str) -> None:
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else text)


def user_add(args: argparse.Namespace) -> None:
    r = _run(args, "user_add", username=args.username, roles=args.role,
             password=read_password(args))  # fmt: skip
    _out(r, args, f"Användaren {r['username']} skapades med roll: {', '.join(r['roles'])}.")


def user_password(args: argparse.Namespace) -> None:
    r = _run(args, "user_password", username=args.username, password=read_password(args))
    _out(r, args, f"Nytt lösenord satt för {r['username']}; hens sessioner avslutades.")


def retention_cmd(args: argparse.Namespace) -> None:
    r = _run(args, "retention", apply=args.apply)
    lines = [f"{c['receipt']} (avslutat {c['closed_at'][:10]}): {', '.join(c['fields'])}"
             for c in r["cases"]]  # fmt: skip
    n = len(r["cases"])
    if r["apply"]:
        lines.append(f"{n} ärenden gallrades (fritext och kontaktuppgifter borttagna).")
    else:
        lines.append(f"{n} ärenden skulle gallras (avslutade före {r['cutoff'][:10]}). "
                     "Kör med --apply för att gallra.")  # fmt: skip
    _out(r, args, "\n".join(lines))


def add_cli(node_subparsers: Any) -> None:
    """Add ``user add``, ``user password`` and ``retention`` to the ``node`` command."""
    roles = "|".join(ROLES)
    users = node_subparsers.add_parser("user", help="personalens konton").add_subparsers(
        dest="user_cmd", required=True)  # fmt: skip
    for name, fn, help_text in (("add", user_add, "skapa ett konto"),
                                ("password", user_password, "sätt ett nytt lösenord")):  # fmt: skip
        c = users.add_parser(name, help=help_text, description=help_text)
        c.set_defaults(fn=fn)
        c.add_argument("dir")
        c.add_argument("--username", required=True)
        c.add_argument("--password-file", help="fil vars första rad är lösenordet")
        if name == "add":
            c.add_argument("--role", action="append", required=True,
                           help=f"roll ({roles}); kan anges flera gånger")  # fmt: skip
    c = node_subparsers.add_parser("retention", help="gallra fritext i gamla avslutade ärenden",
                                   description="Visa (eller med --apply utför) gallring.")  # fmt: skip
    c.set_defaults(fn=retention_cmd)
    c.add_argument("dir")
    c.add_argument("--apply", action="store_true", help="gallra på riktigt (annars provkörning)")
