"""Texts of the staff pages for the yearly report, the pattern analysis and publishing.

Swedish first, English alongside, registered with :mod:`common.web.i18n`; keys start with
``sr_``. Labels of the published tables are in `TABLE_LABELS`.
"""

from __future__ import annotations

from common.web.i18n import register_strings

TABLE_LABELS = {
    "total": ("Antal anmälningar", "Number of reports"),
    "problemtyp": ("Problemtyp", "Problem type"),
    "niva": ("Nivå", "Level"),
    "organisation": ("Anmälarens organisation", "Reporter's organisation"),
    "status": ("Status", "Status"),
    "aktor": ("Aktör", "Actor"),
    "malgrupp": ("Målgrupp", "Target group"),
    "problemtyp_x_aktor": ("Problemtyp × aktör", "Problem type × actor"),
    "aktor_x_niva": ("Aktör × nivå", "Actor × level"),
}
FILE_LABELS = {
    "pdf": ("Rapporten som PDF (tillgänglig, för utskick)", "The report as PDF (accessible)"),
    "docx": ("Rapporten som Word-dokument (redigerbar)", "The report as a Word document (editable)"),
    "xlsx": ("Siffrorna som Excel-fil", "The figures as an Excel file"),
}  # fmt: skip

STRINGS: dict[str, tuple[str, str]] = {
    "sr_nav_label": ("Rapporter och publicering", "Reports and publishing"),
    "sr_nav_arsrapport": ("Årsrapport", "Yearly report"),
    "sr_nav_monster": ("Mönster", "Patterns"),
    "sr_nav_publicering": ("Publicering", "Publishing"),
    "sr_year": ("År", "Year"),
    "sr_show": ("Visa", "Show"),
    "sr_no_years": (
        "Det finns inga anmälningar ännu. När de första har kommit in kan du göra årsrapporten "
        "och se mönster här.",
        "There are no reports yet. Once the first ones have arrived you can make the yearly "
        "report and see patterns here.",
    ),
    "sr_unknown_year": (
        "Det finns inga anmälningar från {year}. Välj ett av åren i listan.",
        "There are no reports from {year}. Choose one of the years in the list.",
    ),
    # årsrapport
    "sr_report_title": ("Årsrapport {year}", "Yearly report {year}"),
    "sr_report_title_plain": ("Årsrapport", "Yearly report"),
    "sr_report_lead": (
        "Årsrapporten till beredningsgrupp och styrelse skrivs från förbundets egna siffror. "
        "Skriv sammanfattning och rekommendationer nedan, spara, och gör sedan rapporten.",
        "The yearly report for the preparatory group and the board is written from the "
        "association's own figures. Write the summary and recommendations below, save, and "
        "then make the report.",
    ),
    "sr_summary": ("Sammanfattning och rekommendationer", "Summary and recommendations"),
    "sr_summary_hint": (
        "Rubriker börjar med ##, punkter med -. Tom rad mellan stycken. Rader inom <!-- --> "
        "kommer inte med i rapporten. Skriv inga personuppgifter.",
        "Headings start with ##, bullet points with -. A blank line between paragraphs. "
        "Lines within <!-- --> are left out of the report. Write no personal data.",
    ),
    "sr_summary_draft": (
        "Texten är ett förslag skrivet från siffrorna. Den sparas när du sparar eller gör "
        "rapporten; därefter används din version.",
        "The text is a draft written from the figures. It is saved when you save or make the "
        "report; after that your version is used.",
    ),
    "sr_summary_saved_at": ("Senast sparad {when}.", "Last saved {when}."),
    "sr_save_summary": ("Spara texten", "Save the text"),
    "sr_summary_saved": ("Texten är sparad.", "The text is saved."),
    "sr_summary_personal": (
        "Texten innehåller det som ser ut som {kinds}: {found}. Ta bort det och spara igen. "
        "Inget har sparats.",
        "The text contains what looks like {kinds}: {found}. Remove it and save again. "
        "Nothing was saved.",
    ),
    "sr_summary_empty": (
        "Texten är tom. Skriv en sammanfattning, eller ladda om sidan för att få förslaget "
        "tillbaka. Inget har sparats.",
        "The text is empty. Write a summary, or reload the page to get the draft back. "
        "Nothing was saved.",
    ),
    "sr_summary_too_long": (
        "Texten har {n} tecken; högst {max} får plats. Korta den. Inget har sparats.",
        "The text has {n} characters; at most {max} fit. Shorten it. Nothing was saved.",
    ),
    "sr_build_heading": ("Gör rapporten", "Make the report"),
    "sr_build_hint": (
        "Rapporten görs i bakgrunden och tar oftast under en halv minut. Du kan lämna sidan "
        "under tiden; rapporten blir klar ändå.",
        "The report is made in the background and usually takes less than half a minute. You "
        "can leave the page meanwhile; the report is finished anyway.",
    ),
    "sr_job_heading": ("Årsrapporten för {year} görs", "The yearly report for {year} is being made"),
    "sr_job_status": (
        "Steg {n} av {total}: {step}.",
        "Step {n} of {total}: {step}.",
    ),
    "sr_job_progress": ("Hur långt rapporten har kommit", "How far the report has come"),
    "sr_job_step_data": ("data och mönster", "data and patterns"),
    "sr_job_step_charts": ("diagram", "charts"),
    "sr_job_step_pdf": ("PDF", "PDF"),
    "sr_job_step_docx": ("Word", "Word"),
    "sr_job_step_xlsx": ("Excel", "Excel"),
    "sr_job_state_done": ("klart", "done"),
    "sr_job_state_running": ("pågår", "in progress"),
    "sr_job_state_waiting": ("väntar", "waiting"),
    "sr_job_state_failed": ("avbröts", "stopped"),
    "sr_job_refresh": ("Uppdatera sidan", "Refresh the page"),
    "sr_job_refresh_hint": (
        "Sidan visar själv när rapporten är klar. Utan JavaScript: uppdatera sidan.",
        "The page shows by itself when the report is ready. Without JavaScript: refresh the "
        "page.",
    ),
    "sr_job_failed": (
        "Årsrapporten för {year} kunde inte göras: {error}",
        "The yearly report for {year} could not be made: {error}",
    ),
    "sr_job_none": (
        "Ingen årsrapport för {year} görs eller har gjorts sedan noden startade.",
        "No yearly report for {year} is being made or has been made since the node started.",
    ),
    "sr_build_button": ("Gör årsrapporten för {year}", "Make the yearly report for {year}"),
    "sr_built": (
        "Årsrapporten för {year} är klar ({n} anmälningar, {seconds} sekunder).",
        "The yearly report for {year} is ready ({n} reports, {seconds} seconds).",
    ),
    "sr_build_failed": (
        "Rapporten kunde inte göras ({error}). Försök igen om en stund. Om felet består, kör "
        "'lexheller node report MAPP --year {year}' och skicka utskriften till den som sköter "
        "noden.",
        "The report could not be made ({error}). Try again in a while. If the error persists, "
        "run 'lexheller node report DIR --year {year}' and send the output to whoever runs "
        "the node.",
    ),
    "sr_busy": (
        "En rapport eller publicering pågår redan. Vänta en stund och försök igen.",
        "A report or publication is already being made. Wait a moment and try again.",
    ),
    "sr_files_heading": ("Filer att ladda ner", "Files to download"),
    "sr_no_files": (
        "Rapporten för {year} är inte gjord än. Tryck på knappen ovan.",
        "The report for {year} has not been made yet. Press the button above.",
    ),
    "sr_file_meta": ("{size}, gjord {when}", "{size}, made {when}"),
    "sr_stale": (
        "Texten har ändrats efter att rapporten gjordes. Gör rapporten igen för att få med den.",
        "The text has changed since the report was made. Make the report again to include it.",
    ),
    # mönster
    "sr_patterns_title": ("Mönster i anmälningarna {year}", "Patterns in the reports {year}"),
    "sr_patterns_title_plain": ("Mönster i anmälningarna", "Patterns in the reports"),
    "sr_patterns_local": (
        "Analysen görs här, på förbundets egen nod, och lämnar aldrig förbundet. Den läser "
        "anmälningarnas fritext och grupperar liknande anmälningar. Grupperna är förslag att "
        "pröva, inte slutsatser.",
        "The analysis runs here, on the association's own node, and never leaves the "
        "association. It reads the reports' free text and groups similar reports. The "
        "groups are suggestions to examine, not conclusions.",
    ),
    "sr_patterns_none": (
        "Inga grupper hittades för {year}: det behövs fler anmälningar med text för att se "
        "mönster (minst tre i en grupp).",
        "No groups were found for {year}: more reports with text are needed to see patterns "
        "(at least three in a group).",
    ),
    "sr_patterns_count": (
        "{groups} grupper bland {n} anmälningar.",
        "{groups} groups among {n} reports.",
    ),  # fmt: skip
    "sr_group": ("Grupp {n}: {words}", "Group {n}: {words}"),
    "sr_group_size": (
        "{size} anmälningar ({share} av årets).",
        "{size} reports ({share} of the year's).",
    ),  # fmt: skip
    "sr_words": ("Kännetecknande ord", "Characteristic words"),
    "sr_problemtyp": ("Problemtyper", "Problem types"),
    "sr_aktorer": ("Aktörer", "Actors"),
    "sr_typical": ("Mest typiska anmälningar", "Most typical reports"),
    "sr_case_ref": ("ärende {id}", "case {id}"),
    "sr_count_item": ("{label}: {n}", "{label}: {n}"),
    # publicering
    "sr_publish_title": ("Publicering till navet", "Publishing to the hub"),
    "sr_publish_lead": (
        "Det som lämnar förbundet är bara tabeller med antal per period, där små tal är "
        "undertryckta (visas som ..) och granskade så att de inte kan räknas fram. Fritext "
        "och enskilda anmälningar lämnar aldrig noden.",
        "What leaves the association is only tables of counts per period, where small "
        "numbers are suppressed (shown as ..) and audited so that they cannot be worked out. "
        "Free text and single reports never leave the node.",
    ),
    "sr_hub": ("Nav: {url}", "Hub: {url}"),
    "sr_no_hub": (
        "Inget nav är inställt (publish.hub_url i node.toml). Publicering ger en signerad fil "
        "att ladda ner och lämna till navet.",
        "No hub is set (publish.hub_url in node.toml). Publishing gives a signed file to "
        "download and hand to the hub.",
    ),
    "sr_k": ("Minsta visade antal (k): {k}", "Smallest number shown (k): {k}"),
    "sr_preview_heading": ("Förhandsgranska", "Preview"),
    "sr_preview_hint": (
        "Bygger paketet och granskar det utan att publicera något. Det tar några sekunder.",
        "Builds the bundle and audits it without publishing anything. It takes a few seconds.",
    ),  # fmt: skip
    "sr_preview_button": ("Förhandsgranska", "Preview"),
    "sr_preview_result": ("Det här skulle publiceras", "This would be published"),
    "sr_preview_sequence": ("Publicering nummer {n}", "Publication number {n}"),
    "sr_preview_cells": (
        "{cells} celler i {tables} tabeller; {suppressed} undertryckta ({primary} små tal, "
        "{complementary} skyddande).",
        "{cells} cells in {tables} tables; {suppressed} suppressed ({primary} small numbers, "
        "{complementary} protective).",
    ),
    "sr_audit_ok": (
        "Granskningen är godkänd: inget undertryckt antal går att räkna fram.",
        "The audit passed: no suppressed number can be worked out.",
    ),
    "sr_col_table": ("Tabell", "Table"),
    "sr_col_periods": ("Perioder", "Periods"),
    "sr_col_cells": ("Celler", "Cells"),
    "sr_col_suppressed": ("Undertryckta", "Suppressed"),
    "sr_publish_button": ("Publicera", "Publish"),
    "sr_publish_button_hub": ("Publicera och skicka till navet", "Publish and send to the hub"),
    "sr_publish_button_file": ("Publicera och skapa filen", "Publish and make the file"),
    "sr_publish_confirm": (
        "Publiceringen signeras med förbundets nyckel och kan inte tas tillbaka; en senare "
        "publicering ersätter den.",
        "The publication is signed with the association's key and cannot be withdrawn; a "
        "later publication replaces it.",
    ),
    "sr_only_chef": (
        "Bara förbundschefen kan publicera. Du kan förhandsgranska och visa resultatet.",
        "Only the director can publish. You can preview and show the result.",
    ),
    "sr_stale_preview": (
        "Någon har publicerat sedan du förhandsgranskade. Förhandsgranska igen innan du "
        "publicerar.",
        "Someone has published since you previewed. Preview again before you publish.",
    ),
    "sr_published_sent": (
        "Publicering {n} är signerad och mottagen av navet.",
        "Publication {n} is signed and received by the hub.",
    ),  # fmt: skip
    "sr_published_waiting": (
        "Navet kunde inte nås – paketet ligger i utkorgen och skickas igen. ({error})",
        "The hub could not be reached – the bundle is in the outbox and will be sent again. "
        "({error})",
    ),
    "sr_published_refused": (
        "Navet tog inte emot publicering {n}: {error}. Kontakta navets förvaltare; paketet "
        "skickas inte igen.",
        "The hub refused publication {n}: {error}. Contact the hub's administrator; the bundle "
        "will not be sent again.",
    ),
    "sr_published_file": (
        "Publicering {n} är signerad. Ladda ner filen och lämna den till navet.",
        "Publication {n} is signed. Download the file and hand it to the hub.",
    ),
    "sr_download_bundle": (
        "Ladda ner den signerade filen för publicering {n}",
        "Download the signed file for publication {n}",
    ),
    "sr_ledger_heading": ("Publiceringar (liggaren)", "Publications (the ledger)"),
    "sr_ledger_none": ("Inget har publicerats än.", "Nothing has been published yet."),
    "sr_col_sequence": ("Nr", "No."),
    "sr_col_date": ("Datum", "Date"),
    "sr_col_file": ("Fil", "File"),
    "sr_file_link": ("Ladda ner nr {n}", "Download no. {n}"),
    "sr_periods_text": ("{years} och {quarters} kvartal", "{years} and {quarters} quarters"),
    "sr_outbox_heading": ("Utkorgen", "The outbox"),
    "sr_outbox_none": ("Utkorgen är tom.", "The outbox is empty."),
    "sr_col_state": ("Läge", "State"),
    "sr_col_attempts": ("Försök", "Attempts"),
    "sr_col_next": ("Nästa försök", "Next try"),
    "sr_state_waiting": ("Väntar", "Waiting"),
    "sr_state_sent": ("Skickad", "Sent"),
    "sr_state_refused": ("Avvisad", "Refused"),
    "sr_state_reason": ("{state}: {reason}", "{state}: {reason}"),
}

register_strings(STRINGS)
register_strings({f"sr_table_{k}": v for k, v in TABLE_LABELS.items()})
register_strings({f"sr_file_{k}": v for k, v in FILE_LABELS.items()})
