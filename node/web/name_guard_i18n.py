"""Texts for the public form's name and address warning (:mod:`node.name_guard`) and its
audit event on the staff case page, Swedish and English, registered with
:mod:`common.web.i18n`."""

from __future__ import annotations

from common.web.i18n import register_strings

STRINGS: dict[str, tuple[str, str]] = {
    "nw_title": ("Kontrollera namn och adresser", "Check names and addresses"),
    "nw_lead": (
        "Det här ser ut som namn eller gatuadresser. Anmälan handlar om hur myndigheterna "
        "arbetar, inte om vem personen är. Inget är sparat ännu och all din text finns kvar.",
        "This looks like names or street addresses. The report is about how the agencies "
        "work, not about who the person is. Nothing has been saved yet and all your text is "
        "kept.",
    ),
    "nw_item": ("{field}: \u201c{text}\u201d ({kind})", "{field}: \u201c{text}\u201d ({kind})"),
    "nw_what_to_do": (
        "Ändra texten och skicka igen. Är det inte en person eller en privat adress (till "
        "exempel ett kontor eller en mottagning), kryssa i rutan längst ner och skriv varför.",
        "Change the text and send again. If it is not a person or a private address (for "
        "example an office or a clinic), tick the box at the bottom and say why.",
    ),
    "nw_keep_legend": ("Behålla texten som den är?", "Keep the text as it is?"),
    "nw_keep": (
        "Jag behåller texten – det är inte uppgifter om en enskild person",
        "I keep the text – it is not information about a private person",
    ),
    "nw_reason": ("Varför behåller du texten?", "Why do you keep the text?"),
    "nw_reason_hint": (
        "Kort, till exempel \u201cnamnet på en vårdcentral\u201d. Högst {n} tecken. "
        "Förbundets handläggare ser motiveringen.",
        "Short, for example \u201cthe name of a health centre\u201d. At most {n} characters. "
        "The association's staff see the reason.",
    ),
    "e_keep_reason_required": (
        "Skriv varför du behåller texten, eller ändra texten och ta bort krysset.",
        "Say why you keep the text, or change the text and untick the box.",
    ),
    "e_keep_reason_too_long": (
        "Motiveringen har {n} tecken; högst {max} går. Korta den och skicka igen.",
        "The reason has {n} characters; at most {max} are allowed. Shorten it and send again.",
    ),
    "e_keep_reason_personal": (
        "Motiveringen innehåller det som ser ut som {kinds}. Ta bort det och skicka igen.",
        "The reason contains what looks like {kinds}. Remove it and send again.",
    ),
    "st_event_namn_behallet": (
        "Anmälaren behöll namn eller adress",
        "The reporter kept a name or address",
    ),
}

register_strings(STRINGS)
