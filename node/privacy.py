"""The personal-data guard: find personnummer, samordningsnummer, phone numbers and e-mail
addresses in free text before anything is stored.

Reports are about system failures, not about people, so the public form refuses to store a
text in which this guard finds anything, and shows the reporter exactly what it found. The
reporter's own name and contact fields are exempt: they are where contact details belong.

Identity numbers are recognised in the common spellings (``YYMMDD-NNNN``, ``YYMMDDNNNN``,
``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``, ``+`` for people aged 100 or more, spaces around the
separator) and only when the date and the Luhn check digit are right (python-stdnum), so case
numbers, dates, amounts, years and postcodes are left alone. A samordningsnummer is a
personnummer whose day is increased by 60. A number of that shape with a wrong check digit is
still found when a label says what it is ("pnr", "personnummer", "född"): a typo identifies too.

Text is read as a careless or pasted text hides it (:func:`normalise`): full-width digits and
'＠', Unicode dashes and minus, invisible characters, line breaks inside a number; labels glued
to a number (``pnr:8112189876``, ``tel:070...``), dots and spaces inside it, ``(08)`` area
codes and ``anna (at) exempel.se`` are all read as what they are.

Staff may store a text despite findings (say a number the guard mistakes for a personnummer);
:func:`override_event` makes the audit-trail event for that, without copying the found text.
"""

from __future__ import annotations

import re
import unicodedata
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

_SEP = r"[ ]?[-+.]?[ ]?"
# Before a number: not a word character or '+', and no separator glued to a preceding digit
# (part of a longer identifier); a label such as 'pnr:' or 'tel:' directly before is fine.
_BEFORE = r"(?<![\w+])(?<!\d[-/:.,])(?<![-/.,])"
# After a number: not a word character, and no separator followed by a digit.
_AFTER = r"(?!\w|[-/:.,]\d)"
_DATE6 = r"\d{2}[ .]?\d{2}[ .]?\d{2}"
_ID = re.compile(rf"{_BEFORE}(\d{{2}}[ ]?)?({_DATE6})({_SEP})(\d{{2}}[ ]?\d{{2}}){_AFTER}")
# A personnummer written with a typo still identifies the person when it is labelled as one.
_ID_LABEL = re.compile(
    r"(?:\b(?:p-?nr|pers(?:on)?\.?[ -]?nr|person(?:nummer|nr)|samordnings(?:nummer|nr)|snr"
    r"|född|f\.)[^\d\n]{0,20}$)",
    re.IGNORECASE,
)

_GAP = r"(?:[ ]?-[ ]?|[ ]|/|\.)"
_GROUPS = r"\d{2,3}(?:[ .-]?\d{2,3}){1,3}"
_PHONE = re.compile(
    rf"{_BEFORE}(?:"
    rf"(?:\+|00)46[ ]?(?:\(0\)[ ]?)?(?:8|[1-9]\d{{1,2}}){_GAP}?{_GROUPS}"
    rf"|0(?:8|[1-9]\d{{1,2}}){_GAP}{_GROUPS}"
    rf"|\(0(?:8|[1-9]\d{{1,2}})\)[ ]?{_GROUPS}"
    r"|07[02369]\d{7}"
    rf"){_AFTER}"
)
_AT = r"(?:@|[ ]?[(\[{][ ]?(?:at|snabel-?a)[ ]?[)\]}][ ]?)"
_DOT = r"(?:\.|[ ]?[(\[{][ ]?(?:dot|punkt)[ ]?[)\]}][ ]?)"
_EMAIL = re.compile(
    rf"(?<![\w.%+-])[\w.%+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[^\W\d_]{{2,}}(?![\w-])",
    re.IGNORECASE,
)

# Characters a careless or pasted text hides numbers behind: invisible ones are dropped,
# every dash and minus becomes '-', every kind of space and line break becomes one space.
_INVISIBLE = {"\u00ad", "\u034f", "\u061c", "\u180e", "\ufeff"} | {
    chr(c) for c in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070))
}
_DASHES = set("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d")


def normalise(text: str) -> tuple[str, list[int]]:
    """`text` as the guard reads it, and for each of its characters the index in `text`.

    NFKC per character (full-width digits and '＠' become ASCII), invisible characters
    dropped, dashes and minus signs as '-', runs of white space (line breaks too) as one space.
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        for n in unicodedata.normalize("NFKC", ch):
            if n in _DASHES:
                n = "-"
            elif n.isspace():
                if out and out[-1] == " ":
                    continue
                n = " "
            out.append(n)
            where.append(i)
    return "".join(out), where


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
    century = re.sub(r"\D", "", century or "") or None
    date6, serial = re.sub(r"\D", "", date6), re.sub(r"\D", "", serial)
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


def _labelled_kind(before: str) -> str | None:
    """The kind a label just before a number names ('pnr:', 'född'), or None."""
    m = _ID_LABEL.search(before)
    if not m:
        return None
    return SAMORDNINGSNUMMER if m.group(0).lower().startswith(("samord", "snr")) else PERSONNUMMER


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
    """Every personnummer, samordningsnummer, phone number and e-mail address in `text`.

    The text is read through :func:`normalise`; each finding's `start`/`end` and `text` are
    those of the original `text`.
    """
    if not text:
        return []
    norm, where = normalise(text)
    spans: list[tuple[str, int, int]] = []
    for m in _ID.finditer(norm):
        kind = _identity_kind(m.group(1), m.group(2), m.group(3), m.group(4))
        if not kind:
            kind = _labelled_kind(norm[max(0, m.start() - 40) : m.start()])
        if kind:
            spans.append((kind, m.start(), m.end()))
    for m in _EMAIL.finditer(norm):
        spans.append((EPOST, m.start(), m.end()))
    taken = [(s, e) for _, s, e in spans]
    for m in _PHONE.finditer(norm):
        overlaps = any(m.start() < e and s < m.end() for s, e in taken)
        if not overlaps and _phone_ok(m.group(0)):
            spans.append((TELEFONNUMMER, m.start(), m.end()))
    found = []
    for kind, s, e in spans:
        start, end = where[s], where[e - 1] + 1
        found.append(Finding(kind, text[start:end], start, end))
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
