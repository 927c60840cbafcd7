"""Compact published cells: text columns as sorted Enums, counts as Int32.

A published cell (node_id, node_name, lan, period, period_kind, table, dim1, dim2, value) is
about 130 bytes as Polars strings; with every text column a ``pl.Enum`` of its values in
sorted order (1–2 byte codes) and ``value`` (and ``lo``/``hi`` when bounded) as Int32 it is
about 22. Because the Enum values are sorted, codes sort and compare as the text does.
:func:`decode` gives the text frame back where a frame is joined with text.

Shared by the hub (its source for the dashboards) and the dashboards; no I/O here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

CELL_SCHEMA: dict[str, Any] = {
    "node_id": pl.String,
    "node_name": pl.String,
    "lan": pl.String,
    "period": pl.String,
    "period_kind": pl.String,
    "table": pl.String,
    "dim1": pl.String,
    "dim2": pl.String,
    "value": pl.Int64,
}
TEXT_COLUMNS = ("node_id", "node_name", "lan", "period", "period_kind", "table", "dim1", "dim2")
COMPACT_VALUE = pl.Int32
BOUND_COLUMNS = ("lo", "hi")


def categories(frame: pl.DataFrame | pl.LazyFrame) -> dict[str, pl.Enum]:
    """Per text column of cells: an Enum of its values (nulls left out), sorted as text.

    A lazy frame is read one column at a time, streaming, keeping only the distinct values
    (all columns in one pass held 620 MB at 300 förbund, one at a time 160 MB)."""
    lazy = frame.lazy()
    out = {}
    for c in TEXT_COLUMNS:
        found = lazy.select(pl.col(c).cast(pl.String).unique()).collect(engine="streaming")
        out[c] = pl.Enum(sorted(found[c].drop_nulls().to_list()))
    return out


def compact_exprs(enums: dict[str, pl.Enum], bounded: bool = False) -> list[pl.Expr]:
    """Expressions that make cells compact with the given Enums (see :func:`compact`);
    `bounded`: keep ``lo`` and ``hi`` too, as Int32."""
    exprs = [pl.col(c).cast(enums[c]) for c in TEXT_COLUMNS] + [
        pl.col("value").cast(COMPACT_VALUE)
    ]
    return exprs + ([pl.col(c).cast(COMPACT_VALUE) for c in BOUND_COLUMNS] if bounded else [])


def is_compact(frame: pl.DataFrame) -> bool:
    return all(isinstance(frame.schema[c], pl.Enum) for c in TEXT_COLUMNS) and all(
        frame.schema[c] == COMPACT_VALUE for c in ("value", *BOUND_COLUMNS) if c in frame.schema
    )


def is_bounded(frame: pl.DataFrame) -> bool:
    """Whether cells carry their bounds (``lo``, ``hi``) already."""
    return all(c in frame.columns for c in BOUND_COLUMNS)


def compact(cells: pl.DataFrame) -> pl.DataFrame:
    """Cells with every text column an Enum of its sorted values and value Int32 (``lo`` and
    ``hi`` kept, as Int32, when the cells carry them); the frame itself when it is already so.
    `decode` gives the text frame back."""
    columns = list(CELL_SCHEMA) + ([*BOUND_COLUMNS] if is_bounded(cells) else [])
    if cells.columns != columns:
        cells = cells.select(columns)
    if is_compact(cells):
        return cells
    return cells.select(compact_exprs(categories(cells), bounded=is_bounded(cells)))


def decode(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with Enum/Categorical columns as text and compact integer columns as Int64
    (the shape of CELL_SCHEMA, plus lo/hi if bounded)."""
    out = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, (pl.Enum, pl.Categorical)):
            out.append(pl.col(name).cast(pl.String))
        elif name in ("value", *BOUND_COLUMNS) and dtype != pl.Int64:
            out.append(pl.col(name).cast(pl.Int64))
    return frame.with_columns(out) if out else frame


def period_keys(frame: pl.DataFrame) -> np.ndarray:
    """One integer per row that sorts as (period kind, period) do, for compact cells (their
    Enum values are sorted as text, so the codes sort as the text does)."""
    width = len(frame.schema["period"].categories) + 1  # type: ignore[attr-defined]
    return (
        frame["period_kind"].to_physical().cast(pl.Int64).to_numpy() * width
        + frame["period"].to_physical().cast(pl.Int64).to_numpy()
    )


def merge_sorted(kept: pl.DataFrame, replaced: list[str], fresh: pl.DataFrame) -> pl.DataFrame:
    """The rows of `kept` (sorted by period kind and period) whose node_id is not in
    `replaced`, and all rows of `fresh`, sorted the same way (stable: kept rows first within a
    period), in one gather: no sort of every row. Both frames must have the same schema."""
    if kept.schema != fresh.schema:
        raise ValueError("merge_sorted: the frames' columns or Enum values differ")
    keep = ~kept["node_id"].is_in(pl.Series(replaced, dtype=kept.schema["node_id"]).implode())
    keep_rows = keep.arg_true().cast(pl.Int64).to_numpy()
    kept_keys = period_keys(kept)[keep_rows]
    fresh_keys = period_keys(fresh)
    order = np.argsort(fresh_keys, kind="stable")
    at = np.searchsorted(kept_keys, fresh_keys[order], side="right")
    del kept_keys
    rows = np.insert(keep_rows, at, order.astype(np.int64) + kept.height)
    return pl.concat([kept, fresh], rechunk=False)[pl.Series(rows)]
