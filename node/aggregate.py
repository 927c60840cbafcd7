"""Count tables a node publishes: reports per period, by code, before any suppression.

Periods follow the date a report was received: years ``YYYY``, quarters ``YYYY-Qn`` and
(optionally) months ``YYYY-MM``. Every table lists every cell of the full cross product of
its code lists, zeros included, so a missing cell never has to be guessed. Reports whose
problem type or level is not classified yet count under ``schemas.wire.UNCLASSIFIED``.

The shared data model (see the relations in ``node.audit``):

* ``total``: reports, one cell with key ``()``;
* ``problemtyp``, ``niva``, ``organisation``, ``status``, ``kanal``: one value per report,
  each sums to ``total`` (``kanal``, how the report arrived, is counted when the frame has the
  column, for whole years only (``YEAR_ONLY``); taxonomy v2 and later);
* ``aktor``: one or more actors per report, each cell at most ``total``;
* ``problemtyp_x_aktor`` and ``aktor_x_niva``: sum over problem type (level) to ``aktor``;
* for years with few reports (``[publish] actor_groups_below``), ``problemtyp_x_aktorgrupp`` and
  ``aktorgrupp_x_niva`` replace those two: the coarse actor groups of
  ``common.disclosure.model.ACTOR_GROUPS`` (AF, FK, kommun, region, annan), counting *mentions*
  (a report naming two kommun actors counts twice under K), so that group g sums over problem
  type (level) to the sum of ``aktor`` over g's members.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from common.disclosure.model import ACTOR_GROUPS, GROUP_OF
from schemas.codes import CURRENT_VERSION, code_list
from schemas.wire import UNCLASSIFIED

TABLE_DIMS: dict[str, tuple[str, ...]] = {
    "total": (),
    "problemtyp": ("problemtyp",),
    "niva": ("niva",),
    "organisation": ("organisation",),
    "status": ("status",),
    "kanal": ("kanal",),
    "aktor": ("aktor",),
    "problemtyp_x_aktor": ("problemtyp", "aktor"),
    "aktor_x_niva": ("aktor", "niva"),
}
"""The tables of the shared data model and their dimensions, in publishing order."""

GROUPED_DIMS: dict[str, tuple[str, ...]] = {
    "problemtyp_x_aktorgrupp": ("problemtyp", "aktorgrupp"),
    "aktorgrupp_x_niva": ("aktorgrupp", "niva"),
}
"""The cross tables by actor group, for years with few reports (see ``count_tables``)."""

GROUPED_FOR = {"problemtyp_x_aktor": "problemtyp_x_aktorgrupp", "aktor_x_niva": "aktorgrupp_x_niva"}
"""Which cross table by actor group replaces which cross table by actor."""

ONE_VALUED = ("problemtyp", "niva", "organisation", "status", "kanal")

YEAR_ONLY = ("kanal",)
"""Tables counted for whole years only. Reports that arrive another way than the web form are
few: per quarter nearly every channel cell would be small, and hiding them against the year
would take the quarter's total with them (a hidden total is known to be non-zero)."""
"""Dimensions with exactly one value per report: their tables sum to ``total``."""

CLASSIFIABLE = ("problemtyp", "niva")
"""Dimensions that may still be unclassified (counted under ``UNCLASSIFIED``)."""

GRANULARITIES = ("year", "quarter", "month")

# Reports are counted by the Swedish calendar date they were received.
_LOCAL_TZ = "Europe/Stockholm"


@dataclass(frozen=True)
class CountTable:
    """Exact counts for one table and period: every cell of the cross product, zeros too."""

    name: str
    period: str
    dims: tuple[str, ...]
    counts: dict[tuple[str, ...], int]


def dim_values(dim: str, taxonomy: str = CURRENT_VERSION) -> tuple[str, ...]:
    """The codes a dimension takes in a table, in code-list order (unclassified last)."""
    if dim == "aktorgrupp":
        return tuple(ACTOR_GROUPS)
    values = code_list(dim, taxonomy).values
    return (*values, UNCLASSIFIED) if dim in CLASSIFIABLE else values


def table_keys(name: str, taxonomy: str = CURRENT_VERSION) -> list[tuple[str, ...]]:
    """Every key of table `name`: the full cross product of its dimensions' codes."""
    dims = TABLE_DIMS[name] if name in TABLE_DIMS else GROUPED_DIMS[name]
    return list(itertools.product(*(dim_values(d, taxonomy) for d in dims)))


def _local_time(reports: pl.DataFrame) -> pl.Expr:
    col = pl.col("received_at")
    dtype = reports.schema["received_at"]
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return col.dt.convert_time_zone(_LOCAL_TZ)
    return col


def _period_columns(reports: pl.DataFrame, granularity: Iterable[str]) -> list[pl.Expr]:
    t = _local_time(reports)
    year = t.dt.year().cast(pl.Utf8)
    exprs = {
        "year": year,
        "quarter": pl.concat_str([year, pl.lit("-Q"), t.dt.quarter().cast(pl.Utf8)]),
        "month": pl.concat_str([year, pl.lit("-"), t.dt.month().cast(pl.Utf8).str.zfill(2)]),
    }
    out = []
    for g in granularity:
        if g not in exprs:
            raise ValueError(f"unknown granularity {g!r}: use one of {GRANULARITIES}")
        out.append(exprs[g].alias(g))
    return out


def _span(first: str, last: str, granularity: str) -> list[str]:
    """Every period from `first` to `last` inclusive, so empty periods are published as zero."""
    y0, y1 = int(first[:4]), int(last[:4])
    if granularity == "year":
        return [str(y) for y in range(y0, y1 + 1)]
    per_year = 4 if granularity == "quarter" else 12
    a = y0 * per_year + int(first[-1 if per_year == 4 else -2 :]) - 1
    b = y1 * per_year + int(last[-1 if per_year == 4 else -2 :]) - 1
    if per_year == 4:
        return [f"{i // 4}-Q{i % 4 + 1}" for i in range(a, b + 1)]
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(a, b + 1)]


def periods_of(
    reports: pl.DataFrame, granularity: Iterable[str] = ("year", "quarter")
) -> list[str]:
    """The periods from the first to the last report, at each granularity, sorted.

    Periods without reports between the first and the last are included (they are zero).
    """
    granularity = tuple(granularity)
    if reports.height == 0:
        return []
    frame = reports.select(_period_columns(reports, granularity))
    periods: set[str] = set()
    for g in granularity:
        col = frame[g].drop_nulls()
        if col.len():
            periods.update(_span(str(col.min()), str(col.max()), g))
    return sorted(periods)


def _granularity_of(period: str) -> str:
    if len(period) == 4:
        return "year"
    return "quarter" if period[5] == "Q" else "month"


def _present(columns: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The tables a frame with `columns` can fill (``kanal`` only when it has that column)."""
    cols = set(columns)
    return {n: d for n, d in TABLE_DIMS.items() if n != "kanal" or "kanal" in cols}


def _check_codes(frame: pl.DataFrame, taxonomy: str) -> None:
    for dim in (*(d for d in ONE_VALUED if d in frame.columns), "aktor"):
        allowed = set(dim_values(dim, taxonomy))
        col = frame["aktorer"].explode() if dim == "aktor" else frame[dim]
        bad = sorted({str(v) for v in col.unique().to_list()} - allowed)
        if bad:
            raise ValueError(f"{dim}: codes not in taxonomy {taxonomy}: {bad[:10]}")
    if frame.height and (frame["aktorer"].list.len().fill_null(0) == 0).any():
        raise ValueError("every report must name at least one actor (aktorer)")


def _grouped(frame: pl.DataFrame, by: list[str]) -> dict[tuple[str, ...], int]:
    rows = frame.group_by(by).len().iter_rows()
    return {tuple(r[:-1]): int(r[-1]) for r in rows}


def count_tables(
    reports: pl.DataFrame, periods: Iterable[str] | None = None, taxonomy: str = CURRENT_VERSION,
    actor_groups: Iterable[str] = (),
) -> list[CountTable]:
    """Count `reports` into the tables of ``TABLE_DIMS`` for each period.

    `reports` has columns ``received_at`` (Datetime), ``problemtyp`` and ``niva`` (Utf8, null
    = unclassified), ``organisation``, ``status`` (Utf8) and ``aktorer`` (List(Utf8), at
    least one each). `periods` defaults to ``periods_of(reports)``. Raises ValueError for codes
    outside the taxonomy or reports without an actor. Tables come period by period, in
    ``TABLE_DIMS`` order. For the years in `actor_groups` (and their quarters and months) the
    cross tables count actor groups instead (``GROUPED_FOR``), in the same place.
    """
    grouped_years = set(actor_groups)
    periods = periods_of(reports) if periods is None else sorted(set(periods))
    if not periods:
        return []
    granularity = sorted({_granularity_of(p) for p in periods}, key=GRANULARITIES.index)
    base = reports.select(
        *_period_columns(reports, granularity),
        *(pl.col(d).fill_null(UNCLASSIFIED) for d in CLASSIFIABLE),
        pl.col("organisation"),
        pl.col("status"),
        *([pl.col("kanal")] if "kanal" in reports.columns else []),
        pl.col("aktorer").list.unique(),
    )
    tables = _present(reports.columns)
    _check_codes(base, taxonomy)
    # One row per (report, period it falls in), restricted to the periods asked for.
    long = pl.concat(
        [base.with_columns(period=pl.col(g)).drop(granularity) for g in granularity]
    ).filter(pl.col("period").is_in(periods))
    by_actor = long.explode("aktorer").rename({"aktorer": "aktor"})
    sources = {"total": long, "aktor": by_actor, "problemtyp_x_aktor": by_actor,
               "aktor_x_niva": by_actor} | {d: long for d in ONE_VALUED}  # fmt: skip
    if grouped_years:  # one row per actor named, by its group: mentions, as the model counts
        by_group = by_actor.with_columns(
            aktorgrupp=pl.col("aktor").replace_strict(GROUP_OF, return_dtype=pl.Utf8))
        tables |= GROUPED_DIMS
        sources |= {name: by_group for name in GROUPED_DIMS}
    grouped = {
        name: _grouped(sources[name], ["period", *dims]) for name, dims in tables.items()
    }
    keys = {name: table_keys(name, taxonomy) for name in tables}

    def name_in(name: str, p: str) -> str:
        return GROUPED_FOR.get(name, name) if p[:4] in grouped_years else name

    return [
        CountTable(name_in(name, p), p, tables[name_in(name, p)],
                   {key: grouped[name_in(name, p)].get((p, *key), 0)
                    for key in keys[name_in(name, p)]})
        for p in periods
        for name in TABLE_DIMS
        if name in tables and (len(p) == 4 or name not in YEAR_ONLY)
    ]  # fmt: skip
