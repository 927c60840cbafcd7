"""Gallring: dry run lists, apply removes free text and keeps codes, the audit trail records it."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from lexheller.init import init_node
from node import audit_trail, retention
from node.store import NodeStore
from node.workflow import Cases
from tests.helpers import VU, Clock, make_report


@pytest.fixture
def store(tmp_path: Path) -> Any:
    """Three cases: closed 2023 (due), closed 2025 (kept), open since 2022 (kept)."""
    s = NodeStore(tmp_path / "node.duckdb")
    s.add_reports([make_report("old-closed", datetime(2023, 1, 10, 9)),
                   make_report("new-closed", datetime(2025, 1, 10, 9)),
                   make_report("old-open", datetime(2022, 1, 10, 9))])  # fmt: skip
    for rid, closed in (("old-closed", datetime(2023, 6, 1, 12)),
                        ("new-closed", datetime(2025, 6, 1, 12))):  # fmt: skip
        cases = Cases(s, clock=Clock(closed))
        cases.classify(VU, rid, problemtyp="P02", niva="N2", malgrupp="M06")
        cases.contact(VU, rid, "Pratade med anmälaren om väntetiden.")
        cases.lift(VU, rid, "beredningsgrupp", closed.date().replace(day=20))
        cases.action(VU, rid, "T06", "Lyft i beredningsgruppen.")
        cases.feedback(VU, rid, "Frågan har lyfts i beredningsgruppen.")
        cases.close(VU, rid)
    yield s
    s.close()


NOW = Clock(datetime(2026, 3, 2, 9))


def row(store: NodeStore, rid: str) -> dict[str, Any]:
    with store.cursor() as cur:
        cur.execute("SELECT * FROM reports WHERE id = ?", [rid])
        return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))


def test_dry_run_lists_without_changing(store: NodeStore) -> None:
    before = row(store, "old-closed")
    result = retention.run(store, 2, clock=NOW)
    assert not result["apply"] and result["cutoff"] == datetime(2024, 3, 2, 9)
    assert [c["id"] for c in result["cases"]] == ["old-closed"]
    assert set(result["cases"][0]["fields"]) == {
        "description",
        "reporter_name",
        "reporter_contact",
        "reporter_role",
        "consequences",
        "suggestion",
        "feedback",
    }
    assert row(store, "old-closed") == before
    assert [c["id"] for c in retention.run(store, 0, clock=NOW)["cases"]] == [
        "old-closed",
        "new-closed",
    ]


def test_apply_removes_text_keeps_codes_and_is_audited(store: NodeStore) -> None:
    result = retention.run(store, 2, apply=True, who="vera", clock=NOW)
    assert [c["id"] for c in result["cases"]] == ["old-closed"]
    r = row(store, "old-closed")
    assert r["description"] == audit_trail.REDACTED
    for col in retention.FREE_TEXT:
        assert r[col] is None, col
    assert (r["problemtyp"], r["niva"], r["malgrupp"], r["organisation"], r["aktorer"],
            r["kommuner"], r["status"]) == ("P02", "N2", "M06", "K-SOC", ["AF", "FK"],
                                            ["1480"], "S7")  # fmt: skip
    assert row(store, "new-closed")["reporter_contact"] == "kim@kommun.example"
    assert row(store, "old-open")["description"].startswith("Personen")

    case = Cases(store, clock=NOW).get("old-closed")
    by_kind = {e["kind"]: e for e in case["events"]}
    text_of_events = json.dumps([e["data"] for e in case["events"]], ensure_ascii=False)
    for words in ("väntetiden", "Lyft i beredningsgruppen", "Frågan har lyfts", "Mottagen."):
        assert words not in text_of_events
    assert by_kind["atgard"]["data"]["code"] == "T06"
    assert by_kind["lyft_till_forum"]["data"]["meeting_date"] == "2023-06-20"
    assert by_kind["klassificerad"]["data"]["changes"]["problemtyp"] == [None, "P02"]
    assert by_kind["aterkoppling"]["data"]["changes"]["feedback"] == [audit_trail.REDACTED] * 2
    assert by_kind["aterkoppling"]["data"]["changes"]["status"] == ["S4", "S6"]
    gallrad = by_kind["gallrad"]
    assert gallrad["who"] == "vera" and len(gallrad["data"]["events"]) == 7
    with store.cursor() as cur:
        assert audit_trail.verify_chain(cur).ok
        assert cur.execute("SELECT count(*) FROM staff_events WHERE kind = 'gallring'"
                           ).fetchone()[0] == 1  # fmt: skip
    assert retention.run(store, 2, apply=True, clock=NOW)["cases"] == [], "nothing twice"


def test_hand_redaction_outside_gallring_is_detected(store: NodeStore) -> None:
    retention.run(store, 2, apply=True, clock=NOW)
    with store.cursor() as cur:
        seq = cur.execute("SELECT min(seq) FROM report_events WHERE report_id = 'new-closed'"
                          " AND kind = 'kontakt'").fetchone()[0]  # fmt: skip
        audit_trail.redact(cur, [seq], ())
        problems = audit_trail.verify_chain(cur).problems
    assert problems == [{"table": "report_events", "seq": seq,
                         "problem": "redacted without gallring"}]  # fmt: skip


def test_years_after_close_from_config(tmp_path: Path, monkeypatch: Any) -> None:
    assert retention.years_after_close({"retention": {"years_after_close": 5}}) == 5
    folder = tmp_path / "nod"
    init_node(folder, node_id="test-nod", name="T", lan_codes=["14"], kommun_codes=["1480"])
    with (folder / "node.toml").open("a", encoding="utf-8") as f:
        f.write("\n[retention]\nyears_after_close = 3\n")
    from node.runtime import Node
    from node.staff_ops import operations

    node = Node(folder)
    try:
        assert retention.years_after_close(node.config) == 3
        result = operations(node)["retention"](apply=False)
        assert result == {"apply": False, "years_after_close": 3, "cases": [],
                          "cutoff": result["cutoff"]}  # fmt: skip
        assert date.fromisoformat(result["cutoff"][:10]).year == date.today().year - 3
    finally:
        node.close()
    with pytest.raises(Exception, match="heltal"):
        retention.years_after_close({"retention": {"years_after_close": -1}})
