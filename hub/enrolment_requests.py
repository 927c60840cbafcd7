"""Enrolment requests on a hub: a node asks to be enrolled, an admin accepts or rejects.

Intake reads like :mod:`hub.accept`: verify the signature over the exact bytes (the request is
signed by the key it names, :func:`schemas.enrolment_request.open_request`), then parse, then
the rules (the key is no other node's, the node id is not someone else's), and the result is an
:class:`~hub.accept.Outcome`. Nothing is trusted on arrival: the request waits until an admin
has heard the förbund read the key's fingerprint aloud (:mod:`hub.admin`, the same two steps as
enrolling by hand) and accepts it, or rejects it with a reason the node is told.

Files are the source of truth, as for bundles: ``enrolment-requests/<keyid>.json`` is the latest
envelope from that key as received, ``enrolment-requests/decisions.json`` the admin's decisions
(written atomically). One request per key: the same bytes again change nothing (a replay is
idempotent), a corrected request from the same key replaces a pending one, and a rejected
node may ask again.

    EnrolmentDesk(folder, trust, hub_id)
        .receive(raw, address)     a POSTed request      -> Outcome
        .status(raw)               a POSTed status query -> (http status, JSON body)
        .pending() / .decided()    for the admin pages
        .accept(keyid, by) / .reject(keyid, reason, by)
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common.errors import UsageError
from hub.accept import Outcome, Refused, _sv
from hub.trust import Trust
from schemas.enrolment_request import EnrolmentRequest, open_query, open_request
from schemas.wire import (
    Envelope,
    UnknownKey,
    WireError,
    decode_public_key,
    fingerprint,
    format_time,
)

FOLDER = "enrolment-requests"
MAX_PENDING = 500
"""Requests waiting at once; more are refused so that strangers cannot fill the disk."""
QUERY_WINDOW = timedelta(minutes=10)
"""A status query counts only this close to the hub's clock, so a copied one soon expires."""
REASON_MIN, REASON_MAX = 5, 500


@dataclass(frozen=True)
class Held:
    """A request as the hub holds it, with the admin's decision if any."""

    keyid: str
    digest: str
    request: EnrolmentRequest
    received_at: str
    address: str
    decision: dict[str, Any] | None

    @property
    def state(self) -> str:
        return self.decision["decision"] if self.decision else "pending"

    @property
    def fingerprint(self) -> str:
        return fingerprint(decode_public_key(self.request.public_key))

    def to_json(self) -> dict[str, Any]:
        r = self.request
        return {"keyid": self.keyid, "digest": self.digest, "state": self.state,
                "node": r.node.to_dict(), "public_key": r.public_key,
                "fingerprint": self.fingerprint, "contact": r.contact.to_dict(),
                "created": format_time(r.created), "received_at": self.received_at,
                "address": self.address, "decision": self.decision}  # fmt: skip


class EnrolmentDesk:
    """Receives, lists and decides enrolment requests. One lock: race-free decisions."""

    def __init__(self, folder: Path, trust: Trust, hub_id: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:  # fmt: skip
        self.dir = folder / FOLDER
        self.dir.mkdir(parents=True, exist_ok=True)
        self.trust, self.hub_id, self.clock = trust, hub_id, clock
        self._lock = threading.RLock()
        self._decisions_path = self.dir / "decisions.json"
        self._meta_path = self.dir / "received.json"

    # ------------------------------------------------------------------ files

    def _read(self, path: Path) -> dict[str, Any]:
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    def _write(self, path: Path, data: dict[str, Any] | bytes) -> None:
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(data if isinstance(data, bytes) else
                    json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode())  # fmt: skip
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)

    def _held(self, keyid: str) -> Held | None:
        path = self.dir / f"{keyid}.json"
        if not path.exists():
            return None
        raw = path.read_bytes()
        request, _ = open_request(raw)  # stored only after this passed; re-checked on read
        meta = self._read(self._meta_path).get(keyid, {})
        return Held(keyid, hashlib.sha256(raw).hexdigest(), request,
                    meta.get("received_at", ""), meta.get("address", ""),
                    self._read(self._decisions_path).get(keyid))  # fmt: skip

    def all(self) -> list[Held]:
        with self._lock:
            held = [self._held(p.stem) for p in self.dir.glob("*.json")
                    if len(p.stem) == 64]  # fmt: skip
        return sorted((h for h in held if h), key=lambda h: h.received_at)

    def pending(self) -> list[Held]:
        return [h for h in self.all() if h.state == "pending"]

    def decided(self) -> list[Held]:
        return sorted((h for h in self.all() if h.decision),
                      key=lambda h: h.decision["at"] if h.decision else "", reverse=True)  # fmt: skip

    def get(self, keyid: str) -> Held | None:
        if len(keyid) != 64 or not all(c in "0123456789abcdef" for c in keyid):
            return None
        with self._lock:
            return self._held(keyid)

    # ------------------------------------------------------------------ intake

    def receive(self, raw: bytes, address: str = "") -> Outcome:
        try:
            return self._receive(raw, address)
        except Refused as r:
            return r.outcome
        except WireError as e:
            return Outcome(e.http_status, e.code, _sv(e), str(e))

    def _receive(self, raw: bytes, address: str) -> Outcome:
        request, keyid = open_request(raw)  # signature over the exact bytes, then the parse
        node_id = request.node.id
        owner = self.trust.node_of_key(keyid)
        if owner is not None and owner != node_id:
            raise Refused(409, "key_of_other_node",
                          f"Nyckeln är redan registrerad för noden {owner}.",
                          f"The key is already enrolled for node {owner}.")  # fmt: skip
        if owner == node_id:
            return Outcome(200, "already_enrolled",
                           f"Noden {node_id} är redan registrerad med den här nyckeln.",
                           f"Node {node_id} is already enrolled with this key.",
                           node_id=node_id)  # fmt: skip
        known = self.trust.nodes().get(node_id)
        if known and any(k["revoked_at"] is None and k.get("rotated_at") is None
                         for k in known["keys"]):  # fmt: skip
            raise Refused(409, "node_taken",
                          f"Noden {node_id} är redan registrerad med en annan nyckel. Byt "
                          "nyckel med 'lexheller node rotate-key', eller välj ett annat id.",
                          f"Node {node_id} is already enrolled with another key. Change keys "
                          "with 'lexheller node rotate-key', or choose another id.")  # fmt: skip
        digest = hashlib.sha256(raw).hexdigest()
        path = self.dir / f"{keyid}.json"
        with self._lock:
            if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == digest:
                # The same bytes again (a resend, or a copy replayed): nothing changes, not
                # even a rejection; asking again takes a new request (a new 'created').
                return Outcome(200, "duplicate", "Ansökan fanns redan; inget ändrades.",
                               "The request was already received; nothing changed.",
                               digest, node_id)  # fmt: skip
            if not path.exists() and len(self.pending()) >= MAX_PENDING:
                raise Refused(429, "too_many_pending",
                              "Navet har för många obehandlade ansökningar. Försök igen senare "
                              "eller kontakta navets administratör.",
                              "The hub has too many pending requests. Try again later or "
                              "contact the hub's administrator.")  # fmt: skip
            self._write(path, raw)
            meta = self._read(self._meta_path)
            meta[keyid] = {"received_at": format_time(self.clock()), "address": address[:64]}
            self._write(self._meta_path, meta)
            decisions = self._read(self._decisions_path)
            if decisions.pop(keyid, None) is not None:  # a rejected node asks again
                self._write(self._decisions_path, decisions)
        return Outcome(201, "received",
                       "Ansökan togs emot. Navets administratör ringer er kontaktperson för att "
                       "höra fingeravtrycket läsas upp.",
                       "The request was received. The hub's administrator will call your "
                       "contact to hear the fingerprint read aloud.", digest, node_id)  # fmt: skip

    def status(self, raw: bytes) -> tuple[int, dict[str, Any]]:
        """Answer a node's signed status query: the state of its request and any reason."""
        try:
            Envelope.from_bytes(raw)
            with self._lock:
                keys = {h.keyid: decode_public_key(h.request.public_key) for h in self.all()}
            try:
                query, keyid = open_query(raw, keys)
            except UnknownKey as e:
                raise Refused(404, "no_request",
                              "Navet har ingen ansökan från den här nyckeln. Skicka en med "
                              "'lexheller node enroll-request'.",
                              "The hub holds no request from this key. Send one with "
                              "'lexheller node enroll-request'.") from e  # fmt: skip
            held = self._held(keyid)
            assert held is not None
            if query.node_id != held.request.node.id:
                raise Refused(401, "wrong_node",
                              f"Frågan gäller {query.node_id} men nyckeln ansökte för "
                              f"{held.request.node.id}.",
                              f"The query names {query.node_id} but the key applied for "
                              f"{held.request.node.id}.")  # fmt: skip
            if abs(self.clock() - query.issued) > QUERY_WINDOW:
                raise Refused(422, "stale_query",
                              "Frågan är för gammal (eller nodens klocka går fel). Ställ den "
                              "igen och kontrollera nodens klocka.",
                              "The query is too old (or the node's clock is wrong). Ask again "
                              "and check the node's clock.")  # fmt: skip
        except Refused as r:
            return r.outcome.status, r.outcome.to_json()
        except WireError as e:
            return e.http_status, Outcome(e.http_status, e.code, _sv(e), str(e)).to_json()
        state = held.state
        if state == "accepted" and self.trust.node_of_key(keyid) != held.request.node.id:
            state = "revoked"  # accepted once, since taken away by hand
        decision = held.decision or {}
        return 200, {"ok": True, "status": 200, "node_id": held.request.node.id,
                     "hub_id": self.hub_id, "state": state, "reason": decision.get("reason"),
                     "decided_at": decision.get("at"), "received_at": held.received_at,
                     "fingerprint": held.fingerprint}  # fmt: skip

    # ------------------------------------------------------------------ decisions

    def _decide(self, keyid: str, decision: str, by: str, reason: str | None) -> Held:
        held = self.get(keyid)
        if held is None:
            raise UsageError.of("err_enrolment_no_request")
        if held.state != "pending":
            raise UsageError.of("err_enrolment_decided", node_id=held.request.node.id)
        decisions = self._read(self._decisions_path)
        decisions[keyid] = {"decision": decision, "by": by, "reason": reason,
                            "at": format_time(self.clock()), "digest": held.digest}  # fmt: skip
        self._write(self._decisions_path, decisions)
        return self._held(keyid) or held

    def accept(self, keyid: str, by: str) -> Held:
        """Enrol the request's key (after the admin heard the fingerprint read aloud)."""
        with self._lock:
            held = self.get(keyid)
            if held is not None and held.state == "pending":
                r = held.request
                self.trust.enroll(r.node.id, r.public_key, vouched_by=self.hub_id,
                                  info=r.node.to_dict())  # fmt: skip
            return self._decide(keyid, "accepted", by, None)

    def reject(self, keyid: str, reason: str, by: str) -> Held:
        reason = " ".join(reason.split())
        if not REASON_MIN <= len(reason) <= REASON_MAX:
            raise UsageError.of("err_enrolment_reason", min=REASON_MIN, max=REASON_MAX)
        with self._lock:
            return self._decide(keyid, "rejected", by, reason)
