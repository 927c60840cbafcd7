"""Abuse limits shared by the node's web pages: the web secret, CSRF tokens, rate limits, sizes.

- The *web secret* (``DIR/run/web-secret``, mode 0600, made on first use) signs CSRF tokens
  and short-lived cookies; it never leaves the folder.
- *CSRF*: double-submit. A random ``lh_csrf`` cookie (HttpOnly, SameSite=Lax) is bound to the
  browser; a form carries ``csrf_token`` = time + HMAC(secret, cookie, time). A POST without
  both, with a mismatch or older than ``CSRF_MAX_AGE`` is refused with 400.
- *Rate limits*: a sliding window per client address and bucket, in memory (a node is one
  process). Going over answers 429 with ``Retry-After``.
- *Sizes*: ``limit_request_size(n)`` caps the body of the current request (Flask 3.1
  per-request ``max_content_length``); more answers 413.

Use from a page module::

    csrf = Csrf(web_secret(node.folder))
    @bp.before_request
    def _guard(): csrf.protect()        # aborts 400 on a bad POST
    limiter = RateLimiter(5, 600)
    limiter.check("report", client_address())   # aborts 429
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, request
from werkzeug.exceptions import NotFound, TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from common.errors import UsageError

SECRET_FILE = "run/web-secret"
CSRF_COOKIE = "lh_csrf"
CSRF_FIELD = "csrf_token"
CSRF_MAX_AGE = 4 * 3600  # a long form may take a while to write


def web_secret(folder: Path) -> bytes:
    """The folder's web secret; created (0600, 32 random bytes) on first use."""
    path = folder / SECRET_FILE
    path.parent.mkdir(exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
    data = path.read_bytes()
    if len(data) < 32:
        raise RuntimeError(f"{path} is damaged (fewer than 32 bytes); remove it to make a new one")
    return data


def sign(secret: bytes, purpose: str, value: str) -> str:
    """Hex HMAC-SHA256 of `value` for one `purpose` (so signatures never cross purposes)."""
    return hmac.new(secret, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


class Csrf:
    """Issue and check double-submit CSRF tokens for one secret."""

    def __init__(self, secret: bytes, clock: Callable[[], float] = time.time):
        self.secret = secret
        self.clock = clock

    def _browser_id(self) -> str:
        cookie = request.cookies.get(CSRF_COOKIE)
        if cookie and len(cookie) == 43:
            return cookie
        if "lh_csrf_new" not in g:
            g.lh_csrf_new = secrets.token_urlsafe(32)
        return g.lh_csrf_new

    def token(self) -> str:
        """A token for a form on this page (sets the browser cookie if it is missing)."""
        stamp = str(int(self.clock()))
        return f"{stamp}.{sign(self.secret, 'csrf', self._browser_id() + '.' + stamp)}"

    def valid(self, token: str | None) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE)
        if not token or not cookie:
            return False
        stamp, _, mac = token.partition(".")
        if not stamp.isdigit() or not 0 <= self.clock() - int(stamp) <= CSRF_MAX_AGE:
            return False
        return hmac.compare_digest(mac, sign(self.secret, "csrf", cookie + "." + stamp))

    def protect(self) -> None:
        """Abort 400 unless a state-changing request carries a valid token."""
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if not self.valid(request.form.get(CSRF_FIELD)):
            abort(400)

    def set_cookie(self, response: Response) -> Response:
        """After a page issued a token for a new browser, give it the cookie."""
        new = g.get("lh_csrf_new")
        if new:
            response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="Lax",
                                secure=request.is_secure)  # fmt: skip
        return response


class RateLimiter:
    """At most `limit` hits per `window` seconds per (bucket, address); thread-safe."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, bucket: str, address: str) -> int:
        """0 if a hit is allowed now (and count it), else seconds until one is."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault((bucket, address), deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, int(hits[0] + self.window - now + 0.999))
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle addresses so memory stays bounded
                self._hits = {
                    k: v for k, v in self._hits.items() if v and v[-1] > now - self.window
                }
            return 0

    def check(self, bucket: str, address: str) -> None:
        """Count a hit; abort 429 (with Retry-After) when over the limit."""
        wait = self.retry_after(bucket, address)
        if wait:
            raise TooManyRequests(retry_after=wait)


def safe_next(value: str | None, prefix: str = "/") -> str | None:
    """`value` if a browser would read it as a path on this site under `prefix`, else None.

    A browser drops tabs and line breaks anywhere in a URL, strips leading and trailing control
    characters and spaces, and reads a backslash as a slash; so ``/\t/evil.example`` is
    ``//evil.example`` to it, a different site. Rather than guess the browser's result, refuse
    any such character, then require a plain absolute path (no scheme, no host, no ``//``).
    """
    if not value or len(value) > 2000:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F or c == "\\" or c.isspace() for c in value):
        return None
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith(prefix):
        return None
    if not value.startswith("/") or "//" in value.partition("?")[0].partition("#")[0]:
        return None
    return value


def client_address() -> str:
    """The client's address: the peer, or behind a trusted proxy the address it reported
    (`TrustedProxies` rewrites ``REMOTE_ADDR`` before Flask sees the request)."""
    return request.remote_addr or "unknown"


def parse_networks(entries: list[str] | str, setting: str = "[server] trusted_proxies") -> list[
        ipaddress.IPv4Network | ipaddress.IPv6Network]:  # fmt: skip
    """Addresses or networks (``127.0.0.1``, ``10.0.0.0/8``, ``::1``) from a setting; a bad
    entry is a usage error that names it."""
    if isinstance(entries, str):
        entries = [e.strip() for e in entries.split(",") if e.strip()]
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError as e:
            raise UsageError.of("err_trusted_proxies", setting=setting, entry=entry) from e
    return networks


class TrustedProxies:
    """WSGI middleware: believe ``X-Forwarded-*`` only from a peer in the trusted list.

    From a trusted peer, the client is the right-most ``X-Forwarded-For`` address that is not
    itself a trusted proxy (each proxy appends the address it saw, so anything to its left may
    be forged by the client), and werkzeug's ``ProxyFix`` takes the scheme and host from the
    nearest proxy, so ``request.is_secure`` and external URLs follow the client's https. From
    any other peer the headers are ignored: a client cannot pick its own rate-limit bucket.
    """

    def __init__(self, app: Any, trusted: list[str] | str):
        self.app = app
        self.networks = parse_networks(trusted)
        self._fix = ProxyFix(app, x_for=0, x_proto=1, x_host=1, x_port=1, x_prefix=0)

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    def client(self, peer: str, forwarded_for: str) -> str:
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        client = peer
        for hop in reversed(hops):
            client = hop
            if not self.trusted(hop):
                break
        return client

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        peer = environ.get("REMOTE_ADDR", "")
        if not self.networks or not self.trusted(peer):
            return self.app(environ, start_response)
        environ["lexheller.proxy_peer"] = peer
        environ["REMOTE_ADDR"] = self.client(peer, environ.get("HTTP_X_FORWARDED_FOR", ""))
        return self._fix(environ, start_response)


def trust_proxies(app: Flask, trusted: list[str] | str) -> None:
    """Put `TrustedProxies` in front of a Flask app (nothing changes for an empty list)."""
    app.wsgi_app = TrustedProxies(app.wsgi_app, trusted)  # type: ignore[method-assign]


def limit_request_size(max_bytes: int) -> None:
    """Cap the body of the current request; a larger one answers 413 when read."""
    request.max_content_length = max_bytes
    request.max_form_memory_size = max_bytes


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


HSTS = "max-age=31536000"
DASH_EXTENSION = "lexheller_dash"  # {url_base_pathname: dash.Dash}, set by dashboards.app


def _dash_csp(app: Flask) -> str | None:
    """The CSP for a page Dash served: its own inline scripts by hash, Plotly's inline styles
    allowed (it adds <style> rules at run time); None when Dash did not serve this request."""
    endpoint = request.endpoint
    mounted = app.extensions.get(DASH_EXTENSION) or {}
    base = next((b for b, d in mounted.items() if endpoint in getattr(d, "routes", ())), None)
    if base is None:
        return None
    cache = app.extensions.setdefault("lexheller_dash_csp", {})
    if base not in cache:
        hashes = " ".join(mounted[base].csp_hashes())
        cache[base] = (f"default-src 'self'; script-src 'self' {hashes}; "
                       "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
                       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")  # fmt: skip
    return cache[base]


def harden(app: Flask) -> None:
    """Security headers on every response of `app` — pages, Dash, API, 404s, errors, /healthz,
    static files — and a hostile Dash asset path (``..%2f``) as a 404 instead of a 500.

    A page that sets its own header keeps it; HSTS only when the request came over TLS (directly
    or from a trusted proxy), since a browser ignores it over plain HTTP anyway.
    """

    def _headers(response: Response) -> Response:
        csp = _dash_csp(app) if response.mimetype == "text/html" else None
        if csp:
            response.headers.setdefault("Content-Security-Policy", csp)
        add_security_headers(response)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    app.after_request(_headers)
    try:
        from dash.exceptions import DependencyException
    except ImportError:  # pragma: no cover - dash is a dependency of every server
        return

    def _not_found(e: Exception) -> Any:
        return app.handle_user_exception(NotFound())

    app.register_error_handler(DependencyException, _not_found)
