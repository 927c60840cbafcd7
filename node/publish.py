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
from common.disclosure import ExactModel
from common.errors import TransportError, UsageError
from common.transport import HttpPublisher, backoff_seconds
from node import audit_trail
from node.aggregate import count_tables, periods_of
from node.figures import workflow_figures
from node.shares import exact_counts, make_shares, recipients
from node.store import NodeStore
from node.suppression import Protection, mend, protect
from schemas.codes import CURRENT_VERSION
from schemas.wire import (
    GROUPED_CROSS_TABLES,
    PAYLOAD_TYPE_AGGREGATES,
    Bundle,
    Envelope,
    NodeInfo,
    Plan,
    Table,
    bundle_digest,
    sign,
)

METHOD = "primary+complementary; exact-audit"

MARGINS_LP = False
"""Run the margins model's LP rounds before the exact ones (slower; the exact rounds, guided
by the exact model's duals, find the same complements and more)."""


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
    share_counts: dict[tuple[str, str, tuple[str, ...]], int] | None = None
    """The exact counts the shares were made from (kept by the node, never sent)."""


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


def ledger_bundles(store: NodeStore) -> list[Bundle]:
    """Every bundle the node signed, oldest first (what an attacker may hold)."""
    return [Bundle.from_bytes(Envelope.from_bytes(store.envelope(p["sequence"])).payload)
            for p in sorted(store.publications(), key=lambda p: p["sequence"])]  # fmt: skip


def audit_ledger(store: NodeStore, k: int, integer_seconds: float = 60.0) -> dict[str, Any]:
    """Re-audit everything in the ledger together with the exact model: every publication,
    every revision and the differences between them (``common.disclosure.exact``)."""
    pubs = sorted(store.publications(), key=lambda p: p["sequence"])
    bundles = ledger_bundles(store)
    kk = max([k, *(b.k for b in bundles)])
    model = ExactModel(kk)
    model.add_node(bundles[0].node.id if bundles else "node", bundles)
    report = model.audit(integer_seconds=integer_seconds, extremes=False)
    results = []
    for pub, bundle in zip(pubs, bundles, strict=True):
        seq = bundle.sequence
        bounds = [b for b in report.bounds if b.sequence == seq and b.kind == "cell"]
        fails = [f for f in report.findings if f.sequence == seq]
        results.append({
            "sequence": seq,
            "created": str(pub["created"]),
            "cells": sum(len(t.cells) for t in bundle.tables),
            "suppressed": len(bounds),
            "failures": [
                {"table": f.table, "period": f.period, "key": list(f.key), "low": f.low,
                 "high": f.high, "kind": f.kind} for f in fails[:20]
            ],
            # interval reaches both 0 and k: the attacker cannot tell zero from k or more
            "covers_0_to_k": sum(1 for b in bounds if b.low < 0.5 and b.high > kk - 0.5),
            # proven to be at least k: no small count, so nothing to protect
            "known_at_least_k": sum(1 for b in bounds if b.low > kk - 1 + 1e-6),
            "differences": sum(1 for b in report.bounds
                               if b.sequence == seq and b.kind == "difference"),
            "ok": not fails,
        })  # fmt: skip
    return {"k": kk, "publications": results, "ok": report.ok, "model": "exact",
            "lp_only": report.lp_only}


def plan_periods(frame: Any, granularity: tuple[str, ...], k: int,
                 actor_groups_below: int = 0) -> tuple[list[str], dict[str, Any]]:  # fmt: skip
    """The publication plan: which periods the volume supports (see docs/disclosure-control.md).

    Quarters only when every quarter of the span holds at least k reports (else the first or
    last quarter, known to hold a report, would be a small count); years from the first to the
    last, but a first or newest year with fewer than k reports is held back until it has k.
    A published year with fewer than `actor_groups_below` reports gets its cross tables by
    actor group (``plan["actor_groups"]``; 0: never).
    """
    periods = periods_of(frame, granularity)
    totals = {t.period: t.counts[()] for t in count_tables(frame, periods) if t.name == "total"}
    quarters = [p for p in periods if len(p) == 7 and p[5] == "Q"]
    keep_quarters = bool(quarters) and all(totals[q] >= k for q in quarters)
    years = [p for p in periods if len(p) == 4]
    while years and totals[years[-1]] < k:
        years.pop()
    while years and totals[years[0]] < k:
        years.pop(0)
    chosen = [p for p in periods if p in years or (keep_quarters and p in quarters
                                                   and p[:4] in years)]  # fmt: skip
    plan = {"year": sorted(years), "quarter": keep_quarters, "held_back":
            sorted({p[:4] for p in periods} - set(years)),
            "actor_groups": sorted(y for y in years if totals[y] < actor_groups_below)}  # fmt: skip
    return chosen, plan


def declared_plan(tables: list[Table], span: set[str], actor_groups_below: int) -> Plan:
    """The plan a bundle declares: what its tables hold, year by year (``schemas.wire.Plan``).

    Read from the tables themselves, so a year republished as last time is described as it
    stands, never as "frozen" (why a year was not revised could itself tell something)."""
    years = {t.period[:4] for t in tables}
    return Plan(
        years=tuple(sorted(years)),
        quarters=tuple(sorted({t.period[:4] for t in tables if len(t.period) > 4})),
        held_back=tuple(sorted(span - years)),
        actor_groups=tuple(sorted({t.period[:4] for t in tables
                                   if t.name in GROUPED_CROSS_TABLES})),  # fmt: skip
        actor_groups_below=actor_groups_below,
    )


def _span_ends(tables: list[Table]) -> set[tuple[str, str, tuple[str, ...]]]:
    """The totals of the first and last published period of each kind: each is known to hold
    a report, so hiding one never lets it reach 0 (a poor complement)."""
    periods = sorted({t.period for t in tables})
    ends: set[tuple[str, str, tuple[str, ...]]] = set()
    for kind in (4, 7):  # years, quarters
        ps = [p for p in periods if len(p) == kind and (kind == 4 or p[5] == "Q")]
        ends |= {("total", p, ()) for p in (ps[:1] + ps[-1:])}
    return ends


def _republished(f: Any, frozen: set[str]) -> bool:
    """A finding in a year republished unchanged: that year's tables are the last bundle's,
    byte for byte, so whatever the finding shows the ledger already showed (only the span of
    published periods links years, and a longer span only loosens). A ledger from a release
    whose audit was weaker may hold such a cell; ``lexheller node audit`` reports it."""
    return f.period[:4] in frozen


def protect_exact(store: NodeStore, counted: list[Any], k: int, make: Any,
                  rounds: int = 12) -> tuple[list[Table], int, int]:  # fmt: skip
    """Protect `counted` so that the exact model of the whole ledger plus this bundle passes.

    Cells the exact model pins get complements (``node.suppression.mend``); a year whose
    revision still leaks (its difference to the last version isolates newcomers) is published
    as it was last time, unchanged (revised later, in a batch), and a new year that cannot be
    protected is held back.
    """
    earlier = ledger_bundles(store)
    last = {(t.name, t.period): t for t in earlier[-1].tables} if earlier else {}
    previous = list(last.values())
    protection = protect(counted, k, previous=previous or None, lp=MARGINS_LP)
    tables = protection.tables
    frozen: set[str] = set()
    robust: set[tuple] = set()  # quantities shown to reach both ends: hiding more keeps them so
    baseline: set[tuple] | None = None
    for _ in range(rounds + 20):
        model = ExactModel(k)
        candidate = make(tables)
        model.add_node(candidate.node.id, [*earlier, candidate])
        report = model.audit(integer_seconds=0, skip=robust, extremes=False)
        robust |= {b.ident for b in report.bounds if b.reaches_both(k)}
        found = [f for f in report.findings if f.sequence == candidate.sequence]
        older = [f for f in report.findings if f.sequence != candidate.sequence]
        if older:  # an earlier bundle's cell pinned by this one (not already by the ledger)
            if baseline is None:
                alone = ExactModel(k)
                alone.add_node(candidate.node.id, earlier)
                baseline = {f.ident for f in alone.audit(integer_seconds=0, extremes=False).findings}
            found += [f for f in older if f.ident not in baseline]
        found = [f for f in found if not _republished(f, frozen)]
        if not found:
            hidden = sum(v is None for t in tables for _, v in t.cells)
            return tables, protection.primary, hidden - protection.primary
        cells = {(f.table, f.period, f.key) for f in found if f.kind == "cell"
                 and f.period[:4] not in frozen}  # fmt: skip
        if cells and rounds > 0:
            rounds -= 1
            pins = {}
            pinned_by = model.pins([f for f in found if f.kind == "cell"])
            for f in found:
                if f.kind == "cell":
                    end = "high" if f.high < k - 1e-6 else "low"
                    pins[(f.table, f.period, f.key)] = (end, [
                        (t, p, key) for (_, seq, t, p, key) in pinned_by.get(f.ident, [])
                        if seq == candidate.sequence])  # fmt: skip
            live = [(c, t) for c, t in zip(counted, tables, strict=True) if t.period[:4] not in frozen]
            mended = iter(mend([c for c, _ in live], [t for _, t in live], cells, k, pins,
                               _span_ends(tables)))
            tables = [next(mended) if t.period[:4] not in frozen else t for t in tables]
            continue
        years = {f.period[:4] for f in found} - frozen
        if not years:
            raise UsageError.of("err_publish_stopped_frozen")
        frozen |= years
        robust = set()  # the tables change as a whole now, not only by hiding more
        kept = [t for t in tables if t.period[:4] not in years]
        old = [t for (name, p), t in last.items() if p[:4] in years]
        tables = kept + old
        counted = [c for c in counted if c.period[:4] not in years] + [None] * len(old)
        if not tables:
            raise UsageError.of("err_publish_stopped_no_year")
    raise UsageError.of("err_publish_stopped_converge")


def build(
    store: NodeStore, config: Config, key: Ed25519PrivateKey, now: datetime | None = None
) -> Publication:
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    k = int(config["disclosure"]["k"])
    if k < 1:
        raise UsageError.of("err_publish_k")
    frame = store.aggregation_frame()
    if frame.height == 0:
        raise UsageError.of("err_publish_no_reports")
    below = int(config["publish"]["actor_groups_below"])
    periods, plan = plan_periods(frame, tuple(config["publish"]["granularity"]), k, below)
    if not periods:
        raise UsageError.of("err_publish_no_year", k=k)
    counted = count_tables(frame, periods, actor_groups=plan["actor_groups"])
    span = {p[:4] for p in periods_of(frame, ("year",))}
    figures = tuple(workflow_figures(store, k, [p for p in periods if len(p) == 4]))
    method = (f"{METHOD}; plan: years {','.join(plan['year'])}, quarters "
              f"{'yes' if plan['quarter'] else 'no'}")  # fmt: skip

    with store.cursor() as cur:  # the trail's head, anchored in the hub's log (issue 16)
        audit_trail.ensure_schema(cur)
        audit_trail.seal(cur)
        trail_head = tuple(sorted(audit_trail.head(cur).items()))

    def make(tables: list[Table]) -> Bundle:
        return Bundle(
            node=node_info(config),
            sequence=store.last_sequence() + 1,
            created=now,
            expires=now + timedelta(days=int(config["publish"]["expires_days"])),
            taxonomy=CURRENT_VERSION,
            k=k,
            method=method,
            synthetic=bool(config["node"]["synthetic"]),
            tables=tuple(tables),
            figures=figures,
            trail_head=trail_head,
            plan=declared_plan(tables, span, below),
        )

    tables, n_primary, n_complementary = protect_exact(store, list(counted), k, make)
    bundle = make(tables)
    protection = Protection(tables, n_primary, n_complementary)
    envelope = sign(PAYLOAD_TYPE_AGGREGATES, bundle.to_bytes(), [key]).to_bytes()
    to = recipients(config)
    counts = as_published(store, bundle, exact_counts(counted)) if to else None
    shares = (
        make_shares(key, bundle, bundle_digest(envelope), counts, to, now) if counts else None
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
        share_counts=counts if shares else None,
    )


def as_published(store: NodeStore, bundle: Bundle,
                 exact: dict[tuple[str, str, tuple[str, ...]], int],
                 ) -> dict[tuple[str, str, tuple[str, ...]], int] | None:  # fmt: skip
    """The exact counts the share envelope of `bundle` is made from: today's, except for a
    table the bundle republishes unchanged from an earlier version (``protect_exact`` freezes
    a year whose revision would leak) — its published cells no longer match today's counts,
    so the shares of every table of that year are made from the counts of the newest envelope
    that carried it (kept by ``record_shares``), which made those very tables. None when no
    such counts were kept (a ledger older than this): the bundle is then published without
    shares, and the aggregators leave the node out of that period's batch (shown in the
    coverage), rather than the node not publishing at all."""
    stale = {t.period[:4] for t in bundle.tables
             if any(v is not None and v != exact.get((t.name, t.period, k), 0) for k, v in t.cells)}
    out = dict(exact)
    for t in bundle.tables:
        if t.period[:4] not in stale:  # a year republished unchanged: every table of it
            continue
        kept = store.share_counts(t.name, t.period)
        if kept is None:
            return None
        for k, _ in t.cells:
            out[(t.name, t.period, k)] = kept.get(k, 0)
    return out


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
        raise UsageError.of("err_publish_no_target")
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
        store.record_shares(pub.sequence, pub.digest, pub.shares, hub_url, now or datetime.now(UTC),
                            pub.share_counts)  # fmt: skip
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
