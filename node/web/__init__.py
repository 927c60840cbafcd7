"""The node's own web pages (public reporting form, staff pages) beside its dashboard.

:func:`setup_web` installs what every page shares, once per app: the ``web`` blueprint that
serves ``templates/`` (``base.html`` is the layout every page extends) and ``static/``
(``lexheller.css``), the page language, CSRF tokens signed with the folder's web secret, and
the template context (``t``, ``lang``, ``node_name``, ``synthetic``, ``csrf_token`` ...).
Page modules then add their own blueprints: ``node.web.public.register_public``.

:func:`setup_site` does the same for any folder that serves pages (the hub's admin pages use
it with the hub's folder and name), so the layout, texts and CSRF are shared, not copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, current_app, g, request

from node.web import i18n
from node.web.security import Csrf, web_secret

if TYPE_CHECKING:
    from node.runtime import Node

EXTENSION = "lexheller.web"


@dataclass
class WebState:
    node: Any  # the Node (or, for the hub's admin pages, the Hub) that serves the pages
    secret: bytes
    csrf: Csrf


def current_lang() -> str:
    """The language of the current request (see :mod:`node.web.i18n`)."""
    if "lang" not in g:
        g.lang = i18n.choose_lang(request)
    return g.lang


def web_state(app: Flask | None = None) -> WebState:
    return (app or current_app).extensions[EXTENSION]


def setup_web(app: Flask, node: Node) -> WebState:
    """Install the shared layout, static files, language and CSRF on `app` (idempotent)."""
    cfg = node.config["node"]
    return setup_site(app, node, node.folder, cfg["name"] or node.id, bool(cfg["synthetic"]))


def setup_site(app: Flask, owner: Any, folder: Path, name: str, synthetic: bool) -> WebState:
    """:func:`setup_web` for any folder: `name` heads every page, the secret is the folder's."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    state = WebState(owner, web_secret(folder), Csrf(web_secret(folder)))
    app.extensions[EXTENSION] = state
    bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/static/lexheller")  # fmt: skip

    @bp.app_context_processor
    def _context() -> dict[str, Any]:
        lang = current_lang()
        return {
            "lang": lang,
            "other_lang": i18n.other_lang(lang),
            "lang_switch_url": i18n.switch_url(request, lang),
            "t": lambda key, **fields: i18n.t(key, lang, **fields),
            "number": lambda value: i18n.number(value, lang),
            "node_name": name,
            "synthetic": synthetic,
            "csrf_token": state.csrf.token,
        }

    @bp.after_app_request
    def _cookies(response: Response) -> Response:
        i18n.remember_lang(request, response)
        return state.csrf.set_cookie(response)

    app.register_blueprint(bp)
    return state
