"""What the pages measure, as pure functions of bounded cells (see bounds.cell_bounds).

Each function returns a Polars frame with, per row, the bounded sum (``lo``, ``hi``, ``n``,
``n_supp``; see bounds.summarise) and what is derived from it (rates, shares). Nothing here
formats or draws; figures.py does that.

"Reports" means the ``total`` table, or, when codes are chosen, the sum of the cells for
them (see :func:`report_cells`): each report has one problem type and one level, so those
sums are report counts; a report can name several actors, so a sum over several chosen
actors counts actor mentions (:func:`counts_mentions`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from common.bounds import summarise as _summarise
from dashboards.i18n import lan_name

AREA = {"node": "node_id", "lan": "lan"}
NATIONAL_AGENCIES = ("AF", "FK", "MYN")
"""Actors that are national agencies (Arbetsförmedlingen, Försäkringskassan, annan myndighet)."""


@dataclass(frozen=True)
class Selection:
    """The codes chosen in the filters; empty means all."""

    problemtyp: tuple[str, ...] = ()
    aktor: tuple[str, ...] = ()
    niva: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.problemtyp or self.aktor or self.niva)


ALL = Selection()


def summarise(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """`common.bounds.summarise` with its group keys as text and its sums as Int64, whatever
    the storage of the cells (compact Enum/Int32 cells give the frames text cells give)."""
    out = _summarise(frame, by)
    return out.with_columns(
        [pl.col(c).cast(pl.String) for c in by if isinstance(out.schema[c], pl.Enum)]
        + [pl.col(c).cast(pl.Int64) for c in ("known", "lo", "hi")]
    )


def as_selection(sel: Selection | tuple[str, ...]) -> Selection:
    """Builders accept a Selection, or (as before) a tuple of problem types."""
    return sel if isinstance(sel, Selection) else Selection(problemtyp=tuple(sel))


def dim_cells(cells: pl.DataFrame, dim: str, sel: Selection = ALL) -> pl.DataFrame:
    """The cells that count reports per code of `dim` ("problemtyp", "aktor", "niva") under
    the selection, with the code in column ``code``.

    A choice on another dimension is honoured through the cross table that carries it
    (problemtyp × aktor, aktor × nivå). Problem type and level are never published
    together, so that pair cannot narrow each other (see :func:`ignored`).
    """
    t, d1, d2 = pl.col("table"), pl.col("dim1"), pl.col("dim2")
    if dim == "problemtyp":
        if sel.aktor:
            m = cells.filter((t == "problemtyp_x_aktor") & d2.is_in(sel.aktor))
        else:
            m = cells.filter(t == "problemtyp")
        m, chosen = m.with_columns(code=d1), sel.problemtyp
    elif dim == "aktor":
        if sel.problemtyp:
            m = cells.filter((t == "problemtyp_x_aktor") & d1.is_in(sel.problemtyp))
            m = m.with_columns(code=d2)
        elif sel.niva:
            m = cells.filter((t == "aktor_x_niva") & d2.is_in(sel.niva)).with_columns(code=d1)
        else:
            m = cells.filter(t == "aktor").with_columns(code=d1)
        chosen = sel.aktor
    elif dim == "niva":
        if sel.aktor:
            m = cells.filter((t == "aktor_x_niva") & d1.is_in(sel.aktor)).with_columns(code=d2)
        else:
            m = cells.filter(t == "niva").with_columns(code=d1)
        chosen = sel.niva
    else:
        raise ValueError(f"not a dimension: {dim!r}")
    return m.filter(pl.col("code").is_in(chosen)) if chosen else m


def report_cells(cells: pl.DataFrame, sel: Selection | tuple[str, ...] = ()) -> pl.DataFrame:
    """The cells whose sum is "reports" in the selection: ``total`` when nothing is chosen,
    else the chosen codes of the first chosen dimension (problemtyp, aktor, niva), narrowed
    by the others where a cross table allows it."""
    sel = as_selection(sel)
    if sel.problemtyp:
        return dim_cells(cells, "problemtyp", sel)
    if sel.aktor:
        return dim_cells(cells, "aktor", sel)
    if sel.niva:
        return dim_cells(cells, "niva", sel)
    return cells.filter(pl.col("table") == "total")


def ignored(sel: Selection) -> bool:
    """True when the selection combines problem type and level, which no table publishes."""
    return bool(sel.problemtyp and sel.niva)


def counts_mentions(sel: Selection) -> bool:
    """True when "reports" is a sum over several actors: a report naming two of them counts
    twice (a report can name several actors)."""
    return len(sel.aktor) > 1


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
    sel: Selection | tuple[str, ...] = ALL,
) -> pl.DataFrame:
    """Reports per area, absolute and per 10 000 inhabitants.

    Rates use only förbund that declared their population and published in the selection
    (``rate_nodes`` of ``n_nodes``); their population is ``population``.
    """
    per_node = summarise(report_cells(cells, sel), ["node_id"]).join(
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
    sel: Selection | tuple[str, ...] = ALL,
) -> pl.DataFrame:
    """Mix per area: for each code of `dimension` ("problemtyp", "aktor" or "niva"), its
    count and its share of the area's reports, with honest bounds on both.

    share_lo = num.lo / den.hi, share_hi = num.hi / den.lo (capped at 1): any split of the
    suppressed counts consistent with the bounds gives a share in between.
    """
    sel = as_selection(sel)
    col = AREA[group]
    num = dim_cells(cells, dimension, sel)
    nums = summarise(num, [col, "code"])
    dens = summarise(report_cells(cells, sel), [col]).select(
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


def matrix(
    cells: pl.DataFrame, sel: Selection | tuple[str, ...] = ALL, table: str = "problemtyp_x_aktor"
) -> pl.DataFrame:
    """A cross table summed over the selection: r (row code), c (column code), lo, hi, n,
    n_supp, and the row's total (r_lo, r_hi, r_n, r_supp) for shares of the row.

    problemtyp_x_aktor: rows problem types, columns actors; the row total is problemtyp(p).
    aktor_x_niva: rows actors, columns levels; the row total is aktor(a).
    """
    sel = as_selection(sel)
    row_dim, col_dim = (
        ("problemtyp", "aktor") if table == "problemtyp_x_aktor" else ("aktor", "niva")
    )
    m = cells.filter(pl.col("table") == table)
    for d, dim in (("dim1", row_dim), ("dim2", col_dim)):
        chosen = getattr(sel, dim)
        if chosen:
            m = m.filter(pl.col(d).is_in(chosen))
    out = summarise(m.with_columns(r=pl.col("dim1"), c=pl.col("dim2")), ["r", "c"])
    rows = cells.filter(pl.col("table") == row_dim)
    if getattr(sel, row_dim):
        rows = rows.filter(pl.col("dim1").is_in(getattr(sel, row_dim)))
    totals = summarise(rows.with_columns(r=pl.col("dim1")), ["r"]).select(
        "r", r_lo="lo", r_hi="hi", r_n="n", r_supp="n_supp"
    )
    return out.join(totals, on="r", how="left")


def trend(cells: pl.DataFrame, sel: Selection | tuple[str, ...] = ALL) -> pl.DataFrame:
    """Reports per period and problem type: period, p, lo, hi, n, n_supp."""
    m = dim_cells(cells, "problemtyp", as_selection(sel))
    return summarise(m.with_columns(p=pl.col("code")), ["period", "p"])


def top(
    cells: pl.DataFrame, table: str, n: int = 3, sel: Selection | tuple[str, ...] = ALL
) -> pl.DataFrame:
    """The `n` most common codes of a dimension (by lower bound) in the selection,
    unclassified left out: code, lo, hi, n, n_supp."""
    m = dim_cells(cells, table, as_selection(sel))
    s = summarise(m, ["code"]).filter(pl.col("code") != "-")
    shown = (pl.col("lo") > 0) & ~((pl.col("n") == 1) & (pl.col("n_supp") == 1))
    return s.filter(shown).sort(["lo", "code"], descending=[True, False]).head(n)


def reporting_nodes(cells: pl.DataFrame, period: str) -> int:
    """How many förbund published their `total` for `period`."""
    return cells.filter((pl.col("table") == "total") & (pl.col("period") == period))[
        "node_id"
    ].n_unique()
