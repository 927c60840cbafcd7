"""Staff pages for shareable summaries and party reports, under ``/personal/``.

    /personal/arenden/<rid>/sammanfattning   POST: write a summary or pick a suggestion
    /personal/sammanfattningar               list; the förbundschef approves or revokes
    /personal/partsrapport                   choose year and party, make PDF and Word
    /personal/partsrapport/<year>/<file>     download a party report (whitelisted names)

Writing needs ``cases.write``; approving and revoking ``publish.approve`` (the förbundschef);
reading ``cases.read``. The case page shows the section through the template global
``case_summaries(rid)`` (``staff/summaries_case.html``). Never on a public page.

    register_staff_summaries(app, node)   add the pages (idempotent; adds the staff pages too)
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, abort, redirect, request, send_from_directory, url_for

from common.errors import UsageError
from common.web import current_lang, i18n, web_state
from common.web.i18n import register_strings
from common.web.security import add_security_headers, limit_request_size
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

register_strings({
    "sm_title": ("Delbara sammanfattningar", "Shareable summaries"),
    "sm_nav": ("Sammanfattningar", "Summaries"),
    "sm_lead": ("Bara texter som förbundschefen har godkänt som delbara får citeras i "
                "årsrapporten, i partsrapporter och delas med den regionala arbetsgruppen. "
                "De visas med ärendenummer, aldrig med kvittokod.",
                "Only texts the förbundschef approved as shareable may be quoted in the yearly "
                "report, in party reports and shared with the regional working group. They show "
                "the case number, never the receipt code."),
    "sm_section": ("Delbar sammanfattning", "Shareable summary"),
    "sm_section_hint": ("Skriv med egna, allmänna ord vad skavet handlar om – klistra inte in "
                        "anmälarens text. Inga namn, personnummer, telefonnummer eller "
                        "e-postadresser; texten kontrolleras innan den sparas.",
                        "Write in your own general words what the problem is about – do not "
                        "paste the reporter's text. No names, identity numbers, phone numbers "
                        "or e-mail addresses; the text is checked before it is saved."),
    "sm_kind_sammanfattning": ("Sammanfattning", "Summary"),
    "sm_kind_forslag": ("Anmälarens förslag", "The reporter's suggestion"),
    "sm_field_kind": ("Sort", "Kind"),
    "sm_field_text": ("Text", "Text"),
    "sm_save": ("Spara som utkast", "Save as draft"),
    "sm_state_utkast": ("Utkast – väntar på förbundschefen", "Draft – waiting for the förbundschef"),
    "sm_state_delbar": ("Delbar (godkänd)", "Shareable (approved)"),
    "sm_state_aterkallad": ("Återkallad", "Revoked"),
    "sm_approve": ("Godkänn som delbar", "Approve as shareable"),
    "sm_revoke": ("Återkalla", "Revoke"),
    "sm_none": ("Ingen sammanfattning ännu.", "No summary yet."),
    "sm_none_list": ("Inga sammanfattningar i listan.", "No summaries in the list."),
    "sm_filter": ("Visa", "Show"),
    "sm_all": ("Alla", "All"),
    "sm_col_case": ("Ärende", "Case"),
    "sm_col_kind": ("Sort", "Kind"),
    "sm_col_text": ("Text", "Text"),
    "sm_col_state": ("Status", "State"),
    "sm_col_by": ("Skriven av", "Written by"),
    "sm_col_action": ("Beslut", "Decision"),
    "sm_written": ("Utkastet sparades. Förbundschefen godkänner det under Sammanfattningar.",
                   "The draft was saved. The förbundschef approves it under Summaries."),
    "sm_approved": ("Sammanfattningen är godkänd som delbar.", "The summary is approved."),
    "sm_revoked": ("Godkännandet är återkallat.", "The approval is revoked."),
    "sm_write_title": ("Sammanfattning för ärende {case}", "Summary for case {case}"),
    "sm_back_case": ("Tillbaka till ärendet", "Back to the case"),
    "sm_by": ("skriven av {who}", "written by {who}"),
    "pr_title": ("Partsrapport", "Party report"),
    "pr_lead": ("Det som nådde förbundet om en medlemspart under ett år: antal per problemtyp "
                "och nivå över tid, åtgärder, godkända sammanfattningar och vad förbundet ber "
                "parten om (redigera filen partsrapport-PART.md i rapportmappen).",
                "What reached the förbund about one member party in a year: counts by problem "
                "type and level over time, actions, approved summaries and what the förbund asks "
                "of the party (edit the file partsrapport-PART.md in the report folder)."),
    "pr_year": ("År", "Year"),
    "pr_party": ("Part", "Party"),
    "pr_make": ("Skapa partsrapport", "Make the party report"),
    "pr_made": ("Partsrapporten skrevs ({n} anmälningar).", "The party report was written "
                "({n} reports)."),
    "pr_files": ("Filer", "Files"),
    "pr_busy": ("En rapport skapas redan; försök igen om en stund.",
                "A report is already being made; try again in a moment."),
    "st_event_sammanfattning_skriven": ("Sammanfattning skriven", "Summary written"),
    "st_event_sammanfattning_godkand": ("Sammanfattning godkänd som delbar",
                                        "Summary approved as shareable"),
    "st_event_sammanfattning_aterkallad": ("Sammanfattning återkallad", "Summary revoked"),
})  # fmt: skip


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
        return {"case_summaries": sums.for_case, "summary_pages": True}

    @bp.post("/arenden/<rid>/sammanfattning")
    @needs("cases.write")
    def write(rid: str) -> Any:
        kind, text = request.form.get("kind", "sammanfattning"), request.form.get("text", "")
        try:
            sums.write(signed_in(), rid, text, kind)
        except SummaryError as e:
            if isinstance(e, SummaryCaseNotFound):
                abort(404)
            findings = e.findings if isinstance(e, SummaryPersonalData) else []
            return _render("summaries_write.html", 400, rid=rid, kind=kind, text=text,
                           error=e.message(current_lang()), findings=findings)  # fmt: skip
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
                else:
                    abort(400)
            except SummaryError as e:
                error = e.message(current_lang())
        state = request.args.get("status", "")
        return _render("summaries.html", 400 if error else 200, rows=sums.listing(state),
                       state=state if state in STATES else "", states=STATES, error=error,
                       done=done)  # fmt: skip

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
