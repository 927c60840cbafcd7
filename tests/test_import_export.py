"""Importing existing Lex Heller sheets (dry run, all or none) and exporting cases."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from lexheller.cli import main as cli_main
from lexheller.init import init_node
from node.export import export_cases
from node.importer import import_sheet
from node.runtime import Node

HEADERS = ["Datum", "Anmälarens organisation", "Roll", "Kommun", "Aktör(er)", "Beskrivning",
           "Konsekvenser", "Förslag på lösning", "Problemtyp", "Nivå", "Status", "Återkoppling"]  # fmt: skip
GOOD = [
    ["2024-03-15", "Arbetsförmedlingen", "Handläggare", "Göteborg", "AF; FK",
     "Intyg godtogs inte av FK.", "Utan ersättning.", "Gemensam rutin.", "P07", "N4", "Avslutad",
     "Lyft nationellt."],
    ["2024-05-02", "k-soc", "Socialsekreterare", "1481", "Kommun – socialtjänst/ekonomiskt bistånd",
     "Väntan på beslut i fyra månader.", "", "", "Långsam eller fördröjd handläggning",
     "lokal organisationsnivå", "mottagen", ""],
    ["15.6.2024", "PO", "Personligt ombud", "", "Region – psykiatri, Försäkringskassan",
     "Ingen tog ansvar för samordningen.", "", "", "", "", "", ""],
]  # fmt: skip


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    folder = tmp_path / "sf-imp"
    init_node(folder, node_id="sf-imp", name="Importförbundet", lan_codes=["14"],
              kommun_codes=["1480", "1481"])  # fmt: skip
    n = Node(folder)
    yield n
    n.close()


def write_csv(path: Path, rows: list[list[Any]], delimiter: str = ";", encoding: str = "utf-8",
              headers: list[str] = HEADERS) -> Path:  # fmt: skip
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(headers)
        w.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["Lex Heller – skavlista 2024"])  # a title row above the header, as sheets have
    ws.append([])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def count(node: Node) -> int:
    return node.store.report_count()


@pytest.mark.parametrize("kind", ["csv-semicolon-utf8", "csv-comma-cp1252", "xlsx"])
def test_good_sheet_dry_run_then_apply(node: Node, tmp_path: Path, kind: str) -> None:
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "ark.xlsx", GOOD)
    elif kind == "csv-comma-cp1252":
        path = write_csv(tmp_path / "ark.csv", GOOD, ",", "cp1252")
    else:
        path = write_csv(tmp_path / "ark.csv", GOOD)
    dry = import_sheet(node.store, path)
    assert dry.ok, dry.problems
    assert not dry.applied and count(node) == 0
    first = 4 if kind == "xlsx" else 2
    assert [r.row for r in dry.rows] == [first, first + 1, first + 2]
    result = import_sheet(node.store, path, dry_run=False)
    assert result.applied and result.imported == 3 and count(node) == 3
    with node.store.cursor() as cur:
        rows = cur.execute(
            "SELECT organisation, kommuner, aktorer, problemtyp, niva, status, feedback,"
            " received_at::DATE::VARCHAR FROM reports ORDER BY received_at").fetchall()  # fmt: skip
        kinds = cur.execute("SELECT kind, count(*) FROM report_events GROUP BY 1").fetchall()
    assert rows[0] == ("AF", ["1480"], ["AF", "FK"], "P07", "N4", "S7", "Lyft nationellt.",
                       "2024-03-15")  # fmt: skip
    assert rows[1][:6] == ("K-SOC", ["1481"], ["K-SOC"], "P02", "N2", "S1")
    assert rows[2][:6] == ("PO", [], ["R-PSY", "FK"], None, None, "S1")
    assert rows[2][7] == "2024-06-15"
    assert dict(kinds) == {"mottagen": 3, "importerad": 3}


def test_broken_sheet_lists_problems_and_apply_imports_nothing(node: Node, tmp_path: Path) -> None:
    broken = [
        GOOD[0],
        ["2024-13-45", "AF", "Handläggare", "", "AF", "Text.", "", "", "", "", "", ""],
        ["2024-04-01", "Okänd org", "Handläggare", "Atlantis", "AF; Marsbyrån", "Text.", "",
         "", "P42", "", "", ""],
        ["2024-04-02", "AF", "Handläggare", "", "AF", "Klienten 811218-9876 fick nej.", "", "",
         "", "", "", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "trasig.csv", broken)
    dry = import_sheet(node.store, path)
    found = {(p.row, p.column) for p in dry.problems}
    assert found == {(3, "Datum"), (4, "Anmälarens organisation"), (4, "Kommun"),
                     (4, "Aktör(er)"), (4, "Problemtyp"), (5, "Beskrivning")}  # fmt: skip
    by_row = {p.row: p for p in dry.problems}
    assert "ÅÅÅÅ-MM-DD" in by_row[3].sv
    assert "811218-9876" in by_row[5].sv and "Ta bort" in by_row[5].sv
    assert "P42" in next(p.sv for p in dry.problems if p.column == "Problemtyp")
    result = import_sheet(node.store, path, dry_run=False)
    assert not result.applied and result.imported == 0 and count(node) == 0


def test_missing_required_column(node: Node, tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "Beskrivning"]
    rows = [[v for h, v in zip(HEADERS, r, strict=True) if h != "Beskrivning"] for r in GOOD]
    path = write_csv(tmp_path / "utan.csv", rows, headers=headers)
    result = import_sheet(node.store, path, dry_run=False)
    assert any(p.row == 1 and p.column == "description" for p in result.problems)
    assert count(node) == 0


def test_mapping_file_with_value_maps(node: Node, tmp_path: Path) -> None:
    headers = ["Inkom", "Från", "Parter", "Vad hände"]
    rows = [["2024-02-01", "AF Göteborg", "AF", "Text."], ["2024-02-02", "FK Väst", "fk", "Mer."]]
    path = write_csv(tmp_path / "eget.csv", rows, headers=headers)
    assert not import_sheet(node.store, path).ok  # the guess finds no organisation column
    mapping = tmp_path / "mappning.toml"
    mapping.write_text('[columns]\n"Inkom" = "received_at"\n"Från" = "organisation"\n'
                       '"Parter" = "aktorer"\n"Vad hände" = "description"\n'
                       '[values.organisation]\n"AF Göteborg" = "AF"\n"fk väst" = "FK"\n',
                       "utf-8")  # fmt: skip
    result = import_sheet(node.store, path, mapping, dry_run=False)
    assert result.ok and result.imported == 2


def test_export_round_trips_and_guards_formulas(node: Node, tmp_path: Path) -> None:
    rows = [GOOD[0][:5] + ['=HYPERLINK("x") var texten'] + GOOD[0][6:]] + GOOD[1:]
    import_sheet(node.store, write_csv(tmp_path / "in.csv", rows), dry_run=False)
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"ut.{suffix}"
        assert export_cases(node.store, out)["rows"] == 3
        if suffix == "xlsx":
            cell = load_workbook(out).active["J2"]
            assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
        else:
            assert "'=HYPERLINK" in out.read_text("utf-8-sig")
        again = import_sheet(node.store, out)
        # every row is recognised, and each is refused only because it is already imported
        assert len(again.problems) == 3 and all("redan importerad" in p.sv for p in again.problems)


def test_cli_import_dry_run_apply_and_export(tmp_path: Path, capsys: Any) -> None:
    folder = tmp_path / "sf-cli"
    init_node(folder, node_id="sf-cli", name="CLI-förbundet", lan_codes=["14"],
              kommun_codes=["1480", "1481"])  # fmt: skip
    path = write_csv(tmp_path / "ark.csv", GOOD)
    assert cli_main(["node", "import", str(folder), str(path)]) == 0
    out = capsys.readouterr().out
    assert "Rad 2: importeras" in out and "kör igen med --apply" in out
    assert cli_main(["node", "import", str(folder), str(path), "--apply"]) == 0
    assert "3 rader importerades" in capsys.readouterr().out
    assert cli_main(["node", "import", str(folder), str(path), "--apply"]) == 2
    assert "redan importerad" in capsys.readouterr().out
    xlsx = tmp_path / "ut.xlsx"
    assert cli_main(["node", "export", str(folder), "--out", str(xlsx)]) == 0
    assert load_workbook(xlsx).active.max_row == 4


@pytest.mark.slow
def test_ten_thousand_rows_are_imported(node: Node, tmp_path: Path) -> None:
    """All or nothing at size (its time is printed by bench/timings.py, not asserted here)."""
    rows = [[f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "AF", "Handläggare", "Göteborg",
             "AF; FK", f"Skav nummer {i}: intyget godtogs inte.", "", "", "P07", "N2", "",
             ""] for i in range(10_000)]  # fmt: skip
    path = write_csv(tmp_path / "stort.csv", rows)
    result = import_sheet(node.store, path, dry_run=False)
    assert result.ok and result.imported == 10_000 and count(node) == 10_000
