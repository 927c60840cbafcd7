"""Täckning: which förbund published for which periods, when, and who vouched for them."""

from __future__ import annotations

import polars as pl

from common import i18n as catalogs
from common.format import fmt_datetime, fmt_int, sort_sv
from dashboards import periods
from dashboards.figures import Chart, DataTable
from dashboards.i18n import lan_name, t

PUBLISHED = catalogs.both("dash_x_published")
MISSING = catalogs.both("dash_x_missing")


def coverage_chart(cells: pl.DataFrame, nodes: pl.DataFrame, chosen: list[str], lang: str) -> Chart:
    """A table (no figure): one row per förbund, one column per period in the range."""
    published = {
        (r["node_id"], r["period"])
        for r in cells.filter(pl.col("table") == "total").select("node_id", "period").to_dicts()
    }
    rows, gaps = [], []
    for n in sort_sv(nodes.to_dicts(), key=lambda r: r["node_name"]):
        marks = []
        for p in chosen:
            ok = (n["node_id"], p) in published
            marks.append(PUBLISHED[lang] if ok else MISSING[lang])
            if not ok:
                gaps.append((n["node_name"], periods.label(p, lang)))
        pop = (
            fmt_int(n["population"], lang)
            if n["population"] is not None
            else t("not_declared", lang)
        )
        rows.append(
            [
                n["node_name"],
                lan_name(n["lan"], lang),
                n["vouched_by"] or "–",
                fmt_datetime(n["last_published"], lang),
                pop,
                *marks,
            ]
        )
    complete = len({n for n in nodes["node_id"].to_list()}) - len({g[0] for g in gaps})
    summary = t("coverage_summary", lang, complete=complete, total=nodes.height)
    if gaps:
        listed = "; ".join(f"{name} ({p})" for name, p in gaps[:6])
        more = "" if len(gaps) <= 6 else " …"
        summary += " " + t("coverage_missing", lang, listed=listed, more=more)
    columns = [
        t("forbund", lang),
        t("lan", lang),
        catalogs.both("dash_x_vouched_for_by_hub")[lang],
        catalogs.both("dash_x_last_published")[lang],
        t("population", lang),
        *[periods.label(p, lang) for p in chosen],
    ]
    caption = catalogs.both("dash_x_published_periods_by_association")[lang]
    return Chart(
        "coverage", caption, summary, None, DataTable(columns, rows, [False] * len(columns))
    )
