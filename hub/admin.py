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

import hmac
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

from hub.accept import Outcome
from hub.accounts import AdminLog, hub_accounts, is_admin
from lexheller.errors import UsageError
from node.accounts import AccountError, Accounts, User
from node.web import current_lang, i18n, setup_site, web_state
from node.web.security import (
    RateLimiter,
    add_security_headers,
    client_address,
    limit_request_size,
    sign,
)
from node.web.staff import STAFF_CSS
from schemas.wire import (
    PAYLOAD_TYPE_ROTATION,
    Envelope,
    WireError,
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


def _state() -> AdminState:
    return current_app.extensions[EXTENSION]


def _t(key: str, **fields: Any) -> str:
    return i18n.t(key, current_lang(), **fields)


# ---------------------------------------------------------------------- sessions


def _cookie_value(sid: str, secret: bytes) -> str:
    return f"{sid}.{sign(secret, 'hub-admin-session', sid)}"


def _sid_from_cookie(secret: bytes) -> str | None:
    sid, _, mac = request.cookies.get(COOKIE, "").rpartition(".")
    if sid and hmac.compare_digest(mac, sign(secret, "hub-admin-session", sid)):
        return sid
    return None


def current_admin() -> User | None:
    """The logged-in admin of this request (None when not logged in, expired or no admin)."""
    if "hub_admin" not in g:
        st = _state()
        sid = _sid_from_cookie(st.secret)
        user = st.accounts.session_user(sid) if sid else None
        g.hub_admin = user if is_admin(user) else None
    return g.hub_admin


def _who() -> str:
    user = current_admin()
    return user.username if user else "okänd"


def _safe_next(value: str | None) -> str:
    if value and value.startswith(PREFIX + "/") and "//" not in value and "\\" not in value:
        return value
    return url_for(f"{BLUEPRINT}.index")


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
    return render_template(f"admin/{template}", **helpers, **context), status


def _text_or(key: str, fallback: str) -> str:
    """The text `key` in the page language, or `fallback` when there is no such text."""
    return _t(key) if key in i18n.STRINGS else fallback


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


def _is_rotation(raw: bytes) -> bool:
    try:
        return Envelope.from_bytes(raw).payload_type == PAYLOAD_TYPE_ROTATION
    except WireError:
        return False


def _upload(st: AdminState, max_bytes: int) -> tuple[Outcome | None, str, str]:
    """(outcome, file name, error): the outcome of the uploaded file, or what to do instead."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, "", _t("ha_e_no_file")
    name = upload.filename[-200:]
    raw = upload.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        return None, name, _t("ha_e_file_too_large", limit=i18n.number(max_bytes // 1024))
    rotation = _is_rotation(raw)
    outcome = st.hub.rotate(raw) if rotation else st.hub.acceptor.accept(raw, "upload")
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
    st = AdminState(hub, accounts, log, web.secret, RateLimiter(30, 600))
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
    return st


def _add_routes(bp: Blueprint, st: AdminState, max_bundle: int) -> None:
    @bp.route("/logga-in", methods=["GET", "POST"])
    def login() -> Any:
        error = ""
        if request.method == "POST":
            st.login_limiter.check("admin-login", client_address())
            try:
                user = st.accounts.authenticate(request.form.get("username", ""),
                                                request.form.get("password", ""),
                                                client_address())  # fmt: skip
                if not is_admin(user):
                    raise AccountError("Kontot är inte administratör för navet.",
                                       "The account is not an admin of the hub.")  # fmt: skip
            except AccountError as e:
                error = e.message(current_lang())
            else:
                sid = st.accounts.start_session(user.username)
                response = redirect(_safe_next(request.args.get("next")), 303)
                response.set_cookie(COOKIE, _cookie_value(sid, st.secret), path=PREFIX,
                                    httponly=True, samesite="Strict",
                                    secure=request.is_secure)  # fmt: skip
                return response
        return _render("login.html", 400 if error else 200, error=error,
                       username=request.form.get("username", "")[:64],
                       expired=request.args.get("expired") == "1",
                       logged_out=request.args.get("ut") == "1")  # fmt: skip

    @bp.post("/logga-ut")
    def logout() -> Any:
        sid = _sid_from_cookie(st.secret)
        if sid:
            st.accounts.end_session(sid)
        response = redirect(url_for(f"{BLUEPRINT}.login", ut="1"), 303)
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

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


# ---------------------------------------------------------------------- texts (sv, en)

i18n.register_strings({
    "ha_tagline": ("Lex Heller – navets administration", "Lex Heller – hub administration"),
    "ha_footer": (
        "Administration av {name}. Bara navets administratörer har tillgång; varje åtgärd "
        "loggas med vem, vad och när.",
        "Administration of {name}. Only the hub's administrators have access; every action is "
        "logged with who, what and when.",
    ),
    "ha_nav_label": ("Administrationens meny", "Administration menu"),
    "ha_nav_nodes": ("Noder", "Nodes"),
    "ha_nav_enroll": ("Registrera nod", "Enrol a node"),
    "ha_nav_trust": ("Lita på nav", "Trust a hub"),
    "ha_nav_upload": ("Ladda upp fil", "Upload a file"),
    "ha_nav_log": ("Logg", "Log"),
    "ha_nav_dashboard": ("Dashboard", "Dashboard"),
    "ha_login_lead": (
        "För navets administratörer. Konton skapas med 'lexheller hub user add'.",
        "For the hub's administrators. Accounts are made with 'lexheller hub user add'.",
    ),  # fmt: skip
    "ha_error_heading": ("Det gick inte att spara", "It could not be saved"),
    # nodes
    "ha_nodes_title": ("Noder", "Nodes"),
    "ha_nodes_lead": (
        "Förbundens noder som navet tar emot paket från, med deras nycklar.",
        "The associations' nodes the hub accepts bundles from, with their keys.",
    ),  # fmt: skip
    "ha_no_nodes": (
        "Inga noder är registrerade än. Börja med att registrera en nod.",
        "No nodes are enrolled yet. Start by enrolling a node.",
    ),  # fmt: skip
    "ha_keys_of": ("Nycklar för {node}", "Keys of {node}"),
    "ha_col_fingerprint": ("Fingeravtryck", "Fingerprint"),
    "ha_col_state": ("Läge", "State"),
    "ha_col_vouched": ("Gått i god för av", "Vouched for by"),
    "ha_col_enrolled": ("Registrerad", "Enrolled"),
    "ha_col_bundles": ("Paket", "Bundles"),
    "ha_col_action": ("Åtgärd", "Action"),
    "ha_state_aktiv": ("aktiv", "active"),
    "ha_state_spärrad": ("spärrad", "revoked"),
    "ha_state_utbytt": ("utbytt", "rotated"),
    "ha_state_since": ("{state} {when}", "{state} {when}"),
    "ha_bundles_kept": (
        "{n} paket mottagna före spärren finns kvar, markerade.",
        "{n} bundles received before the revocation remain, marked.",
    ),  # fmt: skip
    "ha_this_hub": ("detta nav ({hub})", "this hub ({hub})"),
    "ha_last_bundle": (
        "Senaste paket: nummer {seq}, mottaget {when} ({via}).",
        "Last bundle: number {seq}, received {when} ({via}).",
    ),  # fmt: skip
    "ha_no_bundle": ("Inga paket mottagna än.", "No bundles received yet."),
    "ha_via_direct": ("över nätet", "over the network"),
    "ha_via_upload": ("uppladdad fil", "uploaded file"),
    "ha_via_import": ("importerad fil", "imported file"),
    "ha_via_reindex": ("återindexerad", "re-indexed"),
    "ha_revoke_key": ("Spärra", "Revoke"),
    "ha_revoke_key_sr": (
        "nyckeln {fp} för {node}",
        "the key {fp} of {node}",
    ),  # fmt: skip
    "ha_revoke_all": ("Spärra alla nycklar för {node}", "Revoke every key of {node}"),
    "ha_hubs_title": ("Betrodda nav", "Trusted hubs"),
    "ha_hubs_lead": (
        "Nav vars registreringar av noder detta nav godtar.",
        "Hubs whose node enrolments this hub accepts.",
    ),  # fmt: skip
    "ha_no_hubs": ("Inga betrodda nav.", "No trusted hubs."),
    "ha_col_hub": ("Nav", "Hub"),
    "ha_done_enrolled": (
        "Noden {id} är registrerad. Dess paket tas nu emot.",
        "The node {id} is enrolled. Its bundles are accepted now.",
    ),  # fmt: skip
    "ha_done_trusted": (
        "Navet litar nu på {id}; dess registreringar av noder godtas.",
        "The hub now trusts {id}; its node enrolments are accepted.",
    ),  # fmt: skip
    "ha_done_revoked": (
        "Nyckeln är spärrad för {id}. Nya paket med den nekas.",
        "The key of {id} is revoked. New bundles under it are refused.",
    ),  # fmt: skip
    # enrol a node / trust a hub
    "ha_enroll_title_node": ("Registrera en nod", "Enrol a node"),
    "ha_enroll_title_hub": ("Lita på ett regionalt nav", "Trust a regional hub"),
    "ha_enroll_lead_node": (
        "Förbundet kör 'lexheller node key' och skickar dig nodens id och publika nyckel. "
        "Klistra in dem här. Innan nyckeln sparas får du kontrollera fingeravtrycket med "
        "förbundet.",
        "The association runs 'lexheller node key' and sends you the node's id and public key. "
        "Paste them here. Before the key is saved you check its fingerprint with the "
        "association.",
    ),
    "ha_enroll_lead_hub": (
        "För ett nationellt nav: ett regionalt nav som du litar på skickar vidare det det "
        "godtagit och går i god för sina noders nycklar. Det regionala navet visar sitt id "
        "och sin publika nyckel med 'lexheller hub key'.",
        "For a national hub: a regional hub you trust forwards what it accepted and vouches "
        "for its nodes' keys. The regional hub shows its id and public key with "
        "'lexheller hub key'.",
    ),
    "ha_f_id_node": ("Nodens id", "The node's id"),
    "ha_f_id_hub": ("Navets id", "The hub's id"),
    "ha_f_id_hint": ("Till exempel {example}.", "For example {example}."),
    "ha_f_key": ("Publik nyckel", "Public key"),
    "ha_f_key_hint": (
        "Hela raden som börjar med ed25519:",
        "The whole line that starts with ed25519:",
    ),  # fmt: skip
    "ha_check_button": ("Visa fingeravtrycket", "Show the fingerprint"),
    "ha_confirm_heading": ("Kontrollera fingeravtrycket", "Check the fingerprint"),
    "ha_fp_label": ("Fingeravtryck för {id}", "Fingerprint of {id}"),
    "ha_confirm_lead_node": (
        "Ring förbundet (eller träffas) och be dem läsa upp fingeravtrycket som "
        "'lexheller node key' visar hos dem. Jämför grupp för grupp. Stämmer det inte: "
        "registrera inte nyckeln, utan be förbundet skicka den igen.",
        "Phone the association (or meet) and ask them to read aloud the fingerprint that "
        "'lexheller node key' shows them. Compare group by group. If it does not match, do not "
        "enrol the key; ask the association to send it again.",
    ),
    "ha_confirm_lead_hub": (
        "Ring det regionala navets administratör och be hen läsa upp fingeravtrycket som "
        "'lexheller hub init' visade. Jämför grupp för grupp. Stämmer det inte: lita inte på "
        "nyckeln.",
        "Phone the regional hub's administrator and ask them to read aloud the fingerprint "
        "that 'lexheller hub init' showed. Compare group by group. If it does not match, do "
        "not trust the key.",
    ),
    "ha_confirm_box_node": (
        "Jag har jämfört fingeravtrycket med förbundet utanför nätet (till exempel per "
        "telefon) och det stämmer.",
        "I have compared the fingerprint with the association outside the network (for "
        "example by phone) and it matches.",
    ),
    "ha_confirm_box_hub": (
        "Jag har jämfört fingeravtrycket med navets administratör utanför nätet (till exempel "
        "per telefon) och det stämmer.",
        "I have compared the fingerprint with the hub's administrator outside the network "
        "(for example by phone) and it matches.",
    ),
    "ha_confirm_button_node": ("Registrera noden", "Enrol the node"),
    "ha_confirm_button_hub": ("Lita på navet", "Trust the hub"),
    "ha_cancel": ("Avbryt", "Cancel"),
    "ha_e_id_node": (
        "Skriv nodens id med 2–63 tecken a–z, 0–9 och '-', precis som förbundet angav det "
        "(det visas av 'lexheller node key').",
        "Write the node's id with 2–63 characters a–z, 0–9 and '-', exactly as the "
        "association gave it (shown by 'lexheller node key').",
    ),
    "ha_e_id_hub": (
        "Skriv navets id med 2–63 tecken a–z, 0–9 och '-' (det visas av "
        "'lexheller hub key').",
        "Write the hub's id with 2–63 characters a–z, 0–9 and '-' (shown by "
        "'lexheller hub key').",
    ),
    "ha_e_key": (
        "Den publika nyckeln gick inte att läsa. Kopiera hela raden som börjar med ed25519: "
        "en gång till och klistra in den utan mellanslag eller radbrytningar.",
        "The public key could not be read. Copy the whole line that starts with ed25519: once "
        "more and paste it without spaces or line breaks.",
    ),
    "ha_e_key_other_node": (
        "Nyckeln är redan registrerad för noden {node}. Kontrollera att du fick rätt nyckel; "
        "varje nod har en egen.",
        "The key is already enrolled for the node {node}. Check that you got the right key; "
        "every node has its own.",
    ),
    "ha_e_key_known": (
        "Nyckeln är redan registrerad för {node}. Inget behöver göras.",
        "The key is already enrolled for {node}. Nothing needs to be done.",
    ),  # fmt: skip
    "ha_e_not_checked_node": (
        "Kryssa i rutan när du har jämfört fingeravtrycket med förbundet. Stämmer det inte, "
        "registrera inte nyckeln.",
        "Tick the box once you have compared the fingerprint with the association. If it "
        "does not match, do not enrol the key.",
    ),
    "ha_e_not_checked_hub": (
        "Kryssa i rutan när du har jämfört fingeravtrycket med navets administratör. Stämmer "
        "det inte, lita inte på nyckeln.",
        "Tick the box once you have compared the fingerprint with the hub's administrator. "
        "If it does not match, do not trust the key.",
    ),
    # revoke
    "ha_revoke_title": ("Spärra nyckel för {node}", "Revoke a key of {node}"),
    "ha_revoke_lead": (
        "Spärra en nyckel som har kommit bort, läckt eller inte längre används. Paket som "
        "signeras med den efter spärren nekas (HTTP 403).",
        "Revoke a key that was lost, leaked or is no longer used. Bundles signed with it "
        "after the revocation are refused (HTTP 403).",
    ),
    "ha_revoke_kept": (
        "Paket som navet redan har tagit emot med nyckeln ({n} st) finns kvar och visas som "
        "mottagna under en spärrad nyckel.",
        "Bundles the hub has already received under the key ({n}) remain and are shown as "
        "received under a revoked key.",
    ),
    "ha_revoke_box": ("Ja, spärra nyckeln. Det går inte att ångra.",
                      "Yes, revoke the key. It cannot be undone."),  # fmt: skip
    "ha_revoke_button": ("Spärra nyckeln", "Revoke the key"),
    "ha_e_not_confirmed_revoke": (
        "Kryssa i rutan för att bekräfta spärren. Inget är spärrat än.",
        "Tick the box to confirm the revocation. Nothing is revoked yet.",
    ),  # fmt: skip
    # upload
    "ha_upload_title": ("Ladda upp en signerad fil", "Upload a signed file"),
    "ha_upload_lead": (
        "För paket som bärs för hand, till exempel när förbundets nod inte når navet: "
        "förbundet kör 'lexheller node publish --out FIL' och ger dig filen. Ett nyckelbyte "
        "från 'lexheller node rotate-key' laddas upp på samma sätt. Filen kontrolleras "
        "precis som när den skickas över nätet.",
        "For bundles carried by hand, for example when the association's node cannot reach "
        "the hub: the association runs 'lexheller node publish --out FILE' and gives you the "
        "file. A key rotation from 'lexheller node rotate-key' is uploaded the same way. The "
        "file is checked exactly as when it is sent over the network.",
    ),
    "ha_f_file": ("Signerad fil", "Signed file"),
    "ha_f_file_hint": ("Högst {limit} kB.", "At most {limit} kB."),
    "ha_upload_button": ("Ladda upp och kontrollera", "Upload and check"),
    "ha_result_ok": ("Filen {file} togs emot", "The file {file} was accepted"),
    "ha_result_refused": ("Filen {file} nekades", "The file {file} was refused"),
    "ha_result_nothing_saved": (
        "Inget från filen har sparats. Be förbundet publicera igen och ge dig den nya filen.",
        "Nothing from the file was saved. Ask the association to publish again and give you "
        "the new file.",
    ),
    "ha_result_status": ("Svar (HTTP)", "Answer (HTTP)"),
    "ha_result_node": ("Nod", "Node"),
    "ha_result_sequence": ("Paketnummer", "Bundle number"),
    "ha_result_digest": ("Kontrollsumma (SHA-256)", "Checksum (SHA-256)"),
    "ha_e_no_file": ("Välj en fil att ladda upp.", "Choose a file to upload."),
    "ha_e_file_too_large": (
        "Filen är större än {limit} kB och kan inte vara ett paket. Kontrollera att du valde "
        "rätt fil.",
        "The file is larger than {limit} kB and cannot be a bundle. Check that you chose the "
        "right file.",
    ),
    # the admin log
    "ha_log_title": ("Administrationens logg", "Administration log"),
    "ha_log_lead": (
        "Vem som gjorde vad och när, senaste först (högst 500 rader). Loggen går bara att "
        "lägga till i, och varje rad bär kontrollsumman av raden före.",
        "Who did what and when, newest first (at most 500 lines). The log can only be "
        "appended to, and every line carries the checksum of the line before.",
    ),
    "ha_log_ok": ("Loggens kedja är obruten.", "The log's chain is unbroken."),
    "ha_log_bad": (
        "Loggens kedja är bruten på {n} ställen: rader har ändrats eller tagits bort.",
        "The log's chain is broken in {n} places: lines were changed or removed.",
    ),  # fmt: skip
    "ha_log_empty": ("Loggen är tom.", "The log is empty."),
    "ha_col_when": ("När", "When"),
    "ha_col_who": ("Vem", "Who"),
    "ha_col_what": ("Vad", "What"),
    "ha_col_subject": ("Gäller", "Concerns"),
    "ha_col_details": ("Detaljer", "Details"),
    "ha_action_inloggad": ("loggade in", "logged in"),
    "ha_action_utloggad": ("loggade ut", "logged out"),
    "ha_action_inloggning_last": ("inloggningen låstes", "login locked"),
    "ha_action_anvandare_skapad": ("konto skapat", "account created"),
    "ha_action_losenord_satt": ("nytt lösenord", "new password"),
    "ha_action_anvandare_aktiv": ("konto aktiverat/avaktiverat", "account (de)activated"),
    "ha_action_nod_registrerad": ("nod registrerad", "node enrolled"),
    "ha_action_nav_betrott": ("nav betrott", "hub trusted"),
    "ha_action_nyckel_sparrad": ("nyckel spärrad", "key revoked"),
    "ha_action_paket_uppladdat": ("paket uppladdat", "bundle uploaded"),
    "ha_action_rotation_uppladdad": ("nyckelbyte uppladdat", "key rotation uploaded"),
    # errors
    "ha_400_title": ("Formuläret kunde inte tas emot", "The form could not be accepted"),
    "ha_400": (
        "Formuläret hade gått ut eller kom inte från den här sidan. Inget har sparats. "
        "Gå tillbaka, ladda om sidan och försök igen.",
        "The form had expired or did not come from this page. Nothing was saved. "
        "Go back, reload the page and try again.",
    ),
    "ha_404_title": ("Sidan finns inte", "Page not found"),
    "ha_404": (
        "Noden, nyckeln eller sidan finns inte. Gå till listan över noder.",
        "The node, key or page does not exist. Go to the list of nodes.",
    ),  # fmt: skip
    "ha_413_title": ("Filen är för stor", "The file is too large"),
    "ha_413": (
        "Det du skickade var större än navet tar emot ({limit} kB). Inget har sparats. "
        "Kontrollera att du valde rätt fil.",
        "What you sent was larger than the hub accepts ({limit} kB). Nothing was saved. "
        "Check that you chose the right file.",
    ),
    "ha_429_title": ("För många försök", "Too many attempts"),
    "ha_429": (
        "Navet har fått många inloggningsförsök från din adress. Vänta en stund och försök "
        "igen.",
        "The hub has received many login attempts from your address. Wait a while and try "
        "again.",
    ),
})  # fmt: skip
