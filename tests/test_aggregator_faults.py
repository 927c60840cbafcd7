"""Faults at the aggregators (issue 13): a late node is left out of the batch and named; a
share envelope that belongs to another node or bundle (moved or replayed) is refused before
anything is decrypted; altered bytes are refused by the digest check. (An aggregator down →
`BatchWaits`: tests/test_aggregator_e2e.py; shares contradicting the bundle inside the MPC:
tests/test_aggregator_mpc.py and, for the fallback, tests/test_aggregator_two_noise.py.)"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from aggregator.batch import BatchBook
from aggregator.client import HubFiles, members_of, write_job
from common.errors import RemoteRefused, UsageError
from schemas.batch import BatchMember
from tests.test_aggregator_mpc import MEMBERS, federation
from tests.test_aggregator_runtime import CLOSED, three

PERIOD = "2024"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_late_node_is_left_out_and_named() -> None:
    d = {c: c * 64 for c in "abcdef"}
    fed = {
        "groups": {"national": ["sf-a", "sf-b", "sf-c", "sf-d"]},
        "bundles": {
            "sf-a": [{"digest": d["a"], "periods": [PERIOD], "sequence": 1}],
            # sf-b published, but its share envelope has not arrived: late
            "sf-b": [{"digest": d["b"], "periods": [PERIOD], "sequence": 1}],
            # sf-c republished; the new bundle's shares are not here yet: late (its old
            # shares belong to the old bundle, never summed with the new one)
            "sf-c": [{"digest": d["c"], "periods": [PERIOD], "sequence": 1},
                     {"digest": d["d"], "periods": [PERIOD], "sequence": 2}],
            # sf-d has nothing for the period: neither member nor late
            "sf-d": [{"digest": d["e"], "periods": ["2023"], "sequence": 1}],
        },  # fmt: skip
        "shares": {d["a"]: {"digest": "1" * 64}, d["c"]: {"digest": "2" * 64},
                   d["e"]: {"digest": "3" * 64}},  # fmt: skip
    }
    members, late = members_of(fed, "national", PERIOD)
    assert members == [BatchMember("sf-a", d["a"], "1" * 64)]
    assert late == ["sf-b", "sf-c"]


@pytest.fixture
def leader_with_files(tmp_path: Path):
    """The leader and two real nodes' bundles and share envelopes in its store (as fetched)."""
    a1 = three(tmp_path / "aggs")[0]
    fed = federation(tmp_path / "nodes", MEMBERS[:2])
    files = HubFiles(a1.folder, "http://127.0.0.1:9")  # nothing is fetched: all in store/
    digests = {}
    for nid, f in fed.items():
        for kind in ("bundle", "shares"):
            dg = _sha(f[kind])
            shutil.copy(f[kind], files.dir / f"{dg}.json")
            digests[(nid, kind)] = dg
    return a1, files, digests


def _job(a1, files, members, digests):
    book = BatchBook(a1.batches_dir)
    stored = book.close(group_id="national", level="national", period=PERIOD, members=members,
                        leader_id=a1.id, key=a1.signing_key, closed=CLOSED)  # fmt: skip
    spec = {"parties": [], "policy": {"k": 3, "min_hidden": 3}, "releases": [],
            "groups": {"national": ["sf-m00", "sf-m01"]},
            "bundles": {n: [digests[(n, "bundle")]] for n in ("sf-m00", "sf-m01")}}  # fmt: skip
    return write_job(a1, files, stored, spec)


def test_a_share_envelope_of_another_node_is_refused(leader_with_files) -> None:
    a1, files, digests = leader_with_files
    moved = BatchMember("sf-m00", digests[("sf-m00", "bundle")], digests[("sf-m01", "shares")])
    with pytest.raises(UsageError) as e:
        _job(a1, files, [moved], digests)
    assert "hör inte till sf-m00" in e.value.sv


def test_a_replayed_envelope_of_an_older_bundle_is_refused(leader_with_files, tmp_path) -> None:
    a1, files, digests = leader_with_files
    # sf-m00's envelope names its own (older) bundle; the batch names another bundle digest
    newer = tmp_path / "newer.json"
    newer.write_bytes(files.file("bundles", digests[("sf-m00", "bundle")]).read_bytes() + b" ")
    dg = _sha(newer)
    shutil.copy(newer, files.dir / f"{dg}.json")
    digests[("sf-m00", "bundle")] = dg
    replayed = BatchMember("sf-m00", dg, digests[("sf-m00", "shares")])
    with pytest.raises(UsageError) as e:
        _job(a1, files, [replayed], digests)
    assert "hör inte till" in e.value.sv


def test_altered_bytes_do_not_pass_the_digest_check(leader_with_files) -> None:
    """A store of files (a hub, or anything between) that answers altered bytes for a digest:
    refused, nothing kept. A real HTTP server on loopback serves the altered file."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    a1, files, digests = leader_with_files
    dg = digests[("sf-m00", "shares")]
    path = files.dir / f"{dg}.json"
    data = bytearray(path.read_bytes())
    path.unlink()
    data[len(data) // 2] ^= 0x01  # one bit flipped

    class Altering(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(bytes(data))

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Altering)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        files.url = f"http://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(RemoteRefused) as e:
            files.file("shares", dg)
    finally:
        server.shutdown()
        server.server_close()
    assert "kontrollsumman" in e.value.sv and not path.exists()
