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
from common.web.i18n import register_strings
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
    "sm_share": ("Dela med arbetsgruppen", "Share with the working group"),
    "sm_withdraw": ("Dra tillbaka från arbetsgruppen", "Withdraw from the working group"),
    "sm_shared": ("Delad med arbetsgruppen", "Shared with the working group"),
    "sm_withdrawn": ("Tillbakadragen från arbetsgruppen", "Withdrawn from the working group"),
    "sm_shared_sent": ("Sammanfattningen delades med navet. Navet svarade: {status}",
                       "The summary was shared with the hub. The hub said: {status}"),
    "sm_shared_file": ("Inget nav är inställt; sammanfattningen är signerad och kan laddas ned "
                       "och lämnas till navet för hand.", "No hub is configured; the summary is "
                       "signed and can be downloaded and handed to the hub."),
    "sm_withdraw_sent": ("Tillbakadragandet skickades till navet. Navet svarade: {status}",
                         "The withdrawal was sent to the hub. The hub said: {status}"),
    "sm_download": ("Ladda ned den signerade filen", "Download the signed file"),
    "sm_col_group": ("Arbetsgruppen", "Working group"),
    "wg_title": ("Arbetsgruppens beslut", "The working group's decisions"),
    "wg_lead": ("Den regionala arbetsgruppen går igenom delade sammanfattningar från förbunden "
                "och samlar dem i gemensamma mönster. Här syns de mönster som förbundets egna "
                "sammanfattningar ingår i, hämtade från navet och kontrollerade med navets "
                "nyckel.", "The regional working group reviews summaries shared by the "
                "förbund and groups them into common patterns. Here are the patterns this "
                "förbund's own summaries are in, fetched from the hub and checked with the "
                "hub's key."),
    "wg_pull": ("Hämta beslut från navet", "Fetch decisions from the hub"),
    "wg_pulled": ("Besluten hämtades och kontrollerades ({n} mönster).",
                  "The decisions were fetched and checked ({n} patterns)."),
    "wg_none": ("Inga beslut ännu.", "No decisions yet."),
    "wg_no_hub": ("Inget nav är inställt (publish.hub_url i node.toml; navets nyckel i "
                  "publish.hub_public_key, annars litar noden på den vid första kontakten).",
                  "No hub is configured (publish.hub_url in node.toml; the hub's key in "
                  "publish.hub_public_key, else the node trusts it on first contact)."),
    "wg_status": ("Status", "Status"),
    "wg_description": ("Beskrivning", "Description"),
    "wg_recommendation": ("Rekommendation", "Recommendation"),
    "wg_cases": ("Förbundets ärenden i mönstret", "This förbund's cases in the pattern"),
    "wg_forbund": ("Antal förbund i mönstret", "Förbund in the pattern"),
    "wg_status_oppet": ("Öppet", "Open"),
    "wg_status_under_arbete": ("Under arbete", "In progress"),
    "wg_status_lyft": ("Lyft regionalt/nationellt", "Lifted regionally/nationally"),
    "wg_status_avslutat": ("Avslutat", "Closed"),
    "st_event_sammanfattning_delad": ("Sammanfattning delad med arbetsgruppen",
                                      "Summary shared with the working group"),
    "st_event_sammanfattning_tillbakadragen": ("Sammanfattning tillbakadragen från arbetsgruppen",
                                               "Summary withdrawn from the working group"),
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
