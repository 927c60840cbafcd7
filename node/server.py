"""The node's web server: the public reporting form at /, the staff pages and the förbund's own
dashboard on exact data under /personal/, /healthz, and the loopback control endpoint."""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from dashboards.app import create_dash
from common import control
from common.web.security import trust_proxies
from node.datasource import NodeSource
from node.runtime import Node
from node.web import setup_web
from node.web.public import PublicState, register_public
from node.web.staff import register_staff, require_login_for
from node.web.staff_reports import register_staff_reports
from node.web.staff_summaries import register_staff_summaries

DASHBOARD = "/personal/dashboard/"


def create_app(
    node: Node,
    token_holder: dict[str, str] | None = None,
    *,
    public_state: PublicState | None = None,
) -> Flask:
    app = Flask("lexheller.node")
    trust_proxies(app, node.config["server"]["trusted_proxies"])

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return jsonify({"ok": True, "node_id": node.id})

    @app.get("/favicon.ico")
    def favicon() -> ResponseReturnValue:
        return "", 204

    control.register(app, token_holder if token_holder is not None else {}, node.operations())
    setup_web(app, node)
    register_public(app, node, public_state)
    register_staff(app, node)
    register_staff_reports(app, node)
    register_staff_summaries(app, node)
    require_login_for(app, [DASHBOARD.rstrip("/")])
    create_dash(app, NodeSource(node.store, node.config), title=node.config["node"]["name"],
                level="node", url_base_pathname=DASHBOARD,
                contact_email=node.config["node"]["contact_email"] or None)  # fmt: skip
    return app
