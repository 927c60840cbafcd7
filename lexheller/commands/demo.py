"""``lexheller demo``: hubs, aggregators and nodes with synthetic data on loopback."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("demo", help="Starta nav och noder med syntetiska data på 127.0.0.1 (Ctrl-C stoppar allt).")
@click.option("--dir", "folder", default="lexheller-demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="arbetsmapp")  # fmt: skip
@click.option("--years", type=int, default=5, show_default=True, help="antal år med anmälningar")
@click.option("--port", type=int, default=8100, show_default=True, help="första porten")
@click.option("--no-serve", is_flag=True, help="bygg upp allt och avsluta")
def command(folder: Path, years: int, port: int, no_serve: bool) -> None:
    from lexheller.demo import run_demo

    run_demo(folder, years=years, base_port=port, serve=not no_serve)
