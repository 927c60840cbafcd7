"""The app composition: a node's or a hub's server with the dashboards mounted.

node/, hub/ and dashboards/ never import each other; this module, at the top, joins them: the
node's own dashboard on its exact data under /personal/dashboard/ (behind the staff login the
node sets up), the hub's comparative dashboards at /.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from hub.runtime import Hub
    from node.runtime import Node


def node_app(node: Node, token_holder: dict[str, str] | None = None, **kwargs: Any) -> Flask:
    from dashboards.app import create_dash
    from node.datasource import NodeSource
    from node.server import DASHBOARD, create_app

    app = create_app(node, token_holder, **kwargs)
    create_dash(app, NodeSource(node.store, node.config), title=node.config["node"]["name"],
                level="node", url_base_pathname=DASHBOARD,
                contact_email=node.config["node"]["contact_email"] or None)  # fmt: skip
    return app


def hub_app(hub: Hub, token_holder: dict[str, str] | None = None, **kwargs: Any) -> Flask:
    from dashboards.app import create_dash
    from hub.datasource import HubSource
    from hub.server import create_app

    app = create_app(hub, token_holder, **kwargs)
    create_dash(app, HubSource(hub.store, hub.trust, hub.releases), title=hub.config["hub"]["name"],
                level=hub.config["hub"]["level"],
                contact_email=hub.config["hub"]["contact_email"] or None)  # fmt: skip
    return app
