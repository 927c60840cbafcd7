"""Smoke test of the benchmark scripts on a tiny national data set (no timing assertions)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bench import dashboards as bench_dashboards
from bench import generate_national, timings
from common.bounds import cell_bounds
from dashboards.data import CELL_SCHEMA


def test_generator_writes_consistent_suppressed_cells(tmp_path: Path) -> None:
    info = generate_national.write(tmp_path, n_forbund=4, years=2, seed=7)
    cells = pl.read_parquet(tmp_path / "cells.parquet")
    nodes = pl.read_parquet(tmp_path / "nodes.parquet")
    assert cells.columns == list(CELL_SCHEMA) and nodes.height == 4
    assert info["cells"] == cells.height and 0 < info["suppressed_share"] < 1
    assert set(cells["period_kind"]) == {"year", "quarter"}
    known = cells.filter(pl.col("value").is_not_null())
    assert (known["value"].is_between(1, 2)).sum() == 0  # nothing in 1..k−1 is published
    bounded = cell_bounds(cells).filter(pl.col("value").is_null())
    assert (bounded["hi"].is_null() | (bounded["hi"] >= bounded["lo"])).all()


def test_benchmark_runs_every_page_and_filter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate_national.write(tmp_path, n_forbund=3, years=1, seed=3)
    results = bench_dashboards.run(tmp_path, repeat=1, pages=("oversikt", "monster", "karta"))
    assert len(results) == 3 * len(bench_dashboards.FILTERS)
    assert all(r["median_ms"] > 0 and r["bare_ms"] > 0 for r in results)
    out = capsys.readouterr().out
    assert "peak resident memory" in out and "new data" in out


@pytest.mark.browser
def test_screenshots_of_a_tiny_hub(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench import screenshots

    pages = ("oversikt", "problemtyp-aktor")
    rows = screenshots.run(tmp_path / "shots", years=1, forbund=2, pages=pages)
    names = {r["shot"].name for r in rows}
    assert names == {"oversikt-1280.png", "problemtyp-aktor-1280.png", "oversikt-320.png",
                     "problemtyp-aktor-320.png"}  # fmt: skip
    for r in rows:
        png = tmp_path / "shots" / r["shot"].name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and r["kb"] < 1024
        assert 0 < r["fcp"] <= r["ready"] and r["errors"] == []
    assert "4 screenshots" in capsys.readouterr().out


def test_timings_script_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert timings.main(["--reports", "300", "--protect-reports", "40", "--years", "1",
                         "--rows", "30"]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0].split(" of")[0] for line in lines] == [
        "count_tables", "protect (k = 3)", "audit", "import"]  # fmt: skip
    assert "audit, 40 reports, 1 years" in lines[2] and ": ok" in lines[2]
    assert all(line.split()[-1] == "s" or "aim <" in line for line in lines)
