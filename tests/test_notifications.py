"""Staff are told: mail choices, the to-do list, digests, the "Att göra" and "E-post" pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from node import notifications
from node.accounts import User
from node.workflow import CaseFilter
from tests.helpers import CASE, Clock, Staff, make_report, make_staff, post

VERA = User("vera", ("verksamhetsutvecklare",))


@pytest.fixture
def staff(tmp_path: Path) -> Iterator[Staff]:
    s = make_staff(tmp_path / "nod", Clock(datetime(2026, 3, 2, 8, 0)))
    s.node.mail.clock = s.clock
    yield s
    s.node.close()


def queued(staff: Staff) -> list[dict]:
    with staff.node.store.cursor() as cur:
        rows = cur.execute("SELECT kind, recipient, subject, text_body FROM mail_queue"
                           " ORDER BY id").fetchall()  # fmt: skip
    return [dict(zip(("kind", "to", "subject", "text"), r, strict=True)) for r in rows]


def test_todo_finds_late_forum_inactive_and_new_without_content(staff: Staff) -> None:
    store, cfg = staff.node.store, staff.node.config
    # CASE arrived 2026-02-20 and is still S1: past the five-day first-contact deadline
    staff.node.store.add_reports([make_report("b" * 32, datetime(2026, 3, 1, 9)),
                                  make_report("c" * 32, datetime(2026, 1, 5, 9))])  # fmt: skip
    vera = staff.client("vera")
    post(vera, f"/personal/arenden/{'c' * 32}/kontakt", text="Ringde.", **{"with": "anmalare"})
    post(vera, f"/personal/arenden/{'b' * 32}/lyft", forum="beredningsgrupp",
         meeting_date="2026-03-20")  # fmt: skip
    items = notifications.todo(store, cfg, date(2026, 3, 2), since=datetime(2026, 2, 25))
    # the reporter of c… was contacted (S2), b… is within its five days
    assert [(r["id"], r["due"]) for r in items["late"]] == [(CASE, date(2026, 2, 25))]
    assert [(r["id"], r["due"]) for r in items["forum"]] == [("b" * 32, date(2026, 3, 6))]
    assert [r["id"] for r in items["new"]] == ["b" * 32]
    assert all("description" not in r for rows in items.values() for r in rows)
    # 40 days later nothing moved on CASE: it is inactive too
    later = notifications.todo(store, cfg, date(2026, 4, 11))
    assert CASE in [r["id"] for r in later["inactive"]]
    assert later["forum"] == []  # the meeting has passed


def test_new_report_mail_goes_only_to_staff_who_asked(staff: Staff) -> None:
    store, now = staff.node.store, staff.clock()
    notifications.set_prefs(store, VERA, email="vera@forbund.example", on_new=True,
                            digest="none", lang="en", now=now)  # fmt: skip
    notifications.set_prefs(store, User("chef", ("forbundschef",)), email="chef@f.example",
                            on_new=False, digest="weekly", lang="sv", now=now)  # fmt: skip
    notifications.set_prefs(store, User("lars", ("lasare",)), email="lars@f.example",
                            on_new=True, digest="none", lang="sv", now=now)  # fmt: skip
    assert notifications.new_report(staff.node, CASE, "LH-AAAA-BBBB") == 1
    (mail,) = queued(staff)
    assert mail["to"] == "vera@forbund.example" and mail["subject"].startswith("New report")
    assert "Personen skickas" not in mail["text"]
    with pytest.raises(notifications.NotificationError, match="e-postadress"):
        notifications.set_prefs(store, VERA, email="", on_new=True, digest="none", lang="sv",
                                now=now)  # fmt: skip


def test_digests_come_once_per_period_after_the_hour(staff: Staff) -> None:
    store = staff.node.store
    notifications.set_prefs(store, VERA, email="vera@forbund.example", on_new=False,
                            digest="daily", lang="sv", now=staff.clock())  # fmt: skip
    staff.clock.now = datetime(2026, 3, 2, 6, 0)  # before digest_hour 7
    assert notifications.queue_digests(staff.node, staff.clock()) == 0
    staff.clock.now = datetime(2026, 3, 2, 7, 5)
    assert notifications.queue_digests(staff.node, staff.clock()) == 1
    assert notifications.queue_digests(staff.node, staff.clock() + timedelta(hours=5)) == 0
    (mail,) = queued(staff)
    assert mail["kind"] == "digest"
    assert "Förbi fristen för första kontakt (1)" in mail["text"]
    assert "frist 2026-02-25" in mail["text"] and "Personen skickas" not in mail["text"]
    assert notifications.queue_digests(staff.node, datetime(2026, 3, 3, 7, 1)) == 1


def test_att_gora_is_the_start_page_and_lists_past_deadlines(staff: Staff) -> None:
    vera = staff.client("vera")
    r = vera.get("/personal/")
    assert r.location == "/personal/att-gora"
    page = vera.get("/personal/att-gora").text
    assert "Förbi fristen för första kontakt (1)" in page
    assert f'/personal/arenden/{CASE}"' in page and "Personen skickas" not in page
    assert "Nytt sedan ditt förra besök (1)" in page
    page = vera.get("/personal/att-gora").text  # second visit: nothing new since the first
    assert "Nytt sedan ditt förra besök (0)" in page
    assert staff.client("lars").get("/personal/att-gora").status_code == 403


def test_mail_page_saves_choices_and_shows_the_queue_to_admins_only(staff: Staff) -> None:
    vera = staff.client("vera")
    r = post(vera, "/personal/epost", email="vera@forbund.example", on_new="ja",
             digest="weekly", mail_lang="en")  # fmt: skip
    assert r.status_code == 302
    p = notifications.get_prefs(staff.node.store, "vera")
    assert (p.email, p.on_new, p.digest, p.lang) == ("vera@forbund.example", True, "weekly", "en")
    r = post(vera, "/personal/epost", email="vera at forbund", on_new="ja", digest="weekly",
             mail_lang="sv")  # fmt: skip
    assert r.status_code == 400 and "vera at forbund" in r.text
    assert "E-postkö" not in vera.get("/personal/epost").text
    notifications.new_report(staff.node, CASE, "LH-AAAA-BBBB")
    admin = staff.client("admin")
    page = admin.get("/personal/epost").text
    assert "E-postkö" in page and "Ingen SMTP-server är inställd" in page
    assert "Väntar: 1." in page and "vera@forbund.example" in page


def test_case_list_shows_and_sorts_the_first_contact_deadline(staff: Staff) -> None:
    staff.node.store.add_reports([make_report("d" * 32, datetime(2026, 3, 1, 9)),
                                  make_report("e" * 32, datetime(2026, 1, 2, 9))])  # fmt: skip
    vera = staff.client("vera")
    post(vera, f"/personal/arenden/{'e' * 32}/kontakt", text="Ringde.", **{"with": "anmalare"})
    page = vera.get("/personal/arenden?sort=first_contact").text
    # S1 cases first, oldest (most overdue) first; the contacted case has no first-contact date
    assert page.index("Första kontakt senast 25 februari 2026") < page.index(
        "Första kontakt senast 6 mars 2026")  # fmt: skip
    assert page.count("Första kontakt senast") == 2
    assert 'Första kontakt senast 25 februari 2026</span> <span class="overdue">' in page
    rows = staff.state.cases.list(CaseFilter(sort="first_contact"))["cases"]
    assert [c["id"] for c in rows][:2] == [CASE, "d" * 32]
    assert rows[0]["first_contact"] == date(2026, 2, 25) and rows[2]["first_contact"] is None
