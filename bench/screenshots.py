"""Screenshots of every dashboard page of a demo-like national hub, with first-paint figures.

    uv run python -m bench.screenshots --out docs/screenshots

Builds, in a temporary folder and in-process, what `lexheller demo` builds: a national hub
and the demo's synthetic förbund (node.synthetic.demo_profiles), each with its reports,
published to a signed bundle file and accepted by the hub. Then serves the hub's real Flask
app on loopback and opens every dashboard page in Debian's Chromium (1280 px wide; two pages
also at 320 px; one in English), saves a PNG of the viewport per page, and reads from the
Performance API: first paint, first contentful paint, and "ready" (Dash has rendered the page
content and every graph; the same condition as the browser tests wait for), in a fresh browser
context (nothing cached) and again after a reload ("warm": scripts from the browser cache). The reports are
generated up to a fixed date (`--today`), so the same command makes the same pictures (only
the publication times on Täckning follow the real clock: a hub refuses expired bundles).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.runtime import Hub
from lexheller.apps import hub_app as create_app
from lexheller.init import init_hub, init_node
from node.publish import publish
from node.runtime import Node
from node.synthetic import demo_profiles, generate_reports
from tests.browser import chromium_browser, chromium_page, serve_wsgi

HUB_PAGES = (
    "oversikt", "jamfor-forbund", "jamfor-regioner", "karta", "problemtyp-aktor", "monster",
    "utveckling", "tackning", "metod", "tillganglighet",
)  # fmt: skip
NARROW = ("oversikt", "problemtyp-aktor")
CLIP = {1280: 1500, 320: 2400}
"""How much of the page each screenshot keeps (px from the top), by viewport width."""
ENGLISH = ("jamfor-forbund",)
READY_JS = """() => {
  const h1 = document.querySelector('#page-title');
  const content = document.querySelector('#content');
  if (!h1 || !h1.textContent || !content || !content.children.length) return false;
  if (document.querySelector('[data-dash-is-loading="true"]')) return false;
  const graphs = document.querySelectorAll('.graph');
  const drawn = document.querySelectorAll('.graph .main-svg');
  return drawn.length >= graphs.length ? performance.now() : false;
}"""
PAINT_JS = """() => Object.fromEntries(
  performance.getEntriesByType('paint').map(e => [e.name, e.startTime]))"""


@dataclass(frozen=True)
class Shot:
    slug: str
    width: int
    lang: str

    @property
    def name(self) -> str:
        return f"{self.slug}-{self.width}{'-en' if self.lang == 'en' else ''}.png"

    @property
    def path(self) -> str:
        query = "?lang=en" if self.lang == "en" else ""
        return ("" if self.slug == "oversikt" else self.slug) + query


def shots(pages: tuple[str, ...] = HUB_PAGES) -> list[Shot]:
    out = [Shot(s, 1280, "sv") for s in pages]
    out += [Shot(s, 320, "sv") for s in NARROW if s in pages]
    out += [Shot(s, 1280, "en") for s in ENGLISH if s in pages]
    return out


def build_hub(folder: Path, *, years: int, forbund: int, today: datetime) -> Hub:
    """A national hub in `folder`/hub that has accepted one bundle from each demo förbund."""
    init_hub(folder / "hub", hub_id="nationell", level="national",
             name="Nationella nätverket (NNS) – syntetiska data")  # fmt: skip
    hub = Hub(folder / "hub")
    year_list = list(range(today.year - years + 1, today.year + 1))
    for p in demo_profiles()[:forbund]:
        made = init_node(folder / "nodes" / p.id, node_id=p.id, name=p.name,
                         lan_codes=list(p.lan), kommun_codes=list(p.kommuner),
                         population=p.population, synthetic=True)  # fmt: skip
        node = Node(folder / "nodes" / p.id)
        try:
            node.store.add_reports(
                generate_reports(p, year_list, seed=sum(map(ord, p.id)), today=today)
            )
            bundle = folder / "bundles" / f"{p.id}.json"
            bundle.parent.mkdir(parents=True, exist_ok=True)
            # Signed with the real clock: a hub refuses a bundle that has expired.
            publish(node.store, node.config, node.key, out=bundle)
        finally:
            node.close()
        hub.op_enroll(p.id, made["public_key"])
        outcome = hub.accept(bundle.read_bytes())
        if outcome.status >= 400:
            raise RuntimeError(f"the hub refused the bundle of {p.id}: {outcome}")
    return hub


def measure(browser: Any, base: str, shot: Shot, out: Path) -> dict[str, Any]:
    """Open one page in a fresh context, wait until ready, save the viewport; timings in ms."""
    height = 640 if shot.width < 600 else 900
    with chromium_page(browser, width=shot.width, height=height) as page:
        page.goto(base + shot.path)
        ready = page.wait_for_function(READY_JS, timeout=30_000).json_value()
        paint = page.evaluate(PAINT_JS)
        page.wait_for_timeout(300)  # let Plotly finish its transitions before the picture
        png = out / shot.name
        # The top of the page down to the first charts, not the whole (very long) page.
        tall = min(int(page.evaluate("document.documentElement.scrollHeight")), CLIP[shot.width])
        page.screenshot(
            path=str(png),
            full_page=True,
            clip={"x": 0, "y": 0, "width": shot.width, "height": tall},
        )
        errors = list(page.console_log.errors)
        # Again in the same tab: scripts now come from the browser's cache, as when a person
        # moves from page to page.
        page.reload()
        warm = page.wait_for_function(READY_JS, timeout=30_000).json_value()
    return {
        "shot": shot,
        "first_paint": paint.get("first-paint"),
        "fcp": paint.get("first-contentful-paint"),
        "ready": ready,
        "warm": warm,
        "kb": png.stat().st_size / 1024,
        "errors": errors,
    }


def run(out: Path, *, years: int = 3, forbund: int = 99, pages: tuple[str, ...] = HUB_PAGES,
        today: datetime | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Build the hub, take every shot into `out`, print and return the figures."""
    today = today or datetime(2025, 12, 31, 12, 0, tzinfo=UTC)
    out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with tempfile.TemporaryDirectory(prefix="lexheller-shots-") as tmp:
        hub = build_hub(Path(tmp), years=years, forbund=forbund, today=today)
        try:
            app = create_app(hub)
            # The first view after new data computes the bounds; not part of any page's figure.
            app.test_client().get("/")
            with serve_wsgi(app) as base, chromium_browser() as browser:
                measure(browser, base + "/", Shot(pages[0], 1280, "sv"), Path(tmp))
                rows = [measure(browser, base + "/", s, out) for s in shots(pages)]
        finally:
            hub.close()
    print(f"{'page':<18}{'width':>6}{'lang':>5}{'FP ms':>8}{'FCP ms':>8}{'ready ms':>10}"
          f"{'warm ms':>9}{'kB':>6}")  # fmt: skip
    for r in rows:
        s = r["shot"]
        print(f"{s.slug:<18}{s.width:>6}{s.lang:>5}{_ms(r['first_paint']):>8}"
              f"{_ms(r['fcp']):>8}{_ms(r['ready']):>10}{_ms(r['warm']):>9}{r['kb']:>6.0f}")  # fmt: skip
        for e in r["errors"]:
            print(f"  {s.name}: {e}", file=sys.stderr)
    total = sum(r["kb"] for r in rows)
    print(f"{len(rows)} screenshots, {total:,.0f} kB in {out}")
    return rows


def _ms(x: float | None) -> str:
    return "–" if x is None else f"{x:,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    ap.add_argument("--years", type=int, default=3, help="years of synthetic reports")
    ap.add_argument("--forbund", type=int, default=99, help="at most this many demo förbund")
    ap.add_argument("--pages", default=",".join(HUB_PAGES), help="comma-separated page slugs")
    ap.add_argument("--today", default="2025-12-31", help="the fixed date of the data (ISO)")
    args = ap.parse_args(argv)
    today = datetime.fromisoformat(args.today).replace(hour=12, tzinfo=UTC)
    pages = tuple(p for p in args.pages.split(",") if p)
    run(args.out, years=args.years, forbund=args.forbund, pages=pages, today=today)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
