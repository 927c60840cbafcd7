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
    where = f"[aggregation] aggregators i {config.path}"
    if not isinstance(entries, list) or len(entries) != PARTIES:
        raise UsageError(f"{where} ska lista exakt {PARTIES} aggregatorer.",
                         f"{where} must list exactly {PARTIES} aggregators.")  # fmt: skip
    out = []
    for e in entries:
        if not isinstance(e, dict) or not {"party", "id", "hpke_public_key"} <= set(e):
            raise UsageError(f"{where}: varje aggregator behöver party, id och hpke_public_key.",
                             f"{where}: each aggregator needs party, id and hpke_public_key.")  # fmt: skip
        try:
            key = decode_x25519_public_key(str(e["hpke_public_key"]))
        except ValueError as err:
            raise UsageError(f"{where}: nyckeln för {e['id']} är ogiltig ({err}).",
                             f"{where}: the key of {e['id']} is invalid ({err}).") from err  # fmt: skip
        expected = e.get("fingerprint")
        actual = hpke_fingerprint(x25519_key_id(key))
        if expected and expected.replace(" ", "").upper() != actual.replace(" ", ""):
            raise UsageError(
                f"{where}: fingeravtrycket för {e['id']} stämmer inte med nyckeln ({actual}). "
                "Kontrollera nyckeln med aggregatorns ägare.",
                f"{where}: the fingerprint of {e['id']} does not match its key ({actual}). "
                "Check the key with the aggregator's operator.",
            )
        out.append(Recipient(int(e["party"]), str(e["id"]), key))
    if sorted(r.party for r in out) != list(range(1, PARTIES + 1)):
        raise UsageError(f"{where}: party ska vara 1, 2 och 3, en gång var.",
                         f"{where}: party must be 1, 2 and 3, once each.")  # fmt: skip
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
        raise UsageError(
            f"Andelarna kunde inte göras: paketet stämmer inte med de exakta talen ({e}).",
            f"The shares could not be made: the bundle does not match the exact counts ({e}).",
        ) from e
    return make_envelope(key, bundle.node.id, digest, bundle.sequence, created, residuals,
                         indicators, to)  # fmt: skip
