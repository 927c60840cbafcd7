"""The release document: strict parsing, its JSON Schema, and the multi-signature envelope."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from schemas.release import Release, open_release
from schemas.validation import _Validator  # the project's ECMA-262 reading of integer/pattern
from schemas.wire import InvalidPayload, WireError, decode_public_key, key_id

VECTORS = Path(__file__).parent / "vectors" / "releases"
SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "release.schema.json").read_text("utf-8"))


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release_vectors", VECTORS.parent / "release_vectors.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _keys() -> dict[str, Any]:
    entries = json.loads((VECTORS / "keys.json").read_text("utf-8"))["aggregators"]
    return {e["keyid"]: decode_public_key(e["public_key"]) for e in entries}


def _valid() -> dict[str, Any]:
    return _generator().release().to_dict()


def test_regenerating_gives_identical_files(tmp_path: Path) -> None:
    written = _generator().write(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in VECTORS.iterdir())
    for p in written:
        assert p.read_bytes() == (VECTORS / p.name).read_bytes(), f"{p.name} is stale: regenerate"


@pytest.mark.parametrize("name", sorted(json.loads((VECTORS / "manifest.json").read_text())["files"]))
def test_vector_opens_as_the_manifest_says(name: str) -> None:
    expected = json.loads((VECTORS / "manifest.json").read_text())["files"][name]["open"]
    try:
        open_release((VECTORS / name).read_bytes(), _keys())
        got = "ok"
    except WireError as e:
        got = e.code
    assert got == expected


def test_keys_match_their_ids() -> None:
    for kid, key in _keys().items():
        assert key_id(key) == kid


def test_release_round_trips_and_schema_accepts_it() -> None:
    d = _valid()
    r = Release.from_dict(d)
    assert Release.from_bytes(r.to_bytes()) == r and r.to_dict() == d
    Draft202012Validator.check_schema(SCHEMA)
    _Validator(SCHEMA).validate(d)
    assert r.cell("aktor", ("af",)) is not None and r.cell("aktor", ("xx",)) is None
    assert r.id == "nav-vastra-gotaland/2025/r1"


def _mutations() -> list[tuple[str, dict[str, Any]]]:
    d = _valid()
    cell = d["cells"][0]
    out = [
        ("extra field", d | {"extra": 1}),
        ("missing noise", {k: v for k, v in d.items() if k != "noise"}),
        ("format", d | {"format": "lexheller.aggregates"}),
        ("version", d | {"format_version": 2}),
        ("level", d | {"group": d["group"] | {"level": "kommun"}}),
        ("no nodes", d | {"group": d["group"] | {"nodes": []}}),
        ("bad node id", d | {"group": d["group"] | {"nodes": ["A B"]}}),
        ("period", d | {"period": "2025-Q5"}),
        ("revision 0", d | {"revision": 0}),
        ("revision bool", d | {"revision": True}),
        ("digest", d | {"batch_digest": "AB" * 32}),
        ("created", d | {"created": "2026-01-15 12:00:00"}),
        ("k float", d | {"k": 3.0}),
        ("negative value", d | {"cells": [cell | {"value": -1}, *d["cells"][1:]]}),
        ("forbund text", d | {"cells": [cell | {"forbund": "4"}, *d["cells"][1:]]}),
        ("cell field", d | {"cells": [cell | {"low": 1}, *d["cells"][1:]]}),
        ("exact text", d | {"cells": [cell | {"exact": "yes"}, *d["cells"][1:]]}),
        ("noise mechanism", d | {"approximate": True, "noise": {"mechanism": "laplace",
                                 "aggregators": 2, "scale": 1.0, "margin": 3}}),  # fmt: skip
    ]
    return out


@pytest.mark.parametrize(("what", "doc"), _mutations(), ids=[m[0] for m in _mutations()])
def test_parser_and_schema_refuse_the_same_defects(what: str, doc: dict[str, Any]) -> None:
    with pytest.raises(InvalidPayload):
        Release.from_dict(doc)
    assert list(_Validator(SCHEMA).iter_errors(doc)), f"schema accepts: {what}"


@pytest.mark.parametrize(
    "what",
    ["duplicate cell", "unsorted", "exact cell in approximate", "forbund above group size"],
)
def test_parser_refuses_what_only_code_can_check(what: str) -> None:
    d = _valid()
    cells = d["cells"]
    bad = {
        "duplicate cell": d | {"cells": [cells[0], *cells]},
        "unsorted": d | {"cells": list(reversed(cells))},
        "exact cell in approximate": d | {"approximate": True, "noise": {
            "mechanism": "discrete_gaussian", "aggregators": 2, "scale": 2.0, "margin": 6}},
        "forbund above group size": d | {"cells": [cells[0] | {"forbund": 6}, *cells[1:]]},
    }[what]  # fmt: skip
    with pytest.raises(InvalidPayload):
        Release.from_dict(bad)
