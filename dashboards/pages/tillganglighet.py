"""Tillgänglighetsredogörelse: the accessibility statement Swedish public services must
publish (lag (2018:1937) om tillgänglighet till digital offentlig service), following the
structure of DIGG's model: status, known shortcomings, how to report problems, supervision,
how we tested. Linked from the footer of every page; not in the main navigation.

The contact address comes from the dashboard's configuration (`create_dash(contact_email=)`).
"""

from __future__ import annotations

from dash import html

from common import i18n as catalogs
from dashboards.filters import View

SLUG = "tillganglighet"
IN_NAV = False
WANTS_CONTACT = True
LEAD = (
    "Så tillgänglig är den här webbplatsen, vad vi vet inte fungerar och hur du meddelar oss "
    "brister.",
    "How accessible this website is, what we know does not work and how to tell us about problems.",
)
DIGG_URL = "https://www.digg.se/tdosanmalan"
PLACEHOLDER = catalogs.both("dash_x_no_contact_address_yet_the_hub_s_operato")
TESTED = "2026-11"

TEXT: dict[str, list[tuple[str, list[str]]]] = {
    "sv": [
        (
            "Hur tillgänglig är webbplatsen?",
            [
                "Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig "
                "service, på grund av de brister som beskrivs nedan.",
            ],
        ),
        (
            "Innehåll som inte är tillgängligt",
            [
                "Diagrammen ritas med Plotly. Delar inuti ett diagram (enskilda staplar, län på "
                "kartan) kan inte nås med tangentbord och läses inte upp av skärmläsare. Varje "
                "diagram har därför en rubrik, en sammanfattning i en mening och samma siffror "
                "som tabell, och kartans län kan väljas i en lista med länkar.",
                "Verktygsraden i diagrammen (zooma, ladda ner) har engelska texter.",
                "Diagram som laddas ner som PNG eller SVG saknar textalternativ; använd tabellerna "
                "eller CSV- och Excel-filerna för siffrorna.",
                "På den engelska versionen skrivs tal på engelskt vis; på svenska med mellanslag "
                "som tusentalsavgränsare och decimalkomma.",
            ],
        ),
        (
            "Vad kan du göra om du inte kan använda delar av webbplatsen?",
            [
                "Om du behöver innehåll från webbplatsen i ett annat format, eller hittar brister "
                "som vi inte beskrivit här, kontakta oss: {contact}. Vi svarar normalt inom två "
                "arbetsdagar.",
            ],
        ),
        (
            "Tillsyn",
            [
                "Myndigheten för digital förvaltning (DIGG) har ansvaret för tillsyn över lagen "
                "om tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi "
                "hanterar dina synpunkter kan du anmäla det till DIGG.",
            ],
        ),
        (
            "Hur vi testat webbplatsen",
            [
                "Varje sida testas automatiskt i Chromium med axe-core (WCAG 2.1 nivå A och AA) i "
                "alla lägen vi kan nå: på svenska och engelska, efter ändrat urval, på 320 pixlars "
                "bredd och i 200 % förstoring, och med tangentbord (synligt fokus, "
                "hoppa-till-innehåll-länk, sidbyten som läses upp).",
                f"Redogörelsen uppdaterades senast {TESTED}.",
            ],
        ),
    ],
    "en": [
        (
            "How accessible is the website?",
            [
                "The website is partially compliant with the Swedish act on accessibility to "
                "digital public services, due to the shortcomings described below.",
            ],
        ),
        (
            "Content that is not accessible",
            [
                "Charts are drawn with Plotly. Parts inside a chart (single bars, counties on the "
                "map) cannot be reached by keyboard and are not read by screen readers. Every "
                "chart therefore has a heading, a one-sentence summary and the same figures as a "
                "table, and the map's counties can be chosen from a list of links.",
                "The charts' toolbar (zoom, download) has English texts.",
                "Charts downloaded as PNG or SVG have no text alternative; use the tables or the "
                "CSV and Excel files for the figures.",
            ],
        ),
        (
            "What can you do if you cannot use parts of the website?",
            [
                "If you need content from the website in another format, or find problems we have "
                "not described here, contact us: {contact}. We normally answer within two working "
                "days.",
            ],
        ),
        (
            "Supervision",
            [
                "The Agency for Digital Government (DIGG) supervises the act on accessibility to "
                "digital public services. If you are not satisfied with how we handle your "
                "comments, you can report it to DIGG.",
            ],
        ),
        (
            "How we tested the website",
            [
                "Every page is tested automatically in Chromium with axe-core (WCAG 2.1 levels A "
                "and AA) in every state we can reach: in Swedish and English, after changing the "
                "filters, at 320 pixels wide and at 200% zoom, and by keyboard (visible focus, "
                "skip link, page changes announced).",
                f"This statement was last updated {TESTED}.",
            ],
        ),
    ],
}
DIGG_LINK = catalogs.both("dash_x_report_inaccessibility_to_digg_digg_se_i")


def render(view: View, level: str, contact: str | None = None) -> list:
    lang = view.lang
    if contact:
        address: html.A | str = html.A(contact, href=f"mailto:{contact}", id="a11y-contact")
    else:
        address = PLACEHOLDER[lang]
    out: list = []
    for heading, paragraphs in TEXT[lang]:
        body: list = []
        for p in paragraphs:
            if "{contact}" in p:
                before, after = p.split("{contact}")
                body.append(html.P([before, address, after]))
            else:
                body.append(html.P(p))
        if heading in ("Tillsyn", "Supervision"):
            body.append(html.P(html.A(DIGG_LINK[lang], href=DIGG_URL, id="digg-link")))
        out.append(html.Section([html.H2(heading), *body]))
    return out
