"""Synthetic, internally consistent dashboard data for tests and demonstrations.

`sample_frames()` draws fictional reports for a few förbund in two län, counts them into
every published table for years and quarters, and applies a simple primary + complementary
suppression, so tests see realistic ".." patterns (including suppressed cells above k−1).
It returns the true counts too, so tests can check that displayed bounds contain the truth.
This is *not* the node's disclosure control; it only has to look like its output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import polars as pl

from dashboards.data import CELL_SCHEMA, NODE_SCHEMA, FrameSource
from schemas.codes import code_list
from schemas.wire import UNCLASSIFIED

SAMPLE_NODES = (
    # node_id, name, län, population (None = not declared), reports per 10 000 a quarter
    ("goteborg", "Samordningsförbundet Göteborg", "14", 590_000, 0.9),
    ("ostra-skaraborg", "Samordningsförbundet Östra Skaraborg", "14", 120_000, 0.8),
    ("amal", "Samordningsförbundet Åmål", "14", 12_000, 2.0),
    ("malmo", "Samordningsförbundet Malmö", "12", 360_000, 0.6),
    ("angelholm", "Samordningsförbundet Ängelholm", "12", None, 3.0),
)
YEARS = (2022, 2023, 2024, 2025)
# Periods some förbund did not publish: silence, which the dashboards must not show as zero.
GAPS = (("amal", "2022"), ("angelholm", "2025-Q4"))


@dataclass(frozen=True)
class SampleData:
    true_cells: pl.DataFrame
    cells: pl.DataFrame
    nodes: pl.DataFrame

    def source(self) -> FrameSource:
        return FrameSource(self.cells, self.nodes)


def _reports(rng: np.random.Generator) -> pl.DataFrame:
    ptyp = [*code_list("problemtyp").values, UNCLASSIFIED]
    niva = [*code_list("niva").values, UNCLASSIFIED]
    org = list(code_list("organisation").values)
    status = list(code_list("status").values)
    aktor = list(code_list("aktor").values)
    pweights = rng.dirichlet(np.full(len(ptyp), 0.8))
    aweights = rng.dirichlet(np.full(len(aktor), 0.7))
    rows = []
    for node_id, _name, _lan, pop, rate in SAMPLE_NODES:
        size = (pop or 40_000) / 10_000 * rate
        for year in YEARS:
            for q in range(1, 5):
                for _ in range(int(rng.poisson(size * (1 + 0.1 * (year - 2022))))):
                    n_act = int(rng.integers(1, 4))
                    acts = rng.choice(aktor, size=n_act, replace=False, p=aweights)
                    rows.append(
                        {
                            "node_id": node_id,
                            "year": str(year),
                            "quarter": f"{year}-Q{q}",
                            "problemtyp": str(rng.choice(ptyp, p=pweights)),
                            "niva": str(rng.choice(niva)),
                            "organisation": str(rng.choice(org)),
                            "status": str(rng.choice(status)),
                            "aktor": [str(a) for a in acts],
                        }
                    )
    return pl.DataFrame(rows)


def count_tables(reports: pl.DataFrame, period_col: str, kind: str) -> pl.DataFrame:
    """Every published table for the periods in `period_col`, full code cross product, zeros
    included. `reports` has node_id, the period column, one column per single-valued
    dimension and ``aktor`` (a list)."""
    ptyp = [*code_list("problemtyp").values, UNCLASSIFIED]
    niva = [*code_list("niva").values, UNCLASSIFIED]
    keys = {
        "problemtyp": ptyp,
        "niva": niva,
        "organisation": list(code_list("organisation").values),
        "status": list(code_list("status").values),
        "aktor": list(code_list("aktor").values),
    }
    exploded = reports.explode("aktor")
    frames = []
    base = reports.select("node_id", period=period_col).unique()
    for table, dims, src in [
        ("total", [], reports),
        ("problemtyp", ["problemtyp"], reports),
        ("niva", ["niva"], reports),
        ("organisation", ["organisation"], reports),
        ("status", ["status"], reports),
        ("aktor", ["aktor"], exploded),
        ("problemtyp_x_aktor", ["problemtyp", "aktor"], exploded),
        ("aktor_x_niva", ["aktor", "niva"], exploded),
    ]:
        grid = base
        for d in dims:
            grid = grid.join(pl.DataFrame({d: keys[d]}), how="cross")
        counts = src.group_by("node_id", period_col, *dims).agg(value=pl.len())
        counts = counts.rename({period_col: "period"})
        full = grid.join(counts, on=["node_id", "period", *dims], how="left")
        frames.append(
            full.select(
                "node_id",
                "period",
                period_kind=pl.lit(kind),
                table=pl.lit(table),
                dim1=pl.col(dims[0]) if dims else pl.lit(None, pl.String),
                dim2=pl.col(dims[1]) if len(dims) > 1 else pl.lit(None, pl.String),
                value=pl.col("value").fill_null(0).cast(pl.Int64),
            )
        )
    return pl.concat(frames)


def suppress(cells: pl.DataFrame, k: int) -> pl.DataFrame:
    """Primary: 1..k−1 hidden. Complementary: a table group with exactly one hidden cell also
    hides its smallest other non-zero cell (so the sum cannot give the first one away)."""
    group = ["node_id", "period", "table"]
    primary = cells.with_columns(hide=(pl.col("value") >= 1) & (pl.col("value") < k))
    n_hidden = pl.col("hide").sum().over(group)
    candidate = (~pl.col("hide")) & (pl.col("value") > 0) & (pl.col("table") != "total")
    rank = pl.when(candidate).then(pl.col("value")).otherwise(None).rank("ordinal").over(group)
    out = primary.with_columns(
        hide=pl.col("hide") | ((n_hidden == 1) & (rank == 1) & (pl.col("table") != "total"))
    )
    return out.with_columns(
        value=pl.when("hide").then(None).otherwise("value").cast(pl.Int64)
    ).drop("hide")


def sample_frames(seed: int = 2026, k: int = 3) -> SampleData:
    rng = np.random.default_rng(seed)
    reports = _reports(rng)
    true = pl.concat(
        [count_tables(reports, "year", "year"), count_tables(reports, "quarter", "quarter")]
    )
    info = pl.DataFrame(
        {
            "node_id": [n[0] for n in SAMPLE_NODES],
            "node_name": [n[1] for n in SAMPLE_NODES],
            "lan": [n[2] for n in SAMPLE_NODES],
            "population": [n[3] for n in SAMPLE_NODES],
        },
        schema_overrides={"population": pl.Int64},
    )
    true = true.join(info.drop("population"), on="node_id").select(list(CELL_SCHEMA))
    for node_id, prefix in GAPS:
        gap = (pl.col("node_id") == node_id) & pl.col("period").str.starts_with(prefix)
        true = true.filter(~gap)
    nodes = info.with_columns(
        vouched_by=pl.when(pl.col("lan") == "14")
        .then(pl.lit("hub-vg"))
        .otherwise(pl.lit("hub-sk")),
        last_published=pl.lit(datetime(2026, 1, 15, 9, 30, tzinfo=UTC)),
        synthetic=pl.lit(True),
    ).select(list(NODE_SCHEMA))
    return SampleData(true_cells=true, cells=suppress(true, k), nodes=nodes)


def sample_source(seed: int = 2026) -> FrameSource:
    return sample_frames(seed).source()
