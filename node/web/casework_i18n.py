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
}

register_strings(STRINGS)
