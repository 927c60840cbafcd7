"""Issue 16 item 2, continued: the trail's head anchored outside the node, and the case rows
checked against the chain.

The node signs its audit-trail head into every bundle (``trail_head``); the hub keeps the
bundle as received, so the head is in its transparency log. ``verify-trail`` checks the trail
against the heads in the node's own ledger: a chain rewritten and sealed again by someone with
the database file verifies on its own, but no longer holds the published head.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from hub.runtime import Hub
from lexheller.init import init_hub, init_node
from node import audit_trail
from node.runtime import Node
from node.workflow import Cases
from schemas.wire import Bundle, Envelope
from tests.test_workflow import VU, Clock


@pytest.fixture
def published(tmp_path: Path) -> Iterator[tuple[Node, Path]]:
    init_node(tmp_path / "nod", node_id="sf-kedja", name="Förbund Kedja", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    node = Node(tmp_path / "nod")
    node.op_synth(years="2025", seed=4)
    node.op_publish(out=str(tmp_path / "paket.json"))
    yield node, tmp_path / "paket.json"
    node.close()


def verify(node: Node) -> list[str]:
    return [p["problem"] for p in node.operations()["verify_trail"]()["problems"]]


def test_bundle_carries_the_head_and_the_hub_keeps_it(
    published: tuple[Node, Path], tmp_path: Path
) -> None:
    node, path = published
    raw = path.read_bytes()
    bundle = Bundle.from_bytes(Envelope.from_bytes(raw).payload)
    with node.store.cursor() as cur:
        assert dict(bundle.trail_head) == audit_trail.head(cur)
    assert dict(bundle.trail_head)["report_events"] != audit_trail.GENESIS
    init_hub(tmp_path / "nav", hub_id="nav-kedja", name="Navet", level="regional")
    hub = Hub(tmp_path / "nav")
    try:
        hub.op_enroll(node.id, node.op_key()["public_key"])
        (result,) = hub.op_import([str(path)])["results"]
        assert result["ok"] and result["status"] == 201, result
        (stored,) = hub.store.bundles()
        kept = hub.store.file_path(stored["digest"]).read_bytes()
        assert kept == raw and b'"trail_head"' in Envelope.from_bytes(kept).payload
        assert hub.op_verify()["ok"]
    finally:
        hub.close()


def test_untouched_trail_holds_every_published_head(published: tuple[Node, Path]) -> None:
    node, _ = published
    Cases(node.store, clock=Clock(datetime(2026, 3, 3, 9))).contact(
        VU, _a_case(node), "Nytt samtal efter publiceringen.")  # fmt: skip
    r = node.operations()["verify_trail"]()
    assert r["ok"] and r["published_anchors"] == 1 and r["problems"] == []


def _a_case(node: Node) -> str:
    with node.store.cursor() as cur:
        return cur.execute("SELECT min(id) FROM reports WHERE status <> 'S7'").fetchall()[0][0]


def test_a_rewritten_and_resealed_chain_misses_the_published_head(
    published: tuple[Node, Path],
) -> None:
    node, _ = published
    with node.store.cursor() as cur:
        seq = cur.execute("SELECT min(seq) FROM report_events WHERE kind <> 'mottagen'"
                          ).fetchall()[0][0]  # fmt: skip
        cur.execute("UPDATE report_events SET who = 'någon annan' WHERE seq = ?", [seq])
        # The insider's own sealing code: recompute every hash from the changed row on.
        cur.execute("UPDATE report_events SET hash = NULL, prev_hash = NULL, data_hash = NULL"
                    " WHERE seq >= ?", [seq])  # fmt: skip
        audit_trail._seal(cur, "report_events", "TRUE")
        assert audit_trail.verify_chain(cur).ok  # consistent on its own ...
    r = node.operations()["verify_trail"]()
    assert not r["ok"]  # ... but the head in the signed bundle is gone
    assert [(p["problem"], p["anchor"]) for p in r["problems"]] == [("anchor missing", "paket 1")]


def test_a_deleted_tail_misses_the_published_head(published: tuple[Node, Path]) -> None:
    node, _ = published
    with node.store.cursor() as cur:
        cur.execute("DELETE FROM report_events WHERE seq = (SELECT max(seq) FROM report_events)")
    assert "anchor missing" in verify(node)


def _worked_case(node: Node) -> str:
    """A case classified, given feedback and closed through the workflow, so the chain holds
    the values of problemtyp, niva, feedback, status and closed_at."""
    case = _a_case(node)
    cases = Cases(node.store, clock=Clock(datetime(2026, 3, 3, 9)))
    cases.classify(VU, case, problemtyp="P02", niva="N2")
    cases.feedback(VU, case, "Frågan lyftes i beredningsgruppen.")
    cases.close(VU, case)
    return case


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("UPDATE reports SET problemtyp = CASE problemtyp WHEN 'P01' THEN 'P02' ELSE 'P01' END"
         " WHERE id = ?", "case changed: problemtyp"),
        ("UPDATE reports SET niva = 'N5' WHERE id = ?", "case changed: niva"),
        ("UPDATE reports SET status = 'S1' WHERE id = ?", "case changed: status"),
        ("UPDATE reports SET closed_at = NULL WHERE id = ?", "case changed: closed_at"),
        ("UPDATE reports SET feedback = 'Annan återkoppling' WHERE id = ?",
         "case changed: feedback"),
        ("DELETE FROM reports WHERE id = ?", "case row deleted"),
        ("UPDATE reports SET description = '[gallrad]' WHERE id = ?",
         "text removed without gallring"),
    ],
)  # fmt: skip
def test_a_case_row_changed_without_its_event_is_found(
    published: tuple[Node, Path], sql: str, found: str
) -> None:
    node, _ = published
    case = _worked_case(node)
    assert verify(node) == []
    with node.store.cursor() as cur:
        assert cur.execute(sql + " RETURNING id", [case]).fetchall() == [(case,)]
    assert found in verify(node)


def test_a_case_row_without_events_is_found(published: tuple[Node, Path]) -> None:
    node, _ = published
    with node.store.cursor() as cur:
        cur.execute("INSERT INTO reports SELECT * REPLACE ('smuggled' AS id, 'X-SMUGGLED' AS"
                    " receipt) FROM reports LIMIT 1")  # fmt: skip
    assert "case without events" in verify(node)


def test_verify_trail_command_names_the_bundle_whose_head_is_gone(
    published: tuple[Node, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from lexheller.cli import main

    node, _ = published
    folder = node.folder
    node.close()
    assert main(["node", "verify-trail", str(folder)]) == 0
    assert "1 publicerade huvuden" in capsys.readouterr().out
    con = duckdb.connect(str(folder / "node.duckdb"))
    con.execute("DELETE FROM report_events WHERE seq = (SELECT max(seq) FROM report_events)")
    con.close()
    assert main(["node", "verify-trail", str(folder)]) != 0
    assert "paket 1" in capsys.readouterr().out
