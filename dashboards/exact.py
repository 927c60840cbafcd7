"""Exact figures on the group pages: released sums in place of intervals, and what they cover.

Pure functions of bounded cells (see common.bounds.cell_bounds) and releases
(schemas.release). A release says: over its förbund (``group.nodes``), the sum of one cell is
exactly ``value``. :func:`collapse` writes that into the cells as one row per released cell in
place of the members' rows for it, so every sum over the whole group — matrices, top lists,
trends — becomes exact where released and keeps today's honest interval where withheld.
Per-förbund charts must keep using the uncollapsed cells (a released sum says nothing about
one förbund). An approximate release (two-aggregator fallback) gives ``value ± margin`` as
bounds, never an exact figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from common.compact import decode
from schemas.release import Release

GROUP_ROW = "="
"""node_id prefix of a row that stands for a released sum over a group's förbund."""


def latest(releases: Sequence[Release]) -> dict[str, Release]:
    """The newest revision per period."""
    out: dict[str, Release] = {}
    for r in releases:
        if r.period not in out or r.revision > out[r.period].revision:
            out[r.period] = r
    return out


def _kind(period: str) -> str:
    return "year" if len(period) == 4 else ("quarter" if period[5] == "Q" else "month")


def released_rows(releases: Sequence[Release]) -> pl.DataFrame:
    """One row per released cell: period, table, dim1, dim2, lo, hi, exact, forbund, members."""
    rows = []
    for period, rel in sorted(latest(releases).items()):
        margin = rel.noise.margin if rel.noise else 0
        for c in rel.cells:
            key = (*c.key, None, None)
            rows.append({
                "group": rel.group.id, "period": period, "period_kind": _kind(period),
                "table": c.table, "dim1": key[0], "dim2": key[1],
                "lo": max(0, c.value - margin), "hi": c.value + margin, "exact": c.exact,
                "forbund": c.forbund, "members": list(rel.group.nodes),
            })  # fmt: skip
    schema: dict[str, Any] = {"group": pl.String, "period": pl.String, "period_kind": pl.String,
              "table": pl.String, "dim1": pl.String, "dim2": pl.String, "lo": pl.Int64,
              "hi": pl.Int64, "exact": pl.Boolean, "forbund": pl.Int64,
              "members": pl.List(pl.String)}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


_KEY = ["period", "table", "dim1", "dim2"]


def collapse(cells: pl.DataFrame, releases: Sequence[Release]) -> pl.DataFrame:
    """`cells` with each released cell's member rows replaced by one exact (or ±) group row.

    Rows of förbund outside the release (late, or not members) stay as they are, so a sum
    over the whole area is the exact part plus their intervals. Compact cells (Enum columns)
    come back as text: a group row's id is no value of the förbund Enum.
    """
    rel = released_rows(releases)
    if rel.is_empty() or cells.is_empty():
        return cells
    cells = decode(cells)  # compact cells hold no group rows: the collapsed view is text
    members = rel.select(*_KEY, "members").explode("members").rename({"members": "node_id"})
    drop = cells.join(members, on=[*_KEY, "node_id"], how="semi", nulls_equal=True)
    if drop.is_empty():
        return cells
    kept = cells.join(members, on=[*_KEY, "node_id"], how="anti", nulls_equal=True)
    present = drop.select(_KEY).unique()
    group_rows = rel.join(present, on=_KEY, how="semi", nulls_equal=True).select(
        node_id=pl.lit(GROUP_ROW) + pl.col("group"),
        node_name=pl.lit(None, pl.String),
        lan=pl.lit(None, pl.String),
        period="period",
        period_kind="period_kind",
        table="table",
        dim1="dim1",
        dim2="dim2",
        value=pl.when(pl.col("exact")).then(pl.col("lo")).otherwise(None),
        lo="lo",
        hi="hi",
    )
    extra = [c for c in cells.columns if c not in group_rows.columns]
    group_rows = group_rows.with_columns(pl.lit(None).alias(c) for c in extra)
    out = pl.concat([kept, group_rows.select(cells.columns).cast(cells.schema)])
    return out.sort("period_kind", "period", "node_id", "table", "dim1", "dim2", nulls_last=True)


@dataclass(frozen=True)
class Coverage:
    """How much of the group a period's figures cover: "78 av 80 förbund"."""

    period: str
    covered: int
    enrolled: int
    revision: int
    created: str
    approximate: bool
    margin: int

    def text(self, lang: str) -> str:
        from dashboards.i18n import t
        from dashboards.periods import label

        kind = (
            t("release_sums_approximate", lang, margin=self.margin) if self.approximate
            else t("release_sums_exact", lang)
        )  # fmt: skip
        return t(
            "release_coverage", lang, period=label(self.period, lang), kind=kind,
            covered=self.covered, enrolled=self.enrolled, date=self.created[:10],
            revision=self.revision,
        )  # fmt: skip


def coverage(releases: Sequence[Release], period: str | None, enrolled: int) -> Coverage | None:
    rel = latest(releases).get(period or "")
    if rel is None:
        return None
    return Coverage(period or "", len(rel.group.nodes), max(enrolled, len(rel.group.nodes)),
                    rel.revision, rel.to_dict()["created"], rel.approximate,
                    rel.noise.margin if rel.noise else 0)  # fmt: skip


def certain_leaders(rows: Sequence[dict], lo: str = "lo", hi: str = "hi") -> int:
    """How many leading rows (sorted by `lo`, descending) are *known* to rank where they are:
    row i is certain when its lower bound is above every later row's upper bound. A headline
    may say "flest"/"vanligast" only of these."""
    n = 0
    for i, r in enumerate(rows):
        rest = rows[i + 1 :]
        if any(x[hi] is None or x[hi] >= (r[lo] or 0) for x in rest):
            break
        n += 1
    return n
