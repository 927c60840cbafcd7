"""The one language system holds: every message in Swedish and English, with the same fields,
and every text key the code and the templates name exists in the catalogs."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from common import i18n

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("common", "node", "hub", "aggregator", "dashboards", "lexheller")
# t("key" ...), _t("key" ...), t('key' ...) in Python and Jinja templates; keys are snake_case
_USE = re.compile(r"""(?<![\w.])_?t\(\s*["']([a-z][a-z0-9_]+)["']""")
_DASH = re.compile(r"""(?<![\w.])(?:i18n\.)?t\(\s*["']([a-z][a-z0-9_]+)["']""")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_message_has_swedish_and_english_with_the_same_fields() -> None:
    sv, en = i18n.messages("sv"), i18n.messages("en")
    assert sv.keys() == en.keys(), sorted(sv.keys() ^ en.keys())[:20]
    empty = [k for k in sv if not sv[k].strip() or not en[k].strip()]
    assert not empty, empty[:20]
    differ = [k for k in sv if _fields(sv[k]) != _fields(en[k])]
    assert not differ, differ[:20]


def test_swedish_is_not_english() -> None:
    """A text left untranslated shows up as the same sentence in both catalogs."""
    sv, en = i18n.messages("sv"), i18n.messages("en")
    same = [k for k in sv if sv[k] == en[k] and len(sv[k].split()) > 3]
    assert not same, same[:20]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_key_in_use_exists(package: str) -> None:
    known = set(i18n.messages("sv"))
    missing = []
    for path in sorted((ROOT / package).rglob("*")):
        if path.suffix not in (".py", ".html") or "locale" in path.parts:
            continue
        text = path.read_text("utf-8")
        for key in _USE.findall(text):
            prefixed = "dash_" + key if package == "dashboards" else key
            if key.endswith("_"):  # a prefix the page completes (t('st_done_' ~ step)): some key has it
                if not any(k.startswith((key, prefixed)) for k in known):
                    missing.append(f"{path.relative_to(ROOT)}: {key}…")
            elif key not in known and prefixed not in known:
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert not missing, missing[:30]
