"""Protection of aggregate releases: the gate rule, the complementary step and the joint audit.

Pure: no files, sockets or MPC. The engine (``aggregator.mpc``) evaluates `GatePolicy` on
secret shares and opens only the gate bits; everything here then works on *public* data —
every node bundle ever published, every release ever made, the batch's member list — and, for
the joint audit, on the candidate values the engine opened for the cells `plan_release` chose.

The steps, for one batch (a period and a group: ``national`` or a region):

1. gate (in MPC, `GatePolicy`): a cell may be released only when its total is at least k and
   its *hidden* part — what members suppressed in their own bundles — is either empty or spread
   over at least ``min_hidden`` förbund and at least k reports;
2. `plan_release`: the complementary step on the aggregate tables. Relations every reader
   knows (one-valued tables sum to ``total``, cross tables sum to ``aktor``, four quarters sum
   to their year, regions sum to the nation, earlier releases) must never leave a withheld
   cell as the only unknown of a relation; another released cell that some member hid (so
   its value is not public) is withheld with it. Uses public data only, never values;
3. `audit_release`: the joint audit. The exact model of ``common.disclosure.exact`` gets every
   node bundle, every earlier exact release and the candidate; any node cell it pins into
   1..k−1 makes this function name candidate cells to withhold. The engine withholds them and
   asks again until nothing is named (`settle` runs that loop for callers without MPC).

A cell is a `CellRef`: ``(group_id, period, table, key)``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from schemas.release import Release
from schemas.wire import Bundle

CellRef = tuple[str, str, str, tuple[str, ...]]
"""An aggregate cell: (group_id, period, table, key)."""

LEVELS = ("national", "regional")

# The linear facts of the shared data model that also hold for sums over förbund (each is
# linear, so it holds for a sum when it holds for every term). Equalities only: they are what
# can pin a withheld aggregate exactly; the joint audit checks everything else.
_ONE_VALUED = ("problemtyp", "niva", "organisation", "status")
_CROSS = {"problemtyp_x_aktor": 1, "aktor_x_niva": 0}  # table -> position of the aktor code


# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class GatePolicy:
    """When an aggregate cell may be opened at all. The engine evaluates exactly `passes`.

    ``total`` = T (the exact sum over the batch's members), ``hidden_sum`` = R (the part the
    members hid in their bundles), ``hidden_count`` = H (how many members hid the cell). Rule: T ≥ k and (H = 0 or H ≥ min_hidden) and (R = 0 or R ≥ k).
    """

    k: int
    min_hidden: int = 3

    def __post_init__(self) -> None:
        if self.k < 1 or self.min_hidden < 1:
            raise ValueError("GatePolicy: k and min_hidden must be at least 1")

    def passes(self, total: int, hidden_sum: int, hidden_count: int) -> bool:
        return (
            total >= self.k
            and (hidden_count == 0 or hidden_count >= self.min_hidden)
            and (hidden_sum == 0 or hidden_sum >= self.k)
        )

    def forbund_shown(self, forbund: int) -> bool:
        """"In how many förbund" is opened only when it is itself at least k."""
        return forbund >= self.k


@dataclass(frozen=True)
class BatchInfo:
    group_id: str
    level: str  # "national" | "regional"
    period: str
    revision: int
    members: tuple[str, ...]
    sequences: tuple[tuple[str, int], ...] = ()
    """Per member, the sequence of the bundle the batch's signed list names (node id,
    sequence); a member not listed here is summed at its newest bundle of the period."""

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"BatchInfo.level must be one of {LEVELS}, not {self.level!r}")
        if self.revision < 1:
            raise ValueError("BatchInfo.revision starts at 1")
        if len(set(self.members)) != len(self.members):
            raise ValueError("BatchInfo.members lists a node twice")


@dataclass(frozen=True)
class PublicData:
    """What everybody may know: every bundle of every node (oldest first), every release
    made so far, and which nodes make up each group."""

    bundles: Mapping[str, Sequence[Bundle]]
    releases: Sequence[Release] = ()
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def latest_tables(self, node_id: str, period: str, sequence: int | None = None,
                      ) -> dict[str, dict[tuple[str, ...], int | None]]:  # fmt: skip
        """The node's newest published tables for `period`: table → key → value (None = hidden).

        With `sequence` (the bundle a batch's member list names), the newest bundle up to that
        sequence: a node that republished after the cut-off is summed at the state it had."""
        for bundle in reversed(self.bundles.get(node_id, ())):
            if sequence is not None and bundle.sequence > sequence:
                continue
            found = {t.name: dict(t.cells) for t in bundle.tables if t.period == period}
            if found:
                return found
        return {}


@dataclass(frozen=True)
class PublicCell:
    """What the public knows of one aggregate cell: the published part and who hid it."""

    published: int
    hidden_by: tuple[str, ...]

    @property
    def known(self) -> bool:
        return not self.hidden_by


@dataclass(frozen=True)
class Finding:
    """A node quantity the exact model pins into 1..k−1: a cell, or the difference of a cell
    between two of the node's versions (``kind == "difference"``)."""

    node_id: str
    table: str
    period: str
    key: tuple[str, ...]
    low: float
    high: float
    kind: str = "cell"
    sequence: int = 0

    @property
    def ident(self) -> tuple[Any, ...]:
        return (self.node_id, self.table, self.period, self.key, self.kind, self.sequence)


@dataclass(frozen=True)
class AuditOutcome:
    """The joint audit's verdict on a candidate. Empty `withhold` = the candidate passes.

    `findings` are the node cells the exact model pinned into 1..k−1 with the candidate;
    `preexisting` those it pins without any release of this batch (a node's own bundles
    already disclose them — reported, but no aggregate cell can mend that).
    """

    withhold: frozenset[CellRef]
    findings: tuple[Finding, ...]
    preexisting: tuple[Finding, ...] = ()
    seconds: float = 0.0
    baseline: frozenset[tuple[Any, ...]] | None = None  # findings without the candidate

    @property
    def passes(self) -> bool:
        return not self.withhold


# --------------------------------------------------------------------------- public facts


def public_cells(batch: BatchInfo, public: PublicData) -> dict[CellRef, PublicCell]:
    """Every cell of the batch with its published part and the members that hid it, each
    member at the bundle the batch names (`BatchInfo.sequences`).

    A member without a table for the period contributes nothing to it (its shares are zero).
    """
    published: dict[CellRef, int] = defaultdict(int)
    hidden: dict[CellRef, list[str]] = defaultdict(list)
    at = dict(batch.sequences)
    for node in batch.members:
        for table, cells in public.latest_tables(node, batch.period, at.get(node)).items():
            for key, value in cells.items():
                ref = (batch.group_id, batch.period, table, key)
                published[ref] += value or 0
                if value is None:
                    hidden[ref].append(node)
    return {
        ref: PublicCell(published[ref], tuple(hidden.get(ref, ())))
        for ref in sorted(published, key=_order)
    }


def _order(ref: CellRef) -> tuple[Any, ...]:
    return (ref[0], ref[1], ref[2], ref[3])


def _period_relations(group: str, period: str, cells: Iterable[CellRef]) -> list[list[CellRef]]:
    """Sums within one group and period: each relation lists all its cells (parts and whole)."""
    by_table: dict[str, list[CellRef]] = defaultdict(list)
    for ref in cells:
        by_table[ref[2]].append(ref)
    out: list[list[CellRef]] = []
    total = (group, period, "total", ())
    for table in _ONE_VALUED:
        if by_table.get(table) and by_table.get("total"):
            out.append([*by_table[table], total])
    for table, pos in _CROSS.items():
        rows: dict[str, list[CellRef]] = defaultdict(list)
        for ref in by_table.get(table, ()):
            rows[ref[3][pos]].append(ref)
        for actor, parts in sorted(rows.items()):
            whole = (group, period, "aktor", (actor,))
            if whole in set(by_table.get("aktor", ())):
                out.append([*parts, whole])
    return out


def _subperiods(period: str) -> list[str]:
    return [f"{period}-Q{q}" for q in range(1, 5)] if len(period) == 4 else []


def _parent(period: str) -> str | None:
    return period[:4] if len(period) == 7 and period[5] == "Q" else None


def _latest_releases(public: PublicData) -> dict[tuple[str, str], Release]:
    latest: dict[tuple[str, str], Release] = {}
    for r in public.releases:
        key = (r.group.id, r.period)
        if key not in latest or r.revision > latest[key].revision:
            latest[key] = r
    return latest


# --------------------------------------------------------------------------- plan


def plan_release(
    batch: BatchInfo, gates: Mapping[CellRef, bool], public: PublicData
) -> set[CellRef]:
    """The cells to open: those whose gate passed, less complements, plus cells already public.

    A cell no member hid is public already (its total is the sum of published values) and is
    always chosen. For the others the gate decides, then the complementary step: in every
    relation a withheld cell is never the only unknown — if it would be, the released cell of
    the relation with the most members hiding it (its value is the least known) is withheld
    too, until nothing changes. Relations reach earlier releases of the same member set
    (quarters ↔ year) and of the regions that partition a national batch (or the nation and
    sibling regions of a regional one). Uses only public data and the gate bits.
    """
    info = public_cells(batch, public)
    refs = [r for r in gates if r[0] == batch.group_id and r[1] == batch.period]
    unknown_refs = set(refs) - set(info)
    if unknown_refs:
        raise ValueError(
            f"plan_release: gates for cells no member published: {sorted(unknown_refs)[:3]}"
        )
    released = {r for r in info if info[r].known or gates.get(r, False)}
    protected = {r for r in info if not info[r].known and not gates.get(r, False)}

    constants, outside_protected, relations = _context(batch, info, public)
    known_outside = set(constants)

    changed = True
    while changed:
        changed = False
        for rel in relations:
            unknown = [
                r for r in rel
                if r not in known_outside and not (r in info and (r in released or info[r].known))
            ]  # fmt: skip
            if len(unknown) != 1:
                continue
            (only,) = unknown
            if only not in protected and only not in outside_protected:
                continue
            choices = [r for r in rel if r in released and r in info and not info[r].known]
            if not choices:
                continue  # nothing of this batch can help; the joint audit decides
            best = max(choices, key=lambda r: (len(info[r].hidden_by), _neg_order(r)))
            released.discard(best)
            protected.add(best)
            changed = True
    return released


def _neg_order(ref: CellRef) -> tuple[Any, ...]:
    # max() with ties broken by the first cell in table order
    return tuple(-ord(ch) for ch in f"{ref[2]}\0{'|'.join(ref[3])}")


def _context(
    batch: BatchInfo, info: Mapping[CellRef, PublicCell], public: PublicData
) -> tuple[dict[CellRef, int], set[CellRef], list[list[CellRef]]]:
    """Relations reaching outside the batch, with what earlier releases fixed or withheld."""
    g, p = batch.group_id, batch.period
    relations = _period_relations(g, p, info)
    constants: dict[CellRef, int] = {}
    outside_protected: set[CellRef] = set()
    latest = _latest_releases(public)
    members = set(batch.members)

    def take(rel: Release, as_group: str) -> dict[tuple[str, tuple[str, ...]], int]:
        vals = {(c.table, c.key): c.value for c in rel.cells if c.exact}
        for table, key in {(r[2], r[3]) for r in info}:
            ref = (as_group, rel.period, table, key)
            if (table, key) in vals:
                constants[ref] = vals[(table, key)]
            else:
                outside_protected.add(ref)
        return vals

    # quarters ↔ year, same group and same members
    linked_periods = [*_subperiods(p), *([q] if (q := _parent(p)) else [])]
    for other in linked_periods:
        rel = latest.get((g, other))
        if rel is not None and set(rel.group.nodes) == members:
            take(rel, g)
    year = p if len(p) == 4 else _parent(p)
    if year is not None:
        quarters = _subperiods(year)
        for table, key in {(r[2], r[3]) for r in info}:
            whole = (g, year, table, key)
            parts = [(g, q, table, key) for q in quarters]
            cells = [*parts, whole]
            if all(c in info or c in constants or c in outside_protected for c in cells):
                relations.append(cells)

    # regions ↔ nation for the same period
    regional = [r for (grp, per), r in latest.items() if per == p and r.group.level == "regional"]
    national = [r for (grp, per), r in latest.items() if per == p and r.group.level == "national"]
    if batch.level == "national":
        parts_of = [r for r in regional if set(r.group.nodes) <= members]
        covered = [n for r in parts_of for n in r.group.nodes]
        if parts_of and len(covered) == len(set(covered)) and set(covered) == members:
            for r in parts_of:
                take(r, r.group.id)
            for table, key in {(c[2], c[3]) for c in info}:
                relations.append([*((r.group.id, p, table, key) for r in parts_of), (g, p, table, key)])
    else:
        for nat in national:
            siblings = [r for r in regional if r.group.id != g]
            covered = [n for r in siblings for n in r.group.nodes] + list(members)
            if len(covered) == len(set(covered)) and set(covered) == set(nat.group.nodes):
                take(nat, nat.group.id)
                for r in siblings:
                    take(r, r.group.id)
                for table, key in {(c[2], c[3]) for c in info}:
                    relations.append(
                        [(g, p, table, key), *((r.group.id, p, table, key) for r in siblings),
                         (nat.group.id, p, table, key)]
                    )  # fmt: skip
    return constants, outside_protected, relations


# --------------------------------------------------------------------------- audit


ModelFactory = Callable[[int], Any]


def _exact_model(k: int) -> Any:
    from common.disclosure.exact import ExactModel  # the disclosure helper's model

    return ExactModel(k)


def _k_of(public: PublicData, policy: GatePolicy | None) -> int:
    ks = [b.k for bundles in public.bundles.values() for b in bundles]
    return max([*ks, *([policy.k] if policy else [])], default=3)


def release_id(release: Release) -> str:
    return f"{release.group.id}/{release.period}/r{release.revision}"


def _state_at(public: PublicData, rel: Release) -> dict[str, int]:
    """The bundle (sequence) of each member a release summed: its newest one created before
    the release. A later revision of a node must not be tied to an older release's sum."""
    at = {}
    for node in rel.group.nodes:
        seqs = [b.sequence for b in public.bundles.get(node, ()) if b.created <= rel.created]
        if seqs:
            at[node] = max(seqs)
    return at


def _model(public: PublicData, k: int, factory: ModelFactory) -> Any:
    model = factory(k)
    for node_id, bundles in sorted(public.bundles.items()):
        model.add_node(node_id, list(bundles))
    for rel in public.releases:
        if rel.approximate:
            continue  # noisy figures are no linear fact an attacker can use exactly
        at = _state_at(public, rel)
        for c in rel.cells:
            if c.exact:
                model.add_release(release_id(rel), rel.group.nodes, c.table, rel.period, c.key,
                                  c.value, at=at)  # fmt: skip
    return model


def _findings(result: Any) -> tuple[Finding, ...]:
    return tuple(
        Finding(f.node_id, f.table, f.period, tuple(f.key), float(f.low), float(f.high),
                getattr(f, "kind", "cell"), int(getattr(f, "sequence", 0)))  # fmt: skip
        for f in result.findings
    )


class _Baseline(frozenset):
    """Findings without the candidate, among the quantities `asked` about (the rest unknown)."""

    asked: frozenset

    def __new__(cls, found: frozenset, asked: frozenset) -> _Baseline:
        obj = super().__new__(cls, found)
        obj.asked = asked
        return obj


AUDIT = {"integer_seconds": 0.0, "extremes": False}
"""How the joint audit bounds: by the same standard as a node's own publishing
(``node.publish``): LP verdicts, settled by tables consistent with everything published."""


def baseline_findings(
    public: PublicData, *, policy: GatePolicy | None = None,
    model_factory: ModelFactory | None = None, only: frozenset[tuple[Any, ...]] | None = None,
) -> frozenset[tuple[Any, ...]]:  # fmt: skip
    """What the exact model finds with the bundles and earlier releases alone (`only`: of
    these quantities)."""
    model = _model(public, _k_of(public, policy), model_factory or _exact_model)
    asked = None if only is None else {(n, seq, t, p, key, kind) for n, t, p, key, kind, seq in only}
    return frozenset(f.ident for f in _findings(model.audit(**AUDIT, only=asked)))


def audit_release(
    batch: BatchInfo,
    values: Mapping[CellRef, int],
    public: PublicData,
    *,
    policy: GatePolicy | None = None,
    escalate: bool = False,
    model_factory: ModelFactory | None = None,
    baseline: frozenset[tuple[Any, ...]] | None = None,
) -> AuditOutcome:
    """The joint audit of a candidate release: every bundle, every release, and `values`.

    For each node cell the exact model pins into 1..k−1, candidate cells are named to withhold:
    the same cell if it is in the candidate; else one related cell (same period, sharing a
    code, or a total) — the one most members hid; with ``escalate`` all related cells; and
    if none is left in the period, every candidate cell of the same year. A finding that
    the model also makes without this candidate is *preexisting*: it is reported and no
    aggregate cell is withheld for it.
    """
    started = time.perf_counter()
    factory = model_factory or _exact_model
    k = _k_of(public, policy)
    model = _model(public, k, factory)
    rid = f"{batch.group_id}/{batch.period}/r{batch.revision}/candidate"
    for (group, period, table, key), value in sorted(values.items(), key=lambda kv: _order(kv[0])):
        if group != batch.group_id or period != batch.period:
            raise ValueError(f"audit_release: cell {(group, period, table, key)} is not in this batch")
        model.add_release(rid, batch.members, table, period, key, value)
    # only the parts of the program the candidate touches can change (``focus``)
    findings = _findings(model.audit(**AUDIT, focus=rid))
    if not findings:
        return AuditOutcome(frozenset(), (), (), time.perf_counter() - started)
    seen = frozenset(f.ident for f in findings)
    if baseline is None or (isinstance(baseline, _Baseline) and not seen <= baseline.asked):
        asked = seen | (baseline.asked if isinstance(baseline, _Baseline) else frozenset())
        found = baseline_findings(public, policy=policy, model_factory=factory, only=asked)
        baseline = _Baseline(found, asked)
    pre = tuple(f for f in findings if f.ident in baseline)
    new = [f for f in findings if f.ident not in baseline]
    info = public_cells(batch, public)
    pinned = {} if escalate else _pinning_candidates(model, new, rid, batch, values)
    withhold = _cover({f.ident: pinned[f.ident] for f in new if pinned.get(f.ident)})
    for f in new:
        if not pinned.get(f.ident):
            withhold |= _to_withhold(f, batch, values, info, escalate)
    if new and not withhold:
        withhold = set(values)  # cannot place the cause: release nothing rather than guess
    return AuditOutcome(frozenset(withhold), tuple(new), pre, time.perf_counter() - started,
                        baseline)  # fmt: skip


def _pinning_candidates(
    model: Any, findings: Sequence[Finding], rid: str, batch: BatchInfo,
    values: Mapping[CellRef, int],
) -> dict[tuple[Any, ...], set[CellRef]]:  # fmt: skip
    """For each finding, the candidate cells whose released value pins it: the release rows
    with a non-zero dual value in the program of the end that discloses (as a node's own
    suppression picks the cells to hide). Withholding them is what widens the range."""
    from common.disclosure.exact import RELEASE, Bound

    pins = getattr(model, "pins", None)
    if pins is None:
        return {}
    asked = [Bound(f.node_id, f.table, f.period, f.key, f.low, f.high, f.sequence, f.kind)
             for f in findings]  # fmt: skip
    pinned = pins(asked)
    out: dict[tuple[Any, ...], set[CellRef]] = {}
    for f, b in zip(findings, asked, strict=True):
        cells = pinned.get(b.ident, ())
        refs = {(batch.group_id, c[3], c[2], tuple(c[4])) for c in cells
                if c[0] == RELEASE and c[1] == rid}  # fmt: skip
        out[f.ident] = {r for r in refs if r in values}
    return out


def _cover(pinned: Mapping[tuple[Any, ...], set[CellRef]]) -> set[CellRef]:
    """Few cells that together touch every finding's pinning set (greedy set cover: the cell
    pinning the most findings first). The next round's audit shows whether that was enough."""
    left = {f: set(refs) for f, refs in pinned.items() if refs}
    chosen: set[CellRef] = set()
    while left:
        counts: dict[CellRef, int] = defaultdict(int)
        for refs in left.values():
            for r in refs:
                counts[r] += 1
        best = max(counts, key=lambda r: (counts[r], _neg_order(r)))
        chosen.add(best)
        left = {f: refs for f, refs in left.items() if best not in refs}
    return chosen


def _related(table: str, key: tuple[str, ...], other_table: str, other_key: tuple[str, ...]) -> bool:
    return (
        (table == other_table)
        or not key
        or not other_key
        or bool(set(key) & set(other_key))
    )


def _to_withhold(
    f: Finding,
    batch: BatchInfo,
    values: Mapping[CellRef, int],
    info: Mapping[CellRef, PublicCell],
    escalate: bool,
) -> set[CellRef]:
    same = (batch.group_id, f.period, f.table, f.key)
    if same in values:
        return {same}
    year = f.period[:4]
    in_period = [r for r in values if r[1] == f.period and _related(f.table, f.key, r[2], r[3])]
    if not in_period:
        in_period = [r for r in values if r[1][:4] == year and _related(f.table, f.key, r[2], r[3])]
    if in_period:
        if escalate:
            return set(in_period)
        hidden = [r for r in in_period if r in info and not info[r].known]
        pool = hidden or in_period
        return {max(pool, key=lambda r: (len(info[r].hidden_by) if r in info else 0, _neg_order(r)))}
    return {r for r in values if r[1][:4] == year}


@dataclass(frozen=True)
class Settled:
    """The outcome of `settle`: the values to release and every audit round on the way."""

    values: dict[CellRef, int]
    rounds: tuple[AuditOutcome, ...]


def settle(
    batch: BatchInfo,
    values: Mapping[CellRef, int],
    public: PublicData,
    *,
    policy: GatePolicy | None = None,
    model_factory: ModelFactory | None = None,
    max_gentle_rounds: int = 4,
) -> Settled:
    """Audit, withhold what the audit names, repeat until it passes (the engine's step 4).

    After `max_gentle_rounds` rounds of one cell per finding, every related cell is withheld
    at once, so the loop ends: each round removes at least one cell, and an empty candidate
    always passes.
    """
    current = dict(values)
    rounds: list[AuditOutcome] = []
    baseline: frozenset[tuple[Any, ...]] | None = None
    while True:
        outcome = audit_release(
            batch, current, public, policy=policy, model_factory=model_factory,
            escalate=len(rounds) >= max_gentle_rounds, baseline=baseline,
        )  # fmt: skip
        rounds.append(outcome)
        if outcome.baseline is not None:
            baseline = outcome.baseline  # the same bundles and releases: compute it once
        if outcome.passes or not current:
            return Settled(current, tuple(rounds))
        for ref in outcome.withhold:
            current.pop(ref, None)


def clear_gates(
    batch: BatchInfo,
    exact: Mapping[str, Mapping[str, Mapping[tuple[str, ...], int]]],
    public: PublicData,
    policy: GatePolicy,
) -> tuple[dict[CellRef, bool], dict[CellRef, int], dict[CellRef, int]]:
    """The gate, totals and förbund counts computed in the clear from exact node tables.

    `exact` is node → table → key → true count for the batch's period. This is what the MPC
    computes on shares; tests, the benchmark and the two-aggregator fallback's reference use
    it. Returns (gates, totals, förbund counts) for every cell of the batch.
    """
    info = public_cells(batch, public)
    gates: dict[CellRef, bool] = {}
    totals: dict[CellRef, int] = {}
    forbund: dict[CellRef, int] = {}
    for ref, cell in info.items():
        _, _, table, key = ref
        true = [exact.get(n, {}).get(table, {}).get(key, 0) for n in batch.members]
        residual = sum(exact.get(n, {}).get(table, {}).get(key, 0) for n in cell.hidden_by)
        total = cell.published + residual
        if total != sum(true):
            raise ValueError(f"clear_gates: exact tables disagree with the published ones at {ref}")
        gates[ref] = policy.passes(total, residual, len(cell.hidden_by))
        totals[ref] = total
        forbund[ref] = sum(1 for v in true if v > 0)
    return gates, totals, forbund
