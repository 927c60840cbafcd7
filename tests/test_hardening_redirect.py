"""Issue 16 item 6: after login, `next` only ever leads to a path on this site.

The browser drops tabs and line breaks in a URL and reads a backslash as a slash, so a value
that looks like a path (``/\\t/evil.example``) can name another site; a line break in a
``Location`` header used to be a 500.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from common.web.security import safe_next
from tests.helpers import PW, make_staff, token
from tests.test_hub_admin import PW as ADMIN_PW
from tests.test_hub_admin import make_admin
from tests.test_hub_admin import token as admin_token

HOSTILE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "evil.example",
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_next_refuses_what_a_browser_reads_as_elsewhere(value: str) -> None:
    from urllib.parse import unquote

    assert safe_next(value) is None
    assert safe_next(unquote(value)) is None


@pytest.mark.parametrize("value", ["/personal/", "/personal/arenden?status=S1",
                                   "/personal/arende/a1?x=%2F%2Fy#top"])  # fmt: skip
def test_safe_next_keeps_paths_on_this_site(value: str) -> None:
    assert safe_next(value) == value
    assert safe_next(value, "/admin/") is None


def _login_location(client: Any, path: str, next_raw: str, data: dict[str, str]) -> Any:
    return client.post(f"{path}?next={next_raw}", data=data)


@pytest.mark.parametrize("next_raw", ["/%09/evil.example", "/%0a/x", "/%0d%0a/x", "%5C%5Cevil",
                                      "/%5Cevil.example", "%09//evil.example"])  # fmt: skip
def test_staff_login_never_redirects_off_site(tmp_path: Path, next_raw: str) -> None:
    staff = make_staff(tmp_path / "nod")
    try:
        c = staff.app.test_client()
        r = c.post(f"/personal/logga-in?next={next_raw}",
                   data={"username": "vera", "password": PW, "csrf_token": token(c)})  # fmt: skip
        assert r.status_code == 302, r.text
        assert r.location == "/personal/"
    finally:
        staff.node.close()


@pytest.mark.parametrize("next_raw", ["/admin/%09/evil.example", "/%09/evil.example",
                                      "/admin/%0a/x", quote("/admin/\\evil")])  # fmt: skip
def test_hub_admin_login_never_redirects_off_site(make_hub: Any, next_raw: str) -> None:
    admin = make_admin(make_hub())
    c = admin.app.test_client()
    r = c.post(f"/admin/logga-in?next={next_raw}",
               data={"username": "ada", "password": ADMIN_PW, "csrf_token": admin_token(c)})  # fmt: skip
    assert r.status_code == 303, r.text
    assert r.headers["Location"] == "/admin/"
