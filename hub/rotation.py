"""Key rotation on the hub: a statement signed by both the node's old and new key.

After it, bundles under the old key are refused (403 rotated_key); what was accepted before
stays and still verifies with the recorded key. A regional hub forwards the statement to its
upstream hub, which checks both signatures itself.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from hub.accept import Outcome
from hub.trust import Trust
from schemas.wire import (
    PAYLOAD_TYPE_ROTATION,
    Envelope,
    Rotation,
    WireError,
    decode_public_key,
    verify_all,
)


def accept_rotation(raw: bytes, trust: Trust, folder: Path) -> tuple[Outcome, Rotation | None]:
    try:
        env = Envelope.from_bytes(raw)
        if env.payload_type != PAYLOAD_TYPE_ROTATION:
            return Outcome(400, "wrong_payload_type", "Det här är inget nyckelbyte.",
                           "This is not a key rotation statement."), None  # fmt: skip
        stmt = Rotation.from_bytes(env.payload)
    except WireError as e:
        return Outcome(e.http_status, e.code, f"Ogiltigt nyckelbyte: {e}",
                       f"Invalid rotation: {e}"), None  # fmt: skip
    entry = trust.key_entry(stmt.old_keyid)
    if entry is None or trust.node_of_key(stmt.old_keyid) != stmt.node_id:
        return Outcome(401, "unknown_key", "Den gamla nyckeln är inte registrerad för noden.",
                       "The old key is not enrolled for this node."), None  # fmt: skip
    if entry["revoked_at"] is not None:
        return Outcome(403, "revoked_key", "Den gamla nyckeln är spärrad; en spärrad nyckel kan "
                       "inte byta till en ny. Registrera den nya nyckeln på nytt.",
                       "The old key is revoked and cannot rotate; enrol the new key anew."), None  # fmt: skip
    try:
        verify_all(env, {stmt.old_keyid: decode_public_key(entry["public_key"]),
                         stmt.new_keyid: decode_public_key(stmt.new_public_key)})  # fmt: skip
    except WireError as e:
        return Outcome(422, "bad_signature", "Nyckelbytet måste vara signerat av både den gamla "
                       f"och den nya nyckeln: {e}",
                       f"The rotation must be signed by both the old and the new key: {e}"), None  # fmt: skip
    already = trust.key_entry(stmt.new_keyid)
    trust.rotate(stmt.node_id, stmt.old_keyid, stmt.new_public_key)
    digest = hashlib.sha256(raw).hexdigest()
    folder.joinpath("rotations").mkdir(exist_ok=True)
    folder.joinpath("rotations", f"{digest}.json").write_bytes(raw)
    status = 200 if already else 201
    return Outcome(status, "rotated", f"Noden {stmt.node_id} har bytt nyckel.",
                   f"Node {stmt.node_id} rotated its key.", digest, stmt.node_id), stmt  # fmt: skip
