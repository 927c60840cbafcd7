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
from common.web import current_lang
from common.web.security import client_address

if TYPE_CHECKING:
    from hub.admin import AdminState



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
