"""The hub's HTTP API under /api/v1. Every error has the one JSON shape of
`common.errors.error_body`:

{"ok": false, "status": 422, "error": "bad_signature", "message": "...(sv)",
 "message_en": "...", "errors": [...], "hint": "...(sv)", "hint_en": "..."}
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from importlib import resources
from typing import Any

import polars as pl
from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from common.errors import error_body
from common.i18n import pair
from common.web.errors import error_response, install_json_errors, message_response
from hub import translog
from hub.accept import Refused
from hub.federation import accept_enrolment
from hub.releases import totals
from hub.runtime import Hub
from hub.workgroup import FetchGate
from schemas.wire import encode_public_key, fingerprint, key_id

API = "/api/v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PERIOD = re.compile(r"[0-9]{4}(-Q[1-4])?")
TABLES = ("total", "problemtyp", "aktor", "niva", "organisation", "status",
          "problemtyp_x_aktor", "aktor_x_niva")  # fmt: skip
AGGREGATE_ARGS: dict[str, tuple[str, ...]] = {
    "format": ("json", "csv"), "period_kind": ("year", "quarter", "month"),
    "period": (), "node_id": (), "lan": (),
}  # fmt: skip

__all__ = ["API", "create_api", "error_body", "error_response", "install_error_handlers"]


def openapi_document() -> dict[str, Any]:
    return json.loads(resources.files("hub").joinpath("openapi.json").read_text("utf-8"))


def create_api(hub: Hub) -> Blueprint:
    bp = Blueprint("api", __name__, url_prefix=API)
    max_bytes = int(hub.config["policy"]["max_bundle_bytes"])

    def _read_body() -> bytes | Response:
        length = request.content_length
        if length is not None and length > max_bytes:
            return message_response(413, "too_large", "err_api_too_large", limit=max_bytes)
        raw = request.stream.read(max_bytes + 1)
        if len(raw) > max_bytes:
            return message_response(413, "too_large", "err_api_too_large", limit=max_bytes)
        return raw

    @bp.post("/bundles")
    def post_bundle() -> ResponseReturnValue:
        raw = _read_body()
        if isinstance(raw, Response):
            return raw
        outcome = hub.accept(raw)
        return jsonify(outcome.to_json()), outcome.status

    @bp.post("/enrolments")
    def post_enrolment() -> ResponseReturnValue:
        raw = _read_body()
        if isinstance(raw, Response):
            return raw
        outcome = accept_enrolment(raw, hub.trust, hub.folder)
        return jsonify(outcome.to_json()), outcome.status

    def _statements(kind: str) -> ResponseReturnValue:
        folder = hub.folder / kind
        names = sorted(p.stem for p in folder.glob("*.json")) if folder.exists() else []
        return jsonify({"ok": True, "statements": [
            {"digest": n, "url": f"{API}/{kind}/{n}"} for n in names]})  # fmt: skip

    @bp.get("/enrolments")
    def list_enrolments() -> ResponseReturnValue:
        return _statements("enrolments")

    @bp.get("/rotations")
    def list_rotations() -> ResponseReturnValue:
        return _statements("rotations")

    @bp.get("/<any(enrolments, rotations):kind>/<digest>")
    def statement(kind: str, digest: str) -> ResponseReturnValue:
        path = hub.folder / kind / f"{digest}.json"
        if not _HEX64.fullmatch(digest) or not path.exists():
            return message_response(404, "not_found", "err_api_no_statement", kind=kind)
        return Response(path.read_bytes(), mimetype="application/json")

    @bp.post("/rotations")
    def post_rotation() -> ResponseReturnValue:
        raw = _read_body()
        if isinstance(raw, Response):
            return raw
        outcome = hub.rotate(raw)
        return jsonify(outcome.to_json()), outcome.status

    @bp.get("/nodes")
    def nodes() -> ResponseReturnValue:
        summary = {r["node_id"]: r for r in hub.store.node_summary().to_dicts()}
        out = []
        for node_id, n in sorted(hub.trust.nodes().items()):
            s = summary.get(node_id, {})
            out.append({
                "node_id": node_id,
                "name": s.get("node_name") or n["info"].get("name"),
                "lan": s.get("lan") or (n["info"].get("lan") or [None])[0],
                "population": s.get("population"),
                "bundles": s.get("bundles", 0),
                "last_published": _iso(s.get("last_published")),
                "synthetic": s.get("synthetic"),
                "keys": [{"keyid": k["keyid"], "fingerprint": k["fingerprint"],
                          "vouched_by": k["vouched_by"], "enrolled_at": k["enrolled_at"],
                          "revoked_at": k["revoked_at"], "rotated_at": k.get("rotated_at"),
                          "rotated_from": k.get("rotated_from")} for k in n["keys"]],
            })  # fmt: skip
        return jsonify({"ok": True, "hub_id": hub.id, "nodes": out})

    @bp.get("/bundles")
    def bundles() -> ResponseReturnValue:
        node_id = request.args.get("node_id")
        rows = [
            {**{k: _iso(v) for k, v in b.items()}, "url": f"{API}/bundles/{b['digest']}"}
            for b in hub.store.bundles(node_id)
        ]
        return jsonify({"ok": True, "bundles": rows})

    @bp.get("/bundles/<digest>")
    def bundle(digest: str) -> ResponseReturnValue:
        if not (len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)):
            return message_response(404, "not_found", "err_api_no_bundle")
        path = hub.store.file_path(digest)
        if not path.exists():
            return message_response(404, "not_found", "err_api_no_bundle")
        return Response(path.read_bytes(), mimetype="application/json")

    @bp.get("/aggregates/<table>")
    def aggregates(table: str) -> ResponseReturnValue:
        if table not in TABLES:
            return message_response(404, "unknown_table", "err_api_unknown_table", table=table,
                                    tables=", ".join(TABLES))  # fmt: skip
        filters: dict[str, str] = {}
        for arg, allowed in AGGREGATE_ARGS.items():
            values = request.args.getlist(arg)
            if not values:
                continue
            if len(values) > 1 or (allowed and values[0] not in allowed):
                if allowed:
                    return message_response(400, "bad_parameter", "err_api_bad_choice", arg=arg,
                                            allowed=", ".join(allowed))  # fmt: skip
                return message_response(400, "bad_parameter", "err_api_bad_parameter", arg=arg)
            filters[arg] = values[0]
        cells = hub.store.latest_cells()
        cells = cells.filter(cells["table"] == table)
        for arg in ("period", "period_kind", "node_id", "lan"):
            if arg in filters:
                cells = cells.filter(cells[arg] == filters[arg])
        cells = cells.sort(["node_id", "period", "dim1", "dim2"], nulls_last=True)
        if filters.get("format") == "csv":
            # Codes come from remote nodes: one spelled like a formula stays text in a sheet
            # (a lone "-", the unclassified code, is no formula and stays as it is).
            cells = cells.with_columns([
                pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]."))
                .then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
                for c, dtype in cells.schema.items() if dtype == pl.String
            ])  # fmt: skip
            buf = io.BytesIO()
            cells.write_csv(buf, null_value="..")
            return Response(buf.getvalue(), mimetype="text/csv; charset=utf-8",
                            headers={"Content-Disposition":
                                     f"attachment; filename=lexheller-{table}.csv"})  # fmt: skip
        return jsonify({"ok": True, "table": table, "cells": cells.to_dicts()})

    @bp.post("/shares")
    def post_shares() -> ResponseReturnValue:
        raw = _read_body()
        if isinstance(raw, Response):
            return raw
        outcome = hub.shares.accept(raw)
        return jsonify(outcome.to_json()), outcome.status

    @bp.post("/summaries")
    def post_summary() -> ResponseReturnValue:
        """A shared summary or its withdrawal, signed by an enrolled node (hub.workgroup)."""
        raw = _read_body()
        if isinstance(raw, Response):
            return raw
        outcome = hub.workgroup.accept(raw)
        return jsonify(outcome.to_json()), outcome.status

    fetch_gate = FetchGate(hub.trust, key_id(hub.key.public_key()))

    @bp.post("/workgroup/decisions/<node_id>")
    def workgroup_decisions(node_id: str) -> ResponseReturnValue:
        """The working group's decisions on this node's summaries, signed by the hub, for a
        fresh fetch statement signed by that node (hub.workgroup.FetchGate)."""
        from hub.workgroup import signed_decisions

        if node_id not in hub.trust.nodes():
            return message_response(404, "not_found", "err_api_node_not_enrolled")
        raw = _read_body()
        if isinstance(raw, Response):
            return raw
        try:
            fetch_gate.check(raw, node_id)
        except Refused as r:
            return jsonify(r.outcome.to_json()), r.outcome.status
        return Response(signed_decisions(hub, node_id), mimetype="application/json")

    @bp.get("/shares")
    def list_shares() -> ResponseReturnValue:
        return jsonify({"ok": True, "shares": hub.shares.listing(request.args.get("node_id"))})

    @bp.get("/shares/<digest>")
    def shares_file(digest: str) -> ResponseReturnValue:
        path = hub.shares.path(digest)
        if not _HEX64.fullmatch(digest) or not path.exists():
            return message_response(404, "not_found", "err_api_no_shares")
        return Response(path.read_bytes(), mimetype="application/json")

    @bp.post("/releases")
    def post_release() -> ResponseReturnValue:
        raw = _read_body()
        if isinstance(raw, Response):
            return raw
        outcome = hub.releases.receive(raw)
        return jsonify(outcome.to_json()), outcome.status

    @bp.get("/releases")
    def list_releases() -> ResponseReturnValue:
        group = request.args.get("group")
        rows = [{"digest": s.digest, "group": s.release.group.id, "level": s.release.group.level,
                 "period": s.release.period, "revision": s.release.revision,
                 "url": f"{API}/releases/{s.digest}"}
                for s in hub.releases.all() if group is None or s.release.group.id == group]  # fmt: skip
        return jsonify({"ok": True, "releases": rows})

    @bp.get("/releases/<digest>")
    def release_file(digest: str) -> ResponseReturnValue:
        raw = hub.releases.raw(digest) if _HEX64.fullmatch(digest) else None
        if raw is None:
            return message_response(404, "not_found", "err_api_no_release")
        return Response(raw, mimetype="application/json")

    @bp.get("/totals/<table>")
    def group_totals(table: str) -> ResponseReturnValue:
        from common.bounds import cell_bounds  # the same honest bounds the pages show

        if table not in TABLES:
            return message_response(404, "unknown_table", "err_api_unknown_table", table=table,
                                    tables=", ".join(TABLES))  # fmt: skip
        periods = request.args.getlist("period")
        if len(periods) != 1 or not _PERIOD.fullmatch(periods[0]):
            return message_response(400, "bad_parameter", "err_api_bad_period")
        body = totals(hub.releases, hub.store.latest_cells(), hub.trust.nodes(), table,
                      periods[0], cell_bounds)  # fmt: skip
        return jsonify(body)

    @bp.get("/figures")
    def figures() -> ResponseReturnValue:
        return jsonify({"ok": True, "figures": hub.store.latest_figures().to_dicts()})

    @bp.get("/hub")
    def hub_info() -> ResponseReturnValue:
        return jsonify({"ok": True, "hub_id": hub.id, "level": hub.config["hub"]["level"],
                        "name": hub.config["hub"]["name"],
                        "public_key": encode_public_key(hub.key.public_key()),
                        "fingerprint": fingerprint(hub.key.public_key())})  # fmt: skip

    @bp.get("/log/checkpoint")
    def log_checkpoint() -> ResponseReturnValue:
        return Response(translog.checkpoint(hub.store, hub.id, hub.key),
                        mimetype="application/json")  # fmt: skip

    @bp.get("/log/inclusion/<digest>")
    def log_inclusion(digest: str) -> ResponseReturnValue:
        size = request.args.get("size", type=int)
        proof = translog.inclusion(hub.store, digest, size)
        if proof is None:
            return message_response(404, "not_in_log", "err_api_not_in_log")
        return jsonify(proof)

    @bp.get("/log/consistency")
    def log_consistency() -> ResponseReturnValue:
        old = request.args.get("from", type=int)
        new = request.args.get("to", type=int)
        proof = None if old is None or new is None else translog.consistency(hub.store, old, new)
        if proof is None:
            return message_response(400, "bad_range", "err_api_bad_range")
        return jsonify(proof)

    @bp.get("/openapi.json")
    def openapi() -> ResponseReturnValue:
        return jsonify(openapi_document())

    def _own_methods() -> list[str]:
        """The methods the path's own rules take, without the GET catch-all below."""
        adapter = current_app.url_map.bind_to_environ(request.environ)
        found = []
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
            try:
                endpoint, _ = adapter.match(request.path, method=method)
            except HTTPException:
                continue
            if endpoint != "api.unknown":
                found.append(method)
        return found

    @bp.get("/<path:rest>")
    def unknown(rest: str) -> ResponseReturnValue:
        allowed = _own_methods()
        if allowed:
            resp = message_response(405, "method_not_allowed", "err_api_method", rest=rest,
                                    allowed=", ".join(allowed))  # fmt: skip
            resp.headers["Allow"] = ", ".join([*allowed, "OPTIONS"])
            return resp
        return message_response(404, "not_found", "err_api_no_resource", rest=rest)

    @bp.after_request
    def _allow_without_catch_all(resp: Response) -> Response:
        # OPTIONS lists the methods of every rule matching the path, the GET catch-all above
        # included; a POST-only resource advertises only what it takes.
        if request.method == "OPTIONS" and request.endpoint != "api.unknown":
            resp.headers["Allow"] = ", ".join([*_own_methods(), "OPTIONS"])
        return resp

    return bp


def _iso(v: Any) -> Any:
    if isinstance(v, datetime):  # DuckDB gives naive UTC
        return v.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return v


def install_error_handlers(app: Flask) -> None:
    install_json_errors(app, API, "/healthz")  # the admin pages keep their own error pages

    @app.errorhandler(Exception)
    def _internal(e: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", *pair("err_http_500"),
                              hint=pair("err_http_500_hint"))  # fmt: skip
