"""Jämför regioner (län): the same comparisons as for förbund, summed per län with bounds."""

from __future__ import annotations

from dashboards.filters import View
from dashboards.pages.jamfor_forbund import compare

SLUG = "jamfor-regioner"
LEAD = (
    "Länen sida vid sida. Summor över förbund med skyddade värden visas som känd summa "
    "och gränser, t.ex. 120–131.",
    "The counties side by side. Sums over associations with protected values are shown as "
    "known sum and bounds, e.g. 120–131.",
)


def render(view: View, level: str) -> list:
    return compare(view, "lan")
