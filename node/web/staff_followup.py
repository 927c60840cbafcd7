"""Staff pages for following up: "Att göra" (the start page for case workers) and "E-post"
(one's own mail choices; for admins also the mail queue, with "try again").

Added to the staff blueprint by :func:`node.web.staff.register_staff` through
:func:`add_followup_routes`, so they share its login, CSRF and error pages.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, abort, redirect, request, send_file, url_for

from node import forums, messages, notifications

if TYPE_CHECKING:
    from node.web.staff import StaffState


def add_followup_routes(bp: Blueprint, st: StaffState) -> None:
    from node.web.staff import _render, _t, needs, signed_in

    node = st.node

    @bp.get("/att-gora")
    @needs("cases.read")
    def todo() -> Any:
        user = signed_in()
        now = st.cases.clock()
        since = notifications.mark_visit(node.store, user.username, now)
        items = notifications.todo(node.store, node.config, now.date(),
                                   since=since or datetime(1970, 1, 1))  # fmt: skip
        replies = messages.unanswered_by_staff(node.store)
        if replies:
            with node.store.cursor() as cur:
                rows = cur.execute("SELECT id, receipt, received_at, status FROM reports"
                                   " WHERE list_contains(?, id) ORDER BY received_at",
                                   [list(replies)]).fetchall()  # fmt: skip
            items["replies"] = [{"id": r[0], "receipt": r[1], "received_at": r[2],
                                 "status": r[3], "due": replies[r[0]]} for r in rows]  # fmt: skip
        else:
            items["replies"] = []
        from node import owners

        owned = owners.owners(node.store, [c["id"] for cases in items.values() for c in cases])
        for cases in items.values():
            for c in cases:
                c["owner"] = owned.get(c["id"])
        wf = node.config["workflow"]
        return _render("todo.html", items=items, since=since,
                       sections=("replies", "late", "forum", "new", "inactive"),
                       days=wf["first_contact_days"], warn=wf["forum_warning_days"],
                       idle=wf["inactive_days"])  # fmt: skip

    @bp.route("/epost", methods=["GET", "POST"])
    @needs("dashboard")
    def mail() -> Any:
        user = signed_in()
        error, values = None, None
        if request.method == "POST":
            f = request.form
            if f.get("action") == "retry" and user.can("users"):
                node.mail.retry(int(f.get("mail_id", "0") or 0))
                return redirect(url_for("staff.mail", klart="retry"))
            try:
                notifications.set_prefs(node.store, user, email=f.get("email", ""),
                                        on_new=f.get("on_new") == "ja",
                                        digest=f.get("digest", "none"),
                                        lang=f.get("mail_lang", "sv"), now=st.cases.clock())  # fmt: skip
                return redirect(url_for("staff.mail", klart="prefs"))
            except notifications.NotificationError as e:
                error, values = e, f
        prefs = notifications.get_prefs(node.store, user.username)
        queue = node.mail.status() if user.can("users") else None
        message = None
        if error is not None:
            from node.web import current_lang

            message = error.message(current_lang())
        return _render("mail.html", 400 if error else 200, prefs=prefs, values=values,
                       error=message, queue=queue,
                       done=_t("mail_saved") if request.args.get("klart") == "prefs" else "")  # fmt: skip

    @bp.route("/forum", methods=["GET", "POST"])
    @needs("cases.read")
    def forum() -> Any:
        from node.web import current_lang

        user = signed_in()
        error, values = None, None
        if request.method == "POST":
            f = request.form
            try:
                try:
                    when = date.fromisoformat(f.get("meeting_date", "").strip())
                except ValueError as e:
                    raise forums.ForumError.of("err_meeting_date_format") from e
                forums.add_meeting(node.store, user, f.get("forum", ""), when, st.cases.clock())
                return redirect(url_for("staff.forum", klart="1"))
            except forums.ForumError as e:
                error, values = e.message(current_lang()), f
        return _render("forum.html", 400 if error else 200, error=error, values=values,
                       meetings=forums.meetings(node.store, st.cases.clock().date()),
                       can_add=user.can("cases.write"),
                       done=_t("fo_added") if request.args.get("klart") else "")  # fmt: skip

    @bp.get("/forum/<int:meeting_id>/underlag.<fmt>")
    @needs("cases.read")
    def agenda(meeting_id: int, fmt: str) -> Any:
        from node.web import current_lang

        if fmt not in ("docx", "pdf"):
            abort(404)
        try:
            forums.meeting(node.store, meeting_id)
        except forums.ForumError:
            abort(404)
        name = str(node.config["node"]["name"] or node.id)
        with tempfile.TemporaryDirectory() as tmp:
            path = forums.write_agenda(node.store, name, meeting_id, Path(tmp), fmt,
                                       current_lang())  # fmt: skip
            data = path.read_bytes()
            filename = path.name
        mime = ("application/pdf" if fmt == "pdf" else
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")  # fmt: skip
        return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True,
                         download_name=filename)  # fmt: skip
