"""Share envelopes on a hub: intake (verify, then parse, then rules), storage, listing.

A hub cannot read shares: each is encrypted to one aggregator. It checks what it can — the
node's signature over the exact bytes, that the key belongs to the node named, that the bundle
the shares belong to is stored here and is that node's, that the cell count matches the
bundle, that nothing older replaces something newer — and stores the envelope as received
(``shares/<sha256>.json``; the files are the source of truth, the index is rebuilt from them at
start). A regional hub queues accepted envelopes for its upstream as opaque bytes, after the
bundle they belong to. The national hub serves them to the aggregators.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.accept import Outcome, Refused, _sv
from hub.store import HubStore
from hub.trust import Trust
from schemas.shares import Shares, open_envelope, shares_digest
from schemas.wire import Bundle, Envelope, UnknownKey, WireError


@dataclass(frozen=True)
class StoredShares:
    digest: str
    node_id: str
    bundle_digest: str
    bundle_sequence: int
    received_at: str

    def to_json(self) -> dict[str, Any]:
        return {"digest": self.digest, "node_id": self.node_id,
                "bundle_digest": self.bundle_digest, "bundle_sequence": self.bundle_sequence,
                "received_at": self.received_at, "url": f"/api/v1/shares/{self.digest}"}  # fmt: skip


class ShareIntake:
    """Accepts, stores and lists share envelopes. One lock: decisions are race-free."""

    def __init__(
        self,
        folder: Path,
        store: HubStore,
        trust: Trust,
        on_accept: Callable[[str, bytes], None] | None = None,
    ):
        self.dir = folder / "shares"
        self.dir.mkdir(exist_ok=True)
        self.store, self.trust, self.on_accept = store, trust, on_accept
        self._lock = threading.Lock()
        self._by_bundle: dict[str, StoredShares] = {}
        for path in sorted(self.dir.glob("*.json")):
            try:
                payload = Shares.from_bytes(Envelope.from_bytes(path.read_bytes()).payload)
            except WireError:
                continue  # left for an operator; it was verified when it arrived
            mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            self._remember(path.stem, payload, mtime)

    def _remember(self, digest: str, s: Shares, at: datetime) -> None:
        self._by_bundle[s.bundle_digest] = StoredShares(
            digest, s.node_id, s.bundle_digest, s.bundle_sequence,
            at.strftime("%Y-%m-%dT%H:%M:%SZ"))  # fmt: skip

    def listing(self, node_id: str | None = None) -> list[dict[str, Any]]:
        rows = sorted(self._by_bundle.values(), key=lambda s: (s.node_id, s.bundle_sequence))
        return [s.to_json() for s in rows if node_id is None or s.node_id == node_id]

    def path(self, digest: str) -> Path:
        return self.dir / f"{digest}.json"

    def accept(self, raw: bytes, via: str = "direct") -> Outcome:
        try:
            return self._accept(raw, via)
        except Refused as r:
            return r.outcome
        except WireError as e:
            return Outcome(e.http_status, e.code, _sv(e), str(e))

    def _accept(self, raw: bytes, via: str) -> Outcome:
        revoked = self.trust.revoked_keyids() | self.trust.rotated_keyids()
        try:
            Envelope.from_bytes(raw)  # a malformed envelope is a 400 before any key question
            payload, keyid = open_envelope(raw, self.trust.active_keys())
        except UnknownKey as e:
            env = Envelope.from_bytes(raw)
            if any(s.keyid in revoked for s in env.signatures):
                raise Refused(403, "revoked_key",
                              "Nyckeln som signerade andelarna är spärrad eller utbytt.",
                              "The key that signed the shares is revoked or rotated.") from e  # fmt: skip
            raise Refused(401, "unknown_key",
                          "Andelarna är inte signerade av någon nod som navet känner.",
                          "The shares are not signed by a node this hub knows.") from e  # fmt: skip
        owner = self.trust.node_of_key(keyid)
        if owner != payload.node_id:
            raise Refused(401, "wrong_node",
                          f"Andelarna säger sig komma från {payload.node_id} men är signerade "
                          f"med nyckeln för {owner}.",
                          f"The shares claim to be from {payload.node_id} but are signed with "
                          f"the key of {owner}.")  # fmt: skip
        digest = shares_digest(raw)
        with self._lock:
            have = self._by_bundle.get(payload.bundle_digest)
            if have is not None and have.digest == digest:
                return Outcome(200, "duplicate", "Andelarna fanns redan; inget ändrades.",
                               "The shares were already stored; nothing changed.", digest,
                               payload.node_id, payload.bundle_sequence)  # fmt: skip
            bundle_path = self.store.file_path(payload.bundle_digest)
            if not bundle_path.exists():
                raise Refused(409, "unknown_bundle",
                              "Navet har inte paketet som andelarna hör till. Skicka paketet "
                              "först.",
                              "The hub does not have the bundle these shares belong to. Send "
                              "the bundle first.")  # fmt: skip
            bundle = Bundle.from_bytes(Envelope.from_bytes(bundle_path.read_bytes()).payload)
            if bundle.node.id != payload.node_id or bundle.sequence != payload.bundle_sequence:
                raise Refused(422, "wrong_bundle",
                              "Andelarna pekar på ett paket från en annan nod eller med ett "
                              "annat löpnummer.",
                              "The shares name a bundle of another node or sequence.")  # fmt: skip
            cells = sum(len(t.cells) for t in bundle.tables)
            if cells != payload.cells:
                raise Refused(422, "cells_mismatch",
                              f"Andelarna gäller {payload.cells} celler, paketet har {cells}.",
                              f"The shares cover {payload.cells} cells, the bundle has "
                              f"{cells}.")  # fmt: skip
            if have is not None:
                raise Refused(409, "shares_exist",
                              "Navet har redan andra andelar för det paketet.",
                              "The hub already holds other shares for that bundle.")  # fmt: skip
            last = max((s.bundle_sequence for s in self._by_bundle.values()
                        if s.node_id == payload.node_id), default=0)  # fmt: skip
            if payload.bundle_sequence < last:
                raise Refused(409, "replayed_sequence",
                              f"Navet har redan andelar för nodens nyare paket ({last}).",
                              f"The hub already holds shares for the node's newer bundle "
                              f"({last}).")  # fmt: skip
            _write(self.path(digest), raw)
            self._remember(digest, payload, datetime.now(UTC))
        if self.on_accept:
            self.on_accept(digest, raw)
        return Outcome(201, "accepted", "Andelarna togs emot.", "The shares were accepted.",
                       digest, payload.node_id, payload.bundle_sequence)  # fmt: skip


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
