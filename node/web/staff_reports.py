"""Staff pages for the yearly report, the pattern analysis and publishing, under ``/personal/``.

    /personal/arsrapport                  choose a year, edit the summary, make the report
    /personal/arsrapport/<year>/<file>    download one of the year's three files (whitelisted)
    /personal/monster                     groups of similar reports for a year (local only)
    /personal/publicering                 ledger, outbox, preview and (förbundschef) publish
    /personal/publicering/paket/<seq>     the signed bundle of a ledger entry, as a file

All pages need ``cases.read`` (verksamhetsutvecklare, förbundschef); publishing needs
``publish.approve``. Every POST carries the shared CSRF token. The heavy actions (making the
report, building a bundle) run one at a time per app; a second click while one runs is told
to wait. The pages reuse the staff login, layout and helpers (:mod:`node.web.staff`).

    register_staff_reports(app, node)    add the pages (idempotent; adds the staff pages too)

The template global ``staff_report_pages`` is True in an app with these pages, so the shared
staff menu can link to ``staff_reports.arsrapport``, ``.monster`` and ``.publicering``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from babel.numbers import format_decimal, format_percent
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.exceptions import HTTPException

from common.errors import UsageError
from common.i18n import pair
from common.web import current_lang, i18n, web_state
from common.web.errors import error_response, install_json_errors
from common.web.security import add_security_headers, limit_request_size
from node.privacy import find_personal_data
from node.publish import build, publish
from node.report import STEPS, default_out
from node.report.jobs import Job, ReportJobs
from node.web.staff import needs, register_staff
from node.web.staff import template_helpers as staff_helpers
from node.web.staff_preview import ANSWER_WITHIN, Previews
from schemas.wire import Bundle, Envelope

if TYPE_CHECKING:
    from node.runtime import Node
    from node.store import NodeStore

log = logging.getLogger("lexheller.node.web")
EXTENSION = "lexheller.staff_reports"
MAX_REQUEST_BYTES = 512 * 1024  # a long summary in Swedish, percent-encoded
MAX_SUMMARY = 60_000
TZ = "Europe/Stockholm"


@dataclass
class ReportsState:
    node: Node
    busy: threading.Lock  # publishing: one at a time
    jobs: ReportJobs  # the årsrapport, made in the background
    previews: Previews  # the publish preview, built in the background once per data version


def _t(key: str, **fields: Any) -> str:
    return i18n.t(key, current_lang(), **fields)


# ---------------------------------------------------------------------- data for the pages


def received_years(store: NodeStore) -> list[int]:
    """The year (Swedish time) each report was received, in no particular order."""
    with store.cursor() as cur:
        frame = cur.sql("SELECT received_at FROM reports").pl()
    local = pl.col("received_at").dt.replace_time_zone("UTC").dt.convert_time_zone(TZ)
    return frame.select(local.dt.year())["received_at"].to_list()


def report_years(store: NodeStore) -> list[int]:
    """Years that have reports, newest first."""
    return sorted(set(received_years(store)), reverse=True)


def report_files(node: Node, year: int) -> list[dict[str, Any]]:
    """The year's report files that exist: kind, name, size in bytes, time made (UTC)."""
    folder = default_out(node, year)
    out = []
    for kind, name in file_names(year).items():
        path = folder / name
        if path.is_file():
            st = path.stat()
            out.append({"kind": kind, "name": name, "size": st.st_size,
                        "made": datetime.fromtimestamp(st.st_mtime, UTC)})  # fmt: skip
    return out


def file_names(year: int) -> dict[str, str]:
    """The only file names the download route serves for `year`."""
    return {"pdf": f"arsrapport-{year}.pdf", "docx": f"arsrapport-{year}.docx",
            "xlsx": f"arsrapport-{year}-siffror.xlsx"}  # fmt: skip


def summary_path(node: Node, year: int) -> Path:
    from node.report.texts import SUMMARY_NAME

    return default_out(node, year) / SUMMARY_NAME


def summary_text(node: Node, year: int) -> tuple[str, bool]:
    """The summary file's text, or (if there is none yet) the draft from the figures."""
    path = summary_path(node, year)
    if path.is_file():
        return path.read_text("utf-8"), False
    from node.report.data import year_figures
    from node.report.texts import draft_summary

    figures = year_figures(node.store, year, texts_cleared=False)
    return draft_summary(figures, str(node.config["node"]["name"] or node.id)), True


def size_text(n: int) -> str:
    """A file size in Swedish format: '812 byte', '45 kB', '1,3 MB'."""
    if n < 1024:
        return f"{format_decimal(n, locale='sv_SE')} byte"
    if n < 1024 * 1024:
        return f"{format_decimal(round(n / 1024), locale='sv_SE')} kB"
    return f"{format_decimal(n / 1024 / 1024, format='#,##0.0', locale='sv_SE')} MB"


def periods_text(periods: list[str], lang: str) -> str:
    """'2024, 2025 och 8 kvartal' (months, if any, are counted with the quarters' form)."""
    years = sorted(p for p in periods if len(p) == 4)
    parts = sorted(p for p in periods if len(p) != 4)
    shown = ", ".join(years) or "–"
    if not parts:
        return shown
    return i18n.t("sr_periods_text", lang, years=shown, quarters=len(parts))


def table_label(name: str) -> str:
    """The published table's name in the page's language (its code if it has no label)."""
    key = f"sr_table_{name}"
    return _t(key) if i18n.has(key) else name


def bundle_summary(envelope: bytes) -> dict[str, Any]:
    """Per table name: periods, cells and suppressed cells of a signed bundle."""
    bundle = Bundle.from_bytes(Envelope.from_bytes(envelope).payload)
    tables: dict[str, dict[str, int]] = {}
    for table in bundle.tables:
        row = tables.setdefault(table.name, {"periods": 0, "cells": 0, "suppressed": 0})
        row["periods"] += 1
        row["cells"] += len(table.cells)
        row["suppressed"] += sum(1 for _, v in table.cells if v is None)
    return {"sequence": bundle.sequence, "periods": bundle.periods, "tables": tables,
            "cells": sum(r["cells"] for r in tables.values()),
            "suppressed": sum(r["suppressed"] for r in tables.values())}  # fmt: skip


def ledger(store: NodeStore) -> list[dict[str, Any]]:
    """The node's publications, newest first, with cell counts read from the bundles."""
    out = []
    for pub in reversed(store.publications()):
        s = bundle_summary(store.envelope(pub["sequence"]))
        out.append({**pub, "cells": s["cells"], "suppressed": s["suppressed"]})
    return out


def outbox(store: NodeStore) -> list[dict[str, Any]]:
    """The outbox, newest first; ``state`` is 'waiting', 'sent' or 'refused'."""
    out = []
    for row in reversed(store.outbox_all()):
        if row["sent_at"] is None:
            state = "waiting"
        else:
            state = "sent" if row["hub_status"] in (200, 201) else "refused"
        out.append({**row, "state": state})
    return out


def published_notice(node: Node, sequence: int) -> tuple[str, str]:
    """('ok'|'warn'|'error', text) about a publication just made, from the outbox."""
    row = next((r for r in outbox(node.store) if r["sequence"] == sequence), None)
    if row is None:
        return "ok", _t("sr_published_file", n=sequence)
    error = row["last_error"] or str(row["hub_status"] or "")
    if row["state"] == "sent":
        return "ok", _t("sr_published_sent", n=sequence)
    if row["state"] == "refused":
        return "error", _t("sr_published_refused", n=sequence, error=error)
    return "warn", _t("sr_published_waiting", error=error)


# ---------------------------------------------------------------------- rendering


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"staff/{template}", **staff_helpers(), **context), status


def _state() -> ReportsState:
    return current_app.extensions[EXTENSION]


def _chosen_year(years: list[int]) -> tuple[int | None, str | None]:
    """The year asked for (``?ar=``/form ``ar``), else last year with reports; and an error."""
    asked = (request.values.get("ar") or "").strip()
    if asked:
        if asked.isdigit() and int(asked) in years:
            return int(asked), None
        return (years[0] if years else None), _t("sr_unknown_year", year=asked[:8])
    this_year = datetime.now(UTC).year
    earlier = [y for y in years if y < this_year]
    return (earlier[0] if earlier else years[0] if years else None), None


def _error_page(e: HTTPException) -> tuple[str, int]:
    code = e.code or 400
    if code in (403, 404):
        title, message = _t(f"st_{code}_title"), _t(f"st_{code}")
    elif code in (400, 413):
        limit = f"{MAX_REQUEST_BYTES // 1024} kB"
        title, message = _t(f"err_{code}_title"), _t(f"err_{code}", limit=limit)
    else:
        title, message = _t("err_title"), str(e.description)
    return _render("error.html", code, title=title, message=message)


# ---------------------------------------------------------------------- the blueprint


def register_staff_reports(app: Flask, node: Node) -> None:
    """Add the yearly report, pattern and publishing pages to `app` (once)."""
    if "staff_reports" in app.blueprints:
        return
    register_staff(app, node)
    busy = threading.Lock()
    app.extensions[EXTENSION] = ReportsState(node, busy, ReportJobs(node),
                                             Previews(node, busy, _preview_summary))  # fmt: skip
    # the page scripts' job status (the årsrapport's and the publish preview's)
    install_json_errors(app, "/personal/arsrapport/jobb/", "/personal/publicering/jobb")
    bp = Blueprint("staff_reports", __name__, url_prefix="/personal")

    @bp.before_request
    def _guard() -> None:
        limit_request_size(MAX_REQUEST_BYTES)
        web_state().csrf.protect()

    @bp.after_request
    def _headers(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return add_security_headers(response)

    for code in (400, 403, 404, 413):
        bp.register_error_handler(code, _error_page)

    @bp.get("/rapporter.css")
    def css() -> Response:
        return Response(REPORTS_CSS, mimetype="text/css",
                        headers={"Cache-Control": "max-age=3600"})  # fmt: skip

    @bp.get("/arsrapport.js")
    def job_script() -> Response:
        return Response(JOB_JS, mimetype="text/javascript",
                        headers={"Cache-Control": "max-age=3600"})  # fmt: skip

    _add_report_routes(bp)
    _add_pattern_routes(bp)
    _add_publish_routes(bp)
    app.register_blueprint(bp)
    # Lets the shared staff menu link here only in apps that have these pages.
    app.jinja_env.globals["staff_report_pages"] = True


def _report_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    node = _state().node
    years = report_years(node.store)
    year, error = _chosen_year(years)
    text, draft, files, saved_at = "", False, [], None
    if year is not None:
        text, draft = summary_text(node, year)
        files = report_files(node, year)
        path = summary_path(node, year)
        saved_at = datetime.fromtimestamp(path.stat().st_mtime, UTC) if path.is_file() else None
    stale = bool(files and saved_at and saved_at > min(f["made"] for f in files))
    job = _state().jobs.get(year) if year is not None else None
    context = {"years": years, "year": year, "text": text, "draft": draft, "files": files,
               "saved_at": saved_at, "stale": stale, "max_summary": MAX_SUMMARY,
               "size_text": size_text, "error": error, "job": job, "steps_total": len(STEPS),
               "job_error": job.error_text(current_lang()) if job else ""}  # fmt: skip
    context.update(extra)
    return _render("arsrapport.html", 404 if error and status == 200 else status, **context)


def job_text(job: Job) -> str:
    """One line for the live region: the step running now, or how the job ended."""
    if job.state == "done":
        return built_notice(job)
    if job.state == "failed":
        return _t("sr_job_failed", year=job.year, error=job.error_text(current_lang()))
    return _t("sr_job_status", year=job.year, n=job.step_number, total=len(STEPS),
              step=_t(f"sr_job_step_{job.step}"))  # fmt: skip


def built_notice(job: Job) -> str:
    result = job.result or {}
    return _t("sr_built", year=job.year, n=i18n.number(int(result.get("reports", 0))),
              seconds=i18n.number(round(float(result.get("timings", {}).get("total", 0)), 1)))  # fmt: skip


def _add_report_routes(bp: Blueprint) -> None:
    @bp.get("/arsrapport")
    @needs("cases.read")
    def arsrapport() -> Any:
        done = None
        st = _state()
        asked = request.args.get("ar", "")
        job = st.jobs.get(int(asked)) if asked.isdigit() else None
        if job and job.state == "done" and request.args.get("jobb") == str(job.id):
            done = built_notice(job)
        elif request.args.get("klart") == "sparad":
            done = _t("sr_summary_saved")
        elif request.args.get("klart") == "gjord":
            n, sek = request.args.get("n", ""), request.args.get("sek", "")
            if n.isdigit() and sek.replace(".", "", 1).isdigit():
                done = _t("sr_built", year=request.args.get("ar", ""), n=i18n.number(int(n)),
                          seconds=i18n.number(round(float(sek), 1)))  # fmt: skip
        return _report_page(done=done)

    @bp.post("/arsrapport")
    @needs("cases.read")
    def save_summary() -> Any:
        node = _state().node
        year, error = _chosen_year(report_years(node.store))
        if error or year is None:
            return _report_page(400)
        text = request.form.get("text", "").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            return _report_page(400, text_error=_t("sr_summary_empty"), posted=text)
        if len(text) > MAX_SUMMARY:
            return _report_page(400, posted=text, text_error=_t(
                "sr_summary_too_long", n=i18n.number(len(text)), max=i18n.number(MAX_SUMMARY)))  # fmt: skip
        found = find_personal_data(text)
        if found:
            kinds = ", ".join(sorted({f.label(current_lang()) for f in found}))
            message = _t("sr_summary_personal", kinds=kinds,
                         found=", ".join(f.text for f in found))  # fmt: skip
            return _report_page(400, text_error=message, posted=text)
        path = summary_path(node, year)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text if text.endswith("\n") else text + "\n", "utf-8")
        tmp.replace(path)
        return redirect(url_for("staff_reports.arsrapport", ar=year, klart="sparad"))

    @bp.post("/arsrapport/gor")
    @needs("cases.read")
    def make_report() -> Any:
        st = _state()
        year, error = _chosen_year(report_years(st.node.store))
        if error or year is None:
            return _report_page(400)
        job = st.jobs.start(year)  # joins the job already making this year's report
        return redirect(url_for("staff_reports.arsrapport", ar=year, jobb=job.id,
                                _anchor="jobb"))  # fmt: skip

    @bp.get("/arsrapport/jobb/<int:year>")
    @needs("cases.read")
    def job_status(year: int) -> Any:
        """The year's report job as JSON, for the page's script (the page works without it)."""
        job = _state().jobs.get(year)
        if job is None:
            return error_response(404, "no_report_job", i18n.t("sr_job_none", "sv", year=year),
                                  i18n.t("sr_job_none", "en", year=year),
                                  hint=pair("sr_job_none_hint"))  # fmt: skip
        body = job.to_dict(current_lang())
        body["ok"] = True
        body["text"] = job_text(job)
        body["states"] = [_t(f"sr_job_state_{s['state']}") for s in job.steps()]
        return jsonify(body)

    @bp.get("/arsrapport/<int:year>/<name>")
    @needs("cases.read")
    def report_file(year: int, name: str) -> Any:
        if name not in file_names(year).values():
            abort(404)
        folder = default_out(_state().node, year)
        if not (folder / name).is_file():
            abort(404)
        return send_from_directory(folder, name, as_attachment=True, max_age=0)


def _add_pattern_routes(bp: Blueprint) -> None:
    from node.patterns import find_patterns

    @bp.get("/monster")
    @needs("cases.read")
    def monster() -> Any:
        node = _state().node
        years = report_years(node.store)
        year, error = _chosen_year(years)
        patterns = find_patterns(node.store, year) if year is not None else []
        total = 0
        if year is not None:
            total = received_years(node.store).count(year)
        share = lambda v: format_percent(v, locale="sv_SE")  # noqa: E731
        # cases are named by their case number (the receipt code), as everywhere on the node
        shown = [r.id for p in patterns for r in p.typical]
        with node.store.cursor() as cur:
            receipts = dict(cur.execute("SELECT id, receipt FROM reports"
                                        " WHERE list_contains(?, id)", [shown]).fetchall())  # fmt: skip
        return _render("monster.html", 404 if error else 200, years=years, year=year,
                       error=error, patterns=patterns, total=total, share=share,
                       receipts=receipts)  # fmt: skip


def _publish_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    node = _state().node
    cfg = node.config
    context = {"hub_url": cfg["publish"]["hub_url"] or "", "k": int(cfg["disclosure"]["k"]),
               "ledger": ledger(node.store), "outbox": outbox(node.store),
               "periods_text": lambda p: periods_text(list(p), current_lang()),
               "table_label": table_label, "preview": None, "error": None,
               "notice": None, "preview_job": None}  # fmt: skip
    context.update(extra)
    return _render("publicering.html", status, **context)


def _preview_summary(node: Node) -> dict[str, Any]:
    """What the preview shows: the bundle a publication would sign now (nothing is published)."""
    pub = build(node.store, node.config, node.key)
    summary = bundle_summary(pub.envelope)
    summary.update(primary=pub.primary, complementary=pub.complementary)
    return summary


def _preview_text(seconds: int) -> str:
    return _t("sr_preview_running", seconds=seconds)


def _add_publish_routes(bp: Blueprint) -> None:
    @bp.get("/publicering")
    @needs("cases.read")
    def publicering() -> Any:
        notice = None
        seq = request.args.get("publicerad", "")
        if seq.isdigit() and int(seq) <= _state().node.store.last_sequence():
            notice = (*published_notice(_state().node, int(seq)), int(seq))
        if not request.args.get("forhandsgranskning"):
            return _publish_page(notice=notice)
        job = _state().previews.last()
        if job is not None and job.state == "running":
            return _publish_page(notice=notice, preview_job=job)
        if job is not None and job.state == "failed":
            return _publish_page(notice=notice, error=_t(
                "sr_preview_failed", error=job.error.message(current_lang()) if job.error else ""))
        current = _state().previews.current()
        if current is None:  # built from data that has changed since, or never built
            return _publish_page(notice=notice, error=_t("sr_preview_stale"))
        return _publish_page(notice=notice, preview=current.summary)

    @bp.post("/publicering/forhandsgranska")
    @needs("cases.read")
    def preview() -> Any:
        """Answers at once: the preview of the current data if it is built, else the page
        with the build's progress (the build goes on in the background)."""
        job = _state().previews.start()
        job.wait(ANSWER_WITHIN)
        if job.state == "done":
            return _publish_page(preview=job.summary)
        if job.state == "failed" and job.error is not None:
            return _publish_page(400, error=job.error.message(current_lang()))
        return redirect(url_for("staff_reports.publicering", forhandsgranskning=1,
                                _anchor="forhandsgranskning"), code=303)  # fmt: skip

    @bp.get("/publicering/jobb")
    @needs("cases.read")
    def preview_status() -> Any:
        """The preview job as JSON, for the page's script (the page works without it)."""
        job = _state().previews.last()
        if job is None:
            return error_response(404, "no_preview_job", i18n.t("sr_preview_none", "sv"),
                                  i18n.t("sr_preview_none", "en"))  # fmt: skip
        return jsonify({"ok": True, "state": job.state, "seconds": job.seconds(),
                        "text": _preview_text(job.seconds()), "step_number": 1,
                        "steps": [], "states": []})  # fmt: skip

    @bp.post("/publicering/publicera")
    @needs("publish.approve")
    def publish_now() -> Any:
        st = _state()
        node = st.node
        expected = request.form.get("sequence", "")
        if not expected.isdigit() or int(expected) != node.store.last_sequence() + 1:
            return _publish_page(409, error=_t("sr_stale_preview"))
        if not st.busy.acquire(blocking=False):
            return _publish_page(409, error=_t("sr_busy"))
        try:
            out = None
            if not node.config["publish"]["hub_url"]:
                out = node.folder / "publicerat" / f"lexheller-{node.id}-{expected}.json"
                out.parent.mkdir(exist_ok=True)
            result = publish(node.store, node.config, node.key, out=out)
        except UsageError as e:
            return _publish_page(400, error=e.diagnostics(current_lang()))
        finally:
            st.busy.release()
        return redirect(url_for("staff_reports.publicering", publicerad=result["sequence"]))

    @bp.get("/publicering/paket/<int:sequence>")
    @needs("cases.read")
    def bundle_file(sequence: int) -> Any:
        node = _state().node
        if not any(p["sequence"] == sequence for p in node.store.publications()):
            abort(404)
        name = f"lexheller-{node.id}-{sequence}.json"
        return Response(node.store.envelope(sequence), mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


REPORTS_CSS = """
/* The report, pattern and publishing pages. */
.subnav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; list-style: none; padding: 0; }
.subnav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 0.2em; }
.year-form { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: flex-end; }
.year-form .field { margin-bottom: 0; }
textarea.summary { min-height: 22rem; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.files li { margin-bottom: 0.75rem; }
.group { border-top: 2px solid #767b83; padding-top: 0.25rem; margin-top: 2rem; }
.words { display: flex; flex-wrap: wrap; gap: 0.4rem; list-style: none; padding: 0; }
.words li { background: #f3f5f7; border: 1px solid #767b83; border-radius: 4px; padding: 0 0.5rem; }
.panel-warn { background: #fff4d6; border: 4px solid #8a6100; padding: 1rem; margin: 0 0 1.5rem; }
.job { border: 2px solid #1f4e79; padding: 0 1rem 1rem; margin: 0 0 1.5rem; }
.job progress { width: 100%; max-width: 30rem; height: 1.25rem; }
.job-steps li[data-state="done"] span, .job-steps li[data-state="running"] span { font-weight: 700; }
"""

# Polls the job while it runs and updates the text in the live region and the list of steps;
# when the job ends it loads the page again (the notice or the error, and the files). Without
# JavaScript the page's "Uppdatera" link does the same.
JOB_JS = """
(function () {
  var box = document.getElementById("job-status");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url"), done = box.getAttribute("data-done-url");
  function tick() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (!job.ok) { return; }
        if (job.state !== "running") { window.location.assign(done); return; }
        var text = document.getElementById("job-text");
        if (text.textContent !== job.text) { text.textContent = job.text; }
        var bar = document.getElementById("job-progress");
        if (bar) { bar.value = job.step_number - 1; }
        job.steps.forEach(function (s, i) {
          var li = document.querySelector('.job-steps li[data-step="' + s.name + '"]');
          if (li) { li.setAttribute("data-state", s.state); li.querySelector("span").textContent = job.states[i]; }
        });
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
"""
