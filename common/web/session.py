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

from flask import Response, g, request
from itsdangerous import BadSignature, Signer

from common.accounts import AccountError, Accounts, User


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

    def log_in(self, username: str, password: str, address: str) -> str:
        """Check the password (and that the account may use these pages); a new session id."""
        user = self.accounts.authenticate(username, password, address)
        if not self.allowed(user):
            raise AccountError(*self.refused)
        return self.accounts.start_session(user.username)

    def set_cookie(self, response: Response, sid: str) -> Response:
        response.set_cookie(self.cookie, self._signer.sign(sid).decode(), path=self.path,
                            httponly=True, samesite=self.samesite, secure=request.is_secure)  # fmt: skip
        return response

    def log_out(self, response: Any) -> Any:
        sid = self.session_id()
        if sid:
            self.accounts.end_session(sid)
        response.delete_cookie(self.cookie, path=self.path)
        return response
