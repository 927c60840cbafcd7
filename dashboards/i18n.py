"""User-facing text, Swedish first with English alongside. `t(key, lang, **fields)`."""

from __future__ import annotations

from schemas.codes import code_list, lan

TEXTS: dict[str, tuple[str, str]] = {
    # shell
    "skip": ("Hoppa till innehållet", "Skip to content"),
    "nav": ("Sidor", "Pages"),
    "filters": ("Urval", "Filters"),
    "filters_hint": (
        "Inget val betyder alla. Urvalet sparas i adressen, så en länk visar samma vy.",
        "No choice means all. The selection is kept in the address, so a link shows the same view.",
    ),
    "kind": ("Periodtyp", "Period type"),
    "kind_year": ("År", "Year"),
    "kind_quarter": ("Kvartal", "Quarter"),
    "kind_month": ("Månad", "Month"),
    "from": ("Från och med", "From"),
    "to": ("Till och med", "To"),
    "lan": ("Län", "County"),
    "forbund": ("Förbund", "Association"),
    "problemtyp": ("Problemtyp", "Problem type"),
    "aktor": ("Aktör", "Actor"),
    "niva": ("Nivå", "Level"),
    "lang_switch": ("In English", "På svenska"),
    "synthetic": (
        "Syntetiska data – inte verkliga anmälningar",
        "Synthetic data – not real reports",
    ),
    "export": ("Ladda ner urvalet som CSV", "Download the selection as CSV"),
    "page_loaded": ("Sidan {title} visas.", "Showing page {title}."),
    "loading": ("Laddar …", "Loading …"),
    "footer": (
        "Lex Heller – jämförande statistik över skav mellan myndigheter. "
        "Siffrorna är summerade och skyddade; se Metod och sekretess.",
        "Lex Heller – comparative statistics on friction between agencies. "
        "Figures are aggregated and protected; see Method and confidentiality.",
    ),
    "site_national": ("Nationell översikt", "National overview"),
    "site_regional": ("Regional översikt", "Regional overview"),
    "site_node": ("Förbundets översikt", "The association's overview"),
    "show_data": ("Visa data som tabell", "Show the data as a table"),
    "no_data": (
        "Det finns inga publicerade siffror för det här urvalet.",
        "There are no published figures for this selection.",
    ),
    # common words
    "reports": ("Anmälningar", "Reports"),
    "per10k": ("Anmälningar per 10 000 invånare", "Reports per 10,000 inhabitants"),
    "population": ("Befolkning", "Population"),
    "period": ("Period", "Period"),
    "share": ("Andel", "Share"),
    "count": ("Antal", "Count"),
    "all": ("Alla", "All"),
    "total": ("Totalt", "Total"),
    "not_declared": ("ej angiven", "not declared"),
    "yes": ("Ja", "Yes"),
    "chosen": ("vald", "chosen"),
    "no_data_short": ("inga siffror", "no figures"),
    "per10k_short": ("per 10 000 inv.", "per 10,000 inh."),
    "n_forbund": ("Förbund", "Associations"),
    "export_xlsx": ("Ladda ner urvalet som Excel (XLSX)", "Download the selection as Excel (XLSX)"),
    "download_png": ("Ladda ner diagrammet som PNG", "Download the chart as PNG"),
    "download_svg": ("Ladda ner diagrammet som SVG", "Download the chart as SVG"),
    "a11y_link": ("Tillgänglighetsredogörelse", "Accessibility statement"),
    "note_ignored": (
        "Problemtyp och nivå publiceras inte i samma tabell, så de kan inte avgränsa varandra: "
        "antalen här följer problemtypsvalet, nivåvalet gäller aktör × nivå.",
        "Problem type and level are not published in the same table, so they cannot narrow "
        "each other: counts here follow the problem type choice, the level choice applies to "
        "actor × level.",
    ),
    "note_mentions": (
        "Flera aktörer är valda: en anmälan som nämner två av dem räknas två gånger.",
        "Several actors are chosen: a report naming two of them counts twice.",
    ),
    "no": ("Nej", "No"),
}

PAGE_TITLES: dict[str, tuple[str, str]] = {
    "oversikt": ("Översikt", "Overview"),
    "jamfor-forbund": ("Jämför förbund", "Compare associations"),
    "jamfor-regioner": ("Jämför regioner", "Compare regions"),
    "problemtyp-aktor": ("Problemtyp × aktör", "Problem type × actor"),
    "utveckling": ("Utveckling över tid", "Trends over time"),
    "tackning": ("Täckning", "Coverage"),
    "karta": ("Karta", "Map"),
    "monster": ("Mönster", "Patterns"),
    "arenden": ("Ärenden", "Cases"),
    "handlaggningstid": ("Handläggningstid", "Handling times"),
    "atgarder": ("Åtgärder", "Actions"),
    "metod": ("Metod och sekretess", "Method and confidentiality"),
    "tillganglighet": ("Tillgänglighetsredogörelse", "Accessibility statement"),
}


def t(key: str, lang: str = "sv", **fields: object) -> str:
    sv, en = TEXTS[key]
    text = en if lang == "en" else sv
    return text.format(**fields) if fields else text


def page_title(slug: str, lang: str = "sv") -> str:
    sv, en = PAGE_TITLES[slug]
    return en if lang == "en" else sv


def code_label(list_name: str, code: str, lang: str = "sv") -> str:
    return code_list(list_name).label_of(code, lang)


def lan_name(code: str, lang: str = "sv") -> str:
    """A län's name; the Swedish name is also used in English (it is a proper noun)."""
    info = lan().get(code)
    if info is None:
        return code
    return info.name if lang == "sv" else f"{info.short} County"
