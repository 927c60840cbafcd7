"""Jämför förbund: volume per 10 000 inhabitants and absolute, problem-type and actor mix."""

from __future__ import annotations

from dash import html

from dashboards.components import chart_block
from dashboards.figures.compare import mix_chart, volume_chart
from dashboards.filters import View

SLUG = "jamfor-forbund"
GROUP = "node"
LEAD = (
    "Förbunden sida vid sida för perioderna i urvalet. Per invånare räknas bara förbund "
    "som angett sin befolkning.",
    "The associations side by side for the periods selected. Per-inhabitant figures only "
    "count associations that declared their population.",
)


def render(view: View, level: str) -> list:
    return compare(view, GROUP)


def compare(view: View, group: str) -> list:
    lang, pt, chosen = view.lang, view.sel, view.periods
    c, n = view.cells, view.nodes
    return [
        html.Div(
            [
                chart_block(volume_chart(c, n, group, chosen, lang, pt, per_capita=True), lang),
                chart_block(volume_chart(c, n, group, chosen, lang, pt, per_capita=False), lang),
            ],
            className="side-by-side",
        ),
        html.Div(
            [
                chart_block(mix_chart(c, n, group, "problemtyp", chosen, lang, pt), lang),
                chart_block(mix_chart(c, n, group, "aktor", chosen, lang, pt), lang),
            ],
            className="side-by-side",
        ),
    ]
