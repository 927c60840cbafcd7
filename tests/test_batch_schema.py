"""The batch list: golden vectors (regenerated identically, each opening as its manifest says)
and its JSON Schema agreeing with the strict parser."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from jsonschema import Draft202012Validator, ValidationError

from schemas.batch import BatchList, open_batch
from schemas.validation import _Validator
from schemas.wire import InvalidPayload, WireError, decode_public_key, key_id

VECTORS = Path(__file__).parent / "vectors" / "batches"
SCHEMA = json.loads(
    (Path(__file__).parents[1] / "schemas" / "batch.schema.json").read_text("utf-8")
)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "batch_vectors", VECTORS.parent / "batch_vectors.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _leader() -> dict:
    e = json.loads((VECTORS / "keys.json").read_text("utf-8"))["leader"]
    key = decode_public_key(e["public_key"])
    assert key_id(key) == e["keyid"]
    return {e["keyid"]: key}


def test_regenerating_gives_identical_files(tmp_path: Path) -> None:
    written = _generator().write(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in VECTORS.iterdir())
    for p in written:
        assert p.read_bytes() == (VECTORS / p.name).read_bytes(), f"{p.name} is stale: regenerate"


@pytest.mark.parametrize(
    "name", sorted(json.loads((VECTORS / "manifest.json").read_text())["files"])
)
def test_vector_opens_as_the_manifest_says(name: str) -> None:
    expected = json.loads((VECTORS / "manifest.json").read_text())["files"][name]["open"]
    try:
        open_batch((VECTORS / name).read_bytes(), _leader())
        got = "ok"
    except WireError as e:
        got = e.code
    assert got == expected


def test_schema_and_parser_agree() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    d = _generator().batch().to_dict()
    _Validator(SCHEMA).validate(d)
    assert BatchList.from_dict(d).to_dict() == d
    m = d["members"]
    for bad in [d | {"x": 1}, d | {"revision": 0}, d | {"members": []},
                d | {"members": [m[0] | {"bundle_digest": "AB" * 32}]},
                d | {"members": [m[0], m[0]]}, d | {"group": {"id": "national"}},
                d | {"closed": "2026-02-01"}, d | {"format_version": 2}]:  # fmt: skip
        with pytest.raises(ValidationError):
            _Validator(SCHEMA).validate(bad)
        with pytest.raises(InvalidPayload):
            BatchList.from_dict(bad)
