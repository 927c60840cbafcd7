"""A node's request to be enrolled by a hub, and its signed question about the outcome.

A new förbund no longer needs an out-of-band call to send its key: ``lexheller node
enroll-request`` sends an :class:`EnrolmentRequest` (who the node is, its public key, whom to
call) signed by the key it carries, so the hub knows the sender holds that key. The hub's admin
still confirms the fingerprint read aloud by the förbund before the key is trusted; the
signature proves possession, not identity. :class:`StatusQuery` is the node's signed "what
became of my request?", answered only to the holder of the key.

Pure: no files, sockets or databases. :func:`open_request` and :func:`open_query` verify the
signature over the exact bytes before the payload is parsed. A request is self-signed, so the
one thing read before verification is which key to verify with: the envelope's ``keyid`` must
be the SHA-256 of the ``public_key`` the payload names, and nothing else in it is looked at
until that key's signature over the exact bytes checks out (as a certificate signing request).

    EnrolmentRequest   format lexheller.enrolment-request, version 1  (enrolment_request.schema.json)
    StatusQuery        format lexheller.enrolment-status-query, v. 1  ($defs/status_query)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from schemas.payloads import PayloadType, exact_fields, load
from schemas.wire import (
    FORMAT_VERSION,
    PAYLOAD_TYPE_ENROLMENT_QUERY,
    PAYLOAD_TYPE_ENROLMENT_REQUEST,
    BadSignature,
    Envelope,
    InvalidPayload,
    MalformedEnvelope,
    NodeInfo,
    UnknownKey,
    canonical_json,
    check_id,
    decode_public_key,
    encode_public_key,
    format_time,
    key_id,
    parse_time,
    sign,
    verify,
)

REQUEST_FORMAT = "lexheller.enrolment-request"
QUERY_FORMAT = "lexheller.enrolment-status-query"
REQUEST = PayloadType(REQUEST_FORMAT, frozenset({"node", "public_key", "contact", "created"}),
                      "enrolment request", FORMAT_VERSION)  # fmt: skip
QUERY = PayloadType(QUERY_FORMAT, frozenset({"node_id", "issued"}), "status query", FORMAT_VERSION)
_EMAIL_RE = re.compile(r"[^@\s]{1,64}@[^@\s]{1,185}\.[^@\s.]{2,63}")
_PHONE_RE = re.compile(r"\+?[0-9][0-9 -]{4,22}[0-9]")




def _check_public_key(pk: Any) -> str:
    if not isinstance(pk, str) or pk != pk.strip():
        raise InvalidPayload("public_key must be 'ed25519:<base64>' without spaces")
    try:
        decode_public_key(pk)
    except ValueError as e:
        raise InvalidPayload(f"public_key: {e}") from e
    return pk


def _plain(value: Any, what: str, longest: int) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= longest:
        raise InvalidPayload(f"{what} must be a string of 1-{longest} characters")
    if value != " ".join(value.split()) or value.startswith(("=", "+", "-", "@")):
        # shown on the admin page and in exports: one line, never a spreadsheet formula
        raise InvalidPayload(f"{what} must be one line and not start with = + - @")
    return value


@dataclass(frozen=True)
class Contact:
    """Whom the hub's admin calls to hear the fingerprint read aloud (the förbund's, not a
    reporter's: no personal data about clients ever travels)."""

    name: str
    email: str
    phone: str | None = None

    def __post_init__(self) -> None:
        _plain(self.name, "contact.name", 200)
        if not isinstance(self.email, str) or not _EMAIL_RE.fullmatch(self.email):
            raise InvalidPayload("contact.email must be an e-mail address like it@forbund.se")
        if self.phone is not None and (not isinstance(self.phone, str)
                                       or not _PHONE_RE.fullmatch(self.phone)):  # fmt: skip
            raise InvalidPayload("contact.phone must be a phone number like 031-123 45 67 or null")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email, "phone": self.phone}

    @classmethod
    def from_dict(cls, d: Any) -> Contact:
        d = exact_fields(d, {"name", "email", "phone"}, "contact")
        return cls(d["name"], d["email"], d["phone"])


@dataclass(frozen=True)
class EnrolmentRequest:
    node: NodeInfo
    public_key: str
    contact: Contact
    created: datetime

    def __post_init__(self) -> None:
        check_id(self.node.id, "node.id")
        _check_public_key(self.public_key)

    @property
    def keyid(self) -> str:
        return key_id(decode_public_key(self.public_key))

    def to_dict(self) -> dict[str, Any]:
        return {"format": REQUEST_FORMAT, "format_version": FORMAT_VERSION,
                "node": self.node.to_dict(), "public_key": self.public_key,
                "contact": self.contact.to_dict(), "created": format_time(self.created)}  # fmt: skip

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> EnrolmentRequest:
        return cls.from_dict(load(data))

    @classmethod
    def from_dict(cls, d: Any) -> EnrolmentRequest:
        d = REQUEST.check(d)
        return cls(NodeInfo.from_dict(d["node"]), _check_public_key(d["public_key"]),
                   Contact.from_dict(d["contact"]), parse_time(d["created"], "created"))  # fmt: skip


@dataclass(frozen=True)
class StatusQuery:
    node_id: str
    issued: datetime

    def __post_init__(self) -> None:
        check_id(self.node_id, "node_id")

    def to_dict(self) -> dict[str, Any]:
        return {"format": QUERY_FORMAT, "format_version": FORMAT_VERSION,
                "node_id": self.node_id, "issued": format_time(self.issued)}  # fmt: skip

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> StatusQuery:
        d = QUERY.decode(data)
        return cls(d["node_id"], parse_time(d["issued"], "issued"))


def seal_request(request: EnrolmentRequest, key: Ed25519PrivateKey) -> bytes:
    """The envelope bytes of a request signed by `key`, which must be the key it carries."""
    if encode_public_key(key.public_key()) != request.public_key:
        raise ValueError("a request is signed by the key it asks to enrol")
    return sign(PAYLOAD_TYPE_ENROLMENT_REQUEST, request.to_bytes(), [key]).to_bytes()


def seal_query(query: StatusQuery, key: Ed25519PrivateKey) -> bytes:
    return sign(PAYLOAD_TYPE_ENROLMENT_QUERY, query.to_bytes(), [key]).to_bytes()


def _one_signature(env: Envelope, payload_type: str, what: str) -> str:
    if env.payload_type != payload_type:
        raise MalformedEnvelope(f"not {what} (payloadType {env.payload_type!r})")
    if len(env.signatures) != 1:
        raise MalformedEnvelope(f"{what} carries exactly one signature")
    return env.signatures[0].keyid


def open_request(raw: bytes) -> tuple[EnrolmentRequest, str]:
    """Verify a self-signed request over the exact bytes, then parse it: (request, keyid)."""
    env = Envelope.from_bytes(raw)
    keyid = _one_signature(env, PAYLOAD_TYPE_ENROLMENT_REQUEST, "an enrolment request")
    # Only to learn which key to verify with; nothing else is read before the signature holds.
    claimed = load(env.payload)
    pk = claimed.get("public_key") if isinstance(claimed, dict) else None
    try:
        key = decode_public_key(pk) if isinstance(pk, str) and pk == pk.strip() else None
    except ValueError:
        key = None
    if key is None:
        raise InvalidPayload("the request names no valid public_key to verify it with")
    if key_id(key) != keyid:
        raise BadSignature("the request is not signed by the key it asks to enrol")
    verify(env, {keyid: key})
    request = EnrolmentRequest.from_bytes(env.payload)
    return request, keyid


def open_query(raw: bytes, keys: Mapping[str, Ed25519PublicKey]) -> tuple[StatusQuery, str]:
    """Verify a status query by one of `keys` (those of known requests), then parse it."""
    env = Envelope.from_bytes(raw)
    keyid = _one_signature(env, PAYLOAD_TYPE_ENROLMENT_QUERY, "an enrolment status query")
    if keyid not in keys:
        raise UnknownKey("no enrolment request from this key")
    verify(env, {keyid: keys[keyid]})
    return StatusQuery.from_bytes(env.payload), keyid
