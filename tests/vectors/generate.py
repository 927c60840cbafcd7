"""Write the golden signing vectors: fixed Ed25519 seeds, a fixed clock, fixed synthetic data.

Run ``uv run python tests/vectors/generate.py`` after a deliberate change to the wire format;
``tests/test_vectors.py`` fails while the files here differ from what this script writes.

Every bad vector has exactly one defect and is named after it. ``manifest.json`` says what a
hub must answer for each file, and what ``schemas.wire`` alone says (verify, then parse).
The suppression below is a simple heuristic (primary, then complementary within each row and
column); it makes the bundles realistic, it is not the node's audited suppression.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from common.disclosure.model import ACTOR_GROUPS, GROUP_OF
from schemas.codes import code_list
from schemas.shares import _SUITE as SHARE_SUITE
from schemas.shares import (
    EncryptedShare,
    Shares,
    ShareVector,
    encode_x25519_public_key,
    hidden_vectors,
    hpke_info,
    split,
    x25519_key_id,
)
from schemas.wire import (
    PAYLOAD_TYPE_AGGREGATES,
    PAYLOAD_TYPE_ENROLMENT,
    PAYLOAD_TYPE_SHARES,
    UNCLASSIFIED,
    Bundle,
    Enrolment,
    Envelope,
    NodeInfo,
    Plan,
    Signature,
    Table,
    bundle_digest,
    canonical_json,
    encode_public_key,
    fingerprint,
    format_time,
    key_id,
    sign,
)

HERE = Path(__file__).resolve().parent
NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
VALIDITY = timedelta(days=90)
K = 3
METHOD = "primary+complementary"
NODE_KEY = Ed25519PrivateKey.from_private_bytes(bytes([1]) * 32)
HUB_KEY = Ed25519PrivateKey.from_private_bytes(bytes([2]) * 32)
STRANGER_KEY = Ed25519PrivateKey.from_private_bytes(bytes([3]) * 32)
"""Signs unknown_key.json and keyid_swapped.json; deliberately not in keys.json."""
HUB_ID = "nav-vastra-gotaland"
NODE = NodeInfo(
    id="sf-goteborg-test",
    name="Samordningsförbundet Göteborg (testvektor)",
    lan=("14",),
    kommuner=("1480",),
    population=604_616,
)
PERIODS = ("2025", "2025-Q4")
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("total", ()),
    ("problemtyp", ("problemtyp",)),
    ("niva", ("niva",)),
    ("organisation", ("organisation",)),
    ("status", ("status",)),
    ("aktor", ("aktor",)),
    ("problemtyp_x_aktor", ("problemtyp", "aktor")),
    ("aktor_x_niva", ("aktor", "niva")),
)


# --------------------------------------------------------------------------- data


def _reports(n: int, seed: int) -> list[dict[str, Any]]:
    """Coded fields of `n` synthetic reports received in 2025 (no free text is needed)."""
    rng = random.Random(seed)
    problemtyp = list(code_list("problemtyp").values)
    niva = list(code_list("niva").values)
    aktor = list(code_list("aktor").values)
    status = list(code_list("status").values)
    out = []
    for _ in range(n):
        out.append(
            {
                "quarter": rng.choices([1, 2, 3, 4], weights=[26, 24, 16, 34])[0],
                "problemtyp": rng.choices(problemtyp, weights=range(len(problemtyp), 0, -1))[0],
                "niva": rng.choices(niva, weights=[30, 25, 12, 22, 11])[0],
                "organisation": rng.choice(code_list("organisation").values),
                "status": rng.choices(status, weights=[2, 2, 3, 3, 2, 4, 20])[0],
                "aktor": sorted(rng.sample(aktor, rng.choices([1, 2, 3], [5, 3, 1])[0])),
            }
        )
    return out


def _dim_values(dim: str) -> list[str]:
    if dim == "aktorgrupp":
        return list(ACTOR_GROUPS)
    values = list(code_list(dim).values)
    return [*values, UNCLASSIFIED] if dim in ("problemtyp", "niva") else values


def _counts(reports: list[dict[str, Any]], dims: tuple[str, ...]) -> Counter[tuple[str, ...]]:
    counts: Counter[tuple[str, ...]] = Counter()
    for r in reports:
        keys: list[tuple[str, ...]] = [()]
        for dim in dims:
            if dim == "aktorgrupp":  # counts mentions: one per actor named, by its group
                values = [GROUP_OF[a] for a in r["aktor"]]
            else:
                values = r[dim] if isinstance(r[dim], list) else [r[dim]]
            keys = [(*k, v) for k in keys for v in values]
        counts.update(keys)
    return counts


def _suppress(dims: tuple[str, ...], counts: Counter[tuple[str, ...]]) -> dict[tuple, int | None]:
    cells: dict[tuple, int | None] = {}
    keys: Iterable[tuple[str, ...]] = [()]
    for dim in dims:
        keys = [(*k, v) for k in keys for v in _dim_values(dim)]
    for key in keys:
        n = counts[key]
        cells[key] = None if 0 < n < K else n
    groups: defaultdict[tuple[int, tuple[str, ...]], list[tuple[str, ...]]] = defaultdict(list)
    for key in cells:
        for i in range(len(dims)):
            groups[(i, key[:i] + key[i + 1 :])].append(key)  # a row or a column
    changed = True
    while changed:
        changed = False
        for group in groups.values():
            hidden = [key for key in group if cells[key] is None]
            shown = sorted((cells[key], key) for key in group if cells[key])
            if len(hidden) == 1 and shown:
                cells[shown[0][1]] = None
                changed = True
    return cells


def _tables(reports: list[dict[str, Any]],
            names: tuple[tuple[str, tuple[str, ...]], ...] = TABLES) -> list[Table]:  # fmt: skip
    tables = []
    for period in PERIODS:
        rows = [r for r in reports if period == "2025" or r["quarter"] == int(period[-1])]
        for name, dims in names:
            cells = _suppress(dims, _counts(rows, dims))
            tables.append(Table(name, period, dims, tuple(cells.items())))
    return tables


def _bundle(sequence: int, created: datetime, reports: list[dict[str, Any]]) -> Bundle:
    figures = (
        {"name": "median_days_to_feedback", "period": "2025", "value": 38.5, "min_cases": 3},
    )
    # A fixed audit-trail head per sequence, as a node signs it in (format_minor 1).
    head = tuple((chain, hashlib.sha256(f"{chain} {sequence}".encode()).hexdigest())
                 for chain in ("report_events", "staff_events"))  # fmt: skip
    # format_minor 1: these vectors stay as a node of that release signed them.
    return Bundle(NODE, sequence, created, created + VALIDITY, "v1", K, METHOD, False,
                  tuple(_tables(reports)), figures, trail_head=head, format_minor=1)  # fmt: skip


GROUPED_TABLES = tuple(
    (name.replace("aktor", "aktorgrupp"), tuple(d.replace("aktor", "aktorgrupp") for d in dims))
    if name in ("problemtyp_x_aktor", "aktor_x_niva") else (name, dims)
    for name, dims in TABLES
)
"""The tables of a small förbund's plan: cross tables by actor group (format_minor 2)."""


def _plan_bundle(sequence: int, created: datetime, reports: list[dict[str, Any]]) -> Bundle:
    """A format_minor 2 bundle that declares its plan: 2025 with quarters, 2024 held back,
    cross tables by actor group (years below 200 reports)."""
    plan = Plan(years=("2025",), quarters=("2025",), held_back=("2024",),
                actor_groups=("2025",), actor_groups_below=200)  # fmt: skip
    head = tuple((chain, hashlib.sha256(f"{chain} {sequence}".encode()).hexdigest())
                 for chain in ("report_events", "staff_events"))  # fmt: skip
    return Bundle(NODE, sequence, created, created + VALIDITY, "v1", K, METHOD, False,
                  tuple(_tables(reports, GROUPED_TABLES)), (), trail_head=head, plan=plan)  # fmt: skip


def _classified_later(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sequence 1 was published before the last reports arrived and some were classified."""
    early = [dict(r) for r in reports[:-3]]
    for r in early[::15]:
        r["problemtyp"] = r["niva"] = UNCLASSIFIED
    return early


# --------------------------------------------------------------------------- envelopes


def _signed(bundle_dict: dict[str, Any], key: Ed25519PrivateKey = NODE_KEY) -> bytes:
    return sign(PAYLOAD_TYPE_AGGREGATES, canonical_json(bundle_dict), [key]).to_bytes()


def _first_count_offset(payload: bytes) -> int:
    """Offset of the first digit of a non-zero count, so a flip changes a number."""
    at = 0
    while True:
        at = payload.index(b'"value":', at) + len(b'"value":')
        if payload[at : at + 1] in b"123456789":
            return at


def build() -> dict[str, bytes]:
    """Every vector file's name and exact bytes."""
    reports = _reports(140, seed=2025)
    seq1 = _bundle(1, NOW - timedelta(days=31), _classified_later(reports))
    seq2 = _bundle(2, NOW, reports)
    seq2_env = sign(PAYLOAD_TYPE_AGGREGATES, seq2.to_bytes(), [NODE_KEY])
    files: dict[str, bytes] = {
        "valid_bundle.json": sign(PAYLOAD_TYPE_AGGREGATES, seq1.to_bytes(), [NODE_KEY]).to_bytes(),
        "valid_bundle_seq2.json": seq2_env.to_bytes(),
    }
    enrolment = Enrolment(HUB_ID, NODE, encode_public_key(NODE_KEY.public_key()), NOW)
    files["valid_enrolment.json"] = sign(
        PAYLOAD_TYPE_ENROLMENT, enrolment.to_bytes(), [HUB_KEY]
    ).to_bytes()

    payload = bytearray(seq2_env.payload)
    payload[_first_count_offset(bytes(payload))] ^= 0x01
    files["bad_signature.json"] = Envelope(
        seq2_env.payload_type, bytes(payload), seq2_env.signatures
    ).to_bytes()
    sig = bytearray(seq2_env.signatures[0].sig)
    sig[0] ^= 0x01
    files["signature_flipped.json"] = Envelope(
        seq2_env.payload_type, seq2_env.payload, (Signature(seq2_env.signatures[0].keyid, bytes(sig)),)
    ).to_bytes()  # fmt: skip
    seq3 = seq2.to_dict() | {"sequence": 3}
    files["unknown_key.json"] = _signed(seq3, STRANGER_KEY)
    stranger = sign(PAYLOAD_TYPE_AGGREGATES, canonical_json(seq3), [STRANGER_KEY])
    files["keyid_swapped.json"] = Envelope(
        stranger.payload_type,
        stranger.payload,
        (Signature(key_id(NODE_KEY.public_key()), stranger.signatures[0].sig),),
    ).to_bytes()
    files["not_json.bin"] = "Detta är inget JSON-kuvert.\n".encode("latin-1")
    files["not_an_envelope.json"] = seq2.to_bytes()
    files["unknown_payload_type.json"] = sign(
        "application/vnd.in-toto+json", seq2.to_bytes(), [NODE_KEY]
    ).to_bytes()

    negative = json.loads(canonical_json(seq3))
    negative["tables"][0]["cells"][0]["value"] = -1
    files["invalid_payload.json"] = _signed(negative)
    leak = json.loads(canonical_json(seq3))
    cell = next(c for t in leak["tables"] for c in t["cells"] if c["value"] is None)
    cell["value"] = 1
    files["small_count_leak.json"] = _signed(leak)
    old = NOW - timedelta(days=120)
    files["expired.json"] = _signed(
        seq3 | {"created": format_time(old), "expires": format_time(old + VALIDITY)}
    )
    files["replayed_sequence.json"] = _signed(seq2.to_dict() | {"sequence": 1})
    files["keys.json"] = _pretty(_keys())
    files["manifest.json"] = _pretty(_manifest(set(files)))
    return files


# --------------------------------------------------------------------------- descriptions


def _key_entry(key: Ed25519PrivateKey, **extra: str) -> dict[str, str]:
    pub = key.public_key()
    return extra | {
        "public_key": encode_public_key(pub),
        "keyid": key_id(pub),
        "fingerprint": fingerprint(pub),
    }


def _keys() -> dict[str, Any]:
    return {
        "note": "Test keys from fixed seeds (node: 32 bytes of 0x01, hub: 0x02). Never use them "
        "for real data. The key that signs unknown_key.json (seed 0x03) is deliberately absent.",
        "node": _key_entry(NODE_KEY, id=NODE.id, name=NODE.name),
        "hub": _key_entry(HUB_KEY, id=HUB_ID),
    }


def _expect(trusted: str, wire: str, status: int, code: str | None, text: str) -> dict[str, Any]:
    return {"trusted": trusted, "wire": wire, "http_status": status, "code": code,
            "description": text}  # fmt: skip


EXPECTED: dict[str, dict[str, Any]] = {
    "valid_bundle.json": _expect("node", "ok", 200, None,
        "Sequence 1 (periods 2025 and 2025-Q4), created 2025-12-15. The hub already stored "
        "these exact bytes: resending them is idempotent (200, nothing changes)."),
    "valid_bundle_seq2.json": _expect("node", "ok", 200, None,
        "Sequence 2, created at the clock: a revision of sequence 1 with three later reports "
        "and later classifications. Already stored: idempotent."),
    "valid_enrolment.json": _expect("hub", "ok", 200, None,
        "The hub's statement that the node holds keys.json's node key, signed by the hub key; "
        "an upstream hub that trusts the hub key accepts it."),
    "bad_signature.json": _expect("node", "bad_signature", 422, "bad_signature",
        "valid_bundle_seq2 with one payload byte (a digit of a count) flipped after signing."),
    "signature_flipped.json": _expect("node", "bad_signature", 422, "bad_signature",
        "valid_bundle_seq2 with the first byte of the signature flipped."),
    "unknown_key.json": _expect("node", "unknown_key", 401, "unknown_key",
        "Sequence 3, signed by a key that is not enrolled (seed 0x03)."),
    "keyid_swapped.json": _expect("node", "bad_signature", 422, "bad_signature",
        "Sequence 3, signed by the unenrolled key but labelled with the node's key id."),
    "not_json.bin": _expect("node", "malformed_envelope", 400, "malformed_envelope",
        "Latin-1 text, not UTF-8 JSON."),
    "not_an_envelope.json": _expect("node", "malformed_envelope", 400, "malformed_envelope",
        "The bare bundle JSON of valid_bundle_seq2, posted without an envelope."),
    "unknown_payload_type.json": _expect("node", "malformed_envelope", 400,
        "malformed_envelope", "Validly signed by the node, payloadType "
        "application/vnd.in-toto+json."),
    "invalid_payload.json": _expect("node", "invalid_payload", 422, "invalid_payload",
        "Validly signed, sequence 3, the total is -1 (schema: a count is >= 0)."),
    "small_count_leak.json": _expect("node", "ok", 422, "small_count",
        "Validly signed, sequence 3, one suppressed cell published as 1 while k = 3: the hub "
        "refuses it by policy."),
    "expired.json": _expect("node", "ok", 422, "expired",
        "Validly signed, sequence 3, created 2025-09-17, expired 2025-12-16T12:00:00Z."),
    "replayed_sequence.json": _expect("node", "ok", 409, "replayed_sequence",
        "Validly signed, the current data sent again with sequence 1 (not the stored bytes) "
        "after sequence 2 was accepted: no replay, no rollback."),
}  # fmt: skip


def _manifest(names: set[str]) -> dict[str, Any]:
    assert names - {"keys.json"} == set(EXPECTED), names ^ set(EXPECTED)
    return {
        "generated_by": "tests/vectors/generate.py",
        "clock": "2026-01-15T12:00:00Z",
        "context": (
            "Outcome when each file is posted on its own, as the body of POST to the hub's "
            "bundle endpoint (the enrolment to an upstream hub's enrolment endpoint), at the "
            "clock time, to a hub that has enrolled keys.json's node key and has accepted "
            "valid_bundle.json and then valid_bundle_seq2.json. 'wire' is what "
            "schemas.wire says with only the 'trusted' key of keys.json: Envelope.from_bytes, "
            "verify, then Bundle.from_bytes or Enrolment.from_bytes; 'ok' or the error code. "
            "'code' is the error code in the hub's JSON error body, null on success."
        ),
        "files": {name: EXPECTED[name] for name in sorted(EXPECTED)},
    }


def _pretty(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in build().items():
        (out / name).write_bytes(data)
        paths.append(out / name)
    return paths


# --------------------------------------------------------------------------- share envelopes
# Written to shares/ with their own manifest. HPKE encryption is randomised (a fresh ephemeral
# key each time), so a stored ciphertext is kept as long as it still decrypts to exactly the
# plaintext this generator makes; everything else (the split, the signatures) is deterministic.

SHARES_DIR = HERE / "shares"
AGGREGATOR_IDS = ("aggregator-a1", "aggregator-a2", "aggregator-a3")
AGGREGATOR_KEYS = tuple(X25519PrivateKey.from_private_bytes(bytes([0x10 + j]) * 32)
                        for j in (1, 2, 3))  # fmt: skip


def _exact(reports: list[dict[str, Any]]) -> dict[tuple[str, str, tuple[str, ...]], int]:
    exact = {}
    for period in PERIODS:
        rows = [r for r in reports if period == "2025" or r["quarter"] == int(period[-1])]
        for name, dims in TABLES:
            for key, n in _counts(rows, dims).items():
                exact[(name, period, key)] = n
    return exact


def _share_payload(bundle: Bundle, digest: str, exact: dict, seed: int, reuse: Path) -> Shares:
    rng = random.Random(seed)
    residuals, indicators = hidden_vectors(bundle.tables, exact)
    rs, ins = split(residuals, rng.randrange), split(indicators, rng.randrange)
    old: dict[int, bytes] = {}
    if reuse.exists():
        stored = Shares.from_bytes(Envelope.from_bytes(reuse.read_bytes()).payload)
        old = {s.party: s.ciphertext for s in stored.shares}
    out = []
    for j, (agg_id, key) in enumerate(zip(AGGREGATOR_IDS, AGGREGATOR_KEYS, strict=True), 1):
        vec = ShareVector(NODE.id, digest, j, tuple(rs[j - 1]), tuple(ins[j - 1]))
        kid = x25519_key_id(key.public_key())
        info = hpke_info(NODE.id, digest, j, kid)
        ct = old.get(j)
        try:
            fresh = ct is None or SHARE_SUITE.decrypt(ct, key, info=info) != vec.to_bytes()
        except InvalidTag:
            fresh = True
        if fresh:
            ct = SHARE_SUITE.encrypt(vec.to_bytes(), key.public_key(), info=info)
        assert ct is not None
        out.append(EncryptedShare(j, agg_id, kid, ct))
    cells = len(residuals)
    return Shares(NODE.id, digest, bundle.sequence, bundle.created, cells, tuple(out))


def _signed_shares(d: dict[str, Any], key: Ed25519PrivateKey = NODE_KEY) -> bytes:
    return sign(PAYLOAD_TYPE_SHARES, canonical_json(d), [key]).to_bytes()


def build_shares(reuse: Path = SHARES_DIR) -> dict[str, bytes]:
    """Share envelopes for the bundles of build(): one valid, the rest one defect each."""
    bundles = build()
    reports = _reports(140, seed=2025)
    seq1 = Bundle.from_bytes(Envelope.from_bytes(bundles["valid_bundle.json"]).payload)
    seq2 = Bundle.from_bytes(Envelope.from_bytes(bundles["valid_bundle_seq2.json"]).payload)
    d1 = bundle_digest(bundles["valid_bundle.json"])
    d2 = bundle_digest(bundles["valid_bundle_seq2.json"])
    valid = _share_payload(seq2, d2, _exact(reports), 2, reuse / "valid_shares.json")
    older = _share_payload(seq1, d1, _exact(_classified_later(reports)), 1,
                           reuse / "replayed_shares.json")  # fmt: skip
    files = {"valid_shares.json": _signed_shares(valid.to_dict())}
    env = Envelope.from_bytes(files["valid_shares.json"])
    payload = bytearray(env.payload)
    at = payload.index(b'"bundle_sequence":') + len(b'"bundle_sequence":')
    payload[at] ^= 0x01  # 2 -> 3
    files["bad_signature.json"] = Envelope(env.payload_type, bytes(payload),
                                           env.signatures).to_bytes()  # fmt: skip
    sig = bytearray(env.signatures[0].sig)
    sig[0] ^= 0x01
    files["signature_flipped.json"] = Envelope(
        env.payload_type, env.payload, (Signature(env.signatures[0].keyid, bytes(sig)),)
    ).to_bytes()
    files["unknown_key.json"] = _signed_shares(valid.to_dict(), STRANGER_KEY)
    swapped = valid.to_dict()
    a, b = swapped["shares"][0]["ciphertext"], swapped["shares"][1]["ciphertext"]
    swapped["shares"][0]["ciphertext"], swapped["shares"][1]["ciphertext"] = b, a
    files["share_swapped.json"] = _signed_shares(swapped)
    files["wrong_modulus.json"] = _signed_shares(valid.to_dict() | {"modulus": str(2**64)})
    files["unknown_bundle.json"] = _signed_shares(valid.to_dict() | {"bundle_digest": "ab" * 32})
    files["cells_mismatch.json"] = _signed_shares(valid.to_dict() | {"cells": valid.cells - 1})
    files["replayed_shares.json"] = _signed_shares(older.to_dict())
    files["keys.json"] = _pretty({
        "note": "Test keys from fixed seeds: aggregator j's X25519 key is 32 bytes of 0x10+j. "
                "The node key is that of ../keys.json. Never use them for real data.",
        "aggregators": [{"party": j, "id": agg, "x25519_private_hex": key.private_bytes_raw().hex(),
                         "public_key": encode_x25519_public_key(key.public_key()),
                         "keyid": x25519_key_id(key.public_key())}
                        for j, (agg, key) in enumerate(zip(AGGREGATOR_IDS, AGGREGATOR_KEYS, strict=True), 1)],
    })  # fmt: skip
    files["manifest.json"] = _pretty({
        "generated_by": "tests/vectors/generate.py",
        "context": "Outcome when each file is posted to the national hub's share endpoint, by "
        "a hub that enrolled the node and accepted ../valid_bundle.json, "
        "../valid_bundle_seq2.json and then valid_shares.json. 'wire' is what "
        "schemas.shares.open_envelope says with the node key; 'decrypt' is what "
        "schemas.shares.decrypt says for aggregator 1 with keys.json.",
        "files": {name: SHARE_EXPECTED[name] for name in sorted(SHARE_EXPECTED)},
    })
    return files


def _sx(wire: str, decrypt: str | None, status: int, code: str | None, text: str) -> dict:
    return {"wire": wire, "decrypt": decrypt, "http_status": status, "code": code,
            "description": text}  # fmt: skip


SHARE_EXPECTED: dict[str, dict[str, Any]] = {
    "valid_shares.json": _sx("ok", "ok", 200, None,
        "Shares for ../valid_bundle_seq2.json made from the node's exact counts. Already "
        "stored: resending is idempotent."),
    "bad_signature.json": _sx("bad_signature", None, 422, "bad_signature",
        "valid_shares with bundle_sequence changed from 2 to 3 after signing."),
    "signature_flipped.json": _sx("bad_signature", None, 422, "bad_signature",
        "valid_shares with the first byte of the signature flipped."),
    "unknown_key.json": _sx("unknown_key", None, 401, "unknown_key",
        "valid_shares signed by a key that is not enrolled (seed 0x03)."),
    "share_swapped.json": _sx("ok", "share_not_decryptable", 409, "shares_exist",
        "Validly signed, the ciphertexts of parties 1 and 2 swapped: no aggregator can "
        "decrypt its share; the hub, which cannot decrypt, already holds other shares for "
        "the bundle."),
    "wrong_modulus.json": _sx("invalid_payload", None, 422, "invalid_payload",
        "Validly signed, modulus 2^64 instead of the SecInt(32) prime."),
    "unknown_bundle.json": _sx("ok", "share_not_decryptable", 409, "unknown_bundle",
        "Validly signed, for a bundle digest the hub never received."),
    "cells_mismatch.json": _sx("ok", "share_not_decryptable", 422, "cells_mismatch",
        "Validly signed, claims one cell fewer than the bundle has."),
    "replayed_shares.json": _sx("ok", "ok", 409, "replayed_sequence",
        "Valid shares for ../valid_bundle.json (sequence 1) posted after those of sequence "
        "2: no rollback."),
}  # fmt: skip


def write_shares(out: Path, reuse: Path = SHARES_DIR) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in build_shares(reuse).items():
        (out / name).write_bytes(data)
        paths.append(out / name)
    return paths


# --------------------------------------------------------------------------- declared plans
# Bundles of format_minor 2 that declare their publication plan, in plans/ with their own
# manifest (the top-level vectors stay byte for byte as a format_minor 1 node signed them).

PLANS_DIR = HERE / "plans"

PLAN_EXPECTED: dict[str, dict[str, Any]] = {
    "valid_bundle_plan.json": _expect("node", "ok", 201, None,
        "Sequence 3, format_minor 2, created at the clock: declares its plan (2025 with "
        "quarters, 2024 held back, cross tables by actor group, problemtyp_x_aktorgrupp and "
        "aktorgrupp_x_niva). A new bundle: the hub stores it."),
    "plan_mismatch.json": _expect("node", "invalid_payload", 422, "invalid_payload",
        "valid_bundle_plan with plan.quarters emptied after building, signed: the tables "
        "hold 2025-Q4, which the plan does not declare."),
}  # fmt: skip


def build_plans() -> dict[str, bytes]:
    plan = _plan_bundle(3, NOW, _reports(140, seed=2025))
    files = {"valid_bundle_plan.json": sign(PAYLOAD_TYPE_AGGREGATES, plan.to_bytes(),
                                            [NODE_KEY]).to_bytes()}  # fmt: skip
    mismatch = plan.to_dict()
    mismatch["plan"] = mismatch["plan"] | {"quarters": []}
    files["plan_mismatch.json"] = _signed(mismatch)
    files["manifest.json"] = _pretty({
        "generated_by": "tests/vectors/generate.py",
        "clock": "2026-01-15T12:00:00Z",
        "context": "Outcome when each file is posted on its own to the hub's bundle endpoint "
        "at the clock time, by a hub that enrolled ../keys.json's node key and accepted "
        "../valid_bundle.json and then ../valid_bundle_seq2.json. 'wire' is what "
        "schemas.wire says with the node key: verify, then Bundle.from_bytes.",
        "files": {name: PLAN_EXPECTED[name] for name in sorted(PLAN_EXPECTED)},
    })
    return files


def write_plans(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in build_plans().items():
        (out / name).write_bytes(data)
        paths.append(out / name)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write (default: here)")
    parser.add_argument("--shares-out", type=Path, default=None,
                        help="folder for the share vectors (default: shares/ when --out is here)")  # fmt: skip
    parser.add_argument("--plans-out", type=Path, default=None,
                        help="folder for the plan vectors (default: plans/ when --out is here)")  # fmt: skip
    args = parser.parse_args(argv)
    for path in write(args.out):
        print(path)
    shares_out = args.shares_out or (SHARES_DIR if args.out == HERE else None)
    if shares_out is not None:
        for path in write_shares(shares_out):
            print(path)
    plans_out = args.plans_out or (PLANS_DIR if args.out == HERE else None)
    if plans_out is not None:
        for path in write_plans(plans_out):
            print(path)


if __name__ == "__main__":
    main()
