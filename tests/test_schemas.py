"""The JSON Schemas: valid draft 2020-12, in sync with the taxonomy, and exactly the wire's rules.

The wire's strict-parsing cases in tests/test_wire.py are replayed here: for every one of them
the schema must refuse what `schemas.wire` refuses, and accept what it accepts.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from schemas.codes import code_list
from schemas.validation import (
    REPORT_CODE_ENUMS,
    SCHEMA_BASE,
    SCHEMA_NAMES,
    load_schema,
    report_schema_synced,
    schema_json,
    schema_text,
    validate_bundle_dict,
    validate_enrolment_dict,
    validate_envelope_dict,
    validate_report_dict,
)
from schemas.wire import Bundle, Enrolment, Envelope, InvalidPayload, MalformedEnvelope


def _load_test_wire() -> ModuleType:
    path = Path(__file__).with_name("test_wire.py")
    spec = importlib.util.spec_from_file_location("wire_cases", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = _load_test_wire()


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_files_are_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{SCHEMA_BASE}{name}.schema.json"
    assert schema_text(name) == schema_json(schema), "keep the files in schema_json's layout"


def test_report_code_enums_match_the_taxonomy() -> None:
    defs = load_schema("report")["$defs"]
    for def_name, list_name in REPORT_CODE_ENUMS.items():
        assert defs[def_name]["enum"] == list(code_list(list_name).values), def_name
    assert schema_text("report") == schema_json(report_schema_synced(load_schema("report"))), (
        "report.schema.json is stale: run uv run python -m schemas.validation"
    )


def test_sync_replaces_stale_enums() -> None:
    stale = json.loads(schema_text("report"))
    stale["$defs"]["aktor"]["enum"] = ["AF"]
    assert report_schema_synced(stale) == load_schema("report")


# --------------------------------------------------------------------------- bundles


def _wire_accepts_bundle(d: Any) -> bool:
    try:
        Bundle.from_dict(d)
    except InvalidPayload:
        return False
    return True


def _schema_accepts_bundle(d: Any) -> bool:
    try:
        validate_bundle_dict(d)
    except InvalidPayload:
        return False
    return True


def _edge(path: str, value: Any, *, delete: bool = False) -> dict[str, Any]:
    return CASES._set(path, value, delete=delete)


VALID_EDGE_BUNDLES = {
    "as built": CASES._bundle_dict(),
    "no figures": _edge("figures", None, delete=True),
    "no kommuner": _edge("node.kommuner", None, delete=True),
    "no population": _edge("node.population", None, delete=True),
    "population null": _edge("node.population", None),
    "no tables": _edge("tables", []),
    "month period": _edge("tables.0.period", "2025-07"),
    "empty method": _edge("disclosure.method", ""),
    "unicode code": _edge("tables.1.cells.0.key", ["Å" * 20]),
    "cell value 0": _edge("tables.1.cells.0.value", 0),
    "big sequence": _edge("sequence", 2**62),
    "node name 200": _edge("node.name", "ö" * 200),
    "id 63": _edge("node.id", "a" * 63),
    "leap day": _edge("expires", "2028-02-29T23:59:59Z"),
}


@pytest.mark.parametrize("name", VALID_EDGE_BUNDLES)
def test_schema_accepts_what_the_wire_accepts(name: str) -> None:
    d = VALID_EDGE_BUNDLES[name]
    assert _wire_accepts_bundle(d)
    validate_bundle_dict(d)


@pytest.mark.parametrize("name", CASES.BAD_BUNDLES)
def test_schema_refuses_what_the_wire_refuses(name: str) -> None:
    d = CASES.BAD_BUNDLES[name]
    assert not _wire_accepts_bundle(d)
    assert not _schema_accepts_bundle(d)


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ("node.lan", ["1"], r"\$\.node\.lan\[0\]"),
        ("tables.1.cells.2.value", -3, r"\$\.tables\[1\]\.cells\[2\]\.value"),
        ("tables.1.cells.0.key", [], r"\$\.tables\[1\]\.cells\[0\]\.key: \[\] does not have"),
        ("tables.1.cells.1.key", ["N1"], r"\$\.tables\[1\]\.cells\[1\]\.key: duplicate"),
        ("tables.1", CASES._bundle_dict()["tables"][0], r"\$\.tables\[1\]: a table appears"),
        ("expires", "2020-01-01T00:00:00Z", r"\$\.expires: expires must be after"),
        ("created", "2026-02-30T00:00:00Z", r"\$\.created: created is not a valid time"),
        ("sequence", 1.0, r"\$\.sequence: 1\.0 is not of type 'integer'"),
        ("colour", "blå", r"\$: Additional properties are not allowed \('colour'"),
    ],
)
def test_errors_name_the_json_path(path: str, value: Any, where: str) -> None:
    with pytest.raises(InvalidPayload, match=where):
        validate_bundle_dict(_edge(path, value))


# --------------------------------------------------------------------------- envelopes, enrolments


def test_envelope_schema_agrees_with_the_wire() -> None:
    validate_envelope_dict(CASES._env_dict())
    for name, d in CASES.BAD_ENVELOPES.items():
        with pytest.raises(MalformedEnvelope):
            Envelope.from_dict(d)
        with pytest.raises(MalformedEnvelope):
            validate_envelope_dict(d)
        assert name


def test_enrolment_schema_agrees_with_the_wire() -> None:
    validate_enrolment_dict(CASES._enrolment_dict())
    for name, d in CASES.BAD_ENROLMENTS.items():
        with pytest.raises(InvalidPayload):
            Enrolment.from_dict(d)
        with pytest.raises(InvalidPayload, match=r"enrolment: \$"):
            validate_enrolment_dict(d)
        assert name


def test_enrolment_key_must_decode() -> None:
    d = CASES._enrolment_dict() | {"public_key": "ed25519:" + "A" * 42 + "B="}
    with pytest.raises(InvalidPayload, match=r"\$\.public_key"):
        validate_enrolment_dict(d)


# --------------------------------------------------------------------------- reports


def report(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "3f0c9a52-6a1e-4c55-9a7e-2b8e0d6f1c11",
        "receipt": "LH-7K3Q-9XPM",
        "received_at": "2026-01-12T09:14:00Z",
        "event_date": "2026-01-08",
        "organisation": "PO",
        "reporter_role": "personligt ombud",
        "reporter_name": None,
        "reporter_contact": "ombud@example.se",
        "kommuner": ["1480"],
        "aktorer": ["FK", "AF"],
        "description": "Aktivitetsersättningen upphörde vid 30 och ingen myndighet tog över.",
        "consequences": "Personen står utan ersättning.",
        "suggestion": "Gemensamt avstämningsmöte före 30-årsdagen.",
        "raised_elsewhere": "nej",
        "suggested_problemtyp": "P06",
        "suggested_niva": None,
        "problemtyp": "P06",
        "niva": "N4",
        "malgrupp": "M01",
        "status": "S7",
        "feedback": "Frågan är lyft till beredningsgruppen.",
        "closed_at": "2026-03-01T10:00:00+01:00",
        "synthetic": True,
    }
    return base | changes


def test_a_stored_report_is_valid() -> None:
    validate_report_dict(report())
    validate_report_dict(report(problemtyp=None, niva=None, malgrupp=None, closed_at=None))
    validate_report_dict(report(event_date=None, kommuner=[], description="x" * 4000))


def test_python_dates_and_naive_utc_times_are_accepted() -> None:
    validate_report_dict(
        report(
            received_at=datetime(2026, 1, 12, 9, 14, 0, 123456, tzinfo=UTC),
            event_date=date(2026, 1, 8),
            closed_at=datetime(2026, 3, 1, 10, 0),
        )
    )


BAD_REPORTS = {
    "missing description": ({k: v for k, v in report().items() if k != "description"}, r"\$"),
    "description too long": (report(description="x" * 4001), r"\$\.description"),
    "empty description": (report(description=""), r"\$\.description"),
    "name too long": (report(reporter_name="x" * 201), r"\$\.reporter_name"),
    "contact too long": (report(reporter_contact="x" * 201), r"\$\.reporter_contact"),
    "feedback too long": (report(feedback="x" * 4001), r"\$\.feedback"),
    "no actors": (report(aktorer=[]), r"\$\.aktorer"),
    "unknown actor": (report(aktorer=["XX"]), r"\$\.aktorer\[0\]"),
    "personligt ombud is no actor": (report(aktorer=["PO"]), r"\$\.aktorer\[0\]"),
    "actor twice": (report(aktorer=["FK", "FK"]), r"\$\.aktorer"),
    "unclassified mark": (report(problemtyp="-"), r"\$\.problemtyp"),
    "unknown niva": (report(niva="N9"), r"\$\.niva"),
    "unknown status": (report(status="S8"), r"\$\.status"),
    "unknown organisation": (report(organisation="XX"), r"\$\.organisation"),
    "unknown malgrupp": (report(malgrupp="M07"), r"\$\.malgrupp"),
    "kommun three digits": (report(kommuner=["148"]), r"\$\.kommuner\[0\]"),
    "received 30 February": (report(received_at="2026-02-30T09:00:00Z"), r"\$\.received_at"),
    "received without seconds": (report(received_at="2026-01-12T09:14Z"), r"\$\.received_at"),
    "event date month 13": (report(event_date="2026-13-01"), r"\$\.event_date"),
    "extra field": (report(personnummer="19121212-1212"), r"\$: Additional properties"),
    "synthetic text": (report(synthetic="ja"), r"\$\.synthetic"),
    "receipt with spaces": (report(receipt="LH 7K3Q"), r"\$\.receipt"),
    "not an object": ([], r"\$"),
}


@pytest.mark.parametrize("name", BAD_REPORTS)
def test_bad_reports_are_refused_with_their_path(name: str) -> None:
    d, where = BAD_REPORTS[name]
    with pytest.raises(InvalidPayload, match=rf"^report: {where}"):
        validate_report_dict(d)
