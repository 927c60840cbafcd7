"""Member parties of a samordningsförbund (lag 2003:1210) and the national actor codes of each.

Used by the party reports (partsrapport) on a node and on a hub.
"""

from __future__ import annotations

from common.errors import UsageError
from schemas.codes import code_list

PARTIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "AF": ("Arbetsförmedlingen", ("AF",)),
    "FK": ("Försäkringskassan", ("FK",)),
    "K": ("Kommunen", ("K-SOC", "K-AME", "K-ANN")),
    "R": ("Regionen", ("R-VC", "R-PSY", "R-HAB", "R-ANN")),
}


def party(code: str) -> tuple[str, str, tuple[str, ...]]:
    """(code, name, actor codes) of a party code or a single actor code; refuses others."""
    raw = (code or "").strip()
    key = raw.upper()
    if key in PARTIES:
        return key, *PARTIES[key]
    aktor = code_list("aktor")
    if raw in aktor.values:
        return raw, aktor.label_of(raw), (raw,)
    choices = ", ".join([*PARTIES, *(c for c in aktor.values if c not in PARTIES)])
    raise UsageError.of("err_report_party", code=code, choices=choices)
