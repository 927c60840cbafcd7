"""The house's layers, as code: import-linter's contracts in pyproject.toml must hold.

schemas (pure) <- common (the shared floor) <- node | hub | aggregator | dashboards (never each
other) <- lexheller (command line, app composition, demo).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 kept, 0 broken" in r.stdout


def test_help_does_not_import_the_runtimes() -> None:
    """`lexheller --help` loads click and the command index only (it must stay fast)."""
    code = ("import sys; from lexheller.cli import main; main(['--help']); "
            "heavy = [m for m in ('polars', 'duckdb', 'flask', 'scipy', 'pyarrow', 'node', 'hub') "
            "if m in sys.modules]; print('HEAVY', heavy)")  # fmt: skip
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)  # fmt: skip
    assert "HEAVY []" in r.stdout, r.stdout + r.stderr
