"""Shared helpers for browser tests: a loopback WSGI server, Debian's Chromium, axe-core.

Other teams' browser tests reuse these::

    from tests.browser import chromium_page, serve_wsgi, axe_violations

    with serve_wsgi(flask_app) as base_url, chromium_page() as page:
        page.goto(base_url + "/")
        assert axe_violations(page) == []

Playwright never downloads a browser here: we point it at Debian's ``/usr/bin/chromium``.
When that binary is missing the tests are skipped with a reason, unless the environment
variable ``CI`` is set, in which case they fail loudly (a CI image without Chromium is a
broken image, not a reason to pass).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("LEXHELLER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's ceiling for every wait (navigation, selectors, wait_for_function). Tests wait on
# conditions, so this only decides how long a broken page takes to fail; it is generous because
# a machine with 2 cores and a load of 9 can take a minute for what takes 15 s when quiet.
TIMEOUT_MS = int(float(os.environ.get("LEXHELLER_BROWSER_TIMEOUT_S", "240")) * 1000)
# Rules about the document as a whole that axe reports on any page; we check all of them.
AXE_OPTIONS: dict[str, Any] = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
}


def require_chromium() -> Path:
    """Return Chromium's path; skip (or fail under CI) when it is not installed."""
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must provide it", pytrace=False)
    pytest.skip(message)


@contextmanager
def serve_wsgi(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a WSGI app on an ephemeral loopback port in a thread; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="test-wsgi", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


_SHARED: dict[str, Any] = {}
"""The one Playwright driver and Chromium of this test process (see chromium_browser)."""


def _close_shared() -> None:
    browser, pw = _SHARED.pop("browser", None), _SHARED.pop("pw", None)
    if browser is not None:
        browser.close()
    if pw is not None:
        pw.stop()


@contextmanager
def chromium_browser() -> Iterator[Any]:
    """The headless Chromium (Debian's binary) of this test process, driven by Playwright's
    sync API. Playwright allows one sync driver per process's event loop, so every fixture
    that asks gets the same browser (started on first use, closed when the process ends);
    each test opens its own context and page (:func:`chromium_page`)."""
    browser = _SHARED.get("browser")
    if browser is None or not browser.is_connected():
        path = require_chromium()
        from playwright.sync_api import sync_playwright

        if "pw" not in _SHARED:
            _SHARED["pw"] = sync_playwright().start()
            atexit.register(_close_shared)
        browser = _SHARED["pw"].chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        _SHARED["browser"] = browser
    yield browser


class ConsoleLog:
    """Console errors and uncaught page errors collected while a page was open."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text}")


@contextmanager
def chromium_page(
    browser: Any | None = None,
    *,
    width: int = 1280,
    height: int = 900,
    locale: str = "sv-SE",
    device_scale_factor: float = 1,
) -> Iterator[Any]:
    """A fresh page (own context) with ``page.console_log.errors`` collecting console errors.

    Pass a browser from :func:`chromium_browser` to reuse one process across many pages.
    200 % zoom of a 1280 × 900 window is ``width=640, height=450, device_scale_factor=2``.
    """
    if browser is None:
        with (
            chromium_browser() as own,
            chromium_page(
                own,
                width=width,
                height=height,
                locale=locale,
                device_scale_factor=device_scale_factor,
            ) as page,
        ):
            yield page
        return
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale=locale,
        device_scale_factor=device_scale_factor,
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    log = ConsoleLog()
    log.attach(page)
    page.console_log = log
    try:
        yield page
    finally:
        context.close()


def axe_violations(page: Any, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run axe-core (the copy shipped in ``axe_playwright_python``) and return its violations.

    Each violation is reduced to ``{"id", "impact", "help", "targets"}`` so that an assertion
    failure message says what is wrong and where.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=options or AXE_OPTIONS)
    return [
        {
            "id": v["id"],
            "impact": v.get("impact"),
            "help": v.get("help"),
            "targets": [n.get("target") for n in v.get("nodes", [])][:5],
        }
        for v in results.response["violations"]
    ]


def settle(page: Any) -> None:
    """Wait until the browser has painted what is in the DOM now (two animation frames)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def resize(page: Any, width: int, height: int) -> None:
    """Set the viewport and wait until the layout follows it: the document is `width` wide and
    every Plotly chart has redrawn to fit its container (Plotly redraws a moment after a
    resize, later still on a loaded machine)."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(
        """(width) => {
          if (document.documentElement.clientWidth > width) return false;
          for (const g of document.querySelectorAll('.js-plotly-plot')) {
            const svg = g.querySelector('.main-svg');
            if (svg && svg.getBoundingClientRect().width > g.getBoundingClientRect().width + 1)
              return false;
          }
          return true;
        }""",
        arg=width,
    )
    settle(page)


def has_horizontal_scroll(page: Any) -> bool:
    """True when the document is wider than the viewport (content would scroll sideways)."""
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
    )


def cut_off_elements(page: Any) -> list[str]:
    """Text elements that stick out past the viewport's right edge (outside scroll regions,
    which may scroll by design, and charts, which redraw to their container)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const sel = 'h1,h2,p,label,a,button,summary,legend,li,th,td,caption';
          const out = [];
          for (const el of document.querySelectorAll(sel)) {
            if (el.closest('.table-scroll, .graph, .visually-hidden, [hidden]')) continue;
            const r = el.getBoundingClientRect();
            if (r.width && r.right > width + 1) out.push(el.tagName + ': ' + el.textContent.trim().slice(0, 40));
          }
          return out;
        }"""
    )


def focused_element(page: Any) -> dict[str, Any]:
    """Describe the focused element and whether it has a visible focus indicator."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) return {tag: null};
          const s = getComputedStyle(el);
          const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
          const ring = s.boxShadow && s.boxShadow !== 'none';
          return {tag: el.tagName.toLowerCase(), id: el.id || null,
                  text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 80),
                  visible_focus: outline || ring};
        }"""
    )


def tab_until(page: Any, predicate: Any, max_tabs: int = 60) -> list[dict[str, Any]]:
    """Press Tab until ``predicate(focused_element)`` is true; return everything focused."""
    seen: list[dict[str, Any]] = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        info = focused_element(page)
        seen.append(info)
        if predicate(info):
            return seen
    return seen


def shown(locator: Any) -> bool:
    """Visible once the page has settled: waits on the condition (a loaded machine is slow)."""
    locator.wait_for(state="visible")
    return True
