"""Prometheus metrics at ``/metrics`` and one structured access-log line per request.

``/metrics`` answers only a client on loopback (after ``TrustedProxies`` has put the real client
in ``REMOTE_ADDR``, so a visitor through the proxy is not "loopback") or one that sends
``Authorization: Bearer <[server] metrics_token>``; anyone else gets 404, as if it did not exist.

Each app has its own registry (tests build many apps in one process). Figures that live in the
database (outbox depth, mail queue, last publication, bundles stored) are read when scraped, so
they are never stale; counters (requests, bundles accepted or refused by code) count in memory
since the server started.

Access log: logger ``lexheller.access``, one record per request with ``extra`` fields (method,
path, status, ms, client); :class:`JsonFormatter` writes records as one JSON object per line
(``LEXHELLER_LOG_FORMAT=json``).
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, abort, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

access_log = logging.getLogger("lexheller.access")
LOOPBACK = ("127.0.0.1", "::1")

Gauge = tuple[str, str, Callable[[], float | None]]
"""(name, help, read) — read() gives the value when scraped; None leaves the gauge out."""


class _Gauges(Collector):
    def __init__(self, gauges: list[Gauge]):
        self.gauges = gauges

    def collect(self) -> Any:
        for name, help_text, read in self.gauges:
            try:
                value = read()
            except Exception:  # a scrape must not fail because one figure cannot be read
                logging.getLogger("lexheller.metrics").exception("metric %s failed", name)
                continue
            if value is not None:
                yield GaugeMetricFamily(name, help_text, value=float(value))


class Metrics:
    """The metrics of one app: request counter, optional bundle outcomes, gauges."""

    def __init__(self, app_kind: str, gauges: list[Gauge], token: str = ""):
        self.kind = app_kind
        self.token = token
        self.registry = CollectorRegistry()
        self.requests = Counter("lexheller_http_requests", "HTTP-anrop / HTTP requests",
                                ["app", "method", "status"], registry=self.registry)  # fmt: skip
        self.bundles = Counter("lexheller_bundles", "Paket som tagits emot eller nekats, per kod "
                               "/ bundles accepted or refused, by code", ["code"],
                               registry=self.registry)  # fmt: skip
        self.registry.register(_Gauges(gauges))

    def allowed(self) -> bool:
        if request.remote_addr in LOOPBACK:
            return True
        given = request.headers.get("Authorization", "")
        return bool(self.token) and hmac.compare_digest(given, f"Bearer {self.token}")

    def install(self, app: Flask) -> None:
        @app.before_request
        def _start() -> None:
            g.lh_started = time.monotonic()

        @app.after_request
        def _count(response: Response) -> Response:
            self.requests.labels(self.kind, request.method, str(response.status_code)).inc()
            ms = (time.monotonic() - g.get("lh_started", time.monotonic())) * 1000
            access_log.info("%s %s %s", request.method, request.path, response.status_code,
                            extra={"app": self.kind, "method": request.method,
                                   "path": request.path, "status": response.status_code,
                                   "ms": round(ms, 1), "client": request.remote_addr})  # fmt: skip
            return response

        @app.get("/metrics")
        def metrics() -> Response:
            if not self.allowed():
                abort(404)
            return Response(generate_latest(self.registry), content_type=CONTENT_TYPE_LATEST)


def count_acceptor(metrics: Metrics, acceptor: Any) -> None:
    """Count every outcome of a hub's acceptor (HTTP, upload and import all pass through it)."""
    accept = acceptor.accept

    def counted(raw: bytes, via: str = "direct") -> Any:
        outcome = accept(raw, via)
        metrics.bundles.labels(outcome.code).inc()
        return outcome

    acceptor.accept = counted


def _epoch(t: Any) -> float | None:
    if t is None:
        return None
    if isinstance(t, datetime):
        return (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()
    return float(t)


def node_gauges(node: Any) -> list[Gauge]:
    """Gauges of a node runtime (``node.runtime.Node``)."""

    def scalar(sql: str) -> Callable[[], float | None]:
        def read() -> float | None:
            with node.store.cursor() as cur:
                row = cur.execute(sql).fetchone()
            return None if row is None or row[0] is None else _epoch(row[0])

        return read

    return [
        ("lexheller_reports", "Anmälningar i noden / reports held",
         scalar("SELECT count(*) FROM reports")),
        ("lexheller_outbox_waiting", "Paket som väntar på att skickas / bundles waiting to be sent",
         lambda: len(node.store.outbox_pending())),
        ("lexheller_mail_waiting", "E-post i kön / mail waiting in the queue",
         scalar("SELECT count(*) FROM mail_queue WHERE sent_at IS NULL AND gave_up_at IS NULL")),
        ("lexheller_mail_gave_up", "E-post som gavs upp / mail given up",
         scalar("SELECT count(*) FROM mail_queue WHERE gave_up_at IS NOT NULL")),
        ("lexheller_last_publish_timestamp_seconds",
         "Senaste publicering (Unix-tid) / last publication (Unix time)",
         scalar("SELECT max(created) FROM publications")),
        ("lexheller_publications", "Publiceringar i liggaren / publications in the ledger",
         scalar("SELECT count(*) FROM publications")),
    ]  # fmt: skip


def hub_gauges(hub: Any) -> list[Gauge]:
    """Gauges of a hub runtime (``hub.runtime.Hub``)."""

    def scalar(sql: str) -> Callable[[], float | None]:
        def read() -> float | None:
            with hub.store.cursor() as cur:
                row = cur.execute(sql).fetchone()
            return None if row is None or row[0] is None else _epoch(row[0])

        return read

    return [
        ("lexheller_bundles_stored", "Lagrade paket / bundles stored",
         scalar("SELECT count(*) FROM bundles")),
        ("lexheller_nodes_publishing", "Noder med minst ett paket / nodes with a bundle",
         scalar("SELECT count(DISTINCT node_id) FROM bundles")),
        ("lexheller_forward_waiting", "Väntar på att skickas uppströms / waiting to go upstream",
         scalar("SELECT count(*) FROM forward_queue WHERE sent_at IS NULL")),
    ]  # fmt: skip


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra`` fields."""

    STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        out = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
               "level": record.levelname, "logger": record.name, "message": record.getMessage()}  # fmt: skip
        out.update({k: v for k, v in record.__dict__.items() if k not in self.STANDARD})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_server_logs() -> None:
    """While serving: access records at INFO reach the handlers even when the rest logs only
    warnings, and ``LEXHELLER_LOG_FORMAT=json`` makes every handler write JSON lines."""
    import os

    access_log.setLevel(logging.INFO)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING)
    if os.environ.get("LEXHELLER_LOG_FORMAT", "").lower() == "json":
        for handler in root.handlers:
            handler.setFormatter(JsonFormatter())
