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
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import polars as pl

from common.bounds import cell_bounds
from dashboards.data import DataSource, decode, is_bounded, is_period_sorted, sort_cells

CHUNK_CELLS = 500_000
"""Cells bounded at once (a group of whole förbund): the text copy of one group is the
largest temporary of a first view."""
_NEEDED = ("node_id", "period", "period_kind", "table", "dim1", "dim2", "value")

Digest = tuple[int, int, int]


@dataclass(frozen=True)
class _Kept:
    marks: dict[str, Hashable]
    """Per förbund: its version from the source, its digest, or None (not yet hashed)."""
    frame: pl.DataFrame
    by_version: bool = False


def _versions(source: DataSource) -> dict[str, Hashable] | None:
    ask = getattr(source, "node_versions", None)
    return ask() if callable(ask) else None


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
    # Hashed as text, so compact cells hash alike whatever the Enum's other values are.
    h = pl.struct(
        [pl.col(c).cast(pl.String) if _coded(cells, c) else pl.col(c).cast(pl.Int64)
         if c == "value" else pl.col(c) for c in cells.columns if c != "node_id"]
    ).hash(seed=7)  # fmt: skip
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
    return {str(r[0]): (int(r[1]), int(r[2]), int(r[3])) for r in sums.iter_rows()}


def _coded(frame: pl.DataFrame, column: str) -> bool:
    return isinstance(frame.schema[column], (pl.Enum, pl.Categorical))


def _period_keys(frame: pl.DataFrame) -> np.ndarray | None:
    """One integer per row that sorts as (period kind, period) does, for compact frames
    (Enum values are sorted as text, so their codes sort as the text does); else None."""
    kind, period = frame.schema["period_kind"], frame.schema["period"]
    if not (isinstance(kind, pl.Enum) and isinstance(period, pl.Enum)):
        return None
    width = len(period.categories) + 1
    return (
        frame["period_kind"].to_physical().cast(pl.Int32).to_numpy() * width
        + frame["period"].to_physical().cast(pl.Int32).to_numpy()
    )


def bound(cells: pl.DataFrame) -> pl.DataFrame:
    """`cells` plus ``lo`` and ``hi`` (hi null = unbounded above), as `common.bounds.cell_bounds`
    gives them, for compact cells too: a group of whole förbund at a time is decoded to text
    and bounded, and its bounds written into two arrays in `cells`' row order. lo/hi are Int32
    when `value` is (compact cells), else Int64. The columns of `cells` are not copied."""
    out_type = pl.Int32 if cells.schema["value"] == pl.Int32 else pl.Int64
    n = cells.height
    lo = np.zeros(n, dtype=np.int64 if out_type == pl.Int64 else np.int32)
    hi = np.full(n, -1, dtype=lo.dtype)  # -1: unbounded (bounds are never negative)
    if n:
        node = cells["node_id"]
        codes = (node.to_physical() if _coded(cells, "node_id") else node.rank("dense")).to_numpy()
        sizes = np.bincount(codes)
        group_of = ((np.cumsum(sizes) - sizes) // CHUNK_CELLS).astype(np.int32)
        chunk = group_of[codes]
        order = np.argsort(chunk, kind="stable")
        edges = np.searchsorted(chunk[order], np.arange(int(chunk.max()) + 2))
        del chunk, codes
        narrow = cells.select(_NEEDED)
        for a, b in zip(edges[:-1], edges[1:], strict=True):
            if a == b:
                continue
            rows = order[a:b]
            part = cell_bounds(decode(narrow[rows]))
            lo[rows] = part["lo"].to_numpy()
            hi[rows] = part["hi"].fill_null(-1).to_numpy()
        del order
    hi_series = pl.Series("hi", hi)
    return cells.with_columns(
        lo=pl.Series("lo", lo).cast(out_type),
        hi=pl.when(hi_series >= 0).then(hi_series).cast(out_type),
    )


def bounded(source: DataSource, cells: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """`cells` (the source's current cells) with bounds, sorted by period kind and period;
    and how many förbund had to be bounded anew.

    Which förbund changed: a source that knows (``node_versions()``: node_id → a version that
    changes with that förbund's cells, or None when it does not know) is asked; otherwise
    the cells are hashed per förbund (:func:`node_digests`). A first view bounds everything
    and hashes nothing; the digests of its cells are made when a next version needs them.

    Cells that carry ``lo`` and ``hi`` already (the hub bounds each förbund when its bundle is
    stored, `hub.datasource`) are taken as they are: a förbund's bounds depend on its own
    cells only (`common.bounds`), so there is nothing left to bound; a new version still
    takes the rows of changed förbund only and merges them into the kept, sorted frame (no
    sort of every cell)."""
    stored = is_bounded(cells)
    versions = _versions(source)
    with _LOCK:
        kept = _KEPT.get(source)
    if kept is None:
        marks: dict[str, Hashable] = (
            versions if versions is not None
            else {str(n): None for n in cells["node_id"].unique().to_list()}
        )  # fmt: skip
        changed, unchanged = list(marks), []
    else:
        if versions is not None and kept.by_version:
            marks = versions
        else:
            marks = dict(node_digests(cells))
            if kept.by_version or any(v is None for v in kept.marks.values()):
                kept = _Kept(dict(node_digests(kept.frame.select(cells.columns))), kept.frame)
        before = kept.marks
        changed = [n for n, d in marks.items() if before.get(n) != d]
        unchanged = [n for n, d in marks.items() if before.get(n) == d]
    by_version = versions is not None and (kept is None or kept.by_version)
    if kept is not None and not changed and marks.keys() == kept.marks.keys():
        # Nothing changed and no förbund is gone: the kept frame is the answer (a gather of
        # all its rows would be a copy of every cell while the kept one is still held).
        with _LOCK:
            _KEPT[source] = _Kept(marks, kept.frame, by_version)
        return kept.frame, 0
    if stored and is_period_sorted(cells):
        # Stored bounds, sorted cells (the hub's source merges a new bundle's rows itself):
        # the source's frame is the answer; a merge here would be one more copy of it.
        with _LOCK:
            _KEPT[source] = _Kept(marks, cells, by_version)
        return cells, len(changed)
    fresh = cells if len(changed) == len(marks) else cells.filter(pl.col("node_id").is_in(changed))
    if not stored:
        fresh = bound(fresh)
    elif kept is None:
        # A first view of unsorted cells with stored bounds: nothing to bound, a sort.
        fresh = sort_cells(fresh)
    if kept is not None and unchanged and kept.frame.schema != fresh.schema:
        # The new cells' Enums list other values (a new förbund, a new code): the kept rows
        # are re-coded to them (values of förbund that are gone, and not kept, become null).
        kept = _Kept(kept.marks, kept.frame.with_columns(
            pl.col(c).cast(pl.String).cast(t, strict=False) for c, t in fresh.schema.items()
            if kept.frame.schema[c] != t
        ))  # fmt: skip
    all_keys = _period_keys(kept.frame) if kept is not None and unchanged else None
    fresh_keys = _period_keys(fresh) if all_keys is not None else None
    if kept is not None and all_keys is not None and fresh_keys is not None:
        # The kept frame is sorted: the fresh rows (few) are merged into the kept rows of
        # unchanged förbund by their sort keys, and both gathered in one step. Same rows in
        # the same order as the stable sort below, without sorting every row again.
        keep = kept.frame["node_id"].is_in(unchanged).arg_true().to_numpy()
        kept_keys = all_keys[keep]
        del all_keys
        fresh_order = np.argsort(fresh_keys, kind="stable")
        at = np.searchsorted(kept_keys, fresh_keys[fresh_order], side="right")
        del kept_keys
        rows_np = np.insert(keep, at, (fresh_order + kept.frame.height).astype(keep.dtype))
        frame = pl.concat([kept.frame, fresh], rechunk=False)[pl.Series(rows_np)]
        with _LOCK:
            _KEPT[source] = _Kept(marks, frame, by_version)
        return frame, len(changed)
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
                _KEPT[source] = _Kept(marks, fresh, by_version)
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
        _KEPT[source] = _Kept(marks, frame, by_version)
    return frame, len(changed)
