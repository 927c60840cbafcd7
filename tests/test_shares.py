"""Share envelopes: golden vectors, strict parsing, refusal when altered, the split's secrecy."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path
from types import ModuleType

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from jsonschema import Draft202012Validator
from scipy import stats

from schemas import shares as sh
from schemas.validation import schema_text
from schemas.wire import Envelope, WireError, decode_public_key, key_id

VECTORS = Path(__file__).parent / "vectors"
SHARES = VECTORS / "shares"
MANIFEST = json.loads((SHARES / "manifest.json").read_text("utf-8"))
KEYS = json.loads((SHARES / "keys.json").read_text("utf-8"))
NODE_KEY = decode_public_key(json.loads((VECTORS / "keys.json").read_text("utf-8"))["node"]
                             ["public_key"])  # fmt: skip


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vectors_generate", VECTORS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _agg_key(party: int) -> X25519PrivateKey:
    entry = KEYS["aggregators"][party - 1]
    return X25519PrivateKey.from_private_bytes(bytes.fromhex(entry["x25519_private_hex"]))


def test_regenerating_share_vectors_gives_identical_files(tmp_path: Path) -> None:
    _generator().write_shares(tmp_path)
    fresh = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(fresh) == {p.name for p in SHARES.iterdir()}
    stale = [n for n, data in fresh.items() if (SHARES / n).read_bytes() != data]
    assert not stale, f"stale share vectors {stale}; run: uv run python tests/vectors/generate.py"


def _wire_and_decrypt(raw: bytes) -> tuple[str, str | None]:
    try:
        payload, _ = sh.open_envelope(raw, {key_id(NODE_KEY): NODE_KEY})
    except WireError as e:
        return e.code, None
    try:
        sh.decrypt(payload, 1, _agg_key(1))
    except WireError as e:
        return "ok", e.code
    return "ok", "ok"


@pytest.mark.parametrize("name", sorted(MANIFEST["files"]))
def test_each_vector_behaves_as_its_manifest_says(name: str) -> None:
    expected = MANIFEST["files"][name]
    wire, decrypted = _wire_and_decrypt((SHARES / name).read_bytes())
    assert wire == expected["wire"], name
    assert decrypted == expected["decrypt"], name


def test_valid_vector_shares_sum_to_the_hidden_residuals() -> None:
    payload, _ = sh.open_envelope((SHARES / "valid_shares.json").read_bytes(),
                                  {key_id(NODE_KEY): NODE_KEY})  # fmt: skip
    vecs = [sh.decrypt(payload, j, _agg_key(j)) for j in (1, 2, 3)]
    gen = _generator()
    bundle_env = Envelope.from_bytes((VECTORS / "valid_bundle_seq2.json").read_bytes())
    from schemas.wire import Bundle

    bundle = Bundle.from_bytes(bundle_env.payload)
    residuals, indicators = sh.hidden_vectors(bundle.tables, gen._exact(gen._reports(140, 2025)))
    assert sh.combine([v.residuals for v in vecs]) == residuals
    assert sh.combine([v.indicators for v in vecs]) == indicators
    assert any(residuals), "the vector hides something"
    # published cells carry residual 0: published parts stay public
    flat = [v for t in bundle.tables for _, v in t.cells]
    assert all(r == 0 for r, v in zip(residuals, flat, strict=True) if v is not None)


def test_payload_matches_its_json_schema() -> None:
    schema = json.loads(schema_text("shares"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    good = json.loads(Envelope.from_bytes((SHARES / "valid_shares.json").read_bytes()).payload)
    assert not list(validator.iter_errors(good))
    for bad in (good | {"modulus": "1"}, good | {"extra": 1}, good | {"cells": 0},
                good | {"shares": good["shares"][:2]},
                good | {"shares": [good["shares"][1], good["shares"][0], good["shares"][2]]}):  # fmt: skip
        assert list(validator.iter_errors(bad))
        with pytest.raises(sh.InvalidPayload):
            sh.Shares.from_dict(bad)


@pytest.mark.parametrize("position", range(0, 2000, 97))
def test_every_altered_byte_is_refused(position: int) -> None:
    raw = (SHARES / "valid_shares.json").read_bytes()
    env = Envelope.from_bytes(raw)
    payload = bytearray(env.payload)
    payload[position % len(payload)] ^= 0x04
    altered = Envelope(env.payload_type, bytes(payload), env.signatures).to_bytes()
    with pytest.raises(WireError):
        sh.open_envelope(altered, {key_id(NODE_KEY): NODE_KEY})


def test_a_share_decrypts_only_for_its_own_aggregator() -> None:
    payload, _ = sh.open_envelope((SHARES / "valid_shares.json").read_bytes(),
                                  {key_id(NODE_KEY): NODE_KEY})  # fmt: skip
    with pytest.raises(sh.ShareNotDecryptable, match="not to this aggregator"):
        sh.decrypt(payload, 1, _agg_key(2))
    with pytest.raises(sh.ShareNotDecryptable):
        sh.decrypt(payload, 2, X25519PrivateKey.generate())


def test_hidden_vectors_refuse_a_bundle_not_made_from_these_counts() -> None:
    from schemas.wire import Table

    t = Table("total", "2025", (), (((), 7),))
    with pytest.raises(ValueError, match="the bundle says 7"):
        sh.hidden_vectors([t], {("total", "2025", ()): 8})


def test_any_single_share_is_uniform() -> None:
    """Chi-square over 16 buckets of the top bits: one share of a fixed small value is uniform."""
    rng = random.Random(7)
    values = [2] * 4000  # the same small secret every time
    for party in range(3):
        share = sh.split(values, rng.randrange)[party]
        buckets = [0] * 16
        for x in share:
            buckets[x * 16 // sh.MODULUS] += 1
        assert stats.chisquare(buckets).pvalue > 0.001, (party, buckets)
        assert len(set(share)) == len(share)  # no repeats: nothing of the constant shows
