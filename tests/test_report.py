"""The node's yearly report: figures in the PDF and Word file match the database, the PDF is
tagged (PDF/UA), and the same data gives the same output."""

from __future__ import annotations

import re
import subprocess
import zlib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest

from lexheller.init import init_node
from node.report import build_yearly_report, operations
from node.report.data import year_figures
from node.report.texts import parse_markdown, summary_blocks
from node.runtime import Node
from node.synthetic import demo_profiles, generate_reports
from schemas.codes import code_list

YEAR = 2025
TODAY = datetime(2026, 1, 20, tzinfo=UTC)
TZ = ZoneInfo("Europe/Stockholm")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("arsrapport")
    p = next(x for x in demo_profiles() if x.id == "alv-och-kust")
    init_node(base / "node", node_id=p.id, name=p.name, lan_codes=list(p.lan),
              kommun_codes=list(p.kommuner), population=p.population, synthetic=True)  # fmt: skip
    node = Node(base / "node")
    node.store.add_reports(generate_reports(p, [2023, 2024, 2025], seed=11, today=TODAY))
    first = build_yearly_report(node, YEAR, base / "a")
    second = operations(node)["report"](year=YEAR, out=str(base / "b"))
    yield {"node": node, "first": first, "second": second, "base": base}
    node.close()


def _pdf_text(path: str, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), path, "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _db_counts(node: Node) -> tuple[int, Counter]:
    with node.store.cursor() as cur:
        rows = cur.execute("SELECT received_at, problemtyp FROM reports").fetchall()
    year = [p for t, p in rows if t.replace(tzinfo=UTC).astimezone(TZ).year == YEAR]
    return len(year), Counter(p or "-" for p in year)


def test_pdf_figures_match_the_database(built: dict) -> None:
    total, per_type = _db_counts(built["node"])
    assert built["first"]["reports"] == total
    text = _pdf_text(built["first"]["pdf"])
    assert f"Under {YEAR} kom {total} anmälningar in" in " ".join(text.split())
    cl = code_list("problemtyp")
    for code, count in per_type.items():
        label = re.escape(cl.label_of(code))
        assert re.search(rf"^\s*{label}\s+{count}\s+\d+\s?%", text, re.M), (code, count)
    assert "Sida 2 av" in text
    assert "Figur 1. Anmälningar per år" in text


def _pdf_objects(path: str) -> bytes:
    """The PDF's bytes with every Flate stream (object streams too) decompressed."""
    raw = Path(path).read_bytes()
    parts = [raw]
    for m in re.finditer(rb"stream\r?\n", raw):
        try:
            parts.append(zlib.decompressobj().decompress(raw[m.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_pdf_is_tagged_pdf_ua(built: dict) -> None:
    objects = _pdf_objects(built["first"]["pdf"])
    assert b"/StructTreeRoot" in objects
    assert b"/Lang (sv)" in objects
    assert b"/Marked true" in objects
    assert b'pdfuaid:part="1"' in objects
    for tag in (b"/S /Figure", b"/S /Table", b"/S /TH", b"/S /H2", b"/S /Caption"):
        assert tag in objects, tag
    figures = len(re.findall(rb"/S /Figure", objects))
    alts = len(re.findall(rb"/S /Figure(?:(?!/S /).)*?/Alt <feff", objects, re.S))
    assert figures >= 6 and alts == figures


def test_docx_opens_and_holds_the_same_figures(built: dict) -> None:
    d = docx.Document(built["first"]["docx"])
    assert d.core_properties.language == "sv-SE"
    _, per_type = _db_counts(built["node"])
    cl = code_list("problemtyp")
    table = next(t for t in d.tables if [c.text for c in t.rows[0].cells] ==
                 ["Problemtyp", "Antal", "Andel"])  # fmt: skip
    shown = {r.cells[0].text: r.cells[1].text for r in table.rows[1:]}
    for code, count in per_type.items():
        assert shown[cl.label_of(code)] == str(count)
    shapes = d.inline_shapes
    assert len(shapes) >= 6
    assert all(s._inline.docPr.get("descr") for s in shapes)


def _xlsx_values(path: str) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.values) for ws in wb.worksheets}


def test_same_data_gives_the_same_output(built: dict) -> None:
    a, b = built["first"], built["second"]
    assert a["summary_created"] and not b["summary_created"]
    assert _xlsx_values(a["xlsx"]) == _xlsx_values(b["xlsx"])
    assert _pdf_text(a["pdf"], layout=False) == _pdf_text(b["pdf"], layout=False)
    wb = openpyxl.load_workbook(a["xlsx"])
    until = year_figures(built["node"].store, YEAR, texts_cleared=False).data_until
    assert wb.properties.created == datetime(until.year, until.month, until.day)
    sheet = dict(list(wb["Problemtyp"].values)[1:-1][i][:2] for i in range(3))
    assert all(isinstance(v, int) for v in sheet.values())


def test_edited_summary_is_used(built: dict, tmp_path: Path) -> None:
    node = built["node"]
    f = year_figures(node.store, YEAR, texts_cleared=False)
    blocks, path, created = summary_blocks(tmp_path, f, "Testförbundet")
    assert created and path.exists() and blocks[0].text == "Sammanfattning"
    path.write_text("<!-- x -->\n## Vår rubrik\n\nEgen text\nfortsätter.\n\n- en\n- två\n")
    blocks, _, created = summary_blocks(tmp_path, f, "Testförbundet")
    assert not created
    assert [(b.kind, b.text, b.items) for b in blocks] == [
        ("h", "Vår rubrik", ()),
        ("p", "Egen text fortsätter.", ()),
        ("ul", "", ("en", "två")),
    ]


def test_free_text_only_when_cleared(built: dict) -> None:
    node = built["node"]
    hidden = year_figures(node.store, YEAR, texts_cleared=False)
    assert hidden.suggestions == [] and hidden.examples == {}
    shown = year_figures(node.store, YEAR, texts_cleared=True)
    assert shown.suggestions and shown.examples
    assert len({t for _, t in shown.suggestions}) == len(shown.suggestions)
    assert sum(shown.status_end.values()) == sum(v for y, v in shown.per_year)
    assert all(c.status != "S7" for c in shown.open_cases)


def test_markdown_subset() -> None:
    blocks = parse_markdown("# A\n- x\n  y\n* z\nText")
    assert [(b.kind, b.text, b.items) for b in blocks] == [
        ("h", "A", ()),
        ("ul", "", ("x y", "z")),
        ("p", "Text", ()),
    ]


def test_cli_command_is_added() -> None:
    import click

    from lexheller.commands.node import command

    sub = command.get_command(click.Context(command), "report")
    assert sub is not None
    params = sub.make_context("report", ["DIR", "--year", "2025", "--out", "X"]).params
    out = params["out_dir"] and str(params["out_dir"])
    assert (str(params["dir"]), params["year"], out) == ("DIR", 2025, "X") and isinstance(sub, click.Command)