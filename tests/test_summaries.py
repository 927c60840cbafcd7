"""Shareable case summaries: writing, the guard, approval by role, revocation, the audit trail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from node import summaries
from node.store import NodeStore
from node.summaries import Summaries, SummaryError, SummaryNotAllowed, SummaryPersonalData
from tests.helpers import CHEF, READER, VU, Clock, chain, events, make_report

TEXT = "Arbetssökande hamnar mellan två regelverk när aktivitetsersättningen upphör."


@pytest.fixture
def store(tmp_path: Path) -> Any:
    from datetime import datetime

    s = NodeStore(tmp_path / "node.duckdb")
    s.add_reports([make_report("case-0001"), make_report("case-0002", datetime(2025, 5, 3, 8)),
                   make_report("case-0003", datetime(2025, 11, 20, 8), aktorer=["R-PSY"])])  # fmt: skip
    yield s
    s.close()


@pytest.fixture
def sums(store: NodeStore) -> Summaries:
    return Summaries(store, clock=Clock())


def test_write_approve_revoke_is_role_checked_and_audited(sums: Summaries,
                                                          store: NodeStore) -> None:  # fmt: skip
    sid = sums.write(VU, "case-0002", TEXT)
    assert summaries.approved(store, 2025) == [], "a draft is not shareable"
    with pytest.raises(SummaryNotAllowed):
        sums.approve(VU, sid)  # the verksamhetsutvecklare writes, never approves
    with pytest.raises(SummaryNotAllowed):
        sums.write(CHEF, "case-0002", TEXT)
    with pytest.raises(SummaryNotAllowed):
        sums.approve(READER, sid)
    sums.approve(CHEF, sid)
    got = summaries.approved(store, 2025)
    assert [(a.case, a.text, a.year, a.quarter) for a in got] == [("case-0002", TEXT, 2025, 2)]
    assert "receipt" not in got[0].to_dict() and "LH-" not in str(got[0].to_dict())
    with pytest.raises(SummaryError, match="delbar"):
        sums.approve(CHEF, sid)  # approving twice is refused, with the state named
    sums.revoke(CHEF, sid)
    assert summaries.approved(store, 2025) == []
    kinds = [e["kind"] for e in events(store, "case-0002")]
    assert kinds[-3:] == ["sammanfattning_skriven", "sammanfattning_godkand",
                          "sammanfattning_aterkallad"]  # fmt: skip
    assert [e["who"] for e in events(store, "case-0002")][-3:] == ["vera", "chef", "chef"]
    assert chain(store).ok


def test_personnummer_and_contact_details_are_refused(sums: Summaries, store: NodeStore) -> None:
    for bad in ("Personen med personnummer 19811218-9876 fick inget beslut i tid.",
                "Ring handläggaren på 070-123 45 67 om ärendet, hon vet mer.",
                "Skriv till kim@kommun.example så förklarar hon hur det gick till."):  # fmt: skip
        with pytest.raises(SummaryPersonalData) as e:
            sums.write(VU, "case-0001", bad)
        assert "personuppgifter" in e.value.message("sv")
    assert sums.for_case("case-0001") == [], "nothing half-written is stored"


def test_new_text_replaces_and_needs_new_approval(sums: Summaries, store: NodeStore) -> None:
    first = sums.write(VU, "case-0003", TEXT)
    sums.approve(CHEF, first)
    second = sums.write(VU, "case-0003", TEXT + " Ingen tar över ansvaret.")
    assert summaries.approved(store, 2025) == []
    with pytest.raises(SummaryError):
        sums.approve(CHEF, first)  # the replaced text can no longer be approved
    sums.approve(CHEF, second)
    assert [a.summary_id for a in summaries.approved(store, 2025, aktorer=("R-PSY",))] == [second]
    assert summaries.approved(store, 2025, aktorer=("AF",)) == []


def test_reporters_suggestion_is_approved_the_same_way(sums: Summaries, store: NodeStore) -> None:
    sid = sums.write(VU, "case-0001", "Ett gemensamt möte med båda myndigheterna tidigt.",
                     kind="forslag")  # fmt: skip
    sums.approve(CHEF, sid)
    got = summaries.approved(store, 2026, kind="forslag")
    assert [(a.kind, a.case) for a in got] == [("forslag", "case-0001")]
    assert summaries.approved(store, 2026, kind="sammanfattning") == []


def test_bad_input_says_what_to_do(sums: Summaries) -> None:
    with pytest.raises(SummaryError, match="minst"):
        sums.write(VU, "case-0001", "kort")
    with pytest.raises(SummaryError, match="finns inte"):
        sums.write(VU, "case-9999", TEXT)
    with pytest.raises(SummaryError, match="sort"):
        sums.write(VU, "case-0001", TEXT, kind="citat")
