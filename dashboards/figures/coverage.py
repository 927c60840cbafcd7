"""Täckning: which förbund published for which periods, when, and who vouched for them."""

from __future__ import annotations

import polars as pl

from dashboards import periods
from dashboards.figures import Chart, DataTable
from common.format import fmt_datetime, fmt_int, sort_sv
from dashboards.i18n import lan_name, t

PUBLISHED = {"sv": "✓ publicerat", "en": "✓ published"}
MISSING = {"sv": "saknas", "en": "missing"}


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
    summary = {
        "sv": f"{complete} av {nodes.height} förbund har publicerat för alla perioder i urvalet.",
        "en": f"{complete} of {nodes.height} associations have published for every period selected.",
    }[lang]
    if gaps:
        listed = "; ".join(f"{name} ({p})" for name, p in gaps[:6])
        more = "" if len(gaps) <= 6 else " …"
        summary += (
            " "
            + {
                "sv": f"Saknas: {listed}{more}. Att ett förbund saknas betyder inte noll anmälningar.",
                "en": f"Missing: {listed}{more}. A missing association does not mean zero reports.",
            }[lang]
        )
    columns = [
        t("forbund", lang),
        t("lan", lang),
        {"sv": "Intygad av hubb", "en": "Vouched for by hub"}[lang],
        {"sv": "Senast publicerat", "en": "Last published"}[lang],
        t("population", lang),
        *[periods.label(p, lang) for p in chosen],
    ]
    caption = {
        "sv": "Publicerade perioder per förbund",
        "en": "Published periods by association",
    }[lang]
    return Chart(
        "coverage", caption, summary, None, DataTable(columns, rows, [False] * len(columns))
    )
