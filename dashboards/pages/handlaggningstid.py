"""Handläggningstid (node only): days from report to first contact with the reporter and to
feedback, median per period and distribution, on the förbund's exact data."""

from __future__ import annotations

from typing import Any

from dashboards.components import chart_block
from dashboards.figures.arenden import select_cases
from dashboards.figures.handlaggning import distribution_chart, median_chart
from dashboards.filters import View

SLUG = "handlaggningstid"
NEEDS = ("workflow",)
LEAD = (
    "Hur snabbt förbundet tar kontakt med anmälaren och ger återkoppling, räknat i dagar från "
    "att anmälan kom in. Ärenden som ännu väntar räknas inte i medianen.",
    "How quickly the association contacts the reporter and gives feedback, in days from when "
    "the report came in. Cases still waiting are not counted in the median.",
)


def render(view: View, level: str, *, source: Any) -> list:
    lang = view.lang
    cases = select_cases(source.workflow(), view.filters.kind, view.periods, view.sel)
    return [
        chart_block(median_chart(cases, view.periods, lang), lang),
        chart_block(distribution_chart(cases, view.periods, lang), lang),
    ]
