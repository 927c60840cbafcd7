"""Text material for synthetic reports: recurring skav scenarios seen by Swedish förbund.

Each `Scenario` is one real kind of skav with its usual classification (problemtyp, nivå,
målgrupp), the actors where it arises, the organisations that tend to report it, and several
phrasings of the description, the consequences and the reporter's suggestion. The phrasings of
one scenario share their key words, so that a later pattern analysis can find the groups, while
the generator combines them so that no two reports read the same.

Free text here must never contain personnummer, phone numbers, e-mail addresses or real
people's names: the node's form would refuse such text, and so do the tests.
Placeholders: ``{person}``, ``{veckor}``, ``{manader}``; the generator capitalises sentences.

The material itself is data, in ``node/data/synthetic_scenarios.json``; this module loads it
into typed values once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_DATA = json.loads((Path(__file__).parent / "data" / "synthetic_scenarios.json").read_text("utf-8"))


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples the generator expects (nested, e.g. weighted pairs)."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


DEFAULT_PERSONS: tuple[str, ...] = _tuples(_DATA["default_persons"])


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    problemtyp: str
    niva: str
    malgrupp: tuple[str, ...]
    aktorer: tuple[str, ...]
    """Core actors: the first is always named, the others usually."""
    organisationer: tuple[tuple[str, float], ...]
    """Reporter organisations with relative weights."""
    intro: tuple[str, ...]
    details: tuple[str, ...]
    consequences: tuple[str, ...]
    suggestions: tuple[str, ...]
    feedback: tuple[str, ...]
    extra_aktorer: tuple[str, ...] = ()
    alt_problemtyp: str | None = None
    alt_niva: str | None = None
    weight: float = 1.0
    trend: float = 1.0
    """Yearly growth factor of this scenario's share (digital problems grow)."""
    since: int = 0
    """First year the scenario can occur (e.g. when a programme started)."""
    persons: tuple[str, ...] = DEFAULT_PERSONS


CLOSINGS: tuple[str, ...] = _tuples(_DATA["closings"])
PART_DEFINITE: dict[str, str] = _DATA["part_definite"]
ROLES: dict[str, tuple[str, ...]] = _tuples(_DATA["roles"])
RAISED_ELSEWHERE: tuple[tuple[str, float], ...] = _tuples(_DATA["raised_elsewhere"])
FIRST_NAMES: tuple[str, ...] = _tuples(_DATA["first_names"])
SURNAMES: tuple[str, ...] = _tuples(_DATA["surnames"])
MOTTAGEN: tuple[str, ...] = _tuples(_DATA["mottagen"])
KONTAKT_ANMALARE: tuple[str, ...] = _tuples(_DATA["kontakt_anmalare"])
KONTAKT_PART: tuple[str, ...] = _tuples(_DATA["kontakt_part"])
SVAR: tuple[str, ...] = _tuples(_DATA["svar"])
ATGARD: dict[str, str] = _DATA["atgard"]
FORUM_LABEL: dict[str, str] = _DATA["forum_label"]
LYFT: str = _DATA["lyft"]
ATERKOPPLING: tuple[str, ...] = _tuples(_DATA["aterkoppling"])
AVSLUTAD: tuple[str, ...] = _tuples(_DATA["avslutad"])
FEEDBACK_OPENINGS: tuple[str, ...] = _tuples(_DATA["feedback_openings"])
FEEDBACK_FORUM: str = _DATA["feedback_forum"]
FEEDBACK_CLOSINGS: tuple[str, ...] = _tuples(_DATA["feedback_closings"])
SCENARIOS: tuple[Scenario, ...] = tuple(Scenario(**_tuples(s)) for s in _DATA["scenarios"])
