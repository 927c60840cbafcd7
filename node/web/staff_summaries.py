"""Staff pages for shareable summaries and party reports, under ``/personal/``.

    /personal/arenden/<rid>/sammanfattning   POST: write a summary or pick a suggestion
    /personal/sammanfattningar               list; the förbundschef approves or revokes
    /personal/sammanfattningar/<id>/delning.json   the signed shared summary (carry by hand)
    /personal/arbetsgrupp                    the working group's decisions; fetch them (POST)
    /personal/partsrapport                   choose year and party, make PDF and Word
    /personal/partsrapport/<year>/<file>     download a party report (whitelisted names)

Writing needs ``cases.write``; approving and revoking ``publish.approve`` (the förbundschef);
reading ``cases.read``. The case page shows the section through the template global
``case_summaries(rid)`` (``staff/summaries_case.html``). Never on a public page.

    register_staff_summaries(app, node)   add the pages (idempotent; adds the staff pages too)
"""

from __future__ import annotations

import contextlib
import re
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, abort, redirect, request, send_from_directory, url_for

from common.errors import LexHellerError, UsageError
from common.transport import HttpPublisher
from common.web import current_lang, i18n, web_state
from common.web.security import add_security_headers, limit_request_size
from node import summaries, workgroup_client
from node.report.partsrapport import PARTIES, build_party_report
from node.summaries import (
    STATES,
    Summaries,
    SummaryCaseNotFound,
    SummaryError,
    SummaryPersonalData,
)
from node.web.staff import _render, needs, register_staff, signed_in

if TYPE_CHECKING:
    from node.runtime import Node

EXTENSION = "lexheller.staff_summaries"
MAX_REQUEST_BYTES = 32 * 1024
_FILE = re.compile(r"^partsrapport-\d{4}-[A-Za-z0-9-]{1,12}\.(pdf|docx)$")



def _t(key: str, **fields: Any) -> str:
    return i18n.t(key, current_lang(), **fields)


def register_staff_summaries(app: Flask, node: Node) -> Summaries:
    """Add the summary and party report pages to `app` (once)."""
    if "staff_summaries" in app.blueprints:
        return app.extensions[EXTENSION]
    st = register_staff(app, node)
    sums = Summaries(node.store, clock=st.cases.clock)
    app.extensions[EXTENSION] = sums
    busy = threading.Lock()
    bp = Blueprint("staff_summaries", __name__, url_prefix="/personal")

    @bp.before_request
    def _guard() -> None:
        limit_request_size(MAX_REQUEST_BYTES)
        web_state().csrf.protect()

    @bp.after_request
    def _headers(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return add_security_headers(response)

    @bp.app_context_processor
    def _globals() -> dict[str, Any]:
        return {"case_summaries": sums.for_case, "summary_pages": True,
                "workgroup_for": lambda sid: summaries.shared(node.store).get(sid)}

    @bp.post("/arenden/<rid>/sammanfattning")
    @needs("cases.write")
    def write(rid: str) -> Any:
        kind, text = request.form.get("kind", "sammanfattning"), request.form.get("text", "")
        user = signed_in()
        before = [s["id"] for s in sums.for_case(rid) if s["kind"] == kind]
        try:
            sums.write(user, rid, text, kind)
            for old in before:  # a replaced text leaves the working group too
                summaries.withdraw(node.store, user, old, node.id, node.key)
        except SummaryError as e:
            if isinstance(e, SummaryCaseNotFound):
                abort(404)
            findings = e.findings if isinstance(e, SummaryPersonalData) else []
            return _render("summaries_write.html", 400, rid=rid, kind=kind, text=text,
                           error=e.message(current_lang()), findings=findings)  # fmt: skip
        with contextlib.suppress(LexHellerError):  # kept, sent again on the next hub contact
            _deliver_withdrawals()
        return redirect(url_for("staff.case", rid=rid) + "#sammanfattning")

    @bp.route("/sammanfattningar", methods=["GET", "POST"])
    @needs("cases.read")
    def listing() -> Any:
        error = done = None
        if request.method == "POST":
            user = signed_in()
            action = request.form.get("action", "")
            try:
                sid = int(request.form.get("id", ""))
            except ValueError:
                abort(400)
            try:
                if action == "approve":
                    sums.approve(user, sid)
                    done = _t("sm_approved")
                elif action == "revoke":
                    sums.revoke(user, sid)
                    done = _t("sm_revoked")
                    if summaries.withdraw(node.store, user, sid, node.id, node.key):
                        done += " " + _deliver_withdrawals()
                elif action == "share":
                    raw = summaries.share(node.store, user, sid, node.id, node.key)
                    done = _send(raw, "sm_shared_sent")
                    _deliver_withdrawals()
                else:
                    abort(400)
            except LexHellerError as e:  # SummaryError, or the hub could not be reached
                error = e.message(current_lang())
        state = request.args.get("status", "")
        return _render("summaries.html", 400 if error else 200, rows=sums.listing(state),
                       state=state if state in STATES else "", states=STATES, error=error,
                       done=done, shared=summaries.shared(node.store))  # fmt: skip

    def _send(raw: bytes, done_key: str) -> str:
        """Post a signed summary or withdrawal to the configured hub; the notice to show."""
        hub_url = node.config["publish"]["hub_url"]
        if not hub_url:
            return _t("sm_shared_file")
        answer = HttpPublisher(float(node.config["publish"]["timeout_seconds"])).post(
            hub_url, "/api/v1/summaries", raw)
        said, said_en = (answer.body.get("message") or str(answer.status),
                         answer.body.get("message_en") or str(answer.status))  # fmt: skip
        if answer.status >= 400:
            raise UsageError(f"Navet tog inte emot det: {said}", f"The hub refused it: {said_en}")
        return _t(done_key, status=said_en if current_lang() == "en" else said)

    def _deliver_withdrawals() -> str:
        """Send every withdrawal the hub has not confirmed; the notice for the last one."""
        notice = ""
        for sid, raw in summaries.pending_withdrawals(node.store):
            notice = _send(raw, "sm_withdraw_sent")
            if node.config["publish"]["hub_url"]:
                summaries.withdrawal_delivered(node.store, sid)
        return notice

    @bp.get("/sammanfattningar/<int:sid>/delning.json")
    @needs("cases.write")
    def shared_file(sid: int) -> Any:
        with node.store.cursor() as cur:
            row = cur.execute("SELECT envelope FROM summary_shares WHERE summary_id = ?"
                              " AND withdrawn_at IS NULL", [sid]).fetchone()  # fmt: skip
        if row is None:
            abort(404)
        return Response(bytes(row[0]), mimetype="application/json", headers={
            "Content-Disposition": f"attachment; filename=sammanfattning-{sid}.json"})

    @bp.route("/arbetsgrupp", methods=["GET", "POST"])
    @needs("cases.read")
    def workgroup() -> Any:
        error = done = None
        pub = node.config["publish"]
        if request.method == "POST":
            if not pub["hub_url"]:  # the hub's key: node.toml's, else pinned on first use
                error = _t("wg_no_hub")
            else:
                try:  # withdrawals first, then a signed fetch; the answer is verified
                    got = workgroup_client.fetch_decisions(node)
                    done = _t("wg_pulled", n=str(got["patterns"]))
                except LexHellerError as e:
                    error = e.message(current_lang())
        return _render("summaries_workgroup.html", 400 if error else 200, error=error, done=done,
                       decisions=summaries.decisions(node.store),
                       configured=bool(pub["hub_url"]))  # fmt: skip

    @bp.route("/partsrapport", methods=["GET", "POST"])
    @needs("cases.read")
    def partsrapport() -> Any:
        error, result = None, None
        year_now = datetime.now(UTC).year
        years = list(range(year_now, year_now - 6, -1))
        chosen = {"year": request.values.get("ar", str(year_now - 1)),
                  "party": request.values.get("part", "FK")}  # fmt: skip
        if request.method == "POST":
            if not busy.acquire(blocking=False):
                error = _t("pr_busy")
            else:
                try:
                    year = int(chosen["year"]) if chosen["year"].isdigit() else 0
                    result = build_party_report(node, year, chosen["party"])
                except UsageError as e:
                    error = e.message(current_lang())
                finally:
                    busy.release()
        parties = [(c, name) for c, (name, _) in PARTIES.items()]
        return _render("partsrapport.html", 400 if error else 200, years=years, parties=parties,
                       chosen=chosen, error=error, result=result,
                       file_name=lambda p: p.rsplit("/", 1)[-1])  # fmt: skip

    @bp.get("/partsrapport/<int:year>/<name>")
    @needs("cases.read")
    def partsrapport_file(year: int, name: str) -> Any:
        if not _FILE.match(name) or not name.startswith(f"partsrapport-{year}-"):
            abort(404)
        folder = node.folder / "reports" / str(year)
        if not (folder / name).is_file():
            abort(404)
        return send_from_directory(folder, name, as_attachment=True)

    app.register_blueprint(bp)
    return sums
