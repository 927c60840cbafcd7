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

from common import i18n as catalogs

MAX_FIELD = 120

FIELDS = ("subject", "body", "link", "empty")  # a kind's messages: mail_<kind>_<field>


def _texts(kind: str, lang: str) -> dict[str, str]:
    keys = {f: f"mail_{kind}_{f}" for f in FIELDS}
    if not catalogs.has(keys["subject"]):
        raise KeyError(kind)
    return {f: catalogs.t(k, lang) for f, k in keys.items() if catalogs.has(k)}


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
    lang = lang if lang in ("sv", "en") else "sv"
    texts = _texts(kind, lang)
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
    text_parts.append("-- \n" + catalogs.t("mail_footer", lang))
    html_parts.append(
        f"<hr><p><small>{escape(catalogs.t('mail_footer', lang))}</small></p>"
    )
    html_lang = lang
    html = (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
            f"<title>{escape(subject)}</title></head><body>{''.join(html_parts)}</body></html>")  # fmt: skip
    return Rendered(subject, "\n\n".join(text_parts) + "\n", html)
