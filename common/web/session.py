"""Logged-in sessions for staff pages and admin pages: one kit, two configurations.

A session is a random id stored (hashed) by :class:`common.accounts.Accounts`; the browser
carries it in one cookie signed with the folder's web secret by itsdangerous (``Signer`` with
a salt per purpose, so a staff cookie never passes as an admin cookie). The kit reads the
current user once per request, sets the cookie at login (HttpOnly, SameSite, Secure over
HTTPS) and ends the session at logout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import g, request
from itsdangerous import BadSignature, Signer
from werkzeug.wrappers import Response

from common.accounts import AccountError, Accounts, User

DEVICE_MAX_AGE = 365 * 24 * 3600  # a known device stays known for a year


@dataclass
class SessionKit:
    accounts: Accounts
    secret: bytes
    cookie: str  # e.g. "lh_staff"
    purpose: str  # e.g. "staff-session": the signer's salt
    path: str = "/"
    samesite: str = "Lax"
    allowed: Callable[[User], bool] = field(default=lambda user: True)
    refused: tuple[str, str] = ("Kontot har inte behörighet här.", "The account has no access here.")

    @property
    def _signer(self) -> Signer:
        return Signer(self.secret, salt=self.purpose)

    def session_id(self) -> str | None:
        raw = request.cookies.get(self.cookie, "")
        if not raw:
            return None
        try:
            return self._signer.unsign(raw).decode()
        except (BadSignature, UnicodeDecodeError):
            return None

    def current_user(self) -> User | None:
        """The logged-in user of this request (None when not logged in, expired or not allowed)."""
        cache = g.setdefault("lexheller_sessions", {})
        if self.cookie not in cache:
            sid = self.session_id()
            user = self.accounts.session_user(sid) if sid else None
            cache[self.cookie] = user if user is not None and self.allowed(user) else None
        return cache[self.cookie]

    def had_cookie(self) -> bool:
        return bool(request.cookies.get(self.cookie))

    @property
    def _device_signer(self) -> Signer:
        return Signer(self.secret, salt=self.purpose + "-device")

    def known_device(self, username: str) -> bool:
        """Whether this browser logged in as `username` before (its device cookie says so)."""
        raw = request.cookies.get(self.cookie + "_device", "")
        try:
            return bool(raw) and self._device_signer.unsign(raw).decode() == username
        except (BadSignature, UnicodeDecodeError):
            return False

    def log_in(self, username: str, password: str, address: str) -> str:
        """Check the password (and that the account may use these pages); a new session id.

        A browser that logged in as this user before is a known device: a lockout of the
        account (by someone guessing elsewhere) only slows it down."""
        name = username.strip().lower()[:64]
        user = self.accounts.authenticate(username, password, address, self.known_device(name))
        if not self.allowed(user):
            raise AccountError(*self.refused)
        g.lexheller_device_user = user.username
        return self.accounts.start_session(user.username)

    def set_cookie(self, response: Response, sid: str) -> Response:
        response.set_cookie(self.cookie, self._signer.sign(sid).decode(), path=self.path,
                            httponly=True, samesite=self.samesite, secure=request.is_secure)  # fmt: skip
        device = g.pop("lexheller_device_user", None)
        if device:
            response.set_cookie(self.cookie + "_device", self._device_signer.sign(device).decode(),
                                max_age=DEVICE_MAX_AGE, path=self.path, httponly=True,
                                samesite=self.samesite, secure=request.is_secure)  # fmt: skip
        return response

    def log_out(self, response: Any) -> Any:
        sid = self.session_id()
        if sid:
            self.accounts.end_session(sid)
        response.delete_cookie(self.cookie, path=self.path)
        return response
