"""Charts for the yearly reports: pure Plotly figure builders and offline rendering.

`bar_figure` builds a figure from a `Chart` (no I/O). `render` draws charts to SVG (for the
PDF) and PNG (for Word) with Kaleido in one Chromium session: Debian's Chromium (or
``BROWSER_PATH``), the plotly.js bundled with plotly.py, MathJax off, so nothing is fetched
from the network.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import textwrap
from collections.abc import Coroutine, Sequence
from typing import Any

import plotly.graph_objects as go

from common.report.model import Chart

COLOR = "#1f4e79"
FONT = "DejaVu Sans"
WIDTH = 760
SEPARATORS = ",\u00a0"
TABS = 2
"""Browser tabs rendering at once (the CI machine has two cores)."""


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


async def _render(charts: Sequence[Chart], formats: Sequence[str]) -> None:
    import kaleido

    path = browser_path()
    kwargs: dict[str, Any] = {"mathjax": False, "timeout": 60}
    if path:
        kwargs["path"] = path

    async def one(k: Any, chart: Chart, fmt: str) -> None:
        fig = bar_figure(chart)
        opts = {"format": fmt, "width": fig.layout.width, "height": fig.layout.height}
        if fmt == "png":
            opts["scale"] = 2
        setattr(chart, fmt, await k.calc_fig(fig, opts=opts))

    async with kaleido.Kaleido(n=TABS, **kwargs) as k:
        await asyncio.gather(*(one(k, c, fmt) for c in charts for fmt in formats))


def _run(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to the end, also when called from code that runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro)
        return
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro).result()


def render(charts: Sequence[Chart], formats: Sequence[str] = ("svg", "png")) -> None:
    """Fill each chart's ``svg`` and/or ``png`` bytes."""
    if charts:
        _run(_render(charts, formats))
