"""The wire format shared by node and hub: signed envelopes and aggregate bundles.

This module is pure: no files, sockets or databases. Everything that crosses the network
between a node and a hub, or between two hubs, is an *envelope* in the style of DSSE
(Dead Simple Signing Envelope)::

    {"payloadType": "...", "payload": "<base64>", "signatures": [{"keyid": "...", "sig": "<base64>"}]}

The signature is Ed25519 over the DSSE pre-authentication encoding (PAE) of the payload type
and the *exact payload bytes*. A receiver verifies the signature over the bytes it received
before it parses the payload, so no canonicalisation has to agree between signer and
verifier. We still encode payloads canonically (sorted keys, no whitespace, UTF-8) so that the
same content always gives the same bytes, which makes golden vectors and idempotent resends
simple.

Errors (whose fault it is: always the sender of the bytes)::

    WireError
    ├── MalformedEnvelope   not JSON, or not an envelope          -> HTTP 400
    ├── UnknownKey          no trusted key for any signature      -> HTTP 401
    ├── BadSignature        a signature that does not verify      -> HTTP 422
    └── InvalidPayload      signed, but the payload is not valid  -> HTTP 422
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeGuard

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PAYLOAD_TYPE_AGGREGATES = "application/vnd.lexheller.aggregates+json; version=1"
PAYLOAD_TYPE_ENROLMENT = "application/vnd.lexheller.enrolment+json; version=1"
PAYLOAD_TYPE_CHECKPOINT = "application/vnd.lexheller.checkpoint+json; version=1"
PAYLOAD_TYPE_ROTATION = "application/vnd.lexheller.rotation+json; version=1"
PAYLOAD_TYPE_SHARES = "application/vnd.lexheller.shares+json; version=1"
PAYLOAD_TYPE_RELEASE = "application/vnd.lexheller.release+json; version=1"
PAYLOAD_TYPE_BATCH = "application/vnd.lexheller.batch+json; version=1"
PAYLOAD_TYPE_SUMMARY = "application/vnd.lexheller.summary+json; version=1"
PAYLOAD_TYPE_SUMMARY_WITHDRAWAL = "application/vnd.lexheller.summary-withdrawal+json; version=1"
PAYLOAD_TYPE_WORKGROUP_DECISIONS = "application/vnd.lexheller.workgroup-decisions+json; version=1"
PAYLOAD_TYPE_WORKGROUP_FETCH = "application/vnd.lexheller.workgroup-fetch+json; version=1"
PAYLOAD_TYPE_ENROLMENT_REQUEST = "application/vnd.lexheller.enrolment-request+json; version=1"
PAYLOAD_TYPE_ENROLMENT_QUERY = "application/vnd.lexheller.enrolment-status-query+json; version=1"
PAYLOAD_TYPES = (
    PAYLOAD_TYPE_AGGREGATES,
    PAYLOAD_TYPE_ENROLMENT,
    PAYLOAD_TYPE_CHECKPOINT,
    PAYLOAD_TYPE_ROTATION,
    PAYLOAD_TYPE_SHARES,
    PAYLOAD_TYPE_RELEASE,
    PAYLOAD_TYPE_BATCH,
    PAYLOAD_TYPE_SUMMARY,
    PAYLOAD_TYPE_SUMMARY_WITHDRAWAL,
    PAYLOAD_TYPE_WORKGROUP_DECISIONS,
    PAYLOAD_TYPE_ENROLMENT_REQUEST,
    PAYLOAD_TYPE_ENROLMENT_QUERY,
    PAYLOAD_TYPE_WORKGROUP_FETCH,
)

BUNDLE_FORMAT = "lexheller.aggregates"
ENROLMENT_FORMAT = "lexheller.enrolment"
FORMAT_VERSION = 1
FORMAT_MINOR = 2
"""Minor version of the bundle format this release writes and knows (1 added ``trail_head``,
2 added ``plan``). A newer minor version may
add optional fields only: a bundle that declares ``format_minor`` above ours is read with its
unknown top-level fields kept aside (``Bundle.unrecognized_fields``, as python-tuf keeps
``unrecognized_fields``), so a federation can upgrade one förbund at a time. The signature
still covers the exact bytes received, unknown fields included."""
UNCLASSIFIED = "-"
"""Dimension value for reports not yet classified (e.g. problem type not confirmed)."""

MAX_ENVELOPE_BYTES = 8 * 1024 * 1024

# Patterns are used with fullmatch and ASCII classes: Python's `$` also matches before a final
# newline and its `\d` matches any Unicode digit, neither of which the JSON Schemas allow.
_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
_PERIOD_RE = re.compile(r"([0-9]{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?")
_TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_HASH_RE = re.compile(r"[0-9a-f]{64}")
TRAIL_CHAINS = ("report_events", "staff_events")
"""The node's two audit-trail chains whose latest hash a bundle may carry (``trail_head``)."""


class WireError(Exception):
    """Base of everything wrong with received bytes. `code` is a stable machine name."""

    code = "wire_error"
    http_status = 400


class MalformedEnvelope(WireError):
    code = "malformed_envelope"
    http_status = 400


class UnknownKey(WireError):
    code = "unknown_key"
    http_status = 401


class BadSignature(WireError):
    code = "bad_signature"
    http_status = 422


class InvalidPayload(WireError):
    code = "invalid_payload"
    http_status = 422


# --------------------------------------------------------------------------- keys


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def encode_public_key(key: Ed25519PublicKey) -> str:
    """The text form of a public key used in enrolment: ``ed25519:<base64 of 32 raw bytes>``."""
    return "ed25519:" + base64.b64encode(public_key_bytes(key)).decode("ascii")


def b64decode_canonical(text: str) -> bytes:
    """Decode standard base64 with padding, refusing any other spelling of the same bytes.

    `base64.b64decode(validate=True)` accepts extra padding ("AAAA==") and non-zero unused
    bits ("AR==" is b"\\x01", like "AQ=="); such texts would give one payload several
    envelopes, digests and key texts.
    """
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as e:  # ValueError: a non-ASCII character
        raise binascii.Error(f"not valid base64: {e}") from e
    if base64.b64encode(raw).decode("ascii") != text:
        raise binascii.Error("not canonical base64 (padding or unused bits)")
    return raw


def decode_public_key(text: str) -> Ed25519PublicKey:
    """Parse ``ed25519:<base64>``; surrounding whitespace (a key file's newline) is ignored."""
    text = text.strip()
    if not text.startswith("ed25519:"):
        raise ValueError("public key must start with 'ed25519:'")
    try:
        raw = b64decode_canonical(text[len("ed25519:") :])
    except binascii.Error as e:
        raise ValueError("public key is not valid base64") from e
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id(key: Ed25519PublicKey) -> str:
    """Stable key id: SHA-256 of the raw public key, hex (64 characters)."""
    return hashlib.sha256(public_key_bytes(key)).hexdigest()


def fingerprint(key: Ed25519PublicKey) -> str:
    """A fingerprint short enough to read aloud: the first 80 bits of the key id in groups of 4."""
    kid = key_id(key)[:20].upper()
    return " ".join(kid[i : i + 4] for i in range(0, 20, 4))


# --------------------------------------------------------------------------- envelopes


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE pre-authentication encoding: what the signature actually covers."""
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


@dataclass(frozen=True)
class Signature:
    keyid: str
    sig: bytes


@dataclass(frozen=True)
class Envelope:
    payload_type: str
    payload: bytes
    signatures: tuple[Signature, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "payloadType": self.payload_type,
            "payload": base64.b64encode(self.payload).decode("ascii"),
            "signatures": [
                {"keyid": s.keyid, "sig": base64.b64encode(s.sig).decode("ascii")}
                for s in self.signatures
            ],
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> Envelope:
        if len(data) > MAX_ENVELOPE_BYTES:
            raise MalformedEnvelope(f"envelope is larger than {MAX_ENVELOPE_BYTES} bytes")
        try:
            obj = loads_json(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise MalformedEnvelope(f"not UTF-8 JSON: {e}") from e
        return cls.from_dict(obj)

    @classmethod
    def from_dict(cls, obj: Any) -> Envelope:
        if not isinstance(obj, dict):
            raise MalformedEnvelope("envelope must be a JSON object")
        extra = set(obj) - {"payloadType", "payload", "signatures"}
        if extra:
            raise MalformedEnvelope(f"unexpected envelope fields: {sorted(extra)}")
        ptype, payload, sigs = obj.get("payloadType"), obj.get("payload"), obj.get("signatures")
        if not isinstance(ptype, str) or ptype not in PAYLOAD_TYPES:
            raise MalformedEnvelope(f"unknown payloadType {ptype!r}")
        if not isinstance(payload, str):
            raise MalformedEnvelope("payload must be a base64 string")
        if not isinstance(sigs, list) or not sigs or len(sigs) > 4:
            raise MalformedEnvelope("signatures must be a list of 1 to 4 entries")
        try:
            raw = b64decode_canonical(payload)
        except binascii.Error as e:
            raise MalformedEnvelope("payload is not valid base64") from e
        parsed = []
        for s in sigs:
            if not isinstance(s, dict) or set(s) != {"keyid", "sig"}:
                raise MalformedEnvelope("each signature must have exactly 'keyid' and 'sig'")
            if not isinstance(s["keyid"], str) or not isinstance(s["sig"], str):
                raise MalformedEnvelope("keyid and sig must be strings")
            try:
                sig = b64decode_canonical(s["sig"])
            except binascii.Error as e:
                raise MalformedEnvelope("sig is not valid base64") from e
            parsed.append(Signature(s["keyid"], sig))
        return cls(ptype, raw, tuple(parsed))


def sign(payload_type: str, payload: bytes, keys: list[Ed25519PrivateKey]) -> Envelope:
    msg = pae(payload_type, payload)
    sigs = tuple(Signature(key_id(k.public_key()), k.sign(msg)) for k in keys)
    return Envelope(payload_type, payload, sigs)


def verify(envelope: Envelope, trusted: Mapping[str, Ed25519PublicKey]) -> str:
    """Verify that a trusted key signed the envelope; return that key's id.

    Every signature by a trusted key must verify; signatures by unknown keys are ignored
    (a rotation statement carries two), but at least one trusted signature must be present.
    """
    msg = pae(envelope.payload_type, envelope.payload)
    good: str | None = None
    for s in envelope.signatures:
        key = trusted.get(s.keyid)
        if key is None:
            continue
        try:
            key.verify(s.sig, msg)
        except InvalidSignature as e:
            raise BadSignature(f"signature by key {s.keyid[:16]}… does not verify") from e
        good = good or s.keyid
    if good is None:
        raise UnknownKey("no signature by a key this hub trusts")
    return good


def _is_int(v: Any, equal_to: int | None = None) -> TypeGuard[int]:
    """A JSON integer: not a bool (True == 1 in Python) and not a float such as 1.0."""
    return type(v) is int and (equal_to is None or v == equal_to)


MAX_JSON_DEPTH = 32
MAX_NUMBER_CHARS = 40


def _limited_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number with {len(text)} digits (at most {MAX_NUMBER_CHARS})")
    return int(text)


def _limited_float(text: str) -> float:
    value = float(text) if len(text) <= MAX_NUMBER_CHARS else float("inf")
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"a number that is too large or too long: {text[:20]}...")
    return value


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def loads_json(data: bytes) -> Any:
    """Parse JSON from another party, within limits (depth, number size, no NaN/Infinity).

    Every failure, a hostile one included (a million nested arrays, a number with a million
    digits), is a ``json.JSONDecodeError`` so callers need one except clause, never a
    RecursionError or a bare ValueError that would surface as a 500.
    """
    text = data.decode("utf-8")
    try:
        obj = json.loads(text, parse_int=_limited_int, parse_float=_limited_float,
                         parse_constant=_no_constant)  # fmt: skip
    except json.JSONDecodeError:
        raise
    except RecursionError as e:
        raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH} levels", text, 0) from e
    except ValueError as e:
        raise json.JSONDecodeError(str(e), text, 0) from e
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:  # iterative, so checking the depth cannot itself recurse too deep
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH} levels", text, 0)
            items = value.values() if isinstance(value, dict) else value
            stack.extend((v, depth + 1) for v in items)
    return obj


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


# --------------------------------------------------------------------------- payloads


def format_time(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(s: Any, what: str) -> datetime:
    if not isinstance(s, str) or not _TIME_RE.fullmatch(s):
        raise InvalidPayload(f"{what} must be a UTC time like 2026-01-31T12:00:00Z")
    try:
        return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError as e:
        raise InvalidPayload(f"{what} is not a valid time: {s!r}") from e


def check_period(p: Any) -> str:
    if not isinstance(p, str) or not _PERIOD_RE.fullmatch(p):
        raise InvalidPayload(f"period {p!r} must be YYYY, YYYY-Qn or YYYY-MM")
    return p


def check_id(v: Any, what: str) -> str:
    if not isinstance(v, str) or not _ID_RE.fullmatch(v):
        raise InvalidPayload(f"{what} {v!r} must be 2-63 characters a-z, 0-9 and '-'")
    return v


@dataclass(frozen=True)
class NodeInfo:
    id: str
    name: str
    lan: tuple[str, ...]
    kommuner: tuple[str, ...] = ()
    population: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "lan": list(self.lan),
            "kommuner": list(self.kommuner),
            "population": self.population,
        }

    @classmethod
    def from_dict(cls, d: Any) -> NodeInfo:
        if not isinstance(d, dict):
            raise InvalidPayload("node must be an object")
        extra = set(d) - {"id", "name", "lan", "kommuner", "population"}
        if extra:
            raise InvalidPayload(f"unexpected node fields: {sorted(extra)}")
        name = d.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 200:
            raise InvalidPayload("node.name must be a string of 1-200 characters")
        if name.startswith(("=", "+", "-", "@")) or any(ord(c) < 0x20 or c == "\x7f" for c in name):
            # a spreadsheet would run it as a formula in every hub's export
            raise InvalidPayload("node.name must not start with = + - @ nor hold control characters")
        lan = d.get("lan")
        if (
            not isinstance(lan, list)
            or not lan
            or not all(isinstance(x, str) and re.fullmatch(r"[0-9]{2}", x) for x in lan)
        ):
            raise InvalidPayload("node.lan must be a non-empty list of two-digit län codes")
        kommuner = d.get("kommuner", [])
        if not isinstance(kommuner, list) or not all(
            isinstance(x, str) and re.fullmatch(r"[0-9]{4}", x) for x in kommuner
        ):
            raise InvalidPayload("node.kommuner must be a list of four-digit kommun codes")
        pop = d.get("population")
        if pop is not None and (not _is_int(pop) or pop < 0):
            raise InvalidPayload("node.population must be a non-negative integer or null")
        return cls(check_id(d.get("id"), "node.id"), name, tuple(lan), tuple(kommuner), pop)


@dataclass(frozen=True)
class Table:
    """One count table for one period. A cell value of None means suppressed (shown as '..')."""

    name: str
    period: str
    dims: tuple[str, ...]
    cells: tuple[tuple[tuple[str, ...], int | None], ...]

    def __post_init__(self) -> None:
        # The same rules as from_dict, so an invalid table cannot be built, signed and sent.
        if not re.fullmatch(r"[a-z_]{1,40}", self.name):
            raise ValueError(f"table name {self.name!r} is not valid")
        if not isinstance(self.period, str) or not _PERIOD_RE.fullmatch(self.period):
            raise ValueError(f"table {self.name}: period {self.period!r} is not YYYY, YYYY-Qn "
                             "or YYYY-MM")  # fmt: skip
        keys = set()
        for key, value in self.cells:
            if len(key) != len(self.dims):
                raise ValueError(f"table {self.name}: cell key {key!r} does not match dims")
            if value is not None and (not _is_int(value) or value < 0):
                raise ValueError(f"table {self.name}: cell value {value!r} must be >= 0 or None")
            keys.add(tuple(key))
        if len(keys) != len(self.cells):
            raise ValueError(f"table {self.name} {self.period}: a cell key appears twice")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "period": self.period,
            "dims": list(self.dims),
            "cells": [{"key": list(k), "value": v} for k, v in self.cells],
        }

    @classmethod
    def from_dict(cls, d: Any) -> Table:
        if not isinstance(d, dict):
            raise InvalidPayload("each table must be an object")
        extra = set(d) - {"name", "period", "dims", "cells"}
        if extra:
            raise InvalidPayload(f"unexpected table fields: {sorted(extra)}")
        name = d.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z_]{1,40}", name):
            raise InvalidPayload(f"table name {name!r} is not valid")
        dims = d.get("dims")
        if not isinstance(dims, list) or not all(isinstance(x, str) for x in dims):
            raise InvalidPayload(f"table {name}: dims must be a list of names")
        cells_in = d.get("cells")
        if not isinstance(cells_in, list):
            raise InvalidPayload(f"table {name}: cells must be a list")
        cells = []
        seen = set()
        for c in cells_in:
            if not isinstance(c, dict) or set(c) != {"key", "value"}:
                raise InvalidPayload(f"table {name}: each cell has exactly key and value")
            key, value = c["key"], c["value"]
            if (
                not isinstance(key, list)
                or len(key) != len(dims)
                or not all(isinstance(x, str) and 0 < len(x) <= 20 for x in key)
            ):
                raise InvalidPayload(f"table {name}: cell key {key!r} does not match dims")
            if value is not None and (not _is_int(value) or value < 0):
                raise InvalidPayload(f"table {name}: cell value {value!r} must be >= 0 or null")
            if tuple(key) in seen:
                raise InvalidPayload(f"table {name}: duplicate cell {key!r}")
            seen.add(tuple(key))
            cells.append((tuple(key), value))
        return cls(name, check_period(d.get("period")), tuple(dims), tuple(cells))


FIGURE_NAMES = (
    "median_days_to_first_contact",
    "median_days_to_feedback",
    "median_days_to_close",
)


def check_figure(f: Any) -> None:
    """A workflow figure: a median over at least `min_cases` cases of a year."""
    if not isinstance(f, dict) or set(f) != {"name", "period", "value", "min_cases"}:
        raise InvalidPayload("each figure has exactly name, period, value and min_cases")
    if f["name"] not in FIGURE_NAMES:
        raise InvalidPayload(f"unknown figure {f['name']!r}")
    if not isinstance(f["period"], str) or not re.fullmatch(r"[0-9]{4}", f["period"]):
        raise InvalidPayload("a figure's period is a year, YYYY")
    v = f["value"]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0 or v == float("inf"):
        raise InvalidPayload("a figure's value is a number >= 0")
    if not _is_int(f["min_cases"]) or f["min_cases"] < 1:
        raise InvalidPayload("a figure's min_cases is an integer >= 1")


_YEAR_RE = re.compile(r"[0-9]{4}")
GROUPED_CROSS_TABLES = ("problemtyp_x_aktorgrupp", "aktorgrupp_x_niva")
"""Cross tables by coarse actor group (AF, FK, kommun, region, annan), for small förbund."""


@dataclass(frozen=True)
class Plan:
    """The publication plan a bundle follows (since format_minor 2), declared so hubs show it.

    It states what the tables themselves hold, year by year: which years are published, for
    which of them quarters are, and for which the cross tables count coarse actor groups
    (``aktorgrupp``) instead of actors; which years between the node's first and last report
    are held back (fewer than k reports); and the rule's threshold (0: never grouped). A
    year republished unchanged is described like any other year: the plan never says why.
    """

    years: tuple[str, ...]
    quarters: tuple[str, ...] = ()
    held_back: tuple[str, ...] = ()
    actor_groups: tuple[str, ...] = ()
    actor_groups_below: int = 0

    def __post_init__(self) -> None:
        for what in ("years", "quarters", "held_back", "actor_groups"):
            v = getattr(self, what)
            if not isinstance(v, tuple) or not all(isinstance(y, str) and _YEAR_RE.fullmatch(y)
                                                   for y in v):  # fmt: skip
                raise ValueError(f"plan.{what} must be a list of years (YYYY)")
            if list(v) != sorted(set(v)):
                raise ValueError(f"plan.{what} must be sorted, each year once")
        if set(self.years) & set(self.held_back):
            raise ValueError("plan: a year cannot be both published and held back")
        if not set(self.quarters) | set(self.actor_groups) <= set(self.years):
            raise ValueError("plan.quarters and plan.actor_groups must be published years")
        if not _is_int(self.actor_groups_below) or self.actor_groups_below < 0:
            raise ValueError("plan.actor_groups_below must be an integer >= 0")

    def to_dict(self) -> dict[str, Any]:
        return {"years": list(self.years), "quarters": list(self.quarters),
                "held_back": list(self.held_back), "actor_groups": list(self.actor_groups),
                "actor_groups_below": self.actor_groups_below}  # fmt: skip

    @classmethod
    def from_dict(cls, d: Any) -> Plan:
        fields = {"years", "quarters", "held_back", "actor_groups", "actor_groups_below"}
        if not isinstance(d, dict) or set(d) != fields:
            raise InvalidPayload(f"plan must have exactly {sorted(fields)}")
        lists = {k: d[k] for k in fields - {"actor_groups_below"}}
        if not all(isinstance(v, list) for v in lists.values()):
            raise InvalidPayload("plan: years, quarters, held_back and actor_groups are lists")
        try:
            return cls(**{k: tuple(v) for k, v in lists.items()},
                       actor_groups_below=d["actor_groups_below"])  # fmt: skip
        except ValueError as e:
            raise InvalidPayload(str(e)) from e

    def check_tables(self, tables: Iterable[tuple[str, str]]) -> None:
        """The tables ((name, period), ...) hold what the plan says: published years only,
        quarters and grouped cross tables only where declared, every declared year present."""
        tables = list(tables)
        years = {period[:4] for _, period in tables}
        if years != set(self.years):
            raise ValueError(f"plan.years {list(self.years)} differ from the tables' years "
                             f"{sorted(years)}")  # fmt: skip
        for name, period in tables:
            y = period[:4]
            if len(period) > 4 and y not in self.quarters:
                raise ValueError(f"table {name} {period}: the plan has no quarters in {y}")
            if name in GROUPED_CROSS_TABLES and y not in self.actor_groups:
                raise ValueError(f"table {name} {period}: the plan has no actor groups in {y}")
            if name in ("problemtyp_x_aktor", "aktor_x_niva") and y in self.actor_groups:
                raise ValueError(f"table {name} {period}: the plan groups actors in {y}")


@dataclass(frozen=True)
class Bundle:
    """A node's signed publication: count tables per period, already suppressed.

    Construction checks the same invariants as ``from_dict`` (``__post_init__``, as
    python-tuf's ``Signed.__init__`` does), so an invalid bundle cannot be built and signed;
    it raises ValueError, which ``from_dict`` never reaches since it refuses first.
    """

    node: NodeInfo
    sequence: int
    created: datetime
    expires: datetime
    taxonomy: str
    k: int
    method: str
    synthetic: bool
    tables: tuple[Table, ...]
    figures: tuple[dict[str, Any], ...] = field(default=())
    trail_head: tuple[tuple[str, str], ...] = field(default=())
    """The node's audit-trail head when it signed ((chain, SHA-256 hex), ...), so the hub's
    log anchors the trail outside the node; empty if the node gives none."""
    plan: Plan | None = None
    """The publication plan the tables follow (since format_minor 2); None if not declared."""
    format_minor: int = FORMAT_MINOR
    unrecognized_fields: dict[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not _is_int(self.sequence) or self.sequence < 1:
            raise ValueError("sequence must be a positive integer")
        if not _is_int(self.k) or self.k < 1:
            raise ValueError("k must be an integer >= 1")
        if self.expires <= self.created:
            raise ValueError("expires must be after created")
        if not re.fullmatch(r"v[0-9]+", self.taxonomy):
            raise ValueError("taxonomy must be a code list version like 'v1'")
        if not _is_int(self.format_minor) or self.format_minor < 0:
            raise ValueError("format_minor must be an integer >= 0")
        names = [(t.name, t.period) for t in self.tables]
        if len(names) != len(set(names)):
            raise ValueError("a table appears twice for the same period")
        if not set(dict(self.trail_head)) <= set(TRAIL_CHAINS) or not all(
            _HASH_RE.fullmatch(v) for _, v in self.trail_head
        ):
            raise ValueError("trail_head maps report_events/staff_events to 64 hex digits")
        for f in self.figures:
            try:
                check_figure(f)
            except InvalidPayload as e:
                raise ValueError(str(e)) from e
        if self.plan is not None:
            self.plan.check_tables((t.name, t.period) for t in self.tables)

    @property
    def periods(self) -> list[str]:
        return sorted({t.period for t in self.tables})

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": BUNDLE_FORMAT,
            "format_version": FORMAT_VERSION,
            "node": self.node.to_dict(),
            "sequence": self.sequence,
            "created": format_time(self.created),
            "expires": format_time(self.expires),
            "taxonomy": self.taxonomy,
            "disclosure": {"method": self.method, "k": self.k},
            "synthetic": self.synthetic,
            "tables": [t.to_dict() for t in self.tables],
            "figures": list(self.figures),
            **({"trail_head": dict(self.trail_head)} if self.trail_head else {}),
            **({"plan": self.plan.to_dict()} if self.plan is not None else {}),
            **({"format_minor": self.format_minor} if self.format_minor else {}),
            **self.unrecognized_fields,
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> Bundle:
        try:
            obj = loads_json(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise InvalidPayload(f"payload is not UTF-8 JSON: {e}") from e
        return cls.from_dict(obj)

    @classmethod
    def from_dict(cls, d: Any) -> Bundle:
        if not isinstance(d, dict):
            raise InvalidPayload("bundle must be an object")
        if d.get("format") != BUNDLE_FORMAT or not _is_int(d.get("format_version"), FORMAT_VERSION):
            raise InvalidPayload(f"not a {BUNDLE_FORMAT} version {FORMAT_VERSION} bundle")
        allowed = {
            "format", "format_version", "node", "sequence", "created", "expires",
            "taxonomy", "disclosure", "synthetic", "tables", "figures", "format_minor",
            "trail_head", "plan",
        }  # fmt: skip
        minor = d.get("format_minor", 0)
        if not _is_int(minor) or minor < 0:
            raise InvalidPayload("format_minor must be an integer >= 0")
        extra = set(d) - allowed
        if extra and minor <= FORMAT_MINOR:  # only a newer minor version may carry new fields
            raise InvalidPayload(f"unexpected bundle fields: {sorted(extra)}")
        seq = d.get("sequence")
        if not _is_int(seq) or seq < 1:
            raise InvalidPayload("sequence must be a positive integer")
        disc = d.get("disclosure")
        if not isinstance(disc, dict) or set(disc) != {"method", "k"}:
            raise InvalidPayload("disclosure must have exactly method and k")
        if not _is_int(disc["k"]) or disc["k"] < 1:
            raise InvalidPayload("disclosure.k must be an integer >= 1")
        if not isinstance(disc.get("method"), str):
            raise InvalidPayload("disclosure.method must be a string")
        taxonomy = d.get("taxonomy")
        if not isinstance(taxonomy, str) or not re.fullmatch(r"v[0-9]+", taxonomy):
            raise InvalidPayload("taxonomy must be a code list version like 'v1'")
        synthetic = d.get("synthetic")
        if not isinstance(synthetic, bool):
            raise InvalidPayload("synthetic must be true or false")
        tables = d.get("tables")
        if not isinstance(tables, list):
            raise InvalidPayload("tables must be a list")
        figures = d.get("figures", [])
        if not isinstance(figures, list):
            raise InvalidPayload("figures must be a list of objects")
        for f in figures:
            check_figure(f)
        trail = d.get("trail_head", {})
        if "trail_head" in d and (
            not isinstance(trail, dict) or not trail or not set(trail) <= set(TRAIL_CHAINS)
            or not all(isinstance(v, str) and _HASH_RE.fullmatch(v) for v in trail.values())
        ):  # fmt: skip
            raise InvalidPayload("trail_head must map report_events and/or staff_events to "
                                 "64 lowercase hex digits")  # fmt: skip
        parsed = tuple(Table.from_dict(t) for t in tables)
        names = [(t.name, t.period) for t in parsed]
        if len(names) != len(set(names)):
            raise InvalidPayload("a table appears twice for the same period")
        created = parse_time(d.get("created"), "created")
        expires = parse_time(d.get("expires"), "expires")
        if expires <= created:
            raise InvalidPayload("expires must be after created")
        plan = Plan.from_dict(d["plan"]) if "plan" in d else None
        if plan is not None:
            try:
                plan.check_tables(names)
            except ValueError as e:
                raise InvalidPayload(str(e)) from e
        return cls(
            node=NodeInfo.from_dict(d.get("node")),
            sequence=seq,
            created=created,
            expires=expires,
            taxonomy=taxonomy,
            k=disc["k"],
            method=disc["method"],
            synthetic=synthetic,
            tables=parsed,
            figures=tuple(figures),
            trail_head=tuple(sorted(trail.items())),
            plan=plan,
            format_minor=minor,
            unrecognized_fields={k: d[k] for k in sorted(extra)},
        )


@dataclass(frozen=True)
class Enrolment:
    """A hub's statement that a node holds a key; signed by the hub, checked by its upstream."""

    hub_id: str
    node: NodeInfo
    public_key: str
    issued: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": ENROLMENT_FORMAT,
            "format_version": FORMAT_VERSION,
            "hub_id": self.hub_id,
            "node": self.node.to_dict(),
            "public_key": self.public_key,
            "issued": format_time(self.issued),
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> Enrolment:
        try:
            d = loads_json(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise InvalidPayload(f"payload is not UTF-8 JSON: {e}") from e
        return cls.from_dict(d)

    @classmethod
    def from_dict(cls, d: Any) -> Enrolment:
        if (
            not isinstance(d, dict)
            or d.get("format") != ENROLMENT_FORMAT
            or not _is_int(d.get("format_version"), FORMAT_VERSION)
        ):
            raise InvalidPayload(f"not a {ENROLMENT_FORMAT} version {FORMAT_VERSION} statement")
        extra = set(d) - {"format", "format_version", "hub_id", "node", "public_key", "issued"}
        if extra:
            raise InvalidPayload(f"unexpected enrolment fields: {sorted(extra)}")
        pk = d.get("public_key")
        if not isinstance(pk, str) or pk != pk.strip():
            raise InvalidPayload("public_key must be 'ed25519:<base64>' without spaces")
        try:
            decode_public_key(pk)
        except ValueError as e:
            raise InvalidPayload(f"public_key: {e}") from e
        return cls(
            check_id(d.get("hub_id"), "hub_id"),
            NodeInfo.from_dict(d.get("node")),
            pk,
            parse_time(d.get("issued"), "issued"),
        )


ROTATION_FORMAT = "lexheller.rotation"


@dataclass(frozen=True)
class Rotation:
    """A node's statement that its key changes from `old_keyid` to `new_public_key`.

    Valid only when signed by both the old and the new key (as in TUF root rotation).
    """

    node_id: str
    old_keyid: str
    new_public_key: str
    issued: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": ROTATION_FORMAT,
            "format_version": FORMAT_VERSION,
            "node_id": self.node_id,
            "old_keyid": self.old_keyid,
            "new_public_key": self.new_public_key,
            "issued": format_time(self.issued),
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @property
    def new_keyid(self) -> str:
        return key_id(decode_public_key(self.new_public_key))

    @classmethod
    def from_bytes(cls, data: bytes) -> Rotation:
        try:
            d = loads_json(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise InvalidPayload(f"payload is not UTF-8 JSON: {e}") from e
        if (
            not isinstance(d, dict)
            or d.get("format") != ROTATION_FORMAT
            or not _is_int(d.get("format_version"), FORMAT_VERSION)
        ):
            raise InvalidPayload(f"not a {ROTATION_FORMAT} version {FORMAT_VERSION} statement")
        extra = set(d) - {"format", "format_version", "node_id", "old_keyid", "new_public_key",
                          "issued"}  # fmt: skip
        if extra:
            raise InvalidPayload(f"unexpected rotation fields: {sorted(extra)}")
        old = d.get("old_keyid")
        if not isinstance(old, str) or not re.fullmatch(r"[0-9a-f]{64}", old):
            raise InvalidPayload("old_keyid must be 64 hex characters")
        raw_pk = d.get("new_public_key")
        pk = raw_pk if isinstance(raw_pk, str) else ""
        try:
            decode_public_key(pk)  # rejects the "" of a missing or non-text key too
        except ValueError as e:
            raise InvalidPayload(f"new_public_key: {e}") from e
        return cls(
            check_id(d.get("node_id"), "node_id"), old, pk, parse_time(d.get("issued"), "issued")
        )


def verify_all(envelope: Envelope, required: Mapping[str, Ed25519PublicKey]) -> None:
    """Every key in `required` must have a valid signature on the envelope."""
    present = {s.keyid for s in envelope.signatures}
    for kid, key in required.items():
        if kid not in present:
            raise BadSignature(f"missing the signature of key {kid[:16]}…")
        verify(envelope, {kid: key})


def bundle_digest(envelope_bytes: bytes) -> str:
    """The id of a stored bundle: SHA-256 of the envelope bytes as received."""
    return hashlib.sha256(envelope_bytes).hexdigest()
