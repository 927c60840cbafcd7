"""Case owners: assign and reassign on the case page (in the audit trail), "Mina ärenden",
the owner told by mail through the queue, the owner on "Att göra"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from node import notifications, owners
from node.accounts import User
from node.workflow import CaseFilter, WorkflowError
from tests.helpers import CASE, PW, Clock, Staff, make_report, make_staff, post, trail
from tests.test_notifications import queued

VERA = User("vera", ("verksamhetsutvecklare",))
OTHER = "b" * 32


@pytest.fixture
def staff(tmp_path: Path) -> Iterator[Staff]:
    s = make_staff(tmp_path / "nod", Clock(datetime(2026, 3, 2, 8, 0)))
    s.node.mail.clock = s.clock
    s.state.accounts.add_user("ulla", ["verksamhetsutvecklare"], PW)
    s.node.store.add_reports([make_report(OTHER, datetime(2026, 3, 1, 9))])
    yield s
    s.node.close()


def test_assign_reassign_release_are_in_the_trail_and_mail_the_new_owner(staff: Staff) -> None:
    store = staff.node.store
    notifications.set_prefs(store, User("ulla", ("verksamhetsutvecklare",)),
                            email="ulla@forbund.example", on_new=False, digest="none",
                            lang="sv", now=staff.clock())  # fmt: skip
    vera = staff.client("vera")
    r = post(vera, f"/personal/arenden/{CASE}/agare", owner="ulla")
    assert r.status_code == 302 and r.location.endswith("klart=agare#steg-agare")
    assert owners.owner_of(store, CASE) == "ulla"
    mails = [m for m in queued(staff) if m["to"] == "ulla@forbund.example"]
    assert len(mails) == 1 and mails[0]["subject"].startswith("Du är ägare till ärendet")
    assert "Beskrivning" not in mails[0]["text"] and f"/personal/arenden/{CASE}" in mails[0]["text"]
    # vera takes it herself: no mail to herself (she has no address either), trail says who
    post(vera, f"/personal/arenden/{CASE}/agare", owner="vera")
    post(vera, f"/personal/arenden/{CASE}/agare", owner="")
    events = [e for e in trail(staff) if e["kind"] == owners.KIND]
    assert [e["data"]["changes"]["owner"] for e in events] == [
        [None, "ulla"], ["ulla", "vera"], ["vera", None]]
    assert all(e["who"] == "vera" for e in events)
    assert len(queued(staff)) == 1
    page = vera.get(f"/personal/arenden/{CASE}").text
    assert "Ägare ändrad" in page and "ulla → vera" in page


def test_bad_owner_and_roles_are_refused_with_a_clear_message(staff: Staff) -> None:
    vera = staff.client("vera")
    r = post(vera, f"/personal/arenden/{CASE}/agare", owner="chef")  # förbundschef: reads only
    assert r.status_code == 400 and "aktiv verksamhetsutvecklare" in r.text
    r = post(staff.client("chef"), f"/personal/arenden/{CASE}/agare", owner="vera")
    assert r.status_code == 403
    staff.state.accounts.set_active("ulla", False, who="admin")
    with pytest.raises(WorkflowError, match="kan inte vara ägare"):
        owners.assign(staff.node.store, VERA, CASE, "ulla", staff.clock())
    post(vera, f"/personal/arenden/{CASE}/status", status="S7")
    with pytest.raises(WorkflowError, match="avslutat"):
        owners.assign(staff.node.store, VERA, CASE, "vera", staff.clock())
    assert owners.owner_of(staff.node.store, CASE) is None


def test_my_cases_filter_and_owner_on_att_gora(staff: Staff) -> None:
    vera = staff.client("vera")
    post(vera, f"/personal/arenden/{OTHER}/agare", owner="vera")
    mine = staff.state.cases.list(CaseFilter(owner="vera"))
    assert [c["id"] for c in mine["cases"]] == [OTHER] and mine["cases"][0]["owner"] == "vera"
    assert [c["id"] for c in staff.state.cases.list(CaseFilter(owner="-"))["cases"]] == [CASE]
    page = vera.get("/personal/arenden?agare=mina")
    assert page.status_code == 200 and "1 ärende" in page.text
    assert f"/personal/arenden/{OTHER}" in page.text and f"/personal/arenden/{CASE}" not in page.text
    todo = vera.get("/personal/att-gora").text
    # CASE is past its first-contact deadline and has no owner
    assert "Ingen ägare" in todo and "Mina ärenden" in todo
