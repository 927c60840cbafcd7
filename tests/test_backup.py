"""Backup and restore of real node and hub folders, taken through a running server's control
channel while reports keep arriving; restored folders are compared table by table, then they
publish and verify."""

from __future__ import annotations

import tarfile
import threading
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from common import control
from common.backup import read_manifest, restore_folder
from common.errors import UsageError
from common.serving import Server
from hub.runtime import Hub
from lexheller.init import init_hub, init_node
from node.runtime import Node
from node.server import create_app
from tests.helpers import make_report

PHRASE = "korrekt häst batteri häftklammer"


def tables(cursor) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    """Every table with all its rows, in a fixed order."""
    with cursor() as cur:
        names = [r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = 'main' ORDER BY 1").fetchall()]  # fmt: skip
        return {n: cur.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}


@pytest.fixture
def served_node(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "sf-backup"
    init_node(folder, node_id="sf-backup", name="Samordningsförbundet Backup", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    node = Node(folder)
    node.op_synth(years="2024-2025", seed=5)
    token: dict[str, str] = {}
    server = Server(create_app(node, token), "127.0.0.1", 0).start()
    token["token"] = control.announce(folder, "127.0.0.1", server.port)
    yield node
    server.stop()
    control.withdraw(folder)
    node.close()


@pytest.mark.slow  # a real node server on loopback
def test_node_backup_while_serving_restores_every_table_and_publishes(
    served_node: Node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    node = served_node
    node.op_publish(out=str(tmp_path / "first.json"))
    archive = tmp_path / "kopior" / "sf-backup.tar"
    archive.parent.mkdir()

    stop = threading.Event()
    added: list[int] = []

    def keep_reporting() -> None:  # a report arriving while the copy is taken
        while not stop.is_set():
            node.store.add_reports([make_report(str(uuid.uuid4()), datetime(2026, 3, 2, 9))])
            added.append(1)

    writer = threading.Thread(target=keep_reporting)
    writer.start()
    try:
        monkeypatch.setenv("LEXHELLER_BACKUP_PASSPHRASE", PHRASE)
        assert control.running_server(node.folder) is not None  # so the server does the work
        result = control.run_op(node.folder, Node, "backup", out=str(archive))
    finally:
        stop.set()
        writer.join()
    assert added and result["keys_encrypted"] and "signing-key.pem" in result["encrypted"]
    assert (archive.stat().st_mode & 0o777) == 0o600
    assert b"PRIVATE KEY" not in archive.read_bytes()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "files/node.duckdb" in names and not any(n.startswith("files/run/") for n in names)

    restored_dir = tmp_path / "återställd"
    monkeypatch.delenv("LEXHELLER_BACKUP_PASSPHRASE")
    r = restore_folder(archive, restored_dir, passphrase=PHRASE, kind="node")
    assert r["id"] == "sf-backup" and r["kind"] == "node"
    restored = Node(restored_dir)
    try:
        got = tables(restored.store.cursor)
        # Reports kept arriving: the copy is one moment of the live database, whole.
        n_reports = len(got["reports"])
        assert 0 < n_reports <= node.store.report_count()
        with restored.store.cursor() as cur:  # each report came with its first event, or not
            orphans = cur.execute("SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1 "
                                  "FROM report_events e WHERE e.report_id = r.id)").fetchone()[0]  # fmt: skip
        assert orphans == 0
        with node.store.cursor() as cur:
            ids = [r[0] for r in got["reports"]]
            live_then = cur.execute("SELECT count(*) FROM reports WHERE id IN (SELECT unnest(?))",
                                    [ids]).fetchone()[0]  # fmt: skip
        assert live_then == n_reports
        # Stop the clock: with no writes, a new copy equals the live database table by table.
        again = tmp_path / "kopior" / "again.tar"
        control.run_op(node.folder, Node, "backup", out=str(again), passphrase=PHRASE)
        second = tmp_path / "andra"
        restore_folder(again, second, passphrase=PHRASE)
        copy = Node(second)
        try:
            assert tables(copy.store.cursor) == tables(node.store.cursor)
            assert (second / "node.toml").read_bytes() == (node.folder / "node.toml").read_bytes()
            assert ((second / "signing-key.pem").stat().st_mode & 0o777) == 0o600
            assert copy.op_key() == node.op_key()
        finally:
            copy.close()

        # The restored node signs with the same key and continues the sequence: a hub accepts.
        hub_dir = tmp_path / "nav"
        init_hub(hub_dir, hub_id="nav-backup", name="Nav", level="regional")
        hub = Hub(hub_dir)
        try:
            hub.op_enroll(node.id, node.op_key()["public_key"])
            first = hub.op_import([str(tmp_path / "first.json")])["results"][0]
            assert first["status"] == 201
            pub = restored.op_publish(out=str(tmp_path / "after.json"))
            answer = hub.op_import([str(tmp_path / "after.json")])["results"][0]
            assert answer["status"] == 201 and answer["sequence"] == pub["sequence"] > 1
            verified = hub.op_verify()
            assert verified == {"bundles": 2, "problems": [], "ok": True}
            assert restored.op_audit()
        finally:
            hub.close()
    finally:
        restored.close()


@pytest.mark.slow  # a real node server on loopback
def test_restore_refuses_wrong_passphrase_and_leaves_nothing(served_node: Node,
                                                            tmp_path: Path) -> None:  # fmt: skip
    archive = tmp_path / "b.tar"
    with pytest.raises(UsageError) as e:
        control.run_op(served_node.folder, Node, "backup", out=str(archive))
    assert "lösenfras" in e.value.sv and "--plain-keys" in e.value.hint("sv")
    assert "--plain-keys" in e.value.diagnostics("en")  # what to do travels with the error
    with pytest.raises(UsageError) as e:
        control.run_op(served_node.folder, Node, "backup", out=str(archive), passphrase="kort")
    assert "för kort" in e.value.sv
    with pytest.raises(UsageError) as e:
        control.run_op(served_node.folder, Node, "backup",
                       out=str(served_node.folder / "inuti.tar"), passphrase=PHRASE)  # fmt: skip
    assert "mappen som kopieras" in e.value.sv and "utanför" in e.value.hint("sv")
    control.run_op(served_node.folder, Node, "backup", out=str(archive), passphrase=PHRASE)
    target = tmp_path / "ny"
    with pytest.raises(UsageError) as e:
        restore_folder(archive, target, passphrase="fel fel fel fel fel")
    assert "Fel lösenfras" in e.value.sv and "inget har återställts" in e.value.sv
    assert not target.exists() and not list(tmp_path.glob(".ny.restore-*"))
    with pytest.raises(UsageError) as e:
        restore_folder(archive, target)
    assert "krypterade" in e.value.sv and "--passphrase-file" in e.value.hint("sv")
    (target / "x").parent.mkdir()
    (target / "x").write_text("upptagen")
    with pytest.raises(UsageError) as e:
        restore_folder(archive, target, passphrase=PHRASE)
    assert "inte tom" in e.value.sv
    with pytest.raises(UsageError) as e:
        restore_folder(archive, tmp_path / "nav", passphrase=PHRASE, kind="hub")
    assert "inte av ett hub" in e.value.sv or "not of a hub" in e.value.en
    damaged = tmp_path / "skadad.tar"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(UsageError) as e:
        restore_folder(damaged, tmp_path / "z", passphrase=PHRASE)
    assert "skadad" in e.value.sv and not (tmp_path / "z").exists()


@pytest.mark.slow  # a real node server on loopback
def test_plain_keys_backup_is_marked_and_restores(served_node: Node, tmp_path: Path) -> None:
    archive = tmp_path / "plain.tar"
    r = control.run_op(served_node.folder, Node, "backup", out=str(archive), plain_keys=True)
    assert not r["keys_encrypted"] and r["encrypted"] == []
    assert read_manifest(archive)["encryption"] is None
    restore_folder(archive, tmp_path / "p")
    assert (tmp_path / "p" / "signing-key.pem").read_bytes() == (
        served_node.folder / "signing-key.pem").read_bytes()  # fmt: skip


@pytest.mark.slow  # publishes twice, restores, rebuilds the index
def test_hub_backup_restores_and_rebuilds_its_index_from_signed_files(tmp_path: Path) -> None:
    node_dir, hub_dir = tmp_path / "sf-a", tmp_path / "nav"
    init_node(node_dir, node_id="sf-a", name="A", lan_codes=["14"], kommun_codes=["1480"])
    init_hub(hub_dir, hub_id="nav-a", name="Nav A", level="regional")
    node, hub = Node(node_dir), Hub(hub_dir)
    try:
        node.op_synth(years="2024-2025", seed=2)
        hub.op_enroll(node.id, node.op_key()["public_key"])
        for name in ("1.json", "2.json"):
            node.op_publish(out=str(tmp_path / name))
            assert hub.op_import([str(tmp_path / name)])["results"][0]["status"] == 201
        archive = tmp_path / "nav.tar"
        r = hub.operations()["backup"](out=str(archive), passphrase=PHRASE)
        assert r["kind"] == "hub" and "signing-key.pem" in r["encrypted"]
        before = hub.store.bundles()
        restore_folder(archive, tmp_path / "nav2", passphrase=PHRASE, kind="hub")
        (tmp_path / "nav2" / "hub.duckdb").unlink()  # the index goes; the signed files stay
        again = Hub(tmp_path / "nav2")
        try:
            assert sorted(b["digest"] for b in again.store.bundles()) == sorted(
                b["digest"] for b in before)  # fmt: skip
            assert again.op_verify() == hub.op_verify() == {"bundles": 2, "problems": [],
                                                             "ok": True}  # fmt: skip
            assert again.trust.active_keys().keys() == hub.trust.active_keys().keys()
        finally:
            again.close()
    finally:
        node.close()
        hub.close()
