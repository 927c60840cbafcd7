"""Mönster: the same skav (problem type × actor) in many förbund in the same period."""

from __future__ import annotations

from common import i18n as catalogs
from dashboards.components import chart_block, choice_links
from dashboards.figures.monster import monster_chart
from dashboards.filters import MIN_FORBUND_CHOICES, View

SLUG = "monster"
LEAD = (
    "Skav som flera förbund rapporterat under samma period – samma problemtyp hos samma aktör. "
    "Ett förbund räknas när dess siffror visar minst en sådan anmälan; skyddade celler som kan "
    "vara noll räknas bara i den övre gränsen.",
    "Friction reported by several associations in the same period – the same problem type at "
    "the same actor. An association counts when its figures show at least one such report; "
    "protected cells that may be zero only count in the upper bound.",
)
LABEL = catalogs.both("dash_x_minimum_number_of_associations")


def render(view: View, level: str) -> list:
    lang, f = view.lang, view.filters
    choices = [
        (str(n), f.but(min_forbund=n).to_query(), f.min_forbund == n) for n in MIN_FORBUND_CHOICES
    ]
    chart = monster_chart(view.cells, view.period, f.min_forbund, lang, view.sel)
    return [choice_links(LABEL[lang], choices, "min-forbund", lang), chart_block(chart, lang, True)]
