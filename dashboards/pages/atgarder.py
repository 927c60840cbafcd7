"""Åtgärder (node only): the actions taken on the förbund's cases (Åtgärd codes) per year."""

from __future__ import annotations

from typing import Any

from dashboards.components import chart_block
from dashboards.figures.arenden import select_cases
from dashboards.figures.handlaggning import actions_chart
from dashboards.filters import View

SLUG = "atgarder"
NEEDS = ("workflow", "actions")
LEAD = (
    "Vilka åtgärder förbundet vidtagit, per år åtgärden gjordes, för ärenden som kom in under "
    "perioderna i urvalet. Ett ärende kan ha flera åtgärder.",
    "Which actions the association took, by the year of the action, for cases received in "
    "the periods selected. A case can have several actions.",
)


def render(view: View, level: str, *, source: Any) -> list:
    lang = view.lang
    cases = select_cases(source.workflow(), view.filters.kind, view.periods, view.sel)
    return [chart_block(actions_chart(source.actions(), cases, view.periods, lang), lang, True)]
