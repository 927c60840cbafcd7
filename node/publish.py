"""Build, check, sign and queue the node's aggregate bundle; send what waits in the outbox.

Only coded columns are read (never free text); every table is protected by primary and
complementary suppression and must pass the LP audit before anything is signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common.config import Config
from common.errors import TransportError, UsageError
from common.transport import HttpPublisher, backoff_seconds
from node.aggregate import count_tables, periods_of
from node.audit import audit
from node.figures import workflow_figures
from node.shares import exact_counts, make_shares, recipients
from node.store import NodeStore
from node.suppression import protect
from schemas.codes import CURRENT_VERSION
from schemas.wire import (
    PAYLOAD_TYPE_AGGREGATES,
    Bundle,
    Envelope,
    NodeInfo,
    Table,
    bundle_digest,
    sign,
)

METHOD = "primary+complementary; lp-audit"


@dataclass(frozen=True)
class Publication:
    sequence: int
    digest: str
    envelope: bytes
    periods: list[str]
    cells: int
    primary: int
    complementary: int
    shares: bytes | None = None
    """The signed share envelope for this bundle (issue 13), when aggregators are configured."""


def node_info(config: Config) -> NodeInfo:
    n = config["node"]
    return NodeInfo(
        id=n["id"],
        name=n["name"],
        lan=tuple(n["lan"]),
        kommuner=tuple(n["kommuner"]),
        population=int(n["population"]) or None,
    )


def previous_tables(store: NodeStore) -> list[Table]:
    """The tables of the node's latest publication (from its ledger), for stable revisions."""
    last = store.last_sequence()
    if not last:
        return []
    return list(Bundle.from_bytes(Envelope.from_bytes(store.envelope(last)).payload).tables)


def audit_ledger(store: NodeStore, k: int) -> dict[str, Any]:
    """Re-audit every publication in the ledger by linear programming."""
    results = []
    for pub in store.publications():
        bundle = Bundle.from_bytes(Envelope.from_bytes(store.envelope(pub["sequence"])).payload)
        kk = max(k, bundle.k)
        report = audit(list(bundle.tables), kk)
        results.append({
            "sequence": pub["sequence"],
            "created": str(pub["created"]),
            "cells": sum(len(t.cells) for t in bundle.tables),
            "suppressed": len(report.bounds),
            "failures": [
                {"table": f.table, "period": f.period, "key": list(f.key), "low": f.low,
                 "high": f.high} for f in report.failures[:20]
            ],
            # interval reaches both 0 and k: the attacker cannot tell zero from k or more
            "covers_0_to_k": sum(1 for b in report.bounds if b.low < 0.5 and b.high > kk - 0.5),
            # proven to be at least k: no small count, so nothing to protect
            "known_at_least_k": sum(1 for b in report.bounds if b.low > kk - 1 + 1e-6),
            "ok": report.ok,
        })  # fmt: skip
    return {"k": k, "publications": results, "ok": all(r["ok"] for r in results)}


def build(
    store: NodeStore, config: Config, key: Ed25519PrivateKey, now: datetime | None = None
) -> Publication:
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    k = int(config["disclosure"]["k"])
    if k < 1:
        raise UsageError("k måste vara minst 1.", "k must be at least 1.")
    frame = store.aggregation_frame()
    if frame.height == 0:
        raise UsageError(
            "Det finns inga anmälningar att publicera ännu.",
            "There are no reports to publish yet.",
        )
    periods = periods_of(frame, tuple(config["publish"]["granularity"]))
    previous = previous_tables(store)
    counted = count_tables(frame, periods)
    protection = protect(counted, k, previous=previous or None)
    report = audit(protection.tables, k)
    if not report.ok:
        first = report.failures[0]
        raise UsageError(
            f"Publiceringen stoppades: granskningen visar att {len(report.failures)} "
            f"undertryckta celler går att räkna ut (t.ex. {first.table} {first.period} "
            f"{'/'.join(first.key)}: {first.low:g}–{first.high:g}). Inget publicerades.",
            f"Publishing stopped: the audit shows {len(report.failures)} suppressed cells can "
            f"be derived (e.g. {first.table} {first.period} {'/'.join(first.key)}). "
            "Nothing was published.",
        )
    bundle = Bundle(
        node=node_info(config),
        sequence=store.last_sequence() + 1,
        created=now,
        expires=now + timedelta(days=int(config["publish"]["expires_days"])),
        taxonomy=CURRENT_VERSION,
        k=k,
        method=METHOD,
        synthetic=bool(config["node"]["synthetic"]),
        tables=tuple(protection.tables),
        figures=tuple(workflow_figures(store, k, [p for p in periods if len(p) == 4])),
    )
    envelope = sign(PAYLOAD_TYPE_AGGREGATES, bundle.to_bytes(), [key]).to_bytes()
    to = recipients(config)
    shares = (
        make_shares(key, bundle, bundle_digest(envelope), exact_counts(counted), to, now)
        if to else None
    )  # fmt: skip
    return Publication(
        sequence=bundle.sequence,
        digest=bundle_digest(envelope),
        envelope=envelope,
        periods=bundle.periods,
        cells=sum(len(t.cells) for t in protection.tables),
        primary=protection.primary,
        complementary=protection.complementary,
        shares=shares,
    )


def publish(
    store: NodeStore,
    config: Config,
    key: Ed25519PrivateKey,
    *,
    hub_url: str | None = None,
    out: Path | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Sign a new bundle, record it in the ledger, write it to `out` and/or queue it."""
    hub_url = hub_url if hub_url is not None else (config["publish"]["hub_url"] or None)
    if not hub_url and out is None:
        raise UsageError(
            "Ange --hub URL eller --out FIL (eller publish.hub_url i node.toml).",
            "Give --hub URL or --out FILE (or publish.hub_url in node.toml).",
        )
    pub = build(store, config, key, now)
    if out is not None:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_bytes(pub.envelope)
        tmp.replace(out)
        if pub.shares is not None:  # the offline file's companion, carried with it
            shares_out = out.with_name(out.stem + ".shares.json")
            shares_out.write_bytes(pub.shares)
    store.record_publication(
        pub.sequence, now or datetime.now(UTC), pub.digest, pub.periods, pub.primary,
        pub.complementary, pub.envelope, hub_url,
    )  # fmt: skip
    if pub.shares is not None:
        store.record_shares(pub.sequence, pub.digest, pub.shares, hub_url, now or datetime.now(UTC))
    result: dict[str, Any] = {
        "sequence": pub.sequence,
        "digest": pub.digest,
        "periods": len(pub.periods),
        "cells": pub.cells,
        "primary": pub.primary,
        "complementary": pub.complementary,
        "bytes": len(pub.envelope),
        "out": str(out) if out else None,
        "sent": None,
        "shares": pub.shares is not None,
    }
    if hub_url:
        sent = send_outbox(store, HttpPublisher(float(config["publish"]["timeout_seconds"])))
        result["sent"] = next((s for s in sent if s["digest"] == pub.digest), None)
    return result


def send_outbox(
    store: NodeStore, publisher: HttpPublisher, now: datetime | None = None, force: bool = True
) -> list[dict[str, Any]]:
    """Try to send every waiting bundle (all of them if `force`, else those due)."""
    now = now or datetime.now(UTC)
    results = []
    for rot in store.rotations_pending():  # a new key must be known before bundles it signed
        try:
            answer = publisher.post(rot["hub_url"], "/api/v1/rotations", rot["statement"])
        except TransportError as e:
            store.rotation_result(rot["digest"], sent_at=None, status=None, error=e.sv)
            return [{"digest": rot["digest"], "ok": False, "retry_in": backoff_seconds(0),
                     "error": e.sv, "error_en": e.en, "kind": "rotation"}]  # fmt: skip
        final = answer.status < 500
        store.rotation_result(rot["digest"], sent_at=now if final else None,
                              status=answer.status, error=str(answer.body.get("message")))  # fmt: skip
        results.append({"digest": rot["digest"], "ok": answer.status in (200, 201),
                        "status": answer.status, "kind": "rotation",
                        "error": str(answer.body.get("message"))})  # fmt: skip
        if not final:
            return results
    for item in store.outbox_pending(None if force else now):
        try:
            answer = publisher.post_bundle(item["hub_url"], bytes(item["envelope"]))
        except TransportError as e:
            wait = backoff_seconds(item["attempts"])
            store.outbox_result(
                item["digest"], sent_at=None, status=None, error=e.sv,
                next_attempt=now + timedelta(seconds=wait),
            )  # fmt: skip
            results.append({"digest": item["digest"], "ok": False, "retry_in": wait,
                            "error": e.sv, "error_en": e.en})  # fmt: skip
            continue
        if answer.status in (200, 201):
            store.outbox_result(item["digest"], sent_at=now, status=answer.status, error=None,
                                next_attempt=None)  # fmt: skip
            results.append({"digest": item["digest"], "ok": True, "status": answer.status})
        elif answer.status >= 500 or answer.status in (408, 429):
            wait = backoff_seconds(item["attempts"])
            msg = str(answer.body.get("error", answer.status))
            store.outbox_result(item["digest"], sent_at=None, status=answer.status, error=msg,
                                next_attempt=now + timedelta(seconds=wait))  # fmt: skip
            results.append({"digest": item["digest"], "ok": False, "retry_in": wait,
                            "error": msg, "error_en": msg})  # fmt: skip
        else:
            msg = str(answer.body.get("error", answer.status))
            # The hub refused for good (bad signature, unknown key, replay...): don't retry.
            store.outbox_result(item["digest"], sent_at=now, status=answer.status, error=msg,
                                next_attempt=None)  # fmt: skip
            results.append({"digest": item["digest"], "ok": False, "status": answer.status,
                            "error": msg, "error_en": msg, "final": True})  # fmt: skip
    results.extend(send_shares(store, publisher, now))
    return results


def send_shares(
    store: NodeStore, publisher: HttpPublisher, now: datetime
) -> list[dict[str, Any]]:
    """Send share envelopes whose bundle the hub took; a refusal is final, a failure retried."""
    results = []
    for item in store.shares_pending():
        try:
            answer = publisher.post(item["hub_url"], "/api/v1/shares", bytes(item["envelope"]))
        except TransportError as e:
            wait = backoff_seconds(item["attempts"])
            store.shares_result(item["digest"], sent_at=None, status=None, error=e.sv,
                                next_attempt=now + timedelta(seconds=wait))  # fmt: skip
            results.append({"digest": item["digest"], "kind": "shares", "ok": False,
                            "retry_in": wait, "error": e.sv, "error_en": e.en})  # fmt: skip
            continue
        retry = answer.status >= 500 or answer.status in (408, 429)
        msg = None if answer.status in (200, 201) else str(answer.body.get("error", answer.status))
        store.shares_result(item["digest"], sent_at=None if retry else now, status=answer.status,
                            error=msg, next_attempt=now + timedelta(
                                seconds=backoff_seconds(item["attempts"])) if retry else None)  # fmt: skip
        results.append({"digest": item["digest"], "kind": "shares",
                        "ok": answer.status in (200, 201), "status": answer.status,
                        "error": msg})  # fmt: skip
    return results
