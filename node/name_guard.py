"""Names and street addresses in free text: a *warning* the reporter may override with a reason.

:mod:`node.privacy` refuses identity numbers, phone numbers and e-mail addresses outright. A
name or an address cannot be told apart from other words with certainty, so this guard only
warns: the public form shows what it found, and the reporter either edits the text or keeps
it by giving a reason, which is stored with the report and shown to staff.

What is found (read through :func:`node.privacy.normalise`):

- a common Swedish first name (``data/svenska_namn.txt``, from SCB's name statistics)
  followed by a capitalised word, e.g. "Anna Svensson", "Ahmed K";
- a capitalised word followed by a common surname, e.g. "handläggaren Maria Lindqvist" or
  "Eva-Lena Sjöberg";
- a street address: a word ending in -gatan, -vägen, -gränd, -torget, -allén, -stigen,
  -backen, -leden or -plan followed by a house number ("Storgatan 12", "Lilla Torgvägen 4 B").

To keep false alarms at zero on what reports normally hold, a capitalised word that is an
agency or organisation word (Försäkringskassan, Region, Kommun …), a place (a kommun or län
name), a month or a weekday never counts as the other half of a name; a surname that is also
a place name (Lund) only counts after a known first name. Law references, case numbers,
dates and amounts have no capitalised name words and are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from node.privacy import normalise

NAMN = "namn"
ADRESS = "adress"
KIND_LABELS = {NAMN: ("namn", "name"), ADRESS: ("gatuadress", "street address")}

_ORGANISATION_WORDS = {
    "försäkringskassan", "arbetsförmedlingen", "skatteverket", "csn", "region", "regionen",
    "kommun", "kommunen", "stad", "staden", "socialtjänsten", "statens", "servicecenter",
    "samordningsförbundet", "samordningsförbund", "finsam", "vårdcentralen", "vårdcentral",
    "psykiatrin", "habiliteringen", "rusta", "matcha", "jobbtorg", "migrationsverket",
    "polisen", "kronofogden", "inspektionen", "ivo", "lag", "lagen", "sfs", "dnr", "kap",
    "af", "fk", "nns", "landsting", "landstinget", "län", "länet", "västra", "östra", "norra",
    "södra", "götalandsregionen", "förvaltning", "förvaltningen", "socialförvaltningen",
    "beredningsgruppen", "styrelsen", "förbundet", "hälsoval", "primärvården", "vuxenpsykiatrin",
    "barn", "unga", "vuxna", "vård", "omsorg", "arbetsmarknadsenheten", "ekonomiskt",
    "bistånd", "personligt", "ombud", "moment", "januari", "februari", "mars", "april", "maj",
    "juni", "juli", "augusti", "september", "oktober", "november", "december", "måndag",
    "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag", "sverige", "svenska",
}  # fmt: skip
_WORD = re.compile(r"(?<![\w-])[A-ZÅÄÖÉÜ][a-zåäöéü]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéü]+)?(?![\w-])"
                   r"|(?<![\w-])[A-ZÅÄÖ](?![\w-])")  # fmt: skip
_ADDRESS = re.compile(
    r"(?<![\w-])(?:[A-ZÅÄÖ][a-zåäöé]+ )?[A-Za-zÅÄÖåäöé][a-zåäöé]{2,}"
    r"(?:gatan|vägen|gränd|gränden|torget|allén|stigen|backen|leden|plan)"
    r" (\d{1,4})(?: ?[A-Ha-h])?(?![\w:/-]|[.,:]\d| ?kr\b)"
)


@dataclass(frozen=True)
class Warning:
    """A likely name or street address: what kind, the text as written, where, which field."""

    kind: str
    text: str
    start: int
    end: int
    field: str | None = None

    def label(self, lang: str = "sv") -> str:
        sv, en = KIND_LABELS[self.kind]
        return en if lang == "en" else sv


@cache
def names() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames) from ``data/svenska_namn.txt``."""
    text = resources.files("node").joinpath("data/svenska_namn.txt").read_text("utf-8")
    lists: dict[str, set[str]] = {}
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#") or not line:
            continue
        if line.startswith("["):
            current = line.strip("[]")
            continue
        lists.setdefault(current, set()).update(line.split())
    return frozenset(lists["förnamn"]), frozenset(lists["efternamn"])


@cache
def places() -> frozenset[str]:
    """Every word of a kommun or län name (lower case): a place is not half of a name."""
    from schemas.codes import kommuner, lan

    words: set[str] = set()
    for name in [*(k.name for k in kommuner().values()), *(v.name for v in lan().values())]:
        words.update(w.lower() for w in re.split(r"[\s-]+", name) if w)
    return frozenset(words)


def _neutral(word: str) -> bool:
    """A capitalised word that is never half of a person's name."""
    low = word.lower()
    return low in _ORGANISATION_WORDS or low in places() or low.rstrip("s") in places()


def find_names_and_addresses(text: str | None) -> list[Warning]:
    """Likely names and street addresses in `text`, with spans in the original text."""
    if not text:
        return []
    norm, where = normalise(text)
    first, last = names()
    spans: list[tuple[str, int, int]] = []
    words = list(_WORD.finditer(norm))
    for a, b in zip(words, words[1:], strict=False):
        if norm[a.end() : b.start()] != " ":
            continue  # only two words side by side, no punctuation between
        x, y = a.group(0), b.group(0)
        first_then_word = x in first and not _neutral(y)
        word_then_surname = (y in last and len(x) > 1 and not _neutral(x)
                             and y.lower() not in places())  # fmt: skip
        if first_then_word or word_then_surname:
            spans.append((NAMN, a.start(), b.end()))
    for m in _ADDRESS.finditer(norm):
        spans.append((ADRESS, m.start(), m.end()))
    found: list[Warning] = []
    for kind, s, e in sorted(spans, key=lambda x: x[1]):
        if found and where[s] < found[-1].end:
            continue  # overlapping: "Anna Maria Svensson" is one warning
        start, end = where[s], where[e - 1] + 1
        found.append(Warning(kind, text[start:end], start, end))
    return found


def check_fields(fields: dict[str, str | None]) -> list[Warning]:
    """Warnings in several free-text fields, each tagged with its field name."""
    return [Warning(w.kind, w.text, w.start, w.end, name)
            for name, text in fields.items() for w in find_names_and_addresses(text)]  # fmt: skip
