"""Golden release vectors: three aggregators' fixed Ed25519 seeds, a fixed clock, fixed figures.

Run ``.venv/bin/python tests/vectors/release_vectors.py`` after a deliberate change to the
release format; ``tests/test_release_schema.py`` fails while the files in releases/ differ
from what this script writes. Each bad file has exactly one defect and is named after it;
``manifest.json`` says what ``schemas.release.open_release`` answers with keys.json's keys.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from schemas.release import (
    PAYLOAD_TYPE_RELEASE,
    Noise,
    Release,
    ReleaseCell,
    ReleaseGroup,
    sign_release,
)
from schemas.wire import Envelope, canonical_json, encode_public_key, key_id, sign

HERE = Path(__file__).resolve().parent / "releases"
NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
AGGREGATOR_KEYS = tuple(Ed25519PrivateKey.from_private_bytes(bytes([0x20 + j]) * 32) for j in (1, 2, 3))
STRANGER = Ed25519PrivateKey.from_private_bytes(bytes([3]) * 32)
NODES = ("sf-alingsas", "sf-boras", "sf-goteborg", "sf-lerum", "sf-molndal")


def release(approximate: bool = False) -> Release:
    cells = (
        ReleaseCell("aktor", ("af",), not approximate, 41, 4),
        ReleaseCell("aktor", ("fk",), not approximate, 37, None),
        ReleaseCell("problemtyp", ("P01",), not approximate, 19, 3),
        ReleaseCell("total", (), not approximate, 88, 5),
    )
    noise = Noise("discrete_gaussian", 2, 2.0, 6) if approximate else None
    return Release(ReleaseGroup("nav-vastra-gotaland", "regional", NODES), "2025", 1, "ab" * 32,
                   NOW, 3, cells, approximate, noise)  # fmt: skip


def _env(payload: dict[str, Any] | bytes, keys: tuple[Ed25519PrivateKey, ...] = AGGREGATOR_KEYS) -> bytes:
    raw = payload if isinstance(payload, bytes) else canonical_json(payload)
    return sign(PAYLOAD_TYPE_RELEASE, raw, list(keys)).to_bytes()


EXPECTED = {
    "valid_release.json": ("ok", "Exact regional figures for 2025 signed by all three aggregators."),
    "approximate_release.json": ("ok", "The two-aggregator fallback: values with noise, ±6."),
    "missing_signature.json": ("bad_signature", "valid_release signed by aggregators 1 and 2 only."),
    "value_altered.json": ("bad_signature", "valid_release with the value 41 changed to 14 after signing."),
    "unknown_aggregator.json": ("bad_signature", "Signed by aggregators 1, 2 and a stranger (seed 0x03) instead of 3."),
    "unsorted_cells.json": ("invalid_payload", "Signed by all three, the cells not in table/key order."),
    "exact_with_noise.json": ("invalid_payload", "Signed by all three, approximate false but a noise object."),
}  # fmt: skip


def build() -> dict[str, bytes]:
    valid = release()
    files = {"valid_release.json": sign_release(valid, list(AGGREGATOR_KEYS)).to_bytes(),
             "approximate_release.json": sign_release(release(True), list(AGGREGATOR_KEYS)).to_bytes(),
             "missing_signature.json": _env(valid.to_dict(), AGGREGATOR_KEYS[:2]),
             "unknown_aggregator.json": _env(valid.to_dict(), (*AGGREGATOR_KEYS[:2], STRANGER))}  # fmt: skip
    env = Envelope.from_bytes(files["valid_release.json"])
    altered = env.payload.replace(b'"value":41', b'"value":14')
    assert altered != env.payload
    files["value_altered.json"] = Envelope(env.payload_type, altered, env.signatures).to_bytes()
    d = valid.to_dict()
    files["unsorted_cells.json"] = _env(d | {"cells": list(reversed(d["cells"]))})
    files["exact_with_noise.json"] = _env(d | {"noise": release(True).to_dict()["noise"]})
    files["keys.json"] = _pretty({
        "note": "Test keys from fixed seeds: aggregator j's Ed25519 key is 32 bytes of 0x20+j. "
                "Never use them for real data.",
        "aggregators": [{"party": j, "public_key": encode_public_key(k.public_key()),
                         "keyid": key_id(k.public_key())} for j, k in enumerate(AGGREGATOR_KEYS, 1)],
    })  # fmt: skip
    files["manifest.json"] = _pretty({
        "generated_by": "tests/vectors/release_vectors.py",
        "context": "What schemas.release.open_release answers for each file with the three "
        "aggregator keys of keys.json: 'ok' or the error code.",
        "files": {n: {"open": e[0], "description": e[1]} for n, e in sorted(EXPECTED.items())},
    })
    return files


def _pretty(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write(out: Path = HERE) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in build().items():
        (out / name).write_bytes(data)
        paths.append(out / name)
    return paths


if __name__ == "__main__":
    for p in write():
        print(p)
