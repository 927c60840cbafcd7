"""Federation over real HTTP on loopback: a regional hub forwards what it accepted — the
enrolment statement it signed, the node's bundles as received, the node's key rotation — and
the national hub checks the node's own signatures, knowing the key only through its trust in
the regional hub."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from common.serving import Server
from common.transport import HttpPublisher
from hub.federation import enrolment_statement
from lexheller.apps import hub_app as create_app
from node.runtime import Node
from schemas.wire import NodeInfo, encode_public_key
from tests.helpers import published as signed

pytestmark = pytest.mark.e2e


@pytest.fixture
def node(make_node) -> Node:
    return make_node("sf-fed", "Förbund Fed", population=70000, years=(2025,), seed=11,
                     today=datetime(2026, 1, 2, tzinfo=UTC))  # fmt: skip


def test_regional_forwards_enrolment_bundles_and_rotation(node, make_hub):
    national = make_hub("nationell", level="national")
    server = Server(create_app(national), "127.0.0.1", 0).start()
    try:
        regional = make_hub("region-vg", upstream=server.url)
        national.op_trust_hub("region-vg", encode_public_key(regional.key.public_key()))
        regional.op_enroll(node.id, encode_public_key(node.key.public_key()))

        assert regional.accept(signed(node)).status == 201
        assert regional.forwarder.work_once() == 2  # enrolment statement, then the bundle
        got = national.store.bundles()
        assert [b["node_id"] for b in got] == [node.id]
        assert national.trust.nodes()[node.id]["keys"][0]["vouched_by"] == "region-vg"

        # the node rotates its key; the statement travels the same way
        statement = Path(node.op_rotate_key()["statement"]).read_bytes()
        assert regional.rotate(statement).status == 201
        assert regional.accept(signed(node)).status == 201
        assert regional.forwarder.work_once() >= 2
        keys = national.trust.nodes()[node.id]["keys"]
        assert [k.get("rotated_at") is not None for k in keys] == [True, False]
        assert len(national.store.bundles()) == 2
        assert national.op_verify()["ok"]

        # a hub the national hub does not trust cannot vouch for anyone
        rogue = make_hub("region-okand", upstream=server.url)
        info = NodeInfo("sf-annan", "Annat förbund", ("14",))
        stmt = enrolment_statement("region-okand", rogue.key, info,
                                   encode_public_key(rogue.key.public_key()),
                                   datetime.now(UTC))  # fmt: skip
        answer = HttpPublisher(5).post_enrolment(server.url, stmt)
        assert answer.status == 401 and answer.body["error"] == "unknown_hub"
        assert "sf-annan" not in national.trust.nodes()
    finally:
        server.stop()
