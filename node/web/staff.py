"""The staff pages under ``/personal/``: login, case list, case page, users, local sub-codes.

Server-rendered forms that work without JavaScript; Swedish first (``?lang=en``). Every POST
carries the shared CSRF token (:mod:`common.web.security`). The session cookie ``lh_staff``
holds a random session id signed with the folder's web secret; the server keeps the session
(:mod:`node.accounts`), so logging out or an expired session ends it for good.

    register_staff(app, node)           add the pages (idempotent)
    require_login_for(app, prefixes)    make other routes (the Dash dashboard) staff-only
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial, wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException

from common.web import STAFF_CSS, current_lang, i18n, web_state
from common.web.errors import page_hint
from common.web.security import (
    add_security_headers,
    client_address,
    limit_request_size,
    safe_next,
)
from common.web.session import SessionKit
from node import audit_trail, notifications
from node.accounts import ROLES, AccountError, Accounts, User, utcnow
from node.web import setup_web
from node.workflow import (
    FORUMS,
    CaseFilter,
    CaseNotFound,
    Cases,
    Override,
    PersonalDataFound,
    WorkflowError,
)
from schemas.codes import code_list, kommuner

if TYPE_CHECKING:
    from node.runtime import Node

EXTENSION = "lexheller.staff"
COOKIE = "lh_staff"
PREFIX = "/personal"
MAX_REQUEST_BYTES = 64 * 1024
TZ = ZoneInfo("Europe/Stockholm")
STEPS = ("klassificera", "kontakt", "fraga", "svar", "atgard", "mote", "lyft", "aterkoppling",
         "status", "texter", "agare")  # fmt: skip


@dataclass
class StaffState:
    node: Node
    accounts: Accounts
    cases: Cases
    secret: bytes
    session: SessionKit


def state() -> StaffState:
    return current_app.extensions[EXTENSION]


def _t(key: str, **fields: Any) -> str:
    return i18n.t(key, current_lang(), **fields)


# ---------------------------------------------------------------------- sessions


def current_user() -> User | None:
    """The logged-in user of this request (None when not logged in or expired)."""
    if "staff_user" not in g:
        st: StaffState | None = current_app.extensions.get(EXTENSION)
        g.staff_user = st.session.current_user() if st is not None else None
    return g.staff_user


def signed_in() -> User:
    """The user of a view behind :func:`needs` (always logged in there)."""
    user = current_user()
    if user is None:
        abort(401)
    return user


def _login_redirect() -> Any:
    args = {"next": request.full_path.rstrip("?")}
    if request.cookies.get(COOKIE):
        args["expired"] = "1"
    return redirect(url_for("staff.login") + "?" + urlencode(args))


def needs(permission: str) -> Callable:
    """Route decorator: log in first (redirect), then the role must allow `permission` (403)."""

    def wrap(view: Callable) -> Callable:
        @wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return _login_redirect()
            if not user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        return inner

    return wrap


def require_login_for(app: Flask, prefixes: Iterable[str], permission: str = "dashboard") -> None:
    """Guard every route under `prefixes` (e.g. the Dash dashboard) with a staff login."""
    prefixes = tuple(prefixes)

    @app.before_request
    def _staff_only() -> Any:
        if not request.path.startswith(prefixes):
            return None
        user = current_user()
        if user is None:
            if request.method != "GET" or "/_dash-" in request.path:
                abort(401)
            return _login_redirect()
        if not user.can(permission):
            abort(403)
        return None


def _safe_next(value: str | None) -> str:
    return safe_next(value) or url_for("staff.index")


# ---------------------------------------------------------------------- helpers for templates


def template_helpers() -> dict[str, Any]:
    lang = current_lang()

    def label(list_name: str, code: str | None) -> str:
        return code_list(list_name).label_of(code, lang) if code else "–"

    def when(value: datetime | None) -> str:
        if value is None:
            return "–"
        return format_datetime(value, "d MMM y HH:mm", tzinfo=TZ,
                               locale="en_GB" if lang == "en" else "sv_SE")  # fmt: skip

    def day(value: date | None) -> str:
        return i18n.long_date(value, lang) if value else "–"

    def field_label(name: str | None) -> str:
        key = f"st_field_{name}"
        return i18n.t(key, lang) if i18n.has(key) else i18n.t("st_note", lang)

    def event_label(kind: str) -> str:
        key = f"st_event_{kind}"
        return i18n.t(key, lang) if i18n.has(key) else kind

    def show_value(field: str, value: Any) -> str:
        if value is None or value == "":
            return "–"
        if field == "aktorer":
            return "; ".join(label("aktor", a) for a in value)
        if field in ("problemtyp", "niva", "malgrupp", "status"):
            return label(field, value)
        if field == "closed_at":
            return when(datetime.fromisoformat(value)) if isinstance(value, str) else when(value)
        if isinstance(value, bool):
            return i18n.t("st_yes" if value else "st_no", lang)
        return str(value)

    def event_details(e: dict[str, Any]) -> list[str]:
        d, out = e["data"], []
        if d.get("forum"):
            forum = i18n.t(f"st_forum_{d['forum']}", lang) if d["forum"] in FORUMS else d["forum"]
            meeting = d.get("meeting_date")
            out.append(f"{forum}: {day(date.fromisoformat(meeting)) if meeting else ''}")
        if d.get("code"):
            out.append(label("atgard", d["code"]))
        if d.get("aktor"):
            out.append(label("aktor", d["aktor"]))
        if d.get("with") in ("anmalare", "part"):
            out.append(i18n.t(f"st_with_{d['with']}", lang))
        if d.get("findings"):
            kinds = sorted({f.get("kind", "") for f in d["findings"]})
            out.append(", ".join(kinds) + (f" – {d['reason']}" if d.get("reason") else ""))
        if d.get("fields") and e["kind"] == "gallrad":
            out.append(", ".join(field_label(f) for f in d["fields"]))
        if d.get("text"):
            out.append(str(d["text"]))
        return out

    return {"label": label, "when": when, "day": day, "user": current_user(),
            "field_label": field_label, "event_label": event_label, "show_value": show_value,
            "event_details": event_details,
            "forum_options": [(f, i18n.t(f"st_forum_{f}", lang)) for f in FORUMS],
            "codes": lambda name: [(c.code, c.label(lang)) for c in code_list(name).codes],
            "roles": ROLES, "forums": FORUMS, "today": state().cases.clock().date()}  # fmt: skip


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    name = "login.html" if template == "login.html" else f"staff/{template}"  # the kit's login page
    return render_template(name, **template_helpers(), login_layout="staff/_layout.html",
                           login_lead="st_login_lead", **context), status  # fmt: skip


# ---------------------------------------------------------------------- the blueprint


def register_staff(app: Flask, node: Node, *, clock: Callable[[], datetime] | None = None,
                   accounts: Accounts | None = None) -> StaffState:  # fmt: skip
    """Add the staff pages to `app` (once; a second call returns the first state)."""
    if "staff" in app.blueprints:
        return app.extensions[EXTENSION]
    web = setup_web(app, node)
    clock = clock or utcnow
    accounts = accounts or Accounts(node.store, clock=clock)
    st = StaffState(node, accounts, Cases(node.store, clock=clock), web.secret,
                    SessionKit(accounts, web.secret, COOKIE, "staff-session"))  # fmt: skip
    app.extensions[EXTENSION] = st
    st.cases.listeners.append(partial(notifications.on_case_change, node))
    st.cases.first_contact_days = int(node.config["workflow"]["first_contact_days"])
    bp = Blueprint("staff", __name__, url_prefix=PREFIX)

    @bp.before_request
    def _guard() -> None:
        limit_request_size(MAX_REQUEST_BYTES)
        web_state().csrf.protect()

    @bp.after_request
    def _headers(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return add_security_headers(response)

    def _error(e: HTTPException) -> tuple[str, int]:
        code = e.code or 400
        key = f"st_{code}" if code in (403, 404) else f"err_{code}"
        title = _t(f"{key}_title") if code in (403, 404, 400, 413) else _t("err_title")
        message = _t(key, limit=f"{MAX_REQUEST_BYTES // 1024} kB") if code in (
            403, 404, 400, 413) else str(e.description)  # fmt: skip
        return _render("error.html", code, title=title, message=message)

    for code in (400, 403, 404, 413):
        bp.register_error_handler(code, _error)

    _add_login_routes(bp, st)
    _add_case_routes(bp, st)
    _add_admin_routes(bp, st)
    from node.web.staff_followup import add_followup_routes

    add_followup_routes(bp, st)
    from node.web.staff_intake import add_intake_routes

    add_intake_routes(bp, st)
    app.register_blueprint(bp)
    return st


def _add_login_routes(bp: Blueprint, st: StaffState) -> None:
    @bp.get("/")
    @needs("dashboard")
    def index() -> Any:
        user = current_user()
        if user and user.can("cases.read"):
            return redirect(url_for("staff.todo"))
        if user and user.can("users"):
            return redirect(url_for("staff.users"))
        return redirect(PREFIX + "/dashboard/")

    @bp.route("/logga-in", methods=["GET", "POST"])
    def login() -> Any:
        error = error_hint = None
        if request.method == "POST":
            try:
                sid = st.session.log_in(request.form.get("username", ""),
                                        request.form.get("password", ""), client_address())  # fmt: skip
            except AccountError as e:
                error, error_hint = e.message(current_lang()), page_hint(e, current_lang())
            else:
                return st.session.set_cookie(redirect(_safe_next(request.args.get("next"))), sid)
        return _render("login.html", 400 if error else 200, error=error, error_hint=error_hint,
                       username=request.form.get("username", ""),
                       expired=request.args.get("expired") == "1",
                       logged_out=request.args.get("ut") == "1")  # fmt: skip

    @bp.post("/logga-ut")
    def logout() -> Any:
        return st.session.log_out(redirect(url_for("staff.login", ut="1")))


def _filters() -> CaseFilter:
    a = request.args
    return CaseFilter(status=a.get("status", ""), problemtyp=a.get("problemtyp", ""),
                      aktor=a.get("aktor", ""), niva=a.get("niva", ""),
                      period=a.get("period", "").strip(), q=a.get("q", "")[:200],
                      sort=a.get("sort", "received_desc"),
                      owner=_owner_arg(a.get("agare", "")))  # fmt: skip


def _owner_arg(value: str) -> str:
    """``?agare=mina`` is the signed-in user's own cases; '-' cases without an owner."""
    if value == "mina":
        user = current_user()
        return user.username if user else ""
    return value.strip().lower()[:64]


def _override() -> Override | None:
    reason = request.form.get("override_reason", "").strip()[:500]
    if request.form.get("override") == "ja" and reason:
        return Override(reason)
    return None


def _do_step(cases: Cases, user: User, rid: str, step: str) -> str:
    """Run one workflow step from the posted form; returns what was saved (for the notice)."""
    f, ov = request.form, _override()
    if step == "klassificera":
        cases.classify(user, rid, problemtyp=f.get("problemtyp", ""), niva=f.get("niva", ""),
                       malgrupp=f.get("malgrupp") or None, aktorer=f.getlist("aktorer"),
                       subcode=f.get("subcode", ""))  # fmt: skip
    elif step == "kontakt":
        cases.contact(user, rid, f.get("text", ""), f.get("with", "anmalare"), ov)
    elif step == "mote":
        from node import forums

        raw = f.get("meeting", "")
        if not raw.isdigit():
            raise WorkflowError.of("err_meeting_choose")
        m = forums.meeting(cases.store, int(raw))
        cases.lift(user, rid, m["forum"], m["meeting_date"], f.get("text", ""), ov)
    elif step == "fraga":
        cases.ask_reporter(user, rid, f.get("text", ""), ov)
    elif step == "svar":
        cases.party_answer(user, rid, f.get("aktor", ""), f.get("text", ""), ov)
    elif step == "atgard":
        cases.action(user, rid, f.get("code", ""), f.get("text", ""), ov)
    elif step == "lyft":
        try:
            meeting = date.fromisoformat(f.get("meeting_date", ""))
        except ValueError as e:
            raise WorkflowError.of("err_meeting_date_format") from e
        cases.lift(user, rid, f.get("forum", ""), meeting, f.get("text", ""), ov)
    elif step == "aterkoppling":
        cases.feedback(user, rid, f.get("text", ""), ov)
    elif step == "status":
        cases.set_status(user, rid, f.get("status", ""), f.get("text", ""), ov)
    elif step == "agare":
        from node import owners

        owners.assign_and_tell(state().node, user, rid, f.get("owner", ""), cases.clock)
    elif step == "texter":
        cases.edit_texts(user, rid, {k: f.get(k, "") for k in
                                     ("description", "consequences", "suggestion")}, ov)  # fmt: skip
    return step


def _case_page(cases: Cases, rid: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    try:
        case = cases.get(rid)
    except WorkflowError:
        abort(404)
    lang = current_lang()
    status_options = [(c, code_list("status").label_of(c, lang)) for c in case["allowed"]]
    from node import forums

    upcoming = forums.meetings(cases.store, cases.clock().date())
    from node import channels, owners

    candidates = owners.candidates(cases.store)
    with cases.store.cursor() as cur:
        case["kanal"] = channels.channel_of(cur, rid)

    def kommun_names(codes: list[str]) -> str:
        known = kommuner()
        return ", ".join(known[c].short if c in known else c for c in codes or [])

    return _render("case.html", status, case=case, subcodes=cases.subcodes(), steps=STEPS,
                   status_options=status_options, meetings=upcoming,
                   kommun_names=kommun_names, owner_candidates=candidates, **extra)  # fmt: skip


def _add_case_routes(bp: Blueprint, st: StaffState) -> None:
    @bp.get("/arenden")
    @needs("cases.read")
    def case_list() -> Any:
        f = _filters()
        page = request.args.get("sida", "1")
        error = None
        try:
            # a page number past any real list (or past INT64) is the first page, not a 500
            result = st.cases.list(f, int(page) if page.isdigit() and len(page) <= 9 else 1)
        except WorkflowError as e:
            error = e.message(current_lang())
            result = st.cases.list(CaseFilter(sort=f.sort))
        # Any, not str: url_for's keyword-only options (_external …) share its **values.
        args: dict[str, Any] = {
            k: v for k, v in request.args.items() if k not in ("sida", "lang") and v
        }
        from node import owners

        user = signed_in()
        return _render("cases.html", 400 if error else 200, f=f, result=result, error=error,
                       owner_candidates=owners.candidates(st.node.store),
                       mine=request.args.get("agare") == "mina" or f.owner == user.username,
                       page_url=lambda n: url_for("staff.case_list", **args, sida=n))  # fmt: skip

    @bp.get("/arenden/<rid>")
    @needs("cases.read")
    def case(rid: str) -> Any:
        return _case_page(st.cases, rid, done=request.args.get("klart", ""))

    @bp.post("/arenden/<rid>/<step>")
    @needs("cases.write")
    def case_step(rid: str, step: str) -> Any:
        if step not in STEPS:
            abort(404)
        lang = current_lang()
        try:
            _do_step(st.cases, signed_in(), rid, step)
        except PersonalDataFound as e:
            return _case_page(st.cases, rid, 400, step=step, values=request.form,
                              findings=e.findings,
                              error=_t("st_override_needed"))  # fmt: skip
        except CaseNotFound:
            abort(404)
        except WorkflowError as e:
            return _case_page(st.cases, rid, 400, step=step, values=request.form,
                              error=e.message(lang))  # fmt: skip
        return redirect(url_for("staff.case", rid=rid, klart=step) + f"#steg-{step}")


def _add_admin_routes(bp: Blueprint, st: StaffState) -> None:
    @bp.route("/anvandare", methods=["GET", "POST"])
    @needs("users")
    def users() -> Any:
        error, done, user = None, None, signed_in()
        if request.method == "POST":
            f, action = request.form, request.form.get("action", "")
            name = f.get("username", "").strip().lower()
            try:
                if action == "add":
                    st.accounts.add_user(name, f.getlist("roles"), f.get("password", ""),
                                         who=user.username)  # fmt: skip
                    done = _t("st_user_added", user=name)
                elif action == "password":
                    st.accounts.set_password(name, f.get("password", ""), who=user.username)
                    done = _t("st_password_set", user=name)
                elif action == "active":
                    st.accounts.set_active(name, f.get("active") == "1", who=user.username)
                    done = _t("st_active_set", user=name)
                else:
                    abort(400)
            except AccountError as e:
                error = e.message(current_lang())
        with st.node.store.cursor() as cur:
            chain = audit_trail.verify_chain(cur)
        return _render("users.html", 400 if error else 200, users=st.accounts.users(),
                       error=error, done=done, chain=chain,
                       values=request.form if error else {})  # fmt: skip

    @bp.route("/underkoder", methods=["GET", "POST"])
    @needs("subcodes")
    def subcodes() -> Any:
        error = done = None
        if request.method == "POST":
            f = request.form
            try:
                st.cases.add_subcode(signed_in(), f.get("code", ""), f.get("parent", ""),
                                     f.get("label_sv", ""), f.get("label_en", ""))  # fmt: skip
                done = _t("st_subcode_added", code=f.get("code", "").strip())
            except WorkflowError as e:
                error = e.message(current_lang())
        return _render("subcodes.html", 400 if error else 200, subcodes=st.cases.subcodes(),
                       error=error, done=done, values=request.form if error else {})  # fmt: skip

    @bp.get("/staff.css")
    def css() -> Response:
        return Response(STAFF_CSS, mimetype="text/css",
                        headers={"Cache-Control": "max-age=3600"})  # fmt: skip
