"""The aggregator's HTTP API on real aggregator folders: A2 accepts A1's signed list once per
(period, group, revision), refuses a different one, a stranger's or a job that does not fit;
every error has the hub API's one JSON shape."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aggregator.batch import BatchBook
from aggregator.runtime import Aggregator, init_aggregator
from aggregator.server import create_app
from schemas.batch import BatchMember

SHAPE = {"ok", "status", "error", "message", "message_en", "errors"}
HINT = {"hint", "hint_en"}  # the optional "what to do" of the one shape


def check_error(resp, status: int, code: str) -> None:
    body = resp.get_json()
    assert resp.status_code == status, body
    assert set(body) - HINT == SHAPE and body["ok"] is False and body["status"] == status
    assert body["error"] == code and body["message"] and body["message_en"]


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Aggregator, Aggregator]:
    k1 = init_aggregator(tmp_path / "a1", aggregator_id="aggregator-a1", party=1)
    init_aggregator(tmp_path / "a2", aggregator_id="aggregator-a2", party=2)
    a2 = Aggregator(tmp_path / "a2")
    a2.op_trust_peer(1, "aggregator-a1", "http://127.0.0.1:1", k1["public_key"], mpc_port=9)
    return Aggregator(tmp_path / "a1"), Aggregator(tmp_path / "a2")


def members(*ids: str) -> list[BatchMember]:
    return [BatchMember(i, f"{n:x}" * 64, f"{n + 1:x}" * 64) for n, i in enumerate(ids, 1)]


def test_member_accepts_one_list_per_revision(pair, tmp_path: Path) -> None:
    a1, a2 = pair
    client = create_app(a2).test_client()
    lead = BatchBook(tmp_path / "lead-book")
    closed = datetime(2026, 2, 1, tzinfo=UTC)
    first = lead.close(group_id="national", level="national", period="2025",
                       members=members("sf-a", "sf-b", "sf-c"), leader_id=a1.id,
                       key=a1.signing_key, closed=closed)  # fmt: skip
    r = client.post("/api/v1/batches", data=first.raw)
    assert r.status_code == 201 and r.get_json()["revision"] == 1
    assert client.post("/api/v1/batches", data=first.raw).status_code == 201  # same bytes again

    # the same (period, group, revision) with another member list: refused
    other = BatchBook(tmp_path / "other-book").close(
        group_id="national", level="national", period="2025", members=members("sf-a", "sf-b"),
        leader_id=a1.id, key=a1.signing_key, closed=closed)  # fmt: skip
    check_error(client.post("/api/v1/batches", data=other.raw), 409, "batch_conflict")

    # a list signed by someone who is not the leader: refused
    stranger = BatchBook(tmp_path / "stranger").close(
        group_id="national", level="national", period="2024", members=members("sf-a"),
        leader_id=a1.id, key=Ed25519PrivateKey.generate(), closed=closed)  # fmt: skip
    check_error(client.post("/api/v1/batches", data=stranger.raw), 401, "unknown_key")
    check_error(client.post("/api/v1/batches", data=b"{not json"), 400, "malformed_envelope")
    assert [b["revision"] for b in a2.op_status()["batches"]] == [1]


def test_jobs_that_do_not_fit_are_refused(pair, tmp_path: Path) -> None:
    a1, a2 = pair
    client = create_app(a2).test_client()
    stored = BatchBook(tmp_path / "lead").close(
        group_id="national", level="national", period="2025", members=members("sf-a"),
        leader_id=a1.id, key=a1.signing_key, closed=datetime(2026, 2, 1, tzinfo=UTC))  # fmt: skip
    client.post("/api/v1/batches", data=stored.raw)
    mpc = a2.config["mpc"]
    job = {"batch_digest": stored.batch.digest(),
           "parties": [["127.0.0.1", 1], [mpc["host"], mpc["port"]], ["127.0.0.1", 3]],
           "policy": {"k": 3, "min_hidden": 3}, "bundles": {}, "releases": [], "groups": {}}  # fmt: skip
    unknown = {**job, "batch_digest": "0" * 64}
    check_error(client.post("/api/v1/jobs", json=unknown), 404, "unknown_batch")
    weaker = {**job, "policy": {"k": 2, "min_hidden": 3}}
    check_error(client.post("/api/v1/jobs", json=weaker), 409, "policy")
    moved = {**job, "parties": [["127.0.0.1", 1], ["127.0.0.1", 2], ["127.0.0.1", 3]]}
    check_error(client.post("/api/v1/jobs", json=moved), 409, "mpc_address")
    check_error(client.post("/api/v1/jobs", data=b"[]"), 400, "bad_job")
    check_error(client.get("/api/v1/jobs/" + "0" * 64), 404, "not_found")
    check_error(
        client.post(f"/api/v1/jobs/{stored.batch.digest()}/sign", data=b"{}"), 404, "not_found"
    )
    check_error(client.get("/api/v1/nothing"), 404, "not_found")
    check_error(client.get("/api/v1/batches"), 405, "method_not_allowed")
    # the leader closes batches; it takes none from anyone
    check_error(
        create_app(a1).test_client().post("/api/v1/batches", data=stored.raw), 409, "leader"
    )
    info = client.get("/api/v1/aggregator").get_json()
    assert info["ok"] and info["party"] == 2 and info["fingerprint"]
