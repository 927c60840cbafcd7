"""Numbers, dates, bounds and order the way a Swedish reader expects (English available).

Numbers go through Babel: ``sv_SE`` writes 1 234,5 (non-breaking space, decimal comma),
``en_GB`` writes 1,234.5. A suppressed value is the Swedish statistics mark "..", never 0;
a sum over cells of which some are suppressed is written with its bounds ("≥ 120",
"120–131"). Lists a person reads are sorted the Swedish way: å, ä, ö after z.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from common import i18n as catalogs

SUPPRESSED = ".."
NOT_PUBLISHED = catalogs.both("format_x_not_publ")
LOCALES = catalogs.both("format_x_en_gb")
SEPARATORS = catalogs.both("format_x_text")
"""Plotly ``layout.separators``: decimal mark then thousands separator."""
TZ = ZoneInfo("Europe/Stockholm")
MINUS = "\u2212"

T = TypeVar("T")


def lang_of(lang: str | None) -> str:
    return "en" if lang == "en" else "sv"


def fmt_int(n: float | None, lang: str = "sv") -> str:
    if n is None:
        return SUPPRESSED
    return _babel_decimal(Decimal(round(n)), "#,##0", LOCALES[lang_of(lang)])


def fmt_dec(x: float | None, lang: str = "sv", digits: int = 1) -> str:
    if x is None:
        return SUPPRESSED
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return _babel_decimal(_rounded(x, 0, digits), pattern, LOCALES[lang_of(lang)])


def fmt_pct(x: float | None, lang: str = "sv", digits: int = 0) -> str:
    """A share (0.123) as a percentage: "12 %" in Swedish, "12%" in English."""
    if x is None:
        return SUPPRESSED
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "\u00a0%"
    if lang_of(lang) == "en":
        pattern = pattern.replace("\u00a0", "")
    return _babel_percent(_rounded(x, 2, digits).scaleb(-2), pattern, LOCALES[lang_of(lang)])


# Babel takes ~40 µs a number, and a comparison page writes thousands of them. Babel reads
# a float as Decimal(str(x)), scales it and rounds half-even to the pattern's digits; we do
# the same rounding first, so few distinct values reach Babel and the rest are cache hits
# (same text as calling Babel directly; the sign stays part of the key, so -0 keeps its minus).
def _rounded(x: float, scale: int, digits: int) -> Decimal:
    return Decimal(str(x)).scaleb(scale).quantize(Decimal(1).scaleb(-digits))


@lru_cache(maxsize=8192)
def _cached(kind: str, value: Decimal, negative: bool, pattern: str, locale: str) -> str:
    fn = format_percent if kind == "pct" else format_decimal
    return fn(value, format=pattern, locale=locale)


def _babel_decimal(value: Decimal, pattern: str, locale: str) -> str:
    return _cached("dec", value, value.is_signed(), pattern, locale)


def _babel_percent(value: Decimal, pattern: str, locale: str) -> str:
    return _cached("pct", value, value.is_signed(), pattern, locale)


def fmt_change(x: float | None, lang: str = "sv") -> str:
    """A relative change with its sign: "+12 %", "−5 %" (true minus sign)."""
    if x is None:
        return SUPPRESSED
    text = fmt_pct(abs(x), lang)
    if round(x * 100) == 0:
        return fmt_pct(0.0, lang)
    return ("+" if x > 0 else MINUS) + text


def fmt_bounds(
    lo: float | None,
    hi: float | None,
    *,
    exact: bool,
    hidden: bool,
    fmt: Callable[[float], str],
) -> str:
    """Write a possibly uncertain quantity.

    `hidden`: a single suppressed cell, written "..". `exact`: no suppressed cell involved.
    Otherwise the honest interval: "≥ lo" when no upper bound is known, else "lo–hi".
    """
    if hidden or lo is None:
        return SUPPRESSED
    if exact or (hi is not None and fmt(lo) == fmt(hi)):
        return fmt(lo)
    if hi is None:
        return f"≥\u00a0{fmt(lo)}"
    low, high = fmt(lo), fmt(hi)
    for unit in ("\u00a0%", "%"):
        if low.endswith(unit) and high.endswith(unit):
            low = low[: -len(unit)]
            break
    return f"{low}–{high}"


def fmt_bounded(lo: int | None, hi: int | None, n: int, n_supp: int, lang: str = "sv") -> str:
    """A count summed over `n` cells of which `n_supp` are suppressed (see bounds.summarise)."""
    if n == 0:
        return NOT_PUBLISHED[lang_of(lang)]
    return fmt_bounds(
        lo, hi, exact=n_supp == 0, hidden=n == n_supp == 1, fmt=lambda v: fmt_int(v, lang)
    )


def fmt_datetime(t: datetime | None, lang: str = "sv") -> str:
    """A point in time in Swedish local time: "15 jan. 2026 10:30"."""
    if t is None:
        return "–"
    return format_datetime(t, "d MMM y HH:mm", tzinfo=TZ, locale=LOCALES[lang_of(lang)])


def fmt_date(t: datetime | None, lang: str = "sv") -> str:
    if t is None:
        return "–"
    return format_date(t.astimezone(TZ).date(), "d MMM y", locale=LOCALES[lang_of(lang)])


_SV_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzåäö"
_SV_RANK = {ch: i + 1 for i, ch in enumerate(_SV_ALPHABET)}
_FOLD = str.maketrans(
    {
        "à": "a", "á": "a", "â": "a", "ã": "a", "ç": "c", "è": "e", "é": "e", "ê": "e",
        "ë": "e", "í": "i", "ì": "i", "ï": "i", "ñ": "n", "ó": "o", "ò": "o", "ô": "o",
        "ú": "u", "ù": "u", "û": "u", "ü": "y", "ý": "y", "æ": "ä", "ø": "ö",
    }
)  # fmt: skip


def sv_key(text: str) -> tuple[tuple[int, ...], str]:
    """Sort key for Swedish order: å, ä, ö after z; é with e, ü with y."""
    folded = text.casefold().translate(_FOLD)
    primary = tuple(0 if ch.isspace() else _SV_RANK.get(ch, 100 + ord(ch)) for ch in folded)
    return primary, text


def sort_sv(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:  # type: ignore[assignment]
    return sorted(items, key=lambda item: sv_key(key(item)))
