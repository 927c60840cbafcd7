"""Primary and complementary suppression of a node's count tables.

Primary: every cell with a count of 1..k-1 is suppressed (zeros stay, k = 1 hides nothing).
Complementary: further cells are suppressed until the LP audit of ``node.audit`` passes for
everything published together (all tables, all periods, quarters against years).

The method is greedy and iterative, like the hypercube and GaussSuppression heuristics of
statistical agencies but checked by the exact LP audit:

1. suppress the primaries, then apply the classic rules to every sum relation without LP
   (at least two hidden cells; hidden cells on one side add up to at least k);
2. audit; for each failing cell the LP says which relations pin it (non-zero dual values);
   suppress the cheapest published cell in them: for a cell whose maximum is below k, the
   smallest non-zero value that lifts it to k (a hidden zero adds no uncertainty to a sum);
   for a cell proven non-zero, the smallest value, zeros first (a hidden zero can absorb the
   count). A zero whose published margin is below k is a poor choice: it would itself be
   known to be small;
3. audit again only the failing and the new cells (hiding more never narrows a bound; the
   few cells that pass by being proven >= k are rechecked where something changed) and
   repeat until nothing fails.

Each round hides at least one more cell and hiding everything always passes, so it ends.
Only one failing cell per relation is mended per round, which keeps the result lean. Ties are
broken by fewer relations and then by table order, so the output is deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from node.aggregate import CountTable
from node.audit import TOL, CellId, Failure, LinearSystem, audit, find_failures
from schemas.wire import Table


@dataclass(frozen=True)
class Protection:
    """Tables ready to publish (None where suppressed) and how many cells were hidden, why."""

    tables: list[Table]
    primary: int
    complementary: int


class _Graph:
    """Which cells take part in which relations, both ways, with their coefficients."""

    def __init__(self, system: LinearSystem) -> None:
        self.rows = {"eq": system.eq.tocsr(), "le": system.le.tocsr()}
        self.cols = {kind: m.tocsc() for kind, m in self.rows.items()}
        self.degree = sum(np.diff(m.indptr) for m in self.cols.values())

    def row(self, kind: str, r: int) -> tuple[np.ndarray, np.ndarray]:
        m = self.rows[kind]
        span = slice(m.indptr[r], m.indptr[r + 1])
        return m.indices[span], m.data[span]

    def row_cells(self, kind: str, r: int) -> np.ndarray:
        return self.row(kind, r)[0]

    def cell_rows(self, c: int) -> list[tuple[str, int]]:
        out = []
        for kind, m in self.cols.items():
            out += [(kind, int(r)) for r in m.indices[m.indptr[c] : m.indptr[c + 1]]]
        return out

    def room(self, c: int, values: np.ndarray, hidden: np.ndarray) -> float:
        """How large cell `c` could be if hidden now, by the published parts of its relations.

        A hidden cell must be able to reach k; a zero whose published margin is below k (or
        a zero margin) would itself disclose, so it is a poor complement.
        """
        best = np.inf
        for kind, r in self.cell_rows(c):
            cells, coefs = self.row(kind, r)
            own = coefs[cells == c][0]
            neg = coefs < 0
            if own <= 0 or hidden[cells[neg]].any():
                continue
            pos_known = (coefs > 0) & ~hidden[cells] & (cells != c)
            bound = -(coefs[neg] @ values[cells[neg]]) - coefs[pos_known] @ values[cells[pos_known]]
            best = min(best, bound / own)
        return best


def _cost(
    c: int, failure: Failure, k: int, graph: _Graph, values: np.ndarray, hidden: np.ndarray,
    pinned: np.ndarray,
) -> tuple:  # fmt: skip
    """Order of preference among candidate complements (smaller is better)."""
    value = values[c]
    weak = graph.room(c, values, hidden) < k - TOL
    if failure.kind == "high":
        # Only a hidden non-zero count adds uncertainty to a sum; one that lifts the bound
        # to k at once is best, the smallest such; else the largest available.
        need = k - np.floor(failure.bound + TOL)
        fixes = value >= need
        return (bool(pinned[c]), weak, value <= 0, not fixes, value if fixes else -value,
                graph.degree[c], c)  # fmt: skip
    return (bool(pinned[c]), weak, value, graph.degree[c], c)


def _candidates(graph: _Graph, rows: list[tuple[str, int]], hidden: np.ndarray) -> set[int]:
    found: set[int] = set()
    for kind, r in rows:
        found.update(int(c) for c in graph.row_cells(kind, r) if not hidden[c])
    return found


def _reachable_rows(graph: _Graph, start: int, hidden: np.ndarray) -> list[tuple[str, int]]:
    """Relations reachable from `start` through hidden cells: the cell's whole component."""
    seen_cells, seen_rows = {start}, []
    frontier = [start]
    done_rows: set[tuple[str, int]] = set()
    while frontier:
        nxt = []
        for c in frontier:
            for row in graph.cell_rows(c):
                if row in done_rows:
                    continue
                done_rows.add(row)
                seen_rows.append(row)
                for d in graph.row_cells(*row):
                    if hidden[d] and int(d) not in seen_cells:
                        seen_cells.add(int(d))
                        nxt.append(int(d))
        frontier = nxt
    return seen_rows


def _complements(
    graph: _Graph,
    failures: list[Failure],
    values: np.ndarray,
    hidden: np.ndarray,
    k: int,
    pinned: np.ndarray,
) -> np.ndarray:
    """One new cell per failing cell whose pinning relations were not mended this round."""
    new = np.zeros_like(hidden)
    touched: set[tuple[str, int]] = set()
    for f in failures:
        binding = [("eq", r) for r in f.eq_rows] + [("le", r) for r in f.le_rows]
        if touched.intersection(binding):
            continue
        now_hidden = hidden | new
        cands = _candidates(graph, binding, now_hidden)
        if not cands:
            binding = graph.cell_rows(f.cell)
            cands = _candidates(graph, binding, now_hidden)
        if not cands:
            binding = _reachable_rows(graph, f.cell, now_hidden)
            cands = _candidates(graph, binding, now_hidden)
        if not cands:
            raise RuntimeError(f"no cell left to protect cell {f.cell}: a bug in the relations")
        best = min(cands, key=lambda c: _cost(c, f, k, graph, values, now_hidden, pinned))
        new[best] = True
        touched.update(binding)
    return new


def _row_rules(
    graph: _Graph, values: np.ndarray, hidden: np.ndarray, k: int, pinned: np.ndarray
) -> np.ndarray:
    """The classic rules, without LP, so that the audit rounds have little left to mend.

    In every sum relation that has a hidden cell, at least two cells are hidden (else the
    one is recovered), and when the hidden cells are all on one side their true sum is at
    least k (else each of them is known to be below k). Applied until nothing changes.
    """
    hidden = hidden.copy()
    todo = sorted(
        {r for c in np.flatnonzero(hidden) for kind, r in graph.cell_rows(int(c)) if kind == "eq"}
    )
    while todo:
        queue, todo = todo, []
        for r in queue:
            cells, coefs = graph.row("eq", r)
            h = hidden[cells]
            if not h.any():
                continue
            one_side = len(set(np.sign(coefs[h]))) == 1
            total = float(values[cells[h]].sum())
            if h.sum() >= 2 and (not one_side or total >= k):
                continue
            side = coefs[h][0] if one_side else 0
            open_cells = [int(c) for c, a in zip(cells[~h], coefs[~h], strict=True) if a == side]
            if not open_cells:
                open_cells = [int(c) for c in cells[~h]]
            if not open_cells:
                continue
            failure = Failure(-1, "high" if total < k else "low", total, (r,), ())
            best = min(
                open_cells, key=lambda c: _cost(c, failure, k, graph, values, hidden, pinned)
            )
            hidden[best] = True
            todo.append(r)
            todo.extend(r2 for kind, r2 in graph.cell_rows(best) if kind == "eq" and r2 != r)
    return hidden


def _suppress(
    system: LinearSystem, values: np.ndarray, hidden: np.ndarray, k: int, pinned: np.ndarray,
    lp: bool = True,
) -> np.ndarray:  # fmt: skip
    graph = _Graph(system)
    hidden = _row_rules(graph, values, hidden, k, pinned)
    if not lp:
        return hidden
    check = hidden.copy()
    fragile = np.zeros_like(hidden)
    while True:
        result = find_failures(system, values, hidden, k, check, fragile)
        if not result.failures:
            return hidden
        new = _complements(graph, result.failures, values, hidden, k, pinned)
        check = new.copy()
        check[[f.cell for f in result.failures]] = True
        fragile = np.zeros_like(hidden)
        fragile[result.fragile] = True
        hidden = hidden | new


def _revision_masks(
    cells: list[CellId], values: np.ndarray, previous: list[Table], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """What an earlier publication of the same periods forces on this one.

    kept: cells hidden before whose value may be unchanged (it lies in the range the earlier
    publication allowed, by the LP audit of it), so publishing it could reveal the old
    table; they stay hidden. pinned: cells published before with the same value, so hiding
    them now protects nothing; they are the last choice as complements.
    """
    index = {c: i for i, c in enumerate(cells)}
    kept = np.zeros(len(cells), dtype=bool)
    pinned = np.zeros(len(cells), dtype=bool)
    for b in audit(previous, k).bounds:
        i = index.get((b.table, b.period, b.key))
        # An earlier cell may have no upper bound (nothing published above it): compare as
        # floats, never convert an infinite bound to an integer.
        if i is not None and math.ceil(b.low - TOL) <= values[i] <= b.high + TOL:
            kept[i] = True
    for t in previous:
        for key, v in t.cells:
            i = index.get((t.name, t.period, tuple(key)))
            if i is not None and v is not None and v == values[i]:
                pinned[i] = True
    return kept, pinned


def protect(tables: list[CountTable], k: int, previous: list[Table] | None = None,
            lp: bool = True) -> Protection:  # fmt: skip
    """Suppress cells of `tables` so that no count in 1..k-1 can be learnt from them together.

    The result keeps the order of `tables` and of their cells. All periods given are
    protected together, so pass every table that is published side by side. `previous` is
    what the node published earlier for these periods: a cell hidden then stays hidden while
    its value may be unchanged, so a revision reveals nothing new (see `_revision_masks`).
    Cells hidden for that reason count as complementary. With ``lp=False`` only the sum-row
    rules run (no LP rounds): for a caller that audits with the exact model and mends what it
    pins (``node.publish.protect_exact``).
    """
    cells: list[CellId] = []
    vals: list[int] = []
    for t in tables:
        for key, v in t.counts.items():
            cells.append((t.name, t.period, key))
            vals.append(v)
    values = np.array(vals, dtype=float)
    primary = (values >= 1) & (values <= k - 1)
    if previous:
        kept, pinned = _revision_masks(cells, values, previous, k)
    else:
        kept = pinned = np.zeros(len(cells), dtype=bool)
    hidden = primary | kept
    if hidden.any():
        hidden = _suppress(LinearSystem.build(cells), values, hidden, k, pinned, lp)
    out, i = [], 0
    for t in tables:
        row = []
        for key, v in t.counts.items():
            row.append((key, None if hidden[i] else v))
            i += 1
        out.append(Table(t.name, t.period, t.dims, tuple(row)))
    n_primary = int(primary.sum())
    return Protection(out, n_primary, int(hidden.sum()) - n_primary)


# --------------------------------------------------------------------------- the exact model


def mend(tables: list[CountTable], published: list[Table], cells: set[CellId], k: int,
         pins: dict[CellId, tuple[str, list[CellId]]] | None = None,
         avoid: set[CellId] | frozenset[CellId] = frozenset()) -> list[Table]:  # fmt: skip
    """Hide one more published cell for each cell in `cells` (cells the exact model pins).

    `pins` names, per cell, which end is pinned ("high": it cannot reach k; "low": it cannot
    reach 0) and the published cells whose relations pin it (the exact model's LP duals,
    ``common.disclosure.exact.pinning_cells``); the cheapest of those is hidden (see
    `_cost`). Without them, a cell of its relations in the margins model is chosen. Cells in
    `avoid` are the last choice: e.g. the total of the first or last published period, known
    to hold a report, which hidden would only say "at least one"."""
    ids: list[CellId] = []
    vals: list[int] = []
    hidden_l: list[bool] = []
    for t, p in zip(tables, published, strict=True):
        for (key, true), (_, v) in zip(t.counts.items(), p.cells, strict=True):
            ids.append((t.name, t.period, key))
            vals.append(true)
            hidden_l.append(v is None)
    system = LinearSystem.build(ids)
    graph = _Graph(system)
    values = np.array(vals, dtype=float)
    hidden = np.array(hidden_l, dtype=bool)
    index = {c: i for i, c in enumerate(ids)}
    failures = []
    guided = np.zeros_like(hidden)
    for c in sorted(cells):
        i = index.get(c)
        if i is None:
            continue
        end: Literal["low", "high"]
        end, pinned_by = (pins or {}).get(c, ("high", []))  # type: ignore[assignment]
        cands = [index[p] for p in pinned_by if p in index and p not in avoid
                 and not (hidden | guided)[index[p]]]  # fmt: skip
        if cands:
            f = Failure(i, end, values[i], (), ())
            best = min(cands, key=lambda j: _cost(j, f, k, graph, values, hidden | guided,
                                                  np.zeros_like(hidden)))  # fmt: skip
            guided[best] = True
            continue
        rows = graph.cell_rows(i)
        failures.append(Failure(i, "high", values[i], tuple(r for kind, r in rows if kind == "eq"),
                                tuple(r for kind, r in rows if kind == "le")))  # fmt: skip
    hidden |= guided
    if failures:
        last = np.zeros_like(hidden)
        last[[index[c] for c in avoid if c in index]] = True
        hidden |= _complements(graph, failures, values, hidden, k, last)
    out, i = [], 0
    for t in tables:
        row = []
        for key, v in t.counts.items():
            row.append((key, None if hidden[i] else v))
            i += 1
        out.append(Table(t.name, t.period, t.dims, tuple(row)))
    return out
