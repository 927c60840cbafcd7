"""Import from a Synergi/Händelseråd export with the ``synergi`` preset: a synthetic export
shaped like the ones regions make (semicolon CSV, cp1252, Swedish headers), every row recorded
with channel SYN, unknown units falling back to region-other, the guard still applied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lexheller.cli import main
from node import channels
from node.import_mapping import preset_mapping
from node.importer import import_sheet

HEADER = ("Ärendenummer;Registreringsdatum;Händelsedatum;Rubrik;Händelsebeskrivning;Konsekvens;"
          "Förslag till åtgärd;Berörd verksamhet;Kommun;Rapporterande enhet;Status;Allvarlighet")
ROWS = [
    "S-2025-0141;2025-03-04;2025-02-27;Intyg;Patienten fick inget läkarintyg i tid och "
    "Försäkringskassan drog in ersättningen.;Ingen ersättning i två månader.;"
    "Gemensam rutin för intyg.;\"Psykiatri; Försäkringskassan\";Göteborg;Vårdcentralen Hjällbo;"
    "Avslutad;Måttlig",
    "S-2025-0177;2025-04-11;;Remiss;Remissen till habiliteringen kom bort mellan regionerna.;;;"
    "Habilitering;Mölndal;Habiliteringen;Under utredning;Mindre",
]


def export(folder: Path, rows: list[str], encoding: str = "cp1252") -> Path:
    path = folder / "synergi-export.csv"
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))
    return path


def test_preset_maps_synergi_columns_and_records_channel_syn(make_node, tmp_path) -> None:
    node = make_node("sf-syn", "Synergiförbundet", kommuner=("1480", "1481"), years=())
    path = export(tmp_path, ROWS)
    dry = import_sheet(node.store, path, preset="synergi")
    assert dry.ok, [p.sv for p in dry.problems]
    first = dry.rows[0].report
    assert first is not None and first["kanal"] == "SYN"
    assert first["aktorer"] == ["R-PSY", "FK"] and first["status"] == "S7"
    assert first["organisation"] == "R-ANN", "a unit no code matches falls back to the default"
    assert first["raised_elsewhere"] == "S-2025-0141" and first["kommuner"] == ["1480"]
    assert dry.rows[1].report["event_date"] is None and dry.rows[1].report["status"] == "S3"
    result = import_sheet(node.store, path, preset="synergi", dry_run=False)
    assert result.applied and result.imported == 2
    with node.store.cursor() as cur:
        assert {channels.channel_of(cur, r.report["id"]) for r in result.rows} == {"SYN"}
    frame = node.store.aggregation_frame()
    assert frame["kanal"].to_list() == ["SYN", "SYN"]


def test_synergi_rows_with_personal_data_or_unknown_actor_are_refused(make_node,
                                                                      tmp_path) -> None:  # fmt: skip
    node = make_node("sf-syn", "Synergiförbundet", years=())
    bad = [ROWS[0].replace("Patienten fick", "Patienten (070-123 45 67) fick"),
           ROWS[1].replace("Habilitering;", "Tandvården;")]  # fmt: skip
    result = import_sheet(node.store, export(tmp_path, bad), preset="synergi", dry_run=False)
    assert not result.ok and not result.applied
    texts = " ".join(p.sv for p in result.problems)
    assert "telefonnummer" in texts.lower() and "'Tandvården' känns inte igen" in texts
    assert node.store.report_count() == 0
    with node.store.cursor() as cur:
        channels.ensure_schema(cur)
        assert cur.execute("SELECT count(*) FROM report_channels").fetchone()[0] == 0


def test_own_mapping_merges_over_the_preset_and_bad_defaults_are_named(tmp_path) -> None:
    own = tmp_path / "egen.toml"
    own.write_text('[columns]\n"Rubrik" = "suggestion"\n[defaults]\norganisation = "R-VC"\n',
                   "utf-8")  # fmt: skip
    from node.import_mapping import load_mapping

    merged = preset_mapping("synergi", HEADER.split(";"), own=load_mapping(own))
    assert merged.columns["Rubrik"] == "suggestion"
    assert "Förslag till åtgärd" not in merged.columns, "the own column for a field wins"
    assert merged.defaults == {"kanal": "SYN", "organisation": "R-VC"}
    own.write_text('[defaults]\nkanal = "FAX"\n', "utf-8")
    with pytest.raises(Exception, match="kanal = 'FAX'"):
        load_mapping(own)
    with pytest.raises(Exception, match="Okänd förinställning"):
        preset_mapping("excel", [])


def test_cli_import_with_preset(make_node, tmp_path, capsys) -> None:
    node = make_node("sf-syn", "Synergiförbundet", kommuner=("1480", "1481"), years=())
    folder = str(node.folder)
    node.close()
    path = export(tmp_path, ROWS)
    assert main(["--json", "node", "import", folder, str(path), "--preset", "synergi"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and not out["applied"] and out["mapping"]["defaults"]["kanal"] == "SYN"
    assert main(["node", "import", folder, str(path), "--preset", "synergi", "--apply"]) == 0
    assert "2 rader importerades." in capsys.readouterr().out
