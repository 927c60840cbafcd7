"""Acceptance of a bundle by a hub: verify over the raw bytes, then parse, then policy.

`Acceptor.accept(raw)` returns an `Outcome` (data, not a bool): the HTTP status, a stable
error code, Swedish and English messages, and the rule that decided. Nothing is stored unless
every rule passed. Policy rules are small objects with one `check()` method, injected.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from common.errors import error_body
from common.i18n import has, pair
from hub.store import HubStore
from hub.trust import Trust
from schemas.codes import VERSIONS
from schemas.wire import (
    PAYLOAD_TYPE_AGGREGATES,
    Bundle,
    Envelope,
    InvalidPayload,
    UnknownKey,
    WireError,
    bundle_digest,
    verify,
)


@dataclass(frozen=True)
class Outcome:
    status: int
    code: str
    sv: str
    en: str
    digest: str | None = None
    node_id: str | None = None
    sequence: int | None = None
    rule: str | None = None
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in (200, 201)

    def to_json(self) -> dict[str, Any]:
        if self.ok:
            return {"ok": True, "status": self.status, "digest": self.digest,
                    "node_id": self.node_id, "sequence": self.sequence,
                    "message": self.sv, "message_en": self.en}  # fmt: skip
        return error_body(self.status, self.code, self.sv, self.en, self.details,
                          hint=refusal_hint(self.code))  # fmt: skip


def refusal_hint(code: str) -> tuple[str, str] | None:
    """What the sender can do about a refusal with `code` (``err_refused_<code>_hint``)."""
    key = f"err_refused_{code}_hint"
    return pair(key) if has(key) else None


class Refused(Exception):
    def __init__(self, status: int, code: str, sv: str, en: str, details: list[str] | None = None):
        super().__init__(en)
        self.outcome = Outcome(status, code, sv, en, details=details or [])


@dataclass(frozen=True)
class Context:
    bundle: Bundle
    keyid: str
    digest: str
    now: datetime


class Rule(Protocol):
    name: str

    def check(self, ctx: Context) -> None: ...


class KeyBelongsToNode:
    name = "key_belongs_to_node"

    def __init__(self, trust: Trust):
        self.trust = trust

    def check(self, ctx: Context) -> None:
        owner = self.trust.node_of_key(ctx.keyid)
        if owner != ctx.bundle.node.id:
            raise Refused(401, "wrong_node",
                          f"Paketet säger sig komma från {ctx.bundle.node.id} men är signerat "
                          f"med nyckeln för {owner}.",
                          f"The bundle claims to be from {ctx.bundle.node.id} but is signed "
                          f"with the key of {owner}.")  # fmt: skip


class NotExpired:
    name = "not_expired"

    def check(self, ctx: Context) -> None:
        if ctx.bundle.expires <= ctx.now:
            raise Refused(422, "expired",
                          "Paketet har gått ut. Publicera på nytt från noden.",
                          "The bundle has expired. Publish again from the node.")  # fmt: skip


class DisclosurePolicy:
    name = "disclosure_policy"

    def __init__(self, min_k: int):
        self.min_k = min_k

    def check(self, ctx: Context) -> None:
        b = ctx.bundle
        if b.k < self.min_k:
            raise Refused(422, "weak_disclosure",
                          f"Navet kräver k ≥ {self.min_k}; paketet har k = {b.k}. "
                          "Höj k i nodens konfiguration och publicera igen.",
                          f"This hub requires k ≥ {self.min_k}; the bundle has k = {b.k}. "
                          "Raise k in the node's config and publish again.")  # fmt: skip
        small = [
            f"{t.name} {t.period} {'/'.join(key) or 'total'} = {v}"
            for t in b.tables
            for key, v in t.cells
            if v is not None and 0 < v < b.k
        ]
        if small:
            raise Refused(422, "small_count",
                          f"Paketet innehåller {len(small)} celler med värden mellan 1 och "
                          f"{b.k - 1}, som skulle ha undertryckts. Inget sparades.",
                          f"The bundle holds {len(small)} cells between 1 and {b.k - 1} that "
                          "should have been suppressed. Nothing was stored.", small[:20])  # fmt: skip


class KnownTaxonomy:
    name = "known_taxonomy"

    def check(self, ctx: Context) -> None:
        if ctx.bundle.taxonomy not in VERSIONS:
            raise Refused(422, "unknown_taxonomy",
                          f"Kodlistversionen {ctx.bundle.taxonomy} är okänd för navet.",
                          f"Code list version {ctx.bundle.taxonomy} is unknown to this hub.")  # fmt: skip


class Acceptor:
    """Decides on and stores bundles. One lock: decisions on sequence are race-free."""

    def __init__(
        self,
        store: HubStore,
        trust: Trust,
        rules: Sequence[Rule],
        on_accept: Callable[[str, bytes, Bundle, str], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.store, self.trust, self.rules = store, trust, list(rules)
        self.on_accept = on_accept
        self.clock = clock
        self._lock = threading.Lock()

    def accept(self, raw: bytes, via: str = "direct") -> Outcome:
        try:
            return self._accept(raw, via)
        except Refused as r:
            return r.outcome
        except WireError as e:
            return Outcome(e.http_status, e.code, _sv(e), str(e))

    def _accept(self, raw: bytes, via: str) -> Outcome:
        env = Envelope.from_bytes(raw)
        if env.payload_type != PAYLOAD_TYPE_AGGREGATES:
            raise Refused(400, "wrong_payload_type",
                          "Det här är inget aggregatpaket.", "This is not an aggregate bundle.")  # fmt: skip
        revoked = self.trust.revoked_keyids()
        if any(s.keyid in revoked for s in env.signatures):
            raise Refused(403, "revoked_key",
                          "Nyckeln som signerade paketet är spärrad.",
                          "The key that signed this bundle has been revoked.")  # fmt: skip
        if any(s.keyid in self.trust.rotated_keyids() for s in env.signatures):
            raise Refused(403, "rotated_key",
                          "Nyckeln som signerade paketet har bytts ut. Publicera igen med "
                          "nodens nya nyckel.",
                          "The key that signed this bundle has been rotated. Publish again "
                          "with the node's new key.")  # fmt: skip
        try:
            keyid = verify(env, self.trust.active_keys())  # over the exact bytes, before parsing
        except UnknownKey as e:
            raise Refused(401, "unknown_key",
                          "Paketet är inte signerat av någon nod som navet känner. Registrera "
                          "nodens nyckel (lexheller hub enroll) och försök igen.",
                          "The bundle is not signed by a node this hub knows. Enrol the node's "
                          "key (lexheller hub enroll) and try again.") from e  # fmt: skip
        digest = bundle_digest(raw)
        try:
            # The strict parser refuses exactly what bundle.schema.json refuses (checked by
            # tests/test_schemas.py), so no second, slower JSON Schema pass on every bundle.
            bundle = Bundle.from_bytes(env.payload)
        except InvalidPayload as e:
            raise Refused(422, "invalid_payload",
                          f"Paketet är signerat men följer inte formatet: {e}",
                          f"The bundle is signed but does not follow the format: {e}") from e  # fmt: skip
        ctx = Context(bundle, keyid, digest, self.clock())
        for rule in self.rules:
            rule.check(ctx)
        with self._lock:
            if self.store.has(digest):
                return Outcome(200, "duplicate", "Paketet fanns redan; inget ändrades.",
                               "The bundle was already stored; nothing changed.", digest,
                               bundle.node.id, bundle.sequence)  # fmt: skip
            last = self.store.last_sequence(bundle.node.id)
            if bundle.sequence <= last:
                raise Refused(409, "replayed_sequence",
                              f"Paketets löpnummer {bundle.sequence} är inte nyare än det senast "
                              f"godkända ({last}). Publicera på nytt från noden.",
                              f"The bundle's sequence {bundle.sequence} is not newer than the "
                              f"last accepted ({last}). Publish again from the node.")  # fmt: skip
            self.store.write_file(digest, raw)
            self.store.index(digest, bundle, keyid, via, raw, ctx.now)
        if self.on_accept:
            self.on_accept(digest, raw, bundle, keyid)
        return Outcome(201, "accepted", "Paketet togs emot.", "The bundle was accepted.",
                       digest, bundle.node.id, bundle.sequence)  # fmt: skip


def _sv(e: WireError) -> str:
    return {
        "malformed_envelope": "Det skickade är inget giltigt signerat kuvert",
        "bad_signature": "Signaturen stämmer inte med innehållet",
        "invalid_payload": "Innehållet följer inte formatet",
        "unknown_key": "Okänd nyckel",
    }.get(e.code, "Fel i paketet") + f": {e}"


def default_rules(trust: Trust, min_k: int) -> list[Rule]:
    return [KeyBelongsToNode(trust), NotExpired(), KnownTaxonomy(), DisclosurePolicy(min_k)]
