"""The party report on a node: figures read back from the PDF (pdftotext) and the Word file match
the database; only approved summaries appear, with case numbers, never receipt codes."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest

from common.errors import UsageError
from lexheller.init import init_node
from node.accounts import User
from node.report.partsrapport import build_party_report, party
from node.runtime import Node
from node.summaries import Summaries, case_number
from node.synthetic import demo_profiles, generate_reports
from schemas.codes import code_list

YEAR = 2025
TZ = ZoneInfo("Europe/Stockholm")
VU = User("vera", ("verksamhetsutvecklare",))
CHEF = User("chef", ("forbundschef",))
APPROVED = "Försäkringskassans beslut om sjukpenning kom efter att arbetsprövningen redan börjat."
DRAFT = "Ett utkast som förbundschefen ännu inte har godkänt och som inte får synas."


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("partsrapport")
    p = next(x for x in demo_profiles() if x.id == "alv-och-kust")
    init_node(base / "node", node_id=p.id, name=p.name, lan_codes=list(p.lan),
              kommun_codes=list(p.kommuner), population=p.population, synthetic=False)  # fmt: skip
    node = Node(base / "node")
    node.store.add_reports(generate_reports(p, [2023, 2024, 2025], seed=11,
                                            today=datetime(2026, 1, 20, tzinfo=UTC)))  # fmt: skip
    with node.store.cursor() as cur:
        fk = cur.execute("SELECT id, receipt FROM reports WHERE list_contains(aktorer, 'FK')"
                         " AND year(received_at) = 2025 AND month(received_at) BETWEEN 2 AND 11"
                         " ORDER BY id LIMIT 2").fetchall()  # fmt: skip
    sums = Summaries(node.store)
    sums.approve(CHEF, sums.write(VU, fk[0][0], APPROVED))
    sums.write(VU, fk[1][0], DRAFT)
    result = node.operations()["partsrapport"](year=YEAR, party="fk", out=str(base / "out"))
    yield {"node": node, "result": result, "case": fk[0], "base": base}
    node.close()


def _pdf_text(path: str) -> str:
    return subprocess.run(["pdftotext", "-layout", path, "-"], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip


def _db(node: Node) -> tuple[int, dict[str, int]]:
    with node.store.cursor() as cur:
        rows = cur.execute("SELECT received_at, problemtyp FROM reports"
                           " WHERE list_contains(aktorer, 'FK')").fetchall()  # fmt: skip
    year = [p for t, p in rows if t.replace(tzinfo=UTC).astimezone(TZ).year == YEAR]
    counts: dict[str, int] = {}
    for p in year:
        if p:
            counts[p] = counts.get(p, 0) + 1
    return len(year), counts


def _num(v: int) -> str:
    return f"{v:,}".replace(",", "\u00a0")


def test_pdf_counts_match_the_database(built: dict) -> None:
    total, per_type = _db(built["node"])
    assert built["result"]["reports"] == total > 0
    text = _pdf_text(built["result"]["pdf"])
    assert "Partsrapport 2025: Försäkringskassan" in text
    assert re.search(rf"Under 2025 kom {_num(total)} anmälningar", text)
    cl = code_list("problemtyp")
    for code, count in per_type.items():
        label = re.escape(cl.label_of(code))
        assert re.search(rf"^\s*{label}\s+{count}\s+\d+\s?%", text, re.M), (code, count)
    assert len(per_type) >= 3


def test_only_approved_summary_with_case_number(built: dict) -> None:
    text = " ".join(_pdf_text(built["result"]["pdf"]).split())
    rid, receipt = built["case"]
    assert APPROVED[:40] in text and f"ärende {case_number(rid)}" in text
    assert DRAFT[:30] not in text
    assert receipt not in text
    with built["node"].store.cursor() as cur:
        receipts = {r for (r,) in cur.execute("SELECT receipt FROM reports").fetchall()}
    assert not any(r in text for r in receipts), "no receipt code in a party report"
    assert "Vad förbundet ber Försäkringskassan om" in text


def test_word_file_holds_the_same_figures(built: dict) -> None:
    total, _ = _db(built["node"])
    d = docx.Document(built["result"]["docx"])
    body = " ".join(p.text for p in d.paragraphs)
    assert f"kom {_num(total)} anmälningar" in body
    assert APPROVED[:40] in body and DRAFT[:30] not in body


def test_ask_file_is_edited_and_used(built: dict) -> None:
    ask = Path(built["result"]["ask"])
    assert ask.exists() and ask.read_text("utf-8").strip() != ""
    ask.write_text("Förbundet ber om ett gemensamt möte om sjukpenning.\n", "utf-8")
    r = build_party_report(built["node"], YEAR, "FK", built["base"] / "out")
    assert r["ask_created"] is False
    assert "gemensamt möte om sjukpenning" in " ".join(_pdf_text(r["pdf"]).split())


def test_unknown_party_says_what_to_choose() -> None:
    assert party("k")[2] == ("K-SOC", "K-AME", "K-ANN")
    assert party("R-PSY")[1] == "Region – psykiatri"
    with pytest.raises(UsageError, match="Välj en av"):
        party("Skatteverket")


def test_arsrapport_on_a_real_node_quotes_only_approved_summaries(built: dict) -> None:
    from node.report import build_yearly_report

    r = build_yearly_report(built["node"], YEAR, built["base"] / "ars")
    text = " ".join(_pdf_text(r["pdf"]).split())
    rid, receipt = built["case"]
    assert "Exempel: sammanfattningar godkända som delbara" in text
    assert APPROVED[:40] in text and f"ärende {case_number(rid)}" in text
    assert DRAFT[:30] not in text
    assert "för 2025 finns ännu inga" in text, "no approved suggestion: the note says so"


def test_no_receipt_code_in_arsrapport_partsrapport_or_agenda(built: dict) -> None:
    """Receipt codes are the reporters' keys to their status page: no report prints one."""
    from datetime import date, timedelta

    from node import forums
    from node.report import build_yearly_report
    from node.report.data import year_figures
    from node.workflow import Cases

    node = built["node"]
    with node.store.cursor() as cur:
        receipts = {r for (r,) in cur.execute("SELECT receipt FROM reports").fetchall()}
        lifted = [r for (r,) in cur.execute(
            "SELECT id FROM reports WHERE year(received_at) = 2025 AND status <> 'S7'"
            " ORDER BY id LIMIT 3").fetchall()]  # fmt: skip
    meeting_day = date.today() + timedelta(days=40)
    mid = forums.add_meeting(node.store, VU, "styrelse", meeting_day, datetime.now(UTC))
    cases = Cases(node.store)
    for rid in lifted:
        cases.lift(VU, rid, "styrelse", meeting_day, "Två parter kräver olika underlag.")
    agenda = forums.write_agenda(node.store, "Älv och kust", mid, built["base"] / "forum", "pdf")
    ars = build_yearly_report(node, YEAR, built["base"] / "ars-receipts")
    figures = year_figures(node.store, YEAR, texts_cleared=False)
    assert figures.open_cases, "the synthetic year leaves open cases to list"
    texts = {"årsrapport": _pdf_text(ars["pdf"]), "partsrapport": _pdf_text(built["result"]["pdf"]),
             "dagordning": _pdf_text(str(agenda))}  # fmt: skip
    assert "Ärende 3" in " ".join(texts["dagordning"].split()), "three cases on the agenda"
    oldest = figures.open_cases[0].case
    assert oldest == case_number(oldest) and re.search(rf"^\s*{oldest}\s", texts["årsrapport"], re.M)
    for name, text in texts.items():
        flat = "".join(text.split())  # a code broken over two lines is still found
        found = sorted(r for r in receipts if r in text or r.replace("-", "") in flat
                       or r in flat)  # fmt: skip
        assert not found, f"{name} prints receipt codes {found[:3]}"
