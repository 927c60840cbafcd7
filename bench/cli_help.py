"""How long `lexheller --help` takes, as a ratio to a bare `python -c pass` on the same machine.

    python3 -m uv run --locked python -m bench.cli_help [--repeat 10]

The CLI loads its subcommands lazily, so `--help` imports click and the command index only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _median_seconds(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=10)
    a = p.parse_args(argv)
    bare = _median_seconds([sys.executable, "-c", "pass"], a.repeat)
    help_ = _median_seconds([sys.executable, "-m", "lexheller.cli", "--help"], a.repeat)
    node = _median_seconds([sys.executable, "-m", "lexheller.cli", "node", "--help"], a.repeat)
    print(f"python -c pass:          {bare * 1000:7.0f} ms")
    print(f"lexheller --help:        {help_ * 1000:7.0f} ms  ({help_ / bare:.1f} × bare python; aim ≤ 10 ×)")
    print(f"lexheller node --help:   {node * 1000:7.0f} ms  ({node / bare:.1f} × bare python)")


if __name__ == "__main__":
    main()
