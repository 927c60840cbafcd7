"""Utveckling över tid: reports per problem type by year or quarter."""

from __future__ import annotations

from dashboards.components import chart_block
from dashboards.figures.trend import trend_chart
from dashboards.filters import View

SLUG = "utveckling"
LEAD = (
    "Antal anmälningar per problemtyp och period. Välj år eller kvartal under Urval.",
    "Number of reports per problem type and period. Choose years or quarters under Filters.",
)


def render(view: View, level: str) -> list:
    chart = trend_chart(view.sums, view.periods, view.lang, view.sel)
    return [chart_block(chart, view.lang)]
