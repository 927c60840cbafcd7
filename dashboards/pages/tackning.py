"""Täckning: who published for which periods, so nobody mistakes silence for zero."""

from __future__ import annotations

from dashboards.components import chart_block
from dashboards.figures.coverage import coverage_chart
from dashboards.filters import View

SLUG = "tackning"
LEAD = (
    "Vilka förbund som har publicerat för vilka perioder, när de senast publicerade och "
    "vilken hubb som intygat dem. Ett förbund som inte publicerat har inte noll anmälningar – "
    "vi vet inte.",
    "Which associations have published for which periods, when they last published and "
    "which hub vouched for them. An association that has not published does not have zero "
    "reports – we do not know.",
)


def render(view: View, level: str) -> list:
    return [chart_block(coverage_chart(view.cells, view.nodes, view.periods, view.lang), view.lang)]
