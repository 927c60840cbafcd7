"""Texts for following up (reporter e-mail, messages, history, "Att göra", mail settings),
Swedish and English, registered with :mod:`common.web.i18n`."""

from __future__ import annotations

from common.web.i18n import register_strings

STRINGS: dict[str, tuple[str, str]] = {
    "f_follow_email": ("E-post för kvitto och uppdateringar", "E-mail for a receipt and updates"),
    "f_follow_email_hint": (
        "Valfritt. Vi mejlar kvittokoden och säger till när förbundet har en fråga eller "
        "ärendet ändrar status – aldrig innehållet. Adressen sparas skild från anmälan och "
        "raderas när ärendet har avslutats och gallrats.",
        "Optional. We e-mail the receipt code and tell you when the association has a question "
        "or the case changes status – never its content. The address is kept apart from the "
        "report and deleted once the case has been closed and cleared.",
    ),
    "e_follow_email": (
        "E-postadressen ser inte ut som en adress. Skriv den som namn@exempel.se eller lämna "
        "fältet tomt.",
        "The e-mail address does not look like an address. Write it as name@example.se or "
        "leave the field empty.",
    ),
    "e_rate_limited": (
        "Många anmälningar har skickats från det här formuläret på kort tid. Din text finns kvar "
        "nedan – vänta {minutes} minuter och skicka igen.",
        "Many reports have been sent from this form in a short time. Your text is kept below "
        "– wait {minutes} minutes and send again.",
    ),
    "receipt_mailed": (
        "Vi har också skickat kvittokoden till din e-post.",
        "We have also sent the receipt code to your e-mail.",
    ),
    "status_history": ("Vad har hänt", "What has happened"),
    "status_received": ("Mottagen", "Received"),
    "status_changed": ("Ny status: {status}", "New status: {status}"),
    "status_feedback_given": ("Återkoppling från förbundet", "Feedback from the association"),
    "status_question": ("Fråga från förbundet", "Question from the association"),
    "status_answer": ("Ditt svar", "Your answer"),
    "status_added": ("Du lade till information", "You added information"),
    "status_questions": ("Frågor till dig", "Questions for you"),
    "status_answer_label": ("Ditt svar på frågan", "Your answer to the question"),
    "status_add_label": ("Lägg till information om ärendet", "Add information about the case"),
    "status_add_hint": (
        "Skriv inga personuppgifter om klienten (personnummer, namn, telefon, e-post). "
        "Högst {n} tecken.",
        "Do not write personal data about the client (personal identity numbers, names, "
        "phone, e-mail). At most {n} characters.",
    ),
    "status_send": ("Skicka", "Send"),
    "status_sent": (
        "Tack! Det du skrev finns nu i ärendet.",
        "Thank you! What you wrote is now in the case.",
    ),
    "e_message_empty": ("Skriv något innan du skickar.", "Write something before you send."),
    "e_message_long": (
        "Texten är för lång ({n} tecken, högst {max}). Korta den och skicka igen.",
        "The text is too long ({n} characters, at most {max}). Shorten it and send again.",
    ),
    "e_message_personal": (
        "Texten verkar innehålla personuppgifter ({kinds}: {found}). Ta bort dem och skicka "
        "igen; din text finns kvar nedan.",
        "The text seems to contain personal data ({kinds}: {found}). Remove it and send "
        "again; your text is kept below.",
    ),
    "e_message_closed": (
        "Ärendet är avslutat och tar inte emot mer information. Gör en ny anmälan om något "
        "nytt har hänt.",
        "The case is closed and takes no more information. Make a new report if something new "
        "has happened.",
    ),
    # staff side
    "st_ask": ("Fråga anmälaren", "Ask the reporter"),
    "st_done_fraga": (
        "Frågan är sparad och visas för anmälaren på statussidan.",
        "The question is saved and shown to the reporter on the status page.",
    ),
    "st_ask_text": ("Frågan", "The question"),
    "st_ask_hint": (
        "Anmälaren läser frågan på statussidan med sin kvittokod och svarar där; har hen "
        "lämnat e-post får hen ett mejl utan frågans text.",
        "The reporter reads the question on the status page with the receipt code and answers "
        "there; if they left an e-mail address they get a mail without the question's text.",
    ),
    "st_event_fraga_till_anmalare": ("Fråga till anmälaren", "Question to the reporter"),
    "st_event_svar_fran_anmalare": ("Svar från anmälaren", "Answer from the reporter"),
    "st_event_tillagg_fran_anmalare": ("Tillägg från anmälaren", "Addition from the reporter"),
    "todo_title": ("Att göra", "To do"),
    "todo_intro": (
        "Det som väntar på dig: nytt sedan ditt förra besök, anmälare som inte har kontaktats "
        "inom {days} dagar, forumfrister inom {warn} dagar, svar från anmälare och ärenden "
        "utan aktivitet på {idle} dagar.",
        "What is waiting for you: new since your last visit, reporters not contacted within "
        "{days} days, forum deadlines within {warn} days, answers from reporters and cases "
        "without activity for {idle} days.",
    ),
    "todo_new": ("Nytt sedan ditt förra besök", "New since your last visit"),
    "todo_late": ("Förbi fristen för första kontakt", "Past the first-contact deadline"),
    "todo_forum": ("Forumfrister snart", "Forum deadlines soon"),
    "todo_inactive": ("Utan aktivitet", "Without activity"),
    "todo_replies": ("Svar och tillägg från anmälare", "Answers and additions from reporters"),
    "todo_none": ("Inget här.", "Nothing here."),
    "todo_receipt": ("Kvittokod", "Receipt code"),
    "todo_received": ("Mottagen", "Received"),
    "todo_due": ("Datum", "Date"),
    "todo_due_late": ("Skulle ha kontaktats senast", "Should have been contacted by"),
    "todo_due_forum": ("Underlag senast", "Material due"),
    "todo_due_inactive": ("Senaste händelse", "Last event"),
    "todo_due_replies": ("Nya meddelanden", "New messages"),
    "mail_title": ("E-post", "E-mail"),
    "mail_prefs": ("Mina e-postval", "My e-mail choices"),
    "mail_email": ("Min e-postadress", "My e-mail address"),
    "mail_on_new": ("Mejla mig när en ny anmälan kommer in", "E-mail me when a new report arrives"),
    "mail_digest": ("Sammanställning", "Summary"),
    "mail_digest_none": ("Ingen", "None"),
    "mail_digest_daily": ("Varje dag", "Every day"),
    "mail_digest_weekly": ("Varje vecka", "Every week"),
    "mail_lang": ("Språk i e-post", "Language of e-mail"),
    "mail_saved": ("Dina e-postval är sparade.", "Your e-mail choices are saved."),
    "mail_save": ("Spara", "Save"),
    "mail_queue": ("E-postkö", "Mail queue"),
    "mail_queue_off": (
        "Ingen SMTP-server är inställd ([mail] host i node.toml eller LEXHELLER_MAIL_HOST). "
        "Brev köas och skickas när den är inställd.",
        "No SMTP server is set ([mail] host in node.toml or LEXHELLER_MAIL_HOST). Mails are "
        "queued and sent once it is set.",
    ),
    "mail_counts": (
        "Väntar: {waiting}. Skickade: {sent}. Gav upp: {gave_up}.",
        "Waiting: {waiting}. Sent: {sent}. Gave up: {gave_up}.",
    ),
    "mail_col_created": ("Köad", "Queued"),
    "mail_col_kind": ("Slag", "Kind"),
    "mail_col_to": ("Till", "To"),
    "mail_col_state": ("Läge", "State"),
    "mail_col_attempts": ("Försök", "Attempts"),
    "mail_state_sent": ("skickad {at}", "sent {at}"),
    "mail_state_waiting": ("väntar, nästa försök {at}", "waiting, next attempt {at}"),
    "mail_state_gave_up": ("gav upp {at}", "gave up {at}"),
    "mail_retry": ("Försök igen", "Try again"),
    "fo_title": ("Forum", "Forums"),
    "fo_intro": (
        "Förbundets forum och deras möten. Underlag för ett möte listar ärendena som är lyfta "
        "till det med koder, sammanfattning och åtgärder – inga kvittokoder och inget om "
        "anmälarna. Underlag ska vara klart två veckor före mötet.",
        "The association's forums and their meetings. The material for a meeting lists the "
        "cases lifted to it with codes, summary and actions – no receipt codes and nothing "
        "about the reporters. Material is due two weeks before the meeting.",
    ),
    "fo_meetings": ("Kommande möten", "Upcoming meetings"),
    "fo_none": ("Inga möten är inlagda.", "No meetings are entered."),
    "fo_add": ("Lägg till ett möte", "Add a meeting"),
    "fo_date": ("Mötesdatum", "Meeting date"),
    "fo_date_hint": (
        "Skriv som år-månad-dag, t.ex. 2026-03-14.",
        "Write as year-month-day, e.g. 2026-03-14.",
    ),
    "fo_deadline": ("Underlag senast", "Material due"),
    "fo_cases": ("Ärenden", "Cases"),
    "fo_download": ("Underlag", "Material"),
    "fo_word": ("Word", "Word"),
    "fo_pdf": ("PDF", "PDF"),
    "fo_added": ("Mötet är inlagt.", "The meeting is added."),
    "fo_lift_meeting": ("Lyft till ett inlagt möte", "Lift to an entered meeting"),
    "fo_meeting": ("Möte", "Meeting"),
    "fo_meeting_option": (
        "{forum} {date} (underlag senast {deadline})",
        "{forum} {date} (material due {deadline})",
    ),
    "fo_summary": ("Sammanfattning för underlaget", "Summary for the material"),
    "fo_summary_hint": (
        "Står i mötets underlag. Skriv inga personuppgifter.",
        "Appears in the meeting's material. Write no personal data.",
    ),
    "st_done_mote": ("Ärendet är lyft till mötet.", "The case is lifted to the meeting."),
    "st_first_contact_by": ("Första kontakt senast {date}", "First contact by {date}"),
    "st_sort_first_contact": ("Frist för första kontakt", "First-contact deadline"),
    "pd_title": ("Dina personuppgifter", "Your personal data"),
    "pd_link": ("Så hanterar vi dina personuppgifter", "How we handle your personal data"),
    "pd_lead": (
        "Här står vad {name} sparar om dig när du gör en anmälan, varför, hur länge och vilka "
        "rättigheter du har.",
        "What {name} keeps about you when you make a report, why, for how long and what your "
        "rights are.",
    ),
    "pd_who": ("Vem ansvarar", "Who is responsible"),
    "pd_who_body": (
        "{name} är personuppgiftsansvarig för anmälningarna.",
        "{name} is the controller of the reports' personal data.",
    ),
    "pd_contact": ("Kontakt:", "Contact:"),
    "pd_what": ("Vad sparas", "What is kept"),
    "pd_what_body": (
        "Din organisation och roll, och om du vill: ditt namn, hur vi kan kontakta dig och en "
        "e-postadress för kvitto och uppdateringar. Anmälan ska inte innehålla uppgifter om "
        "klienten; formuläret stoppar personnummer, telefonnummer och e-postadresser i texten.",
        "Your organisation and role, and if you wish: your name, how to contact you and an "
        "e-mail address for a receipt and updates. The report must not hold data about the "
        "client; the form stops personal identity numbers, phone numbers and e-mail addresses "
        "in the text.",
    ),
    "pd_why": ("Varför", "Why"),
    "pd_why_body": (
        "För att följa upp anmälan: kontakta dig med frågor, ge återkoppling och lyfta "
        "mönster till förbundets beredningsgrupp och styrelse. Bara antal, aldrig text eller "
        "uppgifter om dig, lämnar förbundet.",
        "To follow up the report: contact you with questions, give feedback and raise "
        "patterns with the association's groups and board. Only counts, never text or data "
        "about you, leave the association.",
    ),
    "pd_how_long": ("Hur länge", "How long"),
    "pd_how_long_body": (
        "Tills ärendet har avslutats och därefter i {years} år; sedan raderas fritext, namn "
        "och kontaktuppgifter (gallring). Koderna för problemtyp och aktör sparas för "
        "statistiken.",
        "Until the case is closed and then for {years} years; then free text, names and "
        "contact details are deleted. The codes for problem type and actor are kept for "
        "statistics.",
    ),
    "pd_rights": ("Dina rättigheter", "Your rights"),
    "pd_rights_body": (
        "Du har rätt att få veta vad som sparats om dig, att få fel rättat och att få "
        "uppgifter raderade. Kontakta förbundet. Du kan också klaga till "
        "Integritetsskyddsmyndigheten (IMY).",
        "You may learn what is kept about you, have errors corrected and have data deleted. "
        "Contact the association. You may also complain to the Swedish Authority for Privacy "
        "Protection (IMY).",
    ),
    "pd_imy": (
        "Integritetsskyddsmyndigheten (imy.se)",
        "Swedish Authority for Privacy Protection (imy.se)",
    ),
    "pd_back": ("Till anmälningsformuläret", "To the report form"),
}
register_strings(STRINGS)
