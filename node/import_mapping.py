"""How the columns of an existing Lex Heller sheet map onto report fields.

A mapping is guessed from the header row (Swedish headers as the förbund's Excel sheets have
them, matched without regard to case, spaces, punctuation or brackets), or read from a mapping
file (TOML or JSON)::

    [columns]                 # column header -> field
    "Inkom" = "received_at"
    "Vad hände" = "description"

    [values.organisation]     # optional: cell text -> code, per field
    "AF Göteborg" = "AF"

    [defaults]                # optional: field -> code for rows whose cell is empty or
    kanal = "TEL"             # whose sheet has no such column

Code values are matched by code or by Swedish or English label (same leniency), after the
value maps.

**Presets** name a mapping for an export whose columns are known (``--preset synergi``):

- ``synergi`` — an export of deviation reports (avvikelser) from Synergi Life / Händelseråd,
  as regions export them to Excel or CSV: *Ärendenummer* (a new receipt code is given; the
  number is kept under "redan lyft" so staff find the deviation in
  Synergi), *Registreringsdatum*, *Händelsedatum*, *Beskrivning*/*Händelsebeskrivning*,
  *Konsekvens*, *Förslag till åtgärd*, *Berörd verksamhet*/*Berörd part* (actors),
  *Kommun*, *Rapporterande verksamhet* (the reporter's organisation) and *Status*. Every row
  is recorded with channel ``SYN``; the reporter's organisation defaults to ``R-ANN`` (region,
  other) when the cell names a unit that no code matches. Headers differ between regions: any
  column can be renamed with a mapping file, which is merged over the preset
  (``--preset synergi --mapping egen.toml``). Rows still pass every check of a sheet import,
  the personal-data guard included: Synergi texts often name patients and must be cleaned in
  the export first.
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
    "kanal": ("kanal", "inkom via", "inkommen via", "mottagen via", "channel"),
}  # fmt: skip
"""Field -> header spellings it is guessed from (already normalised)."""

REQUIRED = ("received_at", "organisation", "aktorer", "description")
CODE_FIELDS = {"organisation": "organisation", "aktorer": "aktor", "problemtyp": "problemtyp",
               "niva": "niva", "malgrupp": "malgrupp", "status": "status",
               "suggested_problemtyp": "problemtyp", "suggested_niva": "niva",
               "kanal": "kanal"}  # fmt: skip
SHEET_CHANNEL = "ANN"
"""The channel of a sheet row without one: an old list does not say how a report came in."""

PRESETS: dict[str, dict[str, Any]] = {
    "synergi": {
        "columns": {
            "Ärendenummer": "raised_elsewhere",
            "Registreringsdatum": "received_at",
            "Händelsedatum": "event_date",
            "Händelsebeskrivning": "description",
            "Konsekvens": "consequences",
            "Förslag till åtgärd": "suggestion",
            "Berörd verksamhet": "aktorer",
            "Kommun": "kommuner",
            "Rapporterande verksamhet": "organisation",
            "Status": "status",
        },
        "alternatives": {  # other spellings seen in exports, used when the first is missing
            "Beskrivning": "description",
            "Berörd part": "aktorer",
            "Avvikelsedatum": "event_date",
            "Rapporterande enhet": "organisation",
            "Åtgärdsförslag": "suggestion",
        },
        "values": {
            "status": {"Registrerad": "S1", "Ny": "S1", "Under utredning": "S3",
                       "Pågående": "S3", "Utredd": "S3", "Avslutad": "S7", "Stängd": "S7"},
            "aktorer": {"Vårdcentral": "R-VC", "Primärvård": "R-VC", "Psykiatri": "R-PSY",
                        "Vuxenpsykiatri": "R-PSY", "Habilitering": "R-HAB",
                        "Socialtjänst": "K-SOC", "Kommunen": "K-ANN",
                        "Regionen": "R-ANN"},
        },
        "defaults": {"kanal": "SYN", "organisation": "R-ANN"},
    },
}
"""Named mappings for exports whose columns are known (see the module docstring)."""


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
    defaults: dict[str, str] = field(default_factory=dict)
    """Field -> code for an empty or unmatched cell, or a field the sheet has no column for."""

    def to_dict(self) -> dict[str, Any]:
        return {"columns": self.columns, "values": self.values, "defaults": self.defaults}


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
        raise UsageError.of("err_mapping_unreadable", path=path, cause=e) from e
    return mapping_from_dict(data, str(path))


def mapping_from_dict(data: dict[str, Any], where: str = "mappningen") -> Mapping:
    columns = data.get("columns", {k: v for k, v in data.items() if isinstance(v, str)})
    for column, name in columns.items():
        if name not in FIELDS:
            raise UsageError.of("err_mapping_unknown_field", where=where, column=column, name=name,
                                fields=", ".join(FIELDS))  # fmt: skip
    values = {
        name: {norm(k): str(v) for k, v in table.items()}
        for name, table in data.get("values", {}).items()
    }
    defaults = {str(k): str(v) for k, v in data.get("defaults", {}).items()}
    for name, code in defaults.items():
        if name not in CODE_FIELDS or code not in code_list(CODE_FIELDS[name]).values:
            raise UsageError.of("err_mapping_bad_default", where=where, name=name, code=code,
                                fields=", ".join(CODE_FIELDS))  # fmt: skip
    return Mapping({str(k): str(v) for k, v in columns.items()}, values, defaults)


def preset_mapping(name: str, headers: Iterable[Any],
                   own: Mapping | None = None) -> Mapping:  # fmt: skip
    """The preset `name` for a sheet with `headers`, with a person's own mapping merged over it.

    A preset column the sheet lacks is replaced by an alternative spelling it has; columns
    neither has are left out (the import then names a missing required field).
    """
    if name not in PRESETS:
        raise UsageError.of("err_unknown_preset", name=name, presets=", ".join(PRESETS))
    spec = PRESETS[name]
    present = {norm(h): str(h) for h in headers if h}
    columns: dict[str, str] = {}
    for table in (spec["columns"], spec.get("alternatives", {})):
        for header, target in table.items():
            if norm(header) in present and target not in columns.values():
                columns[present[norm(header)]] = target
    base = mapping_from_dict({"columns": columns, "values": spec.get("values", {}),
                              "defaults": spec.get("defaults", {})}, name)  # fmt: skip
    if own is not None:
        taken = set(own.columns.values())
        base.columns = {c: f for c, f in base.columns.items() if f not in taken} | own.columns
        for fname, table in own.values.items():
            base.values[fname] = base.values.get(fname, {}) | table
        base.defaults |= own.defaults
    return base


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
