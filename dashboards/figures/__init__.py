"""Pure figure builders (one module per kind of chart): Polars frames in, `Chart` (Plotly figure + caption + one-sentence
summary + the data as a table) out. No Dash, no I/O; unit-tested without a browser.

Conventions: a suppressed single cell is drawn as no mark with the label "..", never as a
zero bar; an uncertain sum is drawn at its lower bound with an error bar up to its upper
bound and labelled with its bounds. Colour scales are cividis (safe for colour-blind
readers) and every value is also written as text, so colour never carries meaning alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from common import i18n as catalogs
from common.format import SEPARATORS, fmt_bounded
from dashboards import periods
from schemas.codes import code_list
from schemas.wire import UNCLASSIFIED

GRAPH_CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "responsive": True,
    # The modebar's camera saves PNG; the buttons under each chart offer PNG and SVG.
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross", "hexagon"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]


_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8",
         "ticks": "", "automargin": True}  # fmt: skip
TEMPLATE = go.layout.Template(
    layout={
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "colorway": COLOURS,
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "hovermode": "closest",
    }
)
"""What we use of Plotly's "plotly_white": validating that whole template (defaults for every
trace type) costs tens of milliseconds per figure."""


CIVIDIS = go.Heatmap(colorscale="Cividis").colorscale
"""Cividis as (position, colour) pairs, resolved once (heatmaps are built unvalidated)."""


@dataclass(frozen=True)
class DataTable:
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]


@dataclass(frozen=True)
class Chart:
    key: str
    caption: str
    summary: str
    figure: go.Figure | None
    table: DataTable


def layout(lang: str, height: int = 420, **extra: Any) -> dict[str, Any]:
    """Our base layout as a plain dict, `extra` merged in (``xaxis``/``yaxis`` one level deep).

    Figures built often (heatmaps, bars per förbund) pass it to ``go.Figure(..., layout=,
    _validate=False)``: one constructor call instead of updates that each walk Plotly's
    property tree (18 ms → 3 ms for a heatmap)."""
    out: dict[str, Any] = {
        "separators": SEPARATORS[lang],
        "font": {"family": FONT, "size": 14, "color": "#1a1a1a"},
        "template": TEMPLATE,
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 40, "b": 10},
        "hoverlabel": {"font": {"family": FONT}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0},
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True},
    }
    for key, value in extra.items():
        out[key] = {**out[key], **value} if key in ("xaxis", "yaxis") else value
    return out


def base_layout(fig: go.Figure, lang: str, height: int = 420) -> go.Figure:
    fig.update_layout(layout(lang, height))
    return fig


def short_name(name: str) -> str:
    """Axis label for a förbund: without the common prefix."""
    for prefix in ("Samordningsförbundet ", "Samordningsförbund "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def wrap(text: str, width: int = 28) -> str:
    """Break a long axis label over lines (<br>) so it fits narrow screens and narrow heatmap
    columns. A word longer than a line breaks after a "/" and, if still too long, with a
    hyphen (long Swedish names like "Arbetsförmedlingen" would overlap their neighbours)."""
    words: list[str] = []
    for w in text.split():
        parts = [p + "/" for p in w.split("/")[:-1]] + [w.split("/")[-1]]
        for p in (p for p in parts if p):
            while len(p.rstrip("/,")) > width:
                cut = _hyphen_at(p, width)
                words.append(p[:cut] + "-")
                p = p[cut:]
            words.append(p)
    lines: list[str] = []
    line = ""
    for w in words:
        glue = "" if line.endswith(("/", "-")) else " "
        if line and len(line) + len(glue) + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line}{glue}{w}" if line else w
    lines.append(line)
    return "<br>".join(lines)


_VOWELS = frozenset("aeiouyåäöéAEIOUYÅÄÖÉ")


def _hyphen_at(word: str, width: int) -> int:
    """Where to break a word too long for a line: between two consonants (Swedish syllables:
    "Arbets-förmedlingen", "Försäk-ringskassan"), as near the middle as the line allows."""
    last = min(width - 1, len(word) - 3)
    fits = [i for i in range(3, last + 1)
            if word[i - 1].isalpha() and word[i - 1] not in _VOWELS and word[i] not in _VOWELS
            and word[i + 1] in _VOWELS]  # fmt: skip
    if not fits:
        return max(1, last)
    return min(fits, key=lambda i: abs(i - len(word) / 2))


def bounded_label(row: dict, lang: str) -> str:
    return fmt_bounded(row["lo"], row["hi"], row["n"], row["n_supp"], lang)


def period_span(chosen: list[str], lang: str) -> str:
    if not chosen:
        return "–"
    first, last = periods.label(chosen[0], lang), periods.label(chosen[-1], lang)
    return first if first == last else f"{first}–{last}"


def codes(list_name: str, with_unclassified: bool) -> list[str]:
    values = list(code_list(list_name).values)
    return [*values, UNCLASSIFIED] if with_unclassified else values


RANGE_LABEL = catalogs.both("dash_x_uncertain_range_protected_values")
KNOWN_LABEL = catalogs.both("dash_x_at_least")


def hbar(
    labels: list[str], rows: list[dict], lo: str, hi: str, texts: list[str], lang: str = "sv"
) -> list[go.Bar]:
    """Stacked horizontal bars: solid up to the lower bound, hatched up to the upper bound.

    The label (value or bounds) is written after the bar. A hidden single cell gets no bar,
    only its label ".." at the axis, so it can never be read as zero.
    """
    base, extra = [], []
    for r in rows:
        x = None if r.get("hidden") else r[lo]
        base.append(x)
        extra.append(0 if x is None or r[hi] is None else max(r[hi] - x, 0))
    common = {"y": labels, "orientation": "h", "cliponaxis": False}
    return [
        go.Bar(
            **common, x=base, name=KNOWN_LABEL[lang], marker={"color": COLOURS[0]},
            customdata=texts, hovertemplate="%{y}: %{customdata}<extra></extra>",
            showlegend=any(extra), _validate=False,
        ),
        go.Bar(
            **common, x=extra, name=RANGE_LABEL[lang], text=texts, textposition="outside",
            marker={"color": "#9ecae1", "pattern": {"shape": "/", "fgcolor": COLOURS[0]}},
            customdata=texts, hovertemplate="%{y}: %{customdata}<extra></extra>",
            showlegend=any(extra), _validate=False,
        ),
    ]  # fmt: skip


def bar_extent(rows: list[dict], lo: str, hi: str) -> list[float]:
    """The x range that leaves room after the longest bar for its label."""
    top = max([(r[hi] if r[hi] is not None else r[lo]) or 0 for r in rows] or [0])
    return [0, max(top, 1) * 1.3]


def bar_range(fig: go.Figure, rows: list[dict], lo: str, hi: str) -> None:
    """Leave room after the longest bar for its label."""
    fig.update_xaxes(range=bar_extent(rows, lo, hi), rangemode="tozero")


def text_colours(z: list[float | None], zmax: float) -> list[str]:
    # cividis is dark at the low end: white text there, black on the light high end.
    return ["#ffffff" if v is None or zmax <= 0 or v / zmax < 0.55 else "#000000" for v in z]


def heat(
    x: list[str], y: list[str], z: list[float | None], texts: list[str], hover: list[str], lang: str
) -> go.Figure:
    """A heatmap (cividis) with every cell's value written on it; gaps (None) stay white.

    Built unvalidated (`_validate=False`): the arguments are fixed here, and validating a
    heatmap with a few hundred cells costs more than the rest of the page."""
    zmax = max([v for v in z if v is not None] or [0])
    n_rows, n_cols = len(set(y)), len(set(x))
    height = max(320, 46 * n_rows + 40 * max(1, 12 // max(n_cols, 1)) + 120)
    fig = go.Figure(
        [
            go.Heatmap(
                x=x, y=y, z=z, colorscale=CIVIDIS, hoverinfo="skip", xgap=2, ygap=2,
                showscale=False, zmin=0, zmax=zmax or 1, _validate=False,
            ),
            go.Scatter(
                x=x, y=y, mode="text", text=texts, hovertext=hover, hoverinfo="text",
                textfont={"color": text_colours(z, zmax), "size": 12}, showlegend=False,
                _validate=False,
            ),
        ],
        layout=layout(
            lang, height,
            xaxis={"side": "top", "tickangle": 0, "type": "category",
                   "tickfont": {"size": 11 if n_cols > 6 else 13}},
            yaxis={"autorange": "reversed", "type": "category", "tickfont": {"size": 12}},
        ),
        _validate=False,
    )  # fmt: skip
    return fig
