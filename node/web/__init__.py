"""The node's own web pages (public reporting form, staff pages) beside its dashboard.

:func:`setup_web` installs the shared web kit (:mod:`common.web`) with the node's folder and
name, and the node's own templates (``public/``, ``staff/``). Page modules then add their own
blueprints: ``node.web.public.register_public``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, Flask

from common.web import WebState, current_lang, setup_site, web_state

if TYPE_CHECKING:
    from node.runtime import Node

__all__ = ["WebState", "current_lang", "setup_web", "web_state"]


def setup_web(app: Flask, node: Node) -> WebState:
    """Install the shared layout, static files, language and CSRF on `app` (idempotent)."""
    cfg = node.config["node"]
    state = setup_site(app, node, node.folder, cfg["name"] or node.id, bool(cfg["synthetic"]))
    if "node_web" not in app.blueprints:
        app.register_blueprint(Blueprint("node_web", __name__, template_folder="templates"))
    return state
