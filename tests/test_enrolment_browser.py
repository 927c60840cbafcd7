"""The enrolment request flow end to end, as the people involved do it: a förbund's IT contact
runs `lexheller node enroll-request`, the hub's admin reviews it in Debian's Chromium (axe-core
on every page, also at 320 px), accepts after the fingerprint is read aloud, and the node's next
publish is accepted; a second förbund is rejected and `enroll-status` tells it why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.runtime import Hub
from lexheller.init import init_hub
from tests.browser import chromium_browser, chromium_page, has_horizontal_scroll, serve_wsgi
from tests.helpers import no_violations
from tests.test_hub_admin import Admin, make_admin
from tests.test_hub_admin_browser import log_in
from tests.test_ops import lexheller

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Admin, str, Any, Path]]:
    root = Path(tmp_path_factory.mktemp("enrolment"))
    init_hub(root / "nav", hub_id="nav-test", name="Testnav", level="regional", upstream="")
    hub = Hub(root / "nav")
    admin = make_admin(hub)
    with serve_wsgi(admin.app) as base, chromium_browser() as browser:
        yield admin, base, browser, root
    hub.close()


def new_node(root: Path, node_id: str, base: str) -> Path:
    folder = root / node_id
    assert lexheller("node", "init", str(folder), "--id", node_id, "--name", f"Förbund {node_id}",
                     "--lan", "14", "--kommuner", "1480", "--population", "60000").returncode == 0  # fmt: skip
    assert lexheller("node", "synth", str(folder), "--years", "2025").returncode == 0
    r = lexheller("node", "enroll-request", str(folder), "--hub", base, "--contact-name",
                  "Kim Testsson", "--contact-email", "it@forbund.example",
                  "--contact-phone", "031-123 45 67")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Ansökan togs emot" in r.stdout and "Fingeravtryck att läsa upp" in r.stdout
    return folder


def fingerprint_of(folder: Path) -> str:
    out = lexheller("node", "key", str(folder)).stdout
    return out.split("Fingeravtryck (läs upp för navets administratör): ")[1].strip()


def test_request_accepted_in_the_browser_then_publish_is_accepted(site: Any) -> None:
    admin, base, browser, root = site
    folder = new_node(root, "sf-ja", base)
    before = lexheller("node", "publish", str(folder), "--hub", base)
    assert before.returncode != 0 and "Navet nekade paketet (HTTP 401)" in before.stdout
    status = lexheller("node", "enroll-status", str(folder))
    assert status.returncode == 0 and status.stdout.startswith("Ansökan väntar")
    fp = fingerprint_of(folder)
    with chromium_page(browser) as page:
        log_in(page, base)
        page.click("nav >> text=Ansökningar")
        assert page.locator("h1").inner_text() == "Ansökningar om registrering"
        no_violations(page)
        page.click("text=Granska")
        assert page.locator("#fingerprint").inner_text() == fp  # what the förbund reads aloud
        no_violations(page)
        page.click("#accept")  # the box not ticked: refused, says what to do
        assert "Kryssa i rutan" in page.locator(".error-summary").inner_text()
        no_violations(page, 400)
        page.check("#checked")
        page.click("#accept")
        page.wait_for_url("**/admin/ansokningar?klar=accepted*")
        assert page.locator(".panel-ok").inner_text().startswith("sf-ja är registrerad")
        no_violations(page)
    assert admin.hub.trust.nodes()["sf-ja"]["info"]["name"] == "Förbund sf-ja"
    assert any(e["action"] == "ansokan_godkand" for e in admin.log())
    status = lexheller("node", "enroll-status", str(folder))
    assert status.returncode == 0 and status.stdout.startswith("Ansökan är godkänd")
    after = lexheller("node", "publish", str(folder), "--hub", base)
    assert after.returncode == 0 and "Skickat till navet (HTTP 201)" in after.stdout, after.stdout
    assert [b["node_id"] for b in admin.hub.store.bundles("sf-ja")] == ["sf-ja"]


def test_request_rejected_with_a_reason_the_node_is_told(site: Any) -> None:
    admin, base, browser, root = site
    folder = new_node(root, "sf-nej", base)
    with chromium_page(browser, width=320) as page:
        log_in(page, base)
        page.goto(base + "/admin/ansokningar")
        assert not has_horizontal_scroll(page)
        page.click("text=Granska")
        assert not has_horizontal_scroll(page)
        no_violations(page)
        page.fill("#reason", "Fingeravtrycket stämde inte; skapa nyckeln på nytt och ansök igen.")
        page.click("#reject")
        page.wait_for_url("**/admin/ansokningar?klar=rejected*")
        assert "noden får veta skälet" in page.locator(".panel-ok").inner_text()
        assert not has_horizontal_scroll(page)
        no_violations(page)
        page.goto(base + "/admin/ansokningar?lang=en")
        assert page.locator("h1").inner_text() == "Enrolment requests"
        no_violations(page)
    status = lexheller("node", "enroll-status", str(folder))
    assert status.returncode != 0
    assert status.stdout.startswith("Ansökan avslogs av navet nav-test. Skäl: Fingeravtrycket "
                                    "stämde inte; skapa nyckeln på nytt och ansök igen.")  # fmt: skip
    assert "sf-nej" not in admin.hub.trust.nodes()
