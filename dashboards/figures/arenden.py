"""The förbund's own cases (node only, exact data): reports per month, cases by status, open
cases by age. Input is the node's per-case frame (``NodeSource.workflow()``), narrowed with
:func:`select_cases` to the filters' periods and codes.

Nothing here is suppressed: these pages are only served to the förbund's own staff.
"""

from __future__ import annotations

from datetime import datetime

import plotly.graph_objects as go
import polars as pl

from common import i18n as catalogs
from common.format import fmt_int, fmt_pct
from dashboards import periods
from dashboards.figures import COLOURS, Chart, DataTable, base_layout, period_span, wrap
from dashboards.i18n import code_label, t
from dashboards.measures import ALL, Selection
from schemas.codes import code_list
from schemas.wire import UNCLASSIFIED

CLOSED = "S7"
AGE_BUCKETS = ((0, 14), (15, 30), (31, 90), (91, 180), (181, None))
"""Days since received; two weeks is the deadline before a forum, so it is the first step."""


def period_expr(column: str, kind: str) -> pl.Expr:
    """The reporting period ("2025", "2025-Q1", "2025-01") of a timestamp column."""
    c = pl.col(column)
    if kind == "quarter":
        return pl.format("{}-Q{}", c.dt.year(), c.dt.quarter())
    if kind == "month":
        return pl.format("{}-{}", c.dt.year(), c.dt.month().cast(pl.String).str.zfill(2))
    return c.dt.year().cast(pl.String)


def select_cases(
    cases: pl.DataFrame, kind: str, chosen: list[str], sel: Selection = ALL
) -> pl.DataFrame:
    """The cases received in the chosen periods (of `kind`) with the chosen codes, with their
    period in column ``period``. A case matches the actor choice if it names any chosen actor;
    an unclassified case has problem type and level "-"."""
    out = cases.with_columns(
        period=period_expr("received_at", kind),
        problemtyp=pl.col("problemtyp").fill_null(UNCLASSIFIED),
        niva=pl.col("niva").fill_null(UNCLASSIFIED),
    ).filter(pl.col("period").is_in(chosen))
    if sel.problemtyp:
        out = out.filter(pl.col("problemtyp").is_in(sel.problemtyp))
    if sel.niva:
        out = out.filter(pl.col("niva").is_in(sel.niva))
    if sel.aktor:
        out = out.filter(pl.col("aktorer").list.eval(pl.element().is_in(sel.aktor)).list.any())
    return out


def _months(chosen: list[str]) -> list[str]:
    """Every month inside the chosen periods (years, quarters or months), in order."""
    out: list[str] = []
    for p in chosen:
        kind, year = periods.kind_of(p), int(p[:4])
        if kind == "year":
            out += [f"{year}-{m:02d}" for m in range(1, 13)]
        elif kind == "quarter":
            q = int(p[-1])
            out += [f"{year}-{m:02d}" for m in range(q * 3 - 2, q * 3 + 1)]
        else:
            out.append(p)
    return out


def _bars(
    labels: list[str], values: list[int], lang: str, title: str, horizontal: bool
) -> go.Figure:
    texts = [fmt_int(v, lang) for v in values]
    if horizontal:
        bar = go.Bar(y=labels, x=values, orientation="h", text=texts, textposition="outside",
                     cliponaxis=False, marker={"color": COLOURS[0]},
                     hovertemplate="%{y}: %{text}<extra></extra>")  # fmt: skip
    else:
        bar = go.Bar(x=labels, y=values, text=texts, textposition="outside", cliponaxis=False,
                     marker={"color": COLOURS[0]},
                     hovertemplate="%{x}: %{text}<extra></extra>")  # fmt: skip
    fig = go.Figure([bar])
    base_layout(fig, lang, height=max(300, 40 * len(labels) + 100) if horizontal else 380)
    top = max([*values, 1]) * 1.2
    if horizontal:
        fig.update_yaxes(autorange="reversed", type="category")
        fig.update_xaxes(title_text=title, range=[0, top])
    else:
        fig.update_xaxes(type="category")
        fig.update_yaxes(title_text=title, range=[0, top])
    return fig


def monthly_chart(cases: pl.DataFrame, chosen: list[str], lang: str) -> Chart:
    """Reports received per month over the chosen periods, zero months included."""
    months = _months(chosen)
    counts = dict(cases.group_by(m=period_expr("received_at", "month")).len().iter_rows())
    values = [int(counts.get(m, 0)) for m in months]
    labels = [periods.label(m, lang) for m in months]
    span = period_span(chosen, lang)
    caption = t("cases_per_month_caption", lang, span=span)
    if sum(values):
        best = max(range(len(values)), key=lambda i: (values[i], -i))
        summary = t(
            "cases_per_month_summary", lang, n=fmt_int(sum(values), lang), month=labels[best],
            most=fmt_int(values[best], lang),
        )  # fmt: skip
    else:
        summary = t("no_data", lang)
    fig = _bars(labels, values, lang, t("reports", lang), horizontal=False) if months else None
    rows = [[label, fmt_int(v, lang)] for label, v in zip(labels, values, strict=True)]
    table = DataTable(
        [catalogs.both("dash_x_month")[lang], t("reports", lang)], rows, [False, True]
    )
    return Chart("per-month", caption, summary, fig, table)


def status_chart(cases: pl.DataFrame, chosen: list[str], lang: str) -> Chart:
    """Cases by their current status, every status listed (zeros included)."""
    counts = dict(cases.group_by("status").len().iter_rows())
    codes = list(code_list("status").values)
    values = [int(counts.get(c, 0)) for c in codes]
    labels = [code_label("status", c, lang) for c in codes]
    total = sum(values)
    open_n = total - int(counts.get(CLOSED, 0))
    caption = t("cases_status_caption", lang, span=period_span(chosen, lang))
    summary = (
        t(
            "cases_open_summary", lang, open=fmt_int(open_n, lang), total=fmt_int(total, lang),
            share=fmt_pct(open_n / total, lang),
        )  # fmt: skip
        if total
        else t("no_data", lang)
    )
    fig = _bars([wrap(x, 26) for x in labels], values, lang, t("count", lang), horizontal=True)
    rows = [
        [label, fmt_int(v, lang), fmt_pct(v / total, lang) if total else "–"]
        for label, v in zip(labels, values, strict=True)
    ]
    columns = [catalogs.both("dash_x_status")[lang], t("count", lang), t("share", lang)]
    return Chart("status", caption, summary, fig, DataTable(columns, rows, [False, True, True]))


def age_days(cases: pl.DataFrame, today: datetime) -> pl.Series:
    """Whole days from receipt to `today` (naive UTC, like the store)."""
    now = today.replace(tzinfo=None) if today.tzinfo else today
    return cases.select(age=(pl.lit(now) - pl.col("received_at")).dt.total_days())["age"]


def bucket_label(lo: int, hi: int | None, lang: str) -> str:
    days = catalogs.both("dash_x_days")[lang]
    if hi is None:
        return t("days_at_least", lang, n=lo)
    return f"{lo}–{hi} {days}"


def bucket_counts(days: pl.Series, buckets: tuple[tuple[int, int | None], ...]) -> list[int]:
    return [
        int(((days >= lo) & (days <= hi)).sum() if hi is not None else (days >= lo).sum())
        for lo, hi in buckets
    ]


def age_chart(cases: pl.DataFrame, chosen: list[str], today: datetime, lang: str) -> Chart:
    """Open cases (not closed) by days since they were received."""
    open_cases = cases.filter(pl.col("status") != CLOSED)
    days = age_days(open_cases, today)
    values = bucket_counts(days, AGE_BUCKETS)
    labels = [bucket_label(lo, hi, lang) for lo, hi in AGE_BUCKETS]
    caption = t("cases_age_caption", lang, span=period_span(chosen, lang))
    if open_cases.height:
        median = int(days.median() or 0)
        older = values[-1] + values[-2]
        summary = t(
            "cases_age_summary", lang, n=fmt_int(open_cases.height, lang),
            median=fmt_int(median, lang), older=fmt_int(older, lang),
        )  # fmt: skip
    else:
        summary = catalogs.both("dash_x_no_open_cases_selected")[lang]
    fig = _bars(labels, values, lang, catalogs.both("dash_x_open_cases")[lang], True)
    rows = [[label, fmt_int(v, lang)] for label, v in zip(labels, values, strict=True)]
    columns = [
        catalogs.both("dash_x_age")[lang],
        catalogs.both("dash_x_open_cases")[lang],
    ]
    return Chart("case-age", caption, summary, fig, DataTable(columns, rows, [False, True]))
