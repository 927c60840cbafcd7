"""Validate wire payloads and stored reports against the project's JSON Schemas.

The schema files next to this module are the documented contract (draft 2020-12):

- ``envelope.schema.json``  what ``schemas.wire.Envelope.from_dict`` accepts
- ``bundle.schema.json``    what ``schemas.wire.Bundle.from_dict`` accepts
- ``enrolment.schema.json`` what ``schemas.wire.Enrolment.from_dict`` accepts
- ``report.schema.json``    a report as a node stores it (its code enums come from the taxonomy)

Each ``validate_*`` function raises ``schemas.wire.InvalidPayload`` (``MalformedEnvelope`` for
an envelope) naming the JSON path of the most relevant problem. After the schema they check the few rules a JSON Schema cannot state (a key has
one code per dim, no duplicate cells or tables, times that exist, expiry after creation).

Two Python details are made to follow JSON Schema's ECMA-262 meaning: ``integer`` excludes
``true`` and ``1.0``, and a pattern's final ``$`` does not match before a trailing newline.

``python -m schemas.validation`` rewrites the code enums of ``report.schema.json`` from the
current taxonomy; ``tests/test_schemas.py`` fails while they differ.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import extend
from referencing import Registry, Resource

from schemas.codes import code_list
from schemas.wire import (
    InvalidPayload,
    MalformedEnvelope,
    Plan,
    WireError,
    decode_public_key,
    parse_time,
)

SCHEMA_BASE = "https://lexheller.se/schemas/"
SCHEMA_NAMES = ("envelope", "bundle", "enrolment", "report")
REPORT_CODE_ENUMS = {
    "problemtyp": "problemtyp",
    "niva": "niva",
    "aktor": "aktor",
    "organisation": "organisation",
    "malgrupp": "malgrupp",
    "status": "status",
}
"""``$defs`` entry of report.schema.json -> taxonomy code list it enumerates."""


def schema_text(name: str) -> str:
    return resources.files("schemas").joinpath(f"{name}.schema.json").read_text("utf-8")


@cache
def load_schema(name: str) -> dict[str, Any]:
    if name not in SCHEMA_NAMES:
        raise KeyError(f"no schema named {name!r}")
    return json.loads(schema_text(name))


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # ECMA-262 `$` (without the m flag) matches only at the very end; Python's `$` also
    # matches before a final newline, so "ab\n" would pass "^[a-z]+$".
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = extend(
    Draft202012Validator,
    validators={"pattern": _pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, instance: type(instance) is int
    ),
)


@cache
def _registry() -> Registry:
    return Registry().with_resources(
        (SCHEMA_BASE + f"{name}.schema.json", Resource.from_contents(load_schema(name)))
        for name in SCHEMA_NAMES
    )


@cache
def validator(name: str) -> Any:
    """A draft 2020-12 validator for one schema, with the other schemas resolvable by $ref."""
    return _Validator(load_schema(name), registry=_registry())


def _path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def _check_schema(name: str, d: Any, error_class: type[WireError] = InvalidPayload) -> None:
    error = best_match(validator(name).iter_errors(d))
    if error is not None:
        raise error_class(f"{name}: {_path(error.absolute_path)}: {error.message}") from error


def _fail(name: str, path: list[Any], message: str) -> InvalidPayload:
    return InvalidPayload(f"{name}: {_path(path)}: {message}")


def _time(name: str, d: dict[str, Any], field: str) -> datetime:
    try:
        return parse_time(d[field], field)
    except InvalidPayload as e:
        raise _fail(name, [field], str(e)) from e


def validate_envelope_dict(d: Any) -> None:
    """Raise MalformedEnvelope unless `d` is an envelope that `Envelope.from_dict` accepts."""
    _check_schema("envelope", d, MalformedEnvelope)


def validate_bundle_dict(d: Any) -> None:
    """Raise InvalidPayload unless `d` is a bundle that `Bundle.from_dict` accepts."""
    _check_schema("bundle", d)
    seen_tables: set[tuple[str, str]] = set()
    for i, table in enumerate(d["tables"]):
        if (table["name"], table["period"]) in seen_tables:
            raise _fail("bundle", ["tables", i], "a table appears twice for the same period")
        seen_tables.add((table["name"], table["period"]))
        keys: set[tuple[str, ...]] = set()
        for j, cell in enumerate(table["cells"]):
            key = tuple(cell["key"])
            where = ["tables", i, "cells", j, "key"]
            if len(key) != len(table["dims"]):
                raise _fail("bundle", where, f"{list(key)} does not have one code per dim")
            if key in keys:
                raise _fail("bundle", where, f"duplicate cell {list(key)}")
            keys.add(key)
    if _time("bundle", d, "expires") <= _time("bundle", d, "created"):
        raise _fail("bundle", ["expires"], "expires must be after created")
    if "plan" in d:  # the plan's own rules and its agreement with the tables (schemas.wire.Plan)
        try:
            Plan.from_dict(d["plan"]).check_tables((t["name"], t["period"]) for t in d["tables"])
        except (InvalidPayload, ValueError) as e:
            raise _fail("bundle", ["plan"], str(e)) from e


def validate_enrolment_dict(d: Any) -> None:
    """Raise InvalidPayload unless `d` is an enrolment that `Enrolment.from_dict` accepts."""
    _check_schema("enrolment", d)
    try:
        decode_public_key(d["public_key"])
    except ValueError as e:
        raise _fail("enrolment", ["public_key"], str(e)) from e
    _time("enrolment", d, "issued")


def _report_json(d: Any) -> Any:
    """The JSON form of a report dict: date and datetime values as ISO 8601 text."""
    if not isinstance(d, dict):
        return d
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in d.items()}


def validate_report_dict(d: Any) -> None:
    """Raise InvalidPayload unless `d` is a report as a node stores it.

    `d` is the JSON form; Python `date`/`datetime` values (as the store and the synthetic
    generator hold them) are accepted and checked as their ISO 8601 text.
    """
    d = _report_json(d)
    _check_schema("report", d)
    for field in ("received_at", "closed_at"):
        if d.get(field) is not None:
            try:
                datetime.fromisoformat(d[field])
            except ValueError as e:
                raise _fail("report", [field], f"{d[field]!r} is not a real time") from e
    if d.get("event_date") is not None:
        try:
            date.fromisoformat(d["event_date"])
        except ValueError as e:
            raise _fail("report", ["event_date"], f"{d['event_date']!r} is not a date") from e


def report_schema_synced(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every code enum in ``$defs`` set from the current taxonomy."""
    out = json.loads(json.dumps(schema))
    for def_name, list_name in REPORT_CODE_ENUMS.items():
        out["$defs"][def_name]["enum"] = list(code_list(list_name).values)
    return out


def schema_json(schema: dict[str, Any]) -> str:
    """How the schema files are laid out: two-space indent, UTF-8, final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    path = resources.files("schemas").joinpath("report.schema.json")
    text = schema_json(report_schema_synced(json.loads(path.read_text("utf-8"))))
    with resources.as_file(path) as p:
        p.write_text(text, "utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
