"""What the node's yearly report says: its sections, built from the year's figures.

Order: summary and recommendations, background, way of working, number of reports and the
development over the years, who reported, problem types (with examples), levels, actors,
reporters' suggestions, actions, open cases, patterns, and a note on the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from common.report.fmt import day, n, pct, short_day
from common.report.model import (
    CHG,
    INT,
    PCT,
    TEXT,
    Bullets,
    Document,
    Heading,
    Para,
    Section,
    Table,
    bar_chart,
    count_table,
)
from node.patterns import Pattern
from node.report.data import YearFigures
from node.report.texts import Block, paragraphs
from schemas.codes import code_list

FORUM_LABEL = {"beredningsgrupp": "Beredningsgrupp", "operativ_chefsgrupp": "Operativ chefsgrupp",
               "styrelse": "Styrelse", "regional": "Regionalt forum",
               "nationell": "Nationellt forum"}  # fmt: skip
MAX_OPEN_ROWS = 40
NIVA_SHORT = {"N1": "Handläggare", "N2": "Lokal org.", "N3": "Regional org.",
              "N4": "Nationell myndighet", "N5": "Nationell politik", "-": "Ej klass."}  # fmt: skip


def _lab(listname: str) -> Callable[[str], str]:
    cl = code_list(listname)
    return lambda code: cl.label_of(code)


def _summary(blocks: list[Block]) -> Section:
    s = Section("sammanfattning", "Sammanfattning och rekommendationer")
    for b in blocks:
        if b.kind == "h":
            s.add(Heading(b.text))
        elif b.kind == "ul":
            s.add(Bullets(list(b.items)))
        else:
            s.add(Para(b.text))
    return s


def _volume(f: YearFigures) -> Section:
    s = Section("antal", "Antal anmälningar och utveckling")
    prev = dict(f.per_year).get(f.year - 1)
    text = f"Under {f.year} kom {n(f.total)} anmälningar in"
    if prev:
        text += f", jämfört med {n(prev)} under {f.year - 1}"
    s.add(Para(text + "."))
    years = [(str(y), v) for y, v in f.per_year]
    s.add(bar_chart("per_ar", "Anmälningar per år", "antal anmälningar per år", years, "v"))
    rows = []
    for i, (y, v) in enumerate(f.per_year):
        before = f.per_year[i - 1][1] if i else None
        rows.append([str(y), v, (v - before) / before if before else None])
    s.add(
        Table(
            "Per år",
            "Anmälningar per år och förändring mot föregående år",
            [("År", TEXT), ("Antal", INT), ("Förändring", CHG)],
            rows,
        )
    )
    s.add(Table("Per kvartal", f"Anmälningar per kvartal {f.year}",
                [("Kvartal", TEXT), ("Antal", INT)], [[q, v] for q, v in f.per_quarter],
                ["Totalt", f.total]))  # fmt: skip
    return s


def _who(f: YearFigures) -> Section:
    s = Section("anmalare", "Vem anmälde")
    t = count_table("Anmälare", f"Anmälningar {f.year} efter anmälarens organisation",
                    "Organisation", f.organisation, _lab("organisation"), total=f.total)  # fmt: skip
    s.add(Para("Anmälarna arbetar hos förbundets medlemmar och hos andra aktörer. Tabellen visar "
               "vilken organisation anmälarna kom från."))  # fmt: skip
    s.add(bar_chart("anmalare", "Anmälare efter organisation",
                    f"anmälningar {f.year} efter anmälarens organisation",
                    [(r[0], r[1]) for r in t.rows]), t)  # fmt: skip
    return s


def _problems(f: YearFigures, cleared: bool) -> Section:
    s = Section("problemtyper", "Problemtyper")
    t = count_table("Problemtyp", f"Anmälningar {f.year} efter problemtyp", "Problemtyp",
                    f.problemtyp, _lab("problemtyp"), total=f.total)  # fmt: skip
    s.add(bar_chart("problemtyp", "Anmälningar per problemtyp",
                    f"anmälningar {f.year} efter problemtyp",
                    [(r[0], r[1]) for r in t.rows]), t)  # fmt: skip
    if f.examples:
        s.add(Heading("Exempel ur anmälningarna" if cleared else
                      "Exempel: sammanfattningar godkända som delbara"))  # fmt: skip
        cl = code_list("problemtyp")
        order = sorted(f.examples, key=lambda p: (-f.problemtyp.get(p, 0), p))
        s.add(Bullets([f"{cl.label_of(p)}: ”{e}”" for p in order for e in f.examples[p]],
                      quotes=True))  # fmt: skip
    elif not cleared:
        s.add(Para("Exempel visas bara som sammanfattningar som förbundschefen har godkänt som "
                   f"delbara; för {f.year} finns ännu inga.", style="note"))  # fmt: skip
    return s


def _levels(f: YearFigures) -> Section:
    s = Section("nivaer", "Problem per nivå")
    t = count_table("Nivå", f"Anmälningar {f.year} efter nivå", "Nivå", f.niva, _lab("niva"),
                    total=f.total, by_count=False)  # fmt: skip
    s.add(Para("Nivån anger var problemet kan lösas: från den enskilda handläggaren till "
               "nationell lagstiftning."))  # fmt: skip
    s.add(bar_chart("niva", "Anmälningar per nivå", f"anmälningar {f.year} efter nivå",
                    [(r[0], r[1]) for r in t.rows]), t)  # fmt: skip
    niva = [c for c in f.niva if f.niva[c]]
    ptyp = sorted((p for p in f.problemtyp if f.problemtyp[p]),
                  key=lambda p: (-f.problemtyp[p], p))  # fmt: skip
    pl_ = _lab("problemtyp")
    rows = [[pl_(p), *[f.problemtyp_x_niva[(p, c)] for c in niva], f.problemtyp[p]] for p in ptyp]
    s.add(Table("Problemtyp x nivå", f"Problemtyp efter nivå {f.year} (kortade nivånamn)",
                [("Problemtyp", TEXT), *[(NIVA_SHORT[c], INT) for c in niva], ("Totalt", INT)], rows,
                ["Totalt", *[f.niva[c] for c in niva], f.total]))  # fmt: skip
    return s


def _actors(f: YearFigures) -> Section:
    s = Section("aktorer", "Var skavet uppstod")
    t = count_table("Aktör", f"Anmälningar {f.year} som nämner aktören", "Aktör", f.aktor,
                    _lab("aktor"), total=f.total)  # fmt: skip
    s.add(Para("En anmälan kan nämna flera aktörer, så andelarna summerar till mer än 100 %."))
    s.add(bar_chart("aktor", "Aktörer där skavet uppstod",
                    f"anmälningar {f.year} per aktör där skavet uppstod",
                    [(r[0], r[1]) for r in t.rows]), t)  # fmt: skip
    return s


def _suggestions(f: YearFigures, cleared: bool, synthetic: bool) -> Section:
    s = Section("forslag", "Anmälarnas förslag")
    if not cleared and not f.suggestions:
        return s.add(Para(
            "Anmälarnas förslag återges först när personalen har valt ut dem och "
            f"förbundschefen har godkänt dem som delbara; för {f.year} finns ännu inga.",
            style="note"))  # fmt: skip
    s.add(Para("Ett urval av anmälarnas egna förslag på lösningar, ett per problemtyp." if cleared
               else "Anmälarnas förslag som förbundschefen har godkänt som delbara."))  # fmt: skip
    if synthetic:
        s.add(Para("Förbundets data är syntetiska (demo); därför visas förslagen utan manuell "
                   "granskning.", style="note"))  # fmt: skip
    cl = code_list("problemtyp")
    return s.add(Bullets([f"{cl.label_of(p)}: ”{t}”" for p, t in f.suggestions], quotes=True))


def _actions(f: YearFigures) -> Section:
    s = Section("atgarder", "Åtgärder")
    total = sum(f.atgard.values())
    s.add(Para(f"Under {f.year} registrerades {n(total)} åtgärder. {n(f.feedback_in_year)} "
               f"anmälare fick återkoppling och {n(f.closed_in_year)} ärenden avslutades"
               + (f"; mediantiden från anmälan till avslut var {n(f.median_days_to_close)} dagar."
                  if f.median_days_to_close is not None else ".")))  # fmt: skip
    t = count_table("Åtgärder", f"Åtgärder registrerade {f.year}", "Åtgärd", f.atgard,
                    _lab("atgard"), total=total or None)  # fmt: skip
    s.add(bar_chart("atgard", "Åtgärder", f"åtgärder registrerade {f.year}",
                    [(r[0], r[1]) for r in t.rows]), t)  # fmt: skip
    if f.forum:
        ranked = sorted(((FORUM_LABEL.get(k, k), v) for k, v in f.forum.items()),
                        key=lambda r: (-r[1], r[0]))  # fmt: skip
        rows: list[list[Any]] = [[label, v] for label, v in ranked]
        s.add(
            Table(
                "Forum",
                f"Ärenden lyfta till forum {f.year}",
                [("Forum", TEXT), ("Antal", INT)],
                rows,
                ["Totalt", sum(f.forum.values())],
            )
        )
    return s


def _open(f: YearFigures) -> Section:
    s = Section("oppna", "Ärenden som fortfarande är öppna")
    s.add(Para(f"Den {day(f.data_until)} var {n(len(f.open_cases))} ärenden inte avslutade, "
               "räknat över alla år."))  # fmt: skip
    st = _lab("status")
    s.add(Table("Status", f"Alla ärenden efter status den {day(f.data_until)}",
                [("Status", TEXT), ("Antal", INT)], [[st(c), v] for c, v in f.status_end.items()],
                ["Totalt", sum(f.status_end.values())]))  # fmt: skip
    s.add(
        Table(
            "Öppna efter ålder",
            "Öppna ärenden efter tid sedan anmälan",
            [("Tid sedan anmälan", TEXT), ("Antal", INT)],
            [[label, v] for label, v in f.open_by_age],
            ["Totalt", len(f.open_cases)],
        )
    )
    pl_ = _lab("problemtyp")
    oldest = f.open_cases[:MAX_OPEN_ROWS]
    rows = [[c.case, short_day(c.received), st(c.status), pl_(c.problemtyp), c.age_days]
            for c in oldest]  # fmt: skip
    if rows:
        s.add(Table("Öppna ärenden", "Öppna ärenden, äldst först (ärendenummer)",
                    [("Ärende", TEXT), ("Mottagen", TEXT), ("Status", TEXT),
                     ("Problemtyp", TEXT), ("Dagar", INT)], rows))  # fmt: skip
        if len(f.open_cases) > MAX_OPEN_ROWS:
            s.add(Para(f"Listan visar de {MAX_OPEN_ROWS} äldsta; alla finns i Excelfilen.",
                       style="note"))  # fmt: skip
    return s


def _patterns(f: YearFigures, patterns: list[Pattern], cleared: bool) -> Section:
    s = Section("monster", "Mönster i anmälningarna")
    s.add(Para("Grupper av anmälningar som beskriver liknande situationer, funna i texten med "
               "en automatisk analys (ordvikter och klustring) som görs i förbundets egen nod. "
               "Grupperna är ett stöd för förbundets eget arbete med gemensamma mönster och "
               "behöver granskas av en människa."))  # fmt: skip
    if not patterns:
        return s.add(Para("För få anmälningar för att hitta mönster.", style="note"))
    pl_, al_ = _lab("problemtyp"), _lab("aktor")
    rows = [[f"Mönster {p.number}", p.size, p.share, ", ".join(p.words[:6]),
             pl_(p.problemtyp[0][0]) if p.problemtyp else "–"] for p in patterns]  # fmt: skip
    s.add(Table("Mönster", f"Mönster {f.year}: storlek och kännetecknande ord",
                [("Grupp", TEXT), ("Antal", INT), ("Andel", PCT), ("Kännetecknande ord", TEXT),
                 ("Vanligaste problemtyp", TEXT)], rows))  # fmt: skip
    for p in patterns[:8]:
        s.add(Heading(f"Mönster {p.number}: {', '.join(p.words[:3])}"))
        codes = "; ".join(f"{pl_(c)} {n(v)}" for c, v in p.problemtyp[:3])
        actors = "; ".join(f"{al_(c)} {n(v)}" for c, v in p.aktorer[:3])
        s.add(Para(f"{n(p.size)} anmälningar ({pct(p.share)}). Problemtyper: {codes}. "
                   f"Aktörer: {actors}."))  # fmt: skip
        if cleared:
            s.add(Bullets([f"”{t.first_sentence}”" for t in p.typical], quotes=True))
    return s


def _about(f: YearFigures, synthetic: bool) -> Section:
    s = Section("om", "Om siffrorna")
    s.add(Para(f"Ett år räknas efter det datum då anmälan kom in (svensk tid). Ärendens status "
               f"gäller den {day(f.data_until)}. Siffrorna är exakta antal ur förbundets egen "
               "databas; de anonymiserade tabeller som delas med regionala och nationella nav "
               "döljer små tal och kan därför skilja sig i enskilda celler."))  # fmt: skip
    if synthetic:
        s.add(Para("Observera: förbundets data är syntetiska och skapade för demonstration.",
                   style="note"))  # fmt: skip
    return s


def build_document(f: YearFigures, *, node_name: str, config: dict[str, str],
                   summary: list[Block], patterns: list[Pattern], cleared: bool,
                   synthetic: bool) -> Document:  # fmt: skip
    background = Section("bakgrund", "Bakgrund").add(*[Para(p) for p in
                                                       paragraphs(config["bakgrund"])])  # fmt: skip
    method = Section("arbetssatt", "Arbetssätt").add(*[Para(p) for p in
                                                      paragraphs(config["arbetssatt"])])  # fmt: skip
    if config.get("kontakt"):
        method.add(Para("Kontakt: " + " ".join(config["kontakt"].split())))
    sections = [_summary(summary), background, method, _volume(f), _who(f),
                _problems(f, cleared), _levels(f), _actors(f),
                _suggestions(f, cleared, synthetic), _actions(f), _open(f),
                _patterns(f, patterns, cleared), _about(f, synthetic)]  # fmt: skip
    doc = Document(
        title=f"{config['titel']} {f.year}",
        subtitle=node_name,
        author=node_name,
        lang="sv",
        created=f"{f.data_until.isoformat()}T00:00:00Z",
        facts=[
            ("Anmälningar", n(f.total)),
            ("Åtgärder", n(sum(f.atgard.values()))),
            ("Avslutade ärenden", n(f.closed_in_year)),
            ("Öppna ärenden", n(len(f.open_cases))),
        ],  # fmt: skip
        sections=sections,
    )
    doc.number()
    return doc


def open_cases_table(f: YearFigures) -> Table:
    """Every open case (the report lists the oldest; the Excel file lists all)."""
    st, pl_ = _lab("status"), _lab("problemtyp")
    return Table("Alla öppna ärenden", "Alla öppna ärenden",
                 [("Ärende", TEXT), ("Mottagen", TEXT), ("Status", TEXT), ("Problemtyp", TEXT),
                  ("Dagar", INT)],
                 [[c.case, short_day(c.received), st(c.status), pl_(c.problemtyp), c.age_days]
                  for c in f.open_cases])  # fmt: skip
