"""The hub's web server: the API under /api/v1, /healthz and the admin pages; the dashboards are
mounted at / by :func:`lexheller.apps.hub_app`."""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from common import control
from common.accounts import Accounts
from common.metrics import Metrics, count_acceptor, hub_gauges
from common.web.security import harden, trust_proxies
from hub.admin import register_admin
from hub.api import create_api, install_error_handlers
from hub.runtime import Hub


def create_app(
    hub: Hub, token_holder: dict[str, str] | None = None, *, admin_accounts: Accounts | None = None
) -> Flask:
    app = Flask("lexheller.hub")
    trust_proxies(app, hub.config["server"]["trusted_proxies"])
    metrics = Metrics("hub", hub_gauges(hub), hub.config["server"]["metrics_token"])
    metrics.install(app)
    count_acceptor(metrics, hub.acceptor)
    harden(app)  # security headers on every response, Dash pages and 404s included
    app.config["MAX_CONTENT_LENGTH"] = int(hub.config["policy"]["max_bundle_bytes"]) + 1024
    app.register_blueprint(create_api(hub))
    from hub.enrolment_api import register_enrolment_api

    register_enrolment_api(app, hub)
    install_error_handlers(app)

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return jsonify({"ok": True, "hub_id": hub.id, "level": hub.config["hub"]["level"]})

    register_admin(app, hub, accounts=admin_accounts)
    control.register(app, token_holder if token_holder is not None else {}, hub.operations())
    return app
