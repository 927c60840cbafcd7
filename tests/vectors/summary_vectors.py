"""Golden vectors of the shared summary and its withdrawal: fixed Ed25519 seeds (the node key
of generate.py), a fixed clock, fixed text.

Run ``.venv/bin/python tests/vectors/summary_vectors.py`` after a deliberate change to the
summary format; ``tests/test_workgroup_wire.py`` fails while the files in summaries/ differ
from what this script writes. Each bad file has exactly one defect and is named after it;
``manifest.json`` says what a regional hub answers (``hub.workgroup.SummaryIntake``) with the
node of keys.json enrolled, each file posted on its own to a fresh hub.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from schemas.summary import Summary, Withdrawal, seal
from schemas.wire import PAYLOAD_TYPE_SUMMARY, canonical_json, sign

HERE = Path(__file__).resolve().parent / "summaries"
NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
NODE_KEY = Ed25519PrivateKey.from_private_bytes(bytes([1]) * 32)  # as generate.py
STRANGER_KEY = Ed25519PrivateKey.from_private_bytes(bytes([3]) * 32)
NODE_ID = json.loads((HERE.parent / "keys.json").read_text("utf-8"))["node"]["id"]
REF = "5f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5"
TEXT = "Aktivitetsersättningen upphör innan arbetsförmågan är utredd och ingen part tar över."


def summary() -> Summary:
    return Summary(NODE_ID, REF, NOW, 2025, 3, "P06", "N4", ("AF", "FK"), TEXT)


def _pretty(raw: bytes) -> bytes:
    return json.dumps(json.loads(raw), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def _altered(raw: bytes, change: dict[str, Any]) -> bytes:
    env = json.loads(raw)
    payload = json.loads(base64.b64decode(env["payload"])) | change
    env["payload"] = base64.b64encode(canonical_json(payload)).decode()
    return json.dumps(env).encode()


def build() -> dict[str, bytes]:
    valid = seal(summary(), NODE_KEY)
    bad_payload = summary().to_dict() | {"receipt": "LH-PZCC-CT66"}
    return {
        "valid_summary.json": valid,
        "valid_withdrawal.json": seal(Withdrawal(NODE_ID, REF, NOW), NODE_KEY),
        "altered_text.json": _altered(valid, {"text": TEXT.replace("ingen part", "Arbets"
                                                                   "förmedlingen inte")}),
        "unknown_key.json": seal(summary(), STRANGER_KEY),
        "receipt_code_added.json": sign(PAYLOAD_TYPE_SUMMARY, canonical_json(bad_payload),
                                        [NODE_KEY]).to_bytes(),
    }  # fmt: skip


EXPECTED = {
    "valid_summary.json": (201, "accepted", "A summary shared by the enrolled node."),
    "valid_withdrawal.json": (200, "withdrawn", "The node withdraws valid_summary (ref)."),
    "altered_text.json": (422, "bad_signature", "valid_summary with its text changed after "
                          "signing."),
    "unknown_key.json": (401, "unknown_key", "valid_summary signed by a key that is not "
                         "enrolled (seed 0x03)."),
    "receipt_code_added.json": (422, "invalid_payload", "Validly signed, with an extra field "
                                "'receipt': a receipt code never leaves a node."),
}  # fmt: skip


def write(out: Path = HERE) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, raw in build().items():
        (out / name).write_bytes(_pretty(raw))
        paths.append(out / name)
    manifest = {"about": __doc__.splitlines()[0], "files": {
        name: {"http_status": s, "code": c, "defect": d} for name, (s, c, d) in EXPECTED.items()}}
    (out / "manifest.json").write_bytes(_pretty(json.dumps(manifest).encode()))
    return [*paths, out / "manifest.json"]


if __name__ == "__main__":
    for p in write():
        print(p)
