"""mypy stays clean on the packages (STYLE.md: "type hints on public functions, mypy on the
packages"), with the configuration in pyproject.toml's ``[tool.mypy]``.

Runs in the normal suite: a warm cache takes about a second, a cold one under ten.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["schemas", "common", "node", "hub", "aggregator", "lexheller"]
CONFIG = ROOT / "pyproject.toml"


def _mypy(*args: str) -> tuple[str, int]:
    stdout, stderr, status = api.run(["--config-file", str(CONFIG), *args])
    return stdout + stderr, status


def test_packages_are_mypy_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    # The package names resolve against the project root, as `uv run mypy schemas …` does there.
    monkeypatch.chdir(ROOT)
    output, status = _mypy(*PACKAGES)
    assert status == 0, f"mypy {' '.join(PACKAGES)} found errors:\n{output}"
    files = sum(1 for p in PACKAGES for _ in (ROOT / p).rglob("*.py"))
    # Every module was checked, none skipped by an exclude or a missing __init__.py.
    assert f"no issues found in {files} source files" in output, output


def test_the_check_reports_errors(tmp_path: Path) -> None:
    """The same configuration does fail on a type error (so the test above can fail)."""
    bad = tmp_path / "bad_module.py"
    bad.write_text(
        "from __future__ import annotations\n\n\n"
        "def first(rows: list[tuple[int, ...]] | None) -> int:\n"
        "    return rows[0][0]\n",
        "utf-8",
    )
    output, status = _mypy("--cache-dir", str(tmp_path / "cache"), str(bad))
    assert status == 1, output
    assert 'bad_module.py:5: error: Value of type "list[tuple[int, ...]] | None" is not' in output
