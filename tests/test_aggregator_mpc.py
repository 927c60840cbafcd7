"""The MPC over three real processes on loopback: exact sums where released, refusal of a
node whose shares contradict its own bundle, identical releases at all three parties."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from aggregator import mpc
from lexheller.init import init_node
from node.aggregate import count_tables, periods_of
from node.runtime import Node
from node.synthetic import NodeProfile, generate_reports
from schemas import shares as sh
from schemas.release import Release
from schemas.wire import Bundle, Envelope
from tests.helpers import free_ports
from tests.test_shares_node import aggregation_config, set_aggregators

AGG_KEYS = [X25519PrivateKey.from_private_bytes(bytes([0x50 + j]) * 32) for j in (1, 2, 3)]
PERIOD = "2024"


# (population, seed) of small förbund whose first publication the node's exact protection
# accepts (it refuses a first year it cannot protect, e.g. seed 100 at 30 000 inhabitants)
MEMBERS = [(45000, 101), (25000, 301), (35000, 102), (60000, 202)]


def federation(tmp: Path, sizes: list[tuple[int, int]]) -> dict[str, dict]:
    """Real node folders that publish bundles and share envelopes to files."""
    out = {}
    for i, (population, seed) in enumerate(sizes):
        nid = f"sf-m{i:02d}"
        folder = tmp / nid
        init_node(folder, node_id=nid, name=f"Förbund {i}", lan_codes=["14"],
                  kommun_codes=["1480"], population=10000 + i)  # fmt: skip
        set_aggregators(folder, aggregation_config(AGG_KEYS))
        node = Node(folder)
        try:
            node.store.add_reports(generate_reports(
                NodeProfile(nid, f"Förbund {i}", ("14",), ("1480",), population), [2024],
                seed=seed, today=datetime(2025, 1, 1, tzinfo=UTC)))  # fmt: skip
            node.op_publish(out=str(tmp / f"{nid}.json"))
            frame = node.store.aggregation_frame()
            exact = count_tables(frame, periods_of(frame, ("year", "quarter")))
        finally:
            node.close()
        out[nid] = {
            "bundle": tmp / f"{nid}.json",
            "shares": tmp / f"{nid}.shares.json",
            "exact": {(t.name, t.period, k): v for t in exact for k, v in t.counts.items()},
        }
    return out


def write_jobs(
    tmp: Path, fed: dict[str, dict], digest: str, tamper: str | None = None
) -> list[Path]:
    ports = free_ports(3)
    jobs = []
    for party in (1, 2, 3):
        members = []
        for nid, f in fed.items():
            payload = sh.Shares.from_bytes(Envelope.from_bytes(f["shares"].read_bytes()).payload)
            vec = sh.decrypt(payload, party, AGG_KEYS[party - 1])
            if tamper == nid and party == 1:
                # the node inflates a published cell's residual: contradicts its own bundle
                bundle = Bundle.from_bytes(Envelope.from_bytes(f["bundle"].read_bytes()).payload)
                flat = [v for t in bundle.tables for _, v in t.cells]
                layout = sh.cell_layout(bundle.tables)
                i = next(i for i, (_, p, _k) in enumerate(layout)
                         if p == PERIOD and flat[i] is not None and flat[i] > 0)  # fmt: skip
                res = list(vec.residuals)
                res[i] = (res[i] + 5) % sh.MODULUS
                vec = sh.ShareVector(vec.node_id, vec.bundle_digest, party, tuple(res),
                                     vec.indicators)  # fmt: skip
            path = tmp / f"p{party}-{nid}.share"
            path.write_bytes(vec.to_bytes())
            members.append({"node_id": nid, "bundle": str(f["bundle"]), "shares": str(path)})
        job = {
            "party": party, "host": "127.0.0.1", "ports": ports,
            "batch": {"group_id": "national", "level": "national", "period": PERIOD,
                      "revision": 1, "digest": digest, "closed": "2025-02-01T00:00:00Z"},
            "policy": {"k": 3, "min_hidden": 3},
            "bundles": {nid: [str(f["bundle"])] for nid, f in fed.items()},
            "releases": [], "groups": {"national": sorted(fed)},
            "members": members, "out": str(tmp / f"result-{party}.json"),
        }  # fmt: skip
        path = tmp / f"job-{party}.json"
        path.write_text(json.dumps(job), "utf-8")
        jobs.append(path)
    return jobs


def run_parties(tmp: Path, jobs: list[Path], timeout: float = 150) -> list[dict]:
    """Run the three parties; the leader then audits and builds the release, the other two
    check it against what their own MPC opened. Parties still running at the deadline are
    ended with their process group."""
    procs = [mpc.spawn(j, tmp / f"party{i}.log") for i, j in enumerate(jobs, 1)]
    deadline = time.monotonic() + timeout
    try:
        for p in procs:
            p.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        for p in procs:
            mpc.stop(p)
    for i, p in enumerate(procs, 1):
        assert p.returncode == 0, (tmp / f"party{i}.log").read_text()
    results = [json.loads((tmp / f"result-{i}.json").read_text("utf-8")) for i in (1, 2, 3)]
    job = json.loads(jobs[0].read_text("utf-8"))
    release, stats = mpc.finish(job, results[0])
    for r in results:
        mpc.check_release(release, r)
        r.update(stats, release=release.to_bytes().decode("utf-8"))
    return results


@pytest.mark.e2e
def test_three_processes_release_exact_sums(tmp_path: Path) -> None:
    fed = federation(tmp_path, MEMBERS)
    results = run_parties(tmp_path, write_jobs(tmp_path, fed, "cd" * 32))
    assert results[0]["release"] == results[1]["release"] == results[2]["release"]
    assert results[0]["refused"] == []
    release = Release.from_bytes(results[0]["release"].encode())
    assert release.group.nodes == tuple(sorted(fed))
    assert release.cells, "something is released"
    hidden = {(t.name, k) for f in fed.values()
              for t in Bundle.from_bytes(Envelope.from_bytes(f["bundle"].read_bytes()).payload).tables
              if t.period == PERIOD for k, v in t.cells if v is None}  # fmt: skip
    hidden_released = 0
    for c in release.cells:
        true = sum(f["exact"].get((c.table, PERIOD, c.key), 0) for f in fed.values())
        assert c.value == true, (c.table, c.key)
        forbund = sum(1 for f in fed.values() if f["exact"].get((c.table, PERIOD, c.key), 0) > 0)
        assert c.forbund in (None, forbund)
        assert c.forbund is None or c.forbund >= 3
        hidden_released += (c.table, c.key) in hidden
    assert hidden_released > 0, "some released sums include values the förbund hid"
    assert results[0]["gated"] > 0
    assert results[0]["audit_rounds"] >= 1


@pytest.mark.e2e
def test_node_contradicting_its_bundle_is_refused_inside_mpc(tmp_path: Path) -> None:
    fed = federation(tmp_path, MEMBERS)
    results = run_parties(tmp_path, write_jobs(tmp_path, fed, "ef" * 32, tamper="sf-m01"))
    assert [r["refused"] for r in results] == [["sf-m01"]] * 3
    release = Release.from_bytes(results[0]["release"].encode())
    assert "sf-m01" not in release.group.nodes
    for c in release.cells:
        true = sum(f["exact"].get((c.table, PERIOD, c.key), 0)
                   for nid, f in fed.items() if nid != "sf-m01")  # fmt: skip
        assert c.value == true


def test_members_refuse_a_release_the_mpc_did_not_open() -> None:
    """A2/A3 sign only what their own MPC opened: an altered value, a cell that was never
    opened or another member list is refused."""
    from dataclasses import replace

    from schemas.release import ReleaseCell, ReleaseGroup

    result = {
        "batch": {"group_id": "national", "level": "national", "period": PERIOD, "revision": 1,
                  "digest": "ab" * 32, "closed": "2025-02-01T00:00:00Z"},
        "valid": ["a", "b", "c"],
        "values": [["total", [], 40, 3], ["problemtyp", ["bemotande"], 7, None]],
    }  # fmt: skip
    good = Release(
        group=ReleaseGroup("national", "national", ("a", "b", "c")), period=PERIOD, revision=1,
        batch_digest="ab" * 32, created=datetime(2025, 2, 1, tzinfo=UTC), k=3,
        cells=(ReleaseCell("problemtyp", ("bemotande",), True, 7, None),),
    )  # fmt: skip
    mpc.check_release(good, result)  # withholding an opened cell is allowed
    bad = [
        replace(good, cells=(ReleaseCell("problemtyp", ("bemotande",), True, 8, None),)),
        replace(good, cells=(ReleaseCell("total", (), True, 40, 2),)),
        replace(good, cells=(ReleaseCell("aktor", ("af",), True, 5, None),)),
        replace(good, group=ReleaseGroup("national", "national", ("a", "b"))),
        replace(good, revision=2),
    ]
    for release in bad:
        with pytest.raises(mpc.ReleaseMismatch):
            mpc.check_release(release, result)
