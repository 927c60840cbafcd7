"""The årsrapport made in the background (`node.report.jobs`) and its chart cache.

A real synthetic node (Strömsund–Ragunda, 2024–2025) and the real staff app; the report is
really built (Kaleido on Debian's Chromium, WeasyPrint), so the module is slowish (~30 s).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from common.report import charts
from common.report.model import Chart
from node.report import STEPS, build_yearly_report, chart_cache
from node.report.jobs import Job
from node.report.texts import CONFIG_NAME
from node.web.staff_reports import EXTENSION
from tests.test_staff_reports import Site, make_site, post

PAGE = "/personal/arsrapport?ar=2025"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = make_site(tmp_path_factory.mktemp("jobb") / "nod")
    yield s
    s.node.close()


def jobs(site: Site) -> Any:
    return site.app.extensions[EXTENSION].jobs


def test_steps_are_reported_in_order_and_charts_come_from_the_cache(site: Site) -> None:
    seen: list[str] = []
    first = build_yearly_report(site.node, 2024, progress=seen.append)
    assert seen == list(STEPS)
    cached = sorted(p.name for p in (site.node.folder / "reports" / ".charts").iterdir())
    assert len(cached) == 2 * 6 and {p.rsplit(".", 1)[1] for p in cached} == {"svg", "png"}
    # The same data again: every chart is found in the cache, the files are the same.
    second = build_yearly_report(site.node, 2024)
    again = sorted(p.name for p in (site.node.folder / "reports" / ".charts").iterdir())
    assert again == cached
    # The workbook has no time in it: byte for byte the same.
    assert Path(first["xlsx"]).read_bytes() == Path(second["xlsx"]).read_bytes()


def test_chart_cache_keys_follow_the_data(tmp_path: Any) -> None:
    a = Chart(key="x", title="T", alt="A", labels=["ett", "två"], values=[3, 5])
    b = Chart(key="x", title="T", alt="A", labels=["ett", "två"], values=[3, 6])
    assert charts.digest(a, "svg") == charts.digest(
        Chart(key="x", title="T", alt="A", labels=["ett", "två"], values=[3, 5]), "svg")
    assert charts.digest(a, "svg") != charts.digest(b, "svg")
    assert charts.digest(a, "svg") != charts.digest(a, "png")
    cache = charts.ChartCache(tmp_path / "c", keep=1)
    cache.put("k1", "svg", b"<svg/>")
    assert cache.get("k1", "svg") == b"<svg/>" and cache.get("k2", "svg") is None
    cache.put("k2", "svg", b"<svg>2</svg>")
    cache.prune()
    assert len(list((tmp_path / "c").iterdir())) == 1


def test_page_starts_a_background_job_and_shows_it_done(site: Site) -> None:
    c = site.client("vera")
    r = post(c, "/personal/arsrapport/gor", PAGE, ar="2025")
    assert r.status_code == 302 and "jobb=" in r.location
    # A second press while it runs joins the same job (one job per year at a time).
    again = post(c, "/personal/arsrapport/gor", PAGE, ar="2025")
    job = jobs(site).get(2025)
    if job.state == "running":
        assert again.location == r.location
    job = jobs(site).wait(2025)
    assert job.state == "done", job.error
    status = c.get("/personal/arsrapport/jobb/2025").get_json()
    assert status["ok"] and status["state"] == "done" and status["step_number"] == len(STEPS)
    assert [s["state"] for s in status["steps"]] == ["done"] * len(STEPS)
    assert "Årsrapporten för 2025 är klar" in status["text"]
    page = c.get(r.location)
    assert page.status_code == 200
    assert "Årsrapporten för 2025 är klar" in page.text and 'class="panel-ok"' in page.text
    assert 'id="job-status"' not in page.text  # no progress box once it is done
    assert c.get("/personal/arsrapport/jobb/2024").status_code == 404


def test_a_running_job_is_shown_with_progress_and_works_without_javascript(site: Site) -> None:
    # A real Job as the registry holds it mid-way (the page must not depend on timing).
    registry = jobs(site)
    with registry._lock:
        registry._jobs[2024] = Job(2024, step="pdf")
    c = site.client("vera")
    page = c.get("/personal/arsrapport?ar=2024")
    assert page.status_code == 200
    html = page.text
    assert 'role="status"' in html and "Steg 3 av 5: PDF." in html
    assert 'http-equiv="refresh"' not in html  # WCAG 2.2.1: no timed refresh
    assert 'href="/personal/arsrapport?ar=2024&amp;jobb=' in html and "Uppdatera sidan" in html
    assert 'data-step="charts" data-state="done"' in html
    assert 'data-step="pdf" data-state="running"' in html
    assert 'data-step="xlsx" data-state="waiting"' in html
    assert '<progress id="job-progress" max="5" value="2">' in html
    assert c.get("/personal/arsrapport.js").status_code == 200
    status = c.get("/personal/arsrapport/jobb/2024?lang=en").get_json()
    assert status["text"] == "Step 3 of 5: PDF." and status["states"][2] == "in progress"
    with registry._lock:
        del registry._jobs[2024]


def test_a_failing_job_shows_its_error_in_swedish_and_english(site: Site) -> None:
    config = site.node.folder / CONFIG_NAME
    config.write_text("[rapport\nbakgrund = 'trasig'\n", "utf-8")
    try:
        c = site.client("chef")
        r = post(c, "/personal/arsrapport/gor", "/personal/arsrapport?ar=2024", ar="2024")
        assert r.status_code == 302
        job = jobs(site).wait(2024)
        assert job.state == "failed"
        page = c.get(r.location)
        assert page.status_code == 200 and 'role="alert"' in page.text
        assert "Årsrapporten för 2024 kunde inte göras:" in page.text
        assert "går inte att läsa" in page.text and "Rätta filen" in page.text
        status = c.get("/personal/arsrapport/jobb/2024?lang=en").get_json()
        assert status["state"] == "failed" and "Fix the file" in status["error"]
        assert json.dumps(status)  # the shape is plain JSON
        failed = [s["state"] for s in status["steps"]]
        assert failed[0] == "failed" and set(failed[1:]) == {"waiting"}
    finally:
        config.unlink()
    # Fixed: the next start makes the report.
    jobs(site).start(2024)
    assert jobs(site).wait(2024).state == "done"


def test_chart_cache_lives_under_the_node(site: Site) -> None:
    assert chart_cache(site.node).folder == site.node.folder / "reports" / ".charts"
