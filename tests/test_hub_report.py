"""The hub's yearly summary: suppressed cells shown as "..", sums as honest bounds."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from hub.report import build_hub_report
from schemas.codes import code_list, lan
from tests.helpers import demo_hub

YEAR = 2025
TODAY = datetime(2026, 1, 20, tzinfo=UTC)
TZ = ZoneInfo("Europe/Stockholm")
NODES = ("alv-och-kust", "lund", "stromsund-ragunda")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("hubrapport")
    hub, made = demo_hub(base, level="national", node_ids=NODES, years=[2024, YEAR], seed=9,
                         today=TODAY)  # fmt: skip
    truth: Counter = Counter()
    for p, reports in made:
        for rep in reports:
            if rep["received_at"].astimezone(TZ).year == YEAR:
                truth[(p.lan[0], rep["problemtyp"] or "-")] += 1
    result = build_hub_report(hub, YEAR, base / "out")
    hub.close()
    return {"result": result, "truth": truth}


def test_bounds_are_honest_and_suppressed_is_never_zero(built: dict) -> None:
    wb = openpyxl.load_workbook(built["result"]["xlsx"])
    rows = list(wb["Problemtyp per län"].values)
    assert rows[0][:4] == ("Län", "Problemtyp", "Känd summa", "Nedre gräns")
    names = {v.name: k for k, v in lan().items()}
    labels = {code_list("problemtyp").label_of(c): c
              for c in (*code_list("problemtyp").values, "-")}  # fmt: skip
    suppressed = 0
    for lan_name, label, known, lo, hi, _n, n_supp in rows[1:]:
        true = built["truth"][(names[lan_name], labels[label])]
        assert lo <= true and (hi is None or true <= hi), (lan_name, label, lo, true, hi)
        assert known <= lo or n_supp == 0
        if n_supp == 0:
            assert known == lo == hi == true
        suppressed += n_supp
    assert suppressed > 0, "the test data should exercise suppression"


def test_pdf_shows_dots_and_bounds(built: dict) -> None:
    text = subprocess.run(["pdftotext", "-layout", built["result"]["pdf"], "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    assert "nationell sammanställning 2025" in text
    assert re.search(r"\s\.\.\s", text), "a suppressed cell is shown as .."
    assert re.search(r"\s\d+–\d+\s|≥\s?\d+", text), "a sum with suppressed cells has bounds"
    flat = " ".join(text.split())
    assert "Lund" in flat and "Älv och Kust" in flat and "Strömsund" in flat
    assert Path(built["result"]["xlsx"]).exists()


def test_cli_command_is_added() -> None:
    import click

    from lexheller.commands.hub import command

    sub = command.get_command(click.Context(command), "report")
    assert sub is not None
    params = sub.make_context("report", ["DIR", "--year", "2025"]).params
    out = params["out_dir"] and str(params["out_dir"])
    assert (str(params["dir"]), params["year"], out) == ("DIR", 2025, None) and isinstance(sub, click.Command)