"""The party report (partsrapport): what reached the förbund about one member party in a year.

For one party (Arbetsförmedlingen, Försäkringskassan, kommunen, regionen, or any single actor
code) the skav whose actors include it: counts by problem type and level per year and per
quarter, the actions taken on those cases, the summaries and suggestions the förbundschef
approved as delbara (with case numbers, never receipt codes), and what the förbund asks of the
party. Built on the same document model as the årsrapport (:mod:`common.report.model`) and
written as tagged PDF and Word.

What the förbund asks is an editable Markdown file, ``DIR/reports/YYYY/partsrapport-PART.md``,
drafted from the figures on the first run (like the årsrapport's summary).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from common.errors import UsageError
from common.report.fmt import n, pct
from common.report.model import (
    INT,
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
from common.report.parties import PARTIES, party  # noqa: F401  (PARTIES: the staff page)
from node.report.texts import parse_markdown
from schemas.codes import code_list

if TYPE_CHECKING:
    from node.runtime import Node
    from node.store import NodeStore

TZ = ZoneInfo("Europe/Stockholm")
YEARS_BACK = 3


def _local(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC).astimezone(TZ)


def party_figures(store: NodeStore, year: int, aktorer: tuple[str, ...]) -> dict[str, Any]:
    """Exact counts for the party's cases (actors include one of `aktorer`)."""
    with store.cursor() as cur:
        rows = cur.execute(
            "SELECT id, received_at, problemtyp, niva FROM reports"
            " WHERE len(list_intersect(aktorer, ?::VARCHAR[])) > 0", [list(aktorer)]
        ).fetchall()  # fmt: skip
        total_year = sum(1 for (t,) in cur.execute("SELECT received_at FROM reports").fetchall()
                         if _local(t).year == year)  # fmt: skip
        ev = cur.execute(
            "SELECT e.report_id, e.\"at\", e.data FROM report_events e JOIN reports r"
            " ON r.id = e.report_id WHERE e.kind = 'atgard'"
            " AND len(list_intersect(r.aktorer, ?::VARCHAR[])) > 0", [list(aktorer)]
        ).fetchall()  # fmt: skip
    with store.cursor() as cur:
        first = cur.execute("SELECT min(received_at) FROM reports").fetchone()
    first_year = _local(first[0]).year if first and first[0] else year
    years = list(range(max(year - YEARS_BACK, min(first_year, year)), year + 1))
    by_year = {y: [r for r in rows if _local(r[1]).year == y] for y in years}
    this = by_year[year]
    ptyp, niva = code_list("problemtyp").values, code_list("niva").values
    atgard: Counter[str] = Counter()
    for _rid, at, data in ev:
        if _local(at).year == year:
            atgard[(json.loads(data) if data else {}).get("code") or "-"] += 1
    return {
        "year": year, "years": years, "total": len(this), "all_reports": total_year,
        "per_year": [(y, len(by_year[y])) for y in years],
        "per_quarter": [(f"Kvartal {q}", sum(1 for r in this if (_local(r[1]).month - 1) // 3
                                             + 1 == q)) for q in range(1, 5)],
        "problemtyp": {c: sum(1 for r in this if r[2] == c) for c in ptyp},
        "niva": {c: sum(1 for r in this if r[3] == c) for c in niva},
        "problemtyp_years": {c: [sum(1 for r in by_year[y] if r[2] == c) for y in years]
                             for c in ptyp},
        "niva_years": {c: [sum(1 for r in by_year[y] if r[3] == c) for y in years] for c in niva},
        "unclassified": sum(1 for r in this if not r[2]),
        "atgard": {c: atgard.get(c, 0) for c in code_list("atgard").values},
    }  # fmt: skip


def draft_ask(name: str, f: dict[str, Any]) -> str:
    """A first draft of what the förbund asks of the party (staff edit the file)."""
    pl_ = code_list("problemtyp").label_of
    top = sorted(((c, v) for c, v in f["problemtyp"].items() if v), key=lambda cv: (-cv[1], cv[0]))
    lines = [f"Förbundet ber {name} att:", ""]
    if top:
        lines.append(f"- gå igenom de vanligaste problemtyperna ({', '.join(pl_(c).lower() for c, _ in top[:3])}) "
                     "tillsammans med förbundet och berätta vad ni gör åt dem;")  # fmt: skip
    local = f["niva"].get("N1", 0) + f["niva"].get("N2", 0)
    if local:
        lines.append(f"- ta ställning till de {n(local)} skav som kan lösas på handläggar- eller "
                     "lokal organisationsnivå;")  # fmt: skip
    lines.append("- utse en kontaktperson för Lex Heller och svara förbundet inom fyra veckor.")
    return "\n".join(lines) + "\n"


def build_party_document(node_name: str, year: int, code: str, name: str, f: dict[str, Any],
                         examples: dict[str, list[str]], suggestions: list[tuple[str, str]],
                         ask: list[Any], until: date) -> Document:  # fmt: skip
    pl_, nl_, al_ = (code_list(x).label_of for x in ("problemtyp", "niva", "atgard"))
    total = f["total"]
    intro = Section("sammanfattning", "Sammanfattning")
    intro.add(Para(f"Under {year} kom {n(total)} anmälningar till {node_name} som rörde {name} "
                   f"(av {n(f['all_reports'])} anmälningar totalt"
                   + (f", {pct(total / f['all_reports'])})." if f["all_reports"] else ").")))  # fmt: skip
    intro.add(Para("En anmälan kan röra flera parter. Siffrorna är exakta antal ur förbundets "
                   "egen databas; inga uppgifter om enskilda personer finns i rapporten."))  # fmt: skip
    vol = Section("antal", "Antal över tid")
    vol.add(Table("Per år", f"Anmälningar som rör {name} per år", [("År", TEXT), ("Antal", INT)],
                  [[str(y), v] for y, v in f["per_year"]]))  # fmt: skip
    vol.add(Table("Per kvartal", f"Anmälningar som rör {name} per kvartal {year}",
                  [("Kvartal", TEXT), ("Antal", INT)], [[q, v] for q, v in f["per_quarter"]],
                  ["Totalt", total]))  # fmt: skip
    ys = [str(y) for y in f["years"]]
    prob = Section("problemtyper", "Problemtyper")
    t = count_table("Problemtyp", f"Anmälningar {year} som rör {name}, efter problemtyp",
                    "Problemtyp", f["problemtyp"], pl_, total=total or None)  # fmt: skip
    prob.add(bar_chart("parts_problemtyp", "Problemtyper", f"anmälningar {year} som rör {name} "
                       "efter problemtyp", [(r[0], r[1]) for r in t.rows]), t)  # fmt: skip
    if f["unclassified"]:
        prob.add(Para(f"{n(f['unclassified'])} anmälningar är ännu inte klassificerade.",
                      style="note"))  # fmt: skip
    prob.add(Table("Problemtyp per år", f"Problemtyp per år, anmälningar som rör {name}",
                   [("Problemtyp", TEXT), *[(y, INT) for y in ys]],
                   [[pl_(c), *v] for c, v in f["problemtyp_years"].items() if any(v)]))  # fmt: skip
    lvl = Section("nivaer", "Nivåer")
    lvl.add(count_table("Nivå", f"Anmälningar {year} som rör {name}, efter nivå", "Nivå",
                        f["niva"], nl_, total=total or None, by_count=False))  # fmt: skip
    lvl.add(Table("Nivå per år", f"Nivå per år, anmälningar som rör {name}",
                  [("Nivå", TEXT), *[(y, INT) for y in ys]],
                  [[nl_(c), *v] for c, v in f["niva_years"].items()]))  # fmt: skip
    ex = Section("exempel", "Exempel och förslag")
    if examples or suggestions:
        for p in sorted(examples):
            ex.add(Heading(pl_(p)), Bullets(list(examples[p]), quotes=True))
        if suggestions:
            ex.add(Heading("Anmälarnas förslag"),
                   Bullets([f"{pl_(p)}: {s}" for p, s in suggestions], quotes=True))  # fmt: skip
    else:
        ex.add(Para("Inga sammanfattningar har godkänts som delbara för dessa ärenden.",
                    style="note"))  # fmt: skip
    act = Section("atgarder", "Åtgärder")
    done = sum(f["atgard"].values())
    act.add(Para(f"På ärenden som rör {name} registrerades {n(done)} åtgärder under {year}."))
    act.add(count_table("Åtgärder", f"Åtgärder {year} på ärenden som rör {name}", "Åtgärd",
                        f["atgard"], al_, total=done or None))  # fmt: skip
    ask_s = Section("begaran", f"Vad förbundet ber {name} om")
    for b in ask:
        ask_s.add(Heading(b.text) if b.kind == "h" else Bullets(list(b.items)) if b.kind == "ul"
                  else Para(b.text))  # fmt: skip
    doc = Document(title=f"Partsrapport {year}: {name}", subtitle=node_name, author=node_name,
                   lang="sv", created=f"{until.isoformat()}T00:00:00Z",
                   facts=[("Anmälningar som rör parten", n(total)),
                          ("Andel av alla anmälningar",
                           pct(total / f["all_reports"]) if f["all_reports"] else "–"),
                          ("Åtgärder", n(done))],
                   sections=[intro, vol, prob, lvl, ex, act, ask_s])  # fmt: skip
    doc.number()
    return doc


def build_party_report(node: Node, year: int, code: str, out: Path | None = None
                       ) -> dict[str, Any]:  # fmt: skip
    """Write ``partsrapport-YYYY-PART.pdf`` and ``.docx`` into `out` (default DIR/reports/YYYY)."""
    from common.report import charts
    from common.report.docx import write_docx
    from common.report.pdf import write_pdf
    from node.summaries import report_texts

    if not 1900 < year < 2200:
        raise UsageError.of("err_report_year", year=year)
    code, name, aktorer = party(code)
    f = party_figures(node.store, year, aktorer)
    if f["all_reports"] == 0:
        raise UsageError.of("err_partsrapport_no_reports", year=year)
    examples, suggestions = report_texts(node.store, year, aktorer)
    out = Path(out) if out else node.folder / "reports" / str(year)
    out.mkdir(parents=True, exist_ok=True)
    ask_path = out / f"partsrapport-{code}.md"
    created = not ask_path.exists()
    if created:
        ask_path.write_text(draft_ask(name, f), "utf-8")
    today = datetime.now(UTC).astimezone(TZ).date()
    until = min(date(year, 12, 31), today)
    node_name = str(node.config["node"]["name"] or node.id)
    doc = build_party_document(node_name, year, code, name, f, examples, suggestions,
                               parse_markdown(ask_path.read_text("utf-8")), until)  # fmt: skip
    charts.render(doc.charts())
    pdf = write_pdf(doc, out / f"partsrapport-{year}-{code}.pdf")
    docx = write_docx(doc, out / f"partsrapport-{year}-{code}.docx")
    return {"year": year, "party": code, "name": name, "reports": f["total"], "pdf": str(pdf),
            "docx": str(docx), "ask": str(ask_path), "ask_created": created,
            "summaries": sum(len(v) for v in examples.values()) + len(suggestions)}  # fmt: skip


def operations(node: Node) -> dict[str, Any]:
    """Operations to merge into ``Node.operations()``."""

    def partsrapport(year: int, party: str, out: str | None = None) -> dict[str, Any]:
        return build_party_report(node, int(year), party, Path(out) if out else None)

    return {"partsrapport": partsrapport}
