"""Subject, plain text and HTML for each kind of mail, in Swedish and English.

The only values a template takes are short, single-line fields (receipt codes, dates, counts,
the förbund's name, a role) and links; :func:`render` refuses anything longer, so a report's
free text cannot end up in a mail by mistake. Lists (the digest) are lines built from the same
kind of values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

MAX_FIELD = 120

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "new_report": {
        "sv": {
            "subject": "Ny anmälan {receipt} till {forbund}",
            "body": "En ny anmälan har kommit in till {forbund} med kvittokoden {receipt}.\n"
            "Innehållet skickas aldrig med e-post. Logga in för att läsa och ta hand "
            "om den.",
            "link": "Öppna ärendet",
        },
        "en": {
            "subject": "New report {receipt} to {forbund}",
            "body": "A new report has arrived at {forbund} with receipt code {receipt}.\n"
            "Its content is never sent by e-mail. Log in to read and handle it.",
            "link": "Open the case",
        },
    },
    "digest": {
        "sv": {
            "subject": "Att göra i Lex Heller, {forbund}, {date}",
            "body": "Sammanställning för {forbund} den {date}. Innehållet i ärendena skickas "
            "aldrig med e-post; logga in för att läsa dem.",
            "link": "Öppna Att göra",
            "empty": "Inget att göra just nu.",
        },
        "en": {
            "subject": "To do in Lex Heller, {forbund}, {date}",
            "body": "Summary for {forbund} on {date}. The content of cases is never sent by "
            "e-mail; log in to read them.",
            "link": "Open To do",
            "empty": "Nothing to do right now.",
        },
    },
    "receipt": {
        "sv": {
            "subject": "Kvitto på din anmälan till {forbund}",
            "body": "Tack för din anmälan till {forbund}. Din kvittokod är {receipt}.\n"
            "Med koden kan du följa ärendet, läsa återkoppling, svara på frågor och "
            "lägga till information. Vi mejlar dig när något händer. Din e-postadress "
            "raderas när ärendet har avslutats och gallrats.",
            "link": "Följ ärendet",
        },
        "en": {
            "subject": "Receipt for your report to {forbund}",
            "body": "Thank you for your report to {forbund}. Your receipt code is {receipt}.\n"
            "With the code you can follow the case, read feedback, answer questions and "
            "add information. We e-mail you when something happens. Your e-mail "
            "address is deleted once the case has been closed and cleared.",
            "link": "Follow the case",
        },
    },
    "question": {
        "sv": {
            "subject": "En fråga om din anmälan {receipt}",
            "body": "{forbund} har en fråga om din anmälan {receipt}. Frågan står på "
            "statussidan; svara där med din kvittokod.",
            "link": "Läs och svara",
        },
        "en": {
            "subject": "A question about your report {receipt}",
            "body": "{forbund} has a question about your report {receipt}. The question is on "
            "the status page; answer there with your receipt code.",
            "link": "Read and answer",
        },
    },
    "update": {
        "sv": {
            "subject": "Nytt i ärendet {receipt}",
            "body": "Ärendet {receipt} hos {forbund} har fått ny status: {status}. "
            "Läs mer på statussidan med din kvittokod.",
            "link": "Följ ärendet",
        },
        "en": {
            "subject": "News in case {receipt}",
            "body": "Case {receipt} at {forbund} has a new status: {status}. "
            "Read more on the status page with your receipt code.",
            "link": "Follow the case",
        },
    },
    "assigned": {
        "sv": {
            "subject": "Du är ägare till ärendet {receipt}",
            "body": "Du har blivit ägare till ärendet {receipt} hos {forbund}. Innehållet "
            "skickas aldrig med e-post; logga in för att läsa och ta hand om det.",
            "link": "Öppna ärendet",
        },
        "en": {
            "subject": "You own case {receipt}",
            "body": "You have been made owner of case {receipt} at {forbund}. Its content is "
            "never sent by e-mail; log in to read and handle it.",
            "link": "Open the case",
        },
    },
}
FOOTER = {
    "sv": "Det här brevet skickades automatiskt av Lex Heller. Svara inte på det.",
    "en": "This message was sent automatically by Lex Heller. Do not reply to it.",
}


class UnsafeField(ValueError):
    """A value that could carry free text was passed to a mail template."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _safe(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | date):
        raise UnsafeField(f"{name}: {type(value).__name__} is not a mail field")
    text = value.isoformat() if isinstance(value, date) else str(value)
    if len(text) > MAX_FIELD or "\n" in text or "\r" in text:
        raise UnsafeField(f"{name}: a mail field is one short line (got {len(text)} characters)")
    return text


def render(kind: str, lang: str, fields: dict[str, object], link: str = "",
           sections: list[tuple[str, list[str]]] | None = None) -> Rendered:  # fmt: skip
    """The mail of `kind` in `lang` ('sv' or 'en'); `sections` are (heading, lines) lists."""
    texts = TEXTS[kind]["sv" if lang not in ("sv", "en") else lang]
    values = {k: _safe(k, v) for k, v in fields.items()}
    subject = texts["subject"].format(**values)
    paragraphs = texts["body"].format(**values).split("\n")
    checked = [(_safe("heading", h), [_safe("line", x) for x in lines])
               for h, lines in (sections or [])]  # fmt: skip
    text_parts = list(paragraphs)
    html_parts = [f"<p>{escape(p)}</p>" for p in paragraphs]
    for heading, lines in checked:
        text_parts.append(heading + "\n" + "\n".join(f"- {x}" for x in lines))
        html_parts.append(f"<h2>{escape(heading)}</h2><ul>"
                          + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>")  # fmt: skip
    if sections is not None and not checked and "empty" in texts:
        text_parts.append(texts["empty"])
        html_parts.append(f"<p>{escape(texts['empty'])}</p>")
    if link:
        text_parts.append(f"{texts['link']}: {link}")
        html_parts.append(f'<p><a href="{escape(link)}">{escape(texts["link"])}</a></p>')
    text_parts.append("-- \n" + FOOTER[lang if lang in FOOTER else "sv"])
    html_parts.append(
        f"<hr><p><small>{escape(FOOTER[lang if lang in FOOTER else 'sv'])}</small></p>"
    )
    html_lang = lang if lang in FOOTER else "sv"
    html = (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
            f"<title>{escape(subject)}</title></head><body>{''.join(html_parts)}</body></html>")  # fmt: skip
    return Rendered(subject, "\n\n".join(text_parts) + "\n", html)
