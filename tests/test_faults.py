"""Fault tests with real servers on loopback: a hub killed with SIGKILL while receiving many
bundles loses nothing it acknowledged, stores nothing half, and verifies after restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lexheller.init import init_hub
from schemas.wire import PAYLOAD_TYPE_AGGREGATES, Bundle, Envelope, bundle_digest, sign
from tests.helpers import vector, vector_keys

pytestmark = pytest.mark.e2e

NODE_KEY = Ed25519PrivateKey.from_private_bytes(bytes([1]) * 32)  # the golden vectors' node


def bundles(n: int) -> list[bytes]:
    base = Bundle.from_bytes(Envelope.from_bytes(vector("valid_bundle.json")).payload)
    out = []
    for seq in range(1, n + 1):
        d = base.to_dict()
        d["sequence"] = seq
        d["created"] = (base.created + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
        d["expires"] = "2099-01-01T00:00:00Z"
        payload = Bundle.from_dict(d).to_bytes()
        out.append(sign(PAYLOAD_TYPE_AGGREGATES, payload, [NODE_KEY]).to_bytes())
    return out


def start(folder: Path, port: int = 0) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lexheller.cli", "hub", "serve", str(folder), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    line = proc.stdout.readline()
    assert "http://" in line, line + proc.stdout.read()
    return proc, line.strip().split(" kör på ")[1].rstrip("/")


def test_sigkill_while_receiving_loses_nothing_acknowledged(tmp_path: Path) -> None:
    folder = tmp_path / "nav"
    init_hub(folder, hub_id="nav-fault", name="Felnav", level="regional")
    keys = vector_keys()
    from hub.runtime import Hub

    h = Hub(folder)
    h.op_enroll(keys["node"]["id"], keys["node"]["public_key"])
    h.close()
    envelopes = bundles(150)
    proc, url = start(folder)
    acknowledged: list[str] = []

    def send() -> None:
        session = requests.Session()
        for raw in envelopes:
            try:
                r = session.post(url + "/api/v1/bundles", data=raw, timeout=5)
            except requests.RequestException:
                return
            if r.status_code in (200, 201):
                acknowledged.append(bundle_digest(raw))

    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    sender.join(timeout=30)
    assert 25 <= len(acknowledged) < len(envelopes), "the kill must land mid-stream"

    proc, url = start(folder, int(url.rsplit(":", 1)[1]))
    try:
        assert not list((folder / "bundles").glob("*.partial"))  # cleaned at start
        listed = requests.get(url + "/api/v1/bundles", timeout=10).json()["bundles"]
        stored = {b["digest"] for b in listed}
        assert set(acknowledged) <= stored
        for digest in acknowledged[-5:]:
            got = requests.get(f"{url}/api/v1/bundles/{digest}", timeout=10)
            assert bundle_digest(got.content) == digest
        # sequences stored are exactly 1..n without gaps: nothing half-stored or skipped
        seqs = sorted(b["sequence"] for b in listed)
        assert seqs == list(range(1, len(seqs) + 1))
        checkpoint = json.loads(requests.get(url + "/api/v1/log/checkpoint", timeout=10).content)
        assert checkpoint["payloadType"].startswith("application/vnd.lexheller.checkpoint")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    r = subprocess.run([sys.executable, "-m", "lexheller.cli", "hub", "verify", str(folder)],
                       capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
