"""Översikt: key figures for the chosen period and area, and its problem types."""

from __future__ import annotations

from dashboards.components import chart_block, coverage_note, key_figure_cards
from dashboards.figures.overview import key_figures, problemtyp_chart
from dashboards.filters import View

SLUG = "oversikt"
LEAD = (
    "Nyckeltal för den senaste perioden i urvalet, jämfört med perioden före.",
    "Key figures for the latest period selected, compared with the period before.",
)


def render(view: View, level: str) -> list:
    figures = key_figures(view.cells, view.nodes, view.period, view.lang, view.sel,
                          sums=view.sums, single=level == "node")  # fmt: skip
    chart = problemtyp_chart(view.sums, view.period, view.lang, view.sel)
    return [*coverage_note(view), key_figure_cards(figures), chart_block(chart, view.lang)]
