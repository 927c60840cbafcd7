"""The node's web server: its own dashboard on exact data, /healthz, the control endpoint."""

from __future__ import annotations

from dashboards.app import create_dash
from flask import Flask, jsonify

from lexheller import control
from node.datasource import NodeSource
from node.runtime import Node


def create_app(node: Node, token_holder: dict[str, str] | None = None) -> Flask:
    app = Flask("lexheller.node")

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"ok": True, "node_id": node.id})

    control.register(app, token_holder if token_holder is not None else {}, node.operations())
    create_dash(app, NodeSource(node.store, node.config), title=node.config["node"]["name"],
                level="node")  # fmt: skip
    return app
