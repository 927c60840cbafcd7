"""One decoder for every payload type (schemas.payloads): each type declared once refuses the
same defects the same way — bytes that are no JSON, no object, another format or version
(``true`` and ``1.0`` are not 1), a missing field, an unknown one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from schemas import batch, enrolment_request, release, shares, summary
from schemas.payloads import PayloadType, exact_fields, load
from schemas.wire import InvalidPayload, canonical_json

TYPES = {f"{m.__name__}.{name}": v for m in (shares, release, batch, summary, enrolment_request)
         for name, v in vars(m).items() if isinstance(v, PayloadType)}  # fmt: skip


def test_each_module_declares_its_types_once() -> None:
    assert set(TYPES) == {
        "schemas.shares.SHARES", "schemas.shares.SHARE", "schemas.release.RELEASE",
        "schemas.batch.BATCH", "schemas.summary.SUMMARY", "schemas.summary.WITHDRAWAL",
        "schemas.summary.DECISIONS", "schemas.summary.FETCH",
        "schemas.enrolment_request.REQUEST", "schemas.enrolment_request.QUERY",
    }  # fmt: skip
    assert len({t.format for t in TYPES.values()}) == len(TYPES)


def document(t: PayloadType) -> dict[str, Any]:
    return {**t.header(), **{f: f"value of {f}" for f in sorted(t.fields)}}


@pytest.mark.parametrize("name", sorted(TYPES))
def test_a_document_with_exactly_its_fields_decodes(name: str) -> None:
    t = TYPES[name]
    doc = document(t)
    assert t.decode(canonical_json(doc)) == doc and t.check(doc) is doc


@pytest.mark.parametrize("name", sorted(TYPES))
def test_every_type_refuses_the_same_defects(name: str) -> None:
    t = TYPES[name]
    doc = document(t)
    field = sorted(t.fields)[0]
    bad: dict[str, tuple[bytes, str]] = {
        "not utf-8": (b"\xff\xfe", "not UTF-8 JSON"),
        "not json": (b"{format:", "not UTF-8 JSON"),
        "nested too deep": (b"[" * 5000 + b"]" * 5000, "not UTF-8 JSON"),
        "not an object": (b"[1, 2]", "must be a JSON object"),
        "another format": (canonical_json({**doc, "format": "lexheller.other"}), "not a "),
        "version true": (canonical_json({**doc, "format_version": True}), "version 1"),
        "version 1.0": (json.dumps({**doc, "format_version": 1.0}).encode(), "version 1"),
        "version 2": (canonical_json({**doc, "format_version": 2}), "version 1"),
        "a field missing": (canonical_json({k: v for k, v in doc.items() if k != field}),
                            f"missing ['{field}']"),
        "an unknown field": (canonical_json({**doc, "extra": 1}), "unexpected ['extra']"),
    }  # fmt: skip
    for what, (raw, says) in bad.items():
        with pytest.raises(InvalidPayload) as e:
            t.decode(raw)
        assert says in str(e.value), (name, what, str(e.value))


def test_the_helpers_say_what_was_wrong() -> None:
    with pytest.raises(InvalidPayload, match="group must be a JSON object"):
        exact_fields("national", {"id", "level"}, "group")
    with pytest.raises(InvalidPayload, match=r"missing \['level'\], unexpected \['lan'\]"):
        exact_fields({"id": "x", "lan": "14"}, {"id", "level"}, "group")
    assert load(b'{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}
    with pytest.raises(ValueError, match="added"):
        PayloadType("lexheller.x", frozenset({"format"}), "x")
