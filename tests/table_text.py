"""The text of a printed form, as a reader of the PDF gets it (pypdf, which the test extras install:
poppler's pdftotext orders the cells of these wide tables differently from one version to another)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from perfdesk.demo.demo_forms import CITY_UNIT
from perfdesk.app.operations import context
from perfdesk.render.grid import build_grid
from perfdesk.render.pdf import render_pdf
from perfdesk.store import UnitRecord

CITY = UnitRecord(id=1, created_at=None, **CITY_UNIT)


def pdf_text(pdf: bytes) -> str:
    """All pages' text with every space and line break removed (labels wrap inside narrow cells)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"[\s　]+", "", text)


def printed(form, doc: dict, unit: UnitRecord = CITY, year: int = 2026) -> str:
    return pdf_text(render_pdf(build_grid(form, doc, context(unit, year, doc))))
