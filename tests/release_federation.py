"""Synthetic federations for the release tests and the joint-audit benchmark.

Each förbund draws fictional reports (skewed sizes: a few large, many small), counts them into
the shared tables for a year and its quarters, and protects them with the node's own
suppression (``node.suppression.protect``), so the bundles look exactly like real nodes'.
The true tables are kept so tests can check released figures against the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from node.aggregate import count_tables
from node.suppression import protect
from schemas.codes import code_list
from schemas.wire import Bundle, NodeInfo

Exact = dict[str, dict[str, dict[tuple[str, ...], int]]]
"""period → table → key → true count, for one node."""


@dataclass(frozen=True)
class Federation:
    bundles: dict[str, list[Bundle]]
    exact: dict[str, Exact]  # node → period → table → key → count
    regions: dict[str, tuple[str, ...]]  # region id → node ids

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(sorted(self.bundles))

    def exact_for(self, period: str) -> dict[str, dict[str, dict[tuple[str, ...], int]]]:
        return {n: e.get(period, {}) for n, e in self.exact.items()}


def reports(rng: np.random.Generator, n: int, year: int, weights: dict[str, np.ndarray],
            quarters: tuple[int, ...] = (1, 2, 3, 4)) -> pl.DataFrame:  # fmt: skip
    codes = {d: list(code_list(d).values) for d in ("problemtyp", "niva", "organisation",
                                                      "status", "aktor")}  # fmt: skip
    rows = []
    for _ in range(n):
        q = int(rng.choice(quarters))
        day = datetime(year, 3 * q - 2, 1, 12, tzinfo=UTC) + timedelta(days=int(rng.integers(0, 85)))
        acts = rng.choice(codes["aktor"], size=int(rng.integers(1, 3)), replace=False,
                          p=weights["aktor"])  # fmt: skip
        rows.append({
            "received_at": day,
            "problemtyp": str(rng.choice(codes["problemtyp"], p=weights["problemtyp"])),
            "niva": str(rng.choice(codes["niva"])),
            "organisation": str(rng.choice(codes["organisation"])),
            "status": str(rng.choice(codes["status"])),
            "aktorer": [str(a) for a in acts],
        })  # fmt: skip
    schema = {"received_at": pl.Datetime("us", "UTC"), "problemtyp": pl.Utf8, "niva": pl.Utf8,
              "organisation": pl.Utf8, "status": pl.Utf8, "aktorer": pl.List(pl.Utf8)}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def node_bundle(node_id: str, frame: pl.DataFrame, periods: list[str], k: int, seq: int = 1,
                lan: str = "14") -> tuple[Bundle, Exact]:  # fmt: skip
    tables = count_tables(frame, periods) if frame.height else []
    prot = protect(tables, k) if tables else None
    exact: Exact = {}
    for t in tables:
        exact.setdefault(t.period, {})[t.name] = dict(t.counts)
    created = datetime(2026, 1, 15, tzinfo=UTC) + timedelta(minutes=seq)
    bundle = Bundle(
        node=NodeInfo(node_id, f"Förbund {node_id}", (lan,)),
        sequence=seq, created=created, expires=created + timedelta(days=400),
        taxonomy="v1", k=k, method="test", synthetic=True,
        tables=tuple(prot.tables) if prot else (),
    )  # fmt: skip
    return bundle, exact


def federation(n: int, *, seed: int = 1, year: int = 2025, sizes: tuple[int, int] = (6, 120),
               region_sizes: tuple[int, ...] = (), quarters: bool = True, k: int = 3,
               one_cell: bool = False) -> Federation:  # fmt: skip
    """`n` förbund with skewed yearly volumes between `sizes` (log-uniform), grouped into
    regions of `region_sizes` (the rest in none). `one_cell` adds a förbund whose only
    reports fall in one cell (a cell hidden by exactly one förbund)."""
    rng = np.random.default_rng(seed)
    weights = {
        "problemtyp": rng.dirichlet(np.full(len(code_list("problemtyp").values), 0.9)),
        "aktor": rng.dirichlet(np.full(len(code_list("aktor").values), 0.8)),
    }
    periods = [str(year)] + ([f"{year}-Q{q}" for q in range(1, 5)] if quarters else [])
    bundles: dict[str, list[Bundle]] = {}
    exact: dict[str, Exact] = {}
    lo, hi = np.log(sizes[0]), np.log(sizes[1])
    for i in range(n):
        node_id = f"f{i:03d}"
        size = int(np.exp(rng.uniform(lo, hi)))
        frame = reports(rng, size, year, weights)
        if one_cell and i == n - 1:
            frame = frame.head(2).with_columns(pl.lit("P01").alias("problemtyp")) \
                if frame.height >= 2 else frame
        bundle, ex = node_bundle(node_id, frame, periods, k)
        bundles[node_id] = [bundle]
        exact[node_id] = ex
    regions: dict[str, tuple[str, ...]] = {}
    start = 0
    for r, size in enumerate(region_sizes):
        regions[f"region-{r + 1}"] = tuple(f"f{i:03d}" for i in range(start, start + size))
        start += size
    return Federation(bundles, exact, regions)
