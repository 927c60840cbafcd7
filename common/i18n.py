"""One language system: gettext catalogs, Swedish first, English alongside.

Every text a person reads — pages, dashboards, reports, mails, command-line messages — is a
message in ``common/locale/<lang>/LC_MESSAGES/lexheller.po`` (Babel's gettext catalogs). Message
ids are stable keys (``st_login_title``, ``dash_nav``, ``mail_new_report_subject``); the Swedish
catalog holds the Swedish text, the English catalog the English one, and
``tests/test_language.py`` checks that every key has both, with the same ``{fields}``, and that
every key the code and the templates use exists.

The catalogs are compiled by Babel when first used (``babel.messages.mofile``), so a checkout,
a wheel and CI always read the .po files as they are; ``python -m common.i18n compile`` writes
the .mo files beside them for tools that want them, and ``extract`` lists the keys in use.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Any

LANGS = ("sv", "en")
DEFAULT_LANG = "sv"
DOMAIN = "lexheller"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _catalog(lang: str) -> dict[str, str]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    translations = gettext.GNUTranslations(buf)
    return {k: v for k, v in translations._catalog.items() if isinstance(k, str) and k}  # type: ignore[attr-defined]


def messages(lang: str) -> dict[str, str]:
    """Every message of `lang` (key -> text)."""
    return _catalog("en" if lang == "en" else DEFAULT_LANG)


def has(key: str) -> bool:
    return key in messages(DEFAULT_LANG)


def t(key: str, lang: str = DEFAULT_LANG, **fields: Any) -> str:
    """The text `key` in `lang` (Swedish unless 'en'), with ``{fields}`` filled in."""
    text = messages(lang)[key]
    return text.format(**fields) if fields else text


def both(key: str) -> dict[str, str]:
    """``{"sv": ..., "en": ...}`` of `key`: for code that picks the language later."""
    return {"sv": t(key, "sv"), "en": t(key, "en")}


def pair(key: str) -> tuple[str, str]:
    """(Swedish, English) of `key`: for values that carry both, such as an error."""
    return t(key, "sv"), t(key, "en")


def _compile() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for lang in LANGS:
        with po_path(lang).open("rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
        with po_path(lang).with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
        print(f"{po_path(lang).with_suffix('.mo')}: {len(catalog)} meddelanden")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["compile"]:
        _compile()
    else:
        print("python -m common.i18n compile")
