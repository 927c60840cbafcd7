"""Shared summaries on a regional hub (hub.workgroup): intake from enrolled nodes only, altered
envelopes refused, withdrawal honoured at once and for good, filters, retention, rebuild."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.trust import Trust
from hub.workgroup import SummaryIntake
from schemas.summary import Summary, Withdrawal, seal
from schemas.wire import encode_public_key

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
A = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
B = Ed25519PrivateKey.from_private_bytes(bytes(range(2, 34)))
TEXT = "Aktivitetsersättningen upphör innan arbetsförmågan är utredd av någon part."


def summary(node: str, ref: str, year: int = 2025, problemtyp: str = "P06",
            aktorer: tuple[str, ...] = ("FK",)) -> Summary:  # fmt: skip
    return Summary(node, ref * 32, NOW, year, 3, problemtyp, "N4", aktorer, TEXT)


def intake(tmp_path: Path) -> SummaryIntake:
    trust = Trust(tmp_path)
    trust.enroll("alv-och-kust", encode_public_key(A.public_key()), vouched_by="test", now=NOW)
    trust.enroll("norra-dalen", encode_public_key(B.public_key()), vouched_by="test", now=NOW)
    return SummaryIntake(tmp_path, trust, clock=lambda: NOW)


def test_accept_filter_withdraw_and_refuse_again(tmp_path: Path) -> None:
    hub = intake(tmp_path)
    first = seal(summary("alv-och-kust", "a"), A)
    assert hub.accept(first).code == "accepted"
    assert hub.accept(first).code == "duplicate"
    assert hub.accept(seal(summary("norra-dalen", "b", problemtyp="P07",
                                   aktorer=("AF", "FK")), B)).code == "accepted"  # fmt: skip
    assert [s["node_id"] for s in hub.listing(problemtyp="P07")] == ["norra-dalen"]
    assert len(hub.listing(aktor="FK")) == 2 and len(hub.listing(aktor="AF")) == 1
    out = hub.accept(seal(Withdrawal("alv-och-kust", "a" * 32, NOW), A))
    assert out.code == "withdrawn"
    assert [s["node_id"] for s in hub.listing()] == ["norra-dalen"]
    assert len(list((tmp_path / "summaries").glob("*.json"))) == 1, "the file is gone at once"
    again = hub.accept(first)
    assert (again.status, again.code) == (410, "withdrawn")
    reopened = SummaryIntake(tmp_path, hub.trust, clock=lambda: NOW)
    assert [s["node_id"] for s in reopened.listing()] == ["norra-dalen"]


def test_tampered_foreign_and_impersonating_envelopes_are_refused(tmp_path: Path) -> None:
    hub = intake(tmp_path)
    env = json.loads(seal(summary("alv-och-kust", "c"), A))
    payload = json.loads(base64.b64decode(env["payload"]))
    payload["text"] = "En helt annan text som ingen förbundschef har godkänt."
    env["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
    assert hub.accept(json.dumps(env).encode()).code == "bad_signature"
    stranger = Ed25519PrivateKey.from_private_bytes(bytes(range(5, 37)))
    assert hub.accept(seal(summary("alv-och-kust", "d"), stranger)).code == "unknown_key"
    assert hub.accept(seal(summary("alv-och-kust", "e"), B)).code == "wrong_node"
    w = hub.accept(seal(Withdrawal("alv-och-kust", "a" * 32, NOW), B))
    assert w.code == "wrong_node", "one förbund cannot withdraw another's summary"
    assert hub.listing() == []


def test_retention_purges_old_years(tmp_path: Path) -> None:
    hub = intake(tmp_path)
    this = NOW.year
    assert hub.accept(seal(summary("alv-och-kust", "1", year=this - 2), A)).code == "accepted"
    assert hub.accept(seal(summary("alv-och-kust", "2", year=this), A)).code == "accepted"
    too_old = hub.accept(seal(summary("alv-och-kust", "3", year=this - 5), A))
    assert (too_old.status, too_old.code) == (422, "past_retention")
    assert hub.purge(keep_years=2, this_year=this) == 1
    assert [s["year"] for s in hub.listing()] == [this]
    shorter = SummaryIntake(tmp_path, hub.trust, keep_years=1, clock=lambda: NOW)
    assert [s["year"] for s in shorter.listing()] == [this]
    assert len(list((tmp_path / "summaries").glob("*.json"))) == 1
