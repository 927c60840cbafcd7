"""Upgrades: folders made by the previous release (commit a38a240, before schema versions) open
with today's code, get a schema version, keep their data, and go on publishing; ordered
migrations run once, in order, roll back on failure; a newer database is refused."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import duckdb
import pytest

from common.errors import UsageError
from common.migrations import Migration, current_version, history, upgrade
from hub.runtime import Hub
from node.accounts import Accounts
from node.runtime import Node
from node.store import SCHEMA as NODE_SCHEMA

FIXTURE = Path(__file__).parent / "fixtures" / "release-a38a240.tar.gz"


@pytest.fixture
def old_release(tmp_path: Path) -> Path:
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path, filter="data")
    return tmp_path


@pytest.mark.slow  # an old release's node and hub, publishing and accepting
def test_previous_release_upgrades_and_goes_on(old_release: Path) -> None:
    with duckdb.connect(str(old_release / "node-a38a240" / "node.duckdb")) as con:
        assert current_version(con) == 0
        old_tables = {r[0] for r in con.execute("SELECT table_name FROM "
                                                "information_schema.tables").fetchall()}  # fmt: skip
        old_reports = con.execute("SELECT * FROM reports ORDER BY id").fetchall()
    assert "share_outbox" not in old_tables

    node = Node(old_release / "node-a38a240")
    hub = Hub(old_release / "hub-a38a240")
    try:
        assert node.store.schema.as_dict() == {
            "kind": "node", "before": 0, "after": 1, "latest": 1,
            "applied": ["1: grundschema: tabeller och kolumner som saknas läggs till"]}  # fmt: skip
        assert hub.store.schema.before == 0 and hub.store.schema.after == 1
        with node.store.cursor() as cur:
            tables = {r[0] for r in cur.execute("SELECT table_name FROM "
                                                "information_schema.tables").fetchall()}  # fmt: skip
            assert old_tables < tables and {"share_outbox", "lexheller_schema"} <= tables
            reports = cur.execute("SELECT * FROM reports ORDER BY id").fetchall()
            assert [r[: len(old_reports[0])] for r in reports] == old_reports
            assert [h["version"] for h in history(cur)] == [1]
        assert node.operations()["migrate"]()["after"] == 1
        # The old release's staff account still logs in.
        assert Accounts(node.store).authenticate("vera", "ett-långt-lösenord", "127.0.0.1")
        # The ledger continues: the next bundle has sequence 2 and the upgraded hub takes it.
        assert [b["sequence"] for b in hub.store.bundles()] == [1]
        pub = node.op_publish(out=str(old_release / "bundle-2.json"))
        assert pub["sequence"] == 2
        answer = hub.op_import([str(old_release / "bundle-2.json")])["results"][0]
        assert answer["status"] == 201, answer
        assert hub.op_verify() == {"bundles": 2, "problems": [], "ok": True}
    finally:
        node.close()
        hub.close()
    again = Node(old_release / "node-a38a240")
    try:  # a second start finds nothing to do
        assert again.store.schema.as_dict()["applied"] == []
        assert again.store.schema.before == again.store.schema.after == 1
    finally:
        again.close()


def test_ordered_migrations_run_once_in_order_and_roll_back(old_release: Path) -> None:
    db = old_release / "steps.duckdb"
    shutil.copy(old_release / "node-a38a240" / "node.duckdb", db)
    baseline = Migration(1, "baseline", NODE_SCHEMA)

    def backfill(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute("UPDATE reports SET handled_by = 'okänd' WHERE handled_by IS NULL")

    two = Migration(2, "kolumn handled_by", "ALTER TABLE reports ADD COLUMN handled_by VARCHAR")
    three = Migration(3, "fyll handled_by", backfill)
    broken = Migration(4, "trasig", "CREATE TABLE half (x INT); SELECT * FROM no_such_table")
    with duckdb.connect(str(db)) as con:
        up = upgrade(con, "node", [three, baseline, two])  # given out of order, run in order
        assert (up.before, up.after) == (0, 3)
        assert up.applied == ["1: baseline", "2: kolumn handled_by", "3: fyll handled_by"]
        assert con.execute("SELECT DISTINCT handled_by FROM reports").fetchall() == [("okänd",)]
        assert upgrade(con, "node", [baseline, two, three]).applied == []
        with pytest.raises(UsageError) as e:
            upgrade(con, "node", [baseline, two, three, broken])
        assert "Migrering 4 (trasig)" in e.value.sv and "version 3" in e.value.sv
        assert current_version(con) == 3
        assert not con.execute("SELECT count(*) FROM information_schema.tables "
                               "WHERE table_name = 'half'").fetchone()[0]  # fmt: skip
        # An older release must not write into a newer schema.
        with pytest.raises(UsageError) as e:
            upgrade(con, "node", [baseline])
        assert "schemaversion 3" in e.value.sv and "Uppgradera lexheller" in e.value.hint("sv")
        assert "Upgrade lexheller" in e.value.hint("en")
    with pytest.raises(ValueError):
        upgrade(duckdb.connect(), "node", [baseline, three])


def test_node_refuses_a_database_from_a_newer_release(old_release: Path) -> None:
    folder = old_release / "node-a38a240"
    with duckdb.connect(str(folder / "node.duckdb")) as con:
        upgrade(con, "node", [Migration(1, "baseline", NODE_SCHEMA),
                              Migration(2, "från framtiden", "SELECT 1")])  # fmt: skip
    with pytest.raises(UsageError) as e:
        Node(folder)
    assert "schemaversion 2" in e.value.sv


@pytest.mark.slow  # a real hub server on loopback
def test_hub_takes_a_bundle_from_a_newer_minor_version(tmp_path: Path) -> None:
    """A förbund that upgraded first sends an optional field today's hub does not know."""
    import base64
    import json

    import requests

    from common.serving import Server
    from hub.server import create_app
    from lexheller.init import init_hub, init_node
    from schemas.validation import validate_bundle_dict
    from schemas.wire import (
        FORMAT_MINOR,
        PAYLOAD_TYPE_AGGREGATES,
        Bundle,
        Envelope,
        InvalidPayload,
        canonical_json,
        sign,
    )

    init_node(tmp_path / "sf-ny", node_id="sf-ny", name="Ny", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    init_hub(tmp_path / "nav", hub_id="nav-idag", name="Navet i dag", level="regional")
    node, hub = Node(tmp_path / "sf-ny"), Hub(tmp_path / "nav")
    server = Server(create_app(hub), "127.0.0.1", 0).start()
    try:
        node.op_synth(years="2025", seed=4)
        hub.op_enroll(node.id, node.op_key()["public_key"])
        pub = node.op_publish(out=str(tmp_path / "today.json"))
        today = Bundle.from_bytes(Envelope.from_bytes((tmp_path / "today.json").read_bytes()).payload)
        newer = {**today.to_dict(), "sequence": pub["sequence"] + 1,
                 "format_minor": FORMAT_MINOR + 1,
                 "coverage": {"kommuner_reporting": ["1480"], "note": "valfritt fält"}}  # fmt: skip
        validate_bundle_dict(newer)  # the documented contract says the same as the parser
        payload = canonical_json(newer)
        raw = sign(PAYLOAD_TYPE_AGGREGATES, payload, [node.key]).to_bytes()

        def post(body: bytes) -> requests.Response:
            return requests.post(server.url + "/api/v1/bundles", data=body, timeout=30,
                                 headers={"Content-Type": "application/json"})  # fmt: skip

        # Tampering with the unknown field breaks the signature: it covers the exact bytes.
        envelope = json.loads(raw)
        envelope["payload"] = base64.b64encode(payload.replace(b"valfritt", b"VALFRITT")).decode()
        r = post(json.dumps(envelope).encode())
        assert r.status_code == 422 and r.json()["error"] == "bad_signature", r.text
        r = post(raw)
        assert r.status_code == 201, r.text
        digest = r.json()["digest"]
        assert hub.store.file_path(digest).read_bytes() == raw  # kept as received
        stored = Bundle.from_bytes(Envelope.from_bytes(raw).payload)
        assert stored.unrecognized_fields == {"coverage": newer["coverage"]}
        assert stored.format_minor == FORMAT_MINOR + 1
        assert stored.to_bytes() == payload  # round trip, exact
        assert hub.op_verify()["ok"]

        # At today's minor version an unknown field is a mistake, not an extension.
        same_minor = {**newer, "sequence": newer["sequence"] + 1}
        del same_minor["format_minor"]
        with pytest.raises(InvalidPayload):
            validate_bundle_dict(same_minor)
        r = post(sign(PAYLOAD_TYPE_AGGREGATES, canonical_json(same_minor), [node.key]).to_bytes())
        assert r.status_code == 422 and "coverage" in r.text
    finally:
        server.stop()
        node.close()
        hub.close()
