"""Översikt: key figures for one period and area, and the problem types of that period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
import polars as pl

from common import i18n as catalogs
from common.format import fmt_bounds, fmt_change, fmt_int, fmt_pct
from dashboards import measures, periods
from dashboards.exact import certain_leaders
from dashboards.figures import Chart, DataTable, bar_range, base_layout, bounded_label, hbar, wrap
from dashboards.i18n import code_label, t
from dashboards.measures import ALL, Selection, as_selection, summarise


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: str
    value: str
    summary: str
    items: tuple[str, ...] = ()
    ranked: bool = True
    """Whether the items' order is known (a numbered list) or the intervals overlap."""


def _one(frame: pl.DataFrame) -> dict | None:
    s = summarise(frame.with_columns(all=pl.lit(1)), ["all"])
    return s.row(0, named=True) if s.height else None


def change(cells: pl.DataFrame, period: str, sel: Selection | tuple[str, ...] = ALL) -> dict | None:
    """Reports in `period` against the period before, over förbund that published both."""
    before = periods.previous(period)
    rep = measures.report_cells(cells, sel)
    both = (
        rep.filter(pl.col("period").is_in([period, before]))
        .group_by("node_id")
        .agg(pl.col("period").n_unique())
        .filter(pl.col("period") == 2)["node_id"]
    )
    now = _one(rep.filter((pl.col("period") == period) & pl.col("node_id").is_in(both.implode())))
    prev = _one(rep.filter((pl.col("period") == before) & pl.col("node_id").is_in(both.implode())))
    if not now or not prev or not prev["lo"]:
        return None
    lo = now["lo"] / prev["hi"] - 1 if prev["hi"] else None
    hi = now["hi"] / prev["lo"] - 1 if now["hi"] is not None else None
    return {
        "before": before,
        "lo": lo if lo is not None else -1.0,
        "hi": hi,
        "exact": now["n_supp"] == 0 and prev["n_supp"] == 0,
        "nodes": both.len(),
    }


def unfinished(period: str, today: date | None = None) -> bool:
    """A year (or quarter) that has not ended yet: its figures are "hittills i år"."""
    today = today or date.today()
    if len(period) == 4:
        return int(period) >= today.year
    return False


def year_to_date(cells: pl.DataFrame, year: str, sel: Selection | tuple[str, ...] = ALL,
                 today: date | None = None) -> dict | None:  # fmt: skip
    """An unfinished year against the same quarters of the year before, over the förbund that
    published every one of those quarters in both years: lo, hi (change), quarters, nodes."""
    today = today or date.today()
    last_q = (today.month - 1) // 3 + 1 if int(year) == today.year else 4
    quarters = [f"-Q{q}" for q in range(1, last_q + 1)]
    now_p = [year + q for q in quarters]
    prev_p = [str(int(year) - 1) + q for q in quarters]
    rep = measures.report_cells(cells, sel).filter(pl.col("period").is_in(now_p + prev_p))
    complete = (
        rep.group_by("node_id").agg(pl.col("period").n_unique())
        .filter(pl.col("period") == len(now_p) * 2)["node_id"]
    )  # fmt: skip
    rep = rep.filter(pl.col("node_id").is_in(complete.implode()))
    now = _one(rep.filter(pl.col("period").is_in(now_p)))
    prev = _one(rep.filter(pl.col("period").is_in(prev_p)))
    if not now or not prev or not prev["lo"]:
        return None
    return {
        "lo": now["lo"] / prev["hi"] - 1 if prev["hi"] else -1.0,
        "hi": now["hi"] / prev["lo"] - 1 if now["hi"] is not None else None,
        "exact": now["n_supp"] == 0 and prev["n_supp"] == 0,
        "quarters": len(quarters), "before": str(int(year) - 1), "nodes": complete.len(),
    }  # fmt: skip


def key_figures(
    cells: pl.DataFrame, nodes: pl.DataFrame, period: str | None, lang: str,
    sel: Selection | tuple[str, ...] = ALL, sums: pl.DataFrame | None = None,
    today: date | None = None, single: bool = False,
) -> list[KeyFigure]:  # fmt: skip
    """`sums` are the cells with released group sums (dashboards.exact.collapse), used for
    every figure summed over the area; `cells` stay per förbund (who reported, changes).
    `single`: one förbund's own dashboard, worded without "bland de N förbund" and without
    the count of förbund reporting."""
    sel = as_selection(sel)
    if period is None:
        return []
    plabel = periods.label(period, lang)
    summed = cells if sums is None else sums
    in_p = summed.filter(pl.col("period") == period)
    reports = _one(measures.report_cells(in_p, sel))
    value = bounded_label(reports, lang) if reports else t("no_data", lang)
    ch = change(cells, period, sel)
    if ch:
        ctext = fmt_bounds(
            ch["lo"], ch["hi"], exact=ch["exact"], hidden=False, fmt=lambda v: fmt_change(v, lang)
        )
        prev = periods.label(ch["before"], lang)
        rsum = (
            t("overview_change", lang, change=ctext, before=prev, n=ch["nodes"])
            if not single else t("overview_change_own", lang, change=ctext, before=prev)
        )  # fmt: skip
    else:
        rsum = catalogs.both("dash_x_no_comparable_previous_period")[
            lang
        ]
    if unfinished(period, today):
        # an unfinished year is compared with the same quarters of the year before
        plabel += catalogs.both("dash_x_so_far_this_year")[lang]
        ytd = year_to_date(cells, period, sel, today)
        if ytd:
            ctext = fmt_bounds(ytd["lo"], ytd["hi"], exact=ytd["exact"], hidden=False,
                               fmt=lambda v: fmt_change(v, lang))  # fmt: skip
            q = ytd["quarters"]
            fields = {"change": ctext, "quarters": q, "before": ytd["before"]}
            rsum = (
                t("overview_ytd", lang, n=ytd["nodes"], **fields)
                if not single else t("overview_ytd_own", lang, **fields)
            )  # fmt: skip
        else:
            rsum = catalogs.both("dash_x_the_year_has_not_ended_so_far_this_year")[lang]  # fmt: skip
    n_rep = measures.reporting_nodes(cells, period)
    figures = [
        KeyFigure("reports", f"{t('reports', lang)} {plabel}", value, rsum),
    ]
    figures += [] if single else [
        KeyFigure(
            "nodes",
            catalogs.both("dash_x_associations_reporting")[lang],
            f"{fmt_int(n_rep, lang)} / {fmt_int(nodes.height, lang)}",
            t("overview_reporting", lang, n=n_rep, total=nodes.height, period=plabel),
        ),
    ]
    for table, key in (("problemtyp", "top_problemtyp"), ("aktor", "top_aktor")):
        top = measures.top(in_p, table, 3, sel).to_dicts()
        names = [f"{code_label(table, r['code'], lang)} ({bounded_label(r, lang)})" for r in top]
        label = {
            "problemtyp": catalogs.both("dash_x_most_common_problem_types"),
            "aktor": catalogs.both("dash_x_most_common_actors"),
        }[table][lang]
        if top and reports and reports["lo"] and certain_leaders(top) == 0:
            label = {"problemtyp": catalogs.both("dash_x_common_problem_types"),
                     "aktor": catalogs.both("dash_x_common_actors")}[table][lang]  # fmt: skip
        if top and reports and reports["lo"]:
            first = top[0]
            share = (
                fmt_pct(first["lo"] / (reports["hi"] or reports["lo"]), lang)
                if reports["n_supp"] == 0 and first["n_supp"] == 0
                else None
            )
            fields = {"code": code_label(table, first["code"], lang), "n": bounded_label(first, lang)}
            summary = (
                t("overview_top_share", lang, share=share, **fields)
                if share else t("overview_top", lang, **fields)
            )  # fmt: skip
        else:
            summary = t("no_data", lang)
        ranked = certain_leaders(top) >= len(top) - 1
        figures.append(KeyFigure(key, label, "; ".join(names) or "–", summary, tuple(names), ranked))
    return figures


def problemtyp_chart(
    cells: pl.DataFrame, period: str | None, lang: str, sel: Selection | tuple[str, ...] = ALL
) -> Chart:
    """Reports per problem type in one period, bars at the lower bound with bounds."""
    in_p = measures.dim_cells(
        cells.filter(pl.col("period") == (period or "")), "problemtyp", as_selection(sel)
    )
    s = summarise(in_p, ["code"]).sort(["lo", "code"], descending=[True, False])
    rows = s.to_dicts()
    for r in rows:
        r["hidden"] = r["n"] == r["n_supp"] == 1
    labels = [wrap(code_label("problemtyp", r["code"], lang), 30) for r in rows]
    texts = [bounded_label(r, lang) for r in rows]
    fig = go.Figure(hbar(labels, rows, "lo", "hi", texts, lang)) if rows else None
    if fig is not None:
        base_layout(fig, lang, height=max(300, 44 * len(rows) + 80))
        fig.update_layout(barmode="stack")
        bar_range(fig, [r for r in rows if not r["hidden"]], "lo", "hi")
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title_text=t("reports", lang), rangemode="tozero")
    plabel = periods.label(period, lang) if period else "–"
    caption = t("overview_chart_caption", lang, period=plabel)
    if rows and rows[0]["lo"] and not rows[0]["hidden"] and certain_leaders(rows):
        name = code_label("problemtyp", rows[0]["code"], lang).lower()
        summary = t("overview_chart_most", lang, name=name, n=texts[0])
    elif rows and rows[0]["lo"] and not rows[0]["hidden"]:
        # the intervals overlap: name the leaders without ranking them
        tied = [r for r in rows if r["hi"] is None or r["hi"] >= rows[0]["lo"]][:4]
        names = ", ".join(code_label("problemtyp", r["code"], lang).lower() for r in tied)
        summary = t("overview_chart_tied", lang, names=names)
    else:
        summary = t("no_data", lang)
    table = DataTable(
        [t("problemtyp", lang), t("reports", lang)],
        [[code_label("problemtyp", r["code"], lang), x] for r, x in zip(rows, texts, strict=True)],
        [False, True],
    )
    return Chart("problemtyp-period", caption, summary, fig, table)
