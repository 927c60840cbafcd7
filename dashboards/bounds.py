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

import polars as pl

from dashboards import periods

PARTITION_TABLES = ("problemtyp", "niva", "organisation", "status")
_MAX_ROUNDS = 12
_INF = math.inf


def _edges(c: pl.DataFrame) -> pl.DataFrame:
    """Relations between cells as rows: gkey, kind ('part' | 'cont'), parent, child."""
    sel = ["node_id", "period"]
    total = c.filter(pl.col("table") == "total").select(*sel, parent="cid")
    aktor = c.filter(pl.col("table") == "aktor").select(*sel, a="d1", parent="cid")
    parts = [
        c.filter(pl.col("table").is_in(PARTITION_TABLES))
        .select(*sel, "table", child="cid")
        .join(total, on=sel)
        .select(gkey=pl.format("{}:{}", "parent", "table"), parent="parent", child="child"),
        c.filter(pl.col("table") == "problemtyp_x_aktor")
        .select(*sel, a="d2", child="cid")
        .join(aktor, on=[*sel, "a"])
        .select(gkey=pl.format("{}:pa", "parent"), parent="parent", child="child"),
        c.filter(pl.col("table") == "aktor_x_niva")
        .select(*sel, a="d1", child="cid")
        .join(aktor, on=[*sel, "a"])
        .select(gkey=pl.format("{}:an", "parent"), parent="parent", child="child"),
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
    part = pl.concat(parts).with_columns(kind=pl.lit("part"))
    cont = (
        pl.concat(conts)
        .with_columns(gkey=pl.format("{}>{}", "parent", "child"), kind=pl.lit("cont"))
        .select(part.columns)
    )
    return pl.concat([part, cont]).with_columns(pl.col("parent", "child").cast(pl.Int64))


def _time_edges(c: pl.DataFrame) -> pl.DataFrame:
    key = ["node_id", "table", "d1", "d2"]
    nested = c.filter(pl.col("period_kind") != "year").with_columns(
        up=pl.col("period").map_elements(periods.parent, return_dtype=pl.String)
    )
    ups = c.select(*key, up="period", parent="cid")
    return (
        nested.select(*key, "up", child="cid")
        .join(ups, on=[*key, "up"])
        .select(gkey=pl.format("{}:time", "parent"), parent="parent", child="child")
    )


def _complete(edges: pl.DataFrame, c: pl.DataFrame) -> pl.DataFrame:
    """gkey -> whether a partition lists all its children.

    A year has four quarters and a quarter three months; a table partition is complete when
    it has as many children as the fullest partition of the same kind in the data (every node
    publishes the full code cross product, but a newer taxonomy may add codes).
    """
    part = edges.filter(pl.col("kind") == "part")
    info = c.select(child="cid", tbl="table", pkind="period_kind")
    sizes = (
        part.join(info, on="child")
        .group_by("gkey")
        .agg(n=pl.len(), tbl=pl.col("tbl").first(), pkind=pl.col("pkind").first())
        .with_columns(tag=pl.col("gkey").str.replace(r"^\d+:", ""))
    )
    expected = (
        pl.when(pl.col("tag") != "time")
        .then(pl.col("n").max().over("tag", "tbl", "pkind"))
        .when(pl.col("pkind") == "quarter")
        .then(4)
        .otherwise(3)
    )
    return sizes.select("gkey", complete=pl.col("n") >= expected)


def cell_bounds(cells: pl.DataFrame) -> pl.DataFrame:
    """`cells` plus Int64 columns ``lo`` and ``hi`` (hi null = unbounded above)."""
    c = cells.with_row_index("cid").with_columns(
        pl.col("cid").cast(pl.Int64),
        d1=pl.col("dim1").fill_null(""),
        d2=pl.col("dim2").fill_null(""),
    )
    known = pl.col("value").is_not_null()
    state = c.select(
        "cid",
        supp=~known,
        lo=pl.when(known).then(pl.col("value").cast(pl.Float64)).otherwise(0.0),
        hi=pl.when(known).then(pl.col("value").cast(pl.Float64)).otherwise(_INF),
    )
    if state["supp"].any():
        state = _propagate(c, state)
    return cells.with_columns(
        lo=state["lo"].cast(pl.Int64),
        hi=pl.when(state["hi"].is_infinite()).then(None).otherwise(state["hi"]).cast(pl.Int64),
    )


def _propagate(c: pl.DataFrame, state: pl.DataFrame) -> pl.DataFrame:
    edges = _edges(c)
    supp_ids = state.filter("supp")["cid"]
    touched = edges.filter(
        pl.col("parent").is_in(supp_ids.implode()) | pl.col("child").is_in(supp_ids.implode())
    )
    edges = edges.filter(pl.col("gkey").is_in(touched["gkey"].unique().implode()))
    if edges.is_empty():
        return state
    edges = edges.join(_complete(edges, c), on="gkey", how="left").with_columns(
        pl.col("complete").fill_null(True)
    )
    for _ in range(_MAX_ROUNDS):
        new = _round(edges, state)
        if new.select("lo", "hi").equals(state.select("lo", "hi")):
            break
        state = new
    return state


def _round(edges: pl.DataFrame, state: pl.DataFrame) -> pl.DataFrame:
    s = state.select("cid", "lo", "hi")
    e = edges.join(s.rename({"cid": "parent", "lo": "plo", "hi": "phi"}), on="parent").join(
        s.rename({"cid": "child", "lo": "clo", "hi": "chi"}), on="child"
    )
    part = e.filter(pl.col("kind") == "part").with_columns(
        slo=pl.col("clo").sum().over("gkey"),
        shi_fin=pl.col("chi").filter(pl.col("chi").is_finite()).sum().over("gkey"),
        ninf=pl.col("chi").is_infinite().sum().over("gkey"),
    )
    others_inf = (pl.col("ninf") - pl.col("chi").is_infinite().cast(pl.UInt32)) > 0
    others_hi = pl.col("shi_fin") - pl.when(pl.col("chi").is_finite()).then("chi").otherwise(0.0)
    child_part = part.select(
        cid="child",
        lo=pl.when(pl.col("complete") & ~others_inf).then(pl.col("plo") - others_hi).otherwise(0.0),
        hi=pl.col("phi") - (pl.col("slo") - pl.col("clo")),
    )
    parent_part = part.group_by("gkey").agg(
        cid=pl.col("parent").first(),
        lo=pl.col("slo").first(),
        hi=pl.when(pl.col("complete").first() & (pl.col("ninf").first() == 0))
        .then(pl.col("shi_fin").first())
        .otherwise(_INF),
    )
    cont = e.filter(pl.col("kind") == "cont")
    candidates = pl.concat(
        [
            child_part,
            parent_part.select("cid", "lo", "hi"),
            cont.select(cid="child", lo=pl.lit(0.0), hi="phi"),
            cont.select(cid="parent", lo="clo", hi=pl.lit(_INF)),
        ]
    )
    best = candidates.group_by("cid").agg(clo=pl.col("lo").max(), chi=pl.col("hi").min())
    merged = state.join(best, on="cid", how="left", maintain_order="left")
    lo = pl.max_horizontal("lo", pl.col("clo").fill_null(0.0).ceil())
    hi = pl.min_horizontal("hi", pl.col("chi").fill_null(_INF).floor())
    return merged.select(
        "cid",
        "supp",
        lo=pl.when("supp").then(lo).otherwise("lo"),
        hi=pl.when("supp").then(pl.max_horizontal(hi, lo)).otherwise("hi"),
    )


def summarise(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Sum bounded cells per group: known, lo, hi (null = unbounded), n cells, n suppressed."""
    return frame.group_by(by, maintain_order=True).agg(
        known=pl.col("value").sum(),
        lo=pl.col("lo").sum(),
        hi=pl.when(pl.col("hi").is_null().any()).then(None).otherwise(pl.col("hi").sum()),
        n=pl.len(),
        n_supp=pl.col("value").is_null().sum(),
    )
