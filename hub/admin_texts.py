"""Swedish and English texts of the hub's admin pages (registered with common.web.i18n)."""

from __future__ import annotations

from common.web import i18n

i18n.register_strings({
    "ha_tagline": ("Lex Heller – navets administration", "Lex Heller – hub administration"),
    "ha_footer": (
        "Administration av {name}. Bara navets administratörer har tillgång; varje åtgärd "
        "loggas med vem, vad och när.",
        "Administration of {name}. Only the hub's administrators have access; every action is "
        "logged with who, what and when.",
    ),
    "ha_nav_label": ("Administrationens meny", "Administration menu"),
    "ha_nav_nodes": ("Noder", "Nodes"),
    "ha_nav_enroll": ("Registrera nod", "Enrol a node"),
    "ha_nav_trust": ("Lita på nav", "Trust a hub"),
    "ha_nav_upload": ("Ladda upp fil", "Upload a file"),
    "ha_nav_log": ("Logg", "Log"),
    "ha_nav_dashboard": ("Dashboard", "Dashboard"),
    "ha_login_lead": (
        "För navets administratörer. Konton skapas med 'lexheller hub user add'.",
        "For the hub's administrators. Accounts are made with 'lexheller hub user add'.",
    ),  # fmt: skip
    "ha_error_heading": ("Det gick inte att spara", "It could not be saved"),
    # nodes
    "ha_nodes_title": ("Noder", "Nodes"),
    "ha_nodes_lead": (
        "Förbundens noder som navet tar emot paket från, med deras nycklar.",
        "The associations' nodes the hub accepts bundles from, with their keys.",
    ),  # fmt: skip
    "ha_no_nodes": (
        "Inga noder är registrerade än. Börja med att registrera en nod.",
        "No nodes are enrolled yet. Start by enrolling a node.",
    ),  # fmt: skip
    "ha_keys_of": ("Nycklar för {node}", "Keys of {node}"),
    "ha_col_fingerprint": ("Fingeravtryck", "Fingerprint"),
    "ha_col_state": ("Läge", "State"),
    "ha_col_vouched": ("Gått i god för av", "Vouched for by"),
    "ha_col_enrolled": ("Registrerad", "Enrolled"),
    "ha_col_bundles": ("Paket", "Bundles"),
    "ha_col_action": ("Åtgärd", "Action"),
    "ha_state_aktiv": ("aktiv", "active"),
    "ha_state_spärrad": ("spärrad", "revoked"),
    "ha_state_utbytt": ("utbytt", "rotated"),
    "ha_state_since": ("{state} {when}", "{state} {when}"),
    "ha_bundles_kept": (
        "{n} paket mottagna före spärren finns kvar, markerade.",
        "{n} bundles received before the revocation remain, marked.",
    ),  # fmt: skip
    "ha_this_hub": ("detta nav ({hub})", "this hub ({hub})"),
    "ha_last_bundle": (
        "Senaste paket: nummer {seq}, mottaget {when} ({via}).",
        "Last bundle: number {seq}, received {when} ({via}).",
    ),  # fmt: skip
    "ha_no_bundle": ("Inga paket mottagna än.", "No bundles received yet."),
    "ha_via_direct": ("över nätet", "over the network"),
    "ha_via_upload": ("uppladdad fil", "uploaded file"),
    "ha_via_import": ("importerad fil", "imported file"),
    "ha_via_reindex": ("återindexerad", "re-indexed"),
    "ha_revoke_key": ("Spärra", "Revoke"),
    "ha_revoke_key_sr": (
        "nyckeln {fp} för {node}",
        "the key {fp} of {node}",
    ),  # fmt: skip
    "ha_revoke_all": ("Spärra alla nycklar för {node}", "Revoke every key of {node}"),
    "ha_hubs_title": ("Betrodda nav", "Trusted hubs"),
    "ha_hubs_lead": (
        "Nav vars registreringar av noder detta nav godtar.",
        "Hubs whose node enrolments this hub accepts.",
    ),  # fmt: skip
    "ha_no_hubs": ("Inga betrodda nav.", "No trusted hubs."),
    "ha_col_hub": ("Nav", "Hub"),
    "ha_done_enrolled": (
        "Noden {id} är registrerad. Dess paket tas nu emot.",
        "The node {id} is enrolled. Its bundles are accepted now.",
    ),  # fmt: skip
    "ha_done_trusted": (
        "Navet litar nu på {id}; dess registreringar av noder godtas.",
        "The hub now trusts {id}; its node enrolments are accepted.",
    ),  # fmt: skip
    "ha_done_revoked": (
        "Nyckeln är spärrad för {id}. Nya paket med den nekas.",
        "The key of {id} is revoked. New bundles under it are refused.",
    ),  # fmt: skip
    # enrol a node / trust a hub
    "ha_enroll_title_node": ("Registrera en nod", "Enrol a node"),
    "ha_enroll_title_hub": ("Lita på ett regionalt nav", "Trust a regional hub"),
    "ha_enroll_lead_node": (
        "Förbundet kör 'lexheller node key' och skickar dig nodens id och publika nyckel. "
        "Klistra in dem här. Innan nyckeln sparas får du kontrollera fingeravtrycket med "
        "förbundet.",
        "The association runs 'lexheller node key' and sends you the node's id and public key. "
        "Paste them here. Before the key is saved you check its fingerprint with the "
        "association.",
    ),
    "ha_enroll_lead_hub": (
        "För ett nationellt nav: ett regionalt nav som du litar på skickar vidare det det "
        "godtagit och går i god för sina noders nycklar. Det regionala navet visar sitt id "
        "och sin publika nyckel med 'lexheller hub key'.",
        "For a national hub: a regional hub you trust forwards what it accepted and vouches "
        "for its nodes' keys. The regional hub shows its id and public key with "
        "'lexheller hub key'.",
    ),
    "ha_f_id_node": ("Nodens id", "The node's id"),
    "ha_f_id_hub": ("Navets id", "The hub's id"),
    "ha_f_id_hint": ("Till exempel {example}.", "For example {example}."),
    "ha_f_key": ("Publik nyckel", "Public key"),
    "ha_f_key_hint": (
        "Hela raden som börjar med ed25519:",
        "The whole line that starts with ed25519:",
    ),  # fmt: skip
    "ha_check_button": ("Visa fingeravtrycket", "Show the fingerprint"),
    "ha_confirm_heading": ("Kontrollera fingeravtrycket", "Check the fingerprint"),
    "ha_fp_label": ("Fingeravtryck för {id}", "Fingerprint of {id}"),
    "ha_confirm_lead_node": (
        "Ring förbundet (eller träffas) och be dem läsa upp fingeravtrycket som "
        "'lexheller node key' visar hos dem. Jämför grupp för grupp. Stämmer det inte: "
        "registrera inte nyckeln, utan be förbundet skicka den igen.",
        "Phone the association (or meet) and ask them to read aloud the fingerprint that "
        "'lexheller node key' shows them. Compare group by group. If it does not match, do not "
        "enrol the key; ask the association to send it again.",
    ),
    "ha_confirm_lead_hub": (
        "Ring det regionala navets administratör och be hen läsa upp fingeravtrycket som "
        "'lexheller hub init' visade. Jämför grupp för grupp. Stämmer det inte: lita inte på "
        "nyckeln.",
        "Phone the regional hub's administrator and ask them to read aloud the fingerprint "
        "that 'lexheller hub init' showed. Compare group by group. If it does not match, do "
        "not trust the key.",
    ),
    "ha_confirm_box_node": (
        "Jag har jämfört fingeravtrycket med förbundet utanför nätet (till exempel per "
        "telefon) och det stämmer.",
        "I have compared the fingerprint with the association outside the network (for "
        "example by phone) and it matches.",
    ),
    "ha_confirm_box_hub": (
        "Jag har jämfört fingeravtrycket med navets administratör utanför nätet (till exempel "
        "per telefon) och det stämmer.",
        "I have compared the fingerprint with the hub's administrator outside the network "
        "(for example by phone) and it matches.",
    ),
    "ha_confirm_button_node": ("Registrera noden", "Enrol the node"),
    "ha_confirm_button_hub": ("Lita på navet", "Trust the hub"),
    "ha_cancel": ("Avbryt", "Cancel"),
    "ha_e_id_node": (
        "Skriv nodens id med 2–63 tecken a–z, 0–9 och '-', precis som förbundet angav det "
        "(det visas av 'lexheller node key').",
        "Write the node's id with 2–63 characters a–z, 0–9 and '-', exactly as the "
        "association gave it (shown by 'lexheller node key').",
    ),
    "ha_e_id_hub": (
        "Skriv navets id med 2–63 tecken a–z, 0–9 och '-' (det visas av "
        "'lexheller hub key').",
        "Write the hub's id with 2–63 characters a–z, 0–9 and '-' (shown by "
        "'lexheller hub key').",
    ),
    "ha_e_key": (
        "Den publika nyckeln gick inte att läsa. Kopiera hela raden som börjar med ed25519: "
        "en gång till och klistra in den utan mellanslag eller radbrytningar.",
        "The public key could not be read. Copy the whole line that starts with ed25519: once "
        "more and paste it without spaces or line breaks.",
    ),
    "ha_e_key_other_node": (
        "Nyckeln är redan registrerad för noden {node}. Kontrollera att du fick rätt nyckel; "
        "varje nod har en egen.",
        "The key is already enrolled for the node {node}. Check that you got the right key; "
        "every node has its own.",
    ),
    "ha_e_key_known": (
        "Nyckeln är redan registrerad för {node}. Inget behöver göras.",
        "The key is already enrolled for {node}. Nothing needs to be done.",
    ),  # fmt: skip
    "ha_e_not_checked_node": (
        "Kryssa i rutan när du har jämfört fingeravtrycket med förbundet. Stämmer det inte, "
        "registrera inte nyckeln.",
        "Tick the box once you have compared the fingerprint with the association. If it "
        "does not match, do not enrol the key.",
    ),
    "ha_e_not_checked_hub": (
        "Kryssa i rutan när du har jämfört fingeravtrycket med navets administratör. Stämmer "
        "det inte, lita inte på nyckeln.",
        "Tick the box once you have compared the fingerprint with the hub's administrator. "
        "If it does not match, do not trust the key.",
    ),
    # revoke
    "ha_revoke_title": ("Spärra nyckel för {node}", "Revoke a key of {node}"),
    "ha_revoke_lead": (
        "Spärra en nyckel som har kommit bort, läckt eller inte längre används. Paket som "
        "signeras med den efter spärren nekas (HTTP 403).",
        "Revoke a key that was lost, leaked or is no longer used. Bundles signed with it "
        "after the revocation are refused (HTTP 403).",
    ),
    "ha_revoke_kept": (
        "Paket som navet redan har tagit emot med nyckeln ({n} st) finns kvar och visas som "
        "mottagna under en spärrad nyckel.",
        "Bundles the hub has already received under the key ({n}) remain and are shown as "
        "received under a revoked key.",
    ),
    "ha_revoke_box": ("Ja, spärra nyckeln. Det går inte att ångra.",
                      "Yes, revoke the key. It cannot be undone."),  # fmt: skip
    "ha_revoke_button": ("Spärra nyckeln", "Revoke the key"),
    "ha_e_not_confirmed_revoke": (
        "Kryssa i rutan för att bekräfta spärren. Inget är spärrat än.",
        "Tick the box to confirm the revocation. Nothing is revoked yet.",
    ),  # fmt: skip
    # upload
    "ha_upload_title": ("Ladda upp en signerad fil", "Upload a signed file"),
    "ha_upload_lead": (
        "För paket som bärs för hand, till exempel när förbundets nod inte når navet: "
        "förbundet kör 'lexheller node publish --out FIL' och ger dig filen. Ett nyckelbyte "
        "från 'lexheller node rotate-key' laddas upp på samma sätt. Filen kontrolleras "
        "precis som när den skickas över nätet.",
        "For bundles carried by hand, for example when the association's node cannot reach "
        "the hub: the association runs 'lexheller node publish --out FILE' and gives you the "
        "file. A key rotation from 'lexheller node rotate-key' is uploaded the same way. The "
        "file is checked exactly as when it is sent over the network.",
    ),
    "ha_f_file": ("Signerad fil", "Signed file"),
    "ha_f_file_hint": ("Högst {limit} kB.", "At most {limit} kB."),
    "ha_upload_button": ("Ladda upp och kontrollera", "Upload and check"),
    "ha_result_ok": ("Filen {file} togs emot", "The file {file} was accepted"),
    "ha_result_refused": ("Filen {file} nekades", "The file {file} was refused"),
    "ha_result_nothing_saved": (
        "Inget från filen har sparats. Be förbundet publicera igen och ge dig den nya filen.",
        "Nothing from the file was saved. Ask the association to publish again and give you "
        "the new file.",
    ),
    "ha_result_status": ("Svar (HTTP)", "Answer (HTTP)"),
    "ha_result_node": ("Nod", "Node"),
    "ha_result_sequence": ("Paketnummer", "Bundle number"),
    "ha_result_digest": ("Kontrollsumma (SHA-256)", "Checksum (SHA-256)"),
    "ha_e_no_file": ("Välj en fil att ladda upp.", "Choose a file to upload."),
    "ha_e_file_too_large": (
        "Filen är större än {limit} kB och kan inte vara ett paket. Kontrollera att du valde "
        "rätt fil.",
        "The file is larger than {limit} kB and cannot be a bundle. Check that you chose the "
        "right file.",
    ),
    # the admin log
    "ha_log_title": ("Administrationens logg", "Administration log"),
    "ha_log_lead": (
        "Vem som gjorde vad och när, senaste först (högst 500 rader). Loggen går bara att "
        "lägga till i, och varje rad bär kontrollsumman av raden före.",
        "Who did what and when, newest first (at most 500 lines). The log can only be "
        "appended to, and every line carries the checksum of the line before.",
    ),
    "ha_log_ok": ("Loggens kedja är obruten.", "The log's chain is unbroken."),
    "ha_log_bad": (
        "Loggens kedja är bruten på {n} ställen: rader har ändrats eller tagits bort.",
        "The log's chain is broken in {n} places: lines were changed or removed.",
    ),  # fmt: skip
    "ha_log_empty": ("Loggen är tom.", "The log is empty."),
    "ha_col_when": ("När", "When"),
    "ha_col_who": ("Vem", "Who"),
    "ha_col_what": ("Vad", "What"),
    "ha_col_subject": ("Gäller", "Concerns"),
    "ha_col_details": ("Detaljer", "Details"),
    "ha_action_inloggad": ("loggade in", "logged in"),
    "ha_action_utloggad": ("loggade ut", "logged out"),
    "ha_action_inloggning_last": ("inloggningen låstes", "login locked"),
    "ha_action_anvandare_skapad": ("konto skapat", "account created"),
    "ha_action_losenord_satt": ("nytt lösenord", "new password"),
    "ha_action_anvandare_aktiv": ("konto aktiverat/avaktiverat", "account (de)activated"),
    "ha_action_nod_registrerad": ("nod registrerad", "node enrolled"),
    "ha_action_nav_betrott": ("nav betrott", "hub trusted"),
    "ha_action_nyckel_sparrad": ("nyckel spärrad", "key revoked"),
    "ha_action_paket_uppladdat": ("paket uppladdat", "bundle uploaded"),
    "ha_action_rotation_uppladdad": ("nyckelbyte uppladdat", "key rotation uploaded"),
    # errors
    "ha_400_title": ("Formuläret kunde inte tas emot", "The form could not be accepted"),
    "ha_400": (
        "Formuläret hade gått ut eller kom inte från den här sidan. Inget har sparats. "
        "Gå tillbaka, ladda om sidan och försök igen.",
        "The form had expired or did not come from this page. Nothing was saved. "
        "Go back, reload the page and try again.",
    ),
    "ha_404_title": ("Sidan finns inte", "Page not found"),
    "ha_404": (
        "Noden, nyckeln eller sidan finns inte. Gå till listan över noder.",
        "The node, key or page does not exist. Go to the list of nodes.",
    ),  # fmt: skip
    "ha_413_title": ("Filen är för stor", "The file is too large"),
    "ha_413": (
        "Det du skickade var större än navet tar emot ({limit} kB). Inget har sparats. "
        "Kontrollera att du valde rätt fil.",
        "What you sent was larger than the hub accepts ({limit} kB). Nothing was saved. "
        "Check that you chose the right file.",
    ),
    "ha_429_title": ("För många försök", "Too many attempts"),
    "ha_429": (
        "Navet har fått många inloggningsförsök från din adress. Vänta en stund och försök "
        "igen.",
        "The hub has received many login attempts from your address. Wait a while and try "
        "again.",
    ),
})  # fmt: skip
