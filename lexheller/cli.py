"""The `lexheller` command line: one click group whose subcommands load when they are used.

``lexheller --help`` imports only click and this module; ``lexheller node ...`` imports
:mod:`lexheller.commands.node`, which imports a runtime only inside the command that needs it.
Every error a person can cause is a LexHellerError; :func:`main` prints it once, in Swedish (or
English with ``--lang en``), and returns 2. Domain code never calls sys.exit or prints.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from importlib.metadata import PackageNotFoundError, version

import click

from lexheller.commands import Out

SUBCOMMANDS = {
    "node": ("lexheller.commands.node", "ett förbunds nod"),
    "hub": ("lexheller.commands.hub", "regionalt eller nationellt nav"),
    "aggregator": ("lexheller.commands.aggregator", "aggregator för exakta summor (säker beräkning)"),
    "demo": ("lexheller.commands.demo", "starta nav, aggregatorer och noder med syntetiska data"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (`--help` stays fast)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in SUBCOMMANDS and name not in self.commands:
            module = importlib.import_module(SUBCOMMANDS[name][0])
            self.add_command(module.command, name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][1]) for name in sorted(SUBCOMMANDS)]
        with formatter.section("Kommandon"):
            formatter.write_dl(rows)


def _version() -> str:
    try:
        return version("lexheller")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "0+checkout"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help="Lex Heller – noder, nav, aggregatorer och demo.")  # fmt: skip
@click.option("--lang", type=click.Choice(["sv", "en"]),
              default=lambda: os.environ.get("LEXHELLER_LANG", "sv"),
              help="språk för meddelanden (sv/en)")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="skriv resultatet som JSON")
@click.option("-v", "--verbose", is_flag=True, help="mer loggning")
@click.version_option(_version(), "--version", prog_name="lexheller", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, lang: str, as_json: bool, verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")  # fmt: skip
    ctx.obj = _state["out"] = Out(json=as_json, lang=lang)


_state: dict[str, Out] = {}


def main(argv: list[str] | None = None) -> int:
    from common.errors import LexHellerError

    args = sys.argv[1:] if argv is None else argv
    _state["out"] = Out(lang=os.environ.get("LEXHELLER_LANG", "sv"))
    try:
        cli.main(args=args, prog_name="lexheller", standalone_mode=False)
    except LexHellerError as e:
        _state["out"].fail(e)  # what happened and what to do, once, in the person's language
        return 2
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return 2
    except (click.Abort, KeyboardInterrupt):
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
