"""The admin pages for enrolment requests: ``/admin/ansokningar`` lists what waits and what was
decided; ``/admin/ansokningar/<keyid>`` shows one request, its fingerprint large enough to
compare while the förbund reads its own aloud, and the two decisions. Accepting needs the same
confirmation as enrolling by hand (the box "the förbund read the same fingerprint aloud");
rejecting needs a reason, which the node is told. Both go to the admin log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, request, url_for

from common.errors import UsageError
from common.web import current_lang, i18n
from common.web.security import client_address

if TYPE_CHECKING:
    from hub.admin import AdminState

i18n.register_strings({
    "ha_nav_requests": ("Ansökningar", "Requests"),
    "ha_req_title": ("Ansökningar om registrering", "Enrolment requests"),
    "ha_req_lead": (
        "Förbund som har skickat en ansökan med 'lexheller node enroll-request'. Ring "
        "kontaktpersonen, be hen läsa upp nodens fingeravtryck ('lexheller node key') och "
        "godkänn bara om det stämmer med det som visas här.",
        "Förbund that sent a request with 'lexheller node enroll-request'. Call the contact, "
        "ask them to read the node's fingerprint aloud ('lexheller node key') and accept only "
        "if it matches the one shown here."),
    "ha_req_none": ("Inga ansökningar väntar.", "No requests are waiting."),
    "ha_req_pending_h": ("Väntar på beslut", "Waiting for a decision"),
    "ha_req_decided_h": ("Avgjorda", "Decided"),
    "ha_req_col_node": ("Nod", "Node"),
    "ha_req_col_contact": ("Kontaktperson", "Contact"),
    "ha_req_col_received": ("Mottagen", "Received"),
    "ha_req_col_decision": ("Beslut", "Decision"),
    "ha_req_open": ("Granska", "Review"),
    "ha_req_open_sr": ("ansökan från {node}", "the request from {node}"),
    "ha_req_state_pending": ("väntar", "waiting"),
    "ha_req_state_accepted": ("godkänd", "accepted"),
    "ha_req_state_rejected": ("avslagen", "rejected"),
    "ha_req_one_title": ("Ansökan från {node}", "Request from {node}"),
    "ha_req_facts": ("Uppgifter i ansökan", "What the request says"),
    "ha_req_name": ("Förbund", "Förbund"),
    "ha_req_lan": ("Län", "Län"),
    "ha_req_kommuner": ("Kommuner", "Kommuner"),
    "ha_req_population": ("Befolkning", "Population"),
    "ha_req_phone": ("Telefon", "Phone"),
    "ha_req_email": ("E-post", "E-mail"),
    "ha_req_address": ("Skickad från", "Sent from"),
    "ha_req_accept_h": ("Godkänn", "Accept"),
    "ha_req_accept_lead": (
        "Ring kontaktpersonen på ett nummer ni själva har slagit upp (inte bara det i ansökan) "
        "och be hen läsa upp nodens fingeravtryck. Godkänn bara om varje tecken stämmer.",
        "Call the contact on a number you looked up yourselves (not only the one in the "
        "request) and ask them to read the node's fingerprint aloud. Accept only if every "
        "character matches."),
    "ha_req_box": ("Förbundet har läst upp samma fingeravtryck för mig.",
                   "The förbund read the same fingerprint aloud to me."),
    "ha_req_accept_button": ("Godkänn och registrera noden", "Accept and enrol the node"),
    "ha_req_reject_h": ("Avslå", "Reject"),
    "ha_req_reason": ("Skäl (förbundet får läsa det)", "Reason (the förbund will read it)"),
    "ha_req_reason_hint": ("T.ex. 'Fingeravtrycket stämde inte; skapa nyckeln på nytt och "
                           "ansök igen.'", "E.g. 'The fingerprint did not match; make the "
                           "key again and apply again.'"),
    "ha_req_reject_button": ("Avslå ansökan", "Reject the request"),
    "ha_req_e_box": ("Kryssa i rutan när förbundet har läst upp samma fingeravtryck; annars "
                     "avslå ansökan.", "Tick the box once the förbund has read the same "
                     "fingerprint aloud; otherwise reject the request."),
    "ha_req_done_accepted": ("{node} är registrerad. Noden kan publicera nu.",
                             "{node} is enrolled. The node can publish now."),
    "ha_req_done_rejected": ("Ansökan från {node} är avslagen; noden får veta skälet.",
                             "The request from {node} is rejected; the node is told why."),
    "ha_req_decided_by": ("{state} av {who} {when}", "{state} by {who} {when}"),
    "ha_action_ansokan_godkand": ("Ansökan godkänd", "Request accepted"),
    "ha_action_ansokan_avslagen": ("Ansökan avslagen", "Request rejected"),
})  # fmt: skip


def add_routes(bp: Blueprint, st: AdminState) -> None:
    from hub.admin import BLUEPRINT, _render, _t, _who

    desk = st.hub.enrolments

    @bp.get("/ansokningar")
    def requests() -> Any:
        done = request.args.get("klar", "")
        node = request.args.get("nod", "")[:63]
        notice = _t(f"ha_req_done_{done}", node=node) if done in ("accepted", "rejected") else ""
        return _render("requests.html", pending=desk.pending(), decided=desk.decided()[:100],
                       notice=notice)  # fmt: skip

    @bp.route("/ansokningar/<keyid>", methods=["GET", "POST"])
    def request_one(keyid: str) -> Any:
        held = desk.get(keyid)
        if held is None:
            abort(404)
        error, field, reason = "", "", request.form.get("reason", "")[:600]
        if request.method == "POST" and held.state == "pending":
            action = request.form.get("action", "")
            try:
                if action == "accept":
                    if request.form.get("checked") != "ja":
                        raise UsageError(_t("ha_req_e_box"), _t("ha_req_e_box"))
                    desk.accept(keyid, _who())
                    log_action = "ansokan_godkand"
                elif action == "reject":
                    desk.reject(keyid, reason, _who())
                    log_action = "ansokan_avslagen"
                else:
                    abort(400)
            except UsageError as e:
                error, field = e.message(current_lang()), "checked" if action == "accept" else "reason"
            else:
                st.log.append(_who(), log_action, held.request.node.id,
                              {"fingerprint": held.fingerprint, "keyid": keyid,
                               "reason": reason if action == "reject" else None,
                               "address": client_address()})  # fmt: skip
                state = "accepted" if action == "accept" else "rejected"
                return redirect(url_for(f"{BLUEPRINT}.requests") + "?"
                                + urlencode({"klar": state, "nod": held.request.node.id}), 303)  # fmt: skip
        held = desk.get(keyid) or held
        return _render("request.html", 400 if error else 200, held=held, error=error,
                       error_field=field, reason=reason)  # fmt: skip
