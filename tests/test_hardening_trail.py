"""Issue 16 item 2: the audit trail's tamper cases are all detected.

Each case edits the DuckDB file as an insider with file access would, then lets the node do
what it does next (seal on the next change) and checks :func:`audit_trail.verify_chain`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from node import audit_trail, retention
from node.store import NodeStore
from node.workflow import Cases
from tests.helpers import VU, Clock, make_report


@pytest.fixture
def store(tmp_path: Path) -> Iterator[NodeStore]:
    """Two worked cases (one gallrad) and one fresh case."""
    s = NodeStore(tmp_path / "node.duckdb")
    s.add_reports([make_report("old", datetime(2022, 1, 10, 9)),
                   make_report("busy", datetime(2025, 1, 10, 9))])  # fmt: skip
    for rid, when in (("old", datetime(2022, 3, 1, 9)), ("busy", datetime(2025, 3, 1, 9))):
        cases = Cases(s, clock=Clock(when))
        cases.classify(VU, rid, problemtyp="P02", niva="N2", malgrupp="M06")
        cases.contact(VU, rid, "Pratade med anmälaren.")
        cases.feedback(VU, rid, "Lyft i beredningsgruppen.")
        if rid == "old":
            cases.close(VU, rid)
    retention.run(s, 2, apply=True, clock=lambda: datetime(2026, 3, 2, 9))
    s.add_reports([make_report("fresh", datetime(2026, 3, 2, 10))])
    yield s
    s.close()


def later_change(store: NodeStore) -> None:
    """What the server does next: a new event, which seals what is sealable first."""
    Cases(store, clock=Clock(datetime(2026, 3, 3, 9))).contact(VU, "busy", "Nytt samtal.")


def problems(store: NodeStore, anchors: dict[str, str] | None = None) -> list[str]:
    with store.cursor() as cur:
        return [p["problem"] for p in audit_trail.verify_chain(cur, anchors).problems]


def q(sql: str, *args: object) -> Callable[[duckdb.DuckDBPyConnection], None]:
    return lambda cur: cur.execute(sql, list(args)) and None


def last_seq(cur: duckdb.DuckDBPyConnection, where: str = "TRUE") -> int:
    return cur.execute(f"SELECT max(seq) FROM report_events WHERE {where}").fetchall()[0][0]


def test_untouched_trail_verifies_and_anchor_holds(store: NodeStore) -> None:
    with store.cursor() as cur:
        anchor = audit_trail.head(cur)
    later_change(store)
    assert problems(store, anchor) == []


def test_deleting_the_last_events_is_found_by_the_anchor(store: NodeStore) -> None:
    later_change(store)
    later_change(store)
    with store.cursor() as cur:
        anchor = audit_trail.head(cur)
        top = last_seq(cur)
        cur.execute("DELETE FROM report_events WHERE seq >= ?", [top - 1])
    assert problems(store) == []  # without an anchor a cut tail looks whole ...
    assert "anchor missing" in problems(store, anchor)  # ... the noted head finds it


def test_nulling_hashes_of_a_changed_row_and_all_later_rows_is_not_resealed(store: NodeStore) -> None:
    with store.cursor() as cur:
        anchor = audit_trail.head(cur)
        seq = last_seq(cur, "kind = 'kontakt' AND report_id = 'busy'")
        cur.execute("UPDATE report_events SET who = 'någon annan' WHERE seq = ?", [seq])
        cur.execute("UPDATE report_events SET hash = NULL, prev_hash = NULL, data_hash = NULL"
                    " WHERE seq >= ?", [seq])  # fmt: skip
    later_change(store)  # the server used to re-seal them here and call the chain unbroken
    found = problems(store, anchor)
    assert "unsealed" in found and "anchor missing" in found
    assert "unsealed" in problems(store)  # found even without the anchor


def test_writing_into_a_redacted_event_is_found(store: NodeStore) -> None:
    with store.cursor() as cur:
        seq = cur.execute("SELECT min(seq) FROM report_events WHERE redacted"
                          " AND report_id = 'old' AND kind = 'kontakt'").fetchall()[0][0]  # fmt: skip
        cur.execute("""UPDATE report_events SET data = '{"text":"ny text"}' WHERE seq = ?""",
                    [seq])  # fmt: skip
    assert problems(store) == ["redacted data changed"]


def test_changing_a_sealed_row_or_unsealing_a_staff_event_is_found(store: NodeStore) -> None:
    with store.cursor() as cur:
        seq = last_seq(cur, "report_id = 'busy'")
        cur.execute("UPDATE report_events SET data = '{}' WHERE seq = ?", [seq])
    assert "data changed" in problems(store)
    with store.cursor() as cur:
        cur.execute("UPDATE staff_events SET hash = NULL WHERE seq = (SELECT max(seq)"
                    " FROM staff_events)")  # fmt: skip
    later_change(store)
    assert "unsealed" in problems(store)


def test_a_new_case_is_still_sealed_and_verifies(store: NodeStore) -> None:
    later_change(store)
    with store.cursor() as cur:
        unsealed = cur.execute("SELECT count(*) FROM report_events WHERE hash IS NULL"
                               ).fetchall()[0][0]  # fmt: skip
    assert unsealed == 0 and problems(store) == []


def test_verify_trail_command_prints_the_head_and_finds_a_cut_tail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lexheller.cli import main
    from lexheller.init import init_node
    from node.runtime import Node

    folder = tmp_path / "nod"
    init_node(folder, node_id="trail-nod", name="Förbund Kedja", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    node = Node(folder)
    node.store.add_reports([make_report("busy", datetime(2025, 1, 10, 9))])
    later_change(node.store)
    later_change(node.store)
    node.close()
    assert main(["node", "verify-trail", str(folder)]) == 0
    text = capsys.readouterr().out
    head = text.split("Huvud (notera utanför noden): ")[1].split()[0]
    assert "obruten" in text and head.startswith("report_events=")
    con = duckdb.connect(str(folder / "node.duckdb"))
    con.execute("DELETE FROM report_events WHERE seq = (SELECT max(seq) FROM report_events)")
    con.close()
    assert main(["node", "verify-trail", str(folder), "--anchor", head]) != 0
    assert "anchor missing" in capsys.readouterr().out
    assert main(["node", "verify-trail", str(folder), "--anchor", "report_events=xyz"]) != 0
    assert "report_events=<64 hex>" in capsys.readouterr().err
