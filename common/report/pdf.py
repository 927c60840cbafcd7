"""The yearly report as an accessible PDF (PDF/UA-1) with WeasyPrint.

The HTML template has ``lang="sv"``, real headings, tables with header cells and captions, and
every chart as an image with alt text; WeasyPrint's ``pdf/ua-1`` variant writes the tagged
structure tree (StructTreeRoot, /Lang, /Alt) from it. Metadata dates come from the document
model (the data's date), so the same data gives the same PDF text and metadata.
"""

from __future__ import annotations

import base64
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from weasyprint import HTML

from common.report.model import Document

_TEMPLATES = resources.files("common.report").joinpath("templates")


def _svg_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["svg_uri"] = _svg_uri
    return env


def render_html(doc: Document, template: str = "arsrapport.html", **extra: Any) -> str:
    css = _TEMPLATES.joinpath("arsrapport.css").read_text("utf-8")
    return environment().get_template(template).render(doc=doc, css=css, **extra)


def write_pdf(doc: Document, path: Path, template: str = "arsrapport.html") -> Path:
    """Write `doc` (charts already rendered to SVG) as a tagged PDF/UA-1 file."""
    html = render_html(doc, template)
    HTML(string=html, base_url=str(_TEMPLATES)).write_pdf(
        path, pdf_variant="pdf/ua-1", pdf_identifier=doc.title.encode("utf-8")[:32]
    )
    return path
