"""The party report on a regional hub from the aggregates: every figure in the XLSX (and the
PDF's text) holds the true count of the förbund's own databases — exact or within honest
bounds, never a suppressed value shown as zero."""

from __future__ import annotations

import subprocess
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from common.errors import UsageError
from hub.report import build_hub_party_report
from schemas.codes import code_list
from tests.helpers import demo_hub

YEAR = 2025
TZ = ZoneInfo("Europe/Stockholm")
NODES = ("alv-och-kust", "lund", "stromsund-ragunda")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("hubparts")
    hub, made = demo_hub(base, level="regional", node_ids=NODES, years=[2024, YEAR], seed=9,
                         today=datetime(2026, 1, 20, tzinfo=UTC))  # fmt: skip
    truth: Counter = Counter()
    for _p, reports in made:
        for rep in reports:
            if rep["received_at"].astimezone(TZ).year == YEAR and "FK" in rep["aktorer"]:
                truth[rep["problemtyp"] or "-"] += 1
                truth["total"] += 1
    result = hub.operations()["partsrapport"](year=YEAR, party="FK", out=str(base / "out"))
    with pytest.raises(UsageError, match="inga publicerade siffror"):
        build_hub_party_report(hub, 2019, "FK", base / "out")
    hub.close()
    return {"result": result, "truth": truth}


def test_xlsx_figures_hold_the_truth(built: dict) -> None:
    wb = openpyxl.load_workbook(built["result"]["xlsx"])
    rows = list(wb["Problemtyp"].values)
    assert rows[0] == ("Problemtyp", "Exakt", "Nedre gräns", "Övre gräns (tom = okänd)")
    labels = {code_list("problemtyp").label_of(c): c for c in code_list("problemtyp").values}
    labels["Ej klassificerad"] = "-"
    seen = 0
    for label, exact, lo, hi in rows[1:]:
        true = built["truth"][labels[label]]
        if exact is not None:
            assert exact == lo == hi == true, label
        else:
            assert lo <= true and (hi is None or true <= hi), (label, lo, true, hi)
        seen += 1
    assert seen >= 5


def test_pdf_states_the_party_and_the_total(built: dict) -> None:
    text = subprocess.run(["pdftotext", "-layout", built["result"]["pdf"], "-"],
                          check=True, capture_output=True, text=True).stdout  # fmt: skip
    flat = " ".join(text.split())
    assert "Partsrapport 2025: Försäkringskassan" in flat and "Testnavet" in flat
    # the facts box: the figure under its heading is the exact total or bounds around it
    after = text.split("Anmälningar som nämner parten", 1)[1]
    shown = after.split()[3].replace("\u00a0", "")  # heading, heading, heading, figure
    total = built["truth"]["total"]
    if "–" in shown:
        lo, hi = (int(x) for x in shown.split("–"))
        assert lo <= total <= hi, (shown, total)
    elif shown.startswith("≥"):
        assert int(shown[1:]) <= total
    else:
        assert int(shown) == total
