"""Golden batch-list vectors: the leader's fixed Ed25519 seed, a fixed clock, fixed members.

Run ``.venv/bin/python tests/vectors/batch_vectors.py`` after a deliberate change to the batch
format; ``tests/test_batch_schema.py`` fails while the files in batches/ differ from what this
script writes. Each bad file has exactly one defect and is named after it; ``manifest.json``
says what ``schemas.batch.open_batch`` answers with the leader key of keys.json.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from schemas.batch import PAYLOAD_TYPE_BATCH, BatchList, BatchMember, sign_batch
from schemas.wire import Envelope, canonical_json, encode_public_key, key_id, sign

HERE = Path(__file__).resolve().parent / "batches"
CLOSED = datetime(2026, 2, 1, 0, 0, 0, tzinfo=UTC)
LEADER = Ed25519PrivateKey.from_private_bytes(bytes([0x21]) * 32)  # aggregator 1 of releases/
MEMBER = Ed25519PrivateKey.from_private_bytes(bytes([0x22]) * 32)  # aggregator 2: not the leader


def batch() -> BatchList:
    members = tuple(BatchMember(n, f"{i:x}" * 64, f"{i + 5:x}" * 64)
                    for i, n in enumerate(("sf-alingsas", "sf-boras", "sf-goteborg"), 1))  # fmt: skip
    return BatchList("national", "national", "2025", 1, CLOSED, "aggregator-a1", members)


def _env(payload: dict[str, Any], key: Ed25519PrivateKey = LEADER) -> bytes:
    return sign(PAYLOAD_TYPE_BATCH, canonical_json(payload), [key]).to_bytes()


EXPECTED = {
    "valid_batch.json": ("ok", "The national batch of 2025, revision 1, three members, signed by A1."),
    "member_removed.json": ("bad_signature", "valid_batch with sf-boras removed after signing."),
    "signed_by_member.json": ("unknown_key", "valid_batch signed by aggregator 2 instead of the leader."),
    "unsorted_members.json": ("invalid_payload", "Signed by A1, members not in node_id order."),
    "duplicate_member.json": ("invalid_payload", "Signed by A1, sf-alingsas listed twice."),
    "revision_zero.json": ("invalid_payload", "Signed by A1, revision 0."),
    "extra_field.json": ("invalid_payload", "Signed by A1, an unknown top-level field."),
}  # fmt: skip


def build() -> dict[str, bytes]:
    valid = batch()
    files = {"valid_batch.json": sign_batch(valid, LEADER).to_bytes()}
    env = Envelope.from_bytes(files["valid_batch.json"])
    d = valid.to_dict()
    removed = canonical_json(
        d | {"members": [m for m in d["members"] if m["node_id"] != "sf-boras"]}
    )
    files["member_removed.json"] = Envelope(env.payload_type, removed, env.signatures).to_bytes()
    files["signed_by_member.json"] = _env(d, MEMBER)
    files["unsorted_members.json"] = _env(d | {"members": list(reversed(d["members"]))})
    files["duplicate_member.json"] = _env(d | {"members": [d["members"][0], *d["members"]]})
    files["revision_zero.json"] = _env(d | {"revision": 0})
    files["extra_field.json"] = _env(d | {"note": "x"})
    files["keys.json"] = _pretty({
        "note": "Test keys from fixed seeds: the leader's Ed25519 key is 32 bytes of 0x21. "
                "Never use them for real data.",
        "leader": {"public_key": encode_public_key(LEADER.public_key()),
                   "keyid": key_id(LEADER.public_key())},
    })  # fmt: skip
    files["manifest.json"] = _pretty(
        {
            "generated_by": "tests/vectors/batch_vectors.py",
            "context": "What schemas.batch.open_batch answers for each file with the leader key of "
            "keys.json: 'ok' or the error code.",
            "files": {n: {"open": e[0], "description": e[1]} for n, e in sorted(EXPECTED.items())},
        }
    )
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
