"""The enrolment request endpoints of the hub's API (see :mod:`hub.enrolment_requests`).

    POST /api/v1/enrolment-requests          a node's self-signed request   -> 201/200 or error
    POST /api/v1/enrolment-requests/status   its signed "what became of it" -> 200 or error

Both are open to the internet, so both are limited per client address (the real one behind a
trusted proxy); errors have the API's one JSON shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue

from common.web.security import RateLimiter, client_address

if TYPE_CHECKING:
    from hub.runtime import Hub

MAX_REQUEST_BYTES = 16 * 1024
REQUESTS_PER_HOUR = 10
QUERIES_PER_HOUR = 120


def register_enrolment_api(app: Flask, hub: Hub, *, limiter: RateLimiter | None = None) -> None:
    from hub.api import API, error_response

    bp = Blueprint("enrolment_api", __name__, url_prefix=API)
    requests_limit = limiter or RateLimiter(REQUESTS_PER_HOUR, 3600)
    queries_limit = RateLimiter(QUERIES_PER_HOUR, 3600)

    def _body() -> bytes | Response:
        raw = request.stream.read(MAX_REQUEST_BYTES + 1)
        if len(raw) > MAX_REQUEST_BYTES:
            return error_response(413, "too_large",
                                  f"Ansökan är större än {MAX_REQUEST_BYTES} byte.",
                                  f"The request is larger than {MAX_REQUEST_BYTES} bytes.")  # fmt: skip
        return raw

    @bp.post("/enrolment-requests")
    def post_request() -> ResponseReturnValue:
        requests_limit.check("enrolment-request", client_address())
        raw = _body()
        if isinstance(raw, Response):
            return raw
        outcome = hub.enrolments.receive(raw, client_address())
        return jsonify(outcome.to_json()), outcome.status

    @bp.post("/enrolment-requests/status")
    def post_status() -> ResponseReturnValue:
        queries_limit.check("enrolment-status", client_address())
        raw = _body()
        if isinstance(raw, Response):
            return raw
        status, body = hub.enrolments.status(raw)
        return jsonify(body), status

    @bp.after_request
    def _allow(resp: Response) -> Response:
        # OPTIONS would list the API's GET catch-all too; these resources take only POST.
        if request.method == "OPTIONS" and request.url_rule is not None:
            resp.headers["Allow"] = ", ".join(sorted(request.url_rule.methods or ()))
        return resp

    app.register_blueprint(bp)
