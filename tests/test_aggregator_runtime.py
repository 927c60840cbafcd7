"""The aggregator folder (keys, settings, operations) and its batch lists (signed by the leader,
refused when altered, one list per period/group/revision, a late node → a new revision)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aggregator.batch import BatchBook, BatchConflict
from aggregator.runtime import Aggregator, init_aggregator
from common.errors import UsageError
from schemas.batch import BatchList, BatchMember, open_batch
from schemas.wire import BadSignature, Envelope, InvalidPayload, UnknownKey, key_id

CLOSED = datetime(2026, 2, 1, tzinfo=UTC)


def member(n: str, d: str = "a") -> BatchMember:
    return BatchMember(n, d * 64, "b" * 64)


def three(tmp: Path) -> list[Aggregator]:
    keys = [init_aggregator(tmp / f"a{p}", aggregator_id=f"agg-{p}", party=p) for p in (1, 2, 3)]
    for p in (1, 2, 3):
        agg = Aggregator(tmp / f"a{p}")
        for q in (1, 2, 3):
            if q != p:
                agg.op_trust_peer(
                    q, f"agg-{q}", f"http://127.0.0.1:{8300 + q}", keys[q - 1]["public_key"]
                )
    return [Aggregator(tmp / f"a{p}") for p in (1, 2, 3)]


def test_init_makes_owner_only_keys_and_reports_fingerprints(tmp_path: Path) -> None:
    info = init_aggregator(tmp_path / "a2", aggregator_id="scb-agg", party=2, name="SCB")
    for name in ("signing-key.pem", "hpke-key.pem"):
        assert stat.S_IMODE((tmp_path / "a2" / name).stat().st_mode) == 0o600
    assert info["role"] == "member" and info["party"] == 2
    assert info["public_key"].startswith("ed25519:") and info["hpke_public_key"].startswith(
        "x25519:"
    )
    assert len(info["fingerprint"].split()) == 5 and len(info["hpke_fingerprint"].split()) == 5
    agg = Aggregator(tmp_path / "a2")
    assert agg.op_key() == info
    with pytest.raises(UsageError, match="redan"):
        init_aggregator(tmp_path / "a2", aggregator_id="scb-agg", party=2)


def test_bad_settings_are_refused_with_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="party ska vara 1, 2 eller 3"):
        init_aggregator(tmp_path / "x", aggregator_id="agg", party=4)
    assert not (tmp_path / "x" / "signing-key.pem").exists()
    with pytest.raises(UsageError, match="ingen aggregatormapp"):
        Aggregator(tmp_path / "nothing")
    init_aggregator(tmp_path / "a1", aggregator_id="agg-1", party=1)
    toml = tmp_path / "a1" / "aggregator.toml"
    toml.write_text(toml.read_text().replace('role = "leader"', 'role = "member"'))
    with pytest.raises(UsageError, match="role ska vara leader för part 1") as e:
        Aggregator(tmp_path / "a1")
    assert "role must be leader" in e.value.message("en")


def test_members_accept_the_leaders_list_once_and_refuse_another(tmp_path: Path) -> None:
    a1, a2, _ = three(tmp_path)
    book1, book2 = BatchBook(a1.batches_dir), BatchBook(a2.batches_dir)
    leader = {key_id(a1.signing_key.public_key()): a1.signing_key.public_key()}
    s = book1.close(
        group_id="national",
        level="national",
        period="2025",
        members=[member("sf-b"), member("sf-a")],
        leader_id=a1.id,
        key=a1.signing_key,
        closed=CLOSED,
    )
    assert s.batch.revision == 1 and s.batch.node_ids == ("sf-a", "sf-b")
    assert book2.accept(s.raw, leader) == s.batch
    assert book2.accept(s.raw, leader) == s.batch  # the same bytes again: fine
    # a list without sf-b for the same (period, group, revision), also signed by A1: refused
    other = BatchList("national", "national", "2025", 1, CLOSED, a1.id, (member("sf-a"),))
    from schemas.batch import sign_batch

    with pytest.raises(BatchConflict, match="annan medlemslista"):
        book2.accept(sign_batch(other, a1.signing_key).to_bytes(), leader)
    # signed by someone else, or altered: refused before parsing
    with pytest.raises(UnknownKey):
        book2.accept(sign_batch(other, a2.signing_key).to_bytes(), leader)
    env = Envelope.from_bytes(s.raw)
    altered = Envelope(env.payload_type, env.payload.replace(b"sf-b", b"sf-c"), env.signatures)
    with pytest.raises(BadSignature):
        open_batch(altered.to_bytes(), leader)


def test_a_late_node_makes_a_new_revision_of_the_whole_batch(tmp_path: Path) -> None:
    a1 = three(tmp_path)[0]
    book = BatchBook(a1.batches_dir)
    kw = dict(
        group_id="reg-vg",
        level="regional",
        period="2025",
        leader_id=a1.id,
        key=a1.signing_key,
        closed=CLOSED,
    )
    first = book.close(members=[member("sf-a"), member("sf-b"), member("sf-c")], **kw)
    again = book.close(members=[member("sf-c"), member("sf-a"), member("sf-b")], **kw)
    assert again.raw == first.raw  # unchanged members: the same list (re-run if it waited)
    book.mark_released(first.batch, b"{}")
    late = book.close(
        members=[member("sf-a"), member("sf-b"), member("sf-c"), member("sf-d")], **kw
    )
    assert late.batch.revision == 2 and late.batch.node_ids[-1] == "sf-d"
    newer = book.close(
        members=[member("sf-a", "c"), member("sf-b"), member("sf-c"), member("sf-d")], **kw
    )
    assert newer.batch.revision == 3  # a new bundle of sf-a: a new revision too
    assert [(b["revision"], b["released"]) for b in book.summary()] == [
        (1, True),
        (2, False),
        (3, False),
    ]
    assert a1.op_status()["batches"][0]["group"] == "reg-vg"


def test_batch_payload_is_parsed_strictly() -> None:
    good = BatchList("national", "national", "2025", 1, CLOSED, "agg-1", (member("sf-a"),))
    assert BatchList.from_bytes(good.to_bytes()) == good
    d = good.to_dict()
    for bad, what in [
        ({**d, "extra": 1}, "unexpected"),
        ({**d, "revision": 0}, "revision"),
        ({**d, "revision": True}, "revision"),
        ({**d, "members": []}, "members"),
        ({**d, "members": [member("sf-b").to_dict(), member("sf-a").to_dict()]}, "sorted"),
        ({**d, "members": [{**member("sf-a").to_dict(), "shares_digest": "AB" * 32}]}, "hex"),
        ({**d, "group": {"id": "reg", "level": "national"}}, "national"),
        ({**d, "period": "2025-13"}, "period"),
    ]:
        with pytest.raises(InvalidPayload, match=what):
            BatchList.from_dict(bad)


def _cli(*args: str) -> Any:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "lexheller.cli", *args], capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).parents[1])  # fmt: skip


def test_cli_init_key_trust_peer_status(tmp_path: Path) -> None:
    import json

    r = _cli("aggregator", "init", str(tmp_path / "a1"), "--id", "agg-1", "--party", "1")
    assert r.returncode == 0, r.stderr
    assert "Fingeravtryck" in r.stdout and "Läs upp" in r.stdout
    r = _cli("--json", "aggregator", "init", str(tmp_path / "a2"), "--id", "agg-2", "--party", "2")
    a2 = json.loads(r.stdout)
    assert a2["role"] == "member" and a2["folder"] == str(tmp_path / "a2")
    r = _cli("aggregator", "trust-peer", str(tmp_path / "a1"), "--party", "2", "--id", "agg-2",
             "--url", "http://127.0.0.1:8310", "--public-key", a2["public_key"], "--mpc-port", "8315")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert a2["fingerprint"] in r.stdout
    r = _cli("--json", "aggregator", "key", str(tmp_path / "a2"))
    assert json.loads(r.stdout) == {k: v for k, v in a2.items() if k != "folder"}
    r = _cli("aggregator", "status", str(tmp_path / "a1"))
    assert "part 2: agg-2 http://127.0.0.1:8310" in r.stdout, r.stdout
    r = _cli("aggregator", "trust-peer", str(tmp_path / "a1"), "--party", "1", "--id", "x",
             "--url", "u", "--public-key", a2["public_key"], "--mpc-port", "1")  # fmt: skip
    assert r.returncode != 0 and "Part 1 kan inte" in (r.stdout + r.stderr)
    r = _cli("--lang", "en", "aggregator", "status", str(tmp_path / "none"))
    assert r.returncode != 0 and "not an aggregator folder" in (r.stdout + r.stderr)
