"""The error tree of the command line and servers, split by whose fault it is.

    LexHellerError           base; a message id, its parameters and a "what to do"
    ├── UsageError           the operator gave a bad command, argument or file
    ├── RemoteRefused        a hub answered with an error (its JSON error is kept)
    └── TransportError       the network failed: hub down, timeout (retry later)

An error names a message of the gettext catalogs (``UsageError.of("err_node_folder_missing",
folder=...)``): the catalogs hold its text under that id and what the reader can do about it
under ``<id>_hint``, in Swedish and English. Nothing is rendered where the error is raised;
the edge renders it once, in the reader's language: the command line (``Out.fail``), the JSON
error body (``common.web.errors``) and the HTML error pages. ``tests/test_errors_catalog.py``
checks that every id raised has both languages and a hint.

Older raise sites still give two finished sentences (``UsageError(sv, en)``); such an error
carries its class's generic code and no hint of its own.

Bad bytes from the network are `schemas.wire.WireError`; the hub maps them to HTTP statuses.
Domain code raises; only the command line's ``main`` prints and exits.
"""

from __future__ import annotations

from typing import Any, TypeVar

E = TypeVar("E", bound="LexHellerError")
HINT_SUFFIX = "_hint"


class LexHellerError(Exception):
    code: str = "error"  # the generic code of an error given as finished sentences
    default_hint: str | None = None  # a catalog id: what to do, when the raise site says nothing

    def __init__(self, sv: str, en: str | None = None, *, code: str | None = None,
                 hint: tuple[str, str] | None = None):  # fmt: skip
        super().__init__(sv)
        self._text: dict[str, str] | None = {"sv": sv, "en": en or sv}
        self._hint = {"sv": hint[0], "en": hint[1]} if hint else None
        self.params: dict[str, Any] = {}
        if code:
            self.code = code

    @classmethod
    def of(cls: type[E], code: str, /, **params: Any) -> E:
        """The error whose text is catalog message `code`, filled with `params` when read."""
        err = cls.__new__(cls)
        Exception.__init__(err, code)
        err.code, err.params, err._text, err._hint = code, params, None, None
        return err

    @property
    def coded(self) -> bool:
        """True when the text comes from the catalogs (not from finished sentences)."""
        return self._text is None

    def message(self, lang: str = "sv") -> str:
        lang = "en" if lang == "en" else "sv"
        if self._text is not None:
            return self._text[lang]
        return _render(self.code, lang, self.params) or f"{self.code} {self.params}"

    def hint(self, lang: str = "sv") -> str | None:
        """What the reader can do about it, or None when nothing useful can be said."""
        lang = "en" if lang == "en" else "sv"
        if self._hint is not None:
            return self._hint[lang]
        if self._text is None:
            found = _render(self.code + HINT_SUFFIX, lang, self.params)
            if found:
                return found
        return _render(self.default_hint, lang, {}) if self.default_hint else None

    def diagnostics(self, lang: str = "sv") -> str:
        """What happened and, on a line of its own, what to do (sigstore's manner)."""
        text = self.message(lang)
        hint = self.hint(lang)
        if hint:
            text += "\n" + (_render("err_what_to_do", lang, {"hint": hint}) or hint)
        return text

    @property
    def sv(self) -> str:
        return self.message("sv")

    @property
    def en(self) -> str:
        return self.message("en")

    def __str__(self) -> str:
        return self.message("sv")


def _render(key: str, lang: str, params: dict[str, Any]) -> str | None:
    from common.i18n import has, t

    if not has(key):
        return None
    return t(key, lang, **params) if params else t(key, lang)


class UsageError(LexHellerError):
    code = "usage_error"


class RemoteRefused(LexHellerError):
    code = "remote_refused"

    def __init__(self, sv: str, en: str, status: int, body: dict | None = None):
        self.status = status
        self.body = body or {}
        hint = (self.body.get("hint"), self.body.get("hint_en") or self.body.get("hint"))
        code = self.body.get("error")
        super().__init__(sv, en, code=code if isinstance(code, str) and code else None,
                         hint=hint if hint[0] else None)  # type: ignore[arg-type]  # fmt: skip


class TransportError(LexHellerError):
    code = "transport_error"
    default_hint = "err_transport_hint"


def error_body(status: int, code: str, sv: str, en: str, errors: list[str] | None = None,
               hint: tuple[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """The one JSON error shape of every endpoint (hub, aggregator, node, control):

    ``{"ok": false, "status", "error": code, "message": sv, "message_en": en, "errors": [...],
    "hint": sv, "hint_en": en}`` — ``hint``/``hint_en`` only when there is something to do.
    The hub's OpenAPI document (``Error``) describes it; `common.web.errors` sends it."""
    body: dict[str, Any] = {"ok": False, "status": status, "error": code, "message": sv,
                            "message_en": en, "errors": list(errors or [])}  # fmt: skip
    if hint:
        body["hint"], body["hint_en"] = hint
    return body


def error_body_of(error: LexHellerError, status: int | None = None) -> dict[str, Any]:
    """The JSON error body of `error`, rendered in both languages. `status` defaults to the
    one the error carries (a server's answer it was read from), else 400."""
    hint_sv, hint_en = error.hint("sv"), error.hint("en")
    if status is None:
        carried = getattr(error, "status", None)
        status = carried if isinstance(carried, int) else 400
    return error_body(status, error.code, error.sv, error.en,
                      hint=(hint_sv, hint_en or hint_sv) if hint_sv else None)  # fmt: skip


def error_from_body(body: dict[str, Any], cls: type[E]) -> E:
    """The error a JSON error body describes (what a client raises), hint and status kept (a
    server's internal error stays a 500 where the command line prints it)."""
    sv = str(body.get("message") or body.get("error") or "Okänt fel")
    hint = (str(body["hint"]), str(body.get("hint_en") or body["hint"])) if body.get("hint") else None
    code = body.get("error")
    error = cls(sv, str(body.get("message_en") or sv),
                code=code if isinstance(code, str) and code else None, hint=hint)  # fmt: skip
    if isinstance(body.get("status"), int) and not hasattr(error, "status"):
        error.status = body["status"]  # type: ignore[attr-defined]
    return error
