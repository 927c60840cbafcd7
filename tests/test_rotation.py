"""Key rotation and revocation: a statement signed by both keys; old-key bundles refused after."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from node.runtime import Node
from schemas.wire import (
    PAYLOAD_TYPE_ROTATION,
    Envelope,
    Rotation,
    encode_public_key,
    key_id,
    sign,
)
from tests.helpers import published as bundle


@pytest.fixture
def node(make_node) -> Node:
    return make_node("sf-rot", "Förbund Rot", population=80000, years=(2025,), seed=3,
                     today=datetime(2026, 1, 10, tzinfo=UTC))  # fmt: skip


@pytest.mark.slow  # builds and audits three bundles
def test_rotation_needs_both_keys_and_retires_the_old(node, make_hub):
    hub = make_hub()
    hub.op_enroll(node.id, encode_public_key(node.key.public_key()))
    first = bundle(node)
    assert hub.accept(first).status == 201
    old_key = node.key

    result = node.op_rotate_key()
    statement = Path(result["statement"]).read_bytes()
    assert key_id(node.key.public_key()) == result["new_keyid"] != result["old_keyid"]

    # a statement signed by only one of the two keys is refused
    stmt = Rotation.from_bytes(Envelope.from_bytes(statement).payload)
    only_old = sign(PAYLOAD_TYPE_ROTATION, stmt.to_bytes(), [old_key]).to_bytes()
    only_new = sign(PAYLOAD_TYPE_ROTATION, stmt.to_bytes(), [node.key]).to_bytes()
    assert hub.rotate(only_old).status == 422
    assert hub.rotate(only_new).status == 422
    assert hub.accept(bundle(node)).status == 401  # the new key is not known yet

    assert hub.rotate(statement).status == 201
    assert hub.rotate(statement).status == 200  # idempotent

    # after rotation: bundles under the old key are refused, the new key works
    node.key, new_key = old_key, node.key
    stale = bundle(node)
    node.key = new_key
    refused = hub.accept(stale)
    assert refused.status == 403 and refused.code == "rotated_key"
    assert hub.accept(bundle(node)).status == 201
    # what was accepted under the old key stays and still verifies
    assert len(hub.store.bundles()) == 2 and hub.op_verify()["ok"]


def test_revoked_key_cannot_rotate(node, make_hub):
    hub = make_hub()
    hub.op_enroll(node.id, encode_public_key(node.key.public_key()))
    result = node.op_rotate_key()
    hub.op_revoke(node.id)
    outcome = hub.rotate(Path(result["statement"]).read_bytes())
    assert outcome.status == 403 and outcome.code == "revoked_key"


def test_rotation_of_unknown_key_is_401(node, make_hub):
    hub = make_hub()
    result = node.op_rotate_key()
    assert hub.rotate(Path(result["statement"]).read_bytes()).status == 401
