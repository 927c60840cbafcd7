"""Realistic synthetic skav reports for the demo, always labelled synthetic.

`generate_reports(profile, years, seed=..., today=...)` gives the rows of a node's ``reports``
table (with their workflow ``events``) for one förbund. Reports come from recurring scenarios in
`node.synthetic_texts`, whose frequencies differ between förbund and drift over the years;
volume follows the population served, grows over the years and dips in July. The workflow is
simulated in full and then cut at ``today``, so old reports are mostly closed and the last
months' mostly open. Everything is drawn from RNGs seeded by (seed, förbund, year), so the same
seed and ``today`` always give the same reports, and a report received before ``today`` does not
change its text when ``today`` moves on.

`report_problems(report)` checks one report dict against the shape the node stores (keys, types,
codes, time order, status consistent with events); the tests and the demo use it.
"""

from __future__ import annotations

import math
import random
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from babel.dates import format_date

from node import synthetic_texts as tx
from schemas.codes import code_list, kommuner

REPORT_KEYS = (
    "id", "receipt", "received_at", "event_date", "organisation", "reporter_role",
    "reporter_name", "reporter_contact", "kommuner", "aktorer", "description",
    "consequences", "suggestion", "raised_elsewhere", "suggested_problemtyp",
    "suggested_niva", "problemtyp", "niva", "malgrupp", "status", "feedback",
    "closed_at", "synthetic", "scenario", "events",
)  # fmt: skip
EVENT_STATUS: dict[str, set[str | None]] = {
    "mottagen": {"S1"},
    "kontakt": {"S2", "S3", None},
    "klassificerad": {None},
    "lyft_till_forum": {"S4", None},
    "svar_fran_part": {"S5", None},
    "atgard": {None},
    "aterkoppling": {"S6", None},
    "avslutad": {"S7"},
}
"""Each event kind and the statuses it may move a report to (None: no change)."""
_EVENT_KEYS = {"at", "kind", "status", "text"}
_EVENT_EXTRA_KEYS = {"code", "forum", "meeting_date"}
FORUMS = tuple(tx.FORUM_LABEL)
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""No 0/O, 1/I/L: a receipt code is read aloud and typed by hand."""

REF_YEAR = 2020
GROWTH = 1.07
MIN_PER_YEAR = 15.0
MONTH_WEIGHTS = (1.0, 1.05, 1.1, 1.0, 1.0, 0.85, 0.3, 0.8, 1.15, 1.15, 1.1, 0.75)
_URBAN = {"tolk-information": 1.8, "bostad-arbete": 1.5, "servicecenter-fk": 0.7}
_RURAL = {"servicecenter-fk": 1.8, "tolk-information": 0.5, "rusta-matcha-npf": 1.3}
_FORUM_P = {"N1": 0.1, "N2": 0.3, "N3": 0.5, "N4": 0.55, "N5": 0.6}
_FORUM_BY_NIVA = {
    "N1": (("operativ_chefsgrupp", 1), ("beredningsgrupp", 1)),
    "N2": (("beredningsgrupp", 3), ("operativ_chefsgrupp", 2)),
    "N3": (("beredningsgrupp", 2), ("regional", 2), ("styrelse", 1)),
    "N4": (("beredningsgrupp", 2), ("styrelse", 2), ("regional", 1), ("nationell", 1)),
    "N5": (("styrelse", 2), ("nationell", 2), ("regional", 1)),
}
_ATGARD_FOR_FORUM = {"beredningsgrupp": "T06", "operativ_chefsgrupp": "T09",
                     "styrelse": "T07", "regional": "T08", "nationell": "T08"}  # fmt: skip
_ATGARD_BY_NIVA = {
    "N1": (("T01", 5), ("T04", 2), ("T10", 1)),
    "N2": (("T01", 3), ("T05", 2), ("T09", 2), ("T02", 1), ("T10", 1)),
    "N3": (("T02", 2), ("T09", 2), ("T05", 1), ("T08", 1)),
    "N4": (("T02", 2), ("T08", 2), ("T01", 1), ("T04", 1)),
    "N5": (("T08", 3), ("T03", 2), ("T02", 1)),
}
# (weekday Mon=0, nth in month, months): when each forum meets.
_MEETINGS = {
    "beredningsgrupp": (1, 2, (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)),
    "operativ_chefsgrupp": (3, 1, (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)),
    "styrelse": (4, 3, (2, 4, 6, 9, 11, 12)),
    "regional": (2, 3, (3, 6, 9, 12)),
    "nationell": (2, 2, (5, 11)),
}


@dataclass(frozen=True)
class NodeProfile:
    id: str
    name: str
    lan: tuple[str, ...]
    kommuner: tuple[str, ...]
    population: int


_RATES = {"goteborg": 10.0, "alv-och-kust": 9.0, "stockholm": 5.5, "ostra-sodertorn": 7.0,
          "malmo": 8.0, "lund": 6.5, "stromsund-ragunda": 8.0}  # fmt: skip
"""Reports per 100 000 inhabitants in REF_YEAR; other förbund get a seeded rate in 5-12."""


def demo_profiles() -> list[NodeProfile]:
    """Seven synthetic förbund in four län, from a large city to a small rural förbund."""
    return [
        NodeProfile("goteborg", "Samordningsförbundet Göteborg (syntetisk)", ("14",),
                    ("1480",), 604_000),
        NodeProfile("alv-och-kust", "Samordningsförbundet Älv och Kust (syntetisk)", ("14",),
                    ("1482", "1415", "1419", "1421", "1407"), 119_000),
        NodeProfile("stockholm", "Samordningsförbundet Stockholms stad (syntetisk)", ("01",),
                    ("0180",), 988_000),
        NodeProfile("ostra-sodertorn", "Samordningsförbundet Östra Södertörn (syntetisk)",
                    ("01",), ("0136", "0138", "0192"), 176_000),
        NodeProfile("malmo", "Samordningsförbundet Malmö (syntetisk)", ("12",), ("1280",),
                    362_000),
        NodeProfile("lund", "Samordningsförbundet Lund (syntetisk)", ("12",), ("1281",),
                    128_000),
        NodeProfile("stromsund-ragunda", "Samordningsförbundet Strömsund–Ragunda (syntetisk)",
                    ("23",), ("2313", "2303"), 16_800),
    ]  # fmt: skip


def generate_reports(
    profile: NodeProfile, years: Sequence[int], *, seed: int, today: datetime
) -> list[dict[str, Any]]:
    """Synthetic reports received in `years` (and not after `today`), sorted by receipt time."""
    now = today.replace(tzinfo=UTC) if today.tzinfo is None else today.astimezone(UTC)
    places = profile.kommuner or tuple(k.code for k in kommuner().values() if k.lan in profile.lan)
    if not places:
        raise ValueError(f"förbund {profile.id} has neither kommuner nor known län")
    mix = _scenario_mix(profile, seed)
    out: list[dict[str, Any]] = []
    receipts: set[str] = set()
    for year in sorted(set(years)):
        if year > now.year:
            continue
        rng = random.Random(f"lexheller-synthetic:{seed}:{profile.id}:{year}")
        weights = [
            mix[s.id] * s.weight * s.trend ** (year - REF_YEAR) * (year >= s.since)
            for s in tx.SCENARIOS
        ]
        for _ in range(_poisson(rng, _expected_volume(profile, year))):
            scenario = rng.choices(tx.SCENARIOS, weights)[0]
            report = _report(rng, scenario, places, year, receipts)
            if report["received_at"] <= now:
                _cut_at(report, now)
                out.append(report)
    out.sort(key=lambda r: r["received_at"])
    return out


def _expected_volume(profile: NodeProfile, year: int) -> float:
    rate = _RATES.get(profile.id) or random.Random(f"rate:{profile.id}").uniform(5, 12)
    base = max(MIN_PER_YEAR, profile.population / 100_000 * rate)
    return base * GROWTH ** max(0, year - REF_YEAR)


def _scenario_mix(profile: NodeProfile, seed: int) -> dict[str, float]:
    """How common each scenario is in this förbund, relative to the national mix."""
    rng = random.Random(f"lexheller-synthetic:{seed}:{profile.id}:mix")
    local = (
        _URBAN if profile.population >= 300_000 else _RURAL if profile.population < 50_000 else {}
    )
    return {s.id: math.exp(rng.gauss(0, 0.5)) * local.get(s.id, 1.0) for s in tx.SCENARIOS}


def _poisson(rng: random.Random, lam: float) -> int:
    n, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return n
        n += 1


def _pick(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _sentence(rng: random.Random, template: str, persons: Sequence[str]) -> str:
    s = template.format(
        person=rng.choice(persons), veckor=rng.randint(6, 40), manader=rng.randint(4, 18)
    )
    return s[0].upper() + s[1:]


def _texts(rng: random.Random, s: tx.Scenario) -> tuple[str, str, str]:
    """Description (2-5 sentences), consequences and suggestion, varied within the scenario."""
    parts = [rng.choice(s.intro), *rng.sample(s.details, rng.randint(1, min(3, len(s.details))))]
    if rng.random() < 0.3:
        parts.append(rng.choice(tx.CLOSINGS))
    description = " ".join(_sentence(rng, p, s.persons) for p in parts)
    picked = rng.sample(s.consequences, rng.randint(1, 2))
    consequences = " ".join(_sentence(rng, c, s.persons) for c in picked)
    return description, consequences, _sentence(rng, rng.choice(s.suggestions), s.persons)


def _ascii(name: str) -> str:
    return name.lower().translate(str.maketrans("åäöé", "aaoe"))


def _report(
    rng: random.Random, s: tx.Scenario, places: Sequence[str], year: int, receipts: set[str]
) -> dict[str, Any]:
    """One report with its full workflow history (cut at `today` later by `_cut_at`)."""
    report_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    receipt = _receipt(rng, receipts)
    received = _received_at(rng, year)
    lag = rng.choices([(0, 14), (15, 60), (61, 180)], [0.7, 0.25, 0.05])[0]
    organisation = _pick(rng, s.organisationer)
    if rng.random() < 0.05:
        organisation = rng.choice(code_list("organisation").values)
    name = contact = None
    if rng.random() < 0.2:
        name = f"{rng.choice(tx.FIRST_NAMES)} {rng.choice(tx.SURNAMES)}"
        if rng.random() < 0.85:
            contact = _ascii(name).replace(" ", ".") + "@example.se"
    elif rng.random() < 0.35:
        contact = f"anmalare{rng.randint(10, 99)}@example.org"
    weights = [1.0 / (i + 1) for i in range(len(places))]
    picked = [rng.choices(places, weights)[0]]
    if len(places) > 1 and rng.random() < 0.15:
        picked.append(rng.choice([k for k in places if k != picked[0]]))
    aktorer = [s.aktorer[0]] + [a for a in s.aktorer[1:] if rng.random() < 0.75]
    for extra in s.extra_aktorer:
        if len(aktorer) < 3 and rng.random() < 0.25:
            aktorer.append(extra)
    description, consequences, suggestion = _texts(rng, s)
    problemtyp = s.alt_problemtyp if s.alt_problemtyp and rng.random() < 0.2 else s.problemtyp
    niva = s.alt_niva if s.alt_niva and rng.random() < 0.25 else s.niva
    report: dict[str, Any] = {
        "id": report_id,
        "receipt": receipt,
        "received_at": received,
        "event_date": received.date() - timedelta(days=rng.randint(*lag)),
        "organisation": organisation,
        "reporter_role": rng.choice(tx.ROLES[organisation]),
        "reporter_name": name,
        "reporter_contact": contact,
        "kommuner": picked,
        "aktorer": aktorer,
        "description": description,
        "consequences": consequences,
        "suggestion": suggestion,
        "raised_elsewhere": _pick(rng, tx.RAISED_ELSEWHERE),
        "suggested_problemtyp": _suggest(rng, s.problemtyp, "problemtyp", 0.55, 0.3),
        "suggested_niva": _suggest(rng, s.niva, "niva", 0.4, 0.45),
        "problemtyp": problemtyp,
        "niva": niva,
        "malgrupp": rng.choice(s.malgrupp[:1] * 3 + s.malgrupp) if rng.random() < 0.8 else None,
        "status": "S7",
        "feedback": None,
        "closed_at": None,
        "synthetic": True,
        "scenario": s.id,
        "events": [],
    }
    report["events"], report["feedback"] = _workflow(rng, s, report)
    return report


def _suggest(
    rng: random.Random, right: str, listname: str, p_right: float, p_none: float
) -> str | None:
    r = rng.random()
    if r < p_right:
        return right
    if r < 1 - p_none:
        return rng.choice(code_list(listname).values)
    return None


def _receipt(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choice(RECEIPT_ALPHABET) for _ in range(8))
        if code not in taken:
            taken.add(code)
            return f"LH-{code[:4]}-{code[4:]}"


def _received_at(rng: random.Random, year: int) -> datetime:
    month = rng.choices(range(1, 13), MONTH_WEIGHTS)[0]
    first = date(year, month, 1)
    days = (
        (first.replace(year=year + 1, month=1) if month == 12 else first.replace(month=month + 1))
        - first
    ).days
    while True:
        day = first + timedelta(days=rng.randrange(days))
        if day.weekday() < 5 or rng.random() < 0.1:
            break
    return datetime.combine(
        day, time(rng.randint(6, 16), rng.randint(0, 59), rng.randint(0, 59)), UTC
    )


def _later(rng: random.Random, t: datetime, lo: float, hi: float) -> datetime:
    """A working-day time some `lo`-`hi` days after `t`, always strictly after it."""
    day = (t + timedelta(days=rng.uniform(lo, hi))).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    at = datetime.combine(day, time(rng.randint(6, 15), rng.randint(0, 59)), UTC)
    return at if at > t else t + timedelta(minutes=rng.randint(5, 90))


def next_meeting(forum: str, earliest: date) -> date:
    """The first meeting of `forum` on or after `earliest` (a fixed yearly rhythm per forum)."""
    weekday, nth, months = _MEETINGS[forum]
    year, month = earliest.year, earliest.month
    while True:
        if month in months:
            first = date(year, month, 1)
            day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
            if day >= earliest:
                return day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _event(at: datetime, kind: str, status: str | None, text: str, **extra: Any) -> dict[str, Any]:
    return {"at": at, "kind": kind, "status": status, "text": text, **extra}


def _workflow(
    rng: random.Random, s: tx.Scenario, r: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], str]:
    """The report's whole history as if nothing stopped it, and the feedback text it ends with."""
    t: datetime = r["received_at"]
    niva, aktorer = r["niva"], r["aktorer"]
    part = tx.PART_DEFINITE[aktorer[0]]
    ev = [_event(t, "mottagen", "S1", rng.choice(tx.MOTTAGEN))]
    t = _later(rng, t, 0.1, 6)
    ptyp = code_list("problemtyp").label_of(r["problemtyp"])
    level = code_list("niva").label_of(niva).lower()
    ev.append(_event(t, "klassificerad", None, f"Klassificerad: {ptyp}; nivå: {level}."))
    if r["reporter_contact"]:
        t = _later(rng, t, 0, 6)
        ev.append(_event(t, "kontakt", "S2", rng.choice(tx.KONTAKT_ANMALARE)))
    t = _later(rng, t, 2, 15)
    ev.append(_event(t, "kontakt", "S3", rng.choice(tx.KONTAKT_PART).format(part=part)))
    said = [rng.choice(tx.FEEDBACK_OPENINGS), rng.choice(s.feedback)]
    forum = None
    if rng.random() < _FORUM_P[niva]:
        forum = _pick(rng, _FORUM_BY_NIVA[niva])
        t = _later(rng, t, 3, 30)
        meeting = next_meeting(forum, t.date() + timedelta(days=14))
        when = format_date(meeting, "d MMMM y", locale="sv_SE")
        label = tx.FORUM_LABEL[forum]
        text = tx.LYFT.format(forum=label, datum=when)
        ev.append(_event(t, "lyft_till_forum", "S4", text, forum=forum, meeting_date=meeting))
        t = max(t, datetime.combine(meeting, time(rng.randint(12, 15), rng.randint(0, 59)), UTC))
        code = _ATGARD_FOR_FORUM[forum]
        ev.append(_event(t, "atgard", None, tx.ATGARD[code].format(part=part), code=code))
        said.append(tx.FEEDBACK_FORUM.format(forum=label, datum=when))
    if rng.random() < 0.65:
        t = _later(rng, t, 5, 45)
        answering = tx.PART_DEFINITE[rng.choice(aktorer)]
        text = rng.choice(tx.SVAR).format(Part=answering[0].upper() + answering[1:])
        ev.append(_event(t, "svar_fran_part", "S5", text))
    if forum is None or rng.random() < 0.3:
        t = _later(rng, t, 1, 14)
        code = _pick(rng, _ATGARD_BY_NIVA[niva])
        ev.append(_event(t, "atgard", None, tx.ATGARD[code].format(part=part), code=code))
    t = _later(rng, t, 3, 25)
    ev.append(_event(t, "aterkoppling", "S6", rng.choice(tx.ATERKOPPLING)))
    t = _later(rng, t, 0, 30)
    ev.append(_event(t, "avslutad", "S7", rng.choice(tx.AVSLUTAD)))
    if rng.random() < 0.07:  # some cases stall: waiting for a party that never answers
        ev = ev[: rng.randint(3, len(ev) - 2)]
    said.append(rng.choice(tx.FEEDBACK_CLOSINGS))
    return ev, " ".join(x for x in said if x)


def _cut_at(r: dict[str, Any], now: datetime) -> None:
    """Keep the history up to `now` and set the report's fields to match it."""
    events = [e for e in r["events"] if e["at"] <= now]
    kinds = {e["kind"] for e in events}
    r["events"] = events
    r["status"] = [e["status"] for e in events if e["status"]][-1]
    if "klassificerad" not in kinds:
        r["problemtyp"] = r["niva"] = r["malgrupp"] = None
    if "aterkoppling" not in kinds:
        r["feedback"] = None
    r["closed_at"] = events[-1]["at"] if "avslutad" in kinds else None


_FIELD_TYPES: dict[str, tuple[type, bool]] = {
    "id": (str, False), "receipt": (str, False), "received_at": (datetime, False),
    "event_date": (date, False), "organisation": (str, False), "reporter_role": (str, False),
    "reporter_name": (str, True), "reporter_contact": (str, True), "kommuner": (list, False),
    "aktorer": (list, False), "description": (str, False), "consequences": (str, False),
    "suggestion": (str, False), "raised_elsewhere": (str, False),
    "suggested_problemtyp": (str, True), "suggested_niva": (str, True),
    "problemtyp": (str, True), "niva": (str, True), "malgrupp": (str, True),
    "status": (str, False), "feedback": (str, True), "closed_at": (datetime, True),
    "synthetic": (bool, False), "scenario": (str, False), "events": (list, False),
}  # fmt: skip
"""Each report key: its Python type and whether it may be None."""
_CODED = {"organisation": "organisation", "status": "status", "problemtyp": "problemtyp",
          "niva": "niva", "malgrupp": "malgrupp", "suggested_problemtyp": "problemtyp",
          "suggested_niva": "niva"}  # fmt: skip
_RECEIPT_RE = re.compile(rf"^LH-[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}$")


def report_problems(r: Mapping[str, Any], today: datetime | None = None) -> list[str]:
    """What is wrong with a report dict, in words (empty if it has the shape the node stores)."""
    if set(r) != set(REPORT_KEYS):
        return [
            f"keys differ: missing {set(REPORT_KEYS) - set(r)}, extra {set(r) - set(REPORT_KEYS)}"
        ]
    bad = [
        f"{key} must be {kind.__name__}{' or None' if nullable else ''}"
        for key, (kind, nullable) in _FIELD_TYPES.items()
        if not (isinstance(r[key], kind) or (nullable and r[key] is None))
        or (kind is date and isinstance(r[key], datetime))
    ]
    if bad:
        return bad
    for key, name in _CODED.items():
        if r[key] is not None and r[key] not in code_list(name).values:
            bad.append(f"{key} {r[key]!r} is not in the code list {name}")
    if not _RECEIPT_RE.match(r["receipt"]):
        bad.append(f"receipt {r['receipt']!r} is not like LH-7K3Q-9XPM")
    aktorer = r["aktorer"]
    if not (1 <= len(aktorer) <= 3 and len(set(aktorer)) == len(aktorer)
            and set(aktorer) <= set(code_list("aktor").values)):  # fmt: skip
        bad.append(f"aktorer {aktorer!r} must be 1-3 distinct aktor codes")
    if not (1 <= len(r["kommuner"]) <= 2 and all(k in kommuner() for k in r["kommuner"])):
        bad.append(f"kommuner {r['kommuner']!r} must be 1-2 kommun codes")
    received = r["received_at"]
    if received.tzinfo is None or received.utcoffset() != timedelta(0):
        return [*bad, "received_at must be in UTC"]
    if r["event_date"] > received.date():
        bad.append("event_date must be on or before received_at")
    return bad + _workflow_problems(r, received, today)


def _workflow_problems(
    r: Mapping[str, Any], received: datetime, today: datetime | None
) -> list[str]:
    bad: list[str] = []
    good: list[Mapping[str, Any]] = []
    for e in r["events"]:
        problem = _event_problem(e, good[-1]["at"] if good else received, today)
        if problem:
            bad.append(problem)
        else:
            good.append(e)
    if bad:
        return bad
    if not good or good[0]["kind"] != "mottagen" or good[0]["at"] != received:
        return ["events must start with 'mottagen' at received_at"]
    statuses = [e["status"] for e in good if e["status"]]
    kinds = {e["kind"] for e in good}
    if statuses != sorted(statuses) or r["status"] != statuses[-1]:
        bad.append(f"status {r['status']} does not follow the events {statuses}")
    if (r["problemtyp"] is None or r["niva"] is None) != ("klassificerad" not in kinds):
        bad.append("problemtyp and niva are set exactly when the report is classified")
    if r["problemtyp"] is None and r["status"] != "S1":
        bad.append("an unclassified report must have status S1")
    if (r["feedback"] is None) != (r["status"] not in ("S6", "S7")):
        bad.append("feedback is given exactly from status S6")
    if (r["closed_at"] is None) != (r["status"] != "S7"):
        bad.append("closed_at is set exactly when status is S7")
    elif r["closed_at"] is not None and r["closed_at"] != good[-1]["at"]:
        bad.append("closed_at must be the time of the last event")
    return bad


def _event_problem(e: Any, after: datetime, today: datetime | None) -> str | None:
    if not isinstance(e, dict) or set(e) - _EVENT_EXTRA_KEYS != _EVENT_KEYS:
        return f"event {e!r} has the wrong keys"
    kind, at = e["kind"], e["at"]
    if not isinstance(at, datetime) or at.tzinfo is None or not isinstance(e["text"], str):
        return f"event {kind!r} needs an aware datetime 'at' and a text"
    if kind not in EVENT_STATUS or e["status"] not in EVENT_STATUS[kind]:
        return f"event {kind!r} cannot have status {e['status']!r}"
    if at < after or (today is not None and at > today):
        return f"event {kind!r} at {at} is out of time order"
    if kind == "atgard" and e.get("code") not in code_list("atgard").values:
        return f"atgard event has no valid code: {e.get('code')!r}"
    meeting = e.get("meeting_date")
    if kind == "lyft_till_forum" and (
        e.get("forum") not in FORUMS or not isinstance(meeting, date) or meeting < at.date()
    ):
        return "lyft_till_forum needs a known forum and a meeting_date after it"
    return None
