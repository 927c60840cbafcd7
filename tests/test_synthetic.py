"""Synthetic demo reports: shape, codes, time order, workflow, privacy, volume and patterns."""

from __future__ import annotations

import copy
import math
import re
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from stdnum.se import personnummer

from node import synthetic_texts as tx
from node.synthetic import (
    REPORT_KEYS,
    NodeProfile,
    demo_profiles,
    generate_reports,
    next_meeting,
    report_problems,
)
from schemas.codes import code_list, kommuner
from schemas.wire import check_id

TODAY = datetime(2025, 10, 15, 12, 0, tzinfo=UTC)
YEARS = range(2020, 2026)
SEED = 7

PNR_RE = re.compile(r"(?<!\d)(?:\d{6}|\d{8})[-+ ]?\d{4}(?!\d)")
DIGIT_RUN_RE = re.compile(r"\d(?:[\s+-]?\d){6,}")
PHONE_RE = re.compile(r"(?<![\w])(?:\+46|0)[\s-]?\d{1,3}(?:[\s-]?\d){5,8}(?!\d)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture(scope="module")
def by_profile() -> dict[str, list[dict]]:
    return {p.id: generate_reports(p, YEARS, seed=SEED, today=TODAY) for p in demo_profiles()}


@pytest.fixture(scope="module")
def reports(by_profile: dict[str, list[dict]]) -> list[dict]:
    return [r for rs in by_profile.values() for r in rs]


def free_texts(r: dict) -> list[str]:
    texts = [r[k] for k in ("description", "consequences", "suggestion", "feedback")]
    texts += [r["reporter_role"], r["raised_elsewhere"]] + [e["text"] for e in r["events"]]
    return [t for t in texts if t]


def personal_data(text: str) -> list[str]:
    """Personnummer-like digits, phone numbers, e-mail addresses and long digit runs in `text`."""
    found = PNR_RE.findall(text) + PHONE_RE.findall(text) + EMAIL_RE.findall(text)
    found += DIGIT_RUN_RE.findall(text)  # dates are written out in words: no long digit runs
    for run in re.findall(r"\d{10,}", re.sub(r"[\s+-]", "", text)):  # even when spaced out
        found += [
            run[i : i + n]
            for n in (10, 12)
            for i in range(len(run) - n + 1)
            if personnummer.is_valid(run[i : i + n])
        ]
    return found


# ---------------------------------------------------------------- profiles


def test_demo_profiles_are_real_places_and_labelled_synthetic() -> None:
    profiles = demo_profiles()
    assert len(profiles) >= 6
    assert len({lan for p in profiles for lan in p.lan}) >= 3
    assert len({p.id for p in profiles}) == len(profiles)
    for p in profiles:
        assert check_id(p.id, "id") == p.id
        assert p.name.startswith("Samordningsförbundet ") and p.name.endswith("(syntetisk)")
        assert p.kommuner and all(kommuner()[k].lan in p.lan for k in p.kommuner)
        assert 10_000 <= p.population <= 1_100_000
    assert min(p.population for p in profiles) < 20_000


def test_profile_without_kommuner_uses_its_lan() -> None:
    p = NodeProfile("ny-nod", "Samordningsförbundet Ny (syntetisk)", ("25",), (), 50_000)
    rs = generate_reports(p, [2024], seed=1, today=TODAY)
    assert rs and all(kommuner()[k].lan == "25" for r in rs for k in r["kommuner"])
    with pytest.raises(ValueError):
        generate_reports(NodeProfile("x-y", "X", ("99",), (), 1), [2024], seed=1, today=TODAY)


# ---------------------------------------------------------------- determinism


def test_same_seed_and_today_give_the_same_reports(by_profile: dict[str, list[dict]]) -> None:
    p = demo_profiles()[1]
    assert generate_reports(p, YEARS, seed=SEED, today=TODAY) == by_profile[p.id]
    other = generate_reports(p, YEARS, seed=SEED + 1, today=TODAY)
    assert [r["id"] for r in other] != [r["id"] for r in by_profile[p.id]]


def test_moving_today_only_adds_and_advances_reports(by_profile: dict[str, list[dict]]) -> None:
    p = demo_profiles()[0]
    earlier = datetime(2024, 6, 30, 12, tzinfo=UTC)
    before = generate_reports(p, YEARS, seed=SEED, today=earlier)
    later = {r["id"]: r for r in by_profile[p.id]}
    assert before and all(r["received_at"] <= earlier for r in before)
    assert len(later) > len(before)
    for r in before:
        assert later[r["id"]]["description"] == r["description"]
        assert later[r["id"]]["status"] >= r["status"]


def test_a_year_does_not_depend_on_the_other_years(by_profile: dict[str, list[dict]]) -> None:
    p = demo_profiles()[4]
    alone = generate_reports(p, [2023], seed=SEED, today=TODAY)
    assert alone == [r for r in by_profile[p.id] if r["received_at"].year == 2023]


def test_naive_today_means_utc(by_profile: dict[str, list[dict]]) -> None:
    p = demo_profiles()[5]
    naive = generate_reports(p, YEARS, seed=SEED, today=TODAY.replace(tzinfo=None))
    assert naive == by_profile[p.id]


def test_no_reports_for_future_years() -> None:
    assert generate_reports(demo_profiles()[0], [2026, 2027], seed=1, today=TODAY) == []


# ---------------------------------------------------------------- shape and codes


def test_keys_and_types(reports: list[dict]) -> None:
    assert len({r["id"] for r in reports}) == len(reports)
    assert len({r["receipt"] for r in reports}) == len(reports)
    for r in reports:
        assert set(r) == set(REPORT_KEYS)
        assert str(uuid.UUID(r["id"])) == r["id"]
        assert re.fullmatch(r"LH-[2-9A-HJ-KM-NP-Z]{4}-[2-9A-HJ-KM-NP-Z]{4}", r["receipt"])
        assert isinstance(r["received_at"], datetime) and r["received_at"].tzinfo is UTC
        assert type(r["event_date"]) is date
        for key in ("organisation", "reporter_role", "description", "consequences",
                    "suggestion", "raised_elsewhere", "status", "scenario"):  # fmt: skip
            assert isinstance(r[key], str) and r[key], key
        for key in ("reporter_name", "reporter_contact", "suggested_problemtyp",
                    "suggested_niva", "problemtyp", "niva", "malgrupp", "feedback"):  # fmt: skip
            assert r[key] is None or isinstance(r[key], str), key
        assert r["closed_at"] is None or isinstance(r["closed_at"], datetime)
        assert r["synthetic"] is True
        assert 2 <= len(re.split(r"(?<=[.!?])\s+", r["description"])) <= 5
        assert isinstance(r["kommuner"], list) and isinstance(r["aktorer"], list)
        for e in r["events"]:
            assert {"at", "kind", "status", "text"} <= set(e)
            assert isinstance(e["at"], datetime) and isinstance(e["text"], str) and e["text"]


def test_every_code_is_in_its_code_list(by_profile: dict[str, list[dict]]) -> None:
    names = ("organisation", "aktor", "problemtyp", "niva", "malgrupp", "status", "atgard")
    lists = {n: set(code_list(n).values) for n in names}
    forums = {"beredningsgrupp", "operativ_chefsgrupp", "styrelse", "regional", "nationell"}
    profiles = {p.id: p for p in demo_profiles()}
    for pid, rs in by_profile.items():
        for r in rs:
            assert r["organisation"] in lists["organisation"]
            assert r["status"] in lists["status"]
            assert 1 <= len(r["aktorer"]) <= 3 and set(r["aktorer"]) <= lists["aktor"]
            assert len(set(r["aktorer"])) == len(r["aktorer"])
            assert 1 <= len(r["kommuner"]) <= 2 and set(r["kommuner"]) <= set(
                profiles[pid].kommuner
            )
            for key, name in (("problemtyp", "problemtyp"), ("suggested_problemtyp", "problemtyp"),
                              ("niva", "niva"), ("suggested_niva", "niva"),
                              ("malgrupp", "malgrupp")):  # fmt: skip
                assert r[key] is None or r[key] in lists[name]
            for e in r["events"]:
                if e["kind"] == "atgard":
                    assert e["code"] in lists["atgard"]
                if e["kind"] == "lyft_till_forum":
                    assert e["forum"] in forums and isinstance(e["meeting_date"], date)


def test_reporter_details_are_fictional(reports: list[dict]) -> None:
    named = [r for r in reports if r["reporter_name"]]
    assert 0.05 < len(named) / len(reports) < 0.4
    for r in named:
        assert r["reporter_name"].split()[-1] in tx.SURNAMES
    for r in reports:
        contact = r["reporter_contact"]
        assert contact is None or re.fullmatch(r"[a-z0-9.]+@example\.(se|org)", contact)
    assert {r["reporter_role"] for r in reports} >= {"socialsekreterare", "personligt ombud"}


# ---------------------------------------------------------------- time and workflow


def test_dates_are_in_order(reports: list[dict]) -> None:
    for r in reports:
        received = r["received_at"]
        assert received.year in YEARS and received <= TODAY
        assert r["event_date"] <= received.date()
        times = [e["at"] for e in r["events"]]
        assert times[0] == received and times == sorted(times) and times[-1] <= TODAY
        if r["closed_at"] is not None:
            assert r["closed_at"] == times[-1]
        for e in r["events"]:
            if e["kind"] == "lyft_till_forum":
                assert e["meeting_date"] >= e["at"].date() + timedelta(days=14)


def test_status_follows_the_events(reports: list[dict]) -> None:
    for r in reports:
        statuses = [e["status"] for e in r["events"] if e["status"]]
        kinds = [e["kind"] for e in r["events"]]
        assert kinds[0] == "mottagen" and statuses == sorted(statuses)
        assert r["status"] == statuses[-1]
        assert (r["status"] == "S7") == ("avslutad" in kinds) == (r["closed_at"] is not None)
        assert (r["feedback"] is not None) == (r["status"] in ("S6", "S7"))
        assert (r["problemtyp"] is None) == ("klassificerad" not in kinds)
        assert (r["niva"] is None) == (r["problemtyp"] is None)
        if r["problemtyp"] is None:
            assert r["status"] == "S1"
        assert ("kontakt" in kinds and "S2" in statuses) <= (r["reporter_contact"] is not None)


def test_report_problems_accepts_every_generated_report(reports: list[dict]) -> None:
    assert [p for r in reports if (p := report_problems(r, TODAY))] == []


@pytest.mark.parametrize(
    "defect",
    [
        lambda r: r.pop("scenario"),
        lambda r: r.update(status="S7", closed_at=None),
        lambda r: r.update(problemtyp="P42"),
        lambda r: r.update(aktorer=[]),
        lambda r: r.update(kommuner=["9999"]),
        lambda r: r.update(receipt="LH-0000-OOOO"),
        lambda r: r.update(event_date=r["received_at"].date() + timedelta(days=2)),
        lambda r: r.update(event_date=r["received_at"]),
        lambda r: r.update(received_at=r["received_at"].replace(tzinfo=None)),
        lambda r: r.update(feedback=None),
        lambda r: r["events"].reverse(),
        lambda r: r["events"][-1].update(at=TODAY + timedelta(days=1)),
        lambda r: r["events"].append({"at": TODAY, "kind": "atgard", "status": None, "text": "x"}),
        lambda r: r["events"].append(
            {"at": TODAY, "kind": "mottagen", "status": "S1", "text": "x"}
        ),
    ],
)
def test_report_problems_finds_defects(reports: list[dict], defect) -> None:
    closed = next(r for r in reports if r["status"] == "S7" and len(r["events"]) >= 6)
    broken = copy.deepcopy(closed)
    defect(broken)
    assert report_problems(broken, TODAY)


def test_old_reports_are_mostly_closed_and_recent_ones_open(reports: list[dict]) -> None:
    old = [r for r in reports if TODAY - r["received_at"] > timedelta(days=365)]
    recent = [r for r in reports if TODAY - r["received_at"] < timedelta(days=45)]
    assert len(recent) >= 20
    assert sum(r["status"] == "S7" for r in old) / len(old) > 0.85
    assert sum(r["status"] != "S7" for r in recent) / len(recent) > 0.8
    assert len({r["status"] for r in recent}) >= 3  # open cases at several steps
    assert any(r["status"] != "S7" for r in old)  # some cases stall
    kinds = Counter(e["kind"] for r in old for e in r["events"])
    assert all(kinds[k] > 0 for k in ("lyft_till_forum", "svar_fran_part", "atgard"))


def test_next_meeting_keeps_the_rhythm() -> None:
    assert next_meeting("beredningsgrupp", date(2024, 7, 1)) == date(2024, 8, 13)
    assert next_meeting("beredningsgrupp", date(2024, 8, 13)) == date(2024, 8, 13)
    assert next_meeting("nationell", date(2024, 11, 14)) == date(2025, 5, 14)
    d = next_meeting("styrelse", date(2024, 12, 31))
    assert d.weekday() == 4 and d.month == 2 and 15 <= d.day <= 21


# ---------------------------------------------------------------- privacy


def test_the_detectors_work() -> None:
    assert personal_data("Personen har nummer 19121212-1212 enligt kollegan.")
    assert personal_data("Ring 070-123 45 67 så fort som möjligt.")
    assert personal_data("Skriv till anna@kommun.se om detta.")
    assert personal_data("Numret är 1912 1212 1212, skrivet med mellanslag.")
    assert not personal_data("Hon väntade 20 veckor och fyller 30 år den 8 maj 2024.")


def test_no_personal_data_in_free_text(reports: list[dict]) -> None:
    leaks = [(r["id"], t) for r in reports for t in free_texts(r) if personal_data(t)]
    assert leaks == []


def test_no_personal_data_in_any_text_template() -> None:
    pieces = list(tx.CLOSINGS) + list(tx.SVAR) + list(tx.ATGARD.values())
    for s in tx.SCENARIOS:
        pieces += [*s.intro, *s.details, *s.consequences, *s.suggestions, *s.feedback, *s.persons]
    assert [p for p in pieces if personal_data(p)] == []


# ---------------------------------------------------------------- volume and patterns


def test_volume_follows_population_grows_and_dips_in_july(
    by_profile: dict[str, list[dict]], reports: list[dict]
) -> None:
    profiles = {p.id: p for p in demo_profiles()}
    for pid, rs in by_profile.items():
        per_year = Counter(r["received_at"].year for r in rs)
        full = [per_year[y] for y in range(2021, 2025)]
        assert min(full) >= 8 and sum(full) / 4 >= 14, pid
        per_100k = sum(full) / 4 / profiles[pid].population * 100_000
        assert per_100k <= 20 or sum(full) / 4 <= 35, pid
    small = min(profiles.values(), key=lambda p: p.population)
    assert len([r for r in by_profile[small.id] if r["received_at"].year == 2024]) < 40
    years = Counter(r["received_at"].year for r in reports)
    assert years[2023] + years[2024] > 1.1 * (years[2020] + years[2021])
    months = Counter(r["received_at"].month for r in reports if r["received_at"].year < 2025)
    assert months[7] < 0.5 * (sum(months.values()) - months[7]) / 11


def test_scenarios_differ_between_forbund_and_drift_over_years(
    by_profile: dict[str, list[dict]], reports: list[dict]
) -> None:
    assert {r["scenario"] for r in reports} == {s.id for s in tx.SCENARIOS}

    def shares(rs: list[dict]) -> dict[str, float]:
        c = Counter(r["scenario"] for r in rs)
        return {s.id: c[s.id] / len(rs) for s in tx.SCENARIOS}

    a, b = shares(by_profile["goteborg"]), shares(by_profile["stockholm"])
    assert sum(abs(a[k] - b[k]) for k in a) / 2 > 0.12

    def digital(rs: list[dict]) -> float:
        return sum(r["problemtyp"] == "P03" for r in rs) / len(rs)

    early = [r for r in reports if r["received_at"].year <= 2021]
    late = [r for r in reports if r["received_at"].year >= 2024]
    assert digital(late) > 1.3 * digital(early)


def _words(r: dict) -> Counter[str]:
    text = " ".join((r["description"], r["consequences"], r["suggestion"])).lower()
    return Counter(w for w in re.findall(r"[a-zåäöé]+", text) if len(w) > 3)


def test_scenarios_are_recoverable_from_the_free_text(reports: list[dict]) -> None:
    """A plain tf-idf nearest-centroid classifier finds each report's scenario."""
    bags = [_words(r) for r in reports]
    df = Counter(w for bag in bags for w in bag)
    idf = {w: math.log(len(bags) / n) for w, n in df.items()}

    def vector(bag: Counter[str]) -> dict[str, float]:
        v = {w: n * idf[w] for w, n in bag.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    centroids: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r, bag in list(zip(reports, bags, strict=True))[::2]:
        for w, x in vector(bag).items():
            centroids[r["scenario"]][w] += x
    hits = tests = 0
    for r, bag in list(zip(reports, bags, strict=True))[1::2]:
        v = vector(bag)

        def score(c: dict[str, float], v: dict[str, float] = v) -> float:
            norm = math.sqrt(sum(x * x for x in c.values()))
            return sum(x * c.get(w, 0.0) for w, x in v.items()) / norm

        best = max(centroids, key=lambda s: score(centroids[s]))
        hits += best == r["scenario"]
        tests += 1
    assert hits / tests > 0.9


def test_scenarios_are_complete_and_coded() -> None:
    assert len(tx.SCENARIOS) >= 20
    for s in tx.SCENARIOS:
        assert s.problemtyp in code_list("problemtyp").values
        assert s.niva in code_list("niva").values
        assert set(s.malgrupp) <= set(code_list("malgrupp").values)
        assert set(s.aktorer + s.extra_aktorer) <= set(code_list("aktor").values)
        assert {o for o, _ in s.organisationer} <= set(code_list("organisation").values)
        assert min(len(s.intro), len(s.details), len(s.consequences), len(s.suggestions)) >= 3
        assert len(s.feedback) >= 2
        for t in (*s.intro, *s.details, *s.consequences, *s.suggestions, *s.feedback):
            t.format(person="en person", veckor=6, manader=4)  # only known placeholders


def test_reports_can_be_stored_as_they_are(tmp_path, by_profile: dict[str, list[dict]]) -> None:
    from node.store import NodeStore

    store = NodeStore(tmp_path / "node.duckdb")
    try:
        rs = by_profile["stromsund-ragunda"]
        assert store.add_reports(rs) == len(rs)
        assert store.report_count() == len(rs)
    finally:
        store.close()
