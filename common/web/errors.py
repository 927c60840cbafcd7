"""The one JSON error shape, sent: every JSON endpoint of the node, the hub, the aggregator
and the control endpoint answers an error with `common.errors.error_body`.

``error_response`` sends a body made here; ``error_response_of`` sends a `LexHellerError`
(rendered once, in both languages, with its "what to do"); ``http_error_response`` turns a
werkzeug HTTP error (wrong method, unknown path, too large) into the same shape, its texts
from the catalogs (``err_http_<status>``), and ``install_json_errors`` makes an app answer its
JSON paths' HTTP errors so. ``tests/test_error_shape.py`` walks the URL maps.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from common.errors import LexHellerError, error_body, error_body_of
from common.i18n import has, t

__all__ = ["error_body", "error_response", "error_response_of", "http_error_response",
           "install_json_errors", "message_response", "page_hint"]


def error_response(status: int, code: str, sv: str, en: str, errors: list[str] | None = None,
                   hint: tuple[str, str] | None = None) -> Response:  # fmt: skip
    resp = jsonify(error_body(status, code, sv, en, errors, hint))
    resp.status_code = status
    return resp


def error_response_of(error: LexHellerError, status: int = 400) -> Response:
    resp = jsonify(error_body_of(error, status))
    resp.status_code = status
    return resp


def http_error_response(e: HTTPException) -> Response:
    """A werkzeug HTTP error in the one shape: what the status means and what to do."""
    status = e.code or 500
    code = (e.name or "error").lower().replace(" ", "_")
    key = f"err_http_{status}" if has(f"err_http_{status}") else "err_http_other"
    hint_key = key + "_hint"
    hint = (t(hint_key, "sv"), t(hint_key, "en")) if has(hint_key) else None
    resp = error_response(status, code, t(key, "sv", status=status),
                          t(key, "en", status=status), hint=hint)  # fmt: skip
    for name, value in e.get_headers():
        if name.lower() != "content-type":
            resp.headers[name] = value
    return resp


_JSON_PATHS = "lexheller_json_paths"


def install_json_errors(app: Flask, *prefixes: str) -> None:
    """Answer HTTP errors (unknown path, wrong method, too large) on paths starting with one
    of `prefixes` in the one JSON shape; pages keep theirs. Each part of an app adds its own
    prefixes (the hub its API, the control endpoint ``/_control/``, the node its job status)
    and one handler serves them all."""
    paths: list[str] = app.extensions.setdefault(_JSON_PATHS, [])
    first = not paths
    paths.extend(p for p in prefixes if p not in paths)
    if not first:
        return

    @app.errorhandler(HTTPException)
    def _json_http_error(e: HTTPException) -> ResponseReturnValue:
        if request.path.startswith(tuple(app.extensions[_JSON_PATHS])):
            return http_error_response(e)
        return e


def message_response(status: int, code: str, key: str, **fields: Any) -> Response:
    """An error whose texts are the catalog's message `key` and its hint ``<key>_hint``, filled
    with `fields`; `code` is the endpoint's stable error code (an API contract, kept apart)."""
    e = LexHellerError.of(key, **fields)
    hint_sv, hint_en = e.hint("sv"), e.hint("en")
    return error_response(status, code, e.sv, e.en,
                          hint=(hint_sv, hint_en or hint_sv) if hint_sv else None)  # fmt: skip


PAGE_HINT_SUFFIX = "_page_hint"


def page_hint(error: LexHellerError, lang: str) -> str | None:
    """What a person at a web page can do about `error`, or None.

    A hint written for the command line names a ``lexheller`` command, which a person at a
    login page cannot run: such an error shows its ``<id>_page_hint`` when the catalogs have one
    (e.g. ask an administrator), otherwise no hint at all."""
    if error.coded and has(error.code + PAGE_HINT_SUFFIX):
        return t(error.code + PAGE_HINT_SUFFIX, lang, **error.params)
    hint = error.hint(lang)
    return hint if hint and "lexheller " not in hint else None
