"""The regional working group's pages on a hub, under ``/arbetsgrupp/`` (never public).

    /arbetsgrupp/logga-in, /logga-ut      own login: hub accounts with the role ``arbetsgrupp``
    /arbetsgrupp/                         shared summaries of the region's förbund, filtered by
                                          code and förbund; choose some and make a pattern
    /arbetsgrupp/monster                  the common patterns ("gemensamma mönster")
    /arbetsgrupp/monster/<id>             change status, description, recommendation, members
    /admin/arbetsgrupp-konton             (hub admins) add a working-group account
    /admin/partsrapport                   (hub admins) the party report: year and party, PDF/XLSX

The working group has its own session cookie (path ``/arbetsgrupp``) so an admin session
does not open these pages and a working-group session does not open the admin pages. Every
change goes to ``workgroup/log.jsonl`` (:class:`hub.workgroup.Patterns`).

    register_workgroup(app, hub, accounts)   add the pages (idempotent)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, abort, redirect, render_template, request, url_for

from common.accounts import AccountError, Accounts, User
from common.web import current_lang, i18n, web_state
from common.web.errors import page_hint
from common.web.security import add_security_headers, client_address, limit_request_size, safe_next
from common.web.session import SessionKit
from hub.workgroup import STATUS_LABELS, PatternError
from schemas.codes import code_list
from schemas.summary import PATTERN_STATUSES

if TYPE_CHECKING:
    from hub.runtime import Hub

PREFIX = "/arbetsgrupp"
COOKIE = "lh_hub_arbetsgrupp"
ROLE = "arbetsgrupp"
MAX_FORM_BYTES = 64 * 1024



def _t(key: str, **fields: Any) -> str:
    return i18n.t(key, current_lang(), **fields)


def _is_member(user: User) -> bool:
    return user.active and ROLE in user.roles


def register_workgroup(app: Flask, hub: Hub, accounts: Accounts, admin_session: SessionKit,
                       audit: Any) -> SessionKit:  # fmt: skip
    """Add the working group's pages (once) and the admins' account page."""
    if "hub_workgroup" in app.blueprints:
        return app.extensions["lexheller.hub_workgroup"]
    kit = SessionKit(accounts, admin_session.secret, COOKIE,
                     "hub-workgroup-session", path=PREFIX, samesite="Strict",
                     allowed=_is_member,
                     refused=("Kontot hör inte till arbetsgruppen.",
                              "The account is not in the working group."))  # fmt: skip
    app.extensions["lexheller.hub_workgroup"] = kit
    bp = Blueprint("hub_workgroup", __name__, url_prefix=PREFIX, template_folder="templates")

    def render(template: str, status: int = 200, **ctx: Any) -> tuple[str, int]:
        lang = current_lang()
        helpers = {"user": kit.current_user(), "status_label":
                   lambda s: STATUS_LABELS[s][1 if lang == "en" else 0],
                   "label": lambda n, c: code_list(n).label_of(c, lang) if c else "–",
                   "codes": lambda n: [(c.code, c.label(lang)) for c in code_list(n).codes],
                   "status_options": [(c, STATUS_LABELS[c][1 if lang == "en" else 0])
                                      for c in PATTERN_STATUSES]}  # fmt: skip
        return render_template(f"admin/{template}", **helpers, **ctx), status

    @bp.before_request
    def _guard() -> Any:
        limit_request_size(MAX_FORM_BYTES)
        web_state().csrf.protect()
        if request.endpoint == "hub_workgroup.login":
            return None
        if kit.current_user() is None:
            return redirect(url_for("hub_workgroup.login", next=request.full_path.rstrip("?")),
                            303)  # fmt: skip
        return None

    @bp.after_request
    def _headers(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return add_security_headers(response)

    @bp.route("/logga-in", methods=["GET", "POST"])
    def login() -> Any:
        error, error_hint = "", None
        if request.method == "POST":
            try:
                sid = kit.log_in(request.form.get("username", ""),
                                 request.form.get("password", ""), client_address())  # fmt: skip
            except AccountError as e:
                error, error_hint = e.message(current_lang()), page_hint(e, current_lang())
            else:
                target = safe_next(request.args.get("next"), PREFIX + "/") or PREFIX + "/"
                response: Any = redirect(target, 303)
                return kit.set_cookie(response, sid)
        return render("workgroup_login.html", 400 if error else 200, error=error,
                      error_hint=error_hint, username=request.form.get("username", "")[:64])  # fmt: skip

    @bp.post("/logga-ut")
    def logout() -> Any:
        return kit.log_out(redirect(url_for("hub_workgroup.login"), 303))

    @bp.get("/")
    def summaries() -> Any:
        f = {k: request.args.get(k, "")[:64] for k in ("problemtyp", "aktor", "niva", "node_id")}
        nodes = sorted({s["node_id"] for s in hub.workgroup.listing()})
        return render("workgroup.html", rows=hub.workgroup.listing(**f), f=f,
                      node_options=[(n, n) for n in nodes])  # fmt: skip

    @bp.route("/monster", methods=["GET", "POST"])
    def patterns() -> Any:
        error = None
        if request.method == "POST":
            try:
                pid = hub.patterns.save(kit.current_user().username, None,  # type: ignore[union-attr]
                                        title=request.form.get("title", ""),
                                        status=request.form.get("status", "oppet"),
                                        description=request.form.get("description", ""),
                                        recommendation=request.form.get("recommendation", ""),
                                        members=request.form.getlist("members"))  # fmt: skip
                return redirect(url_for("hub_workgroup.pattern", pid=pid, sparat=1), 303)
            except PatternError as e:
                error = e.message(current_lang())
        return render("workgroup_patterns.html", 400 if error else 200, error=error,
                      patterns=hub.patterns.listing())  # fmt: skip

    @bp.route("/monster/<pid>", methods=["GET", "POST"])
    def pattern(pid: str) -> Any:
        found = [p for p in hub.patterns.listing() if p["id"] == pid]
        if not found:
            abort(404)
        error = None
        if request.method == "POST":
            try:
                hub.patterns.save(kit.current_user().username, pid,  # type: ignore[union-attr]
                                  title=request.form.get("title", ""),
                                  status=request.form.get("status", ""),
                                  description=request.form.get("description", ""),
                                  recommendation=request.form.get("recommendation", ""),
                                  members=request.form.getlist("members"))  # fmt: skip
                return redirect(url_for("hub_workgroup.pattern", pid=pid, sparat=1), 303)
            except PatternError as e:
                error = e.message(current_lang())
        return render("workgroup_pattern.html", 400 if error else 200, p=found[0], error=error,
                      saved=request.args.get("sparat") == "1",
                      all_rows=hub.workgroup.listing())  # fmt: skip

    app.register_blueprint(bp)

    accounts_bp = Blueprint("hub_workgroup_accounts", __name__, url_prefix="/admin")

    @accounts_bp.before_request
    def _admin_only() -> Any:
        limit_request_size(MAX_FORM_BYTES)
        web_state().csrf.protect()
        if admin_session.current_user() is None:
            return redirect(url_for("hub_admin.login", next=request.full_path.rstrip("?")), 303)
        return None

    @accounts_bp.after_request
    def _headers2(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return add_security_headers(response)

    @accounts_bp.route("/arbetsgrupp-konton", methods=["GET", "POST"])
    def workgroup_accounts() -> Any:
        error = done = None
        if request.method == "POST":
            name = request.form.get("username", "").strip().lower()
            try:
                who = admin_session.current_user().username  # type: ignore[union-attr]
                accounts.add_user(name, [ROLE], request.form.get("password", ""), who=who)
                done = _t("wgh_added", user=name)
            except AccountError as e:
                error = e.message(current_lang())
        members = [u for u in accounts.users() if ROLE in u.roles]
        html = render_template("admin/workgroup_accounts.html", user=admin_session.current_user(),
                               members=members, error=error, done=done,
                               username=request.form.get("username", "")[:64] if error else "")  # fmt: skip
        return html, 400 if error else 200

    _party_report_routes(accounts_bp, hub, admin_session)
    app.register_blueprint(accounts_bp)
    return kit


def _party_report_routes(bp: Blueprint, hub: Hub, admin_session: SessionKit) -> None:
    """/admin/partsrapport: the hub's party report (hub.report) for hub admins."""
    import re
    import threading
    from datetime import UTC, datetime

    from flask import send_from_directory

    from common.errors import UsageError
    from common.report.parties import PARTIES
    from hub.report import build_hub_party_report

    busy = threading.Lock()
    file_re = re.compile(r"partsrapport-(\d{4})-[A-Z-]+\.(pdf|xlsx)")

    @bp.route("/partsrapport", methods=["GET", "POST"])
    def partsrapport() -> Any:
        this_year = datetime.now(UTC).year
        years = list(range(this_year, this_year - 6, -1))
        chosen = {"year": request.values.get("ar", str(this_year - 1)),
                  "party": request.values.get("part", "FK")}  # fmt: skip
        error, result = None, None
        if request.method == "POST":
            if not chosen["year"].isdigit() or int(chosen["year"]) not in years:
                error = _t("hpr_bad_year")
            elif not busy.acquire(blocking=False):
                error = _t("hpr_busy")
            else:
                try:
                    result = build_hub_party_report(hub, int(chosen["year"]), chosen["party"])
                except UsageError as e:
                    error = e.message(current_lang())
                finally:
                    busy.release()
        parties = [(c, name) for c, (name, _) in PARTIES.items()]
        html = render_template("admin/partsrapport.html", user=admin_session.current_user(),
                               years=years,
                               parties=parties, chosen=chosen, error=error, result=result,
                               file_name=lambda p: p.rsplit("/", 1)[-1])  # fmt: skip
        return html, 400 if error else 200

    @bp.get("/partsrapport/<int:year>/<name>")
    def partsrapport_file(year: int, name: str) -> Any:
        m = file_re.fullmatch(name)
        folder = hub.folder / "reports" / str(year)
        if m is None or int(m.group(1)) != year or not (folder / name).is_file():
            abort(404)
        return send_from_directory(folder, name, as_attachment=True)
