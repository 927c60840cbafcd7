"""The national code lists (taxonomy) and Swedish reference geography, as package data.

Codes are strings and never change meaning; a new taxonomy version adds or retires codes.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from schemas.wire import UNCLASSIFIED

CURRENT_VERSION = "v2"
VERSIONS = ("v1", "v2")
"""Every taxonomy version a node or hub knows; each later one holds the earlier ones' codes
(v2 adds the list ``kanal``: how a report arrived)."""
LANGS = ("sv", "en")
UNCLASSIFIED_LABEL = {"sv": "Ej klassificerad", "en": "Not classified"}


@dataclass(frozen=True)
class Code:
    code: str
    sv: str
    en: str

    def label(self, lang: str = "sv") -> str:
        return self.en if lang == "en" else self.sv


@dataclass(frozen=True)
class CodeList:
    name: str
    label_sv: str
    label_en: str
    codes: tuple[Code, ...]

    def label(self, lang: str = "sv") -> str:
        return self.label_en if lang == "en" else self.label_sv

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes)

    def label_of(self, code: str, lang: str = "sv") -> str:
        if code == UNCLASSIFIED:
            return UNCLASSIFIED_LABEL[lang if lang in LANGS else "sv"]
        for c in self.codes:
            if c.code == code:
                return c.label(lang)
        return code


@cache
def taxonomy(version: str = CURRENT_VERSION) -> dict[str, CodeList]:
    text = resources.files("schemas").joinpath(f"data/taxonomy-{version}.json").read_text("utf-8")
    data = json.loads(text)
    return {
        name: CodeList(
            name,
            spec["label"]["sv"],
            spec["label"]["en"],
            tuple(Code(c["code"], c["sv"], c["en"]) for c in spec["codes"]),
        )
        for name, spec in data["lists"].items()
    }


def code_list(name: str, version: str = CURRENT_VERSION) -> CodeList:
    return taxonomy(version)[name]


@dataclass(frozen=True)
class Lan:
    code: str
    name: str
    short: str


@dataclass(frozen=True)
class Kommun:
    code: str
    name: str
    short: str
    lan: str


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("schemas").joinpath(f"reference/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def lan() -> dict[str, Lan]:
    return {
        r["county_code"]: Lan(r["county_code"], r["county_name"], r["county_name_short"])
        for r in _csv("lan.csv")
    }


@cache
def kommuner() -> dict[str, Kommun]:
    return {
        r["municipality_code"]: Kommun(
            r["municipality_code"],
            r["municipality_name"],
            r["municipality_name_short"],
            r["county_code"],
        )
        for r in _csv("kommuner.csv")
    }


@cache
def lan_geojson() -> dict:
    text = resources.files("schemas").joinpath("reference/lan.geojson").read_text("utf-8")
    return json.loads(text)
