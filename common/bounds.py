"""Honest bounds for suppressed cells, and sums over cells that carry them.

A suppressed cell (value null, shown as "..") is *not* known to lie in 1..k−1: complementary
suppression hides larger cells too. What we do know are the linear relations between a node's
published cells, and that counts are non-negative integers:

- partitions (parent = sum of children): ``total`` = Σ problemtyp = Σ niva = Σ organisation
  = Σ status; ``aktor(a)`` = Σ_p ``problemtyp_x_aktor(p, a)`` = Σ_n ``aktor_x_niva(a, n)``;
  a year = Σ its quarters, a quarter = Σ its months (same table and key);
- containments (child ≤ parent): ``aktor(a)`` ≤ ``total`` (a report names several actors),
  ``problemtyp_x_aktor(p, a)`` ≤ ``problemtyp(p)``, ``aktor_x_niva(a, n)`` ≤ ``niva(n)``.

:func:`cell_bounds` propagates intervals [lo, hi] through these relations until nothing
changes (interval constraint propagation). Every bound it gives is implied by published data,
so showing it discloses nothing the publication did not. A partition whose children are not
all published (a year whose fourth quarter is missing) is only used in the directions that
stay valid for a partial sum. ``hi`` null means no upper bound is known.

:func:`summarise` sums cells (e.g. over förbund) into known sum, lower and upper bound.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

PARTITION_TABLES = ("problemtyp", "niva", "organisation", "status")
_MAX_ROUNDS = 12
_INF = math.inf


_CHUNK_CELLS = 1_500_000
_TAGS = {t: i for i, t in enumerate(PARTITION_TABLES)} | {"pa": 4, "an": 5, "time": 6}


def _edges(c: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Relations between cells: partitions (gid, tag, parent, child) and containments
    (parent, child). Cell ids are `cid` (dense row numbers)."""
    sel = ["node_id", "period"]
    total = c.filter(pl.col("table") == "total").select(*sel, parent="cid")
    aktor = c.filter(pl.col("table") == "aktor").select(*sel, a="d1", parent="cid")
    parts = [
        c.filter(pl.col("table").is_in(PARTITION_TABLES))
        .select(*sel, "table", child="cid")
        .join(total, on=sel)
        .select(
            tag=pl.col("table").replace_strict(_TAGS, return_dtype=pl.Int64),
            parent="parent",
            child="child",
        ),
        c.filter(pl.col("table") == "problemtyp_x_aktor")
        .select(*sel, a="d2", child="cid")
        .join(aktor, on=[*sel, "a"])
        .select(tag=pl.lit(_TAGS["pa"], pl.Int64), parent="parent", child="child"),
        c.filter(pl.col("table") == "aktor_x_niva")
        .select(*sel, a="d1", child="cid")
        .join(aktor, on=[*sel, "a"])
        .select(tag=pl.lit(_TAGS["an"], pl.Int64), parent="parent", child="child"),
        _time_edges(c),
    ]
    conts = [
        aktor.join(total.rename({"parent": "p2"}), on=sel).select(parent="p2", child="parent"),
        c.filter(pl.col("table") == "problemtyp_x_aktor")
        .select(*sel, p="d1", child="cid")
        .join(
            c.filter(pl.col("table") == "problemtyp").select(*sel, p="d1", parent="cid"),
            on=[*sel, "p"],
        )
        .select("parent", "child"),
        c.filter(pl.col("table") == "aktor_x_niva")
        .select(*sel, n="d2", child="cid")
        .join(
            c.filter(pl.col("table") == "niva").select(*sel, n="d1", parent="cid"),
            on=[*sel, "n"],
        )
        .select("parent", "child"),
    ]
    part = pl.concat(parts).with_columns(pl.col("parent", "child").cast(pl.Int64))
    part = part.with_columns(
        gid=(pl.col("parent") * 8 + pl.col("tag")).rank("dense").cast(pl.Int64) - 1
    )
    cont = pl.concat(conts).with_columns(pl.col("parent", "child").cast(pl.Int64))
    return part, cont


def _parent_period() -> pl.Expr:
    """The period a quarter or month nests in (see periods.parent), as a Polars expression."""
    p = pl.col("period")
    month = p.str.slice(5, 2).cast(pl.Int32, strict=False)
    return (
        pl.when(pl.col("period_kind") == "quarter")
        .then(p.str.slice(0, 4))
        .when(pl.col("period_kind") == "month")
        .then(pl.format("{}-Q{}", p.str.slice(0, 4), ((month - 1) // 3 + 1).cast(pl.String)))
        .otherwise(None)
    )


def _time_edges(c: pl.DataFrame) -> pl.DataFrame:
    key = ["node_id", "table", "d1", "d2"]
    nested = c.filter(pl.col("period_kind") != "year").with_columns(up=_parent_period())
    ups = c.select(*key, up="period", parent="cid")
    return (
        nested.select(*key, "up", child="cid")
        .join(ups, on=[*key, "up"])
        .select(tag=pl.lit(_TAGS["time"], pl.Int64), parent="parent", child="child")
    )


def _complete(part: pl.DataFrame, c: pl.DataFrame) -> np.ndarray:
    """Per partition edge: whether its partition lists all its children.

    A year has four quarters and a quarter three months; a table partition is complete when
    it has as many children as the fullest partition of the same kind *of the same förbund*
    (a node publishes the full code cross product of its taxonomy, and a newer taxonomy may
    add codes). Judged within the förbund, so a förbund's bounds depend on its own cells only
    and can be computed once, when its bundle is stored: compared with all förbund together
    (the rule before), a förbund still on an older code list gets its partitions counted as
    complete, which they are for its taxonomy.
    """
    info = c.select(child="cid", node="node_id", tbl="table", pkind="period_kind")
    sizes = (
        part.join(info, on="child", how="left", maintain_order="left")
        .with_columns(n=pl.len().over("gid"))
        .with_columns(
            expected=pl.when(pl.col("tag") != _TAGS["time"])
            .then(pl.col("n").max().over("node", "tag", "tbl", "pkind"))
            .when(pl.col("pkind") == "quarter")
            .then(4)
            .otherwise(3)
        )
    )
    return (sizes["n"] >= sizes["expected"]).to_numpy()


def cell_bounds(cells: pl.DataFrame) -> pl.DataFrame:
    """`cells` plus Int64 columns ``lo`` and ``hi`` (hi null = unbounded above).

    Relations never cross förbund, so large inputs are bounded a group of förbund at a time
    (same result, bounded memory): each group's rows are taken with only the columns the
    relations need, and their bounds written into two arrays in the input's row order, so
    the input's columns are never copied.
    """
    if cells.height <= _CHUNK_CELLS or cells["value"].null_count() == 0:
        return _attach(cells, *_bound_arrays(cells))
    sizes = cells.group_by("node_id", maintain_order=True).len()
    group = (sizes["len"].cum_sum() // _CHUNK_CELLS).cast(pl.Int32)
    chunk = (
        cells["node_id"].replace_strict(sizes["node_id"], group, return_dtype=pl.Int32).to_numpy()
    )
    order = np.argsort(chunk, kind="stable")
    edges = np.searchsorted(chunk[order], np.arange(int(group.max() or 0) + 2))  # type: ignore[arg-type]
    narrow = cells.select(_NEEDED)
    lo, hi = np.empty(cells.height), np.empty(cells.height)
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        rows = order[a:b]
        lo[rows], hi[rows] = _bound_arrays(narrow[rows])
    return _attach(cells, lo, hi)


_NEEDED = ("node_id", "period", "period_kind", "table", "dim1", "dim2", "value")


def _attach(cells: pl.DataFrame, lo: np.ndarray, hi: np.ndarray) -> pl.DataFrame:
    return cells.with_columns(
        lo=pl.Series(lo).cast(pl.Int64),
        hi=pl.Series(np.where(np.isinf(hi), np.nan, hi)).fill_nan(None).cast(pl.Int64),
    )


def _bound_arrays(cells: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """lo and hi (inf = unbounded) of each row of `cells`, as float arrays."""
    known = cells["value"].is_not_null().to_numpy()
    values = cells["value"].fill_null(0).cast(pl.Float64).to_numpy()
    lo = np.where(known, values, 0.0)
    hi = np.where(known, values, np.inf)
    if not known.all():
        c = cells.with_row_index("cid").with_columns(
            pl.col("cid").cast(pl.Int64),
            d1=pl.col("dim1").fill_null(""),
            d2=pl.col("dim2").fill_null(""),
        )
        lo, hi = _propagate(c, ~known, lo, hi)
    return lo, hi


def _propagate(
    c: pl.DataFrame, supp: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    part, cont = _edges(c)
    # Only relations that involve a suppressed cell can tighten anything.
    p_par, p_ch = part["parent"].to_numpy(), part["child"].to_numpy()
    gid = part["gid"].to_numpy()
    n_groups = int(gid.max()) + 1 if gid.size else 0
    touched = np.bincount(gid, weights=supp[p_par] | supp[p_ch], minlength=n_groups) > 0
    keep = touched[gid]
    complete = _complete(part, c)[keep]
    p_par, p_ch, gid = p_par[keep], p_ch[keep], gid[keep]
    gid = np.unique(gid, return_inverse=True)[1]
    n_groups = int(gid.max()) + 1 if gid.size else 0
    c_par, c_ch = cont["parent"].to_numpy(), cont["child"].to_numpy()
    c_keep = supp[c_par] | supp[c_ch]
    c_par, c_ch = c_par[c_keep], c_ch[c_keep]
    for _ in range(_MAX_ROUNDS):
        new_lo, new_hi = _round(lo, hi, supp, p_par, p_ch, gid, n_groups, complete, c_par, c_ch)
        if np.array_equal(new_lo, lo) and np.array_equal(new_hi, hi):
            break
        lo, hi = new_lo, new_hi
    return lo, hi


def _round(
    lo: np.ndarray, hi: np.ndarray, supp: np.ndarray,
    p_par: np.ndarray, p_ch: np.ndarray, gid: np.ndarray, n_groups: int, complete: np.ndarray,
    c_par: np.ndarray, c_ch: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """One pass of interval propagation over every relation, vectorised with NumPy."""
    clo, chi, plo, phi = lo[p_ch], hi[p_ch], lo[p_par], hi[p_par]
    fin = np.isfinite(chi)
    slo = np.bincount(gid, weights=clo, minlength=n_groups)[gid]
    shi_fin = np.bincount(gid, weights=np.where(fin, chi, 0.0), minlength=n_groups)[gid]
    ninf = np.bincount(gid, weights=~fin, minlength=n_groups)[gid]
    others_inf = (ninf - ~fin) > 0
    others_hi = shi_fin - np.where(fin, chi, 0.0)
    cand_lo, cand_hi = np.zeros_like(lo), np.full_like(hi, _INF)
    # child of a partition: at least parent.lo − others' hi (if complete), at most
    # parent.hi − others' lo; parent: at least Σ lo, at most Σ hi (if complete).
    np.maximum.at(cand_lo, p_ch, np.where(complete & ~others_inf, plo - others_hi, 0.0))
    np.minimum.at(cand_hi, p_ch, phi - (slo - clo))
    np.maximum.at(cand_lo, p_par, slo)
    np.minimum.at(cand_hi, p_par, np.where(complete & (ninf == 0), shi_fin, _INF))
    # containment: child ≤ parent
    np.minimum.at(cand_hi, c_ch, hi[c_par])
    np.maximum.at(cand_lo, c_par, lo[c_ch])
    new_lo = np.where(supp, np.maximum(lo, np.ceil(cand_lo)), lo)
    new_hi = np.where(supp, np.maximum(np.minimum(hi, np.floor(cand_hi)), new_lo), hi)
    return new_lo, new_hi


def summarise(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Sum bounded cells per group: known, lo, hi (null = unbounded), n cells, n suppressed."""
    return frame.group_by(by, maintain_order=True).agg(
        known=pl.col("value").sum(),
        lo=pl.col("lo").sum(),
        hi=pl.when(pl.col("hi").is_null().any()).then(None).otherwise(pl.col("hi").sum()),
        n=pl.len(),
        n_supp=pl.col("value").is_null().sum(),
    )
