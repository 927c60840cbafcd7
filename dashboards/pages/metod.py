"""Metod och sekretess: what the figures are, what ".." means, how suppression and bounds work,
and the code lists in use."""

from __future__ import annotations

from dash import html

from common import i18n as catalogs
from dashboards.components import data_table
from dashboards.figures import DataTable
from dashboards.filters import View
from dashboards.i18n import t
from schemas.codes import CURRENT_VERSION, code_list
from schemas.wire import UNCLASSIFIED

SLUG = "metod"
LEAD = (
    "Vad siffrorna visar, vad tecknet .. betyder och hur enskilda anmälningar skyddas.",
    "What the figures show, what the mark .. means and how single reports are protected.",
)

SECTIONS: dict[str, list[tuple[str, list[str]]]] = {
    "sv": [
        (
            "Vad siffrorna är",
            [
                "Varje samordningsförbund tar emot anmälningar om skav – där samverkan mellan "
                "myndigheter inte fungerar för en person. Förbundet klassar dem med nationella "
                "koder och publicerar bara räknade tabeller per år och kvartal, signerade med "
                "förbundets nyckel. Fritext, namn och enskilda anmälningar lämnar aldrig förbundet.",
                "Perioden är den då anmälan togs emot. En anmälan har en problemtyp, en nivå och en "
                "anmälande organisation men kan nämna flera aktörer. Anmälningar som ännu inte "
                "klassats räknas som ”Ej klassificerad”.",
            ],
        ),
        (
            "Vad .. betyder",
            [
                "Tecknet .. (två punkter) är statistikens tecken för ett värde som inte visas. "
                "Det betyder aldrig noll. Ett förbund som inte har publicerat för en period visas "
                "som ”saknas” på sidan Täckning – inte heller det betyder noll.",
            ],
        ),
        (
            "Hur skyddet fungerar",
            [
                "Inget värde mellan 1 och k−1 lämnar förbundet (primär sekretess; k är minst 3, ett "
                "förbund kan vara strängare och en hubb kan kräva ett högre minsta k).",
                "Kompletterande sekretess döljer fler celler, så att ett dolt värde inte kan räknas "
                "fram ur summor, andra tabeller eller tidigare publiceringar. Ett dolt värde kan "
                "därför vara större än k−1.",
            ],
        ),
        (
            "Summor med gränser",
            [
                "När vi summerar över förbund eller perioder och någon cell är dold visar vi den "
                "kända summan och ärliga gränser: ”120–131” betyder minst 120 och högst 131, "
                "”≥ 120” att ingen övre gräns är känd. Gränserna räknas bara ur det som publicerats: "
                "en dold cell är högst förbundets publicerade total (eller marginal) minus de "
                "kända cellerna bredvid, och ett kvartal högst årets värde minus övriga kvartal.",
                "Andelar med dolda celler visas på samma sätt som ett intervall. Diagrammen ritar "
                "den nedre gränsen och en felstapel upp till den övre.",
            ],
        ),
    ],
    "en": [
        (
            "What the figures are",
            [
                "Each samordningsförbund (coordination association) receives reports of friction – "
                "where collaboration between agencies fails a person. The association classifies "
                "them with national codes and publishes only count tables per year and quarter, "
                "signed with its key. Free text, names and single reports never leave it.",
                "The period is when the report was received. A report has one problem type, one "
                "level and one reporting organisation but can name several actors. Reports not yet "
                "classified count as “Not classified”.",
            ],
        ),
        (
            "What .. means",
            [
                "The mark .. (two dots) is the statistical sign for a value that is not shown. It "
                "never means zero. An association that has not published for a period is shown as "
                "“missing” on the Coverage page – that does not mean zero either.",
            ],
        ),
        (
            "How protection works",
            [
                "No value between 1 and k−1 leaves the association (primary suppression; k is at "
                "least 3, an association may be stricter and a hub may require a higher minimum).",
                "Complementary suppression hides further cells so that no hidden value can be "
                "worked out from sums, other tables or earlier publications. A hidden value can "
                "therefore be larger than k−1.",
            ],
        ),
        (
            "Sums with bounds",
            [
                "When we sum over associations or periods and some cell is hidden we show the known "
                "sum and honest bounds: “120–131” means at least 120 and at most 131, “≥ 120” that "
                "no upper bound is known. Bounds come only from what was published: a hidden cell "
                "is at most the association's published total (or margin) minus the known cells "
                "beside it, and a quarter at most the year minus the other quarters.",
                "Shares involving hidden cells are shown the same way, as an interval. Charts draw "
                "the lower bound and an error bar up to the upper bound.",
            ],
        ),
    ],
}


def render(view: View, level: str) -> list:
    lang = view.lang
    out: list = []
    for heading, paragraphs in SECTIONS[lang]:
        out.append(html.Section([html.H2(heading), *[html.P(p) for p in paragraphs]]))
    version = t("code_lists_version", lang, version=CURRENT_VERSION)
    lists = []
    for name in ("problemtyp", "aktor", "niva"):
        cl = code_list(name)
        rows = [[c.code, c.label(lang)] for c in cl.codes]
        if name in ("problemtyp", "niva"):
            rows.append([UNCLASSIFIED, cl.label_of(UNCLASSIFIED, lang)])
        table = DataTable([catalogs.both("dash_x_code")[lang], t(name, lang)], rows, [False, False])
        lists.append(data_table(table, cl.label(lang), f"codes-{name}"))
    out.append(html.Section([html.H2(version), *lists], className="code-lists"))
    return out
