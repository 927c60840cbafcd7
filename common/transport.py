"""The one place that sends signed envelopes over HTTP (node -> hub, hub -> upstream hub).

Always with a timeout. Tests and the demo use the real thing against servers on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from common.errors import TransportError


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


class HttpPublisher:
    def __init__(self, timeout: float = 20.0):
        self.timeout = timeout
        self.session = requests.Session()

    def post(self, base_url: str, path: str, envelope: bytes) -> Answer:
        url = base_url.rstrip("/") + path
        try:
            r = self.session.post(
                url,
                data=envelope,
                headers={"Content-Type": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as e:
            raise TransportError.of("err_hub_unreachable_kept", url=url,
                                    cause=e.__class__.__name__) from e
        try:
            body = r.json()
        except ValueError:
            body = {"error": r.text[:200]}
        return Answer(r.status_code, body if isinstance(body, dict) else {"body": body})

    def get(self, base_url: str, path: str, params: dict[str, Any] | None = None) -> Answer:
        url = base_url.rstrip("/") + path
        try:
            r = self.session.get(url, params=params, timeout=self.timeout)
        except requests.RequestException as e:
            raise TransportError.of("err_hub_unreachable", url=url, cause=e.__class__.__name__) from e
        try:
            body = r.json()
        except ValueError:
            body = {"error": r.text[:200]}
        return Answer(r.status_code, body if isinstance(body, dict) else {"body": body})

    def get_bytes(self, base_url: str, path: str) -> bytes:
        url = base_url.rstrip("/") + path
        try:
            r = self.session.get(url, timeout=self.timeout)
            r.raise_for_status()
        except requests.RequestException as e:
            raise TransportError.of("err_fetch_failed", url=url, cause=e) from e
        return r.content

    def post_for_bytes(self, base_url: str, path: str, envelope: bytes) -> tuple[int, bytes]:
        """Post a signed statement and keep the answer's exact bytes (a signed envelope)."""
        url = base_url.rstrip("/") + path
        try:
            r = self.session.post(url, data=envelope, headers={"Content-Type": "application/json"},
                                  timeout=self.timeout)  # fmt: skip
        except requests.RequestException as e:
            raise TransportError.of("err_hub_unreachable", url=url, cause=e.__class__.__name__) from e
        return r.status_code, r.content

    def post_bundle(self, base_url: str, envelope: bytes) -> Answer:
        return self.post(base_url, "/api/v1/bundles", envelope)

    def post_enrolment(self, base_url: str, envelope: bytes) -> Answer:
        return self.post(base_url, "/api/v1/enrolments", envelope)


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait before retry number `attempts` + 1: 30 s doubling, at most an hour."""
    return min(30 * 2 ** max(attempts, 0), 3600)
