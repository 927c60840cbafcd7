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
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.optimize._highspy import _core as _highs  # the HiGHS bindings linprog uses
from scipy.sparse.csgraph import connected_components

from common.disclosure.model import TABLES, codes, contains, kind_of, reachable, subperiods
from schemas.codes import CURRENT_VERSION
from schemas.wire import UNCLASSIFIED, Bundle

TOL = 1e-6
MILP_LIMIT = 4000
"""Largest component (variables) on which a fractional LP bound is replaced by the MILP's."""

MILP_SECONDS = 5.0
"""Time limit of one integer program; past it the LP bound (still sound) is kept."""

_KIND_ORDER = ("year", "quarter", "month")

RELEASE = "@release"
"""First field of a pinning cell that is a hub's released aggregate, not a node's cell:
``(RELEASE, release_id, table, period, key)``."""


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
    certified: bool = False
    """True when integer tables (sets of reports consistent with everything published) show
    the ends the rule asks for: ``low``/``high`` are then values those tables reach, inside
    the true range (the exact extremes were not computed)."""


    @property
    def ident(self) -> tuple:
        """Which quantity this is, across audits of the same publications."""
        return (self.node_id, self.sequence, self.table, self.period, self.key, self.kind)

    def reaches_both(self, k: int) -> bool:
        """Does the range reach both ends the rule asks for (0 and k; for a difference, 0 and
        k or -k)? Such a quantity keeps passing when more cells are hidden."""
        if self.kind == "cell":
            return self.low <= TOL and self.high >= k - TOL
        return self.low <= TOL and self.high >= -TOL and (self.high >= k - TOL
                                                           or self.low <= -k + TOL)


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
    linear_programs: int = 0
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
    c: np.ndarray  # [kanal]


class _Codes:
    def __init__(self, taxonomy: str) -> None:
        self.dims = {d: codes(d, taxonomy) for d in
                     ("problemtyp", "niva", "aktor", "organisation", "status", "kanal")}  # fmt: skip
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
    if name == "kanal":
        return block.c[[at["kanal"]]]
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

    def __init__(self, k: int, taxonomy: str = CURRENT_VERSION) -> None:
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
                            vars_.add((shape["kanal"],)),
                        )
                        v.blocks[b] = block
        prog.n = vars_.n
        zero = np.zeros(vars_.n, dtype=bool)

        by_year: dict[int, dict[str, list[_Block]]] = {}
        for versions in self.nodes.values():
            for v in versions:
                years: dict[str, list[_Block]] = defaultdict(list)
                for b, bl in v.blocks.items():
                    years[b[:4]].append(bl)
                by_year[id(v)] = years

        def cell(v: _Version, name: str, period: str, key: tuple[str, ...]) -> np.ndarray:
            parts = [_cell_vars(bl, cds, name, key) for bl in by_year[id(v)].get(period[:4], ())
                     if contains(period, bl.period)]  # fmt: skip
            return np.concatenate(parts) if parts else np.zeros(0, dtype=int)

        for node, versions in self.nodes.items():
            for v in versions:
                for b in v.zero_periods:
                    found = v.blocks.get(b)
                    if found is not None:
                        bl = found
                        zero[bl.w] = zero[bl.z] = zero[bl.o] = zero[bl.s] = zero[bl.c] = True
                for bl in v.blocks.values():
                    ones = np.ones(1)
                    tot = bl.w.ravel()
                    prog.eq(np.concatenate([bl.o, tot]),
                            np.concatenate([np.ones(bl.o.size), -np.ones(tot.size)]), 0)
                    prog.eq(np.concatenate([bl.s, tot]),
                            np.concatenate([np.ones(bl.s.size), -np.ones(tot.size)]), 0)
                    prog.eq(np.concatenate([bl.c, tot]),
                            np.concatenate([np.ones(bl.c.size), -np.ones(tot.size)]), 0)
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
                            prog.cell_rows[len(prog.rows)] = (node, v.sequence, name, period, key)
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
            parts = [cell(self.nodes[n][self._version_of(n, r.at)], r.table, r.period, r.key)
                     for n in r.nodes]  # fmt: skip
            allc = np.concatenate(parts) if parts else np.zeros(0, dtype=int)
            prog.cell_rows[len(prog.rows)] = (RELEASE, r.release_id, r.table, r.period, r.key)
            prog.eq(allc, np.ones(allc.size), r.value)
            prog.release_cols.setdefault(r.release_id, []).append(allc)
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
                # organisation and channel never change and reports are never removed
                for dim in ("organisation", "kanal"):
                    for code in cds.dims[dim]:
                        a, b = agg(older, dim, (code,)), agg(newer, dim, (code,))
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

    def pins(self, findings: Sequence[Bound]) -> dict[tuple, list[tuple]]:
        """The published cells (node, sequence, table, period, key) pinning each finding."""
        return pinning_cells(self.build(), findings)

    def audit(self, integer_seconds: float = 30.0,
              skip: frozenset[tuple] | set[tuple] = frozenset(),
              extremes: bool = True, focus: str | None = None,
              only: frozenset[tuple] | set[tuple] | None = None) -> ExactAudit:  # fmt: skip
        """Bound every suppressed cell and every difference between versions; find leaks.

        `integer_seconds` is the time allowed for integer programs where an LP bound rests on
        a fractional point; past it the LP's verdicts stand (counted in ``lp_only``).
        `skip` holds identities (``Bound.ident``) not to bound again: quantities an earlier
        audit of a *narrower* publication showed reaching both ends (hiding more cells only
        widens every range, so they still do).
        `extremes=False` settles a quantity as soon as tables consistent with everything
        published show the ends the rule asks for (same findings, far fewer programs; such
        bounds are ``certified`` and state the values reached, not the extremes).
        `focus` names a release: only the connected parts of the program its cells touch are
        bounded. Every other part holds exactly what it held without that release, so its
        verdicts are those of the audit without it (a hub's joint audit of a candidate needs
        only the parts the candidate changes). `only` bounds just the quantities with these
        identities (``Bound.ident``).
        """
        return self.build().audit(integer_seconds, skip, extremes, focus, only)


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
        self.cell_rows: dict[int, tuple] = {}  # row -> the published cell it states
        self.release_cols: dict[str, list[np.ndarray]] = {}  # release id -> its cells' columns

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
                            zero[bl.o] = zero[bl.s] = zero[bl.c] = True

    def matrix(self) -> tuple[sp.csr_array, np.ndarray, np.ndarray, np.ndarray]:
        """The rows over the live (not zero) columns; raises ValueError on a contradiction."""
        live = np.flatnonzero(~self.zero)
        new = np.full(self.n, -1)
        new[live] = np.arange(live.size)
        data: list[Any] = []
        ri: list[int] = []
        ci: list[Any] = []
        lo: list[float] = []
        hi: list[float] = []
        self.row_source: list[int] = []
        for source, (cols, coefs, a, b) in enumerate(self.rows):
            cols = np.asarray(cols, dtype=int)
            keep = new[cols] >= 0
            if not keep.any():
                if a > TOL or b < -TOL:
                    raise ValueError("the published tables contradict each other")
                continue
            r = len(lo)
            self.row_source.append(source)
            ri.extend([r] * int(keep.sum()))
            ci.extend(new[cols[keep]])
            data.extend(coefs[keep])
            lo.append(a)
            hi.append(b)
        m = sp.csr_array((data, (ri, ci)), shape=(len(lo), live.size))
        m.sum_duplicates()
        return m, np.array(lo), np.array(hi), new

    def audit(self, integer_seconds: float = 30.0,
              skip: frozenset[tuple] | set[tuple] = frozenset(),
              extremes: bool = True, focus: str | None = None,
              only: frozenset[tuple] | set[tuple] | None = None) -> ExactAudit:  # fmt: skip
        k = self.k
        deadline = time.monotonic() + integer_seconds
        a, lo, hi, new = self.matrix()
        n = a.shape[1]
        result = ExactAudit(k, variables=n)
        result.findings.extend(self.published_small)
        quantities = []  # (Bound template, live cols, coefs)
        def wanted(ident: tuple) -> bool:
            return ident not in skip and (only is None or ident in only)

        for node, seq, name, period, key, cols, _ in self.objectives:
            if not wanted((node, seq, name, period, key, "cell")):
                continue
            c = new[np.asarray(cols, dtype=int)]
            quantities.append((Bound(node, name, period, key, 0, 0, seq), c[c >= 0],
                               np.ones(int((c >= 0).sum()))))  # fmt: skip
        for node, seq, name, period, key, cols, coefs in self.diffs:
            if not wanted((node, seq, name, period, key, "difference")):
                continue
            c = new[np.asarray(cols, dtype=int)]
            quantities.append((Bound(node, name, period, key, 0, 0, seq, "difference"),
                               c[c >= 0], np.asarray(coefs)[c >= 0]))  # fmt: skip
        # components: columns linked by a row or by a quantity
        links = [a.tocsr()] + ([_incidence([q[1] for q in quantities], n)] if quantities else [])
        pattern = sp.vstack(links).tocsr()
        pattern.data = np.ones_like(pattern.data)
        n_comp, labels = connected_components(pattern.T @ pattern, directed=False) if n else (0, [])
        result.components = int(n_comp)
        focused: set[int] | None = None
        if focus is not None:
            touched = [new[np.asarray(c, dtype=int)] for c in self.release_cols.get(focus, ())]
            live = np.concatenate(touched) if touched else np.zeros(0, dtype=int)
            focused = {int(x) for x in np.unique(np.asarray(labels)[live[live >= 0]])}
        by_comp: dict[int, list[int]] = defaultdict(list)
        for i, (_, cols, _) in enumerate(quantities):
            if cols.size == 0:
                if focused is None:
                    result.bounds.append(_with(quantities[i][0], 0.0, 0.0))
            elif focused is None or int(labels[cols[0]]) in focused:
                by_comp[int(labels[cols[0]])].append(i)
        rows_of = labels[a.indices[a.indptr[:-1]]] if a.shape[0] else np.zeros(0, dtype=int)
        has_row = np.diff(a.indptr) > 0
        for comp, qs in sorted(by_comp.items()):
            cols = np.flatnonzero(labels == comp)
            rows = np.flatnonzero(has_row & (rows_of == comp)) if a.shape[0] else np.zeros(0, int)
            _Component(a, lo, hi, cols, rows, deadline).bound(quantities, qs, k, result,
                                                              extremes)
        result.findings.extend(
            b for b in result.bounds
            if (difference_discloses if b.kind == "difference" else cell_discloses)(
                b.low, b.high, k)
        )  # fmt: skip
        result.findings.sort(key=lambda b: (b.node_id, b.sequence, b.table, b.period, b.key))
        return result


def pinning_cells(prog: _Program, findings: Sequence[Bound]) -> dict[tuple, list[tuple]]:
    """For each finding, the published cells that pin it: the rows with a non-zero dual value
    in the LP of the end that discloses (its maximum when it cannot reach k, else its
    minimum). Hiding one of them is what can widen the range (``node.suppression``)."""
    a, lo, hi, new = prog.matrix()
    n = a.shape[1]
    pattern = a.copy()
    pattern.data = np.ones_like(pattern.data)
    _, labels = connected_components(pattern.T @ pattern, directed=False)
    row_label = labels[a.indices[a.indptr[:-1]]] if a.shape[0] else np.zeros(0, dtype=int)
    live_rows = np.diff(a.indptr) > 0
    wanted = {f.ident: f for f in findings}
    out: dict[tuple, list[tuple]] = {}
    for node, seq, name, period, key, cols, coefs in (
        [(*o[:6], None) for o in prog.objectives] + list(prog.diffs)
    ):
        kind = "cell" if coefs is None else "difference"
        f = wanted.get((node, seq, name, period, key, kind))
        if f is None:
            continue
        c = np.zeros(n)
        cols = new[np.asarray(cols, dtype=int)]
        coefs = np.ones(cols.size) if coefs is None else np.asarray(coefs, dtype=float)
        np.add.at(c, cols[cols >= 0], coefs[cols >= 0])
        if not (cols >= 0).any():
            continue
        comp = np.flatnonzero(np.isin(labels, np.unique(labels[cols[cols >= 0]])))
        rows_c = np.flatnonzero(live_rows & np.isin(row_label, labels[comp]))
        sub, slo, shi = a[rows_c][:, comp], lo[rows_c], hi[rows_c]
        eq = np.flatnonzero(slo == shi)
        le = np.flatnonzero((slo != shi) & np.isfinite(shi))
        ge = np.flatnonzero((slo != shi) & np.isfinite(slo))
        up = math.inf if f.high == math.inf else math.floor(f.high + TOL)
        sign = -1.0 if up < prog.k else 1.0  # maximise when the top is pinned below k
        res = linprog(sign * c[comp], A_ub=sp.vstack([sub[le], -sub[ge]]),
                      b_ub=np.concatenate([shi[le], -slo[ge]]), A_eq=sub[eq], b_eq=slo[eq],
                      bounds=(0, None), method="highs")  # fmt: skip
        if res.status != 0:
            continue
        ub_rows = np.concatenate([le, ge])
        rows = list(rows_c[eq[np.abs(res.eqlin.marginals) > 1e-9]])
        rows += list(rows_c[ub_rows[np.abs(res.ineqlin.marginals) > 1e-9]])
        cells = [prog.cell_rows[prog.row_source[r]] for r in rows
                 if prog.row_source[r] in prog.cell_rows]  # fmt: skip
        out[f.ident] = sorted(set(cells))
    return out


def _with(tmpl: Bound, low: float, high: float, certified: bool = False) -> Bound:
    return Bound(tmpl.node_id, tmpl.table, tmpl.period, tmpl.key, float(low), float(high),
                 tmpl.sequence, tmpl.kind, certified)  # fmt: skip


def _incidence(groups: list[np.ndarray], n: int) -> sp.csr_array:
    ri = np.concatenate([np.full(g.size, i) for i, g in enumerate(groups)])
    ci = np.concatenate(groups)
    return sp.csr_array((np.ones(ci.size), (ri, ci)), shape=(len(groups), n))


def _highs_model(m: sp.csc_array, lo: np.ndarray, hi: np.ndarray, upper: np.ndarray,
                 lower: np.ndarray | None = None):  # fmt: skip
    """A HiGHS instance holding ``lo <= m x <= hi``, ``lower <= x <= upper`` (costs set later;
    `lower` 0 by default: counts)."""
    n = m.shape[1]
    lp = _highs.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = m.shape[0]
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.zeros(n) if lower is None else lower
    lp.col_upper_ = upper
    lp.row_lower_ = lo
    lp.row_upper_ = hi
    lp.a_matrix_.format_ = _highs.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = m.shape[0]
    lp.a_matrix_.start_ = m.indptr.astype(np.int32)
    lp.a_matrix_.index_ = m.indices.astype(np.int32)
    lp.a_matrix_.value_ = m.data.astype(float)
    h = _highs._Highs()
    for option, value in (("output_flag", False), ("presolve", "off"),
                          ("simplex_strategy", 4), ("random_seed", 0)):  # fmt: skip
        h.setOptionValue(option, value)
    h.passModel(lp)
    return h


def _solve(h, cost: np.ndarray, idx: np.ndarray) -> tuple[float, np.ndarray | None]:
    """Minimise `cost` on HiGHS model `h` (warm start from the last basis)."""
    h.changeColsCost(cost.size, idx, cost)
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


BATCH_SECONDS = 0.5
BATCH_GAP = 0.25
"""Time limit of one batch integer program (its best table so far is used past it)."""

CERTIFY_ROUNDS = 40
"""Most batch programs per component and end before falling back to one LP per quantity."""


class _Component:
    """One connected part of the program, loaded once in HiGHS (warm starts between objectives).

    Most audited quantities are settled without a program of their own: a few *batch*
    programs find integer tables in which many hidden cells are 0 at once (minimise the sum of
    the cells not yet settled) and many are at least k at once (maximise the sum of
    ``min(cell, k)`` over them, with one bounded helper column per cell). An integer table is a
    set of reports consistent with everything published, so a cell that is 0 in one and at
    least k in another reaches both ends: it passes, whatever its exact maximum. Only the
    quantities these tables leave open get the two LPs (and the integer checks) of their own.
    """

    def __init__(self, a: sp.csr_array, lo: np.ndarray, hi: np.ndarray, cols: np.ndarray,
                 rows: np.ndarray, deadline: float) -> None:  # fmt: skip
        self.deadline = deadline
        self.cols = cols
        self.local = {int(c): i for i, c in enumerate(cols)}
        sub = a[rows][:, cols].tocsc()
        sub.sort_indices()
        self.a, self.lo, self.hi = sub.tocsr(), lo[rows], hi[rows]
        n = cols.size
        self.highs = _highs_model(sub, self.lo, self.hi, np.full(n, math.inf))
        self.idx = np.arange(n, dtype=np.int32)
        self.milps = 0
        self.lp_only = 0
        self.lps = 0
        self.points: list[np.ndarray] = []  # integer tables found so far: each proves many ends
        self.lp_points: list[np.ndarray] = []  # fractional ones: certificates for LP verdicts
        self.lp_mode = time.monotonic() >= deadline  # no time for integer programs at all
        self.push_down = np.zeros(n)  # objective for new points: all audited cells small

    def _vec(self, cols: np.ndarray, coefs: np.ndarray) -> np.ndarray:
        c = np.zeros(self.cols.size)
        np.add.at(c, [self.local[int(x)] for x in cols], coefs)
        return c

    def minimize(self, cost: np.ndarray) -> tuple[float, np.ndarray | None]:
        self.lps += 1
        return _solve(self.highs, cost, self.idx)

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

    # ------------------------------------------------------------------ batch certificates

    def _batch_milp(self, a, lo, hi, cost, n_int, upper=None, lower=None) -> np.ndarray | None:
        """An integer optimum (or the best integer table found in BATCH_SECONDS) for a batch
        objective whose LP optimum was fractional; None if none was found."""
        size = cost.size
        integrality = np.concatenate([np.ones(n_int), np.zeros(size - n_int)])
        res = milp(cost, constraints=LinearConstraint(a, lo, hi), integrality=integrality,
                   bounds=Bounds(0 if lower is None else lower,
                                 np.inf if upper is None else upper),
                   options={"time_limit": BATCH_SECONDS, "mip_rel_gap": BATCH_GAP})  # fmt: skip
        self.milps += 1
        if res.x is None:
            return None
        x = np.asarray(res.x)
        x[:n_int] = np.round(x[:n_int])
        if not self._fits(x[: self.cols.size]):
            return None
        self.points.append(x[: self.cols.size])
        return x

    def _point(self, x: np.ndarray) -> np.ndarray | None:
        """An optimum of a batch program as a certificate: an integer table always; a
        fractional point only for LP verdicts (when no time is left for integer programs the
        rule is applied to the LP range, and this point lies in it); else None."""
        if _integral(x):
            x = np.round(x)
            self.points.append(x)
            return x
        if not self.lp_mode:
            return None
        self.lp_points.append(x)
        return x

    def _fits(self, x: np.ndarray) -> bool:
        """Is integer `x` a table consistent with everything published (checked, not trusted)?"""
        ax = self.a @ x
        return bool(np.all(x >= 0) and np.all(ax >= self.lo - TOL) and np.all(ax <= self.hi + TOL))

    def _certify_low(self, cmat: sp.csr_array, todo: np.ndarray) -> np.ndarray:
        """Push the open quantities down together; integer optima settle those at <= 0."""
        done = np.zeros(cmat.shape[0], dtype=bool)
        for _ in range(CERTIFY_ROUNDS):
            open_ = todo & ~done
            if not open_.any():
                break
            cost = np.asarray(cmat[np.flatnonzero(open_)].sum(axis=0)).ravel()
            _, x = self.minimize(cost)
            if x is None:
                break
            x = self._point(x)
            if x is None:
                x = self._batch_milp(self.a, self.lo, self.hi, cost, self.cols.size)
            if x is None:
                break
            newly = open_ & (cmat @ x <= TOL)
            if newly.sum() <= 1:  # one LP per quantity is as cheap from here
                break
            done |= newly
        return done

    def _certify_high(self, cmat: sp.csr_array, todo: np.ndarray, k: int) -> np.ndarray:
        """Lift the open quantities to k together (max of sum min(q, k)); integer optima
        settle those at >= k. The helper t of a quantity lies in (-inf, k]: a difference
        between versions may be forced below 0 (a report leaving a hidden status cell)."""
        m, n = cmat.shape
        done = np.zeros(m, dtype=bool)
        if not todo.any():
            return done
        # [A 0; -C I] with t in [0, k] and t - C x <= 0
        top = sp.hstack([self.a, sp.csr_array((self.a.shape[0], m))])
        bottom = sp.hstack([-cmat, sp.eye_array(m, format="csr")])
        big = sp.vstack([top, bottom]).tocsc()
        big.sort_indices()
        upper = np.concatenate([np.full(n, math.inf), np.full(m, float(k))])
        lower = np.concatenate([np.zeros(n), np.full(m, -math.inf)])
        h = _highs_model(big, np.concatenate([self.lo, np.full(m, -math.inf)]),
                         np.concatenate([self.hi, np.zeros(m)]), upper, lower)  # fmt: skip
        idx = np.arange(n + m, dtype=np.int32)
        for _ in range(CERTIFY_ROUNDS):
            open_ = todo & ~done
            if not open_.any():
                break
            cost = np.zeros(n + m)
            cost[n + np.flatnonzero(open_)] = -1.0
            self.lps += 1
            _, y = _solve(h, cost, idx)
            if y is None:
                break
            x = self._point(y[:n])
            if x is None:
                y = self._batch_milp(big, np.concatenate([self.lo, np.full(m, -math.inf)]),
                                     np.concatenate([self.hi, np.zeros(m)]), cost, n,
                                     upper, lower)  # fmt: skip
                if y is None:
                    break
                x = y[:n]
            newly = open_ & (cmat @ x >= k - TOL)
            if newly.sum() <= 1:
                break
            done |= newly
        return done

    def bound(self, quantities: list, which: list[int], k: int, result: ExactAudit,
              extremes: bool = True) -> None:  # fmt: skip
        """Bounds of each quantity: settled by batch certificates where integer tables show
        the verdict, else LP bounds made integer where the rule's verdict depends on it."""
        small = self.cols.size <= MILP_LIMIT
        ri = np.concatenate([np.full(quantities[i][1].size, j) for j, i in enumerate(which)])
        ci = np.array([self.local[int(x)] for i in which for x in quantities[i][1]], dtype=int)
        data = np.concatenate([np.asarray(quantities[i][2], dtype=float) for i in which])
        cmat = sp.csr_array((data, (ri, ci)), shape=(len(which), self.cols.size))
        cmat.sum_duplicates()
        is_cell = np.array([quantities[i][0].kind == "cell" for i in which], dtype=bool)
        if is_cell.any():
            self.push_down = np.asarray(cmat[np.flatnonzero(is_cell)].sum(axis=0)).ravel()
        # cells: reach 0 (push down) and k (lift); differences: reach <= 0 and k (lift)
        low_ok = np.zeros(len(which), dtype=bool)
        if not extremes:
            low_ok = self._certify_low(cmat, is_cell)
            self._certify_high(cmat, np.ones(len(which), dtype=bool), k)
        elif is_cell.any():  # one program that pushes all cells down proves many reach 0
            _, x = self.minimize(self.push_down)
            if x is not None and _integral(x):
                self.points.append(np.round(x))
                low_ok = is_cell & (cmat @ x <= TOL)
        found = self.points + (self.lp_points if self.lp_mode else [])
        pts = np.vstack(found) if found else np.zeros((0, self.cols.size))
        vals = cmat @ pts.T if pts.size else np.zeros((len(which), 0))
        for j, i in enumerate(which):
            tmpl, cols, coefs = quantities[i]
            c = cmat[[j]].toarray().ravel()
            seen_lo = float(vals[j].min()) if vals.shape[1] else math.inf
            seen_hi = float(vals[j].max()) if vals.shape[1] else -math.inf
            if tmpl.kind == "cell":
                settled = seen_lo <= TOL and seen_hi >= k - TOL
            else:
                settled = (seen_lo <= TOL and seen_hi >= -TOL
                           and (seen_hi >= k - TOL or seen_lo <= -k + TOL))
            if settled and not extremes:  # tables found show both ends the rule asks for
                result.bounds.append(_with(tmpl, seen_lo, seen_hi, certified=True))
                continue
            xl = xh = None
            certified = False
            if tmpl.kind == "cell" and (low_ok[j] or (seen_lo <= TOL and not extremes)):
                low = 0.0
            else:
                low, xl = self.minimize(c)
            if tmpl.kind == "cell" and seen_hi >= k - TOL and not extremes:
                high = seen_hi  # reached: only the low end decides (0, or k and more)
                certified = True
            else:
                up, xh = self.minimize(-c)
                high = -up
            if small:
                low, high = self._integer_ends(c, low, xl, high, xh, k, tmpl.kind)
            result.bounds.append(_with(tmpl, low, high, certified))
        result.lp_only += self.lp_only
        result.integer_programs += self.milps
        result.linear_programs += self.lps

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
