"""The working-group part of the demo, run against servers that are already running.

:func:`run_workgroup_demo` does what the people would do, through the same doors they use:

1. On each of the first two förbund a verksamhetsutvecklare writes summaries of two cases that
   concern Försäkringskassan, the förbundschef approves them as *delbara* and the
   verksamhetsutvecklare shares them with the regional hub (the node's operations, run in the
   node's own server through its control channel and acting as those accounts, so their
   roles decide what they may do). A third förbund shares one.
2. A member of the regional working group logs in on the hub's pages (``/arbetsgrupp/``, over
   HTTP with a real session and CSRF token), chooses one summary from each förbund and saves a
   common pattern with status, description and recommendation.
3. The first two förbund fetch the decision (a fetch statement signed with the node's key; the
   answer signed with the hub's key and verified) and see the pattern against their own case
   numbers.
4. A partsrapport for Försäkringskassan is made on the first förbund's node and on the regional
   hub.

Synthetic data only: the summaries are written for the demo and name no person.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from common import control
from common.errors import UsageError
from lexheller.commands import run_op

DEMO_PASSWORD = "demo-losenord-syntetiskt"  # as lexheller.demo: synthetic data only
SUMMARIES = (
    "Aktivitetsersättningen upphörde innan arbetsförmågan var utredd, och varken "
    "Försäkringskassan eller kommunen tog över ansvaret för planeringen.",
    "Beslutet om sjukpenning kom först efter att arbetsträningen redan hade börjat, så "
    "insatsen fick avbrytas i väntan på ett nytt läkarintyg.",
    "Försäkringskassan och Arbetsförmedlingen krävde olika underlag för samma bedömning av "
    "arbetsförmågan, och personen blev utan ersättning i tre månader.",
    "När sjukpenningen drogs in saknades en överlämning till Arbetsförmedlingen och personen "
    "hamnade mellan myndigheterna utan någon ansvarig handläggare.",
    "Försäkringskassans bedömning utgick från normalt förekommande arbete, medan kommunens "
    "insats byggde på en helt annan bild av vad personen klarade.",
)
PATTERN = {
    "title": "Glappet när ersättningen från Försäkringskassan upphör",
    "status": "lyft",
    "description": "Tre förbund beskriver samma sak: ersättningen upphör eller dröjer innan "
                   "arbetsförmågan är utredd, och ingen part tar över planeringen.",
    "recommendation": "Lyft till NNS och Försäkringskassans regionala ledning: en gemensam "
                      "rutin för överlämning innan ersättningen upphör.",
}  # fmt: skip


def _url(folder: Path) -> str:
    info = control.running_server(folder)
    if info is None:
        raise UsageError.of("err_demo_no_server", folder=folder)
    return f"http://{info['host']}:{info['port']}"


class _Member:
    """A working-group member in the hub's pages: a real session, CSRF tokens from the forms."""

    def __init__(self, base: str, timeout: float = 30) -> None:
        self.base, self.timeout = base, timeout
        self.http = requests.Session()

    def _token(self, path: str) -> str:
        page = self.http.get(self.base + path, timeout=self.timeout)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if page.status_code != 200 or found is None:
            raise UsageError.of("err_demo_hub_page", path=path, status=page.status_code)
        return found.group(1)

    def post(self, path: str, data: dict[str, Any], token_from: str | None = None
             ) -> requests.Response:  # fmt: skip
        data = {**data, "csrf_token": self._token(token_from or path)}
        return self.http.post(self.base + path, data=data, timeout=self.timeout,
                              allow_redirects=False)  # fmt: skip

    def log_in(self, username: str, password: str) -> None:
        r = self.post("/arbetsgrupp/logga-in", {"username": username, "password": password})
        if r.status_code != 303:
            raise UsageError.of("err_demo_workgroup_login", username=username, status=r.status_code)

    def shared(self, aktor: str) -> list[str]:
        """The ``node/ref`` of every shared summary naming `aktor`, as the page lists them."""
        page = self.http.get(f"{self.base}/arbetsgrupp/?aktor={aktor}", timeout=self.timeout)
        return re.findall(r'name="members" value="([^"]+)"', page.text)


def run_workgroup_demo(nodes: list[Path], regional_hub: Path, *, year: int | None = None,
                       party: str = "FK", vu: str = "vu", chef: str = "chef",
                       member: str = "arbetsgrupp", password: str = DEMO_PASSWORD,
                       out: Path | None = None,
                       say: Callable[[str], None] = print) -> dict[str, Any]:  # fmt: skip
    """Run the working-group flow on three running förbund nodes and their running regional hub.

    `nodes` are node folders (the first three are used; the first two share two summaries each,
    the third one), `regional_hub` the hub they report to. `vu` and `chef` are staff accounts
    on every node (verksamhetsutvecklare, förbundschef) with `password`; the working-group
    account `member` is added on the hub if missing. `year` (default: last year) is the year
    of the cases summarised and of the party reports. Returns what happened, with timings.
    """
    if len(nodes) < 3:
        raise UsageError.of("err_demo_workgroup_three")
    started = time.perf_counter()
    year = year or datetime.now(UTC).year - 1
    hub_url = _url(regional_hub)
    seconds: dict[str, float] = {}
    ids = [str(run_op("node", f, "key")["node_id"]) for f in nodes[:3]]
    texts = iter(SUMMARIES)
    shared: dict[str, list[dict[str, Any]]] = {}

    t = time.perf_counter()
    for folder, node_id, count in zip(nodes[:3], ids, (2, 2, 1), strict=True):
        _url(folder)  # the node's server runs: its operations run there
        cases = run_op("node", folder, "summary_candidates", year=year, aktor=party,
                       limit=count)["cases"]  # fmt: skip
        if len(cases) < count:
            raise UsageError.of("err_demo_workgroup_cases",
                                node_id=node_id, count=count, year=year, party=party)  # fmt: skip
        for case in cases:
            text = next(texts)
            sid = run_op("node", folder, "summary_write", case=case["id"], text=text,
                         as_user=vu)["id"]  # fmt: skip
            run_op("node", folder, "summary_approve", id=sid, as_user=chef)
            answer = run_op("node", folder, "summary_share", id=sid, as_user=vu)
            shared.setdefault(node_id, []).append({"summary": sid, "case": case["case"],
                                                   "hub": answer["hub"]})  # fmt: skip
            say(f"{node_id}: ärende {case['case']} sammanfattat av {vu}, godkänt av {chef}, "
                f"delat med arbetsgruppen ({answer['hub']})")
    seconds["share"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    run_op("hub", regional_hub, "workgroup_user_add", username=member, password=password,
           exist_ok=True)  # fmt: skip
    person = _Member(hub_url)
    person.log_in(member, password)
    listed = person.shared(party)
    chosen = [next(m for m in listed if m.startswith(f"{nid}/")) for nid in ids]
    r = person.post("/arbetsgrupp/monster", {**PATTERN, "members": chosen}, "/arbetsgrupp/")
    if r.status_code != 303:
        raise UsageError.of("err_demo_pattern_save", status=r.status_code)
    pattern_id = urlsplit(r.headers["Location"]).path.rstrip("/").rsplit("/", 1)[-1]
    say(f"Arbetsgruppen ({member}) såg {len(listed)} delade sammanfattningar om {party} och "
        f"samlade {len(chosen)} från {len(ids)} förbund i mönstret \"{PATTERN['title']}\" "
        f"(status {PATTERN['status']}).")  # fmt: skip
    seconds["pattern"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    seen: dict[str, list[dict[str, Any]]] = {}
    for folder, node_id in zip(nodes[:2], ids[:2], strict=True):
        got = run_op("node", folder, "summary_fetch")
        seen[node_id] = [d for d in got["decisions"] if d["pattern_id"] == pattern_id]
        for d in seen[node_id]:
            say(f"{node_id} hämtade beslutet: \"{d['title']}\", {d['status']}, "
                f"{d['forbund']} förbund, nodens ärenden {', '.join(d['cases'])}; "
                f"rekommendation: {d['recommendation']}")
    seconds["fetch"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    # Same file names on node and hub: each in its own folder under `out` (default: their own)
    node_out = {"out": str((out / ids[0]).resolve())} if out else {}
    hub_out = {"out": str((out / "regionalt-nav").resolve())} if out else {}
    node_report = run_op("node", nodes[0], "partsrapport", year=year, party=party, **node_out)
    hub_report = run_op("hub", regional_hub, "partsrapport", year=year, party=party, **hub_out)
    say(f"Partsrapport {year} för {hub_report['name']}: på noden {ids[0]} "
        f"{node_report['pdf']} och {node_report['docx']}; på det regionala navet "
        f"{hub_report['pdf']} och {hub_report['xlsx']}")
    seconds["partsrapport"] = round(time.perf_counter() - t, 2)
    seconds["total"] = round(time.perf_counter() - started, 2)
    say(f"Arbetsgruppens demo klar på {seconds['total']} s.")
    return {"year": year, "party": party, "nodes": ids, "shared": shared,
            "pattern": {"id": pattern_id, **PATTERN, "members": chosen}, "seen": seen,
            "node_report": node_report, "hub_report": hub_report, "seconds": seconds}  # fmt: skip
