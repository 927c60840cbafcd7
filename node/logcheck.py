"""`lexheller node check-log`: prove that each bundle this node sent to a hub is in the hub's
transparency log unaltered, and that the log only grew since the node last looked.

The hub's checkpoint is signed with the hub's key. The node pins that key: from
`publish.hub_public_key` in node.toml if set, else on first use (recorded in run/, and any
later change is refused).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from common.errors import UsageError
from common.transport import HttpPublisher
from node.store import NodeStore
from schemas.translog import Checkpoint, ConsistencyProof, InclusionProof
from schemas.wire import (
    PAYLOAD_TYPE_CHECKPOINT,
    Envelope,
    InvalidPayload,
    WireError,
    decode_public_key,
    key_id,
)
from schemas.wire import verify as verify_envelope


def _state_path(folder: Path, hub_url: str) -> Path:
    host = urlsplit(hub_url).netloc.replace(":", "_") or "hub"
    return folder / "run" / f"log-{host}.json"


def check_log(
    folder: Path, store: NodeStore, hub_url: str, pinned_key: str, publisher: HttpPublisher
) -> dict[str, Any]:
    state_path = _state_path(folder, hub_url)
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    info = publisher.get(hub_url, "/api/v1/hub").body
    key_text = pinned_key or state.get("public_key") or info.get("public_key")
    if not key_text:
        raise UsageError.of("err_log_no_hub_key")
    if state.get("public_key") and info.get("public_key") != state["public_key"]:
        raise UsageError.of("err_log_hub_key_changed")
    key = decode_public_key(key_text)
    raw = publisher.get_bytes(hub_url, "/api/v1/log/checkpoint")
    try:
        env = Envelope.from_bytes(raw)
        if env.payload_type != PAYLOAD_TYPE_CHECKPOINT:
            raise WireError("not a checkpoint")
        verify_envelope(env, {key_id(key): key})
        cp = Checkpoint.from_bytes(env.payload)
    except WireError as e:
        raise UsageError.of("err_log_bad_checkpoint", cause=e) from e
    size, root = cp.size, cp.root
    problems: list[str] = []
    old_size = int(state.get("size", 0))
    if old_size:
        if size < old_size:
            problems.append(f"Loggen har krympt från {old_size} till {size} poster.")
        else:
            body = publisher.get(hub_url, "/api/v1/log/consistency",
                                 {"from": old_size, "to": size}).body  # fmt: skip
            if not _proof_holds(ConsistencyProof, body,
                                lambda p: p.old == old_size and p.new == size
                                and p.verifies(bytes.fromhex(state["root"]), root)):  # fmt: skip
                problems.append("Loggen har skrivits om sedan förra kontrollen (konsistensbeviset "
                                 "håller inte).")  # fmt: skip
    checked = 0
    for item in store.outbox_all():
        if item["hub_url"].rstrip("/") != hub_url.rstrip("/") or item["hub_status"] not in (
            200,
            201,
        ):
            continue
        envelope = store.envelope(item["sequence"])
        body = publisher.get(hub_url, f"/api/v1/log/inclusion/{item['digest']}",
                             {"size": size}).body  # fmt: skip
        ok = _proof_holds(InclusionProof, body,
                          lambda p, e=envelope: p.size == size and p.verifies(e, root))  # fmt: skip
        checked += 1
        if not ok:
            problems.append(f"Paket {item['sequence']} finns inte oförändrat i loggen.")
    if not problems:
        state_path.parent.mkdir(exist_ok=True)
        state_path.write_text(json.dumps({"public_key": key_text, "size": size,
                                          "root": cp.root.hex()}))  # fmt: skip
    return {"hub": hub_url, "size": size, "previous_size": old_size, "bundles_checked": checked,
            "problems": problems, "ok": not problems}  # fmt: skip


def _proof_holds(kind: Any, body: Any, check: Any) -> bool:
    """Parse a proof strictly (a malformed answer is a failed proof, not a crash), then check it."""
    try:
        return bool(check(kind.from_dict(body)))
    except InvalidPayload:
        return False
