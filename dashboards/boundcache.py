"""Bounds of every published cell, kept per förbund from one data version to the next.

Bounds never cross förbund (see bounds.py: every relation is within one node's tables), so
when a bundle from one förbund arrives only that förbund needs new bounds. For each source,
:func:`bounded` keeps a digest of each förbund's cells and the bounded frame it built last;
for a new version it bounds the förbund whose digest changed (or that are new), keeps the
rows of the others as they were, and leaves out förbund that are gone. The result is the same
as bounding everything again (`tests/test_dashboards.py` checks it), at the cost of one hash
pass over the cells instead of the propagation over all of them.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import polars as pl

from common.bounds import cell_bounds
from dashboards.data import DataSource, is_period_sorted

Digest = tuple[int, int, int]


@dataclass(frozen=True)
class _Kept:
    digests: dict[str, Digest]
    frame: pl.DataFrame


_KEPT: weakref.WeakKeyDictionary[DataSource, _Kept] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def node_digests(cells: pl.DataFrame) -> dict[str, Digest]:
    """Per node_id: (number of cells, two sums over 32-bit halves of each row's hash).

    Independent of row order, so the same cells in another order are the same data. Each row
    is hashed as a struct of its other columns inside a streaming group-by, so neither a copy
    of ``node_id`` nor a hash column of the whole frame is made (at 28 M cells the earlier
    `hash_rows` over a copied frame left 1.9 GB resident and took most of a new version's
    first view)."""
    if cells.is_empty():
        return {}
    h = pl.struct([c for c in cells.columns if c != "node_id"]).hash(seed=7)
    sums = (
        cells.lazy()
        .group_by("node_id")
        .agg(
            pl.len(),
            (h // (1 << 32)).cast(pl.Int64).alias("h_hi").sum(),
            (h % (1 << 32)).cast(pl.Int64).alias("h_lo").sum(),
        )
        .collect(engine="streaming")
    )
    return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in sums.iter_rows()}


def bounded(source: DataSource, cells: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """`cells` (the source's current cells) with bounds, sorted by period kind and period;
    and how many förbund had to be bounded anew."""
    digests = node_digests(cells)
    with _LOCK:
        kept = _KEPT.get(source)
    before = kept.digests if kept is not None else {}
    changed = [n for n, d in digests.items() if before.get(n) != d]
    unchanged = [n for n in digests if before.get(n) == digests[n]]
    fresh = cell_bounds(
        cells if len(changed) == len(digests) else cells.filter(pl.col("node_id").is_in(changed))
    )
    if kept is not None and unchanged:
        # The kept rows of unchanged förbund, then the fresh ones, stably sorted: gathered
        # in one step from both frames (no filtered copy of the kept frame in between).
        rows = kept.frame["node_id"].is_in(unchanged).arg_true().cast(pl.Int64)
        fresh_rows = pl.int_range(fresh.height, dtype=pl.Int64, eager=True) + kept.frame.height
        rows = pl.concat([rows, fresh_rows])
        both = pl.concat([kept.frame, fresh], rechunk=False)
    else:
        if is_period_sorted(fresh):
            # Every förbund bounded anew from cells that come sorted (dashboards.data.sort_cells):
            # the frame is the source's columns plus lo and hi, no copy of the cells.
            with _LOCK:
                _KEPT[source] = _Kept(digests, fresh)
            return fresh, len(changed)
        rows = pl.int_range(fresh.height, dtype=pl.Int64, eager=True)
        both = fresh
    # Within one kind, periods written the same way sort chronologically as text.
    order = (
        both.select("period_kind", "period")[rows]
        .with_columns(_row=rows)
        .sort("period_kind", "period", maintain_order=True)["_row"]
    )
    frame = both[order]
    with _LOCK:
        _KEPT[source] = _Kept(digests, frame)
    return frame, len(changed)
