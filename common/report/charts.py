"""Charts for the yearly reports: pure Plotly figure builders and offline rendering.

`bar_figure` builds a figure from a `Chart` (no I/O). `render` draws charts to SVG (for the
PDF) and PNG (for Word) with Kaleido in one Chromium session: Debian's Chromium (or
``BROWSER_PATH``), the plotly.js bundled with plotly.py, MathJax off, so nothing is fetched
from the network.

Starting Chromium is most of the wait, so `render` takes a `ChartCache` (a folder of images
named by the digest of the figure and its export options: the same data draws the same
chart) and starts the browser only for what the cache lacks; `prerender` starts that work in
a thread so the caller can do other things meanwhile (the årsrapport finds its text patterns
while the charts are drawn).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import os
import shutil
import textwrap
import threading
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from common.report.model import Chart

COLOR = "#1f4e79"
FONT = "DejaVu Sans"
WIDTH = 760
SEPARATORS = ",\u00a0"
TABS = 1
"""Browser tabs rendering at once. One: on two busy cores a second tab costs more to start
(≈ 2–3 s, loading plotly.js) than it saves on six charts (bench/arsrapport.py)."""
CACHE_FILES = 240
"""Images a `ChartCache` keeps (the oldest used go first): a few years' reports, twice over."""


def _wrap(label: str, width: int = 38) -> str:
    return "<br>".join(textwrap.wrap(label, width)) or label


def bar_figure(chart: Chart) -> go.Figure:
    """A bar chart in the report's style; horizontal charts list the largest bar first."""
    horizontal = chart.orientation == "h"
    labels = [_wrap(lab) for lab in chart.labels]
    bar = go.Bar(
        x=chart.values if horizontal else labels,
        y=labels if horizontal else chart.values,
        orientation=chart.orientation,
        marker_color=COLOR,
        text=chart.values,
        texttemplate="%{text:,d}",
        textposition="outside",
        cliponaxis=False,
        hoverinfo="skip",
    )
    fig = go.Figure(bar)
    height = max(260, 60 + 34 * len(labels)) if horizontal else 340
    fig.update_layout(
        template="simple_white",
        width=WIDTH,
        height=height,
        separators=SEPARATORS,
        font={"family": FONT, "size": 13, "color": "#222"},
        margin={"l": 10, "r": 50, "t": 20, "b": 50},
        showlegend=False,
    )
    value_axis = {"title": {"text": chart.axis_title}, "rangemode": "tozero",
                  "tickformat": ",d", "showgrid": True, "gridcolor": "#ddd"}  # fmt: skip
    if horizontal:
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(autorange="reversed", automargin=True, ticks="")
    else:
        fig.update_yaxes(**value_axis)
        fig.update_xaxes(type="category", ticks="")
    return fig


def browser_path() -> str | None:
    """Chromium for Kaleido: ``BROWSER_PATH``, else Debian's, else whatever is on PATH."""
    for candidate in (os.environ.get("BROWSER_PATH"), "/usr/bin/chromium"):
        if candidate and os.path.exists(candidate):
            return candidate
    return shutil.which("chromium") or shutil.which("google-chrome")


def _options(fig: go.Figure, fmt: str) -> dict[str, Any]:
    opts: dict[str, Any] = {"format": fmt, "width": fig.layout.width, "height": fig.layout.height}
    if fmt == "png":
        opts["scale"] = 2
    return opts


def digest(chart: Chart, fmt: str) -> str:
    """What the image of `chart` in `fmt` depends on: the figure, the export options and the
    plotly.py version (which carries the plotly.js that draws it)."""
    import plotly

    fig = bar_figure(chart)
    h = hashlib.sha256()
    for part in (plotly.__version__, repr(sorted(_options(fig, fmt).items())), fig.to_json()):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:40]


class ChartCache:
    """Images of charts drawn before, one file per digest, in `folder` (made when needed)."""

    def __init__(self, folder: Path, keep: int = CACHE_FILES) -> None:
        self.folder = Path(folder)
        self.keep = keep

    def _path(self, key: str, fmt: str) -> Path:
        return self.folder / f"{key}.{fmt}"

    def get(self, key: str, fmt: str) -> bytes | None:
        path = self._path(key, fmt)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        os.utime(path)  # used: the last to be pruned
        return data or None

    def put(self, key: str, fmt: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(key, fmt)
        tmp = path.with_name(f"{path.name}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # whole or not at all, also with two renderers at once

    def prune(self) -> None:
        files = sorted(self.folder.glob("*.*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[self.keep :]:
            old.unlink(missing_ok=True)


async def _render(charts: Sequence[Chart], formats: Sequence[str],
                  done: Any = None) -> None:
    import kaleido

    path = browser_path()
    kwargs: dict[str, Any] = {"mathjax": False, "timeout": 60}
    if path:
        kwargs["path"] = path

    async def one(k: Any, chart: Chart, fmt: str) -> None:
        fig = bar_figure(chart)
        setattr(chart, fmt, await k.calc_fig(fig, opts=_options(fig, fmt)))

    async with kaleido.Kaleido(n=TABS, **kwargs) as k:
        # One format at a time: a tab switching between SVG and PNG export is much slower.
        for fmt in formats:
            await asyncio.gather(*(one(k, c, fmt) for c in charts if not getattr(c, fmt)))
            if done is not None:
                done(fmt)  # these images are there: the PDF need not wait for the PNGs


def _run(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to the end, also when called from code that runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro)
        return
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro).result()


def render(charts: Sequence[Chart], formats: Sequence[str] = ("svg", "png"),
           cache: ChartCache | None = None) -> None:
    """Fill each chart's ``svg`` and/or ``png`` bytes (from `cache` where it has them)."""
    if not charts:
        return
    keys = {}
    if cache is not None:
        for c in charts:
            for fmt in formats:
                keys[id(c), fmt] = key = digest(c, fmt)
                setattr(c, fmt, cache.get(key, fmt) or b"")
    missing = [c for c in charts if any(not getattr(c, fmt) for fmt in formats)]
    if missing:
        _run(_render(missing, formats))
    if cache is not None and missing:
        for c in missing:
            for fmt in formats:
                cache.put(keys[id(c), fmt], fmt, getattr(c, fmt))
        cache.prune()


def prerender(charts: Sequence[Chart], cache: ChartCache,
              formats: Sequence[str] = ("svg", "png")) -> dict[str, threading.Event]:
    """Draw into `cache` whatever of `charts` it lacks, in a thread, one format after the
    other. Each format's event is set when its images are in the cache, or when drawing failed
    (`render` in the caller then tries again and raises)."""
    ready = {fmt: threading.Event() for fmt in formats}
    need = [c for c in charts if any(cache.get(digest(c, f), f) is None for f in formats)]
    if not need:
        for event in ready.values():
            event.set()
        return ready

    def store(fmt: str) -> None:
        for c in need:
            if getattr(c, fmt):
                cache.put(digest(c, fmt), fmt, getattr(c, fmt))
        ready[fmt].set()

    def work() -> None:
        try:
            _run(_render(need, formats, done=store))
        except Exception:  # noqa: BLE001, S110 - render() in the caller's thread reports it
            pass
        finally:
            for event in ready.values():
                event.set()

    threading.Thread(target=work, name="lexheller-charts", daemon=True).start()
    return ready
