"""The hub's admin pages under ``/admin/``: nodes and keys, enrolment, revocation, trusted
hubs, offline upload, the admin log.

Built from the node's parts rather than copies: the accounts (:mod:`hub.accounts` wraps
:mod:`node.accounts`), the layout, texts and CSRF (:func:`node.web.setup_site`), the form
macros (``staff/_macros.html``) and the staff stylesheet. Server-rendered forms, no
JavaScript, Swedish first (``?lang=en``). Every POST carries the CSRF token; every page but
the login needs a logged-in admin; every action goes to the admin log.

Enrolling a node key or trusting a hub takes two steps: the admin enters the id and key, the
page shows the key's fingerprint, and only after the admin confirms that the förbund (or the
other hub) read the same fingerprint aloud out of band is the key saved.

An uploaded file (a bundle or a rotation statement carried by hand) goes through exactly the
checks a POST to the API gets (:class:`hub.accept.Acceptor`, :meth:`Hub.rotate`); the bundle
is recorded as received ``via`` ``upload``.

    register_admin(app, hub)            add the pages (idempotent)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
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

from common.accounts import AccountError, Accounts, User
from common.errors import UsageError
from common.web import STAFF_CSS, current_lang, i18n, setup_site, web_state
from common.web.errors import page_hint
from common.web.security import (
    RateLimiter,
    add_security_headers,
    client_address,
    limit_request_size,
    safe_next,
)
from common.web.session import SessionKit
from hub.accept import Outcome
from hub.accounts import AdminLog, hub_accounts, is_admin
from hub.runtime import is_rotation
from schemas.wire import (
    decode_public_key,
    fingerprint,
    key_id,
)

if TYPE_CHECKING:
    from hub.runtime import Hub

EXTENSION = "lexheller.hub_admin"
BLUEPRINT = "hub_admin"
PREFIX = "/admin"
COOKIE = "lh_hub_admin"
MAX_FORM_BYTES = 64 * 1024
TZ = ZoneInfo("Europe/Stockholm")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")  # the id rule of `lexheller node/hub init`
OPEN_ENDPOINTS = {f"{BLUEPRINT}.{n}" for n in ("login", "css")}
ADMIN_CSS = (
    STAFF_CSS
    + """
.fingerprint { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 1.5rem;
  font-weight: 700; letter-spacing: 0.06em; word-spacing: 0.4em; display: inline-block;
  padding: 0.25rem 0.5rem; border: 2px dashed #0b4f6c; background: #fff; }
table .fingerprint { font-size: 1rem; border: 0; padding: 0; }
.state-spärrad, .state-utbytt { font-weight: 700; }
.state-spärrad { color: #b00020; }
.node { border-top: 2px solid #767b83; padding-top: 0.25rem; }
input[type="file"] { font: inherit; max-width: 100%; }
.table-scroll { position: relative; }  /* keeps visually hidden text inside the scroller */
.actions { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
"""
)


@dataclass
class AdminState:
    hub: Hub
    accounts: Accounts
    log: AdminLog
    secret: bytes
    login_limiter: RateLimiter
    session: SessionKit


def _state() -> AdminState:
    return current_app.extensions[EXTENSION]


def _t(key: str, **fields: Any) -> str:
    return i18n.t(key, current_lang(), **fields)


# ---------------------------------------------------------------------- sessions


def current_admin() -> User | None:
    """The logged-in admin of this request (None when not logged in, expired or no admin)."""
    if "hub_admin" not in g:
        g.hub_admin = _state().session.current_user()
    return g.hub_admin


def _who() -> str:
    user = current_admin()
    return user.username if user else "okänd"


def _safe_next(value: str | None) -> str:
    return safe_next(value, PREFIX + "/") or url_for(f"{BLUEPRINT}.index")


# ---------------------------------------------------------------------- rendering


def _when(value: str | datetime | None) -> str:
    if not value:
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    lang = current_lang()
    return format_datetime(value, "d MMM y HH:mm", tzinfo=TZ,
                           locale="en_GB" if lang == "en" else "sv_SE")  # fmt: skip


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    helpers = {"user": current_admin(), "when": _when, "text_or": _text_or,
               "action_label": action_label}  # fmt: skip
    name = "login.html" if template == "login.html" else f"admin/{template}"  # the kit's login page
    return render_template(name, **helpers, login_layout="admin/_layout.html",
                           login_lead="ha_login_lead", **context), status  # fmt: skip


def _text_or(key: str, fallback: str) -> str:
    """The text `key` in the page language, or `fallback` when there is no such text."""
    return _t(key) if i18n.has(key) else fallback


def _key_state(key: dict[str, Any]) -> str:
    if key.get("revoked_at"):
        return "spärrad"
    return "utbytt" if key.get("rotated_at") else "aktiv"


def _nodes_view(hub: Hub) -> list[dict[str, Any]]:
    """Every enrolled node with its keys (state, bundles under each) and its last bundle."""
    last: dict[str, dict[str, Any]] = {}
    per_key: dict[str, int] = {}
    for b in hub.store.bundles():
        per_key[b["keyid"]] = per_key.get(b["keyid"], 0) + 1
        if b["node_id"] not in last or b["received_at"] >= last[b["node_id"]]["received_at"]:
            last[b["node_id"]] = b
    out = []
    for node_id, n in sorted(hub.trust.nodes().items()):
        keys = [{**k, "state": _key_state(k), "bundles": per_key.get(k["keyid"], 0)}
                for k in n["keys"]]  # fmt: skip
        latest = last.get(node_id)
        name = latest["node_name"] if latest else n["info"].get("name")
        out.append({"id": node_id, "name": name, "keys": keys, "last": latest,
                    "any_active": any(k["state"] == "aktiv" for k in keys)})  # fmt: skip
    return out


# ---------------------------------------------------------------------- the key forms


@dataclass(frozen=True)
class KeyForm:
    """Enrol a node or trust a hub: the same two steps, different texts and operation."""

    endpoint: str
    template_kind: str  # "node" | "hub": chooses the texts in enroll.html
    action: str  # the admin log's name for it


NODE_FORM = KeyForm("enroll", "node", "nod_registrerad")
HUB_FORM = KeyForm("trust_hub", "hub", "nav_betrott")


def _check_key_form(hub: Hub, form: KeyForm, subject: str,
                    public_key: str) -> tuple[str, str, str]:  # fmt: skip
    """(error text saying what to do, the field it concerns, the key's fingerprint)."""
    if not _ID.match(subject):
        return _t(f"ha_e_id_{form.template_kind}"), "id", ""
    try:
        key = decode_public_key(public_key)
    except ValueError:
        return _t("ha_e_key"), "public-key", ""
    if form.template_kind == "node":
        owner = hub.trust.node_of_key(key_id(key))
        if owner is not None and owner != subject:
            return _t("ha_e_key_other_node", node=owner), "public-key", ""
        if owner == subject:
            return _t("ha_e_key_known", node=subject), "public-key", ""
    return "", "", fingerprint(key)


def _key_form_view(form: KeyForm) -> Any:
    st = _state()
    f = request.form
    subject = f.get("id", "").strip().lower()[:63]
    public_key = f.get("public_key", "").strip()[:200]
    step = f.get("step", "") if request.method == "POST" else ""
    ctx: dict[str, Any] = {"kind": form.template_kind, "subject": subject,
                           "public_key": public_key, "endpoint": form.endpoint}  # fmt: skip
    if not step:
        return _render("enroll.html", confirm=False, error="", error_field="", **ctx)
    error, field, fp = _check_key_form(st.hub, form, subject, public_key)
    if error:
        return _render("enroll.html", 400, confirm=False, error=error, error_field=field, **ctx)
    if step != "confirm":
        return _render("enroll.html", confirm=True, error="", fingerprint=fp, **ctx)
    if f.get("checked") != "ja":
        return _render("enroll.html", 400, confirm=True, fingerprint=fp,
                       error=_t(f"ha_e_not_checked_{form.template_kind}"), **ctx)  # fmt: skip
    try:
        if form.template_kind == "node":
            st.hub.op_enroll(subject, public_key)
        else:
            st.hub.op_trust_hub(subject, public_key)
    except UsageError as e:
        return _render("enroll.html", 400, confirm=False, error=e.message(current_lang()),
                       error_field="public-key", **ctx)  # fmt: skip
    st.log.append(_who(), form.action, subject, {"fingerprint": fp, "address": client_address()})
    done = "registrerad" if form.template_kind == "node" else "betrott"
    return redirect(url_for(f"{BLUEPRINT}.index") + "?" + urlencode({done: subject}), 303)


# ---------------------------------------------------------------------- upload


def _upload(st: AdminState, max_bytes: int) -> tuple[Outcome | None, str, str]:
    """(outcome, file name, error): the outcome of the uploaded file, or what to do instead."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, "", _t("ha_e_no_file")
    name = upload.filename[-200:]
    raw = upload.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        return None, name, _t("ha_e_file_too_large", limit=i18n.number(max_bytes // 1024))
    rotation = is_rotation(raw)
    outcome = st.hub.receive(raw, via="upload")
    st.log.append(_who(), "rotation_uppladdad" if rotation else "paket_uppladdat", outcome.node_id,
                  {"file": name, "bytes": len(raw), "status": outcome.status,
                   "code": outcome.code, "digest": outcome.digest,
                   "sequence": outcome.sequence, "address": client_address()})  # fmt: skip
    return outcome, name, ""


# ---------------------------------------------------------------------- the blueprint


def register_admin(app: Flask, hub: Hub, *, accounts: Accounts | None = None) -> AdminState:
    """Add the admin pages to `app` (once; a second call returns the first state)."""
    if BLUEPRINT in app.blueprints:
        return app.extensions[EXTENSION]
    web = setup_site(app, hub, hub.folder, hub.config["hub"]["name"] or hub.id, False)
    accounts = accounts or hub_accounts(hub)
    log = accounts.audit if isinstance(accounts.audit, AdminLog) else AdminLog(hub.folder)
    session = SessionKit(accounts, web.secret, COOKIE, "hub-admin-session", path=PREFIX,
                         samesite="Strict", allowed=is_admin,
                         refused=("Kontot är inte administratör för navet.",
                                  "The account is not an admin of the hub."))  # fmt: skip
    st = AdminState(hub, accounts, log, web.secret, RateLimiter(30, 600), session)
    app.extensions[EXTENSION] = st
    bp = Blueprint(BLUEPRINT, __name__, url_prefix=PREFIX, template_folder="templates")
    max_bundle = int(hub.config["policy"]["max_bundle_bytes"])

    @bp.before_request
    def _guard() -> Any:
        is_upload = request.endpoint == f"{BLUEPRINT}.upload"
        limit_request_size(max_bundle + MAX_FORM_BYTES if is_upload else MAX_FORM_BYTES)
        web_state().csrf.protect()
        if request.endpoint in OPEN_ENDPOINTS:
            return None
        if current_admin() is None:
            args = {"next": request.full_path.rstrip("?")}
            if request.cookies.get(COOKIE):
                args["expired"] = "1"
            return redirect(url_for(f"{BLUEPRINT}.login") + "?" + urlencode(args), 303)
        return None

    @bp.after_request
    def _headers(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return add_security_headers(response)

    def _error(e: HTTPException) -> tuple[str, int]:
        code = e.code or 400
        if code in (400, 404, 413, 429):
            title, message = (
                _t(f"ha_{code}_title"),
                _t(f"ha_{code}", limit=i18n.number(max_bundle // 1024)),
            )
        else:
            title, message = _t("err_title"), str(e.description)
        return _render("error.html", code, title=title, message=message)

    for code in (400, 403, 404, 413, 429):
        bp.register_error_handler(code, _error)

    _add_routes(bp, st, max_bundle)
    app.register_blueprint(bp)
    from hub.workgroup_pages import register_workgroup

    register_workgroup(app, hub, accounts, session, log)
    return st


def _add_routes(bp: Blueprint, st: AdminState, max_bundle: int) -> None:
    @bp.route("/logga-in", methods=["GET", "POST"])
    def login() -> Any:
        error, error_hint = "", None
        if request.method == "POST":
            st.login_limiter.check("admin-login", client_address())
            try:
                sid = st.session.log_in(request.form.get("username", ""),
                                        request.form.get("password", ""), client_address())  # fmt: skip
            except AccountError as e:
                error, error_hint = e.message(current_lang()), page_hint(e, current_lang())
            else:
                return st.session.set_cookie(redirect(_safe_next(request.args.get("next")), 303), sid)
        return _render("login.html", 400 if error else 200, error=error, error_hint=error_hint,
                       username=request.form.get("username", "")[:64],
                       expired=request.args.get("expired") == "1",
                       logged_out=request.args.get("ut") == "1")  # fmt: skip

    @bp.post("/logga-ut")
    def logout() -> Any:
        return st.session.log_out(redirect(url_for(f"{BLUEPRINT}.login", ut="1"), 303))

    @bp.get("/")
    def index() -> Any:
        hubs = sorted(st.hub.trust.data.get("hubs", {}).items())
        return _render("nodes.html", nodes=_nodes_view(st.hub), hubs=hubs, hub_id=st.hub.id,
                       enrolled=request.args.get("registrerad", "")[:63],
                       trusted=request.args.get("betrott", "")[:63],
                       revoked=request.args.get("sparrad", "")[:63])  # fmt: skip

    @bp.route("/registrera", methods=["GET", "POST"])
    def enroll() -> Any:
        return _key_form_view(NODE_FORM)

    @bp.route("/lita-pa-nav", methods=["GET", "POST"])
    def trust_hub() -> Any:
        return _key_form_view(HUB_FORM)

    @bp.route("/sparra", methods=["GET", "POST"])
    def revoke() -> Any:
        src = request.form if request.method == "POST" else request.args
        node_id, keyid = src.get("nod", "")[:63], src.get("nyckel", "")[:64]
        node = next((n for n in _nodes_view(st.hub) if n["id"] == node_id), None)
        if node is None:
            abort(404)
        keys = [k for k in node["keys"] if not keyid or k["keyid"] == keyid]
        if not keys:
            abort(404)
        error = ""
        if request.method == "POST":
            if request.form.get("checked") != "ja":
                error = _t("ha_e_not_confirmed_revoke")
            else:
                done = st.hub.op_revoke(node_id, keyid or None)["revoked"]
                st.log.append(_who(), "nyckel_sparrad", node_id,
                              {"keys": done, "address": client_address()})  # fmt: skip
                return redirect(url_for(f"{BLUEPRINT}.index", sparrad=node_id), 303)
        return _render("revoke.html", 400 if error else 200, node=node, keys=keys,
                       keyid=keyid, error=error)  # fmt: skip

    @bp.route("/ladda-upp", methods=["GET", "POST"])
    def upload() -> Any:
        outcome, name, error = (None, "", "")
        if request.method == "POST":
            outcome, name, error = _upload(st, max_bundle)
        status = 400 if error else (outcome.status if outcome and not outcome.ok else 200)
        return _render("upload.html", status, outcome=outcome, filename=name, error=error,
                       limit=i18n.number(max_bundle // 1024))  # fmt: skip

    @bp.get("/logg")
    def log() -> Any:
        return _render("log.html", entries=st.log.entries(limit=500),
                       problems=st.log.verify())  # fmt: skip

    from hub.enrolment_pages import add_routes as add_enrolment_routes

    add_enrolment_routes(bp, st)

    @bp.route("/<path:rest>", methods=["GET", "POST"])
    def unknown(rest: str) -> Any:
        abort(404)  # not the dashboard's catch-all: an admin address that does not exist

    @bp.get("/admin.css")
    def css() -> Response:
        return Response(ADMIN_CSS, mimetype="text/css",
                        headers={"Cache-Control": "max-age=3600"})  # fmt: skip


def action_label(action: str) -> str:
    """The admin log's action in the page language (the raw name if it has no text)."""
    return _text_or(f"ha_action_{action}", action)
