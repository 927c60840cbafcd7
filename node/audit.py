"""The disclosure audit: can anything a node publishes pin down a small count?

An attacker knows every published cell and the linear facts of the data model
(``relations``): one-valued tables sum to ``total``, the cross tables sum to ``aktor``, a
cross cell is at most its margins, every report names an actor, quarters and months add up
to their year. Suppressed cells are unknowns >= 0. For each suppressed cell we find, by linear
programming (HiGHS through SciPy), the smallest and largest value consistent with all of it.

Counts are integers, so the attacker rounds: the cell is known to lie in
``ceil(low) .. floor(high)``. A suppressed cell *discloses* when that range shows it is
non-zero but possibly below k (``1 <= ceil(low) <= k-1``), or shows it is below k
(``floor(high) <= k-1``, which includes recovering a small value exactly). A cell proven to be
at least k (``ceil(low) >= k``) reveals no small count and passes.

The relations decompose: published cells are constants, so only suppressed cells linked by a
relation interact. Each connected component is its own small LP.

This module also offers `find_failures`, the quick form of the same test that
``node.suppression`` runs after each round; it proves passes with as few LPs as it can.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.optimize._highspy import _core as _highs  # the HiGHS bindings linprog uses
from scipy.sparse.csgraph import connected_components

from common.disclosure.model import ACTOR_GROUPS
from node.aggregate import GROUPED_DIMS, ONE_VALUED, TABLE_DIMS
from schemas.wire import Table

CellId = tuple[str, str, tuple[str, ...]]
"""A cell: (table name, period, key)."""

Shape = tuple[str, str, Collection[tuple[str, ...]]]
"""What relations need to know of a table: (name, period, keys)."""

TOL = 1e-6


@dataclass(frozen=True)
class Relation:
    """A fact every reader knows: ``sum(coef * cell) == 0`` (eq) or ``<= 0`` (le)."""

    kind: Literal["eq", "le"]
    terms: tuple[tuple[CellId, int], ...]


@dataclass(frozen=True)
class CellBound:
    """What can be worked out about one suppressed cell: ``low <= value <= high``."""

    table: str
    period: str
    key: tuple[str, ...]
    low: float
    high: float


@dataclass(frozen=True)
class AuditReport:
    bounds: list[CellBound]
    failures: list[CellBound]
    k: int

    @property
    def ok(self) -> bool:
        return not self.failures


def discloses(low: float, high: float, k: int) -> bool:
    """True if a cell known to lie in [low, high] may be recognised as a count in 1..k-1."""
    if k <= 1:
        return False
    lo = math.ceil(low - TOL)
    return 1 <= lo <= k - 1 or (high < math.inf and math.floor(high + TOL) <= k - 1)


# --------------------------------------------------------------------------- relations


def _sum(cells: Iterable[CellId], sign: int = 1) -> list[tuple[CellId, int]]:
    return [(c, sign) for c in cells]


def _period_relations(period: str, tables: dict[str, Collection[tuple[str, ...]]]):
    def cells(name: str) -> list[CellId]:
        return [(name, period, key) for key in sorted(tables[name])]

    def has(*names: str) -> bool:
        return all(n in tables for n in names)

    def cell(name: str, key: tuple[str, ...]) -> list[CellId]:
        return [(name, period, key)] if key in tables.get(name, ()) else []

    one_valued = [d for d in ONE_VALUED if d in tables]
    if has("total"):
        total = ("total", period, ())
        for d in one_valued:
            yield Relation("eq", (*_sum(cells(d)), (total, -1)))
        if has("aktor"):
            for a in cells("aktor"):
                yield Relation("le", ((a, 1), (total, -1)))
            yield Relation("le", ((total, 1), *_sum(cells("aktor"), -1)))
    else:  # without the total the one-valued tables still share their sum
        for d1, d2 in zip(one_valued, one_valued[1:], strict=False):
            yield Relation("eq", (*_sum(cells(d1)), *_sum(cells(d2), -1)))
    for cross, margin, pos in (
        ("problemtyp_x_aktor", "problemtyp", 0),
        ("aktor_x_niva", "niva", 1),
        ("problemtyp_x_aktorgrupp", "problemtyp", 0),
        ("aktorgrupp_x_niva", "niva", 1),
    ):
        if not has(cross):
            continue
        # A group counts mentions of its members: it sums to their aktor cells, and a report
        # can be counted once per member, so a cell is at most width x its margin.
        members_of = ACTOR_GROUPS if "aktorgrupp" in cross else None
        by_actor: dict[str, list[CellId]] = defaultdict(list)
        by_margin: dict[str, list[CellId]] = defaultdict(list)
        for c in cells(cross):
            by_actor[c[2][1 - pos]].append(c)
            by_margin[c[2][pos]].append(c)
        for actor, members in sorted(by_actor.items()):
            names = members_of[actor] if members_of else (actor,)
            parents = [p for a in names for p in cell("aktor", (a,))]
            if parents and len(parents) == len(names):
                yield Relation("eq", (*_sum(members), *_sum(parents, -1)))
        for code, members in sorted(by_margin.items()):
            for parent in cell(margin, (code,)):
                for c in members:
                    width = len(members_of[c[2][1 - pos]]) if members_of else 1
                    yield Relation("le", ((c, 1), (parent, -width)))
                # every report names at least one actor
                yield Relation("le", ((parent, 1), *_sum(members, -1)))
    if has("problemtyp_x_aktorgrupp", "aktorgrupp_x_niva"):
        for group in sorted({c[2][1] for c in cells("problemtyp_x_aktorgrupp")}):
            left = [c for c in cells("problemtyp_x_aktorgrupp") if c[2][1] == group]
            right = [c for c in cells("aktorgrupp_x_niva") if c[2][0] == group]
            yield Relation("eq", (*_sum(left), *_sum(right, -1)))
    if has("problemtyp_x_aktor", "aktor_x_niva") and not has("aktor"):
        for actor in sorted({c[2][1] for c in cells("problemtyp_x_aktor")}):
            left = [c for c in cells("problemtyp_x_aktor") if c[2][1] == actor]
            right = [c for c in cells("aktor_x_niva") if c[2][0] == actor]
            yield Relation("eq", (*_sum(left), *_sum(right, -1)))


def _subperiods(period: str) -> list[list[str]]:
    """The complete sets of shorter periods that add up to `period`."""
    year = period[:4]
    if len(period) == 4:
        return [[f"{year}-Q{q}" for q in range(1, 5)], [f"{year}-{m:02d}" for m in range(1, 13)]]
    if period[5] == "Q":
        q = int(period[6])
        return [[f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]]
    return []


def _time_relations(shapes: dict[tuple[str, str], Collection[tuple[str, ...]]]):
    for (name, period), keys in sorted(shapes.items()):
        for children in _subperiods(period):
            present = [c for c in children if (name, c) in shapes]
            if not present:
                continue
            for key in sorted(keys):
                parts = [(name, c, key) for c in present if key in shapes[(name, c)]]
                kind: Literal["eq", "le"] = "eq" if len(parts) == len(children) else "le"
                yield Relation(kind, (*_sum(parts), ((name, period, key), -1)))


def relations(shapes: Iterable[Shape]) -> Iterator[Relation]:
    """Every linear fact that links the cells of `shapes`, within and across periods.

    Within a period: the one-valued tables sum to ``total``; ``aktor`` cells are at most
    ``total`` and together at least ``total``; each cross table sums over its other
    dimension to ``aktor``; a cross cell is at most its margin, and a margin at most the sum
    of its row (every report names an actor). Across periods: a year's quarters (months) sum
    to the year, a quarter's months to the quarter (``le`` when some are not published).
    """
    by_key = {(name, period): keys for name, period, keys in shapes}
    by_period: dict[str, dict[str, Collection[tuple[str, ...]]]] = defaultdict(dict)
    for (name, period), keys in by_key.items():
        if name in TABLE_DIMS or name in GROUPED_DIMS:
            by_period[period][name] = keys
    for period in sorted(by_period):
        yield from _period_relations(period, by_period[period])
    yield from _time_relations(by_key)


# --------------------------------------------------------------------------- linear system


@dataclass
class LinearSystem:
    """Relations as sparse matrices over a fixed list of cells: ``eq @ x == 0``, ``le @ x <= 0``."""

    cells: list[CellId]
    eq: sp.csr_array
    le: sp.csr_array
    index: dict[CellId, int] = field(default_factory=dict)

    @classmethod
    def build(cls, cells: list[CellId]) -> LinearSystem:
        index = {c: i for i, c in enumerate(cells)}
        shapes: dict[tuple[str, str], list[tuple[str, ...]]] = defaultdict(list)
        for name, period, key in cells:
            shapes[(name, period)].append(key)
        triplets: dict[str, tuple[list[int], list[int], list[float]]] = {
            "eq": ([], [], []),
            "le": ([], [], []),
        }
        for rel in relations((n, p, keys) for (n, p), keys in shapes.items()):
            rows, cols, data = triplets[rel.kind]
            r = len(rows) and rows[-1] + 1
            for cell, coef in rel.terms:
                rows.append(r)
                cols.append(index[cell])
                data.append(float(coef))
        n = len(cells)

        def matrix(kind: str) -> sp.csr_array:
            rows, cols, data = triplets[kind]
            m = rows[-1] + 1 if rows else 0
            return sp.csr_array((data, (rows, cols)), shape=(m, n))

        return cls(cells, matrix("eq"), matrix("le"), index)


@dataclass
class _Component:
    vars: np.ndarray  # global cell indices
    eq_rows: np.ndarray  # global row indices into system.eq
    le_rows: np.ndarray
    a_eq: sp.csr_array
    b_eq: np.ndarray
    a_le: sp.csr_array
    b_le: np.ndarray


@dataclass
class _LP:
    unbounded: bool
    x: np.ndarray | None
    fun: float
    eq_duals: np.ndarray
    le_duals: np.ndarray


def _components(
    system: LinearSystem, values: np.ndarray, suppressed: np.ndarray
) -> list[_Component]:
    """Split the suppressed cells into groups that share no relation, each with its LP data."""
    s_idx = np.flatnonzero(suppressed)
    if s_idx.size == 0:
        return []
    known = np.where(suppressed, 0.0, values)
    parts = []
    for m in (system.eq, system.le):
        sub = m[:, s_idx].tocsr()
        rows = np.flatnonzero(np.diff(sub.indptr))
        parts.append((sub[rows], rows, -(m @ known)[rows]))
    pattern = abs(sp.vstack([parts[0][0], parts[1][0]]).tocsr())
    n_comp, labels = connected_components(pattern.T @ pattern, directed=False)
    var_order = np.argsort(labels, kind="stable")
    var_bounds = np.searchsorted(labels[var_order], np.arange(n_comp + 1))
    row_groups = []
    for sub, _, _ in parts:
        first_var = sub.indices[sub.indptr[:-1]]  # every kept row has a suppressed cell
        rl = labels[first_var]
        order = np.argsort(rl, kind="stable")
        row_groups.append((order, np.searchsorted(rl[order], np.arange(n_comp + 1))))
    comps = []
    for c in range(n_comp):
        local = var_order[var_bounds[c] : var_bounds[c + 1]]
        built = []
        for (sub, rows, b), (order, bounds) in zip(parts, row_groups, strict=True):
            pick = order[bounds[c] : bounds[c + 1]]
            built.append((sub[pick][:, local], rows[pick], b[pick]))
        (a_eq, eq_rows, b_eq), (a_le, le_rows, b_le) = built
        comps.append(_Component(s_idx[local], eq_rows, le_rows, a_eq, b_eq, a_le, b_le))
    return comps


class _Solver:
    """One component's LP, kept loaded in HiGHS so each new objective starts from the last
    optimal basis (primal simplex, a few pivots instead of a fresh solve).

    SciPy ships the HiGHS bindings that ``linprog`` itself uses; we use them directly for
    the warm start, and fall back to ``linprog`` if HiGHS gives an unexpected status.
    """

    def __init__(self, comp: _Component) -> None:
        self.comp = comp
        n = comp.vars.size
        self.n_eq = comp.a_eq.shape[0]
        a = sp.vstack([comp.a_eq, comp.a_le]).tocsc()
        a.sort_indices()
        lp = _highs.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = a.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.full(n, math.inf)
        lp.row_lower_ = np.concatenate([comp.b_eq, np.full(comp.b_le.size, -math.inf)])
        lp.row_upper_ = np.concatenate([comp.b_eq, comp.b_le])
        lp.a_matrix_.format_ = _highs.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = n
        lp.a_matrix_.num_row_ = a.shape[0]
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        self.highs = _highs._Highs()
        for option, value in (("output_flag", False), ("presolve", "off"),
                              ("simplex_strategy", 4), ("random_seed", 0)):  # fmt: skip
            self.highs.setOptionValue(option, value)
        self.highs.passModel(lp)
        self.cols = np.arange(n, dtype=np.int32)
        self.upper = np.full(n, math.inf)

    def solve(self, cost: np.ndarray, upper: np.ndarray | None = None) -> _LP:
        """Minimise ``cost @ x`` over the component (x >= 0, optionally x <= upper)."""
        n = self.cols.size
        upper = np.full(n, math.inf) if upper is None else upper
        h = self.highs
        h.changeColsCost(n, self.cols, cost.astype(float))
        if not np.array_equal(upper, self.upper):
            h.changeColsBounds(n, self.cols, np.zeros(n), upper.astype(float))
            self.upper = upper.copy()
        h.run()
        status = h.getModelStatus()
        if status == _highs.HighsModelStatus.kOptimal:
            sol = h.getSolution()
            duals = np.asarray(sol.row_dual)
            x = np.asarray(sol.col_value)
            fun = float(cost @ x)
            return _LP(False, x, fun, duals[: self.n_eq], duals[self.n_eq :])
        if status == _highs.HighsModelStatus.kUnbounded:
            return _LP(True, None, -math.inf, np.zeros(0), np.zeros(0))
        return self._linprog(cost, upper)

    def _linprog(self, cost: np.ndarray, upper: np.ndarray) -> _LP:
        comp = self.comp
        res = linprog(
            cost,
            A_ub=comp.a_le if comp.a_le.shape[0] else None,
            b_ub=comp.b_le if comp.a_le.shape[0] else None,
            A_eq=comp.a_eq if comp.a_eq.shape[0] else None,
            b_eq=comp.b_eq if comp.a_eq.shape[0] else None,
            bounds=np.column_stack([np.zeros(cost.size), upper]),
            method="highs",
        )
        if res.status == 2:
            raise ValueError("the published tables contradict each other (the LP is infeasible)")
        if res.status == 3:
            return _LP(True, None, -math.inf, np.zeros(0), np.zeros(0))
        if res.status != 0:
            raise RuntimeError(f"linear program failed: {res.message}")
        eq_d = res.eqlin.marginals if comp.a_eq.shape[0] else np.zeros(0)
        le_d = res.ineqlin.marginals if comp.a_le.shape[0] else np.zeros(0)
        return _LP(False, res.x, float(res.fun), eq_d, le_d)


def _unit(n: int, j: int, sign: float = 1.0) -> np.ndarray:
    e = np.zeros(n)
    e[j] = sign
    return e


def _row_caps(comp: _Component) -> np.ndarray:
    """Cheap upper bounds: a row ``sum a_i x_i (= or <=) b`` with all a_i >= 0 caps each x_i
    at ``b / a_i``. A vertex that reaches such a cap proves it is the exact maximum."""
    caps = np.full(comp.vars.size, math.inf)
    for a, b in ((comp.a_eq, comp.b_eq), (comp.a_le, comp.b_le)):
        a = a.tocsr()
        rows = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
        nonneg = np.ones(a.shape[0], dtype=bool)
        np.logical_and.at(nonneg, rows, a.data > 0)
        ok = nonneg[rows] & (a.data > 0)
        np.minimum.at(caps, a.indices[ok], b[rows[ok]] / a.data[ok])
    return caps


def _bounds_exact(comp: _Component) -> tuple[np.ndarray, np.ndarray]:
    """Exact LP minimum and maximum of every variable of the component."""
    n = comp.vars.size
    solver = _Solver(comp)
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)
    caps = _row_caps(comp)
    best = np.zeros(n)

    def seen(x: np.ndarray | None) -> None:
        if x is not None:
            low[np.isnan(low) & (x <= TOL)] = 0.0
            np.maximum(best, x, out=best)
            done = np.isnan(high) & (best >= caps - TOL)
            high[done] = caps[done]

    # One LP that pushes everything down proves many minima are 0 at once.
    seen(solver.solve(np.ones(n)).x)
    for j in range(n):
        if np.isnan(low[j]):
            lp = solver.solve(_unit(n, j))
            low[j] = max(lp.fun, 0.0)
            seen(lp.x)
        if np.isnan(high[j]):
            lp = solver.solve(_unit(n, j, -1.0))
            high[j] = math.inf if lp.unbounded else -lp.fun
            seen(lp.x)
    return low, high


def audit(published: list[Table], k: int) -> AuditReport:
    """Bound every suppressed cell of `published` by LP; fail those that disclose (see module).

    Everything in `published` is audited together: all tables of all periods. Raises
    ValueError if a known table has the wrong dimensions or the tables contradict each other.
    """
    cells: list[CellId] = []
    values: list[float] = []
    for t in published:
        if t.name in TABLE_DIMS and tuple(t.dims) != TABLE_DIMS[t.name]:
            raise ValueError(f"table {t.name} has dims {t.dims}, expected {TABLE_DIMS[t.name]}")
        for key, v in t.cells:
            cells.append((t.name, t.period, tuple(key)))
            values.append(np.nan if v is None else float(v))
    system = LinearSystem.build(cells)
    vals = np.array(values, dtype=float)
    suppressed = np.isnan(vals)
    low = np.zeros(len(cells))
    high = np.full(len(cells), math.inf)
    for comp in _components(system, vals, suppressed):
        low[comp.vars], high[comp.vars] = _bounds_exact(comp)
    bounds = [
        CellBound(cells[i][0], cells[i][1], cells[i][2], float(low[i]), float(high[i]))
        for i in np.flatnonzero(suppressed)
    ]
    failures = [b for b in bounds if discloses(b.low, b.high, k)]
    return AuditReport(bounds, failures, k)


# --------------------------------------------------------------------------- quick check


@dataclass(frozen=True)
class Failure:
    """A suppressed cell that discloses, and the relations that pin it (rows of the system)."""

    cell: int
    kind: Literal["low", "high"]
    bound: float  # the LP minimum (kind "low") or maximum (kind "high")
    eq_rows: tuple[int, ...]
    le_rows: tuple[int, ...]


@dataclass
class Check:
    """Result of `find_failures`: failing cells, and passing cells whose pass may not last.

    A cell proven to be at least k passes, but hiding more cells can lower that proof into
    1..k-1, so such *fragile* cells must be checked again after every change.
    """

    failures: list[Failure]
    fragile: list[int]


def find_failures(
    system: LinearSystem,
    values: np.ndarray,
    suppressed: np.ndarray,
    k: int,
    check: np.ndarray,
    recheck: np.ndarray | None = None,
) -> Check:
    """Which cells in `check` (a bool mask of suppressed cells) disclose, and why.

    `values` are the true values of all cells. The true table is a feasible point, so it
    proves at once that true zeros can be 0 and true values >= k can reach k. The other
    proofs come from LPs: a few that push many cells down (or up to k) at once, then one per
    cell still unproven; every optimal vertex also proves other cells along the way.
    Apart from fragile cells, a cell that passes keeps passing when more cells are hidden
    (the attacker's feasible set only grows), so callers recheck only failing and newly
    hidden cells in `check`, and fragile cells in `recheck`: those only in components that
    hold a cell to check (elsewhere nothing changed).
    """
    result = Check([], [])
    for comp in _components(system, values, suppressed):
        todo = check[comp.vars]
        if todo.any():
            if recheck is not None:
                todo |= recheck[comp.vars]
            _check_component(comp, values[comp.vars], k, todo, result)
        elif recheck is not None:  # untouched component: its fragile cells stay as they were
            result.fragile.extend(int(c) for c in comp.vars[recheck[comp.vars]])
    result.failures.sort(key=lambda f: f.cell)
    result.fragile.sort()
    return result


def _check_component(
    comp: _Component, truth: np.ndarray, k: int, todo: np.ndarray, result: Check
) -> None:
    n = comp.vars.size
    solver = _Solver(comp)
    need_low = todo & (truth > TOL)  # a true zero is its own proof that 0 is possible
    need_high = todo & (truth < k - TOL)

    def certify(x: np.ndarray | None) -> None:
        if x is not None:
            need_low[x <= TOL] = False
            need_high[x >= k - TOL] = False

    def failure(j: int, kind: Literal["low", "high"], bound: float, lp: _LP) -> Failure:
        eq = comp.eq_rows[np.abs(lp.eq_duals) > 1e-9]
        le = comp.le_rows[np.abs(lp.le_duals) > 1e-9]
        return Failure(int(comp.vars[j]), kind, bound, tuple(map(int, eq)), tuple(map(int, le)))

    # Push all unproven cells down together while that proves more of them.
    while need_low.sum() > 1:
        before = need_low.sum()
        certify(solver.solve(need_low.astype(float)).x)
        if need_low.sum() == before:
            break
    for j in map(int, np.flatnonzero(need_low)):
        if not need_low[j]:
            continue
        lp = solver.solve(_unit(n, j))
        need_low[j] = False
        certify(lp.x)
        low = math.ceil(lp.fun - TOL)
        if 1 <= low <= k - 1:
            result.failures.append(failure(j, "low", lp.fun, lp))
        elif low >= k:
            result.fragile.append(int(comp.vars[j]))
    # Capping at k keeps these LPs bounded; a capped point is still a feasible table.
    while need_high.sum() > 1:
        before = need_high.sum()
        certify(solver.solve(-need_high.astype(float), np.where(need_high, k, math.inf)).x)
        if need_high.sum() == before:
            break
    for j in map(int, np.flatnonzero(need_high)):
        if not need_high[j]:
            continue
        cap = np.full(n, math.inf)
        cap[j] = k
        lp = solver.solve(_unit(n, j, -1.0), cap)
        need_high[j] = False
        certify(lp.x)
        if math.floor(-lp.fun + TOL) <= k - 1:
            result.failures.append(failure(j, "high", -lp.fun, lp))
