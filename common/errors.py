"""The error tree of the command line and servers, split by whose fault it is.

    LexHellerError           base; carries a Swedish and an English message
    ├── UsageError           the operator gave a bad command, argument or file
    ├── RemoteRefused        a hub answered with an error (its JSON error is kept)
    └── TransportError       the network failed: hub down, timeout (retry later)

Bad bytes from the network are `schemas.wire.WireError`; the hub maps them to HTTP statuses.
Domain code raises; only `lexheller.cli.main` prints and exits.
"""

from __future__ import annotations


class LexHellerError(Exception):
    def __init__(self, sv: str, en: str | None = None):
        super().__init__(sv)
        self.sv = sv
        self.en = en or sv

    def message(self, lang: str = "sv") -> str:
        return self.en if lang == "en" else self.sv


class UsageError(LexHellerError):
    pass


class RemoteRefused(LexHellerError):
    def __init__(self, sv: str, en: str, status: int, body: dict | None = None):
        super().__init__(sv, en)
        self.status = status
        self.body = body or {}


class TransportError(LexHellerError):
    pass
