"""What the pages measure, as pure functions of bounded cells (see bounds.cell_bounds).

Each function returns a Polars frame with, per row, the bounded sum (``lo``, ``hi``, ``n``,
``n_supp``; see bounds.summarise) and what is derived from it (rates, shares). Nothing here
formats or draws; figures.py does that.

"Reports" means the ``total`` table, or, when problem types are chosen, the sum of the
``problemtyp`` cells for them (each report has exactly one problem type).
"""

from __future__ import annotations

import polars as pl

from dashboards.bounds import summarise
from dashboards.i18n import lan_name

AREA = {"node": "node_id", "lan": "lan"}


def report_cells(cells: pl.DataFrame, problemtyp: tuple[str, ...] = ()) -> pl.DataFrame:
    if problemtyp:
        return cells.filter((pl.col("table") == "problemtyp") & pl.col("dim1").is_in(problemtyp))
    return cells.filter(pl.col("table") == "total")


def area_labels(nodes: pl.DataFrame, group: str, lang: str) -> pl.DataFrame:
    """area -> label (förbund name, or län name)."""
    if group == "node":
        return nodes.select(area="node_id", label="node_name").unique("area")
    codes = nodes["lan"].unique().to_list()
    return pl.DataFrame(
        {"area": codes, "label": [lan_name(c, lang) for c in codes]},
        schema={"area": pl.String, "label": pl.String},
    )


def volume(
    cells: pl.DataFrame,
    nodes: pl.DataFrame,
    group: str,
    lang: str,
    problemtyp: tuple[str, ...] = (),
) -> pl.DataFrame:
    """Reports per area, absolute and per 10 000 inhabitants.

    Rates use only förbund that declared their population and published in the selection
    (``rate_nodes`` of ``n_nodes``); their population is ``population``.
    """
    per_node = summarise(report_cells(cells, problemtyp), ["node_id"]).join(
        nodes.select("node_id", "lan", "population"), on="node_id"
    )
    col = AREA[group]
    has_pop = pl.col("population").is_not_null()
    agg = per_node.group_by(col).agg(
        lo=pl.col("lo").sum(),
        hi=pl.when(pl.col("hi").is_null().any()).then(None).otherwise(pl.col("hi").sum()),
        n=pl.col("n").sum(),
        n_supp=pl.col("n_supp").sum(),
        n_nodes=pl.len(),
        rate_nodes=has_pop.sum(),
        population=pl.col("population").filter(has_pop).sum(),
        r_lo=pl.col("lo").filter(has_pop).sum(),
        r_hi=pl.when(pl.col("hi").filter(has_pop).is_null().any())
        .then(None)
        .otherwise(pl.col("hi").filter(has_pop).sum()),
        r_supp=pl.col("n_supp").filter(has_pop).sum(),
    )
    per = 10_000 / pl.col("population")
    out = agg.rename({col: "area"}).with_columns(
        rate_lo=pl.when(pl.col("population") > 0).then(pl.col("r_lo") * per),
        rate_hi=pl.when(pl.col("population") > 0).then(pl.col("r_hi") * per),
    )
    return out.join(area_labels(nodes, group, lang), on="area", how="left")


def shares(
    cells: pl.DataFrame,
    nodes: pl.DataFrame,
    group: str,
    dimension: str,
    lang: str,
    problemtyp: tuple[str, ...] = (),
) -> pl.DataFrame:
    """Mix per area: for each code of `dimension` ("problemtyp" or "aktor"), its count and
    its share of the area's reports, with honest bounds on both.

    share_lo = num.lo / den.hi, share_hi = num.hi / den.lo (capped at 1): any split of the
    suppressed counts consistent with the bounds gives a share in between.
    """
    col = AREA[group]
    if dimension == "problemtyp":
        num = cells.filter(pl.col("table") == "problemtyp")
        if problemtyp:
            num = num.filter(pl.col("dim1").is_in(problemtyp))
        num = num.with_columns(code=pl.col("dim1"))
    elif problemtyp:
        num = cells.filter(
            (pl.col("table") == "problemtyp_x_aktor") & pl.col("dim1").is_in(problemtyp)
        ).with_columns(code=pl.col("dim2"))
    else:
        num = cells.filter(pl.col("table") == "aktor").with_columns(code=pl.col("dim1"))
    nums = summarise(num, [col, "code"])
    dens = summarise(report_cells(cells, problemtyp), [col]).select(
        col, d_lo="lo", d_hi="hi", d_n="n", d_supp="n_supp"
    )
    out = nums.join(dens, on=col, how="left").rename({col: "area"})
    hidden = (pl.col("n") == 1) & (pl.col("n_supp") == 1)
    return out.with_columns(
        exact=(pl.col("n_supp") == 0) & (pl.col("d_supp") == 0),
        hidden=hidden,
        share_lo=pl.when(pl.col("d_hi") > 0).then(pl.col("lo") / pl.col("d_hi")).otherwise(0.0),
        share_hi=pl.when(pl.col("d_lo") > 0)
        .then(pl.min_horizontal(pl.lit(1.0), pl.col("hi") / pl.col("d_lo")))
        .otherwise(None),
        share=pl.when(pl.col("d_lo") > 0).then(pl.col("lo") / pl.col("d_lo")),
    ).join(area_labels(nodes, group, lang), on="area", how="left")


def matrix(cells: pl.DataFrame, problemtyp: tuple[str, ...] = ()) -> pl.DataFrame:
    """problemtyp × aktor counts summed over the selection: p, a, lo, hi, n, n_supp."""
    m = cells.filter(pl.col("table") == "problemtyp_x_aktor")
    if problemtyp:
        m = m.filter(pl.col("dim1").is_in(problemtyp))
    return summarise(m.with_columns(p=pl.col("dim1"), a=pl.col("dim2")), ["p", "a"])


def trend(cells: pl.DataFrame, problemtyp: tuple[str, ...] = ()) -> pl.DataFrame:
    """Reports per period and problem type: period, p, lo, hi, n, n_supp."""
    m = cells.filter(pl.col("table") == "problemtyp")
    if problemtyp:
        m = m.filter(pl.col("dim1").is_in(problemtyp))
    return summarise(m.with_columns(p=pl.col("dim1")), ["period", "p"])


def top(
    cells: pl.DataFrame, table: str, n: int = 3, problemtyp: tuple[str, ...] = ()
) -> pl.DataFrame:
    """The `n` most common codes of a one-dimensional table (by lower bound), unclassified
    left out: code, lo, hi, n, n_supp."""
    m = cells.filter(pl.col("table") == table)
    if table == "aktor" and problemtyp:
        m = cells.filter(
            (pl.col("table") == "problemtyp_x_aktor") & pl.col("dim1").is_in(problemtyp)
        ).with_columns(dim1=pl.col("dim2"))
    elif table == "problemtyp" and problemtyp:
        m = m.filter(pl.col("dim1").is_in(problemtyp))
    s = summarise(m.with_columns(code=pl.col("dim1")), ["code"]).filter(pl.col("code") != "-")
    shown = (pl.col("lo") > 0) & ~((pl.col("n") == 1) & (pl.col("n_supp") == 1))
    return s.filter(shown).sort(["lo", "code"], descending=[True, False]).head(n)


def reporting_nodes(cells: pl.DataFrame, period: str) -> int:
    """How many förbund published their `total` for `period`."""
    return cells.filter((pl.col("table") == "total") & (pl.col("period") == period))[
        "node_id"
    ].n_unique()
