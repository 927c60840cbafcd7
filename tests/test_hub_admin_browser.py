"""A hub admin logs in, enrols a node by keyboard and uploads a bundle in Debian's Chromium;
axe-core checks every admin page, also at 320 px."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.runtime import Hub
from lexheller.init import init_hub
from tests.browser import (
    chromium_browser,
    chromium_page,
    focused_element,
    has_horizontal_scroll,
    serve_wsgi,
    shown,
    tab_until,
)
from tests.helpers import VECTORS, no_violations, vector_keys
from tests.test_hub_admin import NODE_FP, NODE_ID, NODE_KEY, PW, Admin, make_admin

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Admin, str, Any]]:
    folder = Path(tmp_path_factory.mktemp("hubadmin")) / "nav"
    init_hub(folder, hub_id="nav-test", name="Testnav", level="national", upstream="")
    hub = Hub(folder)
    admin = make_admin(hub)
    with serve_wsgi(admin.app) as base, chromium_browser() as browser:
        yield admin, base, browser
    hub.close()


def log_in(page: Any, base: str) -> None:
    page.goto(base + "/admin/")
    assert "/admin/logga-in" in page.url
    page.fill("#username", "ada")
    page.fill("#password", PW)
    page.click("button[type=submit]")
    assert page.url == base + "/admin/"


def type_into(page: Any, field_id: str, text: str) -> None:
    seen = tab_until(page, lambda f: f.get("id") == field_id)
    assert seen[-1].get("id") == field_id, seen
    assert seen[-1]["visible_focus"]
    page.keyboard.type(text)


def test_login_enrol_by_keyboard_upload_and_axe(site: tuple[Admin, str, Any]) -> None:
    admin, base, browser = site
    with chromium_page(browser) as page:
        page.goto(base + "/admin/")
        no_violations(page)
        page.fill("#username", "ada")
        page.fill("#password", "fel-lösenord")
        page.click("button[type=submit]")
        assert shown(page.locator(".error-summary"))
        assert shown(page.locator("#fel-rad"))  # what to do, inside the alert (axe below)
        assert "be en administratör" in page.locator("#fel-rad").inner_text()
        no_violations(page, 400)
        page.fill("#password", PW)
        page.click("button[type=submit]")
        assert page.url == base + "/admin/"
        assert page.locator("h1").inner_text() == "Noder"
        no_violations(page)

        # enrol by keyboard only
        page.goto(base + "/admin/registrera")
        no_violations(page)
        type_into(page, "id", NODE_ID)
        type_into(page, "public-key", NODE_KEY)
        page.keyboard.press("Enter")
        page.wait_for_selector("#fingerprint")
        assert page.locator("#fingerprint").inner_text() == NODE_FP
        no_violations(page)
        seen = tab_until(page, lambda f: f.get("id") == "checked")
        assert seen[-1]["visible_focus"]
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        assert focused_element(page)["tag"] == "button"
        page.keyboard.press("Enter")
        page.wait_for_url("**/admin/?registrerad=*")
        assert page.locator(".panel-ok").inner_text().startswith(f"Noden {NODE_ID}")
        assert NODE_ID in admin.hub.trust.nodes()
        no_violations(page)

        # upload a bundle file carried by hand, then a refused one
        page.goto(base + "/admin/ladda-upp")
        no_violations(page)
        page.set_input_files("#file", str(VECTORS / "valid_bundle.json"))
        page.click("form[enctype] button[type=submit]")
        assert "togs emot" in page.locator("#resultat").inner_text()
        no_violations(page)
        page.set_input_files("#file", str(VECTORS / "bad_signature.json"))
        page.click("form[enctype] button[type=submit]")
        assert "nekades" in page.locator("#resultat").inner_text()
        no_violations(page, 422)
        assert len(admin.hub.store.bundles()) == 1


def test_axe_on_every_admin_page_also_narrow(site: tuple[Admin, str, Any]) -> None:
    admin, base, browser = site
    admin.hub.op_enroll(NODE_ID, NODE_KEY)
    keyid = vector_keys()["node"]["keyid"]
    hub_keys = vector_keys()["hub"]
    for width in (1280, 320):
        with chromium_page(browser, width=width) as page:
            log_in(page, base)
            pages = ["/admin/", "/admin/registrera", "/admin/lita-pa-nav", "/admin/ladda-upp",
                     "/admin/logg", f"/admin/sparra?nod={NODE_ID}&nyckel={keyid}",
                     "/admin/?lang=en", "/admin/ladda-upp?lang=en", "/admin/?lang=sv"]  # fmt: skip
            for path in pages:
                page.goto(base + path)
                no_violations(page)
                if width == 320 and "logg" not in path:
                    assert not has_horizontal_scroll(page), path
            # the confirm step of trusting a hub, and a refused revocation
            page.goto(base + "/admin/lita-pa-nav")
            page.fill("#id", hub_keys["id"])
            page.fill("#public-key", hub_keys["public_key"])
            page.click("main button[type=submit]")
            assert page.locator("#fingerprint").inner_text() == hub_keys["fingerprint"]
            no_violations(page)
            page.goto(base + "/admin/finns-inte")
            no_violations(page, 404)
