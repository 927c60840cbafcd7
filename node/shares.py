"""The node's share envelope: what it hid in a bundle, split for the three aggregators.

Made right after the bundle is signed, from the same exact counts the bundle was protected
from, so the shares and the published cells agree (a published cell carries residual 0).
Nothing here leaves the node in the clear: each aggregator can open only its own random share.
The aggregators are declared in node.toml::

    [aggregation]
    aggregators = [
      {party = 1, id = "aggregator-a1", hpke_public_key = "x25519:…", fingerprint = "…"},
      {party = 2, …}, {party = 3, …},
    ]

An empty list means the node makes no shares (the hubs then show intervals only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common.config import Config
from common.errors import UsageError
from node.aggregate import CountTable
from schemas.shares import (
    PARTIES,
    Recipient,
    decode_x25519_public_key,
    hidden_vectors,
    make_envelope,
    x25519_key_id,
)
from schemas.wire import Bundle

ExactCounts = Mapping[tuple[str, str, tuple[str, ...]], int]


def hpke_fingerprint(keyid: str) -> str:
    """Read-aloud form of an HPKE key id: first 80 bits in groups of 4 (like signing keys)."""
    kid = keyid[:20].upper()
    return " ".join(kid[i : i + 4] for i in range(0, 20, 4))


def recipients(config: Config) -> list[Recipient]:
    """The three aggregators of node.toml, checked; [] when aggregation is not configured."""
    entries: Any = config["aggregation"]["aggregators"]
    if not entries:
        return []
    if not isinstance(entries, list) or len(entries) != PARTIES:
        raise UsageError.of("err_shares_aggregators_count", path=config.path, parties=PARTIES)
    out = []
    for e in entries:
        if not isinstance(e, dict) or not {"party", "id", "hpke_public_key"} <= set(e):
            raise UsageError.of("err_shares_aggregator_fields", path=config.path)
        try:
            key = decode_x25519_public_key(str(e["hpke_public_key"]))
        except ValueError as err:
            raise UsageError.of("err_shares_aggregator_key",
                                path=config.path, id=e["id"], cause=err) from err  # fmt: skip
        expected = e.get("fingerprint")
        actual = hpke_fingerprint(x25519_key_id(key))
        if expected and expected.replace(" ", "").upper() != actual.replace(" ", ""):
            raise UsageError.of("err_shares_aggregator_fingerprint",
                                path=config.path, id=e["id"], actual=actual)  # fmt: skip
        out.append(Recipient(int(e["party"]), str(e["id"]), key))
    if sorted(r.party for r in out) != list(range(1, PARTIES + 1)):
        raise UsageError.of("err_shares_aggregator_parties", path=config.path)
    return sorted(out, key=lambda r: r.party)


def exact_counts(tables: Iterable[CountTable]) -> dict[tuple[str, str, tuple[str, ...]], int]:
    return {(t.name, t.period, key): n for t in tables for key, n in t.counts.items()}


def make_shares(
    key: Ed25519PrivateKey,
    bundle: Bundle,
    digest: str,
    exact: ExactCounts,
    to: list[Recipient],
    created: datetime,
) -> bytes:
    """The signed share envelope for `bundle` (named by `digest`), made from `exact`."""
    try:
        residuals, indicators = hidden_vectors(bundle.tables, exact)
    except ValueError as e:
        raise UsageError.of("err_shares_mismatch", cause=e) from e
    return make_envelope(key, bundle.node.id, digest, bundle.sequence, created, residuals,
                         indicators, to)  # fmt: skip
