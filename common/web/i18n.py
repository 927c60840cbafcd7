"""Texts of the node's web pages, Swedish first with English alongside, and the page language.

The language of a request is chosen as: ``?lang=sv|en`` in the address (remembered in the
``lang`` cookie for a year), else the ``lang`` cookie, else Swedish. Templates get ``t(key)``
already bound to that language, ``lang``, ``other_lang`` and ``lang_switch_url``.

Other page modules (the staff pages) add their own texts with :func:`register_strings`; a key
can be registered once only, so two modules never fight over a text.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Request, Response

LANGS = ("sv", "en")
DEFAULT_LANG = "sv"
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600

STRINGS: dict[str, tuple[str, str]] = {
    # page shell (base.html)
    "skip": ("Hoppa till innehållet", "Skip to content"),
    "lang_switch": ("In English", "På svenska"),
    "lang_switch_label": ("Read this page in English", "Läs sidan på svenska"),
    "synthetic_banner": (
        "Syntetiska data: den här noden innehåller påhittade anmälningar för test och "
        "visning – inga verkliga ärenden.",
        "Synthetic data: this node holds made-up reports for testing and demonstration – "
        "no real cases.",
    ),
    "site_tagline": (
        "Lex Heller – anmäl skav mellan myndigheter",
        "Lex Heller – report friction between agencies",
    ),  # fmt: skip
    "nav_label": ("Huvudmeny", "Main menu"),
    "nav_report": ("Gör en anmälan", "Make a report"),
    "nav_status": ("Följ din anmälan", "Follow your report"),
    "footer": (
        "Lex Heller drivs av {name}. Anmälningar stannar hos förbundet; bara summerade, "
        "skyddade antal lämnar förbundet.",
        "Lex Heller is run by {name}. Reports stay with the association; only summed, "
        "protected counts leave it.",
    ),
    # errors shared by every page
    "err_title": ("Något gick fel", "Something went wrong"),
    "err_400_title": ("Formuläret kunde inte tas emot", "The form could not be accepted"),
    "err_400": (
        "Formuläret hade gått ut eller kom inte från den här sidan. Inget har sparats. "
        "Gå tillbaka, ladda om sidan och skicka igen.",
        "The form had expired or did not come from this page. Nothing was saved. "
        "Go back, reload the page and send it again.",
    ),
    "err_413_title": ("För mycket text", "Too much text"),
    "err_413": (
        "Det du skickade var större än vi tar emot ({limit}). Inget har sparats. "
        "Korta texten och försök igen.",
        "What you sent was larger than we accept ({limit}). Nothing was saved. "
        "Shorten the text and try again.",
    ),
    "err_429_title": ("För många försök", "Too many attempts"),
    "err_429": (
        "Vi har fått många försök från din adress på kort tid. Vänta {minutes} minuter "
        "och försök sedan igen. Inget av det du skrev senast har sparats.",
        "We have received many attempts from your address in a short time. Wait {minutes} "
        "minutes and try again. Nothing of what you last wrote was saved.",
    ),
    "back_to_start": ("Till startsidan", "Back to the start page"),
    # public start page and note
    "start_title": ("Anmäl skav mellan myndigheter", "Report friction between agencies"),
    "start_lead": (
        "Har du som handläggare sett att samverkan mellan myndigheter inte fungerar för "
        'en person – ett skav, ett "moment 22"? Berätta det för oss. Det tar några minuter '
        "och du behöver inget konto.",
        "Have you, as a caseworker, seen collaboration between agencies fail a person – a "
        "friction, a catch-22? Tell us. It takes a few minutes and you need no account.",
    ),
    "start_what": (
        "{name} samlar anmälningarna, följer upp varje ärende, lyfter mönster till chefer, "
        "beredningsgrupp och styrelse och ger dig återkoppling.",
        "{name} collects the reports, follows up each case, raises patterns with managers, "
        "the preparatory group and the board, and gives you feedback.",
    ),
    "note_title": (
        "Det här är inte Lex Sarah, Lex Maria eller ett klagomål",
        "This is not Lex Sarah, Lex Maria or a complaint",
    ),  # fmt: skip
    "note_body": (
        "Lex Heller gäller brister i hur myndigheter och verksamheter arbetar tillsammans, "
        "inte missförhållanden i en enskild verksamhet. Skriv inga uppgifter om personen "
        "det gäller: inga namn, personnummer, telefonnummer eller e-postadresser.",
        "Lex Heller is about failures in how agencies and services work together, not about "
        "wrongdoing in a single service. Write nothing about the person concerned: no names, "
        "personal identity numbers, phone numbers or e-mail addresses.",
    ),
    "note_links": ("Om det gäller något annat:", "If it is about something else:"),
    "link_socialstyrelsen": (
        "Lex Sarah och Lex Maria – Socialstyrelsens information (öppnas på socialstyrelsen.se)",
        "Lex Sarah and Lex Maria – the National Board of Health and Welfare (socialstyrelsen.se)",
    ),
    "link_ivo": (
        "Klagomål på vård och omsorg – Inspektionen för vård och omsorg, IVO (ivo.se)",
        "Complaints about health and social care – the Health and Social Care Inspectorate, "
        "IVO (ivo.se)",
    ),
    "start_report": ("Gör en anmälan", "Make a report"),
    "start_follow": (
        "Har du en kvittokod? Följ din anmälan",
        "Have a receipt code? Follow your report",
    ),
    # the form
    "form_title": ("Anmäl ett skav", "Report a friction"),
    "form_intro": (
        "Fält märkta (frivilligt) kan lämnas tomma. Allt annat behöver vi för att kunna "
        "följa upp anmälan.",
        "Fields marked (optional) may be left empty. We need everything else to follow up "
        "the report.",
    ),
    "optional": ("(frivilligt)", "(optional)"),
    "sec_you": ("Om dig", "About you"),
    "sec_event": ("Vad hände", "What happened"),
    "sec_class": ("Ditt förslag på klassning", "Your suggested classification"),
    "f_organisation": ("Din organisation", "Your organisation"),
    "f_organisation_choose": ("Välj organisation", "Choose organisation"),
    "f_reporter_role": ("Din roll", "Your role"),
    "f_reporter_role_hint": (
        "Till exempel handläggare, socialsekreterare eller personligt ombud.",
        "For example caseworker, social worker or personal representative.",
    ),  # fmt: skip
    "f_reporter_name": ("Ditt namn", "Your name"),
    "f_reporter_contact": (
        "Din e-postadress eller ditt telefonnummer",
        "Your e-mail address or phone number",
    ),  # fmt: skip
    "f_contact_hint": (
        "Fyll i om du vill att förbundet ska kunna kontakta dig med frågor. Du kan vara "
        "anonym; då kan du ändå följa anmälan med kvittokoden.",
        "Fill in if you want the association to be able to contact you with questions. You "
        "may stay anonymous; you can still follow the report with the receipt code.",
    ),
    "f_event_date": ("När hände det?", "When did it happen?"),
    "f_event_date_hint": (
        "Skriv datumet som år-månad-dag, till exempel 2026-03-14. Ungefärligt datum går bra.",
        "Write the date as year-month-day, for example 2026-03-14. An approximate date is fine.",
    ),  # fmt: skip
    "f_kommuner": (
        "Vilken eller vilka kommuner gäller det?",
        "Which municipality or municipalities does it concern?",
    ),  # fmt: skip
    "f_kommuner_hint": ("Välj en eller flera.", "Choose one or more."),
    "f_aktorer": ("Var uppstod skavet?", "Where did the friction arise?"),
    "f_aktorer_hint": (
        "Välj alla aktörer som var inblandade.",
        "Choose every actor that was involved.",
    ),  # fmt: skip
    "f_description": ("Vad hände?", "What happened?"),
    "f_description_hint": (
        "Beskriv vad som inte fungerade mellan myndigheterna. Skriv inte namn, personnummer "
        "eller annat som kan peka ut personen.",
        "Describe what did not work between the agencies. Do not write names, identity "
        "numbers or anything else that could identify the person.",
    ),
    "f_consequences": (
        "Vilka blev följderna för personen?",
        "What were the consequences for the person?",
    ),
    "f_suggestion": ("Hur skulle det kunna lösas?", "How could it be solved?"),
    "f_raised_elsewhere": (
        "Har du redan lyft det någon annanstans? Var?",
        "Have you already raised it elsewhere? Where?",
    ),  # fmt: skip
    "f_suggested_problemtyp": (
        "Vilken typ av problem är det, tror du?",
        "What type of problem is it, do you think?",
    ),  # fmt: skip
    "f_suggested_niva": (
        "På vilken nivå behöver det lösas, tror du?",
        "At what level does it need to be solved, do you think?",
    ),  # fmt: skip
    "f_class_hint": (
        "Förbundet bestämmer klassningen; ditt förslag hjälper.",
        "The association decides the classification; your suggestion helps.",
    ),  # fmt: skip
    "f_dont_know": ("Vet inte", "Don't know"),
    "f_max": ("Högst {n} tecken.", "At most {n} characters."),
    "submit": ("Skicka anmälan", "Send the report"),
    # validation
    "errors_title": (
        "Anmälan är inte skickad än – rätta det här:",
        "The report has not been sent yet – please correct this:",
    ),  # fmt: skip
    "e_required_reporter_role": (
        "Skriv din roll, till exempel handläggare.",
        "Write your role, for example caseworker.",
    ),  # fmt: skip
    "e_required_description": ("Beskriv vad som hände.", "Describe what happened."),
    "e_organisation": ("Välj din organisation i listan.", "Choose your organisation in the list."),
    "e_choose_one": (
        'Välj minst ett alternativ under "{field}".',
        'Choose at least one option under "{field}".',
    ),  # fmt: skip
    "e_unknown_choice": (
        'Välj ett av alternativen i listan under "{field}".',
        'Choose one of the listed options under "{field}".',
    ),  # fmt: skip
    "e_too_long": (
        '"{field}" har {n} tecken; högst {max} får plats. Korta texten.',
        '"{field}" has {n} characters; at most {max} fit. Shorten the text.',
    ),  # fmt: skip
    "e_date": (
        "Skriv datumet som år-månad-dag, till exempel 2026-03-14.",
        "Write the date as year-month-day, for example 2026-03-14.",
    ),  # fmt: skip
    "e_date_future": (
        "Datumet ligger i framtiden. Skriv när det hände.",
        "The date is in the future. Write when it happened.",
    ),  # fmt: skip
    "e_date_old": (
        "Datumet är före år 2000. Kontrollera årtalet.",
        "The date is before the year 2000. Check the year.",
    ),  # fmt: skip
    "e_personal": (
        'Texten under "{field}" innehåller det som ser ut som {kinds}: {found}. '
        "Ta bort det och skicka igen.",
        'The text under "{field}" contains what looks like {kinds}: {found}. '
        "Remove it and send again.",
    ),
    "personal_title": ("Ta bort personuppgifterna", "Remove the personal data"),
    "personal_body": (
        "Vi sparar ingenting förrän de är borta. Anmälan handlar om hur myndigheterna "
        "arbetar, inte om vem personen är. Vill du att vi ska kunna nå dig, använd fältet "
        "för din egen kontaktuppgift.",
        "We store nothing until they are gone. The report is about how the agencies work, "
        "not about who the person is. If you want us to reach you, use the field for your "
        "own contact details.",
    ),
    # receipt
    "receipt_title": ("Tack! Din anmälan är mottagen", "Thank you! Your report has been received"),
    "receipt_code": ("Din kvittokod", "Your receipt code"),
    "receipt_keep": (
        "Spara koden. Med den kan du se vad som händer med anmälan och läsa förbundets "
        "återkoppling. Koden visas bara nu.",
        "Keep the code. With it you can see what happens with the report and read the "
        "association's feedback. The code is shown only now.",
    ),
    "receipt_follow": ("Följ din anmälan", "Follow your report"),
    "receipt_gone": (
        "Det finns ingen kvittens att visa här längre. Om du har skickat en anmälan har du "
        "fått koden på förra sidan.",
        "There is no receipt to show here any more. If you sent a report, you got the code "
        "on the previous page.",
    ),
    "receipt_another": ("Gör en ny anmälan", "Make another report"),
    # status
    "status_title": ("Följ din anmälan", "Follow your report"),
    "status_intro": (
        "Skriv kvittokoden du fick när du skickade anmälan.",
        "Enter the receipt code you got when you sent the report.",
    ),  # fmt: skip
    "f_receipt": ("Kvittokod", "Receipt code"),
    "f_receipt_hint": ("Till exempel LH-7K3Q-9XPM.", "For example LH-7K3Q-9XPM."),
    "status_submit": ("Visa status", "Show status"),
    "status_not_found": (
        "Vi hittade ingen anmälan med den koden. Kontrollera att du skrivit av koden rätt.",
        "We found no report with that code. Check that you copied the code correctly.",
    ),
    "status_now": ("Status", "Status"),
    "status_feedback": ("Återkoppling från förbundet", "Feedback from the association"),
    "status_no_feedback": (
        "Förbundet har inte lämnat någon återkoppling än.",
        "The association has not given any feedback yet.",
    ),  # fmt: skip
    "status_result": ("Anmälan med kod {code}", "Report with code {code}"),
}


def register_strings(strings: dict[str, tuple[str, str]]) -> None:
    """Add texts (key -> (Swedish, English)); a key already registered with other text fails."""
    for key, pair in strings.items():
        if len(pair) != 2:
            raise ValueError(f"{key}: give exactly (sv, en)")
        if key in STRINGS and STRINGS[key] != pair:
            raise ValueError(f"text key {key!r} is already registered with other text")
        STRINGS[key] = pair


def t(key: str, lang: str = DEFAULT_LANG, **fields: Any) -> str:
    """The text `key` in `lang` (Swedish unless 'en'), with `{fields}` filled in."""
    sv, en = STRINGS[key]
    text = en if lang == "en" else sv
    return text.format(**fields) if fields else text


def choose_lang(request: Request) -> str:
    """``?lang=`` beats the cookie, which beats the Swedish default."""
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGS else DEFAULT_LANG


def remember_lang(request: Request, response: Response) -> Response:
    """Keep an explicit ``?lang=`` choice in a cookie so later pages use it too."""
    asked = request.args.get("lang")
    if asked in LANGS and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, asked, max_age=LANG_COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True, secure=request.is_secure)  # fmt: skip
    return response


def other_lang(lang: str) -> str:
    return "en" if lang == "sv" else "sv"


def switch_url(request: Request, lang: str) -> str:
    """The current page's address with ``lang`` set to the other language."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = other_lang(lang)
    return f"{request.path}?{urlencode(args)}"


def number(value: int | float, lang: str = DEFAULT_LANG) -> str:
    """A number in Swedish format (space between thousands, decimal comma) in both languages."""
    return format_decimal(value, locale="sv_SE")


def long_date(value: date, lang: str = DEFAULT_LANG) -> str:
    """A date in words: '3 mars 2026' / '3 March 2026'."""
    return format_date(value, format="long", locale="en_GB" if lang == "en" else "sv_SE")
