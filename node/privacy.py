"""The personal-data guard: find personnummer, samordningsnummer, phone numbers and e-mail
addresses in free text before anything is stored.

Reports are about system failures, not about people, so the public form refuses to store a
text in which this guard finds anything, and shows the reporter exactly what it found. The
reporter's own name and contact fields are exempt: they are where contact details belong.

Identity numbers are recognised in the common spellings (``YYMMDD-NNNN``, ``YYMMDDNNNN``,
``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``, ``+`` for people aged 100 or more, spaces around the
separator) and only when the date and the Luhn check digit are right (python-stdnum), so case
numbers, dates, amounts, years and postcodes are left alone. A samordningsnummer is a
personnummer whose day is increased by 60.

Staff may store a text despite findings (say a number the guard mistakes for a personnummer);
:func:`override_event` makes the audit-trail event for that, without copying the found text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
TELEFONNUMMER = "telefonnummer"
EPOST = "e-post"
KINDS = (PERSONNUMMER, SAMORDNINGSNUMMER, TELEFONNUMMER, EPOST)
KIND_LABELS = {
    PERSONNUMMER: ("personnummer", "personal identity number"),
    SAMORDNINGSNUMMER: ("samordningsnummer", "coordination number"),
    TELEFONNUMMER: ("telefonnummer", "phone number"),
    EPOST: ("e-postadress", "e-mail address"),
}

_SEP = r"[ \u00a0]?[-+\u2013\u2011]?[ \u00a0]?"
_ID = re.compile(rf"(?<![\w+\-/:.,])(\d{{2}})?(\d{{6}})({_SEP})(\d{{4}})(?![\w\-/:])")

_GAP = r"(?:[ \u00a0]?[-\u2013][ \u00a0]?|[ \u00a0]|/)"
_GROUPS = r"\d{2,3}(?:[ \u00a0-]?\d{2,3}){1,3}"
_PHONE = re.compile(
    r"(?<![\w+\-/:.,])(?:"
    rf"(?:\+|00)46[ \u00a0]?(?:\(0\)[ \u00a0]?)?(?:8|[1-9]\d{{1,2}}){_GAP}?{_GROUPS}"
    rf"|0(?:8|[1-9]\d{{1,2}}){_GAP}{_GROUPS}"
    r"|07[02369]\d{7}"
    r")(?![\w\-/:]|[.,]\d)"
)
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: what kind, the text as written, where (``text[start:end]``)."""

    kind: str
    text: str
    start: int
    end: int
    field: str | None = None

    def label(self, lang: str = "sv") -> str:
        sv, en = KIND_LABELS[self.kind]
        return en if lang == "en" else sv


def _identity_kind(century: str | None, date6: str, sep: str, serial: str) -> str | None:
    """PERSONNUMMER, SAMORDNINGSNUMMER or None for the digits of one candidate."""
    plus = "+" in sep
    if plus and century:
        return None  # '+' only makes sense in the 10-digit form
    ten = date6 + serial
    if not luhn.is_valid(ten):
        return None
    day = int(date6[4:6])
    kind = PERSONNUMMER
    if day > 60:
        kind, date6 = SAMORDNINGSNUMMER, f"{date6[:4]}{day - 60:02d}"
    number = f"{century or ''}{date6}{'+' if plus else '-'}{serial}"
    try:
        personnummer.get_birth_date(number)
    except (ValidationError, ValueError):
        return None
    if kind == PERSONNUMMER and not personnummer.is_valid(number):
        return None
    return kind


def _phone_ok(match: str) -> bool:
    digits = re.sub(r"\D", "", match)
    if digits.startswith("0046"):
        digits = digits[4:]
    elif digits.startswith("46") and match.lstrip().startswith("+"):
        digits = digits[2:]
    digits = digits.removeprefix("0")
    if digits.startswith("7"):
        return len(digits) == 9
    return 7 <= len(digits) <= 9


def find_personal_data(text: str | None) -> list[Finding]:
    """Every personnummer, samordningsnummer, phone number and e-mail address in `text`."""
    if not text:
        return []
    found: list[Finding] = []
    for m in _ID.finditer(text):
        kind = _identity_kind(m.group(1), m.group(2), m.group(3), m.group(4))
        if kind:
            found.append(Finding(kind, m.group(0), m.start(), m.end()))
    for m in _EMAIL.finditer(text):
        found.append(Finding(EPOST, m.group(0), m.start(), m.end()))
    taken = [(f.start, f.end) for f in found]
    for m in _PHONE.finditer(text):
        overlaps = any(m.start() < e and s < m.end() for s, e in taken)
        if not overlaps and _phone_ok(m.group(0)):
            found.append(Finding(TELEFONNUMMER, m.group(0), m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def check_fields(fields: Mapping[str, str | None]) -> list[Finding]:
    """Findings in several free-text fields, each tagged with its field name."""
    out = []
    for name, text in fields.items():
        for f in find_personal_data(text):
            out.append(Finding(f.kind, f.text, f.start, f.end, name))
    return out


def redact(text: str, findings: list[Finding], mark: str = "[borttaget]") -> str:
    """`text` with every finding replaced by `mark` (findings from this very text)."""
    for f in sorted(findings, key=lambda f: f.start, reverse=True):
        text = text[: f.start] + mark + text[f.end :]
    return text


def override_event(
    findings: list[Finding], who: str, reason: str, at: datetime | None = None
) -> dict[str, Any]:
    """The audit event for a staff member storing text despite `findings`.

    Records who, when, why and what kind of data was where, never the found text itself,
    so the audit trail does not become a copy of the personal data.
    """
    if not reason.strip():
        raise ValueError("an override needs a reason")
    return {
        "at": at or datetime.now(UTC),
        "kind": "personuppgift_godkand",
        "who": who,
        "reason": reason.strip(),
        "findings": [
            {"field": f.field, "kind": f.kind, "start": f.start, "end": f.end} for f in findings
        ],
    }
