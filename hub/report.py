"""The hub's yearly summary (regional or national) from the aggregates it holds: PDF and XLSX.

Only published, suppressed count tables are used. A suppressed cell is shown as the Swedish
statistics mark "..", never as 0; a sum over förbund that includes suppressed cells is shown
as the known sum with honest bounds ("120–131", or "≥ 120" when no upper bound is known),
from `common.bounds` (interval propagation over the published relations, which discloses
nothing the publication did not). Sections: coverage (who published which periods), per
förbund, per region (län), and patterns across förbund (problem types and problem type ×
actor pairs that recur in several förbund and regions).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from common.bounds import cell_bounds, summarise
from common.errors import UsageError
from common.format import fmt_bounded
from common.report.fmt import dec, n, sv_key
from common.report.model import BND, INT, TEXT, Document, Para, Section, Table
from schemas.codes import code_list, lan

if TYPE_CHECKING:
    from hub.runtime import Hub

SUPP = ".."


def year_cells(hub: Hub, year: int) -> pl.DataFrame:
    """The latest published cells of `year` and its quarters, with bounds ``lo``/``hi``."""
    cells = hub.store.latest_cells().filter(pl.col("period").str.starts_with(str(year)))
    if cells.is_empty():
        return cells.with_columns(lo=pl.lit(None, pl.Int64), hi=pl.lit(None, pl.Int64))
    cells = cells.sort("node_id", "period", "table", "dim1", "dim2", nulls_last=True)
    return cell_bounds(cells)


def _bounded(row: dict[str, Any]) -> str:
    return fmt_bounded(row["lo"], row["hi"], row["n"], row["n_supp"])


def _coverage(cells: pl.DataFrame, nodes: pl.DataFrame, year: int) -> Table:
    published = {(r[0], r[1]) for r in cells.select("node_id", "period").unique().iter_rows()}
    rows = []
    for r in sorted(nodes.iter_rows(named=True), key=lambda r: sv_key(r["node_name"])):
        marks = ["ja" if (r["node_id"], p) in published else "–"
                 for p in [str(year)] + [f"{year}-Q{q}" for q in range(1, 5)]]  # fmt: skip
        last = r["last_published"]
        rows.append([r["node_name"], lan()[r["lan"]].short if r["lan"] in lan() else r["lan"],
                     *marks, last.date().isoformat() if last else "–",
                     "ja" if r["synthetic"] else "nej"])  # fmt: skip
    cols = [("Förbund", TEXT), ("Län", TEXT), ("År", TEXT), *[(f"Kv {q}", TEXT) for q in
            range(1, 5)], ("Senast publicerat", TEXT), ("Syntetiska", TEXT)]  # fmt: skip
    return Table("Täckning", f"Vilka förbund som publicerat {year} och dess kvartal", cols, rows)


def _per_forbund(cells: pl.DataFrame, nodes: pl.DataFrame, year: int) -> tuple[Table, Table]:
    tot = cells.filter((pl.col("table") == "total") & (pl.col("period") == str(year)))
    by_node = {r["node_id"]: r for r in tot.iter_rows(named=True)}
    text_rows, num_rows = [], []
    for r in sorted(nodes.iter_rows(named=True), key=lambda r: sv_key(r["node_name"])):
        c = by_node.get(r["node_id"])
        if c is None:
            continue
        pop = r["population"] or None
        value = c["value"]
        rate = value / pop * 100_000 if value is not None and pop else None
        lan_name = lan()[r["lan"]].short if r["lan"] in lan() else r["lan"]
        text_rows.append(
            [
                r["node_name"],
                lan_name,
                n(pop) if pop else "–",
                n(value),
                dec(rate) if rate is not None else (SUPP if value is None else "–"),
            ]
        )
        num_rows.append([r["node_name"], lan_name, pop, value, c["lo"], c["hi"],
                         round(rate, 2) if rate is not None else None])  # fmt: skip
    cap = f"Anmälningar {year} per förbund"
    text = Table("Per förbund", cap, [("Förbund", TEXT), ("Län", TEXT), ("Befolkning", TEXT),
                 ("Anmälningar", BND), ("Per 100 000 inv.", BND)], text_rows)  # fmt: skip
    num = Table("Per förbund", cap, [("Förbund", TEXT), ("Län", TEXT), ("Befolkning", INT),
                ("Anmälningar (tom = ..)", INT), ("Nedre gräns", INT), ("Övre gräns", INT),
                ("Per 100 000 inv.", TEXT)], num_rows)  # fmt: skip
    return text, num


def _sum_table(frame: pl.DataFrame, by: list[str], key: str, caption: str,
               heads: list[str], label: Callable[[tuple], list[str]]) -> tuple[Table, Table]:  # fmt: skip
    """A bounded sum per group, as a text table (PDF) and a numeric table (XLSX)."""
    s = summarise(frame, by)

    def order(r: dict[str, Any]) -> tuple:
        labels = label(tuple(r[b] for b in by))
        return ([sv_key(x) for x in labels[:-1]], -(r["lo"] or 0), sv_key(labels[-1]))

    rows = sorted(s.iter_rows(named=True), key=order)
    text = Table(
        key,
        caption,
        [*[(h, TEXT) for h in heads], ("Antal", BND), ("Undertryckta celler", INT)],
        [[*label(tuple(r[b] for b in by)), _bounded(r), r["n_supp"]] for r in rows],
    )
    num = Table(key, caption, [*[(h, TEXT) for h in heads], ("Känd summa", INT),
                ("Nedre gräns", INT), ("Övre gräns (tom = okänd)", INT), ("Celler", INT),
                ("Undertryckta celler", INT)],
                [[*label(tuple(r[b] for b in by)), r["known"], r["lo"], r["hi"], r["n"],
                  r["n_supp"]] for r in rows])  # fmt: skip
    return text, num


def _recurring(frame: pl.DataFrame, dims: list[str]) -> pl.DataFrame:
    """Per code (pair): in how many förbund and län it surely (lo ≥ 1) or possibly occurs."""
    return frame.group_by(dims).agg(
        forbund_sure=pl.col("node_id").filter(pl.col("lo") >= 1).n_unique(),
        forbund_maybe=pl.col("node_id")
        .filter(pl.col("hi").is_null() | (pl.col("hi") >= 1))
        .n_unique(),
        lan_sure=pl.col("lan").filter(pl.col("lo") >= 1).n_unique(),
        lo=pl.col("lo").sum(),
    )


def build_document(hub: Hub, year: int) -> tuple[Document, list[Table]]:
    """The summary as a document model (PDF) and the numeric tables (XLSX)."""
    cells = year_cells(hub, year)
    if cells.is_empty():
        raise UsageError.of("err_hub_no_figures_year", year=year)
    nodes = hub.store.node_summary().filter(pl.col("node_id").is_in(cells["node_id"].unique()))
    yearly = cells.filter(pl.col("period") == str(year))
    lan_of = lambda code: lan()[code].name if code in lan() else code  # noqa: E731
    cov = _coverage(cells, nodes, year)
    per_node, per_node_num = _per_forbund(cells, nodes, year)
    tot = yearly.filter(pl.col("table") == "total")
    region, region_num = _sum_table(tot, ["lan"], "Per län", f"Anmälningar {year} per län",
                                    ["Län"], lambda k: [lan_of(k[0])])  # fmt: skip
    ptyp = code_list("problemtyp")
    pt = yearly.filter(pl.col("table") == "problemtyp")
    p_all, p_all_num = _sum_table(pt, ["dim1"], "Problemtyp", f"Problemtyper {year}, alla förbund",
                                  ["Problemtyp"], lambda k: [ptyp.label_of(k[0])])  # fmt: skip
    p_lan, p_lan_num = _sum_table(pt, ["lan", "dim1"], "Problemtyp per län",
                                  f"Problemtyper {year} per län", ["Län", "Problemtyp"],
                                  lambda k: [lan_of(k[0]), ptyp.label_of(k[1])])  # fmt: skip
    rec = _recurring(pt, ["dim1"]).sort(
        ["forbund_sure", "lo", "dim1"], descending=[True, True, False]
    )
    rec_rows = [[ptyp.label_of(r["dim1"]), r["forbund_sure"], r["forbund_maybe"], r["lan_sure"]]
                for r in rec.iter_rows(named=True) if r["dim1"] != "-"]  # fmt: skip
    rec_cols = [("Problemtyp", TEXT), ("Förbund, säkert", INT), ("Förbund, möjligen", INT),
                ("Län, säkert", INT)]  # fmt: skip
    recurring = Table("Återkommande", f"Problemtyper som återkommer i flera förbund {year}",
                      rec_cols, rec_rows)  # fmt: skip
    akt = code_list("aktor")
    pa = _recurring(yearly.filter(pl.col("table") == "problemtyp_x_aktor"), ["dim1", "dim2"])
    pa = (
        pa.filter(pl.col("forbund_sure") >= 2)
        .sort(["forbund_sure", "lo", "dim1", "dim2"], descending=[True, True, False, False])
        .head(15)
    )
    pairs = Table("Problemtyp och aktör",
                  f"Problemtyp och aktör som återkommer i minst två förbund {year}",
                  [("Problemtyp", TEXT), ("Aktör", TEXT), ("Förbund, säkert", INT),
                   ("Län, säkert", INT), ("Anmälningar, minst", INT)],
                  [[ptyp.label_of(r["dim1"]), akt.label_of(r["dim2"]), r["forbund_sure"],
                    r["lan_sure"], r["lo"]] for r in pa.iter_rows(named=True)])  # fmt: skip
    name = str(hub.config["hub"]["name"] or hub.id)
    level = "nationell" if hub.config["hub"]["level"] == "national" else "regional"
    n_supp = int(yearly["value"].is_null().sum())
    total_row = summarise(tot.with_columns(all=pl.lit(1)), ["all"]).row(0, named=True)
    latest = nodes["last_published"].max()
    until = latest.date().isoformat() if isinstance(latest, datetime) else f"{year}-12-31"
    doc = Document(
        title=f"Lex Heller – {level} sammanställning {year}",
        subtitle=name,
        author=name,
        lang="sv",
        created=f"{until}T00:00:00Z",
        facts=[("Förbund", n(nodes.height)), ("Län", n(nodes["lan"].n_unique())),
               ("Anmälningar", _bounded(total_row)), ("Undertryckta celler", n(n_supp))],
        sections=[
            Section("om", "Om sammanställningen").add(
                Para(f"Sammanställningen bygger på de anonymiserade tabeller som förbunden har "
                     f"publicerat till {name}. Fritext och enskilda anmälningar lämnar aldrig "
                     "förbunden."),
                Para("Små tal är undertryckta i förbundens tabeller och visas som ”..”, aldrig "
                     "som noll. En summa som innehåller undertryckta celler visas som den kända "
                     "summan med gränser: ”120–131” betyder att det rätta värdet ligger mellan "
                     "120 och 131, ”≥ 120” att ingen övre gräns är känd. Gränserna följer av de "
                     "publicerade tabellerna själva och röjer inget nytt."),
            ),
            Section("tackning", "Täckning").add(cov),
            Section("forbund", "Per förbund").add(per_node),
            Section("regioner", "Per region (län)").add(region, p_lan),
            Section("monster", "Mönster över förbunden").add(
                Para("Problemtyper och kombinationer av problemtyp och aktör som förekommer i "
                     "flera förbund. ”Säkert” räknar förbund där antalet är minst 1 även med "
                     "hänsyn till undertryckning; ”möjligen” även förbund med undertryckta "
                     "celler som kan vara noll."),
                p_all, recurring, pairs),
        ],
    )  # fmt: skip
    doc.number()
    xlsx = [cov, per_node_num, region_num, p_all_num, p_lan_num, recurring, pairs]
    return doc, xlsx


def build_hub_report(hub: Hub, year: int, out: Path | None = None) -> dict[str, Any]:
    """Write ``sammanstallning-YYYY.pdf`` and ``sammanstallning-YYYY.xlsx`` into `out`."""
    from common.report.pdf import write_pdf
    from common.report.xlsx import write_xlsx

    started = time.perf_counter()
    doc, tables = build_document(hub, year)
    out = Path(out) if out else hub.folder / "reports" / str(year)
    out.mkdir(parents=True, exist_ok=True)
    pdf = write_pdf(doc, out / f"sammanstallning-{year}.pdf")
    xlsx = write_xlsx(tables, out / f"sammanstallning-{year}.xlsx", title=doc.title,
                      author=doc.author, created=doc.created, facts=doc.facts)  # fmt: skip
    return {"year": year, "pdf": str(pdf), "xlsx": str(xlsx),
            "seconds": round(time.perf_counter() - started, 3)}  # fmt: skip


def operations(hub: Hub) -> dict[str, Callable[..., dict[str, Any]]]:
    """Operations to merge into `Hub.operations()` (so the command works while serving)."""

    def report(year: int, out: str | None = None) -> dict[str, Any]:
        return build_hub_report(hub, int(year), Path(out) if out else None)

    def partsrapport(year: int, party: str, out: str | None = None) -> dict[str, Any]:
        return build_hub_party_report(hub, int(year), party, Path(out) if out else None)

    return {"report": report, "partsrapport": partsrapport}


# ---------------------------------------------------------------------- party report (hub)


def _figure(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """Sum cells of `hub.releases.totals`: exact when every part is, else honest bounds."""
    if all(c.get("exact") for c in cells):
        return {"exact": True, "value": sum(int(c["value"]) for c in cells)}
    lo = sum(int(c["value"]) if c.get("exact") else int(c.get("low") or 0) for c in cells)
    hi: int | None = 0
    for c in cells:
        high = c["value"] if c.get("exact") else c.get("high")
        hi = None if hi is None or high is None else hi + int(high)
    return {"exact": False, "low": lo, "high": hi}


def _show(f: dict[str, Any]) -> str:
    if f["exact"]:
        return n(f["value"])
    if f["high"] is None:
        return f"≥ {n(f['low'])}"
    return n(f["low"]) if f["low"] == f["high"] else f"{n(f['low'])}–{n(f['high'])}"


def party_figures(hub: Hub, year: int, aktorer: tuple[str, ...], years_back: int = 3
                  ) -> dict[str, Any]:  # fmt: skip
    """The party's figures from the group's totals (released exact figures where they exist,
    honest bounds elsewhere), per problem type and level for `year`, per quarter and per year."""
    from common.bounds import cell_bounds
    from hub.releases import totals

    cells = hub.store.latest_cells()
    enrolled = hub.trust.nodes()

    def table(name: str, period: str) -> list[dict[str, Any]]:
        return totals(hub.releases, cells, enrolled, name, period, cell_bounds)["cells"]

    def by(name: str, period: str, key: str, match: str) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for c in table(name, period):
            if c[match] in aktorer:
                groups.setdefault(c[key], []).append(c)
        return {k: _figure(v) for k, v in groups.items()}

    def actor_total(period: str) -> dict[str, Any] | None:
        parts = [c for c in table("aktor", period) if c["dim1"] in aktorer]
        return _figure(parts) if parts else None

    years = list(range(year - years_back, year + 1))
    return {
        "problemtyp": by("problemtyp_x_aktor", str(year), "dim1", "dim2"),
        "niva": by("aktor_x_niva", str(year), "dim2", "dim1"),
        "per_quarter": [(f"Kvartal {q}", actor_total(f"{year}-Q{q}")) for q in range(1, 5)],
        "per_year": [(str(y), actor_total(str(y))) for y in years],
        "total": actor_total(str(year)),
        "group": totals(hub.releases, cells, enrolled, "aktor", str(year), cell_bounds)["group"],
    }


def build_party_document(hub: Hub, year: int, code: str) -> tuple[Document, list[Table]]:
    from common.report.parties import party

    code, name, aktorer = party(code)
    f = party_figures(hub, year, aktorer)
    if f["total"] is None:
        raise UsageError.of("err_hub_no_figures_party", name=name, year=year)
    hub_name = str(hub.config["hub"]["name"] or hub.id)
    ptyp, niva = code_list("problemtyp"), code_list("niva")

    def rows(figs: dict[str, dict[str, Any]], label: Callable[[str], str]
             ) -> tuple[list[list[Any]], list[list[Any]]]:  # fmt: skip
        order = sorted(figs, key=lambda k: (-(figs[k].get("value") or figs[k].get("low") or 0),
                                            sv_key(label(k))))  # fmt: skip
        text = [[label(k), _show(figs[k])] for k in order]
        num = [[label(k), figs[k].get("value") if figs[k]["exact"] else None,
                figs[k].get("value") if figs[k]["exact"] else figs[k]["low"],
                figs[k].get("value") if figs[k]["exact"] else figs[k]["high"]] for k in order]
        return text, num

    def time_rows(items: list[tuple[str, dict[str, Any] | None]]) -> list[list[Any]]:
        return [[label, _show(v) if v else "–"] for label, v in items]

    pt_text, pt_num = rows(f["problemtyp"], lambda c: "Ej klassificerad" if c == "-"
                           else ptyp.label_of(c))  # fmt: skip
    nv_text, nv_num = rows(f["niva"], lambda c: "Ej klassificerad" if c == "-"
                           else niva.label_of(c))  # fmt: skip
    num_cols = [("Exakt", INT), ("Nedre gräns", INT), ("Övre gräns (tom = okänd)", INT)]
    tables_num = [
        Table("Problemtyp", f"Problemtyper {year}, {name}", [("Problemtyp", TEXT), *num_cols],
              pt_num),
        Table("Nivå", f"Nivåer {year}, {name}", [("Nivå", TEXT), *num_cols], nv_num),
    ]  # fmt: skip
    level = "nationella" if hub.config["hub"]["level"] == "national" else "regionala"
    doc = Document(
        title=f"Partsrapport {year}: {name}",
        subtitle=hub_name,
        author=hub_name,
        lang="sv",
        created=f"{year}-12-31T00:00:00Z",
        facts=[("Anmälningar som nämner parten", _show(f["total"])),
               ("Förbund i underlaget", n(len(f["group"]["nodes"])))],
        sections=[
            Section("om", "Om rapporten").add(
                Para(f"Det här nådde {hub_name} om {name} under {year}: skav som förbunden i "
                     f"det {level} navet har anmält och där {name} var en av aktörerna. "
                     "Siffrorna kommer från förbundens anonymiserade tabeller."),
                Para("Ett exakt tal är antingen publicerat utan undertryckning eller frisläppt "
                     "som exakt summa av aggregatorerna. Annars visas gränser: ”12–15” betyder "
                     "att det rätta värdet ligger mellan 12 och 15, ”≥ 12” att ingen övre gräns "
                     "är känd. En anmälan som nämner flera av partens aktörer räknas en gång per "
                     "aktör."),
            ),
            Section("tid", "Över tid").add(
                Table("Per år", f"Anmälningar som nämner {name}, per år",
                      [("År", TEXT), ("Antal", BND)], time_rows(f["per_year"])),
                Table("Per kvartal", f"Anmälningar som nämner {name}, per kvartal {year}",
                      [("Kvartal", TEXT), ("Antal", BND)], time_rows(f["per_quarter"])),
            ),
            Section("problemtyper", "Problemtyper").add(
                Table("Problemtyp", f"Problemtyper {year} i anmälningar som nämner {name}",
                      [("Problemtyp", TEXT), ("Antal", BND)], pt_text)),
            Section("nivaer", "Nivåer").add(
                Table("Nivå", f"Nivåer {year} i anmälningar som nämner {name}",
                      [("Nivå", TEXT), ("Antal", BND)], nv_text)),
        ],
    )  # fmt: skip
    doc.number()
    return doc, tables_num


def build_hub_party_report(hub: Hub, year: int, code: str, out: Path | None = None
                           ) -> dict[str, Any]:  # fmt: skip
    """Write ``partsrapport-YYYY-PART.pdf`` and ``.xlsx`` into `out` (default DIR/reports/YYYY)."""
    from common.report.pdf import write_pdf
    from common.report.xlsx import write_xlsx

    doc, tables = build_party_document(hub, year, code)
    part = doc.title.split(": ", 1)[1]
    from common.report.parties import party

    code = party(code)[0]
    out = Path(out) if out else hub.folder / "reports" / str(year)
    out.mkdir(parents=True, exist_ok=True)
    pdf = write_pdf(doc, out / f"partsrapport-{year}-{code}.pdf")
    xlsx = write_xlsx(tables, out / f"partsrapport-{year}-{code}.xlsx", title=doc.title,
                      author=doc.author, created=doc.created, facts=doc.facts)  # fmt: skip
    return {"year": year, "party": code, "name": part, "pdf": str(pdf), "xlsx": str(xlsx)}
