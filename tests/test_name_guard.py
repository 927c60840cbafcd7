"""Issue 16 item 3, names and addresses: what the warning finds, and what it leaves alone."""

from __future__ import annotations

import pytest

from node.name_guard import ADRESS, NAMN, check_fields, find_names_and_addresses, names

FOUND = [
    ("Anna Svensson ringde igen", NAMN, "Anna Svensson"),
    ("handläggaren Maria Lindqvist sa nej", NAMN, "Maria Lindqvist"),
    ("Eva-Lena Sjöberg på FK", NAMN, "Eva-Lena Sjöberg"),
    ("Ahmed K fick avslag", NAMN, "Ahmed K"),
    ("ringde Anna \u200bSvensson", NAMN, "Anna \u200bSvensson"),  # an invisible character
    ("Enligt Andersson på AF", NAMN, "Enligt Andersson"),
    ("Mohammed Ali väntade i tre månader", NAMN, "Mohammed Ali"),
    ("träffade Johan Berg igår", NAMN, "Johan Berg"),
    ("Anna\nSvensson", NAMN, "Anna\nSvensson"),
    ("klienten bor på Storgatan 12 i Malmö", ADRESS, "Storgatan 12"),
    ("adress: Kungsvägen 4 B", ADRESS, "Kungsvägen 4 B"),
    ("Lilla Torgvägen 4", ADRESS, "Lilla Torgvägen 4"),
    ("bor på Drottninggatan 7.", ADRESS, "Drottninggatan 7"),
]
# What reports normally hold: law references, case numbers, dates, amounts, agencies, places.
LEFT_ALONE = [
    "Enligt lag (2003:1210) om finansiell samordning av rehabiliteringsinsatser",
    "SFS 2003:1210 kap. 3 § 4", "Dnr 2024/1234 hos Försäkringskassan",
    "Ärende FK 12345-2024", "beslut den 12 mars 2025", "Den 3 april 2024 kl 10.00",
    "kostade 12 500 kr", "Region Skåne och Arbetsförmedlingen", "Västra Götalandsregionen",
    "Statens servicecenter i Lund", "Region Halland Falkenberg", "Göteborgs Stad",
    "Malmö stad", "Försäkringskassan Lund", "Rusta och matcha i Borås",
    "Anna har inte fått svar från Region Stockholm", "vägen 2 till jobb", "Hos Region Gotland",
    "AF Kristianstad", "Samordningsförbundet Göteborg", "Regionen Västerbotten",
    "Vårdcentralen Lindholmen", "Arbetsförmedlingen Karlstad", "Moment 22", "CSN Sundsvall",
    "Jobbtorg Stockholm", "Kommunen Eskilstuna", "Skatteverket Härnösand",
    "Migrationsverket Norrköping", "Region Jönköpings län", "Personligt ombud i Umeå",
    "Aktivitetsersättningen upphörde i juni; AF säger att FK ansvarar.",
    "Klienten har väntat 14 veckor på ett läkarutlåtande från vårdcentralen i Lund.",
    "Ingen tar ansvar: kommunen hänvisar till Region Uppsala, som hänvisar tillbaka.",
    "Beslut 2025-03-12, ärendenummer 2025/00123, belopp 4 300 kr per månad.",
]


@pytest.mark.parametrize(("text", "kind", "found"), FOUND)
def test_names_and_addresses_are_found(text: str, kind: str, found: str) -> None:
    warnings = find_names_and_addresses(text)
    assert [(w.kind, w.text) for w in warnings] == [(kind, found)]
    w = warnings[0]
    assert text[w.start : w.end] == w.text  # spans in the text as written


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_no_false_alarm_on_what_reports_normally_hold(text: str) -> None:
    assert find_names_and_addresses(text) == []


def test_the_name_lists_hold_a_few_hundred_names_each() -> None:
    first, last = names()
    assert len(first) >= 250 and len(last) >= 250
    assert {"Anna", "Lars", "Mohammed"} <= first and {"Andersson", "Nguyen"} <= last
    assert not {"Per", "Bo", "Dag", "Liv", "Klara", "Mina"} & first  # common words left out


def test_check_fields_tags_each_warning_with_its_field() -> None:
    found = check_fields({"description": "Anna Svensson fick avslag", "suggestion": None,
                          "consequences": "Hon bor på Storgatan 3"})  # fmt: skip
    assert [(w.field, w.kind, w.label("sv"), w.label("en")) for w in found] == [
        ("description", NAMN, "namn", "name"),
        ("consequences", ADRESS, "gatuadress", "street address"),
    ]
