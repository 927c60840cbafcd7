"""Issue 16 item 1: gallring removes the words from the disk, not only from the rows.

Every free-text field and every staff note of a case due for gallring carries a distinctive
word; after ``retention.run(apply=True)`` no file in the node folder holds any of them in its
raw bytes (while the node is still open, and after it closed), and the kept case still reads.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from lexheller.init import init_node
from node import retention
from node.runtime import Node
from node.workflow import Cases
from tests.helpers import VU, Clock, make_report

FIELDS = ("description", "reporter_name", "reporter_contact", "reporter_role", "consequences",
          "suggestion", "raised_elsewhere")  # fmt: skip


def marker(name: str) -> str:
    return f"Hemligord{name.replace('_', '')}Qx"


def raw_hits(folder: Path, words: list[str]) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found = [w for w in words if w.encode() in data]
        if found:
            hits[str(path.relative_to(folder))] = found
    return hits


def test_gallring_leaves_no_removed_word_in_any_file(tmp_path: Path) -> None:
    folder = tmp_path / "nod"
    init_node(folder, node_id="gallring-nod", name="Förbund Gallring", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    node = Node(folder)
    texts = {f: marker(f) for f in FIELDS}
    notes = {k: marker(k) for k in ("contact", "action", "feedback")}
    words = [*texts.values(), *notes.values()]
    node.store.add_reports([
        make_report("old-closed", datetime(2022, 1, 10, 9), **texts),
        make_report("kept-open", datetime(2025, 1, 10, 9), description="Behålls i sin helhet."),
    ])  # fmt: skip
    cases = Cases(node.store, clock=Clock(datetime(2022, 6, 1, 12)))
    cases.classify(VU, "old-closed", problemtyp="P02", niva="N2", malgrupp="M06")
    cases.contact(VU, "old-closed", notes["contact"])
    cases.action(VU, "old-closed", "T06", notes["action"])
    cases.feedback(VU, "old-closed", notes["feedback"])
    cases.close(VU, "old-closed")
    node.store.rewrite_file()  # start from a file that holds the words only once, as live rows
    assert set(raw_hits(folder, words).get("node.duckdb", [])) == set(words)

    result = retention.run(node.store, 2, apply=True, clock=lambda: datetime(2026, 3, 2, 9))
    assert [c["id"] for c in result["cases"]] == ["old-closed"]
    assert raw_hits(folder, words) == {}, "removed words still on disk while the node runs"
    with node.store.cursor() as cur:  # the server's handle follows the new file
        assert cur.execute("SELECT description FROM reports WHERE id = 'kept-open'"
                           ).fetchall() == [("Behålls i sin helhet.",)]  # fmt: skip
    node.store.add_reports([make_report("after", datetime(2026, 3, 2, 10))])
    node.close()
    assert raw_hits(folder, words) == {}, "removed words on disk after the node closed"
    node = Node(folder)
    try:
        assert node.store.report_count() == 3
    finally:
        node.close()
