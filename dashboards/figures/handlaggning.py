"""How the förbund handles its cases (node only, exact data): days from report to first
contact with the reporter and to feedback (median per period, distribution), and the actions
taken (Åtgärd codes per year). Inputs: ``NodeSource.workflow()`` narrowed by
:func:`dashboards.figures.arenden.select_cases`, and ``NodeSource.actions()``.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from common import i18n as catalogs
from common.format import fmt_dec, fmt_int
from dashboards import periods
from dashboards.figures import (
    COLOURS,
    DASHES,
    SYMBOLS,
    Chart,
    DataTable,
    base_layout,
    heat,
    period_span,
    wrap,
)
from dashboards.figures.arenden import bucket_counts, bucket_label
from dashboards.i18n import code_label, t
from schemas.codes import code_list

TIME_BUCKETS = ((0, 2), (3, 7), (8, 14), (15, 30), (31, 90), (91, None))
MEASURES = {
    "first_contact_at": catalogs.both("dash_x_to_first_contact"),
    "feedback_at": catalogs.both("dash_x_to_feedback"),
}


def with_days(cases: pl.DataFrame) -> pl.DataFrame:
    """`cases` plus the days (fractional) from receipt to first contact and to feedback."""
    return cases.with_columns(
        [
            ((pl.col(c) - pl.col("received_at")).dt.total_seconds() / 86_400).alias(f"{c}_days")
            for c in MEASURES
        ]
    )


def per_period(cases: pl.DataFrame) -> pl.DataFrame:
    """Per period: cases, how many were contacted / given feedback, and the median days."""
    d = with_days(cases)
    return d.group_by("period").agg(
        n=pl.len(),
        contacted=pl.col("first_contact_at").is_not_null().sum(),
        contact_median=pl.col("first_contact_at_days").median(),
        fed_back=pl.col("feedback_at").is_not_null().sum(),
        feedback_median=pl.col("feedback_at_days").median(),
    )


def _days(x: float | None, lang: str) -> str:
    return "–" if x is None else fmt_dec(x, lang)


def median_chart(cases: pl.DataFrame, chosen: list[str], lang: str) -> Chart:
    """Median days to first contact and to feedback, per period of receipt."""
    by = {r["period"]: r for r in per_period(cases).to_dicts()}
    xs = [periods.label(p, lang) for p in chosen]
    fig = go.Figure()
    for i, (col, key) in enumerate((("first_contact_at", "contact"), ("feedback_at", "feedback"))):
        ys = [by[p][f"{key}_median"] if p in by else None for p in chosen]
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, name=MEASURES[col][lang], mode="lines+markers",
                line={"color": COLOURS[i], "dash": DASHES[i], "width": 2},
                marker={"symbol": SYMBOLS[i], "size": 9},
                text=[_days(y, lang) for y in ys],
                hovertemplate="%{fullData.name}<br>%{x}: %{text}<extra></extra>",
            )
        )  # fmt: skip
    base_layout(fig, lang, height=420)
    fig.update_xaxes(type="category", title_text=t("period", lang))
    fig.update_yaxes(title_text=catalogs.both("dash_x_days_median")[lang],
                     rangemode="tozero")  # fmt: skip
    rows = []
    for p in chosen:
        r = by.get(p)
        rows.append(
            [periods.label(p, lang), fmt_int(r["n"] if r else 0, lang),
             fmt_int(r["contacted"] if r else 0, lang), _days(r["contact_median"] if r else None, lang),
             fmt_int(r["fed_back"] if r else 0, lang), _days(r["feedback_median"] if r else None, lang)]
        )  # fmt: skip
    d = with_days(cases)
    mc, mf = d["first_contact_at_days"].median(), d["feedback_at_days"].median()
    if mc is None and mf is None:
        summary = t("no_data", lang)
    else:
        summary = t("time_median_summary", lang, contact=_days(mc, lang), feedback=_days(mf, lang))
    columns = [t(f"time_median_col_{i}", lang) for i in range(1, 7)]
    caption = t("time_median_caption", lang, span=period_span(chosen, lang))
    return Chart("time-median", caption, summary, fig if by else None,
                 DataTable(columns, rows, [False, True, True, True, True, True]))  # fmt: skip


def distribution_chart(cases: pl.DataFrame, chosen: list[str], lang: str) -> Chart:
    """How many cases got first contact / feedback within 0–2, 3–7, … days."""
    d = with_days(cases)
    labels = [bucket_label(lo, hi, lang) for lo, hi in TIME_BUCKETS]
    counts = {
        col: bucket_counts(d[f"{col}_days"].drop_nulls().floor(), TIME_BUCKETS) for col in MEASURES
    }
    fig = go.Figure(
        [
            go.Bar(x=labels, y=counts[col], name=MEASURES[col][lang],
                   text=[fmt_int(v, lang) for v in counts[col]], textposition="outside",
                   cliponaxis=False, marker={"color": COLOURS[i], "pattern": {"shape": ["", "/"][i]}},
                   hovertemplate="%{fullData.name}<br>%{x}: %{text}<extra></extra>")
            for i, col in enumerate(MEASURES)
        ]
    )  # fmt: skip
    base_layout(fig, lang, height=400)
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    top = max([*counts["first_contact_at"], *counts["feedback_at"], 1]) * 1.2
    fig.update_yaxes(title_text=catalogs.both("dash_x_cases")[lang], range=[0, top])
    waiting = {c: int(d[c].is_null().sum()) for c in MEASURES}
    rows = [
        [label, fmt_int(a, lang), fmt_int(b, lang)]
        for label, a, b in zip(
            labels, counts["first_contact_at"], counts["feedback_at"], strict=True
        )
    ]
    rows.append(
        [catalogs.both("dash_x_not_yet")[lang],
         fmt_int(waiting["first_contact_at"], lang), fmt_int(waiting["feedback_at"], lang)]
    )  # fmt: skip
    within = counts["first_contact_at"][0] + counts["first_contact_at"][1]
    summary = (
        t(
            "time_distribution_summary", lang, within=fmt_int(within, lang),
            total=fmt_int(d.height, lang), waiting=fmt_int(waiting["feedback_at"], lang),
        )  # fmt: skip
        if d.height
        else t("no_data", lang)
    )
    caption = t("time_distribution_caption", lang, span=period_span(chosen, lang))
    columns = [catalogs.both("dash_x_days_")[lang], *[MEASURES[c][lang] for c in MEASURES]]
    return Chart("time-distribution", caption, summary, fig if d.height else None,
                 DataTable(columns, rows, [False, True, True]))  # fmt: skip


def action_counts(actions: pl.DataFrame, cases: pl.DataFrame) -> pl.DataFrame:
    """Actions on the selected cases per Åtgärd code and year taken: code, year, n."""
    picked = actions.join(cases.select(report_id="id"), on="report_id", how="semi")
    return picked.group_by("code", year=pl.col("at").dt.year().cast(pl.String)).agg(n=pl.len())


def actions_chart(
    actions: pl.DataFrame, cases: pl.DataFrame, chosen: list[str], lang: str
) -> Chart:
    """A heatmap of actions taken, Åtgärd code × year, every count written in its cell."""
    counts = action_counts(actions, cases)
    by = {(r["code"], r["year"]): r["n"] for r in counts.to_dicts()}
    years = sorted(set(counts["year"].to_list()))
    codes = list(code_list("atgard").values)
    x, y, z, texts, hover, rows = [], [], [], [], [], []
    for c in codes:
        label = code_label("atgard", c, lang)
        row = [label]
        for yr in years:
            n = int(by.get((c, yr), 0))
            x.append(yr), y.append(wrap(label, 30)), z.append(n), texts.append(fmt_int(n, lang))
            hover.append(f"{label}<br>{yr}: {fmt_int(n, lang)}")
            row.append(fmt_int(n, lang))
        rows.append([*row, fmt_int(sum(int(by.get((c, yr), 0)) for yr in years), lang)])
    fig = heat(x, y, z, texts, hover, lang) if years else None
    totals = (
        counts.group_by("code").agg(pl.col("n").sum()).sort(["n", "code"], descending=[True, False])
    )
    if totals.height:
        top = totals.row(0, named=True)
        summary = t(
            "actions_summary", lang, n=fmt_int(int(counts["n"].sum()), lang),
            action=code_label("atgard", top["code"], lang).lower(), most=fmt_int(top["n"], lang),
        )  # fmt: skip
    else:
        summary = t("no_data", lang)
    caption = t("actions_caption", lang, span=period_span(chosen, lang))
    columns = [catalogs.both("dash_x_action")[lang], *years, t("total", lang)]
    return Chart("actions", caption, summary, fig,
                 DataTable(columns, rows, [False, *[True] * (len(years) + 1)]))  # fmt: skip
