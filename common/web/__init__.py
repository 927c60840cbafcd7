"""The web kit every server's pages share: layout, static files, language, CSRF, security.

:func:`setup_site` installs, once per app, the ``web`` blueprint that serves ``templates/``
(``base.html`` is the layout every page extends) and ``static/`` (``lexheller.css``,
``staff.css``), the page language, CSRF tokens signed with the folder's web secret, and the
template context (``t``, ``lang``, ``node_name``, ``synthetic``, ``csrf_token`` ...). A node's
public and staff pages and a hub's admin pages then add their own blueprints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request

from common.web import i18n
from common.web.security import Csrf, web_secret

EXTENSION = "lexheller.web"
STAFF_CSS = (Path(__file__).parent / "static" / "staff.css").read_text(encoding="utf-8")
"""The staff and admin pages' extra CSS: wider pages for case lists, logs and tables."""


@dataclass
class WebState:
    node: Any  # the Node (or, for the hub's admin pages, the Hub) that serves the pages
    secret: bytes
    csrf: Csrf


def current_lang() -> str:
    """The language of the current request (see :mod:`common.web.i18n`)."""
    if "lang" not in g:
        g.lang = i18n.choose_lang(request)
    return g.lang


def web_state(app: Flask | None = None) -> WebState:
    return (app or current_app).extensions[EXTENSION]


def setup_site(app: Flask, owner: Any, folder: Path, name: str, synthetic: bool) -> WebState:
    """Install the shared layout for any folder: `name` heads every page, the secret is the folder's."""
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
