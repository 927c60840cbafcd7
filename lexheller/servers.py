"""Serving a node's or a hub's folder: build the app, start background work, serve until stopped."""

from __future__ import annotations

from pathlib import Path


def serve_node(folder: Path, port: int | None = None) -> None:
    from common.serving import serve_folder
    from lexheller.apps import node_app
    from node.runtime import Node

    node = Node(Path(folder))
    token: dict[str, str] = {}
    try:
        app = node_app(node, token)
        node.start_outbox_sender()
        port = port if port is not None else int(node.config["server"]["port"])
        serve_folder(node.folder, app, node.config["server"]["host"], port, token,
                     on_ready=lambda url: print(f"Noden {node.id} kör på {url}/", flush=True))  # fmt: skip
    finally:
        node.close()


def serve_hub(folder: Path, port: int | None = None) -> None:
    from common.serving import serve_folder
    from hub.runtime import Hub
    from lexheller.apps import hub_app

    hub = Hub(Path(folder))
    token: dict[str, str] = {}
    try:
        app = hub_app(hub, token)
        if hub.forwarder:
            hub.forwarder.start()
        port = port if port is not None else int(hub.config["server"]["port"])
        serve_folder(hub.folder, app, hub.config["server"]["host"], port, token,
                     on_ready=lambda url: print(f"Navet {hub.id} kör på {url}/", flush=True))  # fmt: skip
    finally:
        hub.close()


def serve_aggregator(folder: Path, port: int | None = None) -> None:
    from aggregator.runtime import Aggregator
    from aggregator.server import create_app
    from common.serving import serve_folder

    agg = Aggregator(Path(folder))
    token: dict[str, str] = {}
    try:
        app = create_app(agg, token)
        port = port if port is not None else int(agg.config["server"]["port"])
        serve_folder(agg.folder, app, agg.config["server"]["host"], port, token,
                     on_ready=lambda url: print(f"Aggregatorn {agg.id} (part {agg.party}) kör på {url}/",
                                                flush=True))  # fmt: skip
    finally:
        agg.close()
