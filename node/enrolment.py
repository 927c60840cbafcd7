"""The node's side of an enrolment request: ask a hub to enrol this node, then ask what became
of it. Both travel signed by the node's key (:mod:`schemas.enrolment_request`); the hub's
admin accepts only after hearing the fingerprint read aloud, so the node's contact should expect
a call. ``enrolment-request.json`` in the node folder remembers where the request went.

    operations(node) -> {"enroll_request": ..., "enroll_status": ...}
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.errors import UsageError
from common.transport import HttpPublisher
from node.publish import node_info
from schemas.enrolment_request import (
    Contact,
    EnrolmentRequest,
    StatusQuery,
    seal_query,
    seal_request,
)
from schemas.wire import InvalidPayload, encode_public_key, fingerprint

if TYPE_CHECKING:
    from node.runtime import Node

MEMO = "enrolment-request.json"
STATES_SV = {
    "pending": "Ansökan väntar på navets administratör. Räkna med ett samtal till er "
               "kontaktperson, som ska läsa upp fingeravtrycket {fp}.",
    "accepted": "Ansökan är godkänd: noden är registrerad hos navet {hub} och kan publicera "
                "('lexheller node publish').",
    "rejected": "Ansökan avslogs av navet {hub}. Skäl: {reason}",
    "revoked": "Ansökan godkändes, men nyckeln har sedan spärrats hos navet {hub}. Kontakta "
               "navets administratör.",
}  # fmt: skip
STATES_EN = {
    "pending": "The request waits for the hub's administrator. Expect a call to your contact, "
               "who should read the fingerprint {fp} aloud.",
    "accepted": "The request is accepted: the node is enrolled with hub {hub} and can publish "
                "('lexheller node publish').",
    "rejected": "The request was rejected by hub {hub}. Reason: {reason}",
    "revoked": "The request was accepted, but the key has since been revoked by hub {hub}. "
               "Contact the hub's administrator.",
}  # fmt: skip


def _hub_url(node: Node, hub: str | None) -> str:
    url = hub or _memo(node.folder).get("hub_url") or node.config["publish"]["hub_url"]
    if not url:
        raise UsageError.of("err_enrol_no_hub")
    if not url.startswith(("https://", "http://")):
        raise UsageError.of("err_enrol_bad_url", url=url)
    return url.rstrip("/")


def _memo(folder: Path) -> dict[str, Any]:
    path = folder / MEMO
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def _publisher(node: Node) -> HttpPublisher:
    return HttpPublisher(float(node.config["publish"]["timeout_seconds"]))


def op_enroll_request(node: Node, hub: str | None = None, contact_name: str = "",
                      contact_email: str = "", contact_phone: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Sign and send an enrolment request to the hub; remember where it went."""
    url = _hub_url(node, hub)
    try:
        contact = Contact(contact_name.strip(), contact_email.strip(),
                          (contact_phone or "").strip() or None)  # fmt: skip
        request = EnrolmentRequest(node_info(node.config), encode_public_key(node.key.public_key()),
                                   contact, datetime.now(UTC))  # fmt: skip
    except InvalidPayload as e:
        raise UsageError.of("err_enrol_bad_request", cause=e) from e
    answer = _publisher(node).post(url, "/api/v1/enrolment-requests", seal_request(request, node.key))
    body = answer.body
    ok = answer.status in (200, 201)
    if ok:
        memo = {"hub_url": url, "node_id": node.id, "digest": body.get("digest"),
                "sent_at": request.to_dict()["created"]}  # fmt: skip
        (node.folder / MEMO).write_text(json.dumps(memo, indent=2), "utf-8")
    return {"ok": ok, "status": answer.status, "code": body.get("error") or body.get("code"),
            "hub_url": url, "node_id": node.id, "fingerprint": fingerprint(node.key.public_key()),
            "message": body.get("message", ""), "message_en": body.get("message_en", "")}  # fmt: skip


def op_enroll_status(node: Node, hub: str | None = None) -> dict[str, Any]:
    """Ask the hub, with a query signed by the node's key, what became of the request."""
    url = _hub_url(node, hub)
    raw = seal_query(StatusQuery(node.id, datetime.now(UTC)), node.key)
    answer = _publisher(node).post(url, "/api/v1/enrolment-requests/status", raw)
    body = answer.body
    if answer.status != 200:
        raise UsageError(f"Navet svarade {answer.status}: {body.get('message', body)}",
                         f"The hub answered {answer.status}: "
                         f"{body.get('message_en', body.get('message', body))}")  # fmt: skip
    state = str(body.get("state"))
    fields = {"fp": fingerprint(node.key.public_key()), "hub": body.get("hub_id", url),
              "reason": body.get("reason") or "–"}  # fmt: skip
    return {"ok": True, "hub_url": url, "node_id": node.id, "state": state,
            "reason": body.get("reason"), "decided_at": body.get("decided_at"),
            "message": STATES_SV.get(state, state).format(**fields),
            "message_en": STATES_EN.get(state, state).format(**fields)}  # fmt: skip


def operations(node: Node) -> dict[str, Any]:
    return {
        "enroll_request": lambda **kw: op_enroll_request(node, **kw),
        "enroll_status": lambda **kw: op_enroll_status(node, **kw),
    }
