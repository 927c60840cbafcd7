"""Released aggregate figures: what the three aggregators sign together and hubs show.

Pure, like ``schemas.wire``. A release is the outcome of one batch — a period and a group
(``national`` or a region) at one revision — and lists the cells that passed the gate, the
complementary step and the joint audit (``aggregator.protect``). A cell that is not listed is
*withheld*: hubs show today's honest interval for it, never a zero.

Payload (canonical JSON, type `PAYLOAD_TYPE_RELEASE`)::

    {"format": "lexheller.release", "format_version": 1,
     "group": {"id": "national", "level": "national", "nodes": ["a", "b", ...]},
     "period": "2025", "revision": 1, "batch_digest": "<64 hex>", "created": "…Z", "k": 3,
     "approximate": false, "noise": null,
     "cells": [{"table": "aktor", "key": ["af"], "exact": true, "value": 312, "forbund": 41}]}

``group.nodes`` are the batch's members: the förbund whose figures the sums cover (coverage
is these against the group's enrolled förbund). ``forbund`` is "in how many förbund the count
is non-zero", or null where that number was itself below k. In an *approximate* release (the
two-aggregator fallback) every cell has ``exact: false``, ``value`` is the published part plus
a noisy hidden part, and ``noise`` says how: ``{"mechanism": "discrete_gaussian",
"aggregators": 2, "scale": σ per aggregator, "margin": ±half-width of the 95 % interval}``.

It travels in a DSSE envelope signed by every aggregator of the batch; receivers check all
signatures with ``schemas.wire.verify_all`` before parsing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from schemas.payloads import PayloadType, load
from schemas.wire import (
    PAYLOAD_TYPE_RELEASE,
    Envelope,
    InvalidPayload,
    MalformedEnvelope,
    UnknownKey,
    _is_int,
    canonical_json,
    check_id,
    check_period,
    format_time,
    parse_time,
    sign,
    verify_all,
)

RELEASE_FORMAT = "lexheller.release"
FORMAT_VERSION = 1
RELEASE = PayloadType(RELEASE_FORMAT, frozenset({"group", "period", "revision", "batch_digest",
                      "created", "k", "approximate", "noise", "cells"}), "release", FORMAT_VERSION)  # fmt: skip
LEVELS = ("national", "regional")
MECHANISMS = ("discrete_gaussian",)
__all__ = ["PAYLOAD_TYPE_RELEASE", "Noise", "Release", "ReleaseCell", "ReleaseGroup"]
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TABLE = re.compile(r"[a-z_]{1,40}")


@dataclass(frozen=True)
class ReleaseGroup:
    id: str
    level: str
    nodes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "nodes": list(self.nodes)}

    @classmethod
    def from_dict(cls, d: Any) -> ReleaseGroup:
        if not isinstance(d, dict) or set(d) != {"id", "level", "nodes"}:
            raise InvalidPayload("group must have exactly id, level and nodes")
        if d["level"] not in LEVELS:
            raise InvalidPayload(f"group.level must be one of {list(LEVELS)}")
        nodes = d["nodes"]
        if not isinstance(nodes, list) or not nodes:
            raise InvalidPayload("group.nodes must be a non-empty list of node ids")
        ids = tuple(check_id(n, "group.nodes[]") for n in nodes)
        if list(ids) != sorted(set(ids)):
            raise InvalidPayload("group.nodes must be sorted and without repeats")
        return cls(check_id(d["id"], "group.id"), d["level"], ids)


@dataclass(frozen=True)
class ReleaseCell:
    table: str
    key: tuple[str, ...]
    exact: bool
    value: int
    forbund: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "key": list(self.key),
            "exact": self.exact,
            "value": self.value,
            "forbund": self.forbund,
        }

    @classmethod
    def from_dict(cls, d: Any) -> ReleaseCell:
        if not isinstance(d, dict) or set(d) != {"table", "key", "exact", "value", "forbund"}:
            raise InvalidPayload("each cell has exactly table, key, exact, value and forbund")
        table, key = d["table"], d["key"]
        if not isinstance(table, str) or not _TABLE.fullmatch(table):
            raise InvalidPayload(f"cell table {table!r} is not valid")
        if not isinstance(key, list) or not all(
            isinstance(x, str) and 0 < len(x) <= 20 for x in key
        ):
            raise InvalidPayload(f"cell key {key!r} must be a list of codes")
        if not isinstance(d["exact"], bool):
            raise InvalidPayload("cell exact must be true or false")
        if not _is_int(d["value"]) or d["value"] < 0:
            raise InvalidPayload(f"cell value {d['value']!r} must be an integer >= 0")
        f = d["forbund"]
        if f is not None and (not _is_int(f) or f < 0):
            raise InvalidPayload(f"cell forbund {f!r} must be an integer >= 0 or null")
        return cls(table, tuple(key), d["exact"], d["value"], f)


@dataclass(frozen=True)
class Noise:
    mechanism: str
    aggregators: int
    scale: float
    margin: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "aggregators": self.aggregators,
            "scale": self.scale,
            "margin": self.margin,
        }

    @classmethod
    def from_dict(cls, d: Any) -> Noise:
        if not isinstance(d, dict) or set(d) != {"mechanism", "aggregators", "scale", "margin"}:
            raise InvalidPayload("noise has exactly mechanism, aggregators, scale and margin")
        if d["mechanism"] not in MECHANISMS:
            raise InvalidPayload(f"noise.mechanism must be one of {list(MECHANISMS)}")
        if not _is_int(d["aggregators"]) or d["aggregators"] < 2:
            raise InvalidPayload("noise.aggregators must be an integer >= 2")
        s = d["scale"]
        if isinstance(s, bool) or not isinstance(s, (int, float)) or not 0 < s < 1e6:
            raise InvalidPayload("noise.scale must be a number > 0")
        if not _is_int(d["margin"]) or d["margin"] < 0:
            raise InvalidPayload("noise.margin must be an integer >= 0")
        return cls(d["mechanism"], d["aggregators"], float(s), d["margin"])


@dataclass(frozen=True)
class Release:
    group: ReleaseGroup
    period: str
    revision: int
    batch_digest: str
    created: datetime
    k: int
    cells: tuple[ReleaseCell, ...]
    approximate: bool = False
    noise: Noise | None = None

    def __post_init__(self) -> None:
        # invariants at construction, so a Release in memory is always a valid one
        check_period(self.period)
        if not _is_int(self.revision) or self.revision < 1:
            raise InvalidPayload("revision must be an integer >= 1")
        if not _HEX64.fullmatch(self.batch_digest):
            raise InvalidPayload("batch_digest must be 64 lower-case hex characters")
        if not _is_int(self.k) or self.k < 1:
            raise InvalidPayload("k must be an integer >= 1")
        if self.approximate != (self.noise is not None):
            raise InvalidPayload("an approximate release says its noise; an exact one has none")
        keys = [(c.table, c.key) for c in self.cells]
        if keys != sorted(set(keys)):
            raise InvalidPayload("cells must be sorted by table and key, each once")
        for c in self.cells:
            if c.exact == self.approximate:
                raise InvalidPayload("cells of an exact release are exact; of an approximate, not")
            if c.forbund is not None and c.forbund > len(self.group.nodes):
                raise InvalidPayload("a cell's forbund exceeds the number of förbund in the group")

    @property
    def id(self) -> str:
        return f"{self.group.id}/{self.period}/r{self.revision}"

    def cell(self, table: str, key: tuple[str, ...]) -> ReleaseCell | None:
        for c in self.cells:
            if c.table == table and c.key == key:
                return c
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": RELEASE_FORMAT,
            "format_version": FORMAT_VERSION,
            "group": self.group.to_dict(),
            "period": self.period,
            "revision": self.revision,
            "batch_digest": self.batch_digest,
            "created": format_time(self.created),
            "k": self.k,
            "approximate": self.approximate,
            "noise": None if self.noise is None else self.noise.to_dict(),
            "cells": [c.to_dict() for c in self.cells],
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> Release:
        return cls.from_dict(load(data))

    @classmethod
    def from_dict(cls, d: Any) -> Release:
        d = RELEASE.check(d)
        if not isinstance(d["approximate"], bool):
            raise InvalidPayload("approximate must be true or false")
        if not isinstance(d["batch_digest"], str):
            raise InvalidPayload("batch_digest must be 64 lower-case hex characters")
        if not isinstance(d["cells"], list):
            raise InvalidPayload("cells must be a list")
        return cls(
            group=ReleaseGroup.from_dict(d["group"]),
            period=check_period(d["period"]),
            revision=d["revision"],
            batch_digest=d["batch_digest"],
            created=parse_time(d["created"], "created"),
            k=d["k"],
            cells=tuple(ReleaseCell.from_dict(c) for c in d["cells"]),
            approximate=d["approximate"],
            noise=None if d["noise"] is None else Noise.from_dict(d["noise"]),
        )


def sign_release(release: Release, keys: list[Ed25519PrivateKey]) -> Envelope:
    """The multi-signature envelope: one signature per aggregator over the same bytes."""
    return sign(PAYLOAD_TYPE_RELEASE, release.to_bytes(), keys)


def open_release(data: bytes, aggregators: Mapping[str, Ed25519PublicKey]) -> Release:
    """Verify every aggregator's signature over the exact bytes, then parse.

    `aggregators` maps key id → public key of each aggregator the receiver trusts; a release
    must carry a valid signature by *all* of them (one missing or altered → refused).
    """
    env = Envelope.from_bytes(data)
    if env.payload_type != PAYLOAD_TYPE_RELEASE:
        raise MalformedEnvelope(f"expected a release envelope, got {env.payload_type!r}")
    if not aggregators:
        raise UnknownKey("no aggregator keys are configured: a release cannot be checked")
    verify_all(env, aggregators)
    return Release.from_bytes(env.payload)
