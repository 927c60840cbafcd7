"""How the columns of an existing Lex Heller sheet map onto report fields.

A mapping is guessed from the header row (Swedish headers as the förbund's Excel sheets have
them, matched without regard to case, spaces, punctuation or brackets), or read from a mapping
file (TOML or JSON)::

    [columns]                 # column header -> field
    "Inkom" = "received_at"
    "Vad hände" = "description"

    [values.organisation]     # optional: cell text -> code, per field
    "AF Göteborg" = "AF"

Code values are matched by code or by Swedish or English label (same leniency), after the
value maps.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.errors import UsageError
from schemas.codes import code_list, kommuner

FIELDS: dict[str, tuple[str, ...]] = {
    "receipt": ("kvittokod", "kvitto", "kod", "receipt"),
    "received_at": ("datum", "mottagen", "inkom", "inkommen", "inkommet", "mottagen datum",
                    "datum mottagen", "anmälningsdatum", "received"),
    "event_date": ("händelsedatum", "datum för händelsen", "när hände det", "event date"),
    "organisation": ("anmälarens organisation", "organisation", "anmälande organisation",
                     "anmälare organisation", "organisation anmälare"),
    "reporter_role": ("anmälarens roll", "roll", "befattning", "yrkesroll"),
    "reporter_name": ("anmälarens namn", "namn", "anmälare", "uppgiftslämnare"),
    "reporter_contact": ("kontaktuppgift", "kontaktuppgifter", "kontakt", "e-post", "epost",
                         "telefon", "mejl"),
    "kommuner": ("kommun", "kommuner", "berörd kommun", "berörda kommuner"),
    "aktorer": ("aktörer", "aktör", "aktör er", "berörda aktörer", "part", "parter",
                "berörd aktör"),
    "description": ("beskrivning", "vad hände", "händelse", "beskrivning av skavet", "skav",
                    "beskrivning av händelsen"),
    "consequences": ("konsekvenser", "konsekvens", "konsekvenser för individen",
                     "konsekvens för individen", "följder"),
    "suggestion": ("förslag på lösning", "förslag", "lösningsförslag", "förslag till lösning"),
    "raised_elsewhere": ("redan lyft", "lyft tidigare", "lyft någon annanstans",
                         "har det lyfts tidigare", "redan lyft var"),
    "suggested_problemtyp": ("föreslagen problemtyp",),
    "suggested_niva": ("föreslagen nivå",),
    "problemtyp": ("problemtyp", "typ av problem", "problemområde"),
    "niva": ("nivå",),
    "malgrupp": ("målgrupp",),
    "status": ("status", "ärendestatus"),
    "feedback": ("återkoppling", "återkoppling till anmälaren"),
    "closed_at": ("avslutad", "avslutat", "avslutsdatum", "stängd"),
}  # fmt: skip
"""Field -> header spellings it is guessed from (already normalised)."""

REQUIRED = ("received_at", "organisation", "aktorer", "description")
CODE_FIELDS = {"organisation": "organisation", "aktorer": "aktor", "problemtyp": "problemtyp",
               "niva": "niva", "malgrupp": "malgrupp", "status": "status",
               "suggested_problemtyp": "problemtyp", "suggested_niva": "niva"}  # fmt: skip


def norm(text: Any) -> str:
    """Case-, space-, dash- and bracket-insensitive form of a header or a cell value."""
    s = str(text or "").casefold().replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"[()\[\]{}:.\"'*]", " ", s)
    s = re.sub(r"\s*-\s*", "-", s)
    return re.sub(r"\s+", " ", s).strip()


_GUESS = {norm(h): name for name, headers in FIELDS.items() for h in headers}


@dataclass
class Mapping:
    """Column header -> field, and per field: normalised cell text -> code."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"columns": self.columns, "values": self.values}


def guess_mapping(headers: Iterable[Any]) -> Mapping:
    """Map each recognised header to its field (the first column wins if two match)."""
    m = Mapping()
    for h in headers:
        name = _GUESS.get(norm(h))
        if name and name not in m.columns.values():
            m.columns[str(h)] = name
    return m


def load_mapping(path: Path) -> Mapping:
    """Read a mapping file (TOML or JSON); UsageError if it cannot be used."""
    try:
        text = path.read_text("utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as e:
        raise UsageError(f"Mappningsfilen {path} går inte att läsa: {e}.",
                         f"The mapping file {path} cannot be read: {e}.") from e  # fmt: skip
    return mapping_from_dict(data, str(path))


def mapping_from_dict(data: dict[str, Any], where: str = "mappningen") -> Mapping:
    columns = data.get("columns", {k: v for k, v in data.items() if isinstance(v, str)})
    for column, name in columns.items():
        if name not in FIELDS:
            raise UsageError(
                f"{where}: kolumnen {column!r} pekar på fältet {name!r}, som inte finns. "
                f"Använd något av: {', '.join(FIELDS)}.",
                f"{where}: column {column!r} maps to the unknown field {name!r}. "
                f"Use one of: {', '.join(FIELDS)}.",
            )
    values = {
        name: {norm(k): str(v) for k, v in table.items()}
        for name, table in data.get("values", {}).items()
    }
    return Mapping({str(k): str(v) for k, v in columns.items()}, values)


def _lookup(list_name: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for c in code_list(list_name).codes:
        for text in (c.code, c.sv, c.en, c.sv.split(" (")[0], c.en.split(" (")[0]):
            table.setdefault(norm(text), c.code)
    return table


_CODES = {name: _lookup(name) for name in set(CODE_FIELDS.values())}
_KOMMUNER: dict[str, str] = {}
for _k in kommuner().values():
    for _text in (_k.code, _k.name, _k.short):
        _KOMMUNER.setdefault(norm(_text), _k.code)


def match_code(field_name: str, value: Any, mapping: Mapping) -> str | None:
    """The code a cell means for a code field (value maps first), or None if unknown."""
    key = norm(value)
    own = mapping.values.get(field_name, {})
    if key in own:
        return own[key]
    if field_name == "kommuner":
        return _KOMMUNER.get(key)
    return _CODES[CODE_FIELDS[field_name]].get(key)


def match_many(field_name: str, value: Any, mapping: Mapping) -> tuple[list[str], list[str]]:
    """Codes in a multi-valued cell ('AF; FK', 'Arbetsförmedlingen, Försäkringskassan').

    Returns (codes, parts that matched nothing). The whole cell is tried first, since some
    labels hold commas or slashes themselves.
    """
    whole = match_code(field_name, value, mapping)
    if whole:
        return [whole], []
    codes: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[;\n|]", str(value or "")):
        if not part.strip():
            continue
        code = match_code(field_name, part, mapping)
        if code:
            codes.append(code)
            continue
        for piece in re.split(r"[,/]", part):
            if piece.strip():
                code = match_code(field_name, piece, mapping)
                (codes.append(code) if code else unknown.append(piece.strip()))
    return list(dict.fromkeys(codes)), unknown
