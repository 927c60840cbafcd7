"""Share envelopes: a node's hidden residuals split into three encrypted additive shares.

Pure, like `schemas.wire`: no files, sockets or databases. For one published bundle (named by
its digest) a node lists, for every cell of every table of the bundle in the bundle's order,

- its *hidden residual*: the true count where the bundle hid the cell, 0 where it published it;
- its *indicator*: 1 when the true count is at least 1, else 0 ("in how many förbund").

Each of the two vectors is split into three random additive shares modulo the prime
``MODULUS`` = 2^64 − 189, which is the field of MPyC's ``SecInt(32)``; so a secure sum inside
the MPC needs no modular reduction. Share *j* (1..3) is encrypted to aggregator A*j* with HPKE
(RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM). HPKE's `info`
binds the ciphertext to the node, the bundle digest, the party number and the aggregator's
key, so a share cannot be moved to another envelope, party or aggregator. The node signs the
whole payload (Ed25519, DSSE, payload type ``PAYLOAD_TYPE_SHARES``); receivers verify the exact
bytes before parsing, exactly like bundles.

Errors are those of `schemas.wire` (the sender's fault), plus::

    WireError
    └── InvalidPayload
        └── ShareNotDecryptable   a ciphertext this aggregator cannot open, or opens to
                                  something that does not belong to this envelope
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from schemas.payloads import PayloadType, load
from schemas.wire import (
    PAYLOAD_TYPE_SHARES,
    Envelope,
    InvalidPayload,
    MalformedEnvelope,
    Table,
    _is_int,
    b64decode_canonical,
    canonical_json,
    check_id,
    format_time,
    parse_time,
    sign,
    verify,
)

SHARES_FORMAT = "lexheller.shares"
SHARE_FORMAT = "lexheller.share"
FORMAT_VERSION = 1
MODULUS = 2**64 - 189
"""The prime field of MPyC's SecInt(32) (checked by aggregator.mpc at start)."""
PARTIES = 3
HPKE_SUITE = "DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM"
MAX_CELLS = 200_000
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM)
_HEX64 = re.compile(r"[0-9a-f]{64}")
SHARES = PayloadType(SHARES_FORMAT, frozenset({"node_id", "bundle_digest", "bundle_sequence",
                     "created", "modulus", "hpke", "cells", "shares"}), "shares", FORMAT_VERSION)  # fmt: skip
SHARE = PayloadType(SHARE_FORMAT, frozenset({"node_id", "bundle_digest", "party", "residuals",
                    "indicators"}), "decrypted share", FORMAT_VERSION)  # fmt: skip


class ShareNotDecryptable(InvalidPayload):
    code = "share_not_decryptable"
    http_status = 422


# --------------------------------------------------------------------------- X25519 keys


def encode_x25519_public_key(key: X25519PublicKey) -> str:
    """``x25519:<base64 of 32 raw bytes>``, the text form in aggregator.toml and node.toml."""
    return "x25519:" + base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def decode_x25519_public_key(text: str) -> X25519PublicKey:
    text = text.strip()
    if not text.startswith("x25519:"):
        raise ValueError("an HPKE public key must start with 'x25519:'")
    try:
        raw = b64decode_canonical(text[len("x25519:") :])
    except binascii.Error as e:
        raise ValueError("the HPKE public key is not valid base64") from e
    if len(raw) != 32:
        raise ValueError("an X25519 public key has 32 bytes")
    return X25519PublicKey.from_public_bytes(raw)


def x25519_key_id(key: X25519PublicKey) -> str:
    return hashlib.sha256(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()


@dataclass(frozen=True)
class Recipient:
    """An aggregator as a node knows it: party number, id and HPKE public key."""

    party: int
    aggregator_id: str
    public_key: X25519PublicKey

    @property
    def keyid(self) -> str:
        return x25519_key_id(self.public_key)


# --------------------------------------------------------------------------- plaintext


@dataclass(frozen=True)
class ShareVector:
    """One party's decrypted share: two vectors of field elements, one entry per bundle cell."""

    node_id: str
    bundle_digest: str
    party: int
    residuals: tuple[int, ...]
    indicators: tuple[int, ...]

    def to_bytes(self) -> bytes:
        return canonical_json({
            "format": SHARE_FORMAT, "format_version": FORMAT_VERSION, "node_id": self.node_id,
            "bundle_digest": self.bundle_digest, "party": self.party,
            "residuals": list(self.residuals), "indicators": list(self.indicators),
        })  # fmt: skip

    @classmethod
    def from_bytes(cls, data: bytes) -> ShareVector:
        try:
            d = SHARE.decode(data)
        except InvalidPayload as e:
            raise ShareNotDecryptable(f"the decrypted share is not a {SHARE_FORMAT} object: "
                                      f"{e}") from e  # fmt: skip
        if not _is_int(d["party"]):
            raise ShareNotDecryptable("the decrypted share has a bad party")
        vectors = []
        for name in ("residuals", "indicators"):
            v = d[name]
            if not isinstance(v, list) or not all(_is_int(x) and 0 <= x < MODULUS for x in v):
                raise ShareNotDecryptable(f"{name} must be integers in [0, {MODULUS})")
            vectors.append(tuple(v))
        if len(vectors[0]) != len(vectors[1]):
            raise ShareNotDecryptable("residuals and indicators differ in length")
        return cls(str(d["node_id"]), str(d["bundle_digest"]), d["party"], *vectors)


def split(values: Sequence[int], rand: Callable[[int], int] = secrets.randbelow) -> list[list[int]]:
    """Three vectors whose sum modulo MODULUS is `values`; any one or two alone are uniform."""
    first = [rand(MODULUS) for _ in values]
    second = [rand(MODULUS) for _ in values]
    third = [(v - a - b) % MODULUS for v, a, b in zip(values, first, second, strict=True)]
    return [first, second, third]


def combine(vectors: Sequence[Sequence[int]]) -> list[int]:
    """Sum share vectors modulo MODULUS (tests and audits; the MPC does this in secret)."""
    return [sum(col) % MODULUS for col in zip(*vectors, strict=True)]


def cell_layout(tables: Sequence[Table]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(table, period, key) of every cell, in the bundle's order: the order of share vectors."""
    return [(t.name, t.period, key) for t in tables for key, _ in t.cells]


def hidden_vectors(
    tables: Sequence[Table], exact: Mapping[tuple[str, str, tuple[str, ...]], int]
) -> tuple[list[int], list[int]]:
    """(residuals, indicators) for a bundle's tables and the node's exact counts.

    `exact` maps (table, period, key) to the true count; a missing cell counts 0. A published
    cell must equal its exact count (else the bundle was not made from these counts).
    """
    residuals, indicators = [], []
    for t in tables:
        for key, published in t.cells:
            true = int(exact.get((t.name, t.period, key), 0))
            if true < 0:
                raise ValueError(f"{t.name} {t.period} {key}: a count cannot be negative")
            if published is not None and published != true:
                raise ValueError(
                    f"{t.name} {t.period} {'/'.join(key)}: the bundle says {published}, "
                    f"the exact count is {true}"
                )
            residuals.append(0 if published is not None else true)
            indicators.append(1 if true >= 1 else 0)
    return residuals, indicators


def hpke_info(node_id: str, bundle_digest: str, party: int, keyid: str) -> bytes:
    return f"lexheller.shares/v1|{node_id}|{bundle_digest}|{party}|{keyid}".encode()


# --------------------------------------------------------------------------- payload


@dataclass(frozen=True)
class EncryptedShare:
    party: int
    aggregator_id: str
    keyid: str
    ciphertext: bytes

    def to_dict(self) -> dict[str, Any]:
        return {"party": self.party, "aggregator": self.aggregator_id, "keyid": self.keyid,
                "ciphertext": base64.b64encode(self.ciphertext).decode("ascii")}  # fmt: skip


@dataclass(frozen=True)
class Shares:
    """The signed payload: which bundle, how many cells, and the three ciphertexts."""

    node_id: str
    bundle_digest: str
    bundle_sequence: int
    created: datetime
    cells: int
    shares: tuple[EncryptedShare, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": SHARES_FORMAT,
            "format_version": FORMAT_VERSION,
            "node_id": self.node_id,
            "bundle_digest": self.bundle_digest,
            "bundle_sequence": self.bundle_sequence,
            "created": format_time(self.created),
            "modulus": str(MODULUS),
            "hpke": HPKE_SUITE,
            "cells": self.cells,
            "shares": [s.to_dict() for s in self.shares],
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    def share_for(self, party: int) -> EncryptedShare:
        return next(s for s in self.shares if s.party == party)

    @classmethod
    def from_bytes(cls, data: bytes) -> Shares:
        return cls.from_dict(load(data))

    @classmethod
    def from_dict(cls, d: Any) -> Shares:
        d = SHARES.check(d)
        if d["modulus"] != str(MODULUS):
            raise InvalidPayload(f"modulus must be {MODULUS} (the field of MPyC SecInt(32))")
        if d["hpke"] != HPKE_SUITE:
            raise InvalidPayload(f"hpke must be {HPKE_SUITE!r}")
        digest = d["bundle_digest"]
        if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
            raise InvalidPayload("bundle_digest must be 64 lower-case hex characters")
        seq, cells = d["bundle_sequence"], d["cells"]
        if not _is_int(seq) or seq < 1:
            raise InvalidPayload("bundle_sequence must be a positive integer")
        if not _is_int(cells) or not 1 <= cells <= MAX_CELLS:
            raise InvalidPayload(f"cells must be an integer from 1 to {MAX_CELLS}")
        items = d["shares"]
        if not isinstance(items, list) or len(items) != PARTIES:
            raise InvalidPayload(f"shares must list exactly {PARTIES} encrypted shares")
        parsed = []
        for i, s in enumerate(items, start=1):
            if not isinstance(s, dict) or set(s) != {"party", "aggregator", "keyid", "ciphertext"}:
                raise InvalidPayload("each share has exactly party, aggregator, keyid, ciphertext")
            if not _is_int(s["party"], i):
                raise InvalidPayload(f"shares must be in party order 1..{PARTIES}")
            if not isinstance(s["keyid"], str) or not _HEX64.fullmatch(s["keyid"]):
                raise InvalidPayload("a share's keyid must be 64 lower-case hex characters")
            if not isinstance(s["ciphertext"], str):
                raise InvalidPayload("a share's ciphertext must be base64")
            try:
                ct = b64decode_canonical(s["ciphertext"])
            except binascii.Error as e:
                raise InvalidPayload(f"share {i}: ciphertext is not canonical base64") from e
            parsed.append(
                EncryptedShare(i, check_id(s["aggregator"], "aggregator"), s["keyid"], ct)
            )
        if len({s.aggregator_id for s in parsed}) != PARTIES:
            raise InvalidPayload("the three shares must go to three different aggregators")
        return cls(check_id(d["node_id"], "node_id"), digest, seq,
                   parse_time(d["created"], "created"), cells, tuple(parsed))  # fmt: skip


# --------------------------------------------------------------------------- make and open


def make_envelope(
    key: Ed25519PrivateKey,
    node_id: str,
    bundle_digest: str,
    bundle_sequence: int,
    created: datetime,
    residuals: Sequence[int],
    indicators: Sequence[int],
    recipients: Sequence[Recipient],
    rand: Callable[[int], int] = secrets.randbelow,
) -> bytes:
    """Split, encrypt share j to recipient j, sign; the envelope's exact bytes."""
    if len(residuals) != len(indicators) or not residuals:
        raise ValueError("residuals and indicators must be non-empty and of equal length")
    if sorted(r.party for r in recipients) != list(range(1, PARTIES + 1)):
        raise ValueError(f"exactly one recipient per party 1..{PARTIES}")
    rs, ins = split(residuals, rand), split(indicators, rand)
    out = []
    for r in sorted(recipients, key=lambda r: r.party):
        vec = ShareVector(node_id, bundle_digest, r.party, tuple(rs[r.party - 1]),
                          tuple(ins[r.party - 1]))  # fmt: skip
        info = hpke_info(node_id, bundle_digest, r.party, r.keyid)
        ct = _SUITE.encrypt(vec.to_bytes(), r.public_key, info=info)
        out.append(EncryptedShare(r.party, r.aggregator_id, r.keyid, ct))
    payload = Shares(node_id, bundle_digest, bundle_sequence, created.replace(microsecond=0),
                     len(residuals), tuple(out))  # fmt: skip
    return sign(PAYLOAD_TYPE_SHARES, payload.to_bytes(), [key]).to_bytes()


def open_envelope(raw: bytes, trusted: Mapping[str, Ed25519PublicKey]) -> tuple[Shares, str]:
    """Verify the node's signature over the exact bytes, then parse; (payload, key id)."""
    env = Envelope.from_bytes(raw)
    if env.payload_type != PAYLOAD_TYPE_SHARES:
        raise MalformedEnvelope(f"not a share envelope (payloadType {env.payload_type!r})")
    keyid = verify(env, trusted)
    return Shares.from_bytes(env.payload), keyid


def decrypt(shares: Shares, party: int, private_key: X25519PrivateKey) -> ShareVector:
    """Open this aggregator's share; refuse one that does not belong to this envelope."""
    if not 1 <= party <= PARTIES:
        raise ValueError(f"party must be 1..{PARTIES}")
    item = shares.share_for(party)
    keyid = x25519_key_id(private_key.public_key())
    if item.keyid != keyid:
        raise ShareNotDecryptable(
            f"share {party} is encrypted to key {item.keyid[:16]}…, not to this aggregator's "
            f"key {keyid[:16]}…"
        )
    info = hpke_info(shares.node_id, shares.bundle_digest, party, keyid)
    try:
        plain = _SUITE.decrypt(item.ciphertext, private_key, info=info)
    except InvalidTag as e:
        raise ShareNotDecryptable(
            f"share {party} of {shares.node_id} does not decrypt (altered, or moved from "
            "another envelope or party)"
        ) from e
    vec = ShareVector.from_bytes(plain)
    if (vec.node_id, vec.bundle_digest, vec.party) != (shares.node_id, shares.bundle_digest, party):
        raise ShareNotDecryptable("the decrypted share names another node, bundle or party")
    if len(vec.residuals) != shares.cells:
        raise ShareNotDecryptable(
            f"the share has {len(vec.residuals)} cells, the envelope says {shares.cells}"
        )
    return vec


def shares_digest(envelope_bytes: bytes) -> str:
    """The id of a stored share envelope: SHA-256 of its bytes as received."""
    return hashlib.sha256(envelope_bytes).hexdigest()
