"""The command layer: each runtime's commands as click commands, printing in one place.

A command gathers its arguments, runs an operation of a runtime (``Node.operations()``,
``Hub.operations()``, ...) through :func:`common.control.run_op` — in the running server when
one owns the folder, else in this process — and hands the result to :meth:`Out.emit`, which
prints the person's text or, with ``--json``, the result itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # the error classes load only when an error is printed
    from common.errors import LexHellerError


@dataclass
class Out:
    json: bool = False
    lang: str = "sv"

    def emit(self, result: Any, text: str | None = None) -> None:
        """Print `text`, or with ``--json`` the result (an operation's Result dataclass or a
        plain dict) as JSON."""
        if self.json or text is None:
            from common.operations import to_json

            click.echo(json.dumps(to_json(result), ensure_ascii=False, indent=2, default=str))
        else:
            click.echo(text)

    def fail(self, error: LexHellerError) -> None:
        """Print a LexHellerError once, at the edge: what happened and what to do, in the
        person's language (on stderr), or with ``--json`` the one JSON error body."""
        from common.errors import error_body_of
        from common.i18n import t

        if self.json:
            click.echo(json.dumps(error_body_of(error), ensure_ascii=False, indent=2,
                                  default=str), err=True)  # fmt: skip
        else:
            click.echo(t("err_label", self.lang, message=error.diagnostics(self.lang)), err=True)


def out() -> Out:
    """The output settings of the current command (``--json``, ``--lang``)."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(Out) if ctx else None
    return obj or Out()


def codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def folder_arg() -> Any:
    return click.argument("dir", type=click.Path(file_okay=False, path_type=Path))


RUNTIMES = {"node": ("node.runtime", "Node"), "hub": ("hub.runtime", "Hub"),
            "aggregator": ("aggregator.runtime", "Aggregator")}
# Each runtime's operation types (light modules: nothing heavy is imported to build Args).
OP_TYPES = {"node": "node.op_types", "hub": "hub.op_types",
            "aggregator": "aggregator.op_types"}


def run_op(kind: str, folder: Path, name: str, **op_args: Any) -> Any:
    """Run operation `name` of a node, hub or aggregator folder (in its server if one runs).

    The options become the operation's Args dataclass (an option it does not declare is a
    TypeError here, before anything runs) and the answer is its Result dataclass."""
    import importlib

    from common import control

    module, cls = RUNTIMES[kind]

    def open_folder(folder: Path) -> Any:  # the runtime (heavy) only when no server runs
        return getattr(importlib.import_module(module), cls)(folder)

    args_type, result_type = importlib.import_module(OP_TYPES[kind]).TYPES[name]
    return control.run_typed(Path(folder), open_folder, name, args_type(**op_args), result_type)


def usage_error(sv: str, en: str) -> Exception:
    from common.errors import UsageError

    return UsageError(sv, en)


def read_password(password_file: Path | None) -> str:
    """A new password: from a file's first line, else LEXHELLER_NEW_PASSWORD, else asked twice."""
    import getpass
    import os

    from common.errors import UsageError

    if password_file:
        try:
            lines = Path(password_file).read_text("utf-8").splitlines()
        except OSError as e:
            raise UsageError.of("err_password_file_unreadable", cause=e) from e
        return lines[0] if lines else ""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    first = getpass.getpass("Nytt lösenord: ")
    if getpass.getpass("Upprepa lösenordet: ") != first:
        raise UsageError.of("err_passwords_differ")
    return first


PASSWORD_ENV = "LEXHELLER_NEW_PASSWORD"


password_file_option = click.option(
    "--password-file", type=click.Path(dir_okay=False, path_type=Path),
    help="fil vars första rad är lösenordet")  # fmt: skip


def add_password_command(group: click.Group, kind: str, operation: str) -> None:
    """``<kind> user password DIR --username U``: a new password, the user's sessions ended."""

    @group.command("password", help="Sätt ett nytt lösenord.")
    @folder_arg()
    @click.option("--username", required=True)
    @password_file_option
    def password(dir: Path, username: str, password_file: Path | None) -> None:
        r = run_op(kind, dir, operation, username=username, password=read_password(password_file))
        out().emit(r, f"Nytt lösenord satt för {r.username}; hens sessioner avslutades.")
