"""The pure wire format: envelopes, PAE, signatures, key ids, strict parsing, round trips."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.validation import validate_bundle_dict
from schemas.wire import (
    FIGURE_NAMES,
    MAX_ENVELOPE_BYTES,
    PAYLOAD_TYPE_AGGREGATES,
    PAYLOAD_TYPE_ENROLMENT,
    BadSignature,
    Bundle,
    Enrolment,
    Envelope,
    InvalidPayload,
    MalformedEnvelope,
    NodeInfo,
    Signature,
    Table,
    UnknownKey,
    decode_public_key,
    encode_public_key,
    fingerprint,
    key_id,
    pae,
    public_key_bytes,
    sign,
    verify,
)

OLD = Ed25519PrivateKey.from_private_bytes(bytes([11]) * 32)
NEW = Ed25519PrivateKey.from_private_bytes(bytes([12]) * 32)
OTHER = Ed25519PrivateKey.from_private_bytes(bytes([13]) * 32)
T0 = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


def trust(*keys: Ed25519PrivateKey) -> dict[str, Any]:
    return {key_id(k.public_key()): k.public_key() for k in keys}


def small_bundle(**changes: Any) -> Bundle:
    node = NodeInfo("sf-test", "Samordningsförbundet Test", ("14",), ("1480",), 1000)
    tables = (
        Table("total", "2025", (), (((), 12),)),
        Table("niva", "2025-Q4", ("niva",), ((("N1",), 5), (("N2",), None), (("-",), 0))),
    )
    fields = dict(node=node, sequence=1, created=T0, expires=T0 + timedelta(days=90),
                  taxonomy="v1", k=3, method="primary", synthetic=False, tables=tables)  # fmt: skip
    return Bundle(**(fields | changes))


# --------------------------------------------------------------------------- PAE and keys


def test_pae_matches_the_dsse_specification_example() -> None:
    # https://github.com/secure-systems-lab/dsse/blob/master/protocol.md#test-vectors
    assert (
        pae("http://example.com/HelloWorld", b"hello world")
        == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_pae_counts_bytes_not_characters() -> None:
    assert pae("t/ä", "å".encode()) == b"DSSEv1 4 t/\xc3\xa4 2 \xc3\xa5"
    assert pae("", b"") == b"DSSEv1 0  0 "


def test_signature_covers_the_pae() -> None:
    env = sign(PAYLOAD_TYPE_AGGREGATES, b"{}", [OLD])
    OLD.public_key().verify(env.signatures[0].sig, pae(PAYLOAD_TYPE_AGGREGATES, b"{}"))
    retyped = Envelope(PAYLOAD_TYPE_ENROLMENT, env.payload, env.signatures)
    with pytest.raises(BadSignature):
        verify(retyped, trust(OLD))


def test_key_id_and_fingerprint_format() -> None:
    pub = OLD.public_key()
    kid = key_id(pub)
    assert kid == hashlib.sha256(public_key_bytes(pub)).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", kid)
    fp = fingerprint(pub)
    assert re.fullmatch(r"[0-9A-F]{4}( [0-9A-F]{4}){4}", fp)
    assert fp.replace(" ", "") == kid[:20].upper()
    assert fingerprint(NEW.public_key()) != fp


def test_public_key_text_round_trip() -> None:
    pub = OLD.public_key()
    text = encode_public_key(pub)
    assert re.fullmatch(r"ed25519:[A-Za-z0-9+/]{43}=", text)
    assert public_key_bytes(decode_public_key(text)) == public_key_bytes(pub)
    assert public_key_bytes(decode_public_key(f"  {text}\n")) == public_key_bytes(pub)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ssh-ed25519 AAAA",
        "ed25519:not base64!",
        "ed25519:" + base64.b64encode(bytes(31)).decode(),
        "ed25519:" + base64.b64encode(bytes(33)).decode(),
        "ed25519:" + base64.b64encode(bytes(32)).decode()[:-2] + "B=",  # unused bits set
        "ed25519:" + base64.b64encode(bytes(32)).decode() + "==",
    ],
)
def test_bad_public_key_texts_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        decode_public_key(text)


# --------------------------------------------------------------------------- verify


def test_envelope_round_trip_and_verify() -> None:
    data = small_bundle().to_bytes()
    env = sign(PAYLOAD_TYPE_AGGREGATES, data, [OLD])
    again = Envelope.from_bytes(env.to_bytes())
    assert again == env
    assert verify(again, trust(OLD)) == key_id(OLD.public_key())
    assert Bundle.from_bytes(again.payload) == small_bundle()


def test_every_single_byte_flip_of_the_payload_is_refused() -> None:
    env = sign(PAYLOAD_TYPE_AGGREGATES, small_bundle().to_bytes(), [OLD])
    trusted = trust(OLD)
    for i in range(len(env.payload)):
        for mask in (0x01, 0x80, 0xFF):
            payload = bytearray(env.payload)
            payload[i] ^= mask
            with pytest.raises(BadSignature):
                verify(Envelope(env.payload_type, bytes(payload), env.signatures), trusted)


def test_every_bit_flip_of_the_signature_is_refused() -> None:
    env = sign(PAYLOAD_TYPE_AGGREGATES, small_bundle().to_bytes(), [OLD])
    trusted, good = trust(OLD), env.signatures[0]
    assert len(good.sig) == 64
    for i in range(len(good.sig)):
        for bit in range(8):
            sig = bytearray(good.sig)
            sig[i] ^= 1 << bit
            flipped = Envelope(env.payload_type, env.payload, (Signature(good.keyid, bytes(sig)),))
            with pytest.raises(BadSignature):
                verify(flipped, trusted)


@pytest.mark.parametrize("cut", [0, 1, 63, 65])
def test_signatures_of_the_wrong_length_are_refused(cut: int) -> None:
    env = sign(PAYLOAD_TYPE_AGGREGATES, b"{}", [OLD])
    sig = (env.signatures[0].sig + b"\0")[:cut]
    with pytest.raises(BadSignature):
        verify(Envelope(env.payload_type, b"{}", (Signature(env.signatures[0].keyid, sig),)),
               trust(OLD))  # fmt: skip


def test_rotation_statement_signed_by_two_keys() -> None:
    env = sign(PAYLOAD_TYPE_AGGREGATES, b'{"rotate":true}', [OLD, NEW])
    assert [s.keyid for s in env.signatures] == [key_id(OLD.public_key()), key_id(NEW.public_key())]
    # One trusted signature is enough; signatures by keys the receiver does not know are ignored.
    assert verify(env, trust(OLD)) == key_id(OLD.public_key())
    assert verify(env, trust(NEW)) == key_id(NEW.public_key())
    assert verify(env, trust(OLD, NEW)) == key_id(OLD.public_key())
    with pytest.raises(UnknownKey):
        verify(env, trust(OTHER))


def test_any_trusted_signature_that_fails_is_refused() -> None:
    env = sign(PAYLOAD_TYPE_AGGREGATES, b'{"rotate":true}', [OLD, NEW])
    broken_new = Signature(env.signatures[1].keyid, bytes(64))
    env2 = Envelope(env.payload_type, env.payload, (env.signatures[0], broken_new))
    with pytest.raises(BadSignature):
        verify(env2, trust(OLD, NEW))
    # The broken signature is by a key this receiver does not trust: ignored.
    assert verify(env2, trust(OLD)) == key_id(OLD.public_key())
    # A signature whose keyid names a trusted key but was made by another key fails.
    forged = sign(PAYLOAD_TYPE_AGGREGATES, env.payload, [OTHER]).signatures[0]
    env3 = Envelope(
        env.payload_type, env.payload, (Signature(key_id(OLD.public_key()), forged.sig),)
    )
    with pytest.raises(BadSignature):
        verify(env3, trust(OLD))


def test_no_trusted_signature_is_unknown_key() -> None:
    env = sign(PAYLOAD_TYPE_AGGREGATES, b"{}", [OTHER])
    with pytest.raises(UnknownKey) as e:
        verify(env, trust(OLD, NEW))
    assert (e.value.code, e.value.http_status) == ("unknown_key", 401)


def test_error_codes_and_statuses() -> None:
    assert (MalformedEnvelope.code, MalformedEnvelope.http_status) == ("malformed_envelope", 400)
    assert (BadSignature.code, BadSignature.http_status) == ("bad_signature", 422)
    assert (InvalidPayload.code, InvalidPayload.http_status) == ("invalid_payload", 422)


# --------------------------------------------------------------------------- strict envelopes


def test_size_limit() -> None:
    env = sign(PAYLOAD_TYPE_AGGREGATES, b"{}", [OLD]).to_bytes()
    padded = env + b" " * (MAX_ENVELOPE_BYTES - len(env))
    assert Envelope.from_bytes(padded).payload == b"{}"
    with pytest.raises(MalformedEnvelope, match="larger"):
        Envelope.from_bytes(padded + b" ")


def _env_dict() -> dict[str, Any]:
    return sign(PAYLOAD_TYPE_AGGREGATES, b"{}", [OLD]).to_dict()


def _with(d: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return d | changes


def _sig_with(**changes: Any) -> dict[str, Any]:
    d = _env_dict()
    return d | {"signatures": [d["signatures"][0] | changes]}


BAD_ENVELOPES = {
    "list": [],
    "extra field": _with(_env_dict(), extra=1),
    "no payloadType": {k: v for k, v in _env_dict().items() if k != "payloadType"},
    "unknown payloadType": _with(_env_dict(), payloadType="application/json"),
    "payloadType not a string": _with(_env_dict(), payloadType=1),
    "payload not a string": _with(_env_dict(), payload=None),
    "payload not base64": _with(_env_dict(), payload="e30=!"),
    "payload with a newline": _with(_env_dict(), payload="e30=\n"),
    "payload with extra padding": _with(_env_dict(), payload="e30=="),
    "payload with unused bits set": _with(_env_dict(), payload="e31="),
    "no signatures": _with(_env_dict(), signatures=[]),
    "five signatures": _with(_env_dict(), signatures=_env_dict()["signatures"] * 5),
    "signatures not a list": _with(_env_dict(), signatures={}),
    "signature extra field": _sig_with(extra=""),
    "keyid not a string": _sig_with(keyid=1),
    "sig not base64": _sig_with(sig="***"),
}


@pytest.mark.parametrize("name", BAD_ENVELOPES)
def test_strict_envelope_parsing(name: str) -> None:
    with pytest.raises(MalformedEnvelope):
        Envelope.from_dict(BAD_ENVELOPES[name])
    with pytest.raises(MalformedEnvelope):
        Envelope.from_bytes(json.dumps(BAD_ENVELOPES[name]).encode())


@pytest.mark.parametrize("data", [b"", b"\xff\xfe", b"{", b"null", b'"x"', b"[1]"])
def test_not_json_or_not_an_object(data: bytes) -> None:
    with pytest.raises(MalformedEnvelope):
        Envelope.from_bytes(data)


# --------------------------------------------------------------------------- strict payloads


def _bundle_dict() -> dict[str, Any]:
    return small_bundle().to_dict()


def _set(path: str, value: Any, *, delete: bool = False) -> dict[str, Any]:
    d = _bundle_dict()
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = d
    for p in parents:
        target = target[p]
    if delete:
        del target[last]
    else:
        target[last] = value
    return d


BAD_BUNDLES = {
    "wrong format": _set("format", "lexheller.other"),
    "format_version 2": _set("format_version", 2),
    "format_version true": _set("format_version", True),
    "format_version 1.0": _set("format_version", 1.0),
    "extra field": _set("extra", 1),
    "sequence 0": _set("sequence", 0),
    "sequence true": _set("sequence", True),
    "sequence string": _set("sequence", "1"),
    "k 0": _set("disclosure.k", 0),
    "k true": _set("disclosure.k", True),
    "k missing": _set("disclosure.k", None, delete=True),
    "disclosure extra field": _set("disclosure.x", 1),
    "method not a string": _set("disclosure.method", 3),
    "taxonomy v": _set("taxonomy", "v"),
    "taxonomy unicode digit": _set("taxonomy", "v\u0661"),
    "synthetic 0": _set("synthetic", 0),
    "tables not a list": _set("tables", {}),
    "figures not objects": _set("figures", [1]),
    "figure of unknown name": _set(
        "figures", [{"name": "x", "period": "2025", "value": 1, "min_cases": 3}]
    ),
    "figure with extra field": _set(
        "figures",
        [{"name": "median_days_to_feedback", "period": "2025", "value": 1, "min_cases": 3, "n": 2}],
    ),
    "figure below one case": _set(
        "figures",
        [{"name": "median_days_to_feedback", "period": "2025", "value": 1, "min_cases": 0}],
    ),
    "created not UTC": _set("created", "2026-01-15T12:00:00+01:00"),
    "created unpadded": _set("created", "2026-1-15T12:00:00Z"),
    "created trailing newline": _set("created", "2026-01-15T12:00:00Z\n"),
    "created 30 February": _set("created", "2026-02-30T12:00:00Z"),
    "expires before created": _set("expires", "2026-01-15T11:59:59Z"),
    "expires equals created": _set("expires", "2026-01-15T12:00:00Z"),
    "node missing": _set("node", None, delete=True),
    "node extra field": _set("node.email", "a@example.se"),
    "node id upper case": _set("node.id", "SF-Test"),
    "node id trailing newline": _set("node.id", "sf-test\n"),
    "node id one character": _set("node.id", "s"),
    "node name empty": _set("node.name", ""),
    "node name too long": _set("node.name", "x" * 201),
    "node lan empty": _set("node.lan", []),
    "node lan three digits": _set("node.lan", ["140"]),
    "node lan unicode digits": _set("node.lan", ["\u0661\u0664"]),
    "node kommun short": _set("node.kommuner", ["148"]),
    "node population negative": _set("node.population", -1),
    "node population float": _set("node.population", 10.0),
    "table extra field": _set("tables.0.note", "x"),
    "table name upper case": _set("tables.0.name", "Total"),
    "table period quarter 5": _set("tables.0.period", "2025-Q5"),
    "table period month 13": _set("tables.0.period", "2025-13"),
    "table period trailing newline": _set("tables.0.period", "2025\n"),
    "table period unicode digits": _set("tables.0.period", "\u0662\u0660\u0662\u0665"),
    "table dims not strings": _set("tables.1.dims", [1]),
    "cell key too long": _set("tables.1.cells.0.key", ["N1", "N2"]),
    "cell key empty code": _set("tables.1.cells.0.key", [""]),
    "cell key code too long": _set("tables.1.cells.0.key", ["N" * 21]),
    "cell value negative": _set("tables.1.cells.0.value", -1),
    "cell value float": _set("tables.1.cells.0.value", 5.0),
    "cell value bool": _set("tables.1.cells.0.value", True),
    "cell value string": _set("tables.1.cells.0.value", "5"),
    "cell extra field": _set("tables.1.cells.0.note", ""),
    "duplicate cell": _set("tables.1.cells.1.key", ["N1"]),
    "duplicate table": _set("tables.1", _bundle_dict()["tables"][0]),
}


@pytest.mark.parametrize("name", BAD_BUNDLES)
def test_strict_bundle_parsing(name: str) -> None:
    with pytest.raises(InvalidPayload):
        Bundle.from_dict(BAD_BUNDLES[name])


@pytest.mark.parametrize("data", [b"\xff", b"{", b"[]", b"null"])
def test_bundle_bytes_that_are_not_a_json_object(data: bytes) -> None:
    with pytest.raises(InvalidPayload):
        Bundle.from_bytes(data)


def _enrolment_dict() -> dict[str, Any]:
    node = NodeInfo("sf-test", "Samordningsförbundet Test", ("14",))
    return Enrolment("nav-test", node, encode_public_key(OLD.public_key()), T0).to_dict()


BAD_ENROLMENTS = {
    "bundle format": _enrolment_dict() | {"format": "lexheller.aggregates"},
    "no format_version": {k: v for k, v in _enrolment_dict().items() if k != "format_version"},
    "format_version 2": _enrolment_dict() | {"format_version": 2},
    "extra field": _enrolment_dict() | {"expires": "2027-01-01T00:00:00Z"},
    "hub_id upper case": _enrolment_dict() | {"hub_id": "NAV"},
    "public_key with spaces": _enrolment_dict()
    | {"public_key": " " + encode_public_key(OLD.public_key())},
    "public_key too short": _enrolment_dict() | {"public_key": "ed25519:AAAA"},
    "public_key missing": {k: v for k, v in _enrolment_dict().items() if k != "public_key"},
    "issued not a time": _enrolment_dict() | {"issued": "igår"},
}


def test_enrolment_round_trip() -> None:
    d = _enrolment_dict()
    e = Enrolment.from_dict(d)
    assert e.to_dict() == d
    assert Enrolment.from_bytes(e.to_bytes()) == e


@pytest.mark.parametrize("name", BAD_ENROLMENTS)
def test_strict_enrolment_parsing(name: str) -> None:
    with pytest.raises(InvalidPayload):
        Enrolment.from_dict(BAD_ENROLMENTS[name])
    with pytest.raises(InvalidPayload):
        Enrolment.from_bytes(json.dumps(BAD_ENROLMENTS[name]).encode())


# --------------------------------------------------------------------------- round trips

ID = st.from_regex(r"[a-z0-9][a-z0-9-]{1,62}", fullmatch=True)
PERIOD = st.from_regex(r"[0-9]{4}(-(Q[1-4]|0[1-9]|1[0-2]))?", fullmatch=True)
CODE = st.text(min_size=1, max_size=20)
COUNT = st.none() | st.integers(min_value=0, max_value=10**9)
TIME = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1)).map(
    lambda t: t.replace(microsecond=0, tzinfo=UTC)
)
NODES = st.builds(
    NodeInfo,
    id=ID,
    # a node name never starts like a spreadsheet formula nor holds control characters
    name=st.text(st.characters(exclude_categories=["Cc"]), min_size=1, max_size=200).filter(
        lambda n: not n.startswith(("=", "+", "-", "@"))
    ),
    lan=st.lists(st.from_regex(r"[0-9]{2}", fullmatch=True), min_size=1, max_size=3).map(tuple),
    kommuner=st.lists(st.from_regex(r"[0-9]{4}", fullmatch=True), max_size=4).map(tuple),
    population=st.none() | st.integers(min_value=0, max_value=10**8),
)


@st.composite
def tables(draw: st.DrawFn) -> Table:
    dims = tuple(draw(st.lists(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), max_size=2)))
    keys = st.tuples(*[CODE] * len(dims))
    cells = draw(st.dictionaries(keys, COUNT, max_size=12))
    name = draw(st.from_regex(r"[a-z_]{1,40}", fullmatch=True))
    return Table(name, draw(PERIOD), dims, tuple(cells.items()))


@st.composite
def bundles(draw: st.DrawFn) -> Bundle:
    created = draw(TIME)
    return Bundle(
        node=draw(NODES),
        sequence=draw(st.integers(min_value=1, max_value=2**53)),
        created=created,
        expires=created + timedelta(seconds=draw(st.integers(1, 10**8))),
        taxonomy=draw(st.from_regex(r"v[0-9]{1,3}", fullmatch=True)),
        k=draw(st.integers(min_value=1, max_value=50)),
        method=draw(st.text(max_size=40)),
        synthetic=draw(st.booleans()),
        tables=tuple(draw(st.lists(tables(), max_size=5, unique_by=lambda t: (t.name, t.period)))),
        figures=tuple(
            draw(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "name": st.sampled_from(FIGURE_NAMES),
                            "period": st.from_regex(r"[0-9]{4}", fullmatch=True),
                            "value": st.floats(0, 10**6, allow_nan=False) | st.integers(0, 10**6),
                            "min_cases": st.integers(1, 100),
                        }
                    ),
                    max_size=3,
                )
            )
        ),
    )


@settings(max_examples=80, deadline=None)
@given(bundles())
def test_random_bundles_round_trip_and_match_the_schema(bundle: Bundle) -> None:
    assert Bundle.from_dict(bundle.to_dict()) == bundle
    data = bundle.to_bytes()
    assert Bundle.from_bytes(data) == bundle
    assert Bundle.from_bytes(data).to_bytes() == data
    validate_bundle_dict(json.loads(data))
    env = Envelope.from_bytes(sign(PAYLOAD_TYPE_AGGREGATES, data, [OLD]).to_bytes())
    assert verify(env, trust(OLD)) == key_id(OLD.public_key())
    assert Bundle.from_bytes(env.payload) == bundle


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([PAYLOAD_TYPE_AGGREGATES, PAYLOAD_TYPE_ENROLMENT]))
def test_random_payloads_round_trip_in_envelopes(payload: bytes, payload_type: str) -> None:
    env = sign(payload_type, payload, [OLD, NEW])
    again = Envelope.from_bytes(env.to_bytes())
    assert again == env
    assert verify(again, trust(NEW)) == key_id(NEW.public_key())
