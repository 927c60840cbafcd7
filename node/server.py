"""The node's web server: the public reporting form at /, the staff pages under /personal/,
/healthz, and the loopback control endpoint. The förbund's own dashboard (exact data) is
mounted at :data:`DASHBOARD` by :func:`lexheller.apps.node_app`, behind the staff login set up
here."""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from common import control
from common.metrics import Metrics, node_gauges
from common.web.errors import install_json_errors
from common.web.security import harden, trust_proxies
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
    metrics = Metrics("node", node_gauges(node), node.config["server"]["metrics_token"])
    metrics.install(app)
    harden(app)  # security headers on every response, Dash pages and 404s included
    install_json_errors(app, "/healthz")  # JSON routes answer errors in the one JSON shape

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return jsonify({"ok": True, "node_id": node.id})

    @app.get("/favicon.ico")
    def favicon() -> ResponseReturnValue:
        return "", 204

    control.register(app, token_holder if token_holder is not None else {}, node.operations())
    node.mail.start()  # delivers queued mail in the background when [mail] host is set
    setup_web(app, node)
    register_public(app, node, public_state)
    register_staff(app, node)
    register_staff_reports(app, node)
    register_staff_summaries(app, node)
    require_login_for(app, [DASHBOARD.rstrip("/")])
    return app
