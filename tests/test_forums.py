"""The forum cycle: meetings per forum, lifting a case to a meeting, the agenda as Word and PDF
without receipt codes or anything about the reporter; the Forum page in Chromium with axe."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from node import forums
from node.accounts import User
from tests.browser import (
    axe_violations,
    chromium_browser,
    chromium_page,
    has_horizontal_scroll,
    resize,
    serve_wsgi,
)
from tests.helpers import CASE, PW, Staff, make_report, post

OTHER = "f" * 32


@pytest.fixture
def staff(staff: Staff) -> Staff:
    staff.node.store.add_reports([make_report(OTHER)])
    return staff


def receipts(staff: Staff) -> list[str]:
    with staff.node.store.cursor() as cur:
        return [r[0] for r in cur.execute("SELECT receipt FROM reports").fetchall()]


def lift_case(staff: Staff) -> int:
    vera = staff.client("vera")
    assert post(vera, "/personal/forum", forum="beredningsgrupp",
                meeting_date="2026-04-20").status_code == 302  # fmt: skip
    post(vera, f"/personal/arenden/{CASE}/klassificera", problemtyp="P07", niva="N4",
         aktorer=["AF", "FK"])  # fmt: skip
    r = post(vera, f"/personal/arenden/{CASE}/atgard", code="T02", text="Brev till AF:s ledning.")
    assert r.status_code == 302
    r = post(vera, f"/personal/arenden/{CASE}/mote", meeting="1",
             text="Två myndigheter kräver olika intyg för samma sak.")  # fmt: skip
    assert r.status_code == 302 and "klart=mote" in r.location
    return 1


def test_meetings_are_listed_with_deadlines_and_checked(staff: Staff) -> None:
    mid = lift_case(staff)
    (m,) = forums.meetings(staff.node.store, date(2026, 3, 1))
    assert (m["id"], m["forum"], m["deadline"], m["cases"]) == (mid, "beredningsgrupp",
                                                                 date(2026, 4, 6), 1)  # fmt: skip
    vera = staff.client("vera")
    r = post(vera, "/personal/forum", forum="beredningsgrupp", meeting_date="2026-04-20")
    assert r.status_code == 400 and "finns redan" in r.text
    r = post(vera, "/personal/forum", forum="beredningsgrupp", meeting_date="20 april")
    assert r.status_code == 400 and "år-månad-dag" in r.text
    r = post(vera, "/personal/forum", forum="", meeting_date="2026-05-01")
    assert r.status_code == 400 and "Välj ett forum" in r.text
    with pytest.raises(forums.ForumError, match="redan varit"):
        forums.add_meeting(staff.node.store, User("vera", ("verksamhetsutvecklare",)),
                           "styrelse", date(2020, 1, 1), staff.clock())  # fmt: skip
    chef = staff.client("chef")
    assert post(chef, "/personal/forum", forum="styrelse",
                meeting_date="2026-06-01").status_code == 400  # fmt: skip
    case = vera.get(f"/personal/arenden/{CASE}").text
    assert "Lyft till forum" in case


def test_agenda_has_codes_summary_actions_and_nothing_about_the_reporter(staff: Staff) -> None:
    mid = lift_case(staff)
    doc = forums.agenda_document(staff.node.store, "Testförbundet", mid)
    words = repr(doc)
    assert "Regelverk som motverkar varandra" in words  # P07
    assert "Två myndigheter kräver olika intyg" in words and "Brev till AF:s ledning." in words
    for secret in [*receipts(staff), "Kim Anmälare", "kim@kommun.example", "handläggare",
                   "Personen skickas", "Ingen ersättning", CASE]:  # fmt: skip
        assert secret not in words, secret
    assert "Ärende 1" in words and "Ärende 2" not in words  # OTHER was not lifted
    vera = staff.client("vera")
    r = vera.get(f"/personal/forum/{mid}/underlag.docx")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith(
        "underlag-beredningsgrupp-2026-04-20.docx"
    )
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(r.data)).paragraphs)
    assert "Två myndigheter kräver olika intyg" in text
    assert all(code not in text for code in receipts(staff))
    r = vera.get(f"/personal/forum/{mid}/underlag.pdf?lang=en")
    assert r.status_code == 200 and r.data.startswith(b"%PDF-")
    assert r.headers["Content-Type"] == "application/pdf"
    assert vera.get("/personal/forum/99/underlag.pdf").status_code == 404
    assert vera.get(f"/personal/forum/{mid}/underlag.exe").status_code == 404
    assert staff.client("lars").get(f"/personal/forum/{mid}/underlag.pdf").status_code == 403


def test_forum_page_in_chromium(staff: Staff) -> None:
    lift_case(staff)
    with serve_wsgi(staff.app) as base, chromium_browser() as browser, \
            chromium_page(browser) as page:  # fmt: skip
        page.set_default_timeout(20_000)
        page.goto(base + "/personal/forum")
        page.fill("#username", "vera")
        page.fill("#password", PW)
        page.click("button[type=submit]")
        assert page.url.endswith("/personal/forum")
        for lang in ("sv", "en"):
            page.goto(base + f"/personal/forum?lang={lang}")
            assert axe_violations(page) == []
            resize(page, 320, 800)
            assert not has_horizontal_scroll(page)
            resize(page, 1280, 900)
        page.goto(base + f"/personal/arenden/{CASE}")
        assert axe_violations(page) == []
        page.goto(base + "/personal/forum?lang=sv")
        with page.expect_download() as download:
            page.get_by_role("link", name="Underlag Beredningsgruppen").first.click()
        assert download.value.suggested_filename.endswith(".docx")


def test_forum_and_mail_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lexheller.cli import main as cli_main
    from lexheller.init import init_node

    folder = tmp_path / "nod"
    init_node(folder, node_id="t-n", name="Testförbundet", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    args = ["node", "forum", "add-meeting", str(folder), "--forum", "styrelse"]
    assert cli_main([*args, "--date", "2099-05-04"]) == 0
    assert "underlag senast 2099-04-20" in capsys.readouterr().out
    assert cli_main([*args, "--date", "4 maj"]) == 2
    assert "år-månad-dag" in capsys.readouterr().err
    assert cli_main(["node", "forum", "meetings", str(folder)]) == 0
    assert "1: styrelse 2099-05-04" in capsys.readouterr().out
    out_dir = tmp_path / "ut"
    assert cli_main(["node", "forum", "agenda", str(folder), "--meeting", "1", "--out",
                     str(out_dir)]) == 0  # fmt: skip
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "underlag-styrelse-2099-05-04.docx", "underlag-styrelse-2099-05-04.pdf"]  # fmt: skip
    assert cli_main(["node", "mail", str(folder)]) == 0
    assert "Ingen SMTP-server är inställd" in capsys.readouterr().out
    assert cli_main(["node", "digest", str(folder)]) == 0
