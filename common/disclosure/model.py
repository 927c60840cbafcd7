"""The public data model of the count tables, as an attacker knows it.

Every published table is a linear image of a few hidden quantities per *base period* (the
finest period published for that year, e.g. a quarter):

* ``w[p, n]``: reports with problem type ``p`` and level ``n`` (unclassified ``-`` included);
* ``z[p, n, a]``: those of them that name actor ``a``, with ``0 <= z <= w`` and
  ``sum_a z >= w`` (every report names at least one actor; a report may name several);
* ``o[org]``: reports by the reporter's organisation, ``sum o == sum w``;
* ``s[status]``: reports by status, ``sum s == sum w``;
* ``c[kanal]``: reports by the channel they arrived through (taxonomy v2), ``sum c == sum w``.

This is exact: every integer point of it is the count of some set of reports (a cell of ``w``
with ``z`` as above can always be given actor sets, round robin; organisation, status and channel
are only ever published alone, so any joint with ``(w, z)`` is possible), and every set of reports
gives such a point. The coarse actor groups (AF, FK, kommun, region, annan) count *mentions*:
``aktorgrupp[g] = sum of aktor[a] over a in g``, so they stay a linear image too.
"""

from __future__ import annotations

from schemas.codes import code_list
from schemas.wire import UNCLASSIFIED

TABLES: dict[str, tuple[str, ...]] = {
    "total": (),
    "problemtyp": ("problemtyp",),
    "niva": ("niva",),
    "organisation": ("organisation",),
    "status": ("status",),
    "kanal": ("kanal",),
    "aktor": ("aktor",),
    "problemtyp_x_aktor": ("problemtyp", "aktor"),
    "aktor_x_niva": ("aktor", "niva"),
    "aktorgrupp": ("aktorgrupp",),
    "problemtyp_x_aktorgrupp": ("problemtyp", "aktorgrupp"),
    "aktorgrupp_x_niva": ("aktorgrupp", "niva"),
}
"""Every table the model knows and its dimensions (tables with other names are ignored)."""

ACTOR_GROUPS: dict[str, tuple[str, ...]] = {
    "AF": ("AF",),
    "FK": ("FK",),
    "K": ("K-SOC", "K-AME", "K-ANN"),
    "R": ("R-VC", "R-PSY", "R-HAB", "R-ANN"),
    "ANN": ("SF", "MYN", "UPH", "ANN"),
}
"""The coarse actor grouping for the cross tables of small förbund (counts of mentions)."""

GROUP_OF = {a: g for g, members in ACTOR_GROUPS.items() for a in members}

STATUS_MOVES: dict[str, frozenset[str]] = {
    "S1": frozenset({"S2", "S3", "S4", "S5", "S6", "S7"}),
    "S2": frozenset({"S3", "S4", "S5", "S6", "S7"}),
    "S3": frozenset({"S4", "S5", "S6", "S7"}),
    "S4": frozenset({"S3", "S5", "S6", "S7"}),
    "S5": frozenset({"S3", "S4", "S6", "S7"}),
    "S6": frozenset({"S3", "S7"}),
    "S7": frozenset({"S3"}),
}
"""The allowed status moves (the same as ``node.workflow.ALLOWED``; a test keeps them equal)."""


def reachable(status: str) -> frozenset[str]:
    """Statuses a report can have at a later publication: any number of moves, or none."""
    seen = {status}
    todo = [status]
    while todo:
        for nxt in STATUS_MOVES.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


def codes(dim: str, taxonomy: str = "v1") -> tuple[str, ...]:
    """The codes of a dimension, unclassified last where a report may not be classified yet."""
    if dim == "aktorgrupp":
        return tuple(ACTOR_GROUPS)
    values = code_list(dim, taxonomy).values
    return (*values, UNCLASSIFIED) if dim in ("problemtyp", "niva") else values


def subperiods(period: str) -> list[str]:
    """The base periods one level below `period` (quarters of a year, months of a quarter)."""
    year = period[:4]
    if len(period) == 4:
        return [f"{year}-Q{q}" for q in range(1, 5)]
    if period[5] == "Q":
        q = int(period[6])
        return [f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    return []


def kind_of(period: str) -> str:
    if len(period) == 4:
        return "year"
    return "quarter" if period[5] == "Q" else "month"


def contains(outer: str, inner: str) -> bool:
    """True if base period `inner` lies in `outer` (a year, quarter or month)."""
    if outer == inner or (len(outer) == 4 and inner[:4] == outer):
        return True
    if kind_of(outer) == "quarter" and kind_of(inner) == "month":
        q = int(outer[6])
        return inner[:4] == outer[:4] and 3 * q - 2 <= int(inner[5:]) <= 3 * q
    return False
