"""Utveckling över tid: reports per problem type by year or quarter."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from common import i18n as catalogs
from dashboards import measures, periods
from dashboards.figures import (
    COLOURS,
    DASHES,
    SYMBOLS,
    Chart,
    DataTable,
    base_layout,
    bounded_label,
    codes,
    period_span,
)
from dashboards.i18n import code_label, t
from dashboards.measures import ALL, Selection, as_selection, summarise

MAX_LINES = 6


def trend_chart(
    cells: pl.DataFrame, chosen: list[str], lang: str, sel: Selection | tuple[str, ...] = ALL
) -> Chart:
    """One line per problem type (the chosen ones, else the six largest) over the periods."""
    sel = as_selection(sel)
    problemtyp = sel.problemtyp
    tr = measures.trend(cells, sel)
    by_key = {(r["period"], r["p"]): r for r in tr.to_dicts()}
    totals = {
        r["period"]: r for r in summarise(measures.report_cells(cells, sel), ["period"]).to_dicts()
    }
    present = [p for p in codes("problemtyp", True) if not problemtyp or p in problemtyp]
    size = tr.group_by("p").agg(pl.col("lo").sum()).sort(["lo", "p"], descending=[True, False])
    drawn = [p for p in size["p"].to_list() if p in present][:MAX_LINES]
    xs = [periods.label(p, lang) for p in chosen]
    fig = go.Figure()
    for i, p in enumerate(drawn):
        rows = [by_key.get((period, p)) for period in chosen]
        ys = [None if r is None or r["n"] == r["n_supp"] == 1 else r["lo"] for r in rows]
        plus = [
            0 if r is None or y is None or r["hi"] is None else r["hi"] - y
            for r, y in zip(rows, ys, strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, name=code_label("problemtyp", p, lang), mode="lines+markers",
                line={"color": COLOURS[i % len(COLOURS)], "dash": DASHES[i % len(DASHES)], "width": 2},
                marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 9},
                error_y={"type": "data", "array": plus, "arrayminus": [0] * len(plus), "thickness": 1},
                text=[bounded_label(r, lang) if r else "–" for r in rows],
                hovertemplate="%{fullData.name}<br>%{x}: %{text}<extra></extra>",
            )
        )  # fmt: skip
    base_layout(fig, lang, height=480)
    fig.update_xaxes(type="category", title_text=t("period", lang))
    fig.update_yaxes(title_text=t("reports", lang), rangemode="tozero")
    rows_out = []
    for period in chosen:
        row = [periods.label(period, lang)]
        row += [
            bounded_label(by_key[(period, p)], lang) if (period, p) in by_key else "–"
            for p in present
        ]
        tot = totals.get(period)
        rows_out.append([*row, bounded_label(tot, lang) if tot else "–"])
    span = period_span(chosen, lang)
    by_year = not chosen or periods.kind_of(chosen[0]) == "year"
    caption = t("trend_caption_year" if by_year else "trend_caption_period", lang, span=span)
    summary = _summary(totals, chosen, lang)
    if len(drawn) < len(present):
        summary += " " + t("trend_chart_shows_largest", lang, n=len(drawn))
    columns = [
        t("period", lang),
        *[code_label("problemtyp", p, lang) for p in present],
        t("total", lang),
    ]
    return Chart(
        "trend", caption, summary, fig if drawn else None,
        DataTable(columns, rows_out, [False, *[True] * (len(present) + 1)]),
    )  # fmt: skip


def _summary(totals: dict, chosen: list[str], lang: str) -> str:
    if len(chosen) < 2 or chosen[0] not in totals or chosen[-1] not in totals:
        return (
            t("no_data", lang)
            if not totals
            else catalogs.both("dash_x_too_few_periods_to_describe_a_trend")[lang]
        )
    a, b = totals[chosen[0]], totals[chosen[-1]]
    first, last = periods.label(chosen[0], lang), periods.label(chosen[-1], lang)
    return t(
        "trend_summary", lang, a=bounded_label(a, lang), first=first,
        b=bounded_label(b, lang), last=last,
    )  # fmt: skip
