"""Texts for case owners, reports received another way and the privacy settings notice,
Swedish and English, registered with :mod:`common.web.i18n`."""

from __future__ import annotations

from common.web.i18n import register_strings

STRINGS: dict[str, tuple[str, str]] = {
    "st_field_owner": ("Ägare", "Owner"),
    "st_event_agare_andrad": ("Ägare ändrad", "Owner changed"),
    "st_done_agare": ("Ägaren är sparad.", "The owner is saved."),
    "ow_heading": ("Ägare", "Owner"),
    "ow_hint": (
        "Den som äger ärendet tar hand om det och får ett mejl (kvittokod och länk, aldrig "
        "innehållet) om hen har angett en e-postadress under E-post.",
        "The owner takes care of the case and gets an e-mail (receipt code and link, never "
        "the content) if they have given an address under E-mail.",
    ),
    "ow_none": ("Ingen ägare", "No owner"),
    "ow_none_option": ("Ingen ägare", "No owner"),
    "ow_you": ("du", "you"),
    "ow_mine": ("Mina ärenden", "My cases"),
    "rg_title": ("Registrera ett ärende som kom in på annat sätt",
                 "Register a case that arrived another way"),
    "rg_nav": ("Registrera ärende", "Register a case"),
    "rg_intro": (
        "För anmälningar som kom per telefon, e-post, vid ett samråd med personligt ombud eller "
        "från Synergi/Händelseråd. Skriv som i formuläret: om systemet, aldrig om en person – "
        "inga namn, personnummer eller andra uppgifter som pekar ut klienten.",
        "For reports that came by phone, e-mail, at a consultation with a personligt ombud or "
        "from Synergi/Händelseråd. Write as in the form: about the system, never about a "
        "person – no names, personal identity numbers or other details that identify the client.",
    ),
    "rg_sec_channel": ("Hur anmälan kom in", "How the report arrived"),
    "rg_sec_reporter": ("Den som anmälde", "Who reported"),
    "rg_kanal": ("Kanal", "Channel"),
    "rg_kanal_hint": ("Krävs. Räknas i förbundets statistik per kanal.",
                      "Required. Counted in the association's figures per channel."),
    "rg_received_on": ("Mottagen datum", "Date received"),
    "rg_received_on_hint": ("År-månad-dag, t.ex. 2026-03-14. Tomt = i dag.",
                            "Year-month-day, e.g. 2026-03-14. Empty = today."),
    "rg_description_hint": (
        "Beskriv skavet som anmälaren berättade det, utan personuppgifter.",
        "Describe the problem as the reporter told it, without personal data.",
    ),
    "rg_submit": ("Registrera ärendet", "Register the case"),
    "st_done_registrerad": ("Ärendet är registrerat.", "The case is registered."),
    "st_field_kanal": ("Kanal", "Channel"),
    "pv_controller": ("Personuppgiftsansvarig", "Controller"),
    "pv_contact": ("Frågor om personuppgifter", "Questions about personal data"),
    "pv_dpo": ("Dataskyddsombud", "Data protection officer"),
    "pv_legal_basis": ("Rättslig grund", "Legal basis"),
    "pv_unfilled": (
        "Förbundet har inte fyllt i alla sina uppgifter här ännu. Kontakta förbundet om du "
        "har frågor.",
        "The association has not yet filled in all its details here. Contact the association "
        "if you have questions.",
    ),
}

register_strings(STRINGS)
