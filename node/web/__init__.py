"""The node's own web pages (public reporting form, staff pages) beside its dashboard.

:func:`setup_web` installs what every page shares, once per app: the ``web`` blueprint that
serves ``templates/`` (``base.html`` is the layout every page extends) and ``static/``
(``lexheller.css``), the page language, CSRF tokens signed with the folder's web secret, and
the template context (``t``, ``lang``, ``node_name``, ``synthetic``, ``csrf_token`` ...).
Page modules then add their own blueprints: ``node.web.public.register_public``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, current_app, g, request

from node.web import i18n
from node.web.security import Csrf, web_secret

if TYPE_CHECKING:
    from node.runtime import Node

EXTENSION = "lexheller.web"


@dataclass
class WebState:
    node: Node
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
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    state = WebState(node, web_secret(node.folder), Csrf(web_secret(node.folder)))
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
            "node_name": node.config["node"]["name"] or node.id,
            "synthetic": bool(node.config["node"]["synthetic"]),
            "csrf_token": state.csrf.token,
        }

    @bp.after_app_request
    def _cookies(response: Response) -> Response:
        i18n.remember_lang(request, response)
        return state.csrf.set_cookie(response)

    app.register_blueprint(bp)
    return state
