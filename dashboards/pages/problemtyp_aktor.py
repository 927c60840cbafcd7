"""Problemtyp × aktör and aktör × nivå: heatmaps with counts or shares written in every cell."""

from __future__ import annotations

from dash import html

from dashboards.components import chart_block, choice_links, coverage_note
from dashboards.figures.matrix import matrix_chart
from dashboards.filters import View
from dashboards.i18n import t

SLUG = "problemtyp-aktor"
LEAD = (
    "Hur många anmälningar av varje problemtyp som nämner varje aktör, och på vilken nivå "
    "skaven uppstod hos varje aktör. En anmälan kan nämna flera aktörer.",
    "How many reports of each problem type name each actor, and at which level the friction "
    "arose for each actor. A report can name several actors.",
)
LABELS = ("matrix_switch_title", "matrix_switch_counts", "matrix_switch_shares")


def render(view: View, level: str) -> list:
    lang, f = view.lang, view.filters
    title, counts, shares = (t(key, lang) for key in LABELS)
    switch = choice_links(
        title,
        [
            (counts, f.but(measure="count").to_query(), f.measure == "count"),
            (shares, f.but(measure="share").to_query(), f.measure == "share"),
        ],
        "measure-switch",
        lang,
    )
    charts = [
        chart_block(matrix_chart(view.sums, view.periods, lang, view.sel, table, f.measure), lang)
        for table in ("problemtyp_x_aktor", "aktor_x_niva")
    ]
    return [*coverage_note(view), switch, html.Div(charts, className="matrices")]
