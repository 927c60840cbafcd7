"""`lexheller node rotate-key`: a new signing key, announced by a statement signed by both keys.

The old private key is kept (renamed, owner-only) so that earlier bundles can still be shown
to be the node's; new bundles are signed with the new key only.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common.keys import PRIVATE_NAME, PUBLIC_NAME, create_key
from node.store import NodeStore
from schemas.wire import (
    PAYLOAD_TYPE_ROTATION,
    Rotation,
    bundle_digest,
    encode_public_key,
    fingerprint,
    key_id,
    sign,
)


def rotate_key(
    folder: Path, node_id: str, old: Ed25519PrivateKey, store: NodeStore, hub_url: str | None
) -> tuple[Ed25519PrivateKey, dict[str, Any]]:
    old_kid = key_id(old.public_key())
    retired = folder / "retired-keys"
    retired.mkdir(mode=0o700, exist_ok=True)
    os.replace(folder / PRIVATE_NAME, retired / f"{old_kid[:16]}.pem")
    os.replace(folder / PUBLIC_NAME, retired / f"{old_kid[:16]}.pub")
    try:
        new = create_key(folder)
    except Exception:
        os.replace(retired / f"{old_kid[:16]}.pem", folder / PRIVATE_NAME)
        os.replace(retired / f"{old_kid[:16]}.pub", folder / PUBLIC_NAME)
        raise
    now = datetime.now(UTC).replace(microsecond=0)
    stmt = Rotation(node_id, old_kid, encode_public_key(new.public_key()), now)
    raw = sign(PAYLOAD_TYPE_ROTATION, stmt.to_bytes(), [old, new]).to_bytes()
    digest = bundle_digest(raw)
    store.record_rotation(digest, now, old_kid, stmt.new_keyid, raw, hub_url)
    (folder / "retired-keys" / f"rotation-{now:%Y%m%dT%H%M%S}.json").write_bytes(raw)
    return new, {
        "old_keyid": old_kid,
        "new_keyid": stmt.new_keyid,
        "public_key": stmt.new_public_key,
        "fingerprint": fingerprint(new.public_key()),
        "statement": str(folder / "retired-keys" / f"rotation-{now:%Y%m%dT%H%M%S}.json"),
    }
