"""Problemtyp × aktör: a heatmap with the count written in every cell."""

from __future__ import annotations

from dashboards.components import chart_block
from dashboards.figures.matrix import matrix_chart
from dashboards.filters import View

SLUG = "problemtyp-aktor"
LEAD = (
    "Hur många anmälningar av varje problemtyp som nämner varje aktör. En anmälan kan nämna "
    "flera aktörer.",
    "How many reports of each problem type name each actor. A report can name several actors.",
)


def render(view: View, level: str) -> list:
    chart = matrix_chart(view.cells, view.periods, view.lang, view.filters.problemtyp)
    return [chart_block(chart, view.lang)]
