"""The node's side of the regional working group over HTTP: share, withdraw, fetch decisions.

Everything goes to ``[publish] hub_url`` through :class:`common.transport.HttpPublisher` (the one
HTTP module). Fetching the decisions sends a fresh statement signed with the node's key
(:class:`schemas.summary.DecisionsRequest`, addressed to the hub's key id); the hub answers
with the decisions signed by its key, which the node verifies before it keeps them
(:func:`node.summaries.store_decisions`). Withdrawals the hub has not confirmed are sent again
first, so a withdrawn summary never stays in a pattern the node reads back.

Used by the staff pages, the node's operations (CLI, control channel) and the demo.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from common.errors import RemoteRefused, UsageError
from common.transport import HttpPublisher
from node import summaries
from node.accounts import User
from schemas.summary import DecisionsRequest, seal_fetch
from schemas.wire import WireError, decode_public_key, key_id, loads_json


def _hub(node: Any) -> tuple[str, HttpPublisher]:
    pub = node.config["publish"]
    if not pub["hub_url"]:
        raise UsageError("Ingen hub_url i [publish] i node.toml: noden vet inte vilket nav den "
                         "ska tala med.", "No hub_url in [publish] in node.toml: the node does "
                         "not know which hub to talk to.")  # fmt: skip
    return str(pub["hub_url"]), HttpPublisher(float(pub["timeout_seconds"]))


def _refused(status: int, said: Any) -> RemoteRefused:
    said = said if isinstance(said, dict) else {}
    sv = said.get("message") or said.get("error") or str(status)
    en = said.get("message_en") or said.get("error") or str(status)
    return RemoteRefused(f"Navet tog inte emot det ({status}): {sv}",
                         f"The hub refused it ({status}): {en}", status, said)  # fmt: skip


def send(node: Any, raw: bytes) -> dict[str, Any]:
    """Post a signed summary or withdrawal; the hub's answer (raises when refused)."""
    hub_url, http = _hub(node)
    answer = http.post(hub_url, "/api/v1/summaries", raw)
    if answer.status >= 400:
        raise _refused(answer.status, answer.body)
    return answer.body


def deliver_withdrawals(node: Any) -> int:
    """Send every withdrawal the hub has not confirmed; how many were delivered."""
    n = 0
    for sid, raw in summaries.pending_withdrawals(node.store):
        send(node, raw)
        summaries.withdrawal_delivered(node.store, sid)
        n += 1
    return n


def share(node: Any, user: User, summary_id: int) -> dict[str, Any]:
    """Sign an approved summary and post it to the regional hub (withdrawals first)."""
    raw = summaries.share(node.store, user, summary_id, node.id, node.key)
    deliver_withdrawals(node)
    body = send(node, raw)
    return {"summary": summary_id, "hub": body.get("message"), "status": body.get("status")}


def fetch_request(node: Any, now: datetime | None = None) -> bytes:
    """A fresh fetch statement signed with the node's key, addressed to the configured hub."""
    hub_public_key = node.config["publish"]["hub_public_key"]
    if not hub_public_key:
        raise UsageError("Navets publika nyckel saknas (publish.hub_public_key i node.toml).",
                         "The hub's public key is missing (publish.hub_public_key).")  # fmt: skip
    req = DecisionsRequest(node.id, key_id(decode_public_key(hub_public_key)),
                           now or datetime.now(UTC), secrets.token_hex(16))  # fmt: skip
    return seal_fetch(req, node.key)


def fetch_decisions(node: Any) -> dict[str, Any]:
    """Fetch, verify and keep the working group's decisions on this node's summaries."""
    deliver_withdrawals(node)
    hub_url, http = _hub(node)
    status, body = http.post_for_bytes(hub_url, f"/api/v1/workgroup/decisions/{node.id}",
                                       fetch_request(node))  # fmt: skip
    if status != 200:
        try:
            said = loads_json(body)
        except ValueError:
            said = {}
        raise _refused(status, said)
    try:
        got = summaries.store_decisions(node.store, body,
                                        node.config["publish"]["hub_public_key"], node.id)  # fmt: skip
    except WireError as e:
        raise RemoteRefused(f"Navets svar kunde inte verifieras med navets nyckel ({e}); inget "
                            "sparades. Kontrollera publish.hub_public_key.",
                            f"The hub's answer did not verify with the hub's key ({e}); nothing "
                            "was kept. Check publish.hub_public_key.", status) from e  # fmt: skip
    return {"patterns": len(got.patterns), "decisions": summaries.decisions(node.store)}
