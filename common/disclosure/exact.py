"""The attacker's exact model of everything published, and its audit.

An attacker holds every bundle each node ever published (all revisions, oldest first), the
exact aggregates hubs released over several nodes, and the public data model
(``common.disclosure.model``). ``ExactModel`` writes all of it as one integer program over the
hidden counts and asks, for every suppressed cell and every difference between two versions
of a cell, the smallest and largest value that is consistent with all of it.

What the model knows (each a fact of how the software behaves; tests check each against real
node data):

* every table is a linear image of ``(w, z, o, s)`` per base period (see ``model``);
* a year (quarter) is the *sum* of its quarters (months): periods run from the first report
  to the last, so a quarter outside the published span holds nothing;
* the first and the last published period of each kind hold at least one report;
* counts are non-negative integers;
* between two versions of a node, for every period published in both: no report leaves it
  (counts by organisation never decrease, since a report's date and organisation never
  change), a report's status moves only along the allowed moves (any number of them), and a
  classified report never becomes unclassified; reports that arrive late may have anything;
* a hub's exact release: the sum over its nodes of one cell equals the value.

A cell *discloses* (a ``Finding``) when its integer range is narrower than the rule allows:
a suppressed count must either reach both 0 and k, or be at least k, or be known to be 0. The
difference between two versions of a cell (the newcomers and the changes since) is treated as
published: its range must contain 0 and reach k or -k, or lie at k or beyond, or be exactly 0.
A published cell in 1..k-1 is a finding too.

Bounds come from linear programs (HiGHS through SciPy) on each connected component; a bound
that passes only by a fractional point is checked with ``scipy.optimize.milp`` when the
component is small enough (``MILP_LIMIT`` variables). Published zeros are substituted before
solving (a cell of 0 fixes every count in it to 0), which keeps the programs small.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.optimize._highspy import _core as _highs  # the HiGHS bindings linprog uses
from scipy.sparse.csgraph import connected_components

from common.disclosure.model import TABLES, codes, contains, kind_of, reachable, subperiods
from schemas.wire import UNCLASSIFIED, Bundle

TOL = 1e-6
MILP_LIMIT = 4000
"""Largest component (variables) on which a fractional LP bound is replaced by the MILP's."""

MILP_SECONDS = 5.0
"""Time limit of one integer program; past it the LP bound (still sound) is kept."""

_KIND_ORDER = ("year", "quarter", "month")


@dataclass(frozen=True)
class Bound:
    """The integer range of one audited quantity: a node's cell in one version, or the
    difference of a cell between a version and the one before (``kind == "difference"``)."""

    node_id: str
    table: str
    period: str
    key: tuple[str, ...]
    low: float
    high: float
    sequence: int = 0
    kind: str = "cell"


Finding = Bound
"""A bound that discloses (same fields)."""


@dataclass
class ExactAudit:
    k: int
    bounds: list[Bound] = field(default_factory=list)
    findings: list[Bound] = field(default_factory=list)
    variables: int = 0
    components: int = 0
    integer_programs: int = 0
    lp_only: int = 0  # verdicts resting on a fractional point, left to the LP (time ran out)

    @property
    def ok(self) -> bool:
        return not self.findings


def cell_discloses(low: float, high: float, k: int) -> bool:
    """A non-negative count known to lie in [low, high]: may it be recognised as 1..k-1?"""
    if k <= 1:
        return False
    lo = math.ceil(low - TOL)
    hi = math.inf if high == math.inf else math.floor(high + TOL)
    if hi <= 0 or lo >= k:
        return False  # known zero, or known to be at least k
    return not (lo <= 0 and hi >= k)


def difference_discloses(low: float, high: float, k: int) -> bool:
    """A change between versions known to lie in [low, high]: does it isolate 1..k-1 reports?"""
    if k <= 1:
        return False
    lo = -math.inf if low == -math.inf else math.ceil(low - TOL)
    hi = math.inf if high == math.inf else math.floor(high + TOL)
    if (lo == 0 and hi == 0) or lo >= k or hi <= -k:
        return False
    return not (lo <= 0 <= hi and (hi >= k or lo <= -k))


# --------------------------------------------------------------------------- the variables


class _Vars:
    """Columns of the program: bounds, and which are known to be zero."""

    def __init__(self) -> None:
        self.n = 0
        self.upper: list[np.ndarray] = []

    def add(self, shape: tuple[int, ...]) -> np.ndarray:
        size = int(np.prod(shape))
        idx = np.arange(self.n, self.n + size).reshape(shape)
        self.n += size
        return idx


@dataclass
class _Block:
    """The hidden counts of one base period of one version of one node."""

    period: str
    w: np.ndarray  # [p, n]
    z: np.ndarray  # [p, n, a]
    o: np.ndarray  # [org]
    s: np.ndarray  # [status]


class _Codes:
    def __init__(self, taxonomy: str) -> None:
        self.dims = {d: codes(d, taxonomy) for d in
                     ("problemtyp", "niva", "aktor", "organisation", "status")}  # fmt: skip
        self.index = {d: {c: i for i, c in enumerate(v)} for d, v in self.dims.items()}
        from common.disclosure.model import ACTOR_GROUPS

        ai = self.index["aktor"]
        self.groups = {g: [ai[a] for a in members if a in ai] for g, members in ACTOR_GROUPS.items()}

    def at(self, dim: str, code: str) -> int | list[int]:
        if dim == "aktorgrupp":
            if code not in self.groups:
                raise ValueError(f"aktorgrupp: unknown group {code!r}")
            return self.groups[code]
        try:
            return self.index[dim][code]
        except KeyError:
            raise ValueError(f"{dim}: unknown code {code!r}") from None


def _cell_vars(block: _Block, cds: _Codes, name: str, key: tuple[str, ...]) -> np.ndarray:
    """The columns whose sum is cell `key` of table `name` in this base period."""
    dims = TABLES[name]
    if len(key) != len(dims):
        raise ValueError(f"table {name}: key {key!r} does not match dims {dims}")
    at = {d: cds.at(d, c) for d, c in zip(dims, key, strict=True)}
    if name == "total":
        return block.w.ravel()
    if name == "organisation":
        return block.o[[at["organisation"]]]
    if name == "status":
        return block.s[[at["status"]]]
    if name in ("problemtyp", "niva"):
        p = at.get("problemtyp", slice(None))
        n = at.get("niva", slice(None))
        return block.w[p, n].ravel()
    p = at.get("problemtyp", slice(None))
    n = at.get("niva", slice(None))
    a = at.get("aktor", at.get("aktorgrupp"))
    a = [a] if isinstance(a, int) else a
    return block.z[p, n][..., a].ravel()


# --------------------------------------------------------------------------- one node


@dataclass
class _Version:
    sequence: int
    k: int
    tables: dict[tuple[str, str], dict[tuple[str, ...], int | None]]
    blocks: dict[str, _Block] = field(default_factory=dict)
    base_kind: dict[str, str] = field(default_factory=dict)  # year -> kind of its base periods
    zero_periods: set[str] = field(default_factory=set)


def _versions(bundles: Sequence[Bundle]) -> list[_Version]:
    out = []
    for b in bundles:
        tables: dict[tuple[str, str], dict[tuple[str, ...], int | None]] = {}
        for t in b.tables:
            if t.name not in TABLES:
                continue  # not part of the shared data model: nothing to relate it to
            if tuple(t.dims) != TABLES[t.name]:
                raise ValueError(f"table {t.name} has dims {t.dims}, expected {TABLES[t.name]}")
            tables[(t.name, t.period)] = {tuple(k): v for k, v in t.cells}
        out.append(_Version(b.sequence, b.k, tables))
    return out


# --------------------------------------------------------------------------- the model


@dataclass
class _Release:
    release_id: str
    nodes: tuple[str, ...]
    table: str
    period: str
    key: tuple[str, ...]
    value: int
    at: dict[str, int]


class ExactModel:
    """Everything published by some nodes (all versions) and released by hubs, as one program."""

    def __init__(self, k: int, taxonomy: str = "v1") -> None:
        if k < 1:
            raise ValueError("k must be at least 1")
        self.k = k
        self.codes = _Codes(taxonomy)
        self.nodes: dict[str, list[_Version]] = {}
        self.releases: list[_Release] = []

    def add_node(self, node_id: str, bundles: Sequence[Bundle]) -> None:
        """Every bundle the node ever published, oldest first (all revisions)."""
        seqs = [b.sequence for b in bundles]
        if seqs != sorted(seqs) or len(set(seqs)) != len(seqs):
            raise ValueError(f"node {node_id}: bundles must be given oldest first, once each")
        self.nodes[node_id] = _versions(bundles)

    def add_release(
        self, release_id: str, nodes: Sequence[str], table: str, period: str,
        key: tuple[str, ...], value: int, at: Mapping[str, int] | None = None,
    ) -> None:  # fmt: skip
        """An exact aggregate released by a hub: the sum over `nodes` of that cell == value.

        `at` names the bundle (sequence) whose state each node's part is, by default the
        node's latest bundle.
        """
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        missing = [n for n in nodes if n not in self.nodes]
        if missing:
            raise ValueError(f"release {release_id}: nodes not added: {missing}")
        self.releases.append(
            _Release(release_id, tuple(nodes), table, period, tuple(key), int(value), dict(at or {}))
        )

    # ------------------------------------------------------------------ building

    def _version_of(self, node: str, at: Mapping[str, int]) -> int:
        versions = self.nodes[node]
        if node not in at:
            return len(versions) - 1
        for i, v in enumerate(versions):
            if v.sequence == at[node]:
                return i
        raise ValueError(f"node {node} has no bundle with sequence {at[node]}")

    def _plan_bases(self) -> None:
        """Choose each (node, version, year)'s base period kind: the finest one used."""
        need: dict[tuple[str, int], set[str]] = defaultdict(set)
        for r in self.releases:
            for n in r.nodes:
                need[(n, self._version_of(n, r.at))].add(r.period)
        for node, versions in self.nodes.items():
            for i, v in enumerate(versions):
                periods = {p for (_, p) in v.tables} | need[(node, i)]
                for p in periods:
                    y = p[:4]
                    kind = kind_of(p)
                    old = v.base_kind.get(y, "year")
                    if _KIND_ORDER.index(kind) > _KIND_ORDER.index(old):
                        v.base_kind[y] = kind
                    else:
                        v.base_kind.setdefault(y, old)
                # periods outside the published span of their kind hold nothing
                published = {p for (_, p) in v.tables}
                for kind in ("quarter", "month"):
                    ps = sorted(p for p in published if kind_of(p) == kind)
                    if not ps:
                        continue
                    for y, base in v.base_kind.items():
                        if base != kind:
                            continue
                        for b in _bases_of_year(y, kind):
                            if b < ps[0] or b > ps[-1]:
                                v.zero_periods.add(b)

    def build(self) -> _Program:
        self._plan_bases()
        cds = self.codes
        shape = {d: len(v) for d, v in cds.dims.items()}
        vars_ = _Vars()
        prog = _Program(self.k)
        for versions in self.nodes.values():
            for v in versions:
                for y, kind in sorted(v.base_kind.items()):
                    for b in _bases_of_year(y, kind):
                        pn = (shape["problemtyp"], shape["niva"])
                        block = _Block(
                            b,
                            vars_.add(pn),
                            vars_.add((*pn, shape["aktor"])),
                            vars_.add((shape["organisation"],)),
                            vars_.add((shape["status"],)),
                        )
                        v.blocks[b] = block
        prog.n = vars_.n
        zero = np.zeros(vars_.n, dtype=bool)

        def cell(v: _Version, name: str, period: str, key: tuple[str, ...]) -> np.ndarray:
            parts = [_cell_vars(bl, cds, name, key) for b, bl in v.blocks.items()
                     if contains(period, b)]  # fmt: skip
            return np.concatenate(parts) if parts else np.zeros(0, dtype=int)

        for node, versions in self.nodes.items():
            for v in versions:
                for b in v.zero_periods:
                    bl = v.blocks.get(b)
                    if bl is not None:
                        zero[bl.w] = zero[bl.z] = zero[bl.o] = zero[bl.s] = True
                for bl in v.blocks.values():
                    ones = np.ones(1)
                    tot = bl.w.ravel()
                    prog.eq(np.concatenate([bl.o, tot]),
                            np.concatenate([np.ones(bl.o.size), -np.ones(tot.size)]), 0)
                    prog.eq(np.concatenate([bl.s, tot]),
                            np.concatenate([np.ones(bl.s.size), -np.ones(tot.size)]), 0)
                    for i in range(bl.w.shape[0]):
                        for j in range(bl.w.shape[1]):
                            zs = bl.z[i, j]
                            # every report names an actor: w <= sum_a z
                            prog.rows.append((np.concatenate([[bl.w[i, j]], zs]),
                                              np.concatenate([ones, -np.ones(zs.size)]),
                                              -math.inf, 0.0))  # fmt: skip
                            for a in zs:  # z <= w
                                prog.rows.append((np.array([a, bl.w[i, j]]), np.array([1.0, -1.0]),
                                                  -math.inf, 0.0))  # fmt: skip
                for (name, period), cells in v.tables.items():
                    for key, value in cells.items():
                        cols = cell(v, name, period, key)
                        if value is None:
                            prog.objectives.append((node, v.sequence, name, period, key, cols, None))
                        elif value == 0:
                            zero[cols] = True
                        else:
                            prog.eq(cols, np.ones(cols.size), value)
                            if 1 <= value <= self.k - 1:
                                prog.published_small.append(
                                    Bound(node, name, period, key, value, value, v.sequence))
                # the first and the last published period of each kind hold a report
                published = sorted({p for (_, p) in v.tables})
                for kind in _KIND_ORDER:
                    ps = [p for p in published if kind_of(p) == kind]
                    for p in {ps[0], ps[-1]} if ps else ():
                        cols = cell(v, "total", p, ())
                        prog.rows.append((cols, np.ones(cols.size), 1.0, math.inf))
            for older, newer in zip(versions, versions[1:], strict=False):
                self._link(prog, vars_, older, newer, node, cell)
        for r in self.releases:
            cols = [cell(self.nodes[n][self._version_of(n, r.at)], r.table, r.period, r.key)
                    for n in r.nodes]  # fmt: skip
            allc = np.concatenate(cols) if cols else np.zeros(0, dtype=int)
            prog.eq(allc, np.ones(allc.size), r.value)
        prog.n = vars_.n
        prog.zero = np.concatenate([zero, np.zeros(vars_.n - zero.size, dtype=bool)])
        prog.propagate_zeros(self.nodes)
        return prog

    def _link(self, prog: _Program, vars_: _Vars, older: _Version, newer: _Version,
              node: str, cell) -> None:  # fmt: skip
        """Invariants between two versions, for every period published in both."""
        cds = self.codes
        years = sorted(set(older.base_kind) & set(newer.base_kind))
        for y in years:
            if older.base_kind[y] == newer.base_kind[y]:
                links = _bases_of_year(y, newer.base_kind[y])
            else:
                links = [y]
            for L in links:
                def agg(v: _Version, name: str, key: tuple[str, ...], L: str = L) -> np.ndarray:
                    return cell(v, name, L, key)

                old_t, new_t = agg(older, "total", ()), agg(newer, "total", ())
                # organisation never changes and reports are never removed
                for org in cds.dims["organisation"]:
                    a, b = agg(older, "organisation", (org,)), agg(newer, "organisation", (org,))
                    prog.rows.append(_diff(b, a, 0.0, math.inf))
                # status flows along the allowed moves; newcomers may have any status
                sts = cds.dims["status"]
                flows: dict[tuple[str, str], int] = {}
                for s in sts:
                    for t in sorted(reachable(s)):
                        if t in sts:
                            flows[(s, t)] = int(vars_.add((1,))[0])
                news = {t: int(vars_.add((1,))[0]) for t in sts}
                for s in sts:
                    out = [f for (a, _), f in flows.items() if a == s]
                    col = agg(older, "status", (s,))
                    prog.eq(np.concatenate([out, col]),
                            np.concatenate([np.ones(len(out)), -np.ones(col.size)]), 0)
                for t in sts:
                    into = [f for (_, b), f in flows.items() if b == t] + [news[t]]
                    col = agg(newer, "status", (t,))
                    prog.eq(np.concatenate([into, col]),
                            np.concatenate([np.ones(len(into)), -np.ones(col.size)]), 0)
                # a classified report never becomes unclassified
                for name, key_of in (("problemtyp", lambda: (UNCLASSIFIED,)),
                                     ("niva", lambda: (UNCLASSIFIED,))):  # fmt: skip
                    a, b = agg(older, name, key_of()), agg(newer, name, key_of())
                    cols = np.concatenate([b, a, new_t, old_t])
                    coefs = np.concatenate([np.ones(b.size), -np.ones(a.size),
                                            -np.ones(new_t.size), np.ones(old_t.size)])  # fmt: skip
                    prog.rows.append((cols, coefs, -math.inf, 0.0))
        # differences of every cell published (or hidden) in both versions
        for (name, period), cells in newer.tables.items():
            before = older.tables.get((name, period))
            if before is None:
                continue
            for key, value in cells.items():
                if key not in before:
                    continue
                old = before[key]
                if value is not None and old is not None:
                    d = value - old
                    if difference_discloses(d, d, self.k):
                        prog.published_small.append(
                            Bound(node, name, period, key, d, d, newer.sequence, "difference"))
                    continue
                a, b = cell(older, name, period, key), cell(newer, name, period, key)
                cols = np.concatenate([b, a])
                coefs = np.concatenate([np.ones(b.size), -np.ones(a.size)])
                prog.diffs.append((node, newer.sequence, name, period, key, cols, coefs))

    # ------------------------------------------------------------------ audit

    def feasible(self) -> bool:
        """Is there an integer set of reports behind everything added (a self-check)?"""
        a, lo, hi, _ = self.build().matrix()
        if a.shape[0] == 0:
            return True
        res = milp(np.zeros(a.shape[1]), constraints=LinearConstraint(a, lo, hi),
                   integrality=np.ones(a.shape[1]), bounds=Bounds(0, np.inf))  # fmt: skip
        return bool(res.status == 0)

    def audit(self, integer_seconds: float = 30.0) -> ExactAudit:
        """Bound every suppressed cell and every difference between versions; find leaks.

        `integer_seconds` is the time allowed for integer programs where an LP bound rests on
        a fractional point; past it the LP's verdicts stand (counted in ``lp_only``).
        """
        return self.build().audit(integer_seconds)


def _bases_of_year(year: str, kind: str) -> list[str]:
    if kind == "year":
        return [year]
    quarters = subperiods(year)
    if kind == "quarter":
        return quarters
    return [m for q in quarters for m in subperiods(q)]


def _diff(b: np.ndarray, a: np.ndarray, lo: float, hi: float):
    return (np.concatenate([b, a]), np.concatenate([np.ones(b.size), -np.ones(a.size)]), lo, hi)


# --------------------------------------------------------------------------- the program


class _Program:
    """Rows ``lo <= sum coef * x <= hi`` over integer x >= 0, and what to bound."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.n = 0
        self.rows: list[tuple[np.ndarray, np.ndarray, float, float]] = []
        self.objectives: list[tuple] = []  # (node, seq, table, period, key, cols, None)
        self.diffs: list[tuple] = []  # (node, seq, table, period, key, cols, coefs)
        self.published_small: list[Bound] = []
        self.zero = np.zeros(0, dtype=bool)

    def eq(self, cols: np.ndarray, coefs: np.ndarray, value: float) -> None:
        self.rows.append((np.asarray(cols, dtype=int), np.asarray(coefs, dtype=float),
                          float(value), float(value)))  # fmt: skip

    def propagate_zeros(self, nodes: Mapping[str, list[_Version]]) -> None:
        """Counts inside a published zero are zero; so is z under a zero w, and a w whose
        every actor count is zero (it names some actor)."""
        zero = self.zero
        for versions in nodes.values():
            for v in versions:
                for bl in v.blocks.values():
                    for _ in range(3):
                        zero[bl.z] |= zero[bl.w][..., None]
                        zero[bl.w] |= zero[bl.z].all(axis=2)
                        if zero[bl.w].all():
                            zero[bl.o] = zero[bl.s] = True

    def matrix(self) -> tuple[sp.csr_array, np.ndarray, np.ndarray, np.ndarray]:
        """The rows over the live (not zero) columns; raises ValueError on a contradiction."""
        live = np.flatnonzero(~self.zero)
        new = np.full(self.n, -1)
        new[live] = np.arange(live.size)
        data, ri, ci, lo, hi = [], [], [], [], []
        for cols, coefs, a, b in self.rows:
            cols = np.asarray(cols, dtype=int)
            keep = new[cols] >= 0
            if not keep.any():
                if a > TOL or b < -TOL:
                    raise ValueError("the published tables contradict each other")
                continue
            r = len(lo)
            ri.extend([r] * int(keep.sum()))
            ci.extend(new[cols[keep]])
            data.extend(coefs[keep])
            lo.append(a)
            hi.append(b)
        m = sp.csr_array((data, (ri, ci)), shape=(len(lo), live.size))
        m.sum_duplicates()
        return m, np.array(lo), np.array(hi), new

    def audit(self, integer_seconds: float = 30.0) -> ExactAudit:
        k = self.k
        deadline = time.monotonic() + integer_seconds
        a, lo, hi, new = self.matrix()
        n = a.shape[1]
        result = ExactAudit(k, variables=n)
        result.findings.extend(self.published_small)
        quantities = []  # (Bound template, live cols, coefs)
        for node, seq, name, period, key, cols, _ in self.objectives:
            c = new[np.asarray(cols, dtype=int)]
            quantities.append((Bound(node, name, period, key, 0, 0, seq), c[c >= 0],
                               np.ones(int((c >= 0).sum()))))  # fmt: skip
        for node, seq, name, period, key, cols, coefs in self.diffs:
            c = new[np.asarray(cols, dtype=int)]
            quantities.append((Bound(node, name, period, key, 0, 0, seq, "difference"),
                               c[c >= 0], np.asarray(coefs)[c >= 0]))  # fmt: skip
        # components: columns linked by a row or by a quantity
        links = [a.tocsr()] + ([_incidence([q[1] for q in quantities], n)] if quantities else [])
        pattern = sp.vstack(links).tocsr()
        pattern.data = np.ones_like(pattern.data)
        n_comp, labels = connected_components(pattern.T @ pattern, directed=False) if n else (0, [])
        result.components = int(n_comp)
        by_comp: dict[int, list[int]] = defaultdict(list)
        for i, (_, cols, _) in enumerate(quantities):
            if cols.size == 0:
                tmpl = quantities[i][0]
                result.bounds.append(_with(tmpl, 0.0, 0.0))
            else:
                by_comp[int(labels[cols[0]])].append(i)
        rows_of = labels[a.indices[a.indptr[:-1]]] if a.shape[0] else np.zeros(0, dtype=int)
        has_row = np.diff(a.indptr) > 0
        for comp, qs in sorted(by_comp.items()):
            cols = np.flatnonzero(labels == comp)
            rows = np.flatnonzero(has_row & (rows_of == comp)) if a.shape[0] else np.zeros(0, int)
            _Component(a, lo, hi, cols, rows, deadline).bound(quantities, qs, k, result)
        result.findings.extend(
            b for b in result.bounds
            if (difference_discloses if b.kind == "difference" else cell_discloses)(
                b.low, b.high, k)
        )  # fmt: skip
        result.findings.sort(key=lambda b: (b.node_id, b.sequence, b.table, b.period, b.key))
        return result


def _with(tmpl: Bound, low: float, high: float) -> Bound:
    return Bound(tmpl.node_id, tmpl.table, tmpl.period, tmpl.key, float(low), float(high),
                 tmpl.sequence, tmpl.kind)  # fmt: skip


def _incidence(groups: list[np.ndarray], n: int) -> sp.csr_array:
    ri = np.concatenate([np.full(g.size, i) for i, g in enumerate(groups)])
    ci = np.concatenate(groups)
    return sp.csr_array((np.ones(ci.size), (ri, ci)), shape=(len(groups), n))


class _Component:
    """One connected part of the program, loaded once in HiGHS (warm starts between objectives)."""

    def __init__(self, a: sp.csr_array, lo: np.ndarray, hi: np.ndarray, cols: np.ndarray,
                 rows: np.ndarray, deadline: float) -> None:  # fmt: skip
        self.deadline = deadline
        self.cols = cols
        self.local = {int(c): i for i, c in enumerate(cols)}
        sub = a[rows][:, cols].tocsc()
        sub.sort_indices()
        self.a, self.lo, self.hi = sub.tocsr(), lo[rows], hi[rows]
        n = cols.size
        lp = _highs.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = sub.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.full(n, math.inf)
        lp.row_lower_ = self.lo
        lp.row_upper_ = self.hi
        lp.a_matrix_.format_ = _highs.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = n
        lp.a_matrix_.num_row_ = sub.shape[0]
        lp.a_matrix_.start_ = sub.indptr.astype(np.int32)
        lp.a_matrix_.index_ = sub.indices.astype(np.int32)
        lp.a_matrix_.value_ = sub.data.astype(float)
        self.highs = _highs._Highs()
        for option, value in (("output_flag", False), ("presolve", "off"),
                              ("simplex_strategy", 4), ("random_seed", 0)):  # fmt: skip
            self.highs.setOptionValue(option, value)
        self.highs.passModel(lp)
        self.idx = np.arange(n, dtype=np.int32)
        self.milps = 0
        self.lp_only = 0
        self.points: list[np.ndarray] = []  # integer tables found so far: each proves many ends
        self.push_down = np.zeros(n)  # objective for new points: all audited cells small

    def _vec(self, cols: np.ndarray, coefs: np.ndarray) -> np.ndarray:
        c = np.zeros(self.cols.size)
        np.add.at(c, [self.local[int(x)] for x in cols], coefs)
        return c

    def minimize(self, cost: np.ndarray) -> tuple[float, np.ndarray | None]:
        h = self.highs
        h.changeColsCost(cost.size, self.idx, cost)
        h.run()
        status = h.getModelStatus()
        if status == _highs.HighsModelStatus.kOptimal:
            x = np.asarray(h.getSolution().col_value)
            return float(cost @ x), x
        if status in (_highs.HighsModelStatus.kUnbounded,
                      _highs.HighsModelStatus.kUnboundedOrInfeasible):  # fmt: skip
            return -math.inf, None
        if status == _highs.HighsModelStatus.kInfeasible:
            raise ValueError("the published tables contradict each other (no table fits them)")
        raise RuntimeError(f"linear program failed: {h.modelStatusToString(status)}")

    def reaches(self, c: np.ndarray, threshold: float, above: bool) -> bool | None:
        """Is there an integer table with ``c @ x >= threshold`` (``above``) or ``<=``?

        None if the integer program ran out of time (the caller keeps the LP's answer).
        """
        if time.monotonic() >= self.deadline:
            return None
        self.milps += 1
        extra = LinearConstraint(c[None, :], threshold if above else -np.inf,
                                 np.inf if above else threshold)  # fmt: skip
        res = milp(self.push_down, constraints=[LinearConstraint(self.a, self.lo, self.hi), extra],
                   integrality=np.ones(c.size), bounds=Bounds(0, np.inf),
                   options={"time_limit": MILP_SECONDS})  # fmt: skip
        if res.status == 0:
            self.points.append(np.round(res.x))
            return True
        if res.status == 2:
            return False
        return None

    def bound(self, quantities: list, which: list[int], k: int, result: ExactAudit) -> None:
        """LP bounds of each quantity, made integer where the rule's verdict depends on it."""
        small = self.cols.size <= MILP_LIMIT
        proven_zero: set[int] = set()
        cells = [i for i in which if quantities[i][0].kind == "cell"]
        if cells:  # one program that pushes all cells down proves many reach 0 at once
            total = sum(self._vec(quantities[i][1], quantities[i][2]) for i in cells)
            self.push_down = total
            _, x = self.minimize(total)
            if x is not None and _integral(x):
                self.points.append(x)
                proven_zero = {i for i in cells
                               if self._vec(quantities[i][1], quantities[i][2]) @ x <= TOL}
        for i in which:
            tmpl, cols, coefs = quantities[i]
            c = self._vec(cols, coefs)
            if i in proven_zero:
                low, xl = 0.0, None
            else:
                low, xl = self.minimize(c)
            up, xh = self.minimize(-c)
            high = -up
            if small:
                low, high = self._integer_ends(c, low, xl, high, xh, k, tmpl.kind)
            result.bounds.append(_with(tmpl, low, high))
        result.lp_only += self.lp_only
        result.integer_programs += self.milps

    def _integer_ends(self, c: np.ndarray, low: float, xl, high: float, xh, k: int,
                      kind: str) -> tuple[float, float]:  # fmt: skip
        """Where the verdict rests on an end reached only by a fractional point, ask whether
        an integer table reaches it; if none does, that end moves inwards by one."""
        checks = []
        if kind == "cell":
            if low <= TOL and xl is not None:
                checks.append(("low", 0.0, xl))
            if high >= k - TOL:
                checks.append(("high", float(k), xh))
        else:
            for t in (0.0, float(k), float(-k)):
                if low - TOL <= t <= high + TOL:
                    checks.append(("low" if t <= 0 else "high", t, xl if t <= 0 else xh))
        for end, t, x in checks:
            candidates = ([x] if x is not None and _integral(x) else []) + self.points
            if any(c @ p <= t + TOL if end == "low" else c @ p >= t - TOL for p in candidates):
                continue
            ok = self.reaches(c, t, above=end == "high")
            if ok is None:
                self.lp_only += 1
            if ok is False:
                if end == "low":
                    low = max(low, t + 1)
                else:
                    high = min(high, t - 1)
        return low, high


def _integral(x: np.ndarray) -> bool:
    return bool(np.all(np.abs(x - np.round(x)) <= 1e-6))
