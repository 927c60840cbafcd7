"""Time the staff publish preview ("Förhandsgranska") on the demo's largest node.

    uv run python -m bench.preview [--node goteborg] [--years 5] [--rounds 2]

Fills a node folder as the demo does (``bench.suppression``: the demo profile's synthetic
reports), logs a verksamhetsutvecklare in to the real staff app (Flask's test client) and
presses "Förhandsgranska" `rounds` times: the first with nothing prepared, the later ones for
the same data (the page keeps the preview of the data it last built). Then one report is added
and the button pressed again (the data changed: built anew). Prints, per press, the seconds
until the page answered (the result, or the build's progress) and until the result was on the
page (polling the status as the page's script does). The aim (issue 11) is an answer within
3 s on the demo's largest node.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PASSWORD = "bänkens-lösenord-2025"


def _token(client: Any, path: str) -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    if not found:
        raise SystemExit(f"no CSRF token on {path} (HTTP {page.status_code})")
    return found.group(1)


def _preview(client: Any) -> tuple[float, float, int]:
    """Press the button: (seconds until the page answered, seconds until the result was shown,
    HTTP status of the press). A press the page cannot answer with the result within its wait
    answers with the progress page; then the status is polled as the page's script does."""
    token = _token(client, "/personal/publicering")
    t = time.perf_counter()
    r = client.post("/personal/publicering/forhandsgranska", data={"csrf_token": token})
    answered = time.perf_counter() - t
    if r.status_code == 303:
        while client.get("/personal/publicering/jobb").get_json()["state"] == "running":
            time.sleep(0.2)
        r = client.get(r.location)
    if r.status_code != 200 or 'id="result-heading"' not in r.get_data(as_text=True):
        raise SystemExit(f"preview failed (HTTP {r.status_code})")
    return answered, time.perf_counter() - t, r.status_code


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--node", default="goteborg", help="a demo profile id")
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()

    from bench.suppression import _fill
    from node.accounts import Accounts
    from node.server import create_app
    from node.synthetic import demo_profiles, generate_reports

    with tempfile.TemporaryDirectory() as tmp:
        node = _fill(args.node, args.years, Path(tmp) / args.node)
        try:
            Accounts(node.store).add_user("bench", ["verksamhetsutvecklare"], PASSWORD,
                                          who="bench")  # fmt: skip
            app = create_app(node)
            client = app.test_client()
            r = client.post("/personal/logga-in", data={
                "username": "bench", "password": PASSWORD,
                "csrf_token": _token(client, "/personal/logga-in")})  # fmt: skip
            if r.status_code not in (302, 303):
                raise SystemExit(f"login failed (HTTP {r.status_code})")
            print(f"node                    {args.node} ({node.store.report_count():,} reports, "
                  f"{args.years} years)")  # fmt: skip
            print(f"{'':<34}{'answer':>8}{'result':>9}")
            for i in range(args.rounds):
                answered, shown, _ = _preview(client)
                label = "first (nothing prepared)" if i == 0 else "again, same data"
                print(f"preview {label:<26} {answered:>6.2f} s {shown:>6.2f} s")
            profile = next(p for p in demo_profiles() if p.id == args.node)
            extra = generate_reports(profile, [2025], seed=4242,
                                     today=datetime(2025, 11, 20, tzinfo=UTC))[:1]  # fmt: skip
            extra[0]["id"] = extra[0]["id"] + "-bench"
            node.store.add_reports(extra)
            answered, shown, _ = _preview(client)
            print(f"preview {'after one new report':<26} {answered:>6.2f} s {shown:>6.2f} s")
            print("aim: the answer ≤ 3 s (issue 11); the result follows on the page")
        finally:
            node.close()


if __name__ == "__main__":
    main()
