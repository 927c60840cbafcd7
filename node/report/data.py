"""The figures of one year, read from the node's own DuckDB (exact counts, never suppressed).

A year is the calendar year in Swedish time by the date a report was received, as in the
published aggregates. The state of a case (open or closed, its status) is taken *at the end
of the year* from its event history, so the report for a past year does not change when a
case is closed later. Counts list every code of the national lists, zeros included.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median
from typing import Any

import polars as pl

from node.patterns import first_sentence
from node.store import NodeStore
from node.summaries import case_number
from schemas.codes import code_list
from schemas.wire import UNCLASSIFIED

TZ = "Europe/Stockholm"
AGE_BUCKETS = (("under 1 månad", 0, 31), ("1–3 månader", 31, 92),
               ("3–6 månader", 92, 183), ("över 6 månader", 183, 10**6))  # fmt: skip


@dataclass(frozen=True)
class OpenCase:
    case: str
    """The short case number (:func:`node.summaries.case_number`), never the receipt code."""
    received: date
    status: str
    problemtyp: str
    age_days: int


@dataclass
class YearFigures:
    year: int
    data_until: date
    """The last day with data in the year (the year's last day if the year is over)."""
    total: int
    per_year: list[tuple[int, int]]
    per_quarter: list[tuple[str, int]]
    organisation: dict[str, int]
    problemtyp: dict[str, int]
    niva: dict[str, int]
    aktor: dict[str, int]
    problemtyp_x_niva: dict[tuple[str, str], int]
    atgard: dict[str, int]
    forum: dict[str, int]
    status_end: dict[str, int]
    open_cases: list[OpenCase]
    open_by_age: list[tuple[str, int]]
    closed_in_year: int
    median_days_to_close: float | None
    feedback_in_year: int
    examples: dict[str, list[str]] = field(default_factory=dict)
    suggestions: list[tuple[str, str]] = field(default_factory=list)
    """(problemtyp, suggestion) chosen for the report; only texts cleared for publication."""
    frame: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    """The year's reports (id, texts, codes) for the pattern analysis; never leaves the node."""


def _local(col: str) -> pl.Expr:
    return pl.col(col).dt.replace_time_zone("UTC").dt.convert_time_zone(TZ)


def load(store: NodeStore) -> tuple[pl.DataFrame, pl.DataFrame]:
    """All reports and events, times in Swedish local time, in a stable order."""
    with store.cursor() as cur:
        reports = cur.sql(
            "SELECT id, received_at, organisation, aktorer, problemtyp, niva, status,"
            " description, consequences, suggestion, synthetic FROM reports"
            " ORDER BY received_at, id"
        ).pl()
        events = cur.sql(
            'SELECT seq, report_id, "at", kind, status, data FROM report_events ORDER BY "at", seq'
        ).pl()
    reports = reports.with_columns(received_at=_local("received_at"))
    events = events.with_columns(at=_local("at"))
    return reports, events


def _counts(values: list[Any], codes: tuple[str, ...]) -> dict[str, int]:
    c = Counter(v if v is not None else UNCLASSIFIED for v in values)
    return {code: c.get(code, 0) for code in codes}


def _event_code(data: str | None, key: str) -> str | None:
    if not data:
        return None
    value = json.loads(data).get(key)
    return str(value) if value is not None else None


def year_figures(store: NodeStore, year: int, *, texts_cleared: bool) -> YearFigures:
    """Everything the yearly report shows for `year`.

    `texts_cleared`: whether free text may be quoted (examples, suggestions). Until staff can
    mark single texts as free of personal data, only a synthetic node passes True.
    """
    reports, events = load(store)
    reports = reports.with_columns(y=pl.col("received_at").dt.year())
    events = events.with_columns(y=pl.col("at").dt.year())
    yr = reports.filter(pl.col("y") == year)
    ev_year = events.filter(pl.col("y") == year)
    last = pl.concat([yr.select(t="received_at"), ev_year.select(t="at")])["t"].max()
    end_of_year = date(year, 12, 31)
    data_until = min(last.date(), end_of_year) if isinstance(last, datetime) else end_of_year

    ptyp_codes = (*code_list("problemtyp").values, UNCLASSIFIED)
    niva_codes = (*code_list("niva").values, UNCLASSIFIED)
    per_year = sorted(
        (int(y), int(n))
        for y, n in reports.filter(pl.col("y") <= year).group_by("y").len().iter_rows()
    )
    quarters = Counter((d.month - 1) // 3 + 1 for d in yr["received_at"].to_list())
    cross = Counter(
        (p or UNCLASSIFIED, n or UNCLASSIFIED)
        for p, n in yr.select("problemtyp", "niva").iter_rows()
    )
    atgard = Counter(
        _event_code(d, "code") for d in ev_year.filter(pl.col("kind") == "atgard")["data"]
    )
    forum = Counter(
        _event_code(d, "forum") for d in ev_year.filter(pl.col("kind") == "lyft_till_forum")["data"]
    )
    status_end, open_cases = _state_at_year_end(reports, events, year, data_until)
    closed = events.filter((pl.col("kind") == "avslutad") & (pl.col("y") == year))
    received = dict(zip(reports["id"], reports["received_at"], strict=True))
    days = [(at - received[rid]).total_seconds() / 86400
            for rid, at in closed.select("report_id", "at").iter_rows() if rid in received]  # fmt: skip
    ages: Counter[str] = Counter()
    for case in open_cases:
        for label, lo, hi in AGE_BUCKETS:
            if lo <= case.age_days < hi:
                ages[label] += 1
    return YearFigures(
        year=year,
        data_until=data_until,
        total=yr.height,
        per_year=per_year,
        per_quarter=[(f"Kv {q}", quarters.get(q, 0)) for q in range(1, 5)],
        organisation=_counts(yr["organisation"].to_list(), code_list("organisation").values),
        problemtyp=_counts(yr["problemtyp"].to_list(), ptyp_codes),
        niva=_counts(yr["niva"].to_list(), niva_codes),
        aktor=_counts(
            [a for row in yr["aktorer"].to_list() for a in row], code_list("aktor").values
        ),  # fmt: skip
        problemtyp_x_niva={(p, n): cross.get((p, n), 0) for p in ptyp_codes for n in niva_codes},
        atgard={c: atgard.get(c, 0) for c in code_list("atgard").values},
        forum=dict(sorted((k, v) for k, v in forum.items() if k)),
        status_end=status_end,
        open_cases=open_cases,
        open_by_age=[(label, ages.get(label, 0)) for label, _, _ in AGE_BUCKETS],
        closed_in_year=closed.height,
        median_days_to_close=round(median(days), 1) if days else None,
        feedback_in_year=ev_year.filter(pl.col("kind") == "aterkoppling").height,
        examples=_examples(yr) if texts_cleared else {},
        suggestions=_suggestions(yr) if texts_cleared else [],
        frame=yr.select(
            "id",
            "received_at",
            "description",
            "consequences",
            "suggestion",
            "problemtyp",
            "aktorer",
        ),  # fmt: skip
    )


def _state_at_year_end(
    reports: pl.DataFrame, events: pl.DataFrame, year: int, data_until: date
) -> tuple[dict[str, int], list[OpenCase]]:
    """Status of every case received up to the end of `year`, as its events stood then."""
    upto = reports.filter(pl.col("y") <= year)
    last_status = (
        events.filter((pl.col("y") <= year) & pl.col("status").is_not_null())
        .group_by("report_id", maintain_order=True)
        .agg(pl.col("status").last())
    )
    merged = upto.join(last_status.rename({"status": "st"}), left_on="id",
                       right_on="report_id", how="left")  # fmt: skip
    status_end: Counter[str] = Counter()
    open_cases = []
    for row in merged.iter_rows(named=True):
        st = row["st"] or "S1"
        status_end[st] += 1
        if st != "S7":
            got = row["received_at"].date()
            open_cases.append(OpenCase(case_number(row["id"]), got, st, row["problemtyp"] or UNCLASSIFIED,
                                       (data_until - got).days))  # fmt: skip
    open_cases.sort(key=lambda c: (c.received, c.case))
    return {c: status_end.get(c, 0) for c in code_list("status").values}, open_cases


def _examples(yr: pl.DataFrame, per_type: int = 2) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p, desc in yr.select("problemtyp", "description").iter_rows():
        if p and len(out.setdefault(p, [])) < per_type:
            s = first_sentence(desc)
            if s not in out[p]:
                out[p].append(s)
    return out


def _suggestions(yr: pl.DataFrame, limit: int = 8) -> list[tuple[str, str]]:
    """One suggestion per problem type, the most common types first, no repeated texts."""
    counts = Counter(p for p in yr["problemtyp"].to_list() if p)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        for q, text in yr.select("problemtyp", "suggestion").iter_rows():
            if q == p and text and text not in seen:
                seen.add(text)
                out.append((p, text.strip()))
                break
        if len(out) >= limit:
            break
    return out
