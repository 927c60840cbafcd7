"""Hub to hub: signed enrolment statements and the forwarding queue to the upstream hub.

A regional hub vouches for each node it enrolled by signing an enrolment statement (node id,
name, län, public key) with its own key; the national hub accepts the statement only from a
hub it trusts, then verifies the node's own signature on every forwarded bundle. The queue is
worked in order and stops at the first transient failure, so a bundle never overtakes the
enrolment of its key.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common.errors import TransportError
from common.transport import HttpPublisher, backoff_seconds
from hub.accept import Outcome
from hub.store import HubStore
from hub.trust import Trust
from schemas.wire import (
    PAYLOAD_TYPE_ENROLMENT,
    Enrolment,
    Envelope,
    NodeInfo,
    UnknownKey,
    WireError,
    decode_public_key,
    key_id,
    sign,
    verify,
)

log = logging.getLogger("lexheller.hub.federation")


def enrolment_statement(
    hub_id: str, key: Ed25519PrivateKey, node: NodeInfo, public_key: str, now: datetime
) -> bytes:
    stmt = Enrolment(hub_id, node, public_key, now.replace(microsecond=0))
    return sign(PAYLOAD_TYPE_ENROLMENT, stmt.to_bytes(), [key]).to_bytes()


def accept_enrolment(raw: bytes, trust: Trust, folder: Path) -> Outcome:
    """Accept a downstream hub's statement that a node holds a key."""
    try:
        env = Envelope.from_bytes(raw)
        if env.payload_type != PAYLOAD_TYPE_ENROLMENT:
            return Outcome(400, "wrong_payload_type", "Det här är ingen registreringsutsaga.",
                           "This is not an enrolment statement.")  # fmt: skip
        keyid = _verify_hub(env, trust)
        stmt = Enrolment.from_bytes(env.payload)
    except UnknownKey:
        return Outcome(401, "unknown_hub",
                       "Utsagan är inte signerad av ett nav som det här navet litar på.",
                       "The statement is not signed by a hub this hub trusts.")  # fmt: skip
    except WireError as e:
        return Outcome(e.http_status, e.code, f"Ogiltig utsaga: {e}", f"Invalid statement: {e}")
    hub_id = trust.hub_of_key(keyid)
    if hub_id != stmt.hub_id:
        return Outcome(401, "wrong_hub", "Utsagan är signerad av ett annat nav än det angivna.",
                       "The statement is signed by another hub than the one it names.")  # fmt: skip
    owner = trust.node_of_key(_keyid_of(stmt.public_key))
    if owner is not None and owner != stmt.node.id:
        return Outcome(409, "key_in_use", "Nyckeln är redan registrerad för en annan nod.",
                       "The key is already enrolled for another node.")  # fmt: skip
    trust.enroll(stmt.node.id, stmt.public_key, vouched_by=hub_id, info=stmt.node.to_dict())
    digest = hashlib.sha256(raw).hexdigest()
    statements = folder / "enrolments"
    statements.mkdir(exist_ok=True)
    (statements / f"{digest}.json").write_bytes(raw)
    return Outcome(201, "enrolled", f"Noden {stmt.node.id} registrerades via {hub_id}.",
                   f"Node {stmt.node.id} was enrolled via {hub_id}.", digest, stmt.node.id)  # fmt: skip


def _verify_hub(env: Envelope, trust: Trust) -> str:
    return verify(env, trust.hub_keys())


def _keyid_of(public_key: str) -> str:
    return key_id(decode_public_key(public_key))


class Forwarder:
    """Sends what the hub accepted to its upstream hub, in order, with retries and backoff."""

    def __init__(self, store: HubStore, upstream: str, interval: float, timeout: float = 20.0):
        self.store = store
        self.upstream = upstream
        self.interval = interval
        self.publisher = HttpPublisher(timeout)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.also: list[Callable[[], object]] = []
        """Further work each round (a regional hub fetching its releases); failures logged."""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="forwarder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.work_once()
            except Exception:  # keep forwarding alive whatever one round does
                log.exception("forwarding round failed")
            for task in self.also:
                try:
                    task()
                except Exception:
                    log.exception("upstream task failed")
            self._wake.wait(self.interval)
            self._wake.clear()

    def work_once(self, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        sent = 0
        for item in self.store.due_forwards(now):
            path = {"enrolment": "/api/v1/enrolments", "rotation": "/api/v1/rotations",
                    "shares": "/api/v1/shares"}.get(
                item["kind"], "/api/v1/bundles"
            )
            try:
                answer = self.publisher.post(self.upstream, path, bytes(item["envelope"]))
            except TransportError as e:
                self._retry(item, now, None, e.en)
                return sent
            if answer.status in (200, 201):
                self.store.forward_result(item["id"], sent=now, status=answer.status,
                                          error=None, next_attempt=None)  # fmt: skip
                sent += 1
            elif answer.status >= 500 or answer.status in (408, 429):
                self._retry(item, now, answer.status, str(answer.body.get("error")))
                return sent
            else:
                log.warning("upstream refused %s %s: %s", item["kind"], item["digest"][:12],
                            answer.body)  # fmt: skip
                self.store.forward_result(item["id"], sent=now, status=answer.status,
                                          error=str(answer.body.get("message_en")),
                                          next_attempt=None)  # fmt: skip
        return sent

    def _retry(self, item: dict, now: datetime, status: int | None, error: str) -> None:
        wait = backoff_seconds(item["attempts"])
        log.info("upstream not reachable (%s); retry in %s s", error, wait)
        self.store.forward_result(item["id"], sent=None, status=status, error=error,
                                  next_attempt=now + timedelta(seconds=min(wait, 60)))  # fmt: skip
