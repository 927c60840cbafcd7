"""Numbers, dates and order in Swedish for the yearly report (Babel ``sv_SE``).

``n(1234)`` is "1 234" (non-breaking space), ``pct(0.125)`` "13 %", ``dec(2.5)`` "2,5";
`sv_key` sorts å, ä, ö after z.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE = "sv_SE"


def n(value: float | None) -> str:
    if value is None:
        return ".."
    return format_decimal(round(value), format="#,##0", locale=LOCALE)


def dec(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0." + "0" * digits, locale=LOCALE)


def pct(share: float | None) -> str:
    if share is None:
        return "–"
    return format_percent(share, format="#,##0\u00a0%", locale=LOCALE)


def day(d: date) -> str:
    return format_date(d, "d MMMM y", locale=LOCALE)


def short_day(d: date) -> str:
    return format_date(d, "y-MM-dd", locale=LOCALE)


_ORDER = {ch: i for i, ch in enumerate("0123456789abcdefghijklmnopqrstuvwxyzåäö")}
_FOLD = str.maketrans({"é": "e", "è": "e", "ü": "y", "æ": "ä", "ø": "ö", "á": "a", "à": "a"})


def sv_key(text: str) -> tuple[tuple[int, ...], str]:
    """Sort key for Swedish alphabetical order (å, ä, ö last; é with e)."""
    folded = text.casefold().translate(_FOLD)
    return tuple(_ORDER.get(ch, 100 + ord(ch)) for ch in folded), text
