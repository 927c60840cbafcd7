"""National-scale synthetic hub data for the dashboard benchmark.

    uv run python -m bench.generate_national --forbund 80 --years 10 --out bench/data/national
    uv run python -m bench.generate_national --forbund 2000 --years 10 --out bench/data/stress

Writes ``cells.parquet`` and ``nodes.parquet`` in the shape of ``dashboards.data`` (what a hub's
``latest_cells()`` gives): every table of every förbund for every year and quarter, the full
code cross product with zeros, primary and complementary suppression (k = 3) from
``dashboards.sample``. Reports are drawn per förbund and quarter, vectorised (no per-report
Python loop), from a national problem-type mix that each län tilts a little, so small förbund
show many "..", large ones few, and some patterns recur across many förbund.

A few förbund miss a period (silence, not zero) so the coverage page has gaps to show.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from dashboards.data import CELL_SCHEMA, NODE_SCHEMA
from dashboards.sample import count_tables, suppress
from schemas.codes import code_list, lan
from schemas.wire import UNCLASSIFIED

REPORTS_PER_10K_A_YEAR = 4.0
LAST_YEAR = 2025


def _nodes(n: int, rng: np.random.Generator) -> pl.DataFrame:
    lans = sorted(lan())
    pops = np.clip(rng.lognormal(mean=11.3, sigma=0.9, size=n), 8_000, 900_000).astype(np.int64)
    declared = rng.random(n) > 0.05  # a few förbund do not declare their population
    return pl.DataFrame(
        {
            "node_id": [f"sf-{i:04d}" for i in range(n)],
            "node_name": [f"Samordningsförbundet Syntet {i:04d}" for i in range(n)],
            "lan": [lans[i % len(lans)] for i in range(n)],
            "population": [int(p) if d else None for p, d in zip(pops, declared, strict=True)],
            "true_population": pops,
        },
        schema_overrides={"population": pl.Int64},
    )


def _mix(nodes: pl.DataFrame, rng: np.random.Generator) -> dict[str, object]:
    """The national problem-type mix, each län's tilt of it, and the actor weights: drawn
    once, shared by every chunk of förbund."""
    ptyp = [*code_list("problemtyp").values, UNCLASSIFIED]
    base = rng.dirichlet(np.full(len(ptyp), 1.5))
    tilt = {c: rng.dirichlet(base * 40) for c in sorted(set(nodes["lan"].to_list()))}
    aweights = rng.dirichlet(np.full(len(code_list("aktor").values), 0.9))
    return {"tilt": tilt, "aweights": aweights}


def _reports(
    nodes: pl.DataFrame, years: int, rng: np.random.Generator, mix: dict[str, object]
) -> pl.DataFrame:
    ptyp = [*code_list("problemtyp").values, UNCLASSIFIED]
    niva = [*code_list("niva").values, UNCLASSIFIED]
    org = list(code_list("organisation").values)
    status = list(code_list("status").values)
    aktor = np.array(code_list("aktor").values)
    quarters = [
        f"{y}-Q{q}" for y in range(LAST_YEAR - years + 1, LAST_YEAR + 1) for q in range(1, 5)
    ]
    pop = nodes["true_population"].to_numpy()
    growth = np.linspace(0.7, 1.3, len(quarters))
    lam = np.outer(pop / 10_000 * REPORTS_PER_10K_A_YEAR / 4, growth)
    counts = rng.poisson(lam)  # förbund × quarter
    node_idx = np.repeat(np.repeat(np.arange(len(pop)), len(quarters)), counts.ravel())
    q_idx = np.repeat(np.tile(np.arange(len(quarters)), len(pop)), counts.ravel())
    n = len(node_idx)
    lan_codes = nodes["lan"].to_numpy()
    tilt: dict[str, np.ndarray] = mix["tilt"]  # type: ignore[assignment]
    p_choice = np.empty(n, dtype=object)
    for code, weights in tilt.items():
        mask = lan_codes[node_idx] == code
        p_choice[mask] = rng.choice(ptyp, size=int(mask.sum()), p=weights)
    aweights: np.ndarray = mix["aweights"]  # type: ignore[assignment]
    n_act = rng.integers(1, 4, size=n)
    picks = rng.choice(len(aktor), size=(n, 3), p=aweights)
    act_lists = [
        sorted({str(aktor[j]) for j in row[:k]}) for row, k in zip(picks, n_act, strict=True)
    ]
    q_names = np.array(quarters)
    return pl.DataFrame(
        {
            "node_id": nodes["node_id"].to_numpy()[node_idx],
            "quarter": q_names[q_idx],
            "problemtyp": p_choice.astype(str),
            "niva": rng.choice(niva, size=n, p=[0.35, 0.25, 0.15, 0.15, 0.05, 0.05]),
            "organisation": rng.choice(org, size=n),
            "status": rng.choice(status, size=n),
            "aktor": act_lists,
        }
    ).with_columns(year=pl.col("quarter").str.slice(0, 4))


CHUNK_FORBUND = 100
"""Förbund generated, suppressed and written at a time: memory stays that of one chunk."""


def _chunks(
    n_forbund: int, years: int, seed: int, k: int
) -> tuple[pl.DataFrame, Iterator[pl.DataFrame]]:
    """(nodes, an iterator of cell chunks, a group of förbund each)."""
    rng = np.random.default_rng(seed)
    info = _nodes(n_forbund, rng)
    mix = _mix(info, rng)
    gaps = info.sample(n=max(1, n_forbund // 40), seed=seed)["node_id"]
    last_q = f"{LAST_YEAR}-Q4"

    def cells() -> Iterator[pl.DataFrame]:
        for start in range(0, n_forbund, CHUNK_FORBUND):
            part = info.slice(start, CHUNK_FORBUND)
            reports = _reports(part, years, np.random.default_rng([seed, start]), mix)
            true = pl.concat(
                [count_tables(reports, "year", "year"), count_tables(reports, "quarter", "quarter")]
            )
            true = true.join(part.select("node_id", "node_name", "lan"), on="node_id").select(
                list(CELL_SCHEMA)
            )
            gap = pl.col("node_id").is_in(gaps.implode()) & (pl.col("period") == last_q)
            yield suppress(true.filter(~gap), k).select(list(CELL_SCHEMA))

    nodes = info.with_columns(
        vouched_by=pl.format("hub-{}", pl.col("lan")),
        last_published=pl.lit(datetime(LAST_YEAR + 1, 1, 20, 8, 0, tzinfo=UTC)),
        synthetic=pl.lit(True),
    ).select(list(NODE_SCHEMA))
    return nodes, cells()


def generate(
    n_forbund: int, years: int = 10, seed: int = 2026, k: int = 3
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(cells, nodes) in the shapes of dashboards.data.CELL_SCHEMA and NODE_SCHEMA, in memory
    (for small sizes; :func:`write` streams)."""
    nodes, chunks = _chunks(n_forbund, years, seed, k)
    return pl.concat(list(chunks)), nodes


def write(out: Path, n_forbund: int, years: int = 10, seed: int = 2026) -> dict[str, float]:
    """Generate and write cells.parquet and nodes.parquet under `out`, a chunk of förbund at a
    time (one row group each); return some figures."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    nodes, chunks = _chunks(n_forbund, years, seed, 3)
    n_cells = n_null = 0
    writer: pq.ParquetWriter | None = None
    try:
        for part in chunks:
            table = part.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(out / "cells.parquet", table.schema)
            writer.write_table(table)
            n_cells += part.height
            n_null += part["value"].null_count()
    finally:
        if writer is not None:
            writer.close()
    nodes.write_parquet(out / "nodes.parquet")
    return {
        "forbund": float(n_forbund),
        "cells": float(n_cells),
        "suppressed_share": n_null / n_cells if n_cells else 0.0,
        "seconds": time.perf_counter() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forbund", type=int, default=80, help="number of förbund (80; stress: 2000)")
    ap.add_argument("--years", type=int, default=10, help="years up to 2025, with quarters")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=Path("bench/data/national"))
    args = ap.parse_args(argv)
    info = write(args.out, args.forbund, args.years, args.seed)
    print(
        f"{int(info['forbund'])} förbund, {int(info['cells']):,} cells "
        f"({info['suppressed_share']:.1%} suppressed) in {info['seconds']:.1f} s, "
        f"peak {info['peak_mb']:,.0f} MB -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
