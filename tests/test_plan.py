"""The publication plan declared in the bundle (format_minor 2), and the invariants a Bundle
checks when it is built: an invalid bundle can be neither parsed nor built and signed."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest

from lexheller.apps import hub_app as create_app
from schemas.validation import validate_bundle_dict
from schemas.wire import (
    FORMAT_MINOR,
    Bundle,
    Envelope,
    InvalidPayload,
    Plan,
    Table,
)
from tests.helpers import VECTOR_CLOCK, vector, vector_keys

PLANS = Path(__file__).parent / "vectors" / "plans"
MANIFEST = json.loads((PLANS / "manifest.json").read_text("utf-8"))["files"]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "vectors_generate_plans", Path(__file__).parent / "vectors" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _payload(name: str) -> bytes:
    return Envelope.from_bytes((PLANS / name).read_bytes()).payload


def test_plan_vectors_are_fresh(tmp_path: Path) -> None:
    _generator().write_plans(tmp_path)
    fresh = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(fresh) == {p.name for p in PLANS.iterdir()}
    stale = [n for n, data in fresh.items() if (PLANS / n).read_bytes() != data]
    assert not stale, "run: uv run python tests/vectors/generate.py"


def test_valid_plan_vector_parses_and_declares_what_its_tables_hold() -> None:
    raw = _payload("valid_bundle_plan.json")
    bundle = Bundle.from_bytes(raw)
    validate_bundle_dict(json.loads(raw))
    assert bundle.format_minor == FORMAT_MINOR == 2
    assert bundle.plan == Plan(("2025",), ("2025",), ("2024",), ("2025",), 200)
    names = {t.name for t in bundle.tables}
    assert {"problemtyp_x_aktorgrupp", "aktorgrupp_x_niva"} <= names
    assert not names & {"problemtyp_x_aktor", "aktor_x_niva"}
    assert bundle.to_bytes() == raw  # the plan round-trips byte for byte


def test_plan_mismatch_is_refused_by_wire_and_schema_alike() -> None:
    raw = _payload("plan_mismatch.json")
    with pytest.raises(InvalidPayload, match="no quarters in 2025"):
        Bundle.from_bytes(raw)
    with pytest.raises(InvalidPayload, match=r"\$\.plan"):
        validate_bundle_dict(json.loads(raw))


def test_bundles_without_a_plan_still_parse() -> None:
    old = Bundle.from_bytes(Envelope.from_bytes(vector("valid_bundle_seq2.json")).payload)
    assert old.plan is None and old.format_minor == 1
    assert "plan" not in old.to_dict()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"years": ["2025", "2024"]}, "sorted"),
        ({"held_back": ["2025"]}, "both published and held back"),
        ({"actor_groups": ["2023"]}, "published years"),
        ({"actor_groups_below": -1}, "actor_groups_below"),
        ({"years": ["25"]}, "years"),
        ({"extra": 1}, "exactly"),
    ],
)
def test_a_bad_plan_is_refused_with_what_is_wrong(change: dict, message: str) -> None:
    d = json.loads(_payload("valid_bundle_plan.json"))
    d["plan"] = d["plan"] | change
    with pytest.raises(InvalidPayload, match=message):
        Bundle.from_dict(d)
    with pytest.raises(InvalidPayload):
        validate_bundle_dict(d)


def test_the_hub_accepts_a_bundle_with_a_plan(make_hub) -> None:
    hub = make_hub(clock=VECTOR_CLOCK)
    node = vector_keys()["node"]
    hub.op_enroll(node["id"], node["public_key"])
    client = create_app(hub).test_client()
    for name in ("valid_bundle.json", "valid_bundle_seq2.json"):
        assert client.post("/api/v1/bundles", data=vector(name)).status_code == 201
    for name, expected in sorted(MANIFEST.items()):
        r = client.post("/api/v1/bundles", data=(PLANS / name).read_bytes())
        assert r.status_code == expected["http_status"], (name, r.json)
        assert r.json.get("error") == expected["code"], name


# --------------------------------------------------------------------------- invariants


def _good() -> Bundle:
    return Bundle.from_bytes(_payload("valid_bundle_plan.json"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sequence", 0, "sequence"),
        ("sequence", True, "sequence"),
        ("k", 0, "k must"),
        ("taxonomy", "1", "taxonomy"),
        ("format_minor", -1, "format_minor"),
        ("trail_head", (("report_events", "xyz"),), "trail_head"),
        ("figures", ({"name": "median_days_to_close", "period": "2025", "value": -1,
                      "min_cases": 3},), ">= 0"),  # fmt: skip
        ("plan", Plan(("2025",), (), (), ("2025",)), "no quarters"),
        ("plan", Plan(("2024", "2025"), ("2025",), (), ("2025",)), "differ"),
        ("plan", Plan(("2025",), ("2025",), (), ()), "no actor groups"),
    ],
)
def test_an_invalid_bundle_cannot_be_built(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(_good(), **{field: value})


def test_expiry_must_follow_creation_and_tables_be_unique() -> None:
    good = _good()
    with pytest.raises(ValueError, match="expires"):
        dataclasses.replace(good, expires=good.created)
    with pytest.raises(ValueError, match="twice"):
        dataclasses.replace(good, tables=(*good.tables, good.tables[0]))
    dataclasses.replace(good, expires=good.created + timedelta(seconds=1))  # the edge is fine


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (((("P1",), -1),), ">= 0"),
        (((("P1", "AF"), 3),), "does not match dims"),
        (((("P1",), 3), (("P1",), 4)), "twice"),
        (((("P1",), 2.0),), ">= 0"),
    ],
)
def test_an_invalid_table_cannot_be_built(cells: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Table("problemtyp", "2025", ("problemtyp",), cells)
    with pytest.raises(ValueError, match="period"):
        Table("problemtyp", "2025-13", ("problemtyp",), ())
