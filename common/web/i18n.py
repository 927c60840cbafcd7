"""Texts of the node's web pages, Swedish first with English alongside, and the page language.

The language of a request is chosen as: ``?lang=sv|en`` in the address (remembered in the
``lang`` cookie for a year), else the ``lang`` cookie, else Swedish. Templates get ``t(key)``
already bound to that language, ``lang``, ``other_lang`` and ``lang_switch_url``.

The texts themselves are messages of the gettext catalogs (:mod:`common.i18n`).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Request, Response

from common import i18n as catalogs

LANGS = ("sv", "en")
DEFAULT_LANG = "sv"
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600

def t(key: str, lang: str = DEFAULT_LANG, **fields: Any) -> str:
    """The text `key` in `lang` (Swedish unless 'en'), with `{fields}` filled in."""
    return catalogs.t(key, lang, **fields)


def has(key: str) -> bool:
    return catalogs.has(key)


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
