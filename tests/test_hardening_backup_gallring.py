"""Issue 16 item 1, backups: a backup made after gallring holds none of the removed words, and
restoring a backup made before gallring re-applies it before the folder can be served.

Each free-text field of a case due for gallring carries a distinctive word; the raw bytes of the
backup file and of every file in the restored folder are searched for them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from common.backup import backup_folder
from common.errors import UsageError
from lexheller.init import init_node
from node import retention
from node.restore import RESTORE_WHO, restore_node
from node.runtime import Node
from node.workflow import Cases
from tests.helpers import VU, Clock, make_report

FIELDS = ("description", "reporter_name", "reporter_contact", "reporter_role", "consequences",
          "suggestion", "raised_elsewhere")  # fmt: skip
WORDS = {f: f"Raderatord{f.replace('_', '')}Zq" for f in FIELDS}
NOTE = "RaderatordanteckningZq"
NOW = datetime(2026, 3, 2, 9)


def raw_hits(folder: Path) -> dict[str, list[str]]:
    words = [*WORDS.values(), NOTE]
    hits: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if found := [w for w in words if w.encode() in data]:
            hits[str(path.relative_to(folder))] = found
    return hits


@pytest.fixture
def node(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "nod"
    init_node(folder, node_id="backup-gallring", name="Förbund Backup", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    n = Node(folder)
    n.store.add_reports([
        make_report("old-closed", datetime(2022, 1, 10, 9), **WORDS),
        make_report("kept-open", datetime(2025, 1, 10, 9), description="Behålls i sin helhet."),
    ])  # fmt: skip
    cases = Cases(n.store, clock=Clock(datetime(2022, 6, 1, 12)))
    cases.classify(VU, "old-closed", problemtyp="P02", niva="N2", malgrupp="M06")
    cases.contact(VU, "old-closed", NOTE)
    cases.close(VU, "old-closed")
    yield n
    n.close()


def backup(node: Node, out: Path) -> Path:
    backup_folder(node.folder, "node", node.id, "node.duckdb", node.store.cursor, out,
                  plain_keys=True)  # fmt: skip
    return out


def test_backup_after_gallring_holds_no_removed_word(node: Node, tmp_path: Path) -> None:
    before = backup(node, tmp_path / "fore.tar")
    assert raw_hits(tmp_path).get("fore.tar"), "the words are in the backup before gallring"
    retention.run(node.store, 2, apply=True, clock=lambda: NOW)
    after = backup(node, tmp_path / "efter.tar")
    assert before.exists()
    assert "efter.tar" not in raw_hits(tmp_path)
    restored = restore_node(after, tmp_path / "ny", clock=lambda: NOW)
    assert restored["gallring"]["cases"] == []  # nothing left to remove
    assert raw_hits(tmp_path / "ny") == {}


def test_restoring_an_old_backup_reapplies_gallring_before_serving(
    node: Node, tmp_path: Path
) -> None:
    archive = backup(node, tmp_path / "fore.tar")
    target = tmp_path / "återställd"
    r = restore_node(archive, target, clock=lambda: NOW)
    assert r["id"] == "backup-gallring" and len(r["gallring"]["cases"]) == 1
    assert raw_hits(target) == {}, "removed words in the restored folder"
    assert not list(tmp_path.glob(".återställd.gallring-*"))
    restored = Node(target)
    try:
        with restored.store.cursor() as cur:
            rows = dict(cur.execute("SELECT id, description FROM reports").fetchall())
            who = cur.execute("SELECT who FROM report_events WHERE kind = 'gallrad'").fetchall()
            codes = cur.execute("SELECT problemtyp, niva, status FROM reports"
                                " WHERE id = 'old-closed'").fetchone()  # fmt: skip
        assert rows == {"old-closed": "[gallrad]", "kept-open": "Behålls i sin helhet."}
        assert codes == ("P02", "N2", "S7") and who == [(RESTORE_WHO,)]
        trail = restored.operations()["verify_trail"]()
        assert trail["ok"], trail["problems"]
    finally:
        restored.close()


def test_restore_refuses_a_folder_in_use_and_leaves_nothing(node: Node, tmp_path: Path) -> None:
    archive = backup(node, tmp_path / "fore.tar")
    busy = tmp_path / "upptagen"
    busy.mkdir()
    (busy / "fil.txt").write_text("x")
    with pytest.raises(UsageError, match="inte tom"):
        restore_node(archive, busy)
    damaged = tmp_path / "trasig.tar"
    damaged.write_bytes(archive.read_bytes()[:2000])
    with pytest.raises(UsageError):
        restore_node(damaged, tmp_path / "z")
    assert not (tmp_path / "z").exists() and not list(tmp_path.glob(".z.gallring-*"))
