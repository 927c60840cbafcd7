"""Texts of the staff pages (Swedish, English), registered with :mod:`common.web.i18n`.

Keys start with ``st_``. Code labels (status, problemtyp, ...) come from the taxonomy;
this module adds the labels the taxonomy does not have: roles, forums, event kinds.
"""

from __future__ import annotations

from common.web.i18n import register_strings

ROLE_LABELS = {
    "admin": ("Administratör", "Administrator"),
    "verksamhetsutvecklare": ("Verksamhetsutvecklare", "Development officer"),
    "forbundschef": ("Förbundschef", "Director of the association"),
    "lasare": ("Läsare (bara dashboard)", "Reader (dashboard only)"),
}
FORUM_LABELS = {
    "beredningsgrupp": ("Beredningsgruppen", "The preparatory group"),
    "operativ_chefsgrupp": ("Operativa chefsgruppen", "The operational managers' group"),
    "styrelse": ("Styrelsen", "The board"),
    "regional": ("Regionalt (förbunden i regionen)", "Regional (the region's associations)"),
    "nationell": ("Nationellt (NNS)", "National (NNS)"),
}
EVENT_LABELS = {
    "mottagen": ("Anmälan mottagen", "Report received"),
    "kontakt": ("Kontakt", "Contact"),
    "klassificerad": ("Klassificerad", "Classified"),
    "svar_fran_part": ("Svar från part", "Answer from a party"),
    "atgard": ("Åtgärd", "Action"),
    "lyft_till_forum": ("Lyft till forum", "Lifted to a forum"),
    "aterkoppling": ("Återkoppling", "Feedback"),
    "avslutad": ("Avslutat", "Closed"),
    "status_andrad": ("Status ändrad", "Status changed"),
    "text_andrad": ("Anmälans text ändrad", "Report text changed"),
    "personuppgift_godkand": ("Personuppgift sparad trots varning", "Personal data kept despite warning"),
    "gallrad": ("Gallrad", "Weeded (retention)"),
}  # fmt: skip
FIELD_LABELS = {
    "status": ("Status", "Status"),
    "problemtyp": ("Problemtyp", "Problem type"),
    "niva": ("Nivå", "Level"),
    "malgrupp": ("Målgrupp", "Target group"),
    "aktorer": ("Aktörer", "Actors"),
    "subcode": ("Lokal underkod", "Local sub-code"),
    "feedback": ("Återkoppling", "Feedback"),
    "closed_at": ("Avslutad", "Closed"),
    "description": ("Vad hände", "What happened"),
    "consequences": ("Följder", "Consequences"),
    "suggestion": ("Förslag på lösning", "Suggested solution"),
    "reporter_name": ("Anmälarens namn", "Reporter's name"),
    "reporter_contact": ("Anmälarens kontaktuppgift", "Reporter's contact"),
    "reporter_role": ("Anmälarens roll", "Reporter's role"),
    "raised_elsewhere": ("Lyft någon annanstans", "Raised elsewhere"),
}

STRINGS: dict[str, tuple[str, str]] = {
    "st_nav_label": ("Personalens meny", "Staff menu"),
    "st_nav_cases": ("Ärenden", "Cases"),
    "st_nav_dashboard": ("Dashboard", "Dashboard"),
    "st_nav_subcodes": ("Lokala underkoder", "Local sub-codes"),
    "st_nav_users": ("Användare", "Users"),
    # login
    "st_login_lead": (
        "För förbundets personal. Anmälare behöver inget konto.",
        "For the association's staff. Reporters need no account.",
    ),  # fmt: skip
    # errors
    "st_403_title": ("Din roll räcker inte", "Your role is not enough"),
    "st_403": (
        "Den här sidan kräver en annan roll än din. Be förbundets administratör om du behöver den.",
        "This page needs another role than yours. Ask the "
        "association's administrator if you need it.",
    ),  # fmt: skip
    "st_404_title": ("Sidan finns inte", "Page not found"),
    "st_404": ("Ärendet eller sidan finns inte.", "The case or page does not exist."),
    # case list
    "st_cases_title": ("Ärenden", "Cases"),
    "st_filter": ("Filtrera", "Filter"),
    "st_filter_button": ("Visa", "Show"),
    "st_all": ("Alla", "All"),
    "st_unclassified": ("Ej klassificerad", "Not classified"),
    "st_period": ("Period", "Period"),
    "st_period_hint": (
        "Till exempel 2025, 2025-Q1 eller 2025-03.",
        "For example 2025, 2025-Q1 or 2025-03.",
    ),  # fmt: skip
    "st_search": ("Fritext", "Free text"),
    "st_search_hint": (
        "Söker i text, kvittokod och ärende-id.",
        "Searches text, receipt code and case id.",
    ),  # fmt: skip
    "st_sort": ("Sortera", "Sort"),
    "st_sort_received_desc": ("Nyast först", "Newest first"),
    "st_sort_received_asc": ("Äldst först", "Oldest first"),
    "st_sort_deadline": ("Närmaste tidsgräns", "Nearest deadline"),
    "st_sort_status": ("Status", "Status"),
    "st_count": ("{n} ärenden", "{n} cases"),
    "st_none": ("Inga ärenden matchar filtret.", "No cases match the filter."),
    "st_col_case": ("Ärende", "Case"),
    "st_col_received": ("Mottagen", "Received"),
    "st_col_age": ("Ålder (dagar)", "Age (days)"),
    "st_col_deadline": ("Nästa tidsgräns", "Next deadline"),
    "st_page": ("Sida {page} av {pages}", "Page {page} of {pages}"),
    "st_prev": ("Föregående sida", "Previous page"),
    "st_next": ("Nästa sida", "Next page"),
    "st_paging": ("Sidor", "Pages"),
    "st_overdue": ("passerad", "passed"),
    # case page
    "st_case_title": ("Ärende {receipt}", "Case {receipt}"),
    "st_back": ("Tillbaka till ärendelistan", "Back to the case list"),
    "st_saved": ("Sparat: {what}.", "Saved: {what}."),
    "st_done_klassificera": ("Klassificeringen är sparad.", "The classification is saved."),
    "st_done_kontakt": ("Kontakten är loggad.", "The contact is logged."),
    "st_done_svar": ("Partens svar är sparat.", "The party's answer is saved."),
    "st_done_atgard": ("Åtgärden är sparad.", "The action is saved."),
    "st_done_lyft": ("Ärendet är lyft till forum.", "The case is lifted to the forum."),
    "st_done_aterkoppling": (
        "Återkopplingen är sparad; anmälaren kan läsa den med sin kvittokod.",
        "The feedback is saved; the reporter can read it with the receipt code.",
    ),  # fmt: skip
    "st_done_status": ("Statusen är ändrad.", "The status is changed."),
    "st_done_texter": ("Anmälans text är ändrad.", "The report's text is changed."),
    "st_report": ("Anmälan", "The report"),
    "st_received": ("Mottagen", "Received"),
    "st_event_date": ("Händelsens datum", "Date of the event"),
    "st_organisation": ("Anmälarens organisation", "Reporter's organisation"),
    "st_kommuner": ("Kommuner", "Municipalities"),
    "st_suggested": ("Anmälarens förslag", "Reporter's suggestion"),
    "st_anonymous": ("Anonym (inga kontaktuppgifter)", "Anonymous (no contact details)"),
    "st_age": ("{days} dagar sedan anmälan", "{days} days since the report"),
    "st_deadline": (
        "Tidsgräns för underlag: {deadline} ({forum} möts {meeting}).",
        "Deadline for material: {deadline} ({forum} meets {meeting}).",
    ),  # fmt: skip
    "st_deadline_passed": ("Tidsgränsen har passerat.", "The deadline has passed."),
    "st_classify": ("Klassificera", "Classify"),
    "st_classify_hint": (
        "Nationella koder; en lokal underkod måste höra till vald problemtyp.",
        "National codes; a local sub-code must belong to the problem type.",
    ),  # fmt: skip
    "st_choose": ("Välj", "Choose"),
    "st_none_option": ("Ingen", "None"),
    "st_contact": ("Logga kontakt", "Log a contact"),
    "st_contact_with": ("Kontakten var med", "The contact was with"),
    "st_with_anmalare": ("Anmälaren", "The reporter"),
    "st_with_part": ("En part (myndighet, verksamhet)", "A party (agency, service)"),
    "st_note": ("Anteckning", "Note"),
    "st_answer": ("Svar från part", "Answer from a party"),
    "st_which_party": ("Vilken part svarade", "Which party answered"),
    "st_answer_text": ("Vad svarade parten", "What the party answered"),
    "st_action": ("Åtgärd", "Action"),
    "st_action_code": ("Typ av åtgärd", "Kind of action"),
    "st_action_text": ("Beskrivning", "Description"),
    "st_lift": ("Lyft till forum", "Lift to a forum"),
    "st_forum": ("Forum", "Forum"),
    "st_meeting_date": ("Mötesdatum", "Meeting date"),
    "st_meeting_hint": (
        "Tidsgränsen för underlaget blir två veckor före mötet.",
        "The deadline for material will be two weeks before the meeting.",
    ),  # fmt: skip
    "st_feedback": ("Återkoppling till anmälaren", "Feedback to the reporter"),
    "st_feedback_hint": (
        "Anmälaren läser detta med sin kvittokod. Skriv inget om enskilda personer.",
        "The reporter reads this with the receipt code. Write nothing about individuals.",
    ),  # fmt: skip
    "st_status": ("Ändra status", "Change status"),
    "st_status_hint": (
        "Bara tillåtna steg visas. Avsluta ärendet här; ett avslutat ärende kan öppnas igen.",
        "Only allowed steps are shown. Close the case here; a closed case can be reopened.",
    ),  # fmt: skip
    "st_new_status": ("Ny status", "New status"),
    "st_closed_note": (
        "Ärendet är avslutat. Öppna det igen för att registrera mer.",
        "The case is closed. Reopen it to record more.",
    ),  # fmt: skip
    "st_texts": ("Rätta anmälans text", "Correct the report's text"),
    "st_texts_hint": (
        "Till exempel för att ta bort personuppgifter som anmälaren skrev.",
        "For example to remove personal data the reporter wrote.",
    ),  # fmt: skip
    "st_save": ("Spara", "Save"),
    "st_read_only": (
        "Du kan läsa ärendet men inte ändra det.",
        "You can read the case but not change it.",
    ),  # fmt: skip
    "st_trail": ("Händelser och ändringar (granskningslogg)", "Events and changes (audit trail)"),
    "st_trail_hint": (
        "Loggen kan inte ändras; varje rad är kedjad till den förra med en kontrollsumma.",
        "The log cannot be changed; each row is chained to the previous one by a checksum.",
    ),  # fmt: skip
    "st_col_when": ("När", "When"),
    "st_col_who": ("Vem", "Who"),
    "st_col_what": ("Vad", "What"),
    "st_col_details": ("Detaljer", "Details"),
    "st_redacted": ("(gallrad)", "(weeded)"),
    # personal data override
    "st_override_needed": (
        "Kryssa i rutan och skriv varför, eller ta bort uppgifterna.",
        "Tick the box and say why, or remove the data.",
    ),  # fmt: skip
    # users
    "st_users_title": ("Användare", "Users"),
    "st_col_user": ("Användare", "User"),
    "st_col_roles": ("Roller", "Roles"),
    "st_col_active": ("Aktiv", "Active"),
    "st_yes": ("Ja", "Yes"),
    "st_no": ("Nej", "No"),
    "st_add_user": ("Lägg till användare", "Add a user"),
    "st_roles": ("Roller", "Roles"),
    "st_new_password": ("Nytt lösenord", "New password"),
    "st_password_hint": (
        "Minst 10 tecken. Ge det till personen på ett säkert sätt.",
        "At least 10 characters. Give it to the person securely.",
    ),  # fmt: skip
    "st_reset_password": ("Sätt nytt lösenord", "Set a new password"),
    "st_deactivate": ("Inaktivera", "Deactivate"),
    "st_activate": ("Aktivera", "Activate"),
    "st_user_added": ("användaren {user} skapades", "user {user} was added"),
    "st_password_set": ("nytt lösenord för {user}", "new password for {user}"),
    "st_active_set": ("{user} är ändrad", "{user} was changed"),
    "st_chain_ok": (
        "Granskningsloggen är obruten ({n} rader kontrollerade).",
        "The audit trail is unbroken ({n} rows checked).",
    ),  # fmt: skip
    "st_chain_bad": (
        "Granskningsloggen har ändrats utanför programmet: {n} problem.",
        "The audit trail was changed outside the program: {n} problems.",
    ),  # fmt: skip
    # sub-codes
    "st_subcodes_title": ("Lokala underkoder", "Local sub-codes"),
    "st_subcodes_lead": (
        "En lokal underkod delar upp en nationell problemtyp. Bara den "
        "nationella koden lämnar förbundet.",
        "A local sub-code divides a "
        "national problem type. Only the national code leaves the "
        "association.",
    ),  # fmt: skip
    "st_subcode": ("Kod", "Code"),
    "st_subcode_hint": ("Till exempel P02.1.", "For example P02.1."),
    "st_parent": ("Nationell problemtyp", "National problem type"),
    "st_label_sv": ("Benämning på svenska", "Label in Swedish"),
    "st_label_en": ("Benämning på engelska", "Label in English"),
    "st_add_subcode": ("Lägg till underkod", "Add a sub-code"),
    "st_no_subcodes": ("Inga lokala underkoder än.", "No local sub-codes yet."),
    "st_subcode_added": ("underkoden {code}", "sub-code {code}"),
}

for _name, _pairs in (("role", ROLE_LABELS), ("forum", FORUM_LABELS), ("event", EVENT_LABELS),
                      ("field", FIELD_LABELS)):  # fmt: skip
    STRINGS.update({f"st_{_name}_{k}": v for k, v in _pairs.items()})

register_strings(STRINGS)
