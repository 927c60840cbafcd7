"""Screenshots of a national page before and after a release of exact sums.

    .venv/bin/python -m bench.exact_screenshots --out docs/screenshots

A national hub with synthetic förbund (tests/release_federation.py, node suppression), then
the release the three aggregators would make (gate in the clear, plan, joint audit), signed
with test keys. Saves Problemtyp × aktör and Översikt at 1280 px before and after.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from hub.runtime import Hub
from lexheller.apps import hub_app
from lexheller.init import init_hub
from tests.browser import chromium_browser, chromium_page, serve_wsgi
from tests.release_federation import federation
from tests.release_helpers import load_hub, make_release, signed
from tests.test_dashboards_browser import url, wait_ready


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    ap.add_argument("--forbund", type=int, default=12)
    ap.add_argument("--no-audit", action="store_true", help="skip the joint audit (faster)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    fed = federation(args.forbund, seed=5, quarters=False)
    with tempfile.TemporaryDirectory() as tmp:
        init_hub(Path(tmp) / "nav", hub_id="nav-nationellt", name="Nationellt nav (exakta summor)",
                 level="national")  # fmt: skip
        hub = Hub(Path(tmp) / "nav")
        load_hub(hub, fed)
        rel = make_release(fed, "national", "national", "2025", fed.nodes, audit=not args.no_audit)
        with chromium_browser() as browser, serve_wsgi(hub_app(hub)) as base:
            for stage in ("before", "after"):
                if stage == "after":
                    hub.releases.receive(signed(rel))
                for slug in ("problemtyp-aktor", "oversikt"):
                    with chromium_page(browser) as page:
                        page.set_viewport_size({"width": 1280, "height": 1400})
                        page.goto(url(base + "/", slug, "?kind=year"))
                        wait_ready(page)
                        path = args.out / f"exact-{slug}-{stage}-1280.png"
                        page.screenshot(path=str(path))
                        print(path, flush=True)
        hub.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
