"""The view state (filters and language) as it lives in the URL query string, and the
selection of data it describes.

``?kind=quarter&from=2024-Q1&to=2025-Q4&lan=14&forbund=goteborg,amal&problemtyp=P01``
``&aktor=FK&niva=N4&visa=andel&minst=5&antal=50&lang=en``

(`visa` switches the heatmaps between counts and shares, `minst` is the number of förbund a
pattern needs on Mönster, `antal` how many förbund Jämför förbund shows.)

Everything not in the query string has its default, so a link reproduces a view and the
browser's back button restores the previous one. Unknown or malformed values are dropped,
never trusted.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

import polars as pl

from dashboards import boundcache, exact, periods
from dashboards.data import DataSource, cached
from dashboards.measures import Selection
from schemas.codes import code_list
from schemas.release import Release
from schemas.wire import UNCLASSIFIED

_PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|0[1-9]|1[0-2]))?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_LAN = re.compile(r"^\d{2}$")
MIN_FORBUND = 3
MIN_FORBUND_CHOICES = (2, 3, 5, 10, 20)
TOP_FORBUND = 25
"""Jämför förbund shows this many förbund (most reports first) until asked for more."""


def _split(values: list[str]) -> list[str]:
    return [v for raw in values for v in raw.split(",") if v]


@dataclass(frozen=True)
class Filters:
    kind: str = "year"
    start: str | None = None
    end: str | None = None
    lan: tuple[str, ...] = ()
    forbund: tuple[str, ...] = ()
    problemtyp: tuple[str, ...] = ()
    aktor: tuple[str, ...] = ()
    niva: tuple[str, ...] = ()
    measure: str = "count"
    min_forbund: int = MIN_FORBUND
    top: int = TOP_FORBUND
    lang: str = "sv"
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_query(cls, search: str | None) -> Filters:
        q = parse_qs((search or "").lstrip("?"), keep_blank_values=False)

        def first(name: str) -> str | None:
            return q[name][0] if q.get(name) else None

        kind = first("kind")
        kind = kind if kind in periods.KINDS else "year"
        start, end = first("from"), first("to")
        ok_period = {
            p for p in (start, end) if p and _PERIOD.match(p) and periods.kind_of(p) == kind
        }
        ptyp_codes = {*code_list("problemtyp").values, UNCLASSIFIED}
        niva_codes = {*code_list("niva").values, UNCLASSIFIED}
        aktor_codes = set(code_list("aktor").values)
        minst = first("minst") or ""
        antal = first("antal") or ""
        return cls(
            kind=kind,
            start=start if start in ok_period else None,
            end=end if end in ok_period else None,
            lan=tuple(sorted({v for v in _split(q.get("lan", [])) if _LAN.match(v)})),
            forbund=tuple(sorted({v for v in _split(q.get("forbund", [])) if _ID.match(v)})),
            problemtyp=tuple(
                sorted({v for v in _split(q.get("problemtyp", [])) if v in ptyp_codes})
            ),
            aktor=tuple(sorted({v for v in _split(q.get("aktor", [])) if v in aktor_codes})),
            niva=tuple(sorted({v for v in _split(q.get("niva", [])) if v in niva_codes})),
            measure="share" if first("visa") == "andel" else "count",
            min_forbund=int(minst) if minst.isdigit() and 1 <= int(minst) <= 9999 else MIN_FORBUND,
            top=int(antal) if antal.isdigit() and 1 <= int(antal) <= 9999 else TOP_FORBUND,
            lang="en" if first("lang") == "en" else "sv",
        )

    def to_query(self) -> str:
        """The query string ("?…", or "" for the default view)."""
        pairs: list[tuple[str, str]] = []
        if self.kind != "year":
            pairs.append(("kind", self.kind))
        if self.start:
            pairs.append(("from", self.start))
        if self.end:
            pairs.append(("to", self.end))
        for name, values in (
            ("lan", self.lan),
            ("forbund", self.forbund),
            ("problemtyp", self.problemtyp),
            ("aktor", self.aktor),
            ("niva", self.niva),
        ):
            if values:
                pairs.append((name, ",".join(values)))
        if self.measure == "share":
            pairs.append(("visa", "andel"))
        if self.min_forbund != MIN_FORBUND:
            pairs.append(("minst", str(self.min_forbund)))
        if self.top != TOP_FORBUND:
            pairs.append(("antal", str(self.top)))
        if self.lang != "sv":
            pairs.append(("lang", self.lang))
        return "?" + urlencode(pairs, safe=",") if pairs else ""

    def but(self, **changes: object) -> Filters:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def selection(self) -> Selection:
        return Selection(self.problemtyp, self.aktor, self.niva)


def bounded_cells(source: DataSource) -> pl.DataFrame:
    """All cells with their bounds (see bounds.cell_bounds), cached per source version;
    a new version bounds anew only the förbund whose cells changed (see boundcache).

    Sorted by period kind and period, so a kind and a period range are a contiguous,
    zero-copy slice (see :func:`period_slice`).
    """

    def build() -> pl.DataFrame:
        return boundcache.bounded(source, source.cells())[0]

    return cached(source, "bounded", build, limit=1)


def source_periods(source: DataSource, kind: str) -> list[str]:
    """The periods of `kind` that anything was published for, chronological; cached."""

    def build() -> list[str]:
        return available_periods(period_slice(bounded_cells(source), kind, None, None), kind)

    return cached(source, "periods", build, kind, limit=len(periods.KINDS))


def period_slice(
    cells: pl.DataFrame, kind: str, first: str | None, last: str | None
) -> pl.DataFrame:
    """The rows of sorted bounded cells with `kind` and first <= period <= last (None = open)."""
    kinds = cells["period_kind"]
    lo, hi = _bounds_of(kinds, kind, kind)
    part = cells.slice(lo, hi - lo)
    if first is None and last is None:
        return part
    ps = part["period"]
    a, b = _bounds_of(ps, first, last)
    return part.slice(a, b - a)


def _bounds_of(sorted_col: pl.Series, first: str | None, last: str | None) -> tuple[int, int]:
    """Row range [a, b) of a column sorted ascending whose values lie in [first, last]."""
    if sorted_col.is_empty():
        return 0, 0
    if isinstance(sorted_col.dtype, pl.Enum):
        # An Enum of sorted values (dashboards.data.compact) sorts as its codes: search those.
        values = sorted_col.dtype.categories.to_list()
        codes = sorted_col.to_physical()
        a = 0 if first is None else int(codes.search_sorted(bisect_left(values, first), "left"))
        b = (
            len(codes) if last is None
            else int(codes.search_sorted(bisect_right(values, last), "left"))
        )  # fmt: skip
        return a, max(a, b)
    a = 0 if first is None else int(sorted_col.search_sorted(first, side="left"))
    b = len(sorted_col) if last is None else int(sorted_col.search_sorted(last, side="right"))
    return a, max(a, b)


def available_periods(cells: pl.DataFrame, kind: str) -> list[str]:
    found = cells.filter(pl.col("period_kind") == kind)["period"].unique().to_list()
    return periods.in_range(found, None, None)


@dataclass(frozen=True)
class View:
    """The data a page shows: cells and nodes in the chosen area, periods in the range."""

    filters: Filters
    cells: pl.DataFrame
    nodes: pl.DataFrame
    all_nodes: pl.DataFrame
    periods: list[str]
    all_cells: pl.DataFrame | None = None
    """Every bounded cell, whatever the filters (the map shows all län to choose from)."""
    releases: tuple[Release, ...] = ()
    """The hub's releases for its own group (exact sums), when the view is the whole group."""
    group_cells: pl.DataFrame | None = None
    """`cells` with released sums in place of the members' rows (dashboards.exact.collapse):
    for sums over the whole area. Per-förbund charts use `cells`."""

    @property
    def sums(self) -> pl.DataFrame:
        return self.cells if self.group_cells is None else self.group_cells

    @property
    def lang(self) -> str:
        return self.filters.lang

    @property
    def sel(self) -> Selection:
        return self.filters.selection

    @property
    def period(self) -> str | None:
        """The single period pages like Översikt describe: the last one in the range."""
        return self.periods[-1] if self.periods else None


def select(cells: pl.DataFrame, nodes: pl.DataFrame, f: Filters) -> View:
    """Narrow bounded cells and nodes to the filters' area and period range."""
    area = nodes
    if f.lan:
        area = area.filter(pl.col("lan").is_in(f.lan))
    if f.forbund:
        area = area.filter(pl.col("node_id").is_in(f.forbund))
    chosen = periods.in_range(available_periods(cells, f.kind), f.start, f.end)
    picked = cells.filter(
        pl.col("node_id").is_in(area["node_id"].implode()) & pl.col("period").is_in(chosen)
    )
    return View(f, picked, area, nodes, chosen, cells)


def view(source: DataSource, f: Filters) -> View:
    """The view of `f` over `source`: like :func:`select`, but over the cached, sorted bounded
    cells, so the period range is a slice and only an area choice costs a filter."""
    cells, nodes = bounded_cells(source), source.nodes()

    def build() -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
        chosen = periods.in_range(source_periods(source, f.kind), f.start, f.end)
        picked = period_slice(cells, f.kind, chosen[0], chosen[-1]) if chosen else cells.clear()
        area = nodes
        if f.lan:
            area = area.filter(pl.col("lan").is_in(f.lan))
        if f.forbund:
            area = area.filter(pl.col("node_id").is_in(f.forbund))
        if f.lan or f.forbund:
            picked = picked.filter(pl.col("node_id").is_in(area["node_id"].implode()))
        return picked, area, chosen

    key = (f.kind, f.start, f.end, f.lan, f.forbund)
    picked, area, chosen = cached(source, "view", build, *key, limit=4)
    releases = tuple(source.releases()) if hasattr(source, "releases") else ()
    if not releases or f.lan or f.forbund:  # a released sum is of the whole group only
        return View(f, picked, area, nodes, chosen, cells)
    summed = cached(source, "collapsed", lambda: exact.collapse(picked, releases), *key, limit=4)
    return View(f, picked, area, nodes, chosen, cells, releases, summed)
