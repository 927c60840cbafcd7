"""A real hub folder made from the benchmark's cells, for `bench.dashboards --hub`.

    uv run python -m bench.hub_from_cells --data /tmp/national80 --out /tmp/hub80

Each förbund of ``cells.parquet`` is enrolled with its own Ed25519 key, and each of its years
(the year and its quarters) is signed as one bundle and accepted through `Hub.accept`: the
exact path a bundle takes (signature over the received bytes, parse, schema, policy, file on
disk, DuckDB index, and the förbund's bounds stored with its cells). Bundles are accepted
year by year, so a förbund's later bundles find its earlier ones in the index, as in use.
`skip` leaves out cells (the benchmark's held-back year) to be accepted later with
:func:`bundle_for`.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.runtime import Hub
from lexheller.init import init_hub
from schemas.wire import PAYLOAD_TYPE_AGGREGATES, Bundle, NodeInfo, Table, encode_public_key, sign

DIMS = {
    "total": (),
    "problemtyp": ("problemtyp",),
    "niva": ("niva",),
    "organisation": ("organisation",),
    "status": ("status",),
    "aktor": ("aktor",),
    "problemtyp_x_aktor": ("problemtyp", "aktor"),
    "aktor_x_niva": ("aktor", "niva"),
}


def node_key(node_id: str) -> Ed25519PrivateKey:
    """A fixed key per förbund (the benchmark's, not a secret)."""
    seed = node_id.encode().ljust(32, b".")[:32]
    return Ed25519PrivateKey.from_private_bytes(seed)


def bundle_for(cells: pl.DataFrame, node: dict, sequence: int, now: datetime) -> bytes:
    """One förbund's cells (any periods) as a signed envelope with this sequence."""
    tables = []
    for (name, period), part in cells.group_by("table", "period", maintain_order=True):
        dims = DIMS[str(name)]
        keys = zip(part["dim1"].to_list(), part["dim2"].to_list(), strict=True)
        tables.append(Table(str(name), str(period), dims, tuple(
            (tuple(k for k in key[: len(dims)]), v)
            for key, v in zip(keys, part["value"].to_list(), strict=True)
        )))  # fmt: skip
    info = NodeInfo(node["node_id"], node["node_name"], (node["lan"],), (), node["population"])
    bundle = Bundle(info, sequence, now, now + timedelta(days=30), "v1", 3,
                    "primary+complementary", True, tuple(tables), format_minor=1)  # fmt: skip
    return sign(PAYLOAD_TYPE_AGGREGATES, bundle.to_bytes(), [node_key(node["node_id"])]).to_bytes()


def build(data: Path, out: Path, skip: pl.Expr | None = None) -> dict[str, float]:
    """Make the hub folder `out` from `data`; return counts and seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    cells = pl.read_parquet(data / "cells.parquet")
    if skip is not None:
        cells = cells.filter(~skip)
    nodes = pl.read_parquet(data / "nodes.parquet")
    init_hub(out, hub_id="nav-bench", name="Benchmarknav", level="national")
    hub = Hub(out)
    now = datetime.now(UTC).replace(microsecond=0)
    n = 0
    try:
        for node in nodes.iter_rows(named=True):
            hub.op_enroll(node["node_id"], encode_public_key(node_key(node["node_id"]).public_key()))
        by_node = cells.with_columns(year=pl.col("period").str.slice(0, 4)).partition_by(
            "node_id", as_dict=True
        )
        for node in nodes.iter_rows(named=True):
            mine = by_node.get((node["node_id"],))
            if mine is None:
                continue
            for seq, (_, year) in enumerate(
                sorted(mine.partition_by("year", as_dict=True).items()), start=1
            ):
                outcome = hub.accept(bundle_for(year, node, seq, now))
                if outcome.status != 201:
                    raise RuntimeError(f"{node['node_id']} {seq}: {outcome}")
                n += 1
    finally:
        hub.close()
    return {"bundles": n, "cells": cells.height, "seconds": time.perf_counter() - started,
            "cpu_seconds": time.process_time() - cpu}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    r = build(args.data, args.out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{r['bundles']:,} bundles, {r['cells']:,} cells accepted in {r['seconds']:.1f} s "
          f"({r['cpu_seconds']:.1f} s CPU, {r['bundles'] and r['cpu_seconds'] * 1000 / r['bundles']:.0f} "
          f"ms CPU a bundle); peak resident {peak:,.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
