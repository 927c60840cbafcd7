"""The yearly report's own words: configurable background, editable summary.

- Background and way of working come from ``DIR/report.toml`` (section ``[rapport]``, keys
  ``titel``, ``bakgrund``, ``arbetssatt``, ``kontakt``); what is missing falls back to
  `DEFAULTS`. Paragraphs are separated by blank lines.
- The summary and recommendations are written from the figures into
  ``DIR/reports/YYYY/sammanfattning.md`` the first time a year's report is made. Staff edit
  that file; later runs use it as it stands. Delete it to have it written afresh.

The summary file uses a small part of Markdown: ``## Rubrik``, ``- punkt``, paragraphs, and
``<!-- kommentar -->`` lines, which are left out of the report.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.dates import format_date

from common.errors import UsageError
from common.report.fmt import n, pct
from node.report.data import YearFigures
from schemas.codes import code_list

CONFIG_NAME = "report.toml"
SUMMARY_NAME = "sammanfattning.md"

DEFAULTS = {
    "titel": "Lex Heller – årsrapport",
    "bakgrund": (
        "Lex Heller är ett sätt att synliggöra skav: situationer där samverkan mellan "
        "myndigheter och andra aktörer inte fungerar för den enskilda personen. Arbetssättet "
        "började i Göteborg 2016 och används i dag av flera samordningsförbund.\n\n"
        "Handläggare hos förbundets medlemmar – kommun, region, Arbetsförmedlingen och "
        "Försäkringskassan – och personliga ombud anmäler skav utan att lämna personuppgifter "
        "om den enskilda. Förbundet följer upp varje anmälan, lyfter mönster till chefer, "
        "beredningsgrupp och styrelse och återkopplar till den som anmälde."
    ),
    "arbetssatt": (
        "En anmälan tas emot av förbundets verksamhetsutvecklare, som vid behov kontaktar "
        "anmälaren, klassificerar anmälan med de nationella koderna (problemtyp, nivå och "
        "berörda aktörer) och tar kontakt med berörd part. Anmälningar som rör fler än en "
        "verksamhet eller återkommer lyfts till samverkansforum, beredningsgrupp eller "
        "styrelse. Anmälaren får återkoppling innan ärendet avslutas.\n\n"
        "Siffrorna i rapporten är exakta antal ur förbundets egen databas. Det som förbundet "
        "delar med regionala och nationella nav är endast anonymiserade tabeller där små tal "
        "är undertryckta."
    ),
    "kontakt": "",
}


@dataclass(frozen=True)
class Block:
    kind: str
    """"h" (heading), "p" (paragraph) or "ul" (bullet list)."""
    text: str = ""
    items: tuple[str, ...] = ()


def report_config(folder: Path) -> dict[str, str]:
    path = folder / CONFIG_NAME
    data: dict = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text("utf-8")).get("rapport", {})
        except tomllib.TOMLDecodeError as e:
            raise UsageError.of("err_report_texts_file", path=path, cause=e) from e
    return {k: str(data.get(k, v)) for k, v in DEFAULTS.items()}


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def parse_markdown(text: str) -> list[Block]:
    """The small Markdown subset of the summary file, as blocks."""
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("p", " ".join(para)))
            para.clear()
        if items:
            blocks.append(Block("ul", items=tuple(items)))
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("<!--") and line.endswith("-->"):
            continue
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            blocks.append(Block("h", line.lstrip("#").strip()))
        elif line[:2] in ("- ", "* "):
            if para:
                flush()
            items.append(line[2:].strip())
        elif items and raw[:1].isspace():
            items[-1] += " " + line
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return blocks


def _top(counts: dict[str, int], listname: str, k: int = 3) -> list[tuple[str, int]]:
    cl = code_list(listname)
    ranked = sorted(((c, v) for c, v in counts.items() if v and c != "-"),
                    key=lambda cv: (-cv[1], cv[0]))  # fmt: skip
    return [(cl.label_of(c).lower() if listname != "aktor" else cl.label_of(c), v)
            for c, v in ranked[:k]]  # fmt: skip


def draft_summary(f: YearFigures, node_name: str) -> str:
    """The summary and recommendations written from the figures, as Markdown."""
    prev = dict(f.per_year).get(f.year - 1)
    change = ""
    if prev:
        diff = (f.total - prev) / prev
        change = (f", {pct(abs(diff))} {'fler' if diff >= 0 else 'färre'} än {f.year - 1}"
                  f" ({n(prev)})")  # fmt: skip
    top_p = _top(f.problemtyp, "problemtyp")
    top_a = _top(f.aktor, "aktor")
    national = f.niva.get("N4", 0) + f.niva.get("N5", 0)
    classified = f.total - f.niva.get("-", 0)
    lines = [
        f"<!-- Sammanfattning för {node_name} {f.year}. Skriven från siffrorna; redigera fritt."
        " Filen används som den är vid nästa körning. Ta bort den för att skriva om den. -->",
        "",
        "## Sammanfattning",
        "",
        f"- Under {f.year} tog förbundet emot {n(f.total)} anmälningar om skav{change}.",
    ]
    if top_p:
        lines.append("- De vanligaste problemtyperna var "
                     + _join(f"{label} ({n(v)})" for label, v in top_p) + ".")  # fmt: skip
    if top_a:
        lines.append("- Skaven uppstod oftast hos " + _join(f"{label} ({n(v)})"
                     for label, v in top_a) + ".")  # fmt: skip
    if classified:
        lines.append(
            f"- {pct(national / classified)} av de klassificerade anmälningarna gällde "
            "nationell nivå (myndighet eller lagstiftning) och kan inte lösas lokalt."
        )
    lines.append(f"- {n(sum(f.atgard.values()))} åtgärder registrerades och "
                 f"{n(f.closed_in_year)} ärenden avslutades under året; {n(len(f.open_cases))} "
                 f"ärenden var fortfarande öppna den {_date(f.data_until)}.")  # fmt: skip
    lines += ["", "## Rekommendationer", ""]
    if top_p:
        lines.append(f"- Följ upp problemtypen {top_p[0][0]} med de berörda parterna i "
                     "beredningsgruppen och ta fram en gemensam handlingsplan.")  # fmt: skip
    if national:
        lines.append("- Lyft anmälningar på nationell nivå regionalt och till nationella "
                     "nätverket (NNS), så att de kan jämföras med andra förbunds.")  # fmt: skip
    if f.open_cases:
        lines.append("- Gå igenom de ärenden som varit öppna längre än tre månader och "
                     "ge anmälarna återkoppling.")  # fmt: skip
    lines.append("- Fortsätt att informera medlemmarnas medarbetare om Lex Heller, särskilt "
                 "i verksamheter som anmäler sällan.")  # fmt: skip
    return "\n".join(lines) + "\n"


def summary_blocks(folder: Path, f: YearFigures, node_name: str) -> tuple[list[Block], Path, bool]:
    """The summary as blocks, its file, and whether the file was created by this call."""
    path = folder / "reports" / str(f.year) / SUMMARY_NAME
    created = not path.exists()
    if created:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(draft_summary(f, node_name), "utf-8")
    return parse_markdown(path.read_text("utf-8")), path, created


def _join(parts: Iterable[str]) -> str:
    items = list(parts)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def _date(d: date) -> str:
    return format_date(d, "d MMMM y", locale="sv_SE")
