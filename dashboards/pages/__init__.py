"""The dashboard pages, one module each; each has SLUG, LEAD (sv, en) and render(view, level).

`render` is thin: it calls pure builders in dashboards.figures with the view's frames and
wraps the results in components. Which pages a dashboard shows depends on its level: a
node has nothing to compare itself with, a regional hub covers one region.
"""

from __future__ import annotations

from types import ModuleType

from dashboards.pages import (
    arenden,
    atgarder,
    handlaggningstid,
    jamfor_forbund,
    jamfor_regioner,
    karta,
    metod,
    monster,
    oversikt,
    problemtyp_aktor,
    tackning,
    tillganglighet,
    utveckling,
)

ALL: tuple[ModuleType, ...] = (
    oversikt,
    jamfor_forbund,
    jamfor_regioner,
    karta,
    problemtyp_aktor,
    monster,
    utveckling,
    tackning,
    metod,
    tillganglighet,
)
NODE_ONLY: tuple[ModuleType, ...] = (arenden, handlaggningstid, atgarder)
"""The förbund's own pages on its exact per-case data: only on a node, and only when the
source offers what each page NEEDS (a hub's source has no cases)."""
LEVELS = ("national", "regional", "node")
# A regional hub covers one region (a map of one län says little); a node has nothing to
# compare itself with and no other förbund to find patterns in.
_HIDDEN = {
    "national": set(),
    "regional": {"jamfor-regioner", "karta"},
    "node": {"jamfor-forbund", "jamfor-regioner", "karta", "monster"},
}


def for_level(level: str, source: object | None = None) -> list[ModuleType]:
    """The pages of a dashboard at `level`; a node's own pages when `source` can feed them."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    shown = [p for p in ALL if p.SLUG not in _HIDDEN[level]]
    if level != "node" or source is None:
        return shown
    own = [p for p in NODE_ONLY if all(callable(getattr(source, m, None)) for m in p.NEEDS)]
    # After Översikt, Problemtyp × aktör and Utveckling: the förbund's own work follows.
    cut = next((i for i, p in enumerate(shown) if p.SLUG == "tackning"), len(shown))
    return [*shown[:cut], *own, *shown[cut:]]


def in_nav(page: ModuleType) -> bool:
    """Pages linked from the main navigation (the accessibility statement is in the footer)."""
    return bool(getattr(page, "IN_NAV", True))


def lead(page: ModuleType, lang: str) -> str:
    sv, en = page.LEAD
    return en if lang == "en" else sv
