"""Staff page ``/personal/registrera``: register a case that arrived another way than the web
form (phone, e-mail, a samråd with personligt ombud, Synergi/Händelseråd, other).

The same fields and checks as the public form (:func:`node.web.public.parse_report_form`,
personal-data guard included), plus the channel (required) and the date received. Added to
the staff blueprint by :func:`node.web.staff.register_staff`, so it shares its login, CSRF and
error pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, redirect, request, url_for

from node import channels, notifications
from node.web.public import TEXT_LIMITS, FieldError, parse_report_form
from schemas.codes import code_list, kommuner

if TYPE_CHECKING:
    from node.web.staff import StaffState


def add_intake_routes(bp: Blueprint, st: StaffState) -> None:
    from node.web.staff import _render, current_lang, needs, signed_in

    node = st.node
    members = [c for c in node.config["node"]["kommuner"] if c in kommuner()]

    def context(values: dict[str, Any], errors: list[FieldError]) -> dict[str, Any]:
        lang = current_lang()
        return {
            "values": values,
            "errors": errors,
            "field_errors": {e.field: e.message for e in errors},
            "organisations": [(c.code, c.label(lang)) for c in code_list("organisation").codes],
            "aktorer": [(c.code, c.label(lang)) for c in code_list("aktor").codes],
            "kanaler": [(c.code, c.label(lang)) for c in code_list("kanal").codes
                        if c.code != channels.WEB],
            "kommuner": sorted(((c, kommuner()[c].name) for c in members), key=lambda x: x[1]),
            "limits": TEXT_LIMITS,
        }

    @bp.route("/registrera", methods=["GET", "POST"])
    @needs("cases.write")
    def register() -> Any:
        if request.method == "GET":
            return _render("register.html", **context({"kommuner": [], "aktorer": []}, []))
        lang = current_lang()
        today = st.cases.clock().date()
        values, errors, _ = parse_report_form(request.form, members, lang, today=today)
        values["kanal"] = request.form.get("kanal", "")
        values["received_on"] = request.form.get("received_on", "").strip()[:20]
        received = None
        try:
            channels.check_channel(values["kanal"] or None)
            if values["kanal"] == channels.WEB:
                raise channels.ChannelError.of("err_intake_not_web")
        except channels.ChannelError as e:
            errors.insert(0, FieldError("kanal", "kanal", e.message(lang)))
        try:
            received = channels.received_on(values["received_on"], today)
        except channels.ChannelError as e:
            errors.insert(1, FieldError("received_on", "received_on", e.message(lang)))
        if errors:
            return _render("register.html", 422, **context(values, errors))
        receipt, rid = channels.register_case(node, signed_in(), values, values["kanal"],
                                              received, now=st.cases.clock())  # fmt: skip
        notifications.new_report(node, rid, receipt)
        return redirect(url_for("staff.case", rid=rid, klart="registrerad"))
