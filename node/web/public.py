"""The public side of a node: the reporting form, the receipt and the status page (no account).

    /           start: what Lex Heller is (and is not), links to the form and the status page
    /anmalan    the form; nothing is stored until every field is valid and the personal-data
                guard finds nothing in the free text; a likely name or street address
                (node.name_guard) is a warning: the reporter edits the text or keeps it with
                a short reason, stored as an event on the report's audit trail
    /anmalan/kvitto   the receipt code, shown once after a report was stored
    /status     a receipt code in, the case's status and feedback out (nothing else)

Every POST needs a CSRF token; reports and status look-ups are rate limited per address;
requests are capped in size. Wire in with :func:`register_public` (idempotent).
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import duckdb
from flask import Blueprint, Flask, Response, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from common.web import current_lang, web_state
from common.web.i18n import t
from common.web.security import (
    RateLimiter,
    add_security_headers,
    client_address,
    limit_request_size,
    sign,
)
from node import messages, name_guard, notifications, privacy
from node.web import setup_web
from schemas.codes import code_list, kommuner

if TYPE_CHECKING:
    from node.runtime import Node

MAX_REQUEST_BYTES = 256 * 1024
TEXT_LIMITS = {"reporter_role": 200, "reporter_name": 200, "reporter_contact": 200,
               "description": 4000, "consequences": 4000, "suggestion": 4000,
               "raised_elsewhere": 4000}  # fmt: skip
REQUIRED_TEXT = ("reporter_role", "description")
GUARDED = ("reporter_role", "description", "consequences", "suggestion", "raised_elsewhere")
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L (read aloud, typed)
RECEIPT_COOKIE = "lh_receipt"
RECEIPT_COOKIE_AGE = 30 * 60
KEEP_REASON_LIMIT = 300
KEPT_EVENT = "namn_behallet"
"""The event that records a reporter keeping text the name guard warned about."""
EXTENSION = "lexheller.public"


@dataclass
class PublicState:
    report_limit: RateLimiter = field(default_factory=lambda: RateLimiter(5, 600))
    post_limit: RateLimiter = field(default_factory=lambda: RateLimiter(60, 600))
    status_limit: RateLimiter = field(default_factory=lambda: RateLimiter(20, 600))
    status_seconds: float = 0.25  # every look-up takes this long, found or not


@dataclass
class FieldError:
    field: str
    anchor: str
    message: str


def new_receipt() -> str:
    """A fresh receipt code like 'LH-7K3Q-9XPM' (about 39 random bits)."""
    part = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"LH-{part[:4]}-{part[4:]}"


def normalise_receipt(text: str) -> str | None:
    """'lh 7k3q 9xpm' -> 'LH-7K3Q-9XPM'; None when it cannot be a receipt code."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    raw = raw.removeprefix("LH")
    if len(raw) != 8 or any(ch not in RECEIPT_ALPHABET for ch in raw):
        return None
    return f"LH-{raw[:4]}-{raw[4:]}"


def _label(name: str, lang: str) -> str:
    return t(f"f_{name}", lang)


def parse_report_form(
    form: MultiDict[str, str], member_kommuner: list[str], lang: str, today: date | None = None
) -> tuple[dict[str, Any], list[FieldError], list[privacy.Finding]]:
    """The report fields from a posted form, every problem found, and personal-data findings."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        text = form.get(name, "").replace("\r\n", "\n").strip()
        values[name] = text or None
        if len(text) > limit:
            msg = t("e_too_long", lang, field=_label(name, lang), n=len(text), max=limit)
            errors.append(FieldError(name, name, msg))
        elif not text and name in REQUIRED_TEXT:
            errors.append(FieldError(name, name, t(f"e_required_{name}", lang)))
    org = form.get("organisation", "")
    values["organisation"] = org
    if org not in code_list("organisation").values:
        errors.append(FieldError("organisation", "organisation", t("e_organisation", lang)))
    values["event_date"] = None
    raw_date = form.get("event_date", "").strip()
    try:
        values["event_date"] = date.fromisoformat(raw_date)
    except ValueError:
        errors.append(FieldError("event_date", "event_date", t("e_date", lang)))
    else:
        if values["event_date"] > (today or date.today()):
            errors.append(FieldError("event_date", "event_date", t("e_date_future", lang)))
        elif values["event_date"].year < 2000:
            errors.append(FieldError("event_date", "event_date", t("e_date_old", lang)))
    for name, allowed in (("kommuner", member_kommuner), ("aktorer", code_list("aktor").values)):
        chosen = list(dict.fromkeys(form.getlist(name)))
        values[name] = [c for c in chosen if c in allowed]
        anchor = f"{name}-{allowed[0]}" if allowed else name
        if len(values[name]) != len(chosen):
            msg = t("e_unknown_choice", lang, field=_label(name, lang))
            errors.append(FieldError(name, anchor, msg))
        elif allowed and not chosen:
            errors.append(
                FieldError(name, anchor, t("e_choose_one", lang, field=_label(name, lang)))
            )
    for name, list_name in (("suggested_problemtyp", "problemtyp"), ("suggested_niva", "niva")):
        value = form.get(name, "")
        values[name] = value or None
        if value and value not in code_list(list_name).values:
            msg = t("e_unknown_choice", lang, field=_label(name, lang))
            errors.append(FieldError(name, name, msg))
    follow = form.get("follow_email", "").strip()[:300]
    values["follow_email"] = follow or None
    if follow and not notifications.EMAIL.match(follow):
        errors.append(FieldError("follow_email", "follow_email", t("e_follow_email", lang)))
    findings = privacy.check_fields({name: values[name] for name in GUARDED})
    for name in GUARDED:
        here = [f for f in findings if f.field == name]
        if here:
            kinds = ", ".join(dict.fromkeys(f.label(lang) for f in here))
            found = ", ".join(f"\u201c{f.text}\u201d" for f in here)
            msg = t("e_personal", lang, field=_label(name, lang), kinds=kinds, found=found)
            errors.append(FieldError(name, name, msg))
    return values, errors, findings


def check_names(
    form: MultiDict[str, str], values: dict[str, Any], lang: str
) -> tuple[list[name_guard.Warning], dict[str, Any] | None, list[FieldError]]:
    """Likely names and addresses in the free text, and whether the reporter keeps them.

    Returns the warnings, the data of the event to store when the reporter keeps the text with
    a reason (None while the warnings still need an answer), and what is wrong with the answer.
    The event holds the reason and where each warning was, never the text found.
    """
    warnings = name_guard.check_fields({name: values[name] for name in GUARDED})
    if not warnings or form.get("keep_names") != "ja":
        return warnings, None, []
    reason = " ".join(form.get("keep_reason", "").split())
    error = None
    if not reason:
        error = t("e_keep_reason_required", lang)
    elif len(reason) > KEEP_REASON_LIMIT:
        error = t("e_keep_reason_too_long", lang, n=len(reason), max=KEEP_REASON_LIMIT)
    elif found := privacy.check_fields({"keep_reason": reason}):
        kinds = ", ".join(dict.fromkeys(f.label(lang) for f in found))
        error = t("e_keep_reason_personal", lang, kinds=kinds)
    if error:
        return warnings, None, [FieldError("keep_reason", "keep_reason", error)]
    kept = {"reason": reason,
            "findings": [{"field": w.field, "kind": w.kind, "start": w.start, "end": w.end}
                         for w in warnings]}  # fmt: skip
    return warnings, kept, []


def build_report(values: dict[str, Any], now: datetime | None = None,
                 kept: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """A report as `NodeStore.add_reports` takes it: status S1 with its 'mottagen' event
    (and, when the reporter kept a warned-about name or address, the event saying why)."""
    now = now or datetime.now(UTC)
    events: list[dict[str, Any]] = [
        {"at": now, "kind": "mottagen", "status": "S1", "who": "anmälare"}
    ]
    if kept:
        events.append({"at": now, "kind": KEPT_EVENT, "who": "anmälare", **kept})
    return {
        **values,
        "id": uuid.uuid4().hex,
        "receipt": new_receipt(),
        "received_at": now,
        "status": "S1",
        "problemtyp": None,
        "niva": None,
        "malgrupp": None,
        "feedback": None,
        "closed_at": None,
        "synthetic": False,
        "events": events,
    }


def store_report(node: Node, values: dict[str, Any],
                 kept: dict[str, Any] | None = None) -> tuple[str, str]:  # fmt: skip
    """Store one report; returns its receipt code (a new one if a code is already taken) and id."""
    for _ in range(5):
        report = build_report(values, kept=kept)
        try:
            node.store.add_reports([report], who="anmälare")
        except duckdb.ConstraintException:
            continue
        return report["receipt"], report["id"]
    raise RuntimeError("could not find a free receipt code")


def lookup_status(node: Node, receipt: str | None) -> dict[str, Any] | None:
    """Status label and feedback for a receipt code; never any other column."""
    with node.store.cursor() as cur:
        row = cur.execute(
            "SELECT status, feedback FROM reports WHERE receipt = ?", [receipt or ""]
        ).fetchone()
    if row is None:
        return None
    return {"status": row[0], "feedback": row[1]}


def _public_state(app: Flask) -> PublicState:
    return app.extensions[EXTENSION]


def register_public(app: Flask, node: Node, state: PublicState | None = None) -> PublicState:
    """Add the public pages to `app` (once; a second call returns the first state)."""
    if "public" in app.blueprints:
        return _public_state(app)
    setup_web(app, node)
    state = state or PublicState()
    app.extensions[EXTENSION] = state
    bp = Blueprint("public", __name__)

    @bp.before_request
    def _guard() -> None:
        limit_request_size(MAX_REQUEST_BYTES)
        # the form itself is limited in submit(), where a refused report keeps its text
        if request.method == "POST" and request.endpoint != "public.submit":
            state.post_limit.check("post", client_address())
        web_state().csrf.protect()

    @bp.after_request
    def _headers(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return add_security_headers(response)

    def _error(e: HTTPException) -> tuple[str, int, dict[str, str]]:
        lang, code = current_lang(), e.code or 400
        wait = int(getattr(e, "retry_after", 0) or 60)
        fields = {"limit": f"{MAX_REQUEST_BYTES // 1024} kB", "minutes": -(-wait // 60)}
        body = render_template("public/error.html", title=t(f"err_{code}_title", lang),
                               message=t(f"err_{code}", lang, **fields))  # fmt: skip
        return body, code, ({"Retry-After": str(wait)} if code == 429 else {})

    for code in (400, 413, 429):
        bp.register_error_handler(code, _error)

    members = [c for c in node.config["node"]["kommuner"] if c in kommuner()]

    def _form_context(values: dict[str, Any], errors: list[FieldError],
                      findings: list[privacy.Finding],
                      warnings: list[name_guard.Warning] | None = None) -> dict[str, Any]:  # fmt: skip
        lang = current_lang()
        return {
            "values": {
                **values,
                "keep_names": request.form.get("keep_names") == "ja",
                "keep_reason": request.form.get("keep_reason", "")[: 2 * KEEP_REASON_LIMIT],
            },
            "name_warnings": warnings or [],
            "keep_reason_limit": KEEP_REASON_LIMIT,
            "errors": errors,
            "field_errors": {e.field: e.message for e in errors},
            "findings": findings,
            "organisations": [(c.code, c.label(lang)) for c in code_list("organisation").codes],
            "aktorer": [(c.code, c.label(lang)) for c in code_list("aktor").codes],
            "problemtyper": [(c.code, c.label(lang)) for c in code_list("problemtyp").codes],
            "nivaer": [(c.code, c.label(lang)) for c in code_list("niva").codes],
            "kommuner": sorted(((c, kommuner()[c].name) for c in members), key=lambda x: x[1]),
            "limits": TEXT_LIMITS,
            "today": date.today().isoformat(),
        }

    @bp.get("/")
    def start() -> str:
        return render_template("public/start.html")

    @bp.get("/personuppgifter")
    def personal_data() -> str:
        cfg = node.config["node"]
        from node.settings import privacy_unfilled

        return render_template("public/personuppgifter.html", forbund=cfg["name"] or node.id,
                               contact=cfg["contact_email"] or "",
                               privacy=node.config["privacy"],
                               unfilled=privacy_unfilled(node.config),
                               years=node.config["retention"]["years_after_close"])  # fmt: skip

    @bp.get("/anmalan")
    def form() -> str:
        return render_template("public/form.html", **_form_context({"kommuner": [],
                               "aktorer": []}, [], []))  # fmt: skip

    @bp.post("/anmalan")
    def submit() -> Any:
        lang = current_lang()
        values, errors, findings = parse_report_form(request.form, members, lang)
        warnings, kept, keep_errors = check_names(request.form, values, lang)
        errors += keep_errors
        if errors or (warnings and kept is None):
            # a name or address warning stores nothing until the reporter edits or keeps it
            ctx = _form_context(values, errors, findings, warnings)
            return render_template("public/form.html", **ctx), 422
        # Limits count per form (its CSRF token), so colleagues behind one office address are
        # not refused together; a refused report is shown again with its text kept.
        wait = state.report_limit.retry_after("report", request.form.get("csrf_token", ""))
        wait = wait or state.post_limit.retry_after("post", client_address())
        if wait:
            msg = t("e_rate_limited", lang, minutes=-(-wait // 60))
            ctx = _form_context(values, [FieldError("form", "description", msg)], [], warnings)
            return render_template("public/form.html", **ctx), 429, {"Retry-After": str(wait)}
        receipt, report_id = store_report(node, values, kept)
        notifications.new_report(node, report_id, receipt)
        if values.get("follow_email"):
            notifications.add_reporter_contact(node, report_id, receipt, values["follow_email"],
                                               lang)  # fmt: skip
        response = redirect(url_for("public.receipt"), code=303)
        stamp = str(int(time.time()))
        mac = sign(web_state().secret, "receipt", f"{receipt}.{stamp}")
        response.set_cookie(RECEIPT_COOKIE, f"{receipt}.{stamp}.{mac}", max_age=RECEIPT_COOKIE_AGE,
                            httponly=True, samesite="Strict", secure=request.is_secure,
                            path=url_for("public.receipt"))  # fmt: skip
        return response

    @bp.get("/anmalan/kvitto")
    def receipt() -> str:
        receipt, stamp, mac = (request.cookies.get(RECEIPT_COOKIE, "").split(".") + ["", ""])[:3]
        fresh = stamp.isdigit() and time.time() - int(stamp) <= RECEIPT_COOKIE_AGE
        ok = fresh and secrets.compare_digest(
            mac, sign(web_state().secret, "receipt", f"{receipt}.{stamp}")
        )
        return render_template("public/receipt.html", receipt=receipt if ok else None)

    def _status_page(code: str, typed: str, **extra: Any) -> str:
        lang = current_lang()
        case = messages.public_history(node.store, code)
        result = None
        if case is not None:
            result = {
                "code": case.receipt,
                "feedback": case.feedback,
                "status": code_list("status").label_of(case.status, lang),
                "closed": case.status == "S7",
                "history": [
                    {**h, "status_label": code_list("status").label_of(h["status"], lang)
                     if h["status"] else ""} for h in case.history
                ],
                "questions": case.open_questions,
            }  # fmt: skip
        return render_template("public/status.html", result=result, not_found=case is None,
                               code=typed, text_limit=messages.TEXT_LIMIT, **extra)  # fmt: skip

    @bp.route("/status", methods=["GET", "POST"])
    def status() -> Any:
        if request.method == "GET":
            return render_template("public/status.html", result=None, not_found=False, code="")
        state.status_limit.check("status", client_address())
        started = time.monotonic()
        typed = request.form.get("receipt", "")[:100]
        page = _status_page(normalise_receipt(typed) or "", typed)
        time.sleep(max(0.0, state.status_seconds - (time.monotonic() - started)))
        return page

    @bp.post("/status/meddelande")
    def status_message() -> Any:
        """The reporter answers a question or adds information (text kept on refusal)."""
        lang = current_lang()
        state.status_limit.check("status", client_address())
        started = time.monotonic()
        typed = request.form.get("receipt", "")[:100]
        code = normalise_receipt(typed) or ""
        raw_q = request.form.get("answers", "")
        answers = int(raw_q) if raw_q.isdigit() else None
        text = request.form.get("text", "")[: messages.TEXT_LIMIT * 2]
        try:
            messages.reporter_writes(node.store, code, text, datetime.now(UTC), answers)
        except messages.ReporterTextRefused as e:
            if e.reason == "e_message_personal":
                kinds = ", ".join(dict.fromkeys(f.label(lang) for f in e.findings))
                found = ", ".join(f"\u201c{f.text}\u201d" for f in e.findings)
                message = t(e.reason, lang, kinds=kinds, found=found)
            else:
                message = t(e.reason, lang, **e.fields)
            time.sleep(max(0.0, state.status_seconds - (time.monotonic() - started)))
            page = _status_page(code, typed, message_error=message, message_text=text,
                                message_for=answers)  # fmt: skip
            return page, 404 if e.reason == "status_not_found" else 422
        return _status_page(code, typed, message_sent=True)

    app.register_blueprint(bp)
    return state
