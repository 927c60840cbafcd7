"""The shared case summary and its withdrawal: signed payloads a node sends to its regional hub.

A node shares an approved summary (:mod:`node.summaries`) with the regional working group as
its own payload type, signed with the node's key like a bundle. It carries only the national
codes, the year and at finest the quarter, and the approved text: no receipt code, no date, no
reporter data. ``ref`` is the node's own opaque reference (never the case number), so a
withdrawal can name what it withdraws. A withdrawal is a signed statement that the hub honours
at once.

Pure: no files, sockets or databases. Verify the exact bytes first (:func:`open_envelope`), then
parse; every invariant is checked at construction (``from_dict``), so an altered payload is
refused either by the signature or by the parser.

    Summary            format lexheller.summary, version 1        (summary.schema.json)
    Withdrawal         format lexheller.summary-withdrawal, v. 1  (summary.schema.json $defs)
    Decisions          format lexheller.workgroup-decisions, v. 1 (signed by the hub)
    DecisionsRequest   format lexheller.workgroup-fetch, v. 1     (the node's signed "fetch")
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from schemas.codes import code_list
from schemas.payloads import PayloadType, exact_fields, load
from schemas.wire import (
    FORMAT_VERSION,
    PAYLOAD_TYPE_SUMMARY,
    PAYLOAD_TYPE_SUMMARY_WITHDRAWAL,
    PAYLOAD_TYPE_WORKGROUP_DECISIONS,
    PAYLOAD_TYPE_WORKGROUP_FETCH,
    Envelope,
    InvalidPayload,
    MalformedEnvelope,
    canonical_json,
    check_id,
    format_time,
    key_id,
    parse_time,
    sign,
    verify,
)

SUMMARY_FORMAT = "lexheller.summary"
WITHDRAWAL_FORMAT = "lexheller.summary-withdrawal"
MAX_TEXT = 1200
MIN_TEXT = 20
_REF_RE = re.compile(r"[0-9a-f]{32}")
SUMMARY = PayloadType(SUMMARY_FORMAT, frozenset({"node_id", "ref", "created", "year", "quarter",
                      "problemtyp", "niva", "aktorer", "text"}), "summary", FORMAT_VERSION)  # fmt: skip
WITHDRAWAL = PayloadType(WITHDRAWAL_FORMAT, frozenset({"node_id", "ref", "created"}),
                         "withdrawal", FORMAT_VERSION)  # fmt: skip


def _check_code(list_name: str, value: Any, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or value not in code_list(list_name).values:
        raise InvalidPayload(f"{list_name} {value!r} is not a national code")
    return value


def _check_ref(value: Any) -> str:
    if not isinstance(value, str) or not _REF_RE.fullmatch(value):
        raise InvalidPayload("ref must be 32 lowercase hex characters")
    return value


@dataclass(frozen=True)
class Summary:
    node_id: str
    ref: str
    created: datetime
    year: int
    quarter: int | None
    problemtyp: str
    niva: str | None
    aktorer: tuple[str, ...]
    text: str

    def __post_init__(self) -> None:
        check_id(self.node_id, "node_id")
        _check_ref(self.ref)
        if not isinstance(self.year, int) or isinstance(self.year, bool) or not 2000 <= self.year <= 2199:
            raise InvalidPayload("year must be an integer 2000..2199")
        if self.quarter is not None and (not isinstance(self.quarter, int)
                                         or isinstance(self.quarter, bool)
                                         or not 1 <= self.quarter <= 4):  # fmt: skip
            raise InvalidPayload("quarter must be 1..4 or null")
        _check_code("problemtyp", self.problemtyp, True)
        _check_code("niva", self.niva, False)
        if not isinstance(self.aktorer, tuple) or not 1 <= len(self.aktorer) <= 13:
            raise InvalidPayload("aktorer must list 1 to 13 actor codes")
        if len(set(self.aktorer)) != len(self.aktorer) or list(self.aktorer) != sorted(self.aktorer):
            raise InvalidPayload("aktorer must be sorted and without repeats")
        for a in self.aktorer:
            _check_code("aktor", a, True)
        if not isinstance(self.text, str) or not MIN_TEXT <= len(self.text) <= MAX_TEXT:
            raise InvalidPayload(f"text must be {MIN_TEXT}..{MAX_TEXT} characters")
        if self.text != " ".join(self.text.split()):
            raise InvalidPayload("text must be one line without repeated spaces")

    @property
    def period(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    def to_dict(self) -> dict[str, Any]:
        return {"format": SUMMARY_FORMAT, "format_version": FORMAT_VERSION,
                "node_id": self.node_id, "ref": self.ref, "created": format_time(self.created),
                "year": self.year, "quarter": self.quarter, "problemtyp": self.problemtyp,
                "niva": self.niva, "aktorer": list(self.aktorer), "text": self.text}  # fmt: skip

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> Summary:
        return cls.from_dict(load(data))

    @classmethod
    def from_dict(cls, d: Any) -> Summary:
        d = SUMMARY.check(d)
        if not isinstance(d["aktorer"], list):
            raise InvalidPayload("aktorer must be a list")
        return cls(d["node_id"], d["ref"], parse_time(d["created"], "created"), d["year"],
                   d["quarter"], d["problemtyp"], d["niva"], tuple(d["aktorer"]),
                   d["text"])  # fmt: skip


@dataclass(frozen=True)
class Withdrawal:
    node_id: str
    ref: str
    created: datetime

    def __post_init__(self) -> None:
        check_id(self.node_id, "node_id")
        _check_ref(self.ref)

    def to_dict(self) -> dict[str, Any]:
        return {"format": WITHDRAWAL_FORMAT, "format_version": FORMAT_VERSION,
                "node_id": self.node_id, "ref": self.ref,
                "created": format_time(self.created)}  # fmt: skip

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, d: Any) -> Withdrawal:
        d = WITHDRAWAL.check(d)
        return cls(d["node_id"], d["ref"], parse_time(d["created"], "created"))


def seal(item: Summary | Withdrawal, key: Ed25519PrivateKey) -> bytes:
    """The signed envelope's bytes for a summary or a withdrawal."""
    ptype = PAYLOAD_TYPE_SUMMARY if isinstance(item, Summary) else PAYLOAD_TYPE_SUMMARY_WITHDRAWAL
    return sign(ptype, item.to_bytes(), [key]).to_bytes()


def open_envelope(raw: bytes, trusted: Mapping[str, Ed25519PublicKey]
                  ) -> tuple[Summary | Withdrawal, str]:  # fmt: skip
    """Verify the signature over the exact bytes, then parse; (payload, key id).

    Raises :class:`schemas.wire.WireError` subclasses: MalformedEnvelope (not a summary
    envelope), UnknownKey, BadSignature, InvalidPayload (parsed but refused).
    """
    env = Envelope.from_bytes(raw)
    if env.payload_type not in (PAYLOAD_TYPE_SUMMARY, PAYLOAD_TYPE_SUMMARY_WITHDRAWAL):
        raise MalformedEnvelope(f"not a summary envelope (payloadType {env.payload_type!r})")
    keyid = verify(env, trusted)
    data = load(env.payload)
    if env.payload_type == PAYLOAD_TYPE_SUMMARY:
        return Summary.from_dict(data), keyid
    return Withdrawal.from_dict(data), keyid


PATTERN_STATUSES = ("oppet", "under_arbete", "lyft", "avslutat")
"""A common pattern's status: open, being worked on, lifted (regionally/nationally), closed."""
DECISIONS_FORMAT = "lexheller.workgroup-decisions"
DECISIONS = PayloadType(DECISIONS_FORMAT, frozenset({"hub_id", "node_id", "created", "patterns"}),
                        "decisions", FORMAT_VERSION)  # fmt: skip
MAX_PATTERN_TEXT = 4000


def _short_text(value: Any, what: str, limit: int, required: bool = True) -> str:
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise InvalidPayload(f"{what} must be text of at most {limit} characters")
    return value


@dataclass(frozen=True)
class PatternDecision:
    """One common pattern as the working group decided it, with the refs of one node in it."""

    pattern_id: str
    title: str
    status: str
    description: str
    recommendation: str
    updated: datetime
    refs: tuple[str, ...]
    forbund: int
    """How many förbund have a summary in the pattern (the others are not named)."""

    def __post_init__(self) -> None:
        check_id(self.pattern_id, "pattern_id")
        _short_text(self.title, "title", 200)
        if self.status not in PATTERN_STATUSES:
            raise InvalidPayload(f"status must be one of {PATTERN_STATUSES}")
        _short_text(self.description, "description", MAX_PATTERN_TEXT, required=False)
        _short_text(self.recommendation, "recommendation", MAX_PATTERN_TEXT, required=False)
        if not isinstance(self.refs, tuple) or not self.refs:
            raise InvalidPayload("refs must name at least one summary")
        for r in self.refs:
            _check_ref(r)
        if not isinstance(self.forbund, int) or isinstance(self.forbund, bool) or self.forbund < 1:
            raise InvalidPayload("forbund must be a positive integer")

    def to_dict(self) -> dict[str, Any]:
        return {"pattern_id": self.pattern_id, "title": self.title, "status": self.status,
                "description": self.description, "recommendation": self.recommendation,
                "updated": format_time(self.updated), "refs": sorted(self.refs),
                "forbund": self.forbund}  # fmt: skip

    @classmethod
    def from_dict(cls, d: Any) -> PatternDecision:
        d = exact_fields(d, {"pattern_id", "title", "status", "description", "recommendation",
                            "updated", "refs", "forbund"}, "pattern")  # fmt: skip
        if not isinstance(d["refs"], list):
            raise InvalidPayload("refs must be a list")
        return cls(d["pattern_id"], d["title"], d["status"], d["description"],
                   d["recommendation"], parse_time(d["updated"], "updated"), tuple(d["refs"]),
                   d["forbund"])  # fmt: skip


@dataclass(frozen=True)
class Decisions:
    """What a regional hub tells one node about the patterns its summaries joined (hub-signed)."""

    hub_id: str
    node_id: str
    created: datetime
    patterns: tuple[PatternDecision, ...]

    def __post_init__(self) -> None:
        check_id(self.hub_id, "hub_id")
        check_id(self.node_id, "node_id")
        if len(self.patterns) > 1000:
            raise InvalidPayload("at most 1000 patterns")

    def to_dict(self) -> dict[str, Any]:
        return {"format": DECISIONS_FORMAT, "format_version": FORMAT_VERSION,
                "hub_id": self.hub_id, "node_id": self.node_id,
                "created": format_time(self.created),
                "patterns": [p.to_dict() for p in self.patterns]}  # fmt: skip

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, d: Any) -> Decisions:
        d = DECISIONS.check(d)
        if not isinstance(d["patterns"], list):
            raise InvalidPayload("patterns must be a list")
        return cls(d["hub_id"], d["node_id"], parse_time(d["created"], "created"),
                   tuple(PatternDecision.from_dict(p) for p in d["patterns"]))  # fmt: skip


def seal_decisions(decisions: Decisions, hub_key: Ed25519PrivateKey) -> bytes:
    return sign(PAYLOAD_TYPE_WORKGROUP_DECISIONS, decisions.to_bytes(), [hub_key]).to_bytes()


def open_decisions(raw: bytes, hub_key: Ed25519PublicKey, node_id: str) -> Decisions:
    """Verify the hub's signature over the exact bytes, then parse; refuse another node's."""
    env = Envelope.from_bytes(raw)
    if env.payload_type != PAYLOAD_TYPE_WORKGROUP_DECISIONS:
        raise MalformedEnvelope(f"not a decisions envelope (payloadType {env.payload_type!r})")
    verify(env, {key_id(hub_key): hub_key})
    d = Decisions.from_dict(load(env.payload))
    if d.node_id != node_id:
        raise InvalidPayload(f"the decisions are for {d.node_id}, not for {node_id}")
    return d


FETCH_FORMAT = "lexheller.workgroup-fetch"
FETCH = PayloadType(FETCH_FORMAT, frozenset({"node_id", "hub_key", "created", "nonce"}), "fetch",
                    FORMAT_VERSION)  # fmt: skip
FETCH_WINDOW = timedelta(minutes=5)
"""A fetch statement is honoured this long either side of its ``created`` time (clock skew)."""
_NONCE_RE = re.compile(r"[0-9a-f]{32}")
_KEYID_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class DecisionsRequest:
    """A node's signed "give me the working group's decisions on my summaries".

    Addressed to one hub by the id of the hub's key (``hub_key``, which the node already holds
    to verify the answer), so it cannot be replayed at another hub; fresh (``created`` within
    :data:`FETCH_WINDOW` of the hub's clock) and used once (``nonce``).
    """

    node_id: str
    hub_key: str
    created: datetime
    nonce: str

    def __post_init__(self) -> None:
        check_id(self.node_id, "node_id")
        if not isinstance(self.hub_key, str) or not _KEYID_RE.fullmatch(self.hub_key):
            raise InvalidPayload("hub_key must be the hub's key id (64 lowercase hex characters)")
        if not isinstance(self.nonce, str) or not _NONCE_RE.fullmatch(self.nonce):
            raise InvalidPayload("nonce must be 32 lowercase hex characters")

    def to_dict(self) -> dict[str, Any]:
        return {"format": FETCH_FORMAT, "format_version": FORMAT_VERSION,
                "node_id": self.node_id, "hub_key": self.hub_key,
                "created": format_time(self.created), "nonce": self.nonce}  # fmt: skip

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, d: Any) -> DecisionsRequest:
        d = FETCH.check(d)
        return cls(d["node_id"], d["hub_key"], parse_time(d["created"], "created"), d["nonce"])


def seal_fetch(request: DecisionsRequest, key: Ed25519PrivateKey) -> bytes:
    return sign(PAYLOAD_TYPE_WORKGROUP_FETCH, request.to_bytes(), [key]).to_bytes()


def open_fetch(raw: bytes, trusted: Mapping[str, Ed25519PublicKey]
               ) -> tuple[DecisionsRequest, str]:  # fmt: skip
    """Verify the node's signature over the exact bytes, then parse; (request, key id)."""
    env = Envelope.from_bytes(raw)
    if env.payload_type != PAYLOAD_TYPE_WORKGROUP_FETCH:
        raise MalformedEnvelope(f"not a fetch statement (payloadType {env.payload_type!r})")
    keyid = verify(env, trusted)
    return DecisionsRequest.from_dict(load(env.payload)), keyid
