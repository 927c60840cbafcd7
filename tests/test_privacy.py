"""The personal-data guard: what it must find, in every common spelling, and what it must not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from node.privacy import (
    EPOST,
    PERSONNUMMER,
    SAMORDNINGSNUMMER,
    TELEFONNUMMER,
    Finding,
    check_fields,
    find_personal_data,
    override_event,
    redact,
)

# 811218-9876 has a correct check digit; 811278-9873 is the same person's day + 60 variant.
FOUND = [
    ("811218-9876", PERSONNUMMER),
    ("8112189876", PERSONNUMMER),
    ("19811218-9876", PERSONNUMMER),
    ("198112189876", PERSONNUMMER),
    ("19811218 - 9876", PERSONNUMMER),
    ("811218 9876", PERSONNUMMER),
    ("811218\u20139876", PERSONNUMMER),
    ("811218+9876", PERSONNUMMER),
    ("811278-9873", SAMORDNINGSNUMMER),
    ("198112789873", SAMORDNINGSNUMMER),
    ("070-123 45 67", TELEFONNUMMER),
    ("0701234567", TELEFONNUMMER),
    ("070 123 45 67", TELEFONNUMMER),
    ("+46 70 123 45 67", TELEFONNUMMER),
    ("+46701234567", TELEFONNUMMER),
    ("+46 (0)70-123 45 67", TELEFONNUMMER),
    ("0046 8 123 456 78", TELEFONNUMMER),
    ("08-123 456 78", TELEFONNUMMER),
    ("08-12 34 56", TELEFONNUMMER),
    ("031-12 34 56", TELEFONNUMMER),
    ("031-7396000", TELEFONNUMMER),
    ("0303-123 45", TELEFONNUMMER),
    ("anna.andersson@goteborg.se", EPOST),
    ("a_b+skav@kommun.example.se", EPOST),
]

NOT_FOUND = [
    "2024-03-15",
    "den 15/3 2024",
    "20240315",
    "12 500 kr",
    "1 250 000 kr",
    "3,5 miljoner",
    "SFS 2003:1210",
    "lag (2003:1210) om finansiell samordning",
    "411 05 Göteborg",
    "år 2023",
    "Dnr 2024-00123",
    "Dnr SN 2023/04512",
    "811218-9875",  # check digit wrong
    "811318-9876",  # month 13
    "811298-9870",  # day 98: neither personnummer nor samordningsnummer
    "050312-1235",
    "kl 08.30",
    "version 1.2.3",
    "ärende 123456-7890",
    "e-post saknas @ mötet",
]


@pytest.mark.parametrize(("text", "kind"), FOUND)
def test_finds_each_spelling(text: str, kind: str) -> None:
    sentence = f"Personen ({text}) fick vänta."
    findings = find_personal_data(sentence)
    assert [(f.kind, f.text) for f in findings] == [(kind, text)]
    f = findings[0]
    assert sentence[f.start : f.end] == text


@pytest.mark.parametrize("text", NOT_FOUND)
def test_leaves_ordinary_numbers_alone(text: str) -> None:
    assert find_personal_data(f"Se {text}, sedan hände inget.") == []


def test_several_findings_in_order_with_fields() -> None:
    text = "Ring 070-123 45 67 om 811218-9876, eller mejla x@y.se."
    assert [f.kind for f in find_personal_data(text)] == [TELEFONNUMMER, PERSONNUMMER, EPOST]
    found = check_fields({"description": text, "suggestion": "Inget", "consequences": None})
    assert {f.field for f in found} == {"description"}
    assert redact(text, find_personal_data(text)) == (
        "Ring [borttaget] om [borttaget], eller mejla [borttaget]."
    )


def test_override_event_never_copies_the_found_text() -> None:
    finding = Finding(PERSONNUMMER, "811218-9876", 3, 14, "description")
    event = override_event([finding], "vu@forbund", "Ett diarienummer, inte ett personnummer")
    assert "811218-9876" not in repr(event)
    assert event["findings"] == [{"field": "description", "kind": PERSONNUMMER, "start": 3,
                                  "end": 14}]  # fmt: skip
    with pytest.raises(ValueError):
        override_event([finding], "vu@forbund", "  ")


def _with_check_digit(nine: str) -> str:
    return nine + luhn.calc_check_digit(nine)


@st.composite
def identity_numbers(draw: st.DrawFn) -> tuple[str, str]:
    born = draw(st.dates(date(1905, 1, 1), date.today() - timedelta(days=1)))
    coordination = draw(st.booleans())
    day = born.day + (60 if coordination else 0)
    serial = draw(st.integers(0, 999))
    ten = _with_check_digit(f"{born:%y%m}{day:02d}{serial:03d}")
    age_100 = date.today().year - born.year >= 100
    style = draw(st.sampled_from(["10-", "10", "12-", "12", "12 - ", "10 "]))
    twelve = style.startswith("12")
    sep = "+" if age_100 and not twelve else style[2:]  # the 10-digit form marks 100+ with '+'
    number = (f"{born.year // 100}" if twelve else "") + ten[:6] + sep + ten[6:]
    return number, SAMORDNINGSNUMMER if coordination else PERSONNUMMER


_SAFE_TEXT = st.text(
    st.characters(codec="utf-8", categories=["L", "Zs", "P"], exclude_characters="+-\u2013@"),
    max_size=40,
)


@settings(deadline=None)  # examples from the profile (dev: few, ci: many)
@given(identity_numbers(), _SAFE_TEXT, _SAFE_TEXT)
def test_valid_identity_numbers_are_always_found(
    number_kind: tuple[str, str], before: str, after: str
) -> None:
    number, kind = number_kind
    text = f"{before} {number} {after}"
    found = [f for f in find_personal_data(text) if f.kind in (PERSONNUMMER, SAMORDNINGSNUMMER)]
    assert [(f.kind, f.text) for f in found] == [(kind, number)], text


# Issue 16: spellings a caseworker really types, each inside an ordinary sentence.
CARELESS = [
    ("pnr:8112189876", "8112189876", PERSONNUMMER),
    ("811218-9876:", "811218-9876", PERSONNUMMER),
    ("811218-9876/AF", "811218-9876", PERSONNUMMER),
    ("811218.9876", "811218.9876", PERSONNUMMER),
    ("81 12 18-98 76", "81 12 18-98 76", PERSONNUMMER),
    ("811218\u22129876", "811218\u22129876", PERSONNUMMER),
    ("811218\u20109876", "811218\u20109876", PERSONNUMMER),
    ("811218\u20119876", "811218\u20119876", PERSONNUMMER),
    ("\uff18\uff11\uff11\uff12\uff11\uff18\uff0d\uff19\uff18\uff17\uff16",
     "\uff18\uff11\uff11\uff12\uff11\uff18\uff0d\uff19\uff18\uff17\uff16", PERSONNUMMER),
    ("8112\u200b18-98\u200d76", "8112\u200b18-98\u200d76", PERSONNUMMER),
    ("811218-\n9876", "811218-\n9876", PERSONNUMMER),
    ("811218\r\n-9876", "811218\r\n-9876", PERSONNUMMER),
    ("Samordningsnr:811278-0005", "811278-0005", SAMORDNINGSNUMMER),
    ("070.123.45.67", "070.123.45.67", TELEFONNUMMER),
    ("(08) 123 456 78", "(08) 123 456 78", TELEFONNUMMER),
    ("tel:0701234567", "0701234567", TELEFONNUMMER),
    ("0701234567:", "0701234567", TELEFONNUMMER),
    ("anna (at) exempel.se", "anna (at) exempel.se", EPOST),
    ("anna [at] exempel [dot] se", "anna [at] exempel [dot] se", EPOST),
    ("anna\uff20exempel.se", "anna\uff20exempel.se", EPOST),
    ("pnr 811218-9875", "811218-9875", PERSONNUMMER),  # wrong check digit, labelled
    ("personnummer: 8112189875", "8112189875", PERSONNUMMER),
    ("född 19811218-9875", "19811218-9875", PERSONNUMMER),
    ("Personnummer är 811218 9875", "811218 9875", PERSONNUMMER),
]

NOT_FOUND_EITHER = [
    *NOT_FOUND,
    "2024-03-15 10.30",
    "15.03.2024",
    "08.12.20",
    "kap. 3 § 7 SFB",
    "110 kap. 13 § socialförsäkringsbalken (2010:110)",
    "Dnr 2.1.2-2024-4567",
    "FK 2024/123456-7",
    "ärendenummer 8112189875",  # wrong check digit, not labelled as a personnummer
    "född 1981",
    "född 1981-12-18",
    "4 500,00 kr",
    "12 345 678 kr",
    "kl. 13.15-14.00",
    "pnr saknas, se Dnr 2024-00123",
    "tel. saknas",
    "at exempel.se",
]


@pytest.mark.parametrize(("typed", "found", "kind"), CARELESS)
def test_finds_careless_spellings(typed: str, found: str, kind: str) -> None:
    sentence = f"Klienten, {typed} hade väntat."
    findings = find_personal_data(sentence)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)], sentence
    assert sentence[findings[0].start : findings[0].end] == found


@pytest.mark.parametrize("text", NOT_FOUND_EITHER)
def test_no_false_alarms_on_law_case_numbers_dates_amounts(text: str) -> None:
    assert find_personal_data(f"Se {text}, sedan hände inget.") == []


def test_redact_removes_careless_spellings_from_the_original_text() -> None:
    text = "pnr:8112\u200b18-9876, tel:070.123.45.67, anna\uff20exempel.se"
    assert redact(text, find_personal_data(text)) == (
        "pnr:[borttaget], tel:[borttaget], [borttaget]"
    )
