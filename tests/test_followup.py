"""Reporters follow for real: optional e-mail, the status page's history, two-way messages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from node import notifications
from node.mail.devserver import read_mails, start_demo_mail_server, stop_demo_mail_server
from node.server import create_app
from node.web.public import PublicState
from tests.helpers import Staff, make_staff, post
from tests.test_mail import wait_for
from tests.test_public_form import CSRF, good_form


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Staff, Any, Path]]:
    host, port, maildir = start_demo_mail_server(tmp_path / "smtp")
    for key, value in {"HOST": host, "PORT": str(port), "TLS": "none",
                       "SENDER": "lexheller@test.example"}.items():  # fmt: skip
        monkeypatch.setenv(f"LEXHELLER_MAIL_{key}", value)
    staff = make_staff(tmp_path / "nod")
    public = create_app(staff.node, public_state=PublicState(status_seconds=0.0)).test_client()
    yield staff, public, maildir
    staff.node.close()
    stop_demo_mail_server(port)


def report(public: Any, **changes: Any) -> tuple[Any, str]:
    csrf = CSRF.search(public.get("/anmalan").text).group(1)
    r = public.post("/anmalan", data=good_form(csrf, **changes))
    receipt = public.get("/anmalan/kvitto").text.split('id="receipt-code">')[1].split("<")[0]
    return r, receipt


def status(public: Any, receipt: str) -> Any:
    csrf = CSRF.search(public.get("/status").text).group(1)
    return public.post("/status", data={"csrf_token": csrf, "receipt": receipt})


def write(public: Any, receipt: str, text: str, answers: int | None = None) -> Any:
    csrf = CSRF.search(public.get("/status").text).group(1)
    data = {"csrf_token": csrf, "receipt": receipt, "text": text}
    if answers is not None:
        data["answers"] = str(answers)
    return public.post("/status/meddelande", data=data)


def case_id(staff: Staff, receipt: str) -> str:
    with staff.node.store.cursor() as cur:
        return cur.execute("SELECT id FROM reports WHERE receipt = ?", [receipt]).fetchone()[0]


def test_new_report_mails_staff_and_receipt_without_content(world) -> None:
    staff, public, maildir = world
    user = staff.state.accounts.get("vera")
    notifications.set_prefs(staff.node.store, user, email="vera@forbund.example", on_new=True,
                            digest="none", lang="sv", now=staff.clock())  # fmt: skip
    r, receipt = report(public, follow_email="kim@kommun.example")
    assert r.status_code == 303
    # the server's mail thread delivers within seconds; the request did not wait for it
    mails = {m["To"]: m for m in wait_for(maildir, 2)}
    assert set(mails) == {"vera@forbund.example", "kim@kommun.example"}
    to_staff = mails["vera@forbund.example"]
    assert receipt in to_staff["Subject"]
    body = to_staff.get_body(("plain",)).get_content()
    assert f"/personal/arenden/{case_id(staff, receipt)}" in body
    for mail in mails.values():
        whole = mail.as_string()
        assert "läkarintyg" not in whole and "Socialsekreterare" not in whole
    assert receipt in mails["kim@kommun.example"].get_body(("plain",)).get_content()
    # the reporter's address is kept apart from the report, never in its columns or trail
    with staff.node.store.cursor() as cur:
        row = cur.execute("SELECT reporter_contact, reporter_name FROM reports WHERE receipt = ?",
                          [receipt]).fetchone()  # fmt: skip
        trail = cur.execute("SELECT string_agg(data, ' ') FROM report_events").fetchone()[0]
    assert row == (None, None) and "kim@kommun.example" not in trail


def test_a_bad_follow_email_is_refused_with_the_text_kept(world) -> None:
    _, public, _ = world
    csrf = CSRF.search(public.get("/anmalan").text).group(1)
    r = public.post("/anmalan", data=good_form(csrf, follow_email="kim at kommun"))
    assert r.status_code == 422
    assert "ser inte ut som en adress" in r.text and "läkarintyg" in r.text


def test_question_answer_and_addition_travel_both_ways(world) -> None:
    staff, public, maildir = world
    _, receipt = report(public, follow_email="kim@kommun.example")
    rid = case_id(staff, receipt)
    vera = staff.client("vera")
    r = post(vera, f"/personal/arenden/{rid}/fraga", text="Vilken månad kom beslutet?")
    assert r.status_code == 302
    page = status(public, receipt)
    assert "Vilken månad kom beslutet?" in page.text and "Frågor till dig" in page.text
    assert "Kontakt med anmälaren" in page.text  # the status moved S1 -> S2, shown with date
    seq = int(page.text.split('name="answers" value="')[1].split('"')[0])
    # personal data is refused, the text is handed back, nothing stored
    r = write(public, receipt, "Ring mig på 070-123 45 67", seq)
    assert r.status_code == 422 and "070-123 45 67" in r.text and 'aria-invalid="true"' in r.text
    r = write(public, receipt, "Beslutet kom i mars.", seq)
    assert r.status_code == 200 and "Tack!" in r.text and "Frågor till dig" not in r.text
    r = write(public, receipt, "Nu har även CSN krävt samma intyg.")
    assert r.status_code == 200
    case = vera.get(f"/personal/arenden/{rid}").text
    assert "Svar från anmälaren" in case and "Beslutet kom i mars." in case
    assert "Tillägg från anmälaren" in case and "CSN" in case
    with staff.node.store.cursor() as cur:
        rows = cur.execute("SELECT kind, who, data FROM report_events WHERE report_id = ?"
                           " ORDER BY seq", [rid]).fetchall()  # fmt: skip
    kinds = [(k, w) for k, w, _ in rows]
    assert ("svar_fran_anmalare", "anmälare") in kinds
    assert ("tillagg_fran_anmalare", "anmälare") in kinds
    assert json.loads(rows[-2][2])["answers"] == seq
    assert "070" not in " ".join(d for _, _, d in rows)
    # the reporter got a mail for the question, without its text
    subjects = [m["Subject"] for m in wait_for(maildir, 2)]
    assert f"En fråga om din anmälan {receipt}" in subjects
    assert all("Vilken månad" not in m.as_string() for m in read_mails(maildir))


def test_the_status_page_never_shows_staff_notes_and_closed_cases_refuse(world) -> None:
    staff, public, _ = world
    _, receipt = report(public)
    rid = case_id(staff, receipt)
    vera = staff.client("vera")
    post(vera, f"/personal/arenden/{rid}/kontakt", text="Intern anteckning om samtalet",
         **{"with": "part"})  # fmt: skip
    post(vera, f"/personal/arenden/{rid}/aterkoppling", text="Vi har lyft frågan till AF.")
    page = status(public, receipt).text
    assert "Intern anteckning" not in page
    assert "Vi har lyft frågan till AF." in page and "Mottagen" in page
    post(vera, f"/personal/arenden/{rid}/status", status="S7")
    r = write(public, receipt, "En sak till.")
    assert r.status_code == 422 and "avslutat" in r.text
    r = write(public, "LH-2222-2222", "Hej")
    assert r.status_code == 404


def test_reporter_addresses_are_purged_after_close_and_retention(world) -> None:
    from datetime import timedelta

    staff, public, _ = world
    _, receipt = report(public, follow_email="kim@kommun.example")
    rid = case_id(staff, receipt)
    post(staff.client("vera"), f"/personal/arenden/{rid}/status", status="S7")
    now = staff.clock()
    assert notifications.purge_reporter_contacts(staff.node.store, 2, now) == 0
    assert notifications.purge_reporter_contacts(staff.node.store, 2,
                                                 now + timedelta(days=2 * 365 + 1)) == 1  # fmt: skip
    assert notifications.tell_reporter(staff.node, rid, "update", status="x") is False


def test_the_form_links_to_the_personal_data_page(world) -> None:
    _, public, _ = world
    form = public.get("/anmalan").text
    assert 'href="/personuppgifter"' in form
    page = public.get("/personuppgifter").text
    assert "Testförbundet är personuppgiftsansvarig" in page and "i 2 år" in page
    assert "Integritetsskyddsmyndigheten" in page
    assert "Swedish Authority for Privacy Protection" in public.get("/personuppgifter?lang=en").text


def test_the_case_page_names_kommuner(world) -> None:
    staff, _, _ = world
    page = staff.client("vera").get("/personal/arenden/a1b2c3d4-0000-4000-8000-000000000001").text
    assert "<dd>Göteborg</dd>" in page
