"""The view state (filters and language) as it lives in the URL query string, and the
selection of data it describes.

``?kind=quarter&from=2024-Q1&to=2025-Q4&lan=14&forbund=goteborg,amal&problemtyp=P01&lang=en``

Everything not in the query string has its default, so a link reproduces a view and the
browser's back button restores the previous one. Unknown or malformed values are dropped,
never trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

import polars as pl

from dashboards import periods
from dashboards.bounds import cell_bounds
from dashboards.data import DataSource, cached
from schemas.codes import code_list
from schemas.wire import UNCLASSIFIED

_PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|0[1-9]|1[0-2]))?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_LAN = re.compile(r"^\d{2}$")


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
        return cls(
            kind=kind,
            start=start if start in ok_period else None,
            end=end if end in ok_period else None,
            lan=tuple(sorted({v for v in _split(q.get("lan", [])) if _LAN.match(v)})),
            forbund=tuple(sorted({v for v in _split(q.get("forbund", [])) if _ID.match(v)})),
            problemtyp=tuple(
                sorted({v for v in _split(q.get("problemtyp", [])) if v in ptyp_codes})
            ),
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
        ):
            if values:
                pairs.append((name, ",".join(values)))
        if self.lang != "sv":
            pairs.append(("lang", self.lang))
        return "?" + urlencode(pairs, safe=",") if pairs else ""

    def but(self, **changes: object) -> Filters:
        return replace(self, **changes)  # type: ignore[arg-type]


def bounded_cells(source: DataSource) -> pl.DataFrame:
    """All cells with their bounds (see bounds.cell_bounds), cached per source version."""
    return cached(source, "bounded", lambda: cell_bounds(source.cells()))


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

    @property
    def lang(self) -> str:
        return self.filters.lang

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
    return View(f, picked, area, nodes, chosen)


def view(source: DataSource, f: Filters) -> View:
    return select(bounded_cells(source), source.nodes(), f)
