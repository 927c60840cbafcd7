"""User-facing text, Swedish first with English alongside. `t(key, lang, **fields)`."""

from __future__ import annotations

from common import i18n as catalogs
from schemas.codes import code_list, lan


def t(key: str, lang: str = "sv", **fields: object) -> str:
    """The dashboards' text `key` (message ``dash_<key>`` of the catalogs)."""
    return catalogs.t("dash_" + key, lang, **fields)


def page_title(slug: str, lang: str = "sv") -> str:
    return catalogs.t("dash_page_" + slug, lang)


def code_label(list_name: str, code: str, lang: str = "sv") -> str:
    return code_list(list_name).label_of(code, lang)


def lan_name(code: str, lang: str = "sv") -> str:
    """A län's name; the Swedish name is also used in English (it is a proper noun)."""
    info = lan().get(code)
    if info is None:
        return code
    return info.name if lang == "sv" else f"{info.short} County"
