"""Ärenden (node only): reports per month, cases by status and open cases by age, on the
förbund's exact data. Offered only when the source has ``workflow()`` (see pages.for_level)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dash import html

from dashboards.components import chart_block
from dashboards.figures.arenden import age_chart, monthly_chart, select_cases, status_chart
from dashboards.filters import View

SLUG = "arenden"
NEEDS = ("workflow",)
LEAD = (
    "Förbundets egna ärenden, exakta siffror: anmälningar per månad, ärenden per status och "
    "hur länge de öppna ärendena har väntat. Urvalet gäller när anmälan kom in.",
    "The association's own cases, exact figures: reports by month, cases by status and how "
    "long the open cases have waited. The filters apply to when the report was received.",
)


def render(view: View, level: str, *, source: Any, today: datetime | None = None) -> list:
    lang, f = view.lang, view.filters
    cases = select_cases(source.workflow(), f.kind, view.periods, view.sel)
    now = today or datetime.now(UTC)
    return [
        chart_block(monthly_chart(cases, view.periods, lang), lang),
        html.Div(
            [
                chart_block(status_chart(cases, view.periods, lang), lang),
                chart_block(age_chart(cases, view.periods, now, lang), lang),
            ],
            className="side-by-side",
        ),
    ]
