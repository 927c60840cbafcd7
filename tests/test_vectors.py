"""The golden signing vectors: fresh, and each behaves at the wire level as the manifest says."""

from __future__ import annotations

import importlib.util
import json
from collections import defaultdict
from datetime import UTC, datetime
from math import prod
from pathlib import Path
from types import ModuleType

import pytest

from schemas.codes import code_list
from schemas.validation import validate_bundle_dict, validate_enrolment_dict
from schemas.wire import (
    PAYLOAD_TYPE_AGGREGATES,
    UNCLASSIFIED,
    Bundle,
    Enrolment,
    Envelope,
    InvalidPayload,
    WireError,
    decode_public_key,
    fingerprint,
    key_id,
    verify,
)

VECTORS = Path(__file__).parent / "vectors"
MANIFEST = json.loads((VECTORS / "manifest.json").read_text("utf-8"))
KEYS = json.loads((VECTORS / "keys.json").read_text("utf-8"))
CLOCK = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vectors_generate", VECTORS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def wire_outcome(data: bytes, trusted: str) -> tuple[str, Bundle | Enrolment | None]:
    """What schemas.wire alone says: 'ok' and the parsed payload, or the error code."""
    key = decode_public_key(KEYS[trusted]["public_key"])
    try:
        env = Envelope.from_bytes(data)
        verify(env, {key_id(key): key})
        if env.payload_type == PAYLOAD_TYPE_AGGREGATES:
            return "ok", Bundle.from_bytes(env.payload)
        return "ok", Enrolment.from_bytes(env.payload)
    except WireError as e:
        return e.code, None


def test_regenerating_gives_identical_files(tmp_path: Path) -> None:
    _generator().main(["--out", str(tmp_path)])
    fresh = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    stored = {p.name for p in VECTORS.iterdir() if p.is_file() and p.suffix != ".py"}  # generators
    assert set(fresh) == stored, "run: uv run python tests/vectors/generate.py"
    stale = [name for name, data in fresh.items() if _read(name) != data]
    assert not stale, f"stale vectors {stale}; run: uv run python tests/vectors/generate.py"


def test_manifest_lists_every_posted_file() -> None:
    files = {p.name for p in VECTORS.iterdir() if p.is_file() and p.suffix != ".py"}
    assert set(MANIFEST["files"]) == files - {"keys.json", "manifest.json"}
    assert MANIFEST["clock"] == "2026-01-15T12:00:00Z"
    for name, entry in MANIFEST["files"].items():
        assert set(entry) == {"trusted", "wire", "http_status", "code", "description"}, name
        assert (entry["code"] is None) == (entry["http_status"] == 200), name


@pytest.mark.parametrize("name", sorted(MANIFEST["files"]))
def test_vector_behaves_as_the_manifest_says(name: str) -> None:
    entry = MANIFEST["files"][name]
    outcome, _ = wire_outcome(_read(name), entry["trusted"])
    assert outcome == entry["wire"]
    if entry["wire"] != "ok":
        assert entry["code"] == entry["wire"]
        status = {c.code: c.http_status for c in WireError.__subclasses__()}[entry["wire"]]
        assert entry["http_status"] == status


def test_keys_match_their_ids_and_fingerprints() -> None:
    gen = _generator()
    for role, private in (("node", gen.NODE_KEY), ("hub", gen.HUB_KEY)):
        pub = decode_public_key(KEYS[role]["public_key"])
        assert KEYS[role]["keyid"] == key_id(pub) == key_id(private.public_key())
        assert KEYS[role]["fingerprint"] == fingerprint(pub)
    stranger = key_id(gen.STRANGER_KEY.public_key())
    assert stranger not in {KEYS["node"]["keyid"], KEYS["hub"]["keyid"]}
    assert Envelope.from_bytes(_read("unknown_key.json")).signatures[0].keyid == stranger


def test_enrolment_vouches_for_the_node_key() -> None:
    _, enrolment = wire_outcome(_read("valid_enrolment.json"), "hub")
    assert isinstance(enrolment, Enrolment)
    assert enrolment.public_key == KEYS["node"]["public_key"]
    assert (enrolment.hub_id, enrolment.node.id) == (KEYS["hub"]["id"], KEYS["node"]["id"])
    validate_enrolment_dict(json.loads(Envelope.from_bytes(_read("valid_enrolment.json")).payload))


def _bundle(name: str) -> Bundle:
    outcome, bundle = wire_outcome(_read(name), "node")
    assert outcome == "ok" and isinstance(bundle, Bundle)
    return bundle


def _cells(bundle: Bundle) -> dict[tuple[str, str], dict[tuple[str, ...], int | None]]:
    return {(t.name, t.period): dict(t.cells) for t in bundle.tables}


@pytest.mark.parametrize("name", ["valid_bundle.json", "valid_bundle_seq2.json"])
def test_valid_bundles_follow_the_shared_data_model(name: str) -> None:
    bundle = _bundle(name)
    validate_bundle_dict(bundle.to_dict())
    assert (bundle.k, bundle.periods, bundle.synthetic) == (3, ["2025", "2025-Q4"], False)
    assert bundle.created <= CLOCK < bundle.expires
    tables = _cells(bundle)
    assert {n for n, _ in tables} == {
        "total", "problemtyp", "niva", "organisation", "status", "aktor",
        "problemtyp_x_aktor", "aktor_x_niva",
    }  # fmt: skip
    size = {d: len(code_list(d).values) + (d in ("problemtyp", "niva")) for d in
            ("problemtyp", "niva", "organisation", "status", "aktor")}  # fmt: skip
    values = [v for cells in tables.values() for v in cells.values()]
    assert None in values and 0 in values
    assert not [v for v in values if v is not None and 0 < v < bundle.k]
    for t in bundle.tables:
        assert len(t.cells) == prod(size[d] for d in t.dims), t.name
        assert ((UNCLASSIFIED,) in dict(t.cells)) == (t.dims in (("problemtyp",), ("niva",)))
    for period in bundle.periods:
        total = tables[("total", period)][()]
        for single in ("problemtyp", "niva", "organisation", "status"):
            cells = tables[(single, period)]
            if None not in cells.values():
                assert sum(cells.values()) == total, (single, period)
        aktor = tables[("aktor", period)]
        for cross, other in (("problemtyp_x_aktor", "problemtyp"), ("aktor_x_niva", "niva")):
            parts: dict[str, list[int | None]] = defaultdict(list)
            for key, v in tables[(cross, period)].items():
                a, o = (key[1], key[0]) if cross == "problemtyp_x_aktor" else key
                parts[a].append(v)
                margin = tables[(other, period)][(o,)]
                assert v is None or margin is None or v <= margin, (cross, key)
            for a, values in parts.items():
                if aktor[(a,)] is not None and None not in values:
                    assert sum(v or 0 for v in values) == aktor[(a,)], (cross, a)
    year, quarter = tables[("total", "2025")][()], tables[("total", "2025-Q4")][()]
    assert year is not None and quarter is not None and quarter < year


def test_sequence_two_revises_sequence_one() -> None:
    one, two = _bundle("valid_bundle.json"), _bundle("valid_bundle_seq2.json")
    assert (one.sequence, two.sequence) == (1, 2)
    assert one.created < two.created == CLOCK
    assert _cells(one) != _cells(two)


def test_policy_vectors_are_wire_valid_with_one_defect_each() -> None:
    seq2 = _bundle("valid_bundle_seq2.json")
    leak = _bundle("small_count_leak.json")
    small = [v for t in leak.tables for _, v in t.cells if v is not None and 0 < v < leak.k]
    assert small == [1] and leak.sequence == 3
    expired = _bundle("expired.json")
    assert expired.expires < CLOCK and expired.sequence == 3
    replayed = _bundle("replayed_sequence.json")
    assert replayed.sequence == 1 < seq2.sequence and replayed.expires > CLOCK
    assert _cells(replayed) == _cells(seq2)
    assert _read("replayed_sequence.json") != _read("valid_bundle.json")


def test_invalid_payload_is_named_by_its_json_path() -> None:
    env = Envelope.from_bytes(_read("invalid_payload.json"))
    with pytest.raises(InvalidPayload, match=r"\$\.tables\[0\]\.cells\[0\]\.value"):
        validate_bundle_dict(json.loads(env.payload))


def test_bad_signature_vector_still_parses_after_the_flip() -> None:
    # The flip changes a count, not the JSON: only the signature can catch it.
    env = Envelope.from_bytes(_read("bad_signature.json"))
    good = Envelope.from_bytes(_read("valid_bundle_seq2.json"))
    assert Bundle.from_bytes(env.payload) != Bundle.from_bytes(good.payload)
    assert sum(a != b for a, b in zip(env.payload, good.payload, strict=True)) == 1


def test_not_an_envelope_is_the_bare_bundle() -> None:
    assert json.loads(_read("not_an_envelope.json"))["format"] == "lexheller.aggregates"


def test_hub_outcomes_cover_every_refusal_the_brief_names() -> None:
    codes = {e["code"] for e in MANIFEST["files"].values()}
    assert codes == {None, "bad_signature", "unknown_key", "malformed_envelope",
                     "invalid_payload", "small_count", "expired", "replayed_sequence"}  # fmt: skip
