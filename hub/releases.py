"""Releases of exact aggregate figures on a hub: trust in the aggregators, intake, storage,
the totals a hub shows for its own group, and regional hubs fetching theirs from upstream.

A release (``schemas.release``) is signed by *every* aggregator the hub enrolled; the hub
verifies all signatures over the exact bytes before it parses, like bundles
(``hub.accept``). Signed files under ``releases/`` are the source of truth; the index is
rebuilt from them at start. Rules, in order, each refusal one `Outcome`:

- the bytes are an envelope of the release type, signed by all enrolled aggregators;
- a regional hub keeps only releases of its own group (its id); a national hub all groups;
- a (group, period, revision) is released once: the same bytes again are a no-op (200),
  other bytes for it are refused (409) — a late förbund comes in a *new revision*.

The group's figures for the API and the dashboards (`totals`): a released cell is exact; a
withheld one gets today's honest interval over the same förbund (never a zero).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from common.errors import TransportError, UsageError
from common.transport import HttpPublisher
from hub.accept import Outcome
from schemas.release import PAYLOAD_TYPE_RELEASE, Release, open_release
from schemas.wire import (
    BadSignature,
    Envelope,
    InvalidPayload,
    MalformedEnvelope,
    UnknownKey,
    WireError,
    check_id,
    decode_public_key,
    fingerprint,
    key_id,
)

log = logging.getLogger("lexheller.hub.releases")

AGGREGATORS_FILE = "aggregators.json"
NATIONAL_GROUP = "national"


def release_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Stored:
    digest: str
    release: Release
    received_at: datetime


class AggregatorKeys:
    """The aggregators this hub trusts to sign releases, in ``aggregators.json``.

    Enrolled like nodes: the operator compares the fingerprint read aloud by the aggregator's
    operator before running ``trust_aggregator``.
    """

    def __init__(self, folder: Path):
        self.path = folder / AGGREGATORS_FILE
        self._lock = threading.Lock()

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return list(json.loads(self.path.read_text("utf-8"))["aggregators"])

    def keys(self) -> dict[str, Ed25519PublicKey]:
        return {
            e["keyid"]: decode_public_key(e["public_key"])
            for e in self.entries()
            if e.get("revoked_at") is None
        }

    def trust(self, aggregator_id: str, public_key: str) -> dict[str, Any]:
        try:
            check_id(aggregator_id, "aggregator id")
            key = decode_public_key(public_key)
        except (WireError, ValueError) as e:
            raise UsageError.of("err_hub_aggregator_trust", cause=e) from e
        with self._lock:
            entries = [e for e in self.entries() if e["id"] != aggregator_id]
            entry = {
                "id": aggregator_id,
                "public_key": public_key.strip(),
                "keyid": key_id(key),
                "fingerprint": fingerprint(key),
                "enrolled_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "revoked_at": None,
            }
            entries.append(entry)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"aggregators": entries}, indent=2) + "\n", "utf-8")
            tmp.replace(self.path)
        return entry


class ReleaseStore:
    """Signed release files on disk, indexed in memory; one writer at a time."""

    def __init__(self, folder: Path, hub_id: str, level: str):
        self.folder = folder / "releases"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.hub_id = hub_id
        self.level = level
        self.aggregators = AggregatorKeys(folder)
        self._lock = threading.Lock()
        self._index: dict[str, Stored] = {}
        self.reload()

    @property
    def group_id(self) -> str:
        """The group whose figures this hub shows: the nation, or the region it is."""
        return NATIONAL_GROUP if self.level == "national" else self.hub_id

    def reload(self) -> None:
        """Rebuild the index from the files (they were verified when received)."""
        index: dict[str, Stored] = {}
        for path in sorted(self.folder.glob("*.json")):
            raw = path.read_bytes()
            if release_digest(raw) != path.stem:
                log.error("release file %s does not match its name; ignored", path.name)
                continue
            try:
                rel = Release.from_bytes(Envelope.from_bytes(raw).payload)
            except WireError as e:
                log.error("release file %s does not parse (%s); ignored", path.name, e)
                continue
            index[path.stem] = Stored(path.stem, rel, datetime.fromtimestamp(path.stat().st_mtime, UTC))
        with self._lock:
            self._index = index

    def all(self) -> list[Stored]:
        with self._lock:
            rows = list(self._index.values())
        return sorted(rows, key=lambda s: (s.release.group.id, s.release.period, s.release.revision))

    def releases(self) -> list[Release]:
        return [s.release for s in self.all()]

    def latest(self, group_id: str, period: str) -> Stored | None:
        found = [s for s in self.all() if s.release.group.id == group_id and s.release.period == period]
        return max(found, key=lambda s: s.release.revision) if found else None

    def raw(self, digest: str) -> bytes | None:
        path = self.folder / f"{digest}.json"
        return path.read_bytes() if len(digest) == 64 and path.exists() else None

    def receive(self, raw: bytes) -> Outcome:
        keys = self.aggregators.keys()
        try:
            if Envelope.from_bytes(raw).payload_type != PAYLOAD_TYPE_RELEASE:
                return Outcome(400, "wrong_payload_type", "Det här är ingen frisläppning.",
                               "This is not a release.")  # fmt: skip
            rel = open_release(raw, keys)
        except MalformedEnvelope as e:
            return Outcome(400, e.code, f"Inget giltigt kuvert: {e}", f"Not a valid envelope: {e}")
        except UnknownKey:
            return Outcome(401, "no_aggregators",
                           "Navet har inga registrerade aggregatorer. Registrera dem först.",
                           "The hub has no enrolled aggregators. Enrol them first.")  # fmt: skip
        except BadSignature as e:
            return Outcome(422, "bad_signature",
                           f"Frisläppningen är inte signerad av alla aggregatorer: {e}",
                           f"The release is not signed by every aggregator: {e}")  # fmt: skip
        except InvalidPayload as e:
            return Outcome(422, "invalid_payload", f"Frisläppningen är ogiltig: {e}",
                           f"The release is invalid: {e}")  # fmt: skip
        if self.level != "national" and rel.group.id != self.hub_id:
            return Outcome(403, "other_group",
                           f"Ett regionalt nav tar bara emot sin egen grupps siffror ({self.hub_id}).",
                           f"A regional hub keeps only its own group's figures ({self.hub_id}).")  # fmt: skip
        digest = release_digest(raw)
        with self._lock:
            same = [s for s in self._index.values()
                    if (s.release.group.id, s.release.period, s.release.revision)
                    == (rel.group.id, rel.period, rel.revision)]  # fmt: skip
            if same and same[0].digest == digest:
                return Outcome(200, "ok", "Redan mottagen.", "Already received.", digest=digest)
            if same:
                return Outcome(409, "revision_exists",
                               f"{rel.id} är redan frisläppt med annat innehåll; en ny omgång "
                               "kräver en ny revision.",
                               f"{rel.id} was already released with other content; a new run "
                               "needs a new revision.")  # fmt: skip
            path = self.folder / f"{digest}.json"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(raw)
            tmp.replace(path)
            self._index[digest] = Stored(digest, rel, datetime.now(UTC))
        log.info("release %s stored (%d cells)", rel.id, len(rel.cells))
        return Outcome(201, "stored", f"Frisläppningen {rel.id} är sparad.",
                       f"Release {rel.id} stored.", digest=digest)  # fmt: skip

    def fetcher(self, upstream: str, every: float = 60.0) -> Callable[[], object]:
        """A task for the forwarding thread: fetch from upstream at most every `every` s;
        an unreachable upstream is logged and tried again next time."""
        last = [-math.inf]

        def task() -> object:
            now = time.monotonic()
            if now - last[0] < every:
                return None
            last[0] = now
            try:
                return self.fetch_upstream(upstream)
            except TransportError as e:
                log.warning("releases not fetched: %s", e.en)
                return None

        return task

    def fetch_upstream(self, upstream: str, publisher: HttpPublisher | None = None) -> dict[str, Any]:
        """A regional hub fetches its own group's releases from its upstream and verifies them."""
        pub = publisher or HttpPublisher(timeout=20.0)
        listing = pub.get(upstream, "/api/v1/releases", {"group": self.group_id})
        if listing.status != 200:
            raise TransportError.of("err_hub_upstream_releases", status=listing.status)
        results = []
        for row in listing.body.get("releases", []):
            digest = str(row.get("digest", ""))
            if self.raw(digest) is not None:
                continue
            outcome = self.receive(pub.get_bytes(upstream, f"/api/v1/releases/{digest}"))
            results.append({"digest": digest, **outcome.to_json()})
        return {"fetched": results}


# --------------------------------------------------------------------------- totals


Bounder = Callable[[pl.DataFrame], pl.DataFrame]


def totals(
    store: ReleaseStore,
    cells: pl.DataFrame,
    enrolled: Mapping[str, Any],
    table: str,
    period: str,
    bounder: Bounder,
) -> dict[str, Any]:
    """The hub's own group's figures for one table and period.

    `cells` are the latest published node cells (hub store), `enrolled` the group's enrolled
    nodes; `bounder` adds ``lo``/``hi`` to cells (the dashboards' honest bounds). Released cells
    are exact over the release's förbund; the others are intervals over the same förbund. With
    no release yet, every non-zero figure is an interval over every förbund that published.
    """
    stored = store.latest(store.group_id, period)
    rel = stored.release if stored else None
    scope = cells.filter((pl.col("period") == period) & (pl.col("table") == table))
    if rel is not None:
        scope = scope.filter(pl.col("node_id").is_in(list(rel.group.nodes)))
        nodes = list(rel.group.nodes)
    else:
        nodes = sorted(set(scope["node_id"].to_list()))
    bounded = _bounded(cells, scope, period, bounder)
    keys = sorted({(r["dim1"], r["dim2"]) for r in bounded.iter_rows(named=True)},
                  key=lambda k: (k[0] or "", k[1] or ""))  # fmt: skip
    sums = {(r["dim1"], r["dim2"]): r for r in _sum(bounded).iter_rows(named=True)}
    out = []
    for d1, d2 in keys:
        key = tuple(x for x in (d1, d2) if x is not None)
        c = rel.cell(table, key) if rel else None
        base = {"dim1": d1, "dim2": d2}
        if c is not None and c.exact:
            out.append(base | {"exact": True, "value": c.value, "forbund": c.forbund})
        elif c is not None and rel is not None and rel.noise is not None:
            m = rel.noise.margin
            out.append(base | {"exact": False, "approximate": True, "value": c.value,
                               "low": max(0, c.value - m), "high": c.value + m})  # fmt: skip
        else:
            s = sums[(d1, d2)]
            if s["n_supp"] == 0:
                out.append(base | {"exact": True, "value": int(s["known"]), "forbund": None})
            else:
                out.append(base | {"exact": False, "low": int(s["lo"]),
                                   "high": None if s["hi"] is None else int(s["hi"])})  # fmt: skip
    group = {"id": store.group_id, "level": store.level, "nodes": nodes}
    return {
        "ok": True,
        "group": group,
        "table": table,
        "period": period,
        "release": None if rel is None else {
            "revision": rel.revision, "created": rel.to_dict()["created"], "k": rel.k,
            "approximate": rel.approximate,
            "noise": None if rel.noise is None else rel.noise.to_dict(),
        },
        "coverage": {"nodes": len(nodes), "enrolled": len(enrolled)},
        "cells": out,
    }  # fmt: skip


def _bounded(cells: pl.DataFrame, scope: pl.DataFrame, period: str, bounder: Bounder) -> pl.DataFrame:
    """Bounds need each node's whole publication for the year (relations span tables and
    quarters); compute them on that and keep the rows in scope."""
    if scope.is_empty():
        return scope.with_columns(lo=pl.lit(None, pl.Int64), hi=pl.lit(None, pl.Int64))
    nodes = scope["node_id"].unique().to_list()
    context = cells.filter(
        pl.col("node_id").is_in(nodes) & pl.col("period").str.starts_with(period[:4])
    ).sort("node_id", "period", "table", "dim1", "dim2", nulls_last=True)
    b = bounder(context)
    return b.join(scope.select("node_id", "period", "table", "dim1", "dim2"),
                  on=["node_id", "period", "table", "dim1", "dim2"], nulls_equal=True)  # fmt: skip


def _sum(bounded: pl.DataFrame) -> pl.DataFrame:
    return bounded.group_by("dim1", "dim2").agg(
        known=pl.col("value").sum(),
        lo=pl.col("lo").sum(),
        hi=pl.when(pl.col("hi").is_null().any()).then(None).otherwise(pl.col("hi").sum()),
        n_supp=pl.col("value").is_null().sum(),
    )
