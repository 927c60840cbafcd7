"""Reporting periods: "2024" (year), "2024-Q1" (quarter), "2024-03" (month)."""

from __future__ import annotations

import re

from babel.dates import format_date

_RE = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$")
KINDS = ("year", "quarter", "month")


def kind_of(period: str) -> str:
    m = _RE.match(period)
    if not m:
        raise ValueError(f"not a period: {period!r}")
    if m.group(2):
        return "quarter"
    if m.group(3):
        return "month"
    return "year"


def sort_key(period: str) -> tuple[int, int, int]:
    """Chronological order; a year sorts before its quarters and months."""
    m = _RE.match(period)
    if not m:
        raise ValueError(f"not a period: {period!r}")
    year = int(m.group(1))
    if m.group(2):
        q = int(m.group(2))
        return (year, q * 3 - 2, 1)
    if m.group(3):
        return (year, int(m.group(3)), 2)
    return (year, 0, 0)


def previous(period: str) -> str:
    """The period of the same kind just before `period`."""
    kind = kind_of(period)
    year = int(period[:4])
    if kind == "year":
        return str(year - 1)
    if kind == "quarter":
        q = int(period[-1])
        return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"
    month = int(period[5:])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def parent(period: str) -> str | None:
    """The period that `period` nests in: quarter -> year, month -> quarter; None for a year."""
    kind = kind_of(period)
    if kind == "quarter":
        return period[:4]
    if kind == "month":
        return f"{period[:4]}-Q{(int(period[5:]) - 1) // 3 + 1}"
    return None


def label(period: str, lang: str = "sv") -> str:
    """How a person reads a period: "2024", "2024 kv. 1" / "2024 Q1", "mars 2024"."""
    kind = kind_of(period)
    if kind == "year":
        return period
    if kind == "quarter":
        return f"{period[:4]} kv. {period[-1]}" if lang == "sv" else f"{period[:4]} Q{period[-1]}"
    from datetime import date

    d = date(int(period[:4]), int(period[5:]), 1)
    return format_date(d, "LLLL y", locale="sv_SE" if lang == "sv" else "en_GB")


def in_range(periods: list[str], start: str | None, end: str | None) -> list[str]:
    """The periods between `start` and `end` inclusive (either may be None = open), sorted."""
    out = sorted(periods, key=sort_key)
    if start:
        out = [p for p in out if sort_key(p) >= sort_key(start)]
    if end:
        out = [p for p in out if sort_key(p) <= sort_key(end)]
    return out
