"""The dashboard pages, one module each; each has SLUG, LEAD (sv, en) and render(view, level).

`render` is thin: it calls pure builders in dashboards.figures with the view's frames and
wraps the results in components. Which pages a dashboard shows depends on its level: a
node has nothing to compare itself with, a regional hub covers one region.
"""

from __future__ import annotations

from types import ModuleType

from dashboards.pages import (
    jamfor_forbund,
    jamfor_regioner,
    metod,
    oversikt,
    problemtyp_aktor,
    tackning,
    utveckling,
)

ALL: tuple[ModuleType, ...] = (
    oversikt,
    jamfor_forbund,
    jamfor_regioner,
    problemtyp_aktor,
    utveckling,
    tackning,
    metod,
)
LEVELS = ("national", "regional", "node")
_HIDDEN = {
    "national": set(),
    "regional": {"jamfor-regioner"},
    "node": {"jamfor-forbund", "jamfor-regioner"},
}


def for_level(level: str) -> list[ModuleType]:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    return [p for p in ALL if p.SLUG not in _HIDDEN[level]]


def lead(page: ModuleType, lang: str) -> str:
    sv, en = page.LEAD
    return en if lang == "en" else sv
