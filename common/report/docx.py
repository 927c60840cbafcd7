"""The yearly report as an editable Word document (python-docx).

Same content as the PDF, from the same document model: headings with Word's heading styles
(so the navigation pane and a table of contents work), bullet lists, tables with a repeated
header row, and charts as PNG images with alt text (``descr``). The document's language is
Swedish and its metadata dates come from the data, not the clock.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from common.report.model import CHG, INT, PCT, Bullets, Chart, Document, Heading, Para, Table

LANG = "sv-SE"


def _set_language(document: DocxDocument) -> None:
    """Swedish as the default proofing language of every style."""
    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults"))
    if rpr_default is None:
        return
    rpr = rpr_default.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), LANG)


def _table(document: DocxDocument, t: Table) -> None:
    document.add_paragraph(f"Tabell {t.number}. {t.caption}", style="Caption")
    rows = t.text_rows()
    table = document.add_table(rows=1 + len(rows), cols=len(t.columns))
    table.style = "Light List Accent 1"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, (name, _) in zip(header.cells, t.columns, strict=True):
        cell.text = name
    for r, values in enumerate(rows, start=1):
        total = t.total is not None and r == len(rows)
        for c, value in enumerate(values):
            cell = table.rows[r].cells[c]
            cell.text = value
            para = cell.paragraphs[0]
            if t.columns[c][1] in (INT, PCT, CHG):
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if total:
                for run in para.runs:
                    run.bold = True
    document.add_paragraph()


def _chart(document: DocxDocument, chart: Chart) -> None:
    document.add_picture(BytesIO(chart.png), width=Cm(16))
    inline = document.inline_shapes[-1]._inline
    inline.docPr.set("descr", chart.alt)
    inline.docPr.set("title", chart.title)
    document.add_paragraph(f"Figur {chart.number}. {chart.title}", style="Caption")


def write_docx(doc: Document, path: Path) -> Path:
    """Write `doc` (charts already rendered to PNG) as a .docx file."""
    d = new_docx()
    _set_language(d)
    d.styles["Normal"].font.name = "Calibri"
    d.styles["Normal"].font.size = Pt(11)
    when = datetime.fromisoformat(doc.created.replace("Z", "+00:00")).replace(tzinfo=None)
    props = d.core_properties
    props.title, props.author, props.language = doc.title, doc.author, LANG
    props.subject, props.keywords = doc.subtitle, "Lex Heller, årsrapport, skav"
    props.last_modified_by, props.revision = doc.author, 1
    props.created = props.modified = when
    d.add_heading(doc.title, level=0)
    d.add_paragraph(doc.subtitle, style="Subtitle")
    for label, value in doc.facts:
        d.add_paragraph(f"{label}: {value}", style="List Bullet")
    for section in doc.sections:
        d.add_page_break()
        d.add_heading(section.title, level=1)
        for b in section.blocks:
            if isinstance(b, Para):
                p = d.add_paragraph(b.text)
                if b.style == "note":
                    for run in p.runs:
                        run.italic = True
            elif isinstance(b, Heading):
                d.add_heading(b.text, level=2)
            elif isinstance(b, Bullets):
                for item in b.items:
                    d.add_paragraph(item, style="List Bullet")
            elif isinstance(b, Chart):
                _chart(d, b)
            elif isinstance(b, Table):
                _table(d, b)
    d.save(str(path))
    return path
