"""One decoder for the signed payload types, pure (no files, sockets or databases).

Each payload type (shares, release, batch list, summary and its withdrawal, decisions, fetch
statement, enrolment request and status query) declares once what its document is — its
``format``, ``format_version`` and exact set of fields — as a :class:`PayloadType`. Decoding
the bytes another party sent is then the same for all of them, in one order:

1. limited JSON (``schemas.wire.loads_json``: depth, number size, no NaN), UTF-8;
2. a JSON object;
3. the right ``format`` and ``format_version`` (a JSON integer, not ``true`` or ``1.0``);
4. exactly the declared fields, no more and no fewer (the signature covers the exact bytes, so
   a field this version does not know is refused, not dropped).

Every failure is ``InvalidPayload`` with what was wrong; the type's own ``from_dict`` then
checks the values and builds the object (python-tuf's ``Metadata.from_dict`` manner).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemas.wire import InvalidPayload, loads_json


def load(data: bytes) -> Any:
    """The JSON value in `data`, within the wire's limits; InvalidPayload when it is none."""
    try:
        return loads_json(data)
    except (UnicodeDecodeError, ValueError) as e:  # JSONDecodeError is a ValueError
        raise InvalidPayload(f"payload is not UTF-8 JSON: {e}") from e


def exact_fields(d: Any, fields: frozenset[str] | set[str], what: str) -> dict[str, Any]:
    """`d` when it is a JSON object with exactly `fields`; else InvalidPayload naming `what`."""
    if not isinstance(d, dict):
        raise InvalidPayload(f"{what} must be a JSON object")
    if set(d) != fields:
        raise InvalidPayload(f"{what} fields must be exactly {sorted(fields)}: missing "
                             f"{sorted(fields - set(d))}, unexpected {sorted(set(d) - fields)}")  # fmt: skip
    return d


@dataclass(frozen=True)
class PayloadType:
    """What one payload type's document is: its format, version and fields (besides
    ``format`` and ``format_version``), and the word for it in an error."""

    format: str
    fields: frozenset[str]
    what: str
    version: int = 1

    def __post_init__(self) -> None:
        if {"format", "format_version"} & self.fields:
            raise ValueError("fields are the payload's own; format and format_version are added")

    @property
    def all_fields(self) -> frozenset[str]:
        return self.fields | {"format", "format_version"}

    def header(self) -> dict[str, Any]:
        """The first two fields of every document of this type (for ``to_dict``)."""
        return {"format": self.format, "format_version": self.version}

    def check(self, d: Any) -> dict[str, Any]:
        """`d` when it is a document of this type with exactly its fields; else InvalidPayload."""
        if not isinstance(d, dict):
            raise InvalidPayload(f"{self.what} must be a JSON object")
        v = d.get("format_version")
        if d.get("format") != self.format or type(v) is not int or v != self.version:
            raise InvalidPayload(f"not a {self.format} version {self.version} payload")
        return exact_fields(d, self.all_fields, self.what)

    def decode(self, data: bytes) -> dict[str, Any]:
        """The checked document in the bytes another party sent."""
        return self.check(load(data))
