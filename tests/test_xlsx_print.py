"""The Excel sheet prints like the PDF: printed through LibreOffice (as a clerk prints it from WPS), each
demo form has our PDF's page count and, page by page, the same repeated headers and continued labels;
figures are numbers, computed cells are formulas whose stored values are our figures (and LibreOffice,
recalculating, agrees), a report's paragraphs have no rules."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from perfdesk.app.operations import grid_for
from perfdesk.render.grid import Grid
from perfdesk.render.pdf import pagination, render_pdf
from perfdesk.render.xlsx import render_xlsx
from perfdesk.store import Store

DEMO_YEAR = 2027
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")


@dataclass
class Printed:
    name: str
    title: str
    grid: Grid
    pdf: bytes
    xlsx: bytes


def flat(text: str) -> str:
    return re.sub(r"[\s　]+", "", text)


@pytest.fixture(scope="module")
def demo_forms(tmp_path_factory, demo_templates) -> list[Printed]:
    """Every form `perfdesk demo` writes, as PDF and XLSX."""
    folder = tmp_path_factory.mktemp("demo")
    store = Store(demo_templates.copy("full", folder / "demo.db"))
    try:
        out = []
        for number, record in enumerate(store.list_forms()):
            grid = grid_for(store, record)
            out.append(Printed(f"form{number:02d}", record.title, grid, render_pdf(grid), render_xlsx(grid)))
        return out
    finally:
        store.close()


def _soffice(files: list[Path], target: str, outdir: Path, profile: Path) -> None:
    """One LibreOffice run over all the files: it starts slowly, converts quickly. Its own profile
    folder, so that it runs as root in CI and beside a LibreOffice the user has open."""
    outdir.mkdir()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
                    "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=600, env={**os.environ, "HOME": str(profile)})


@pytest.fixture(scope="module")
def libreoffice(demo_forms, tmp_path_factory) -> Path:
    """The demo forms' sheets printed to PDF, and saved again as XLSX (recalculated), by LibreOffice."""
    folder = tmp_path_factory.mktemp("libreoffice")
    files = []
    for form in demo_forms:
        path = folder / f"{form.name}.xlsx"
        path.write_bytes(form.xlsx)
        files.append(path)
    profile = folder / "profile"
    profile.mkdir()
    _soffice(files, "pdf", folder / "pdf", profile)
    _soffice(files, "xlsx", folder / "xlsx", profile)
    return folder


def page_texts(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def headers_per_page(grid: Grid) -> list[list[str]]:
    """What each page of our PDF repeats: its header rows' texts, the labels that run on from the
    page before, and the “（续）” title on a later page."""
    pages = []
    plan = pagination(grid)
    for number, page in enumerate(plan.pages):
        first_row = min((r.grid_row for r in page.rows if not r.repeated), default=0)
        texts = [flat(p.cell.text) for p in page.cells if p.cell.text.strip()
                 and (grid.is_header[p.cell.row] or (p.cell.row < first_row and p.cell.role in ("vertical", "label")))]
        if number:
            texts.append(flat(f"{grid.title}{grid.subtitle}（续）"))
        pages.append(texts)
    return pages


@needs_libreoffice
def test_each_demo_sheet_prints_our_pages_and_headers_through_libreoffice(demo_forms, libreoffice):
    assert len(demo_forms) >= 20  # every kind of form, in every status
    checked = 0
    for form in demo_forms:
        ours = page_texts(form.pdf)
        theirs = page_texts((libreoffice / "pdf" / f"{form.name}.pdf").read_bytes())
        assert len(theirs) == len(ours), f"{form.title}: LibreOffice {len(theirs)} 页，PDF {len(ours)} 页"
        table_pages = headers_per_page(form.grid)
        offset = 1 if form.grid.cover else 0  # the cover: a page of its own, before the table's
        if form.grid.cover:
            assert flat(form.grid.cover[0][0]) in theirs[0] and theirs[0].count("第1页") == 0
        for number, texts in enumerate(table_pages):
            for text in texts:
                assert text in ours[number + offset], f"{form.title} 第{number + 1}页 PDF 无“{text}”"
                assert text in theirs[number + offset], f"{form.title} 第{number + 1}页 LibreOffice 无“{text}”"
                checked += 1
            assert f"第{number + 1}页" in theirs[number + offset]  # the footer is printed, not clipped
    assert checked > 100


def formula_cells(xlsx: bytes, cover: bool) -> dict[str, tuple[str, object]]:
    """The table sheet's formula cells as stored: coordinate -> (formula, the value in its <v>), read
    from the sheet's XML (quicker than openpyxl, and what a reader that does not recalculate sees)."""
    part = f"xl/worksheets/sheet{2 if cover else 1}.xml"
    root = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(xlsx)).read(part))
    found = {}
    for cell in root.iter(f"{MAIN}c"):
        formula = cell.find(f"{MAIN}f")
        if formula is None:
            continue
        value = cell.findtext(f"{MAIN}v") or None
        if value is not None and cell.get("t") not in ("str", "s", "inlineStr"):
            value = float(value)
        found[cell.get("r")] = (formula.text, value)
    return found


@needs_libreoffice
def test_libreoffice_recalculates_our_formulas_to_our_figures(demo_forms, libreoffice):
    compared = 0
    for form in demo_forms:
        ours = formula_cells(form.xlsx, bool(form.grid.cover))
        theirs = formula_cells((libreoffice / "xlsx" / f"{form.name}.xlsx").read_bytes(), bool(form.grid.cover))
        for coordinate, (text, value) in ours.items():
            assert theirs[coordinate][1] == value, f"{form.title} {coordinate} {text}: {theirs[coordinate][1]}"
            compared += 1
    assert compared > 300


def _cached(form: Printed) -> list:
    """The stored value of each formula cell of the sheet."""
    return [value for _, value in formula_cells(form.xlsx, bool(form.grid.cover)).values()]


def _ours(cell) -> object:
    if cell.number is not None:
        return float(cell.number)
    return cell.text or None


def test_totals_subtotals_rates_and_score_totals_are_formulas_holding_our_figures(demo_forms):
    kinds = set()
    for form in demo_forms:
        computed = [c for c in form.grid.cells if c.formula is not None]
        cached = _cached(form)
        assert len(cached) == len(computed), form.title  # every computed cell is a formula
        assert sorted(map(repr, cached)) == sorted(repr(_ours(c)) for c in computed), form.title
        kinds |= {c.formula[0] for c in computed}
    assert kinds == {"sum", "rate"}


def test_rates_are_numbers_with_two_decimals(demo_forms):
    monitoring = next(f for f in demo_forms if "部门整体" in f.title and "监控" in f.title)
    ws = load_workbook(io.BytesIO(monitoring.xlsx), data_only=True).active
    formulas = load_workbook(io.BytesIO(monitoring.xlsx)).active
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"1-6月下达率%（下达数/本年预算数）", "1-6月支出进度%（支出数/安排数）"} <= texts
    rates = [ws[c.coordinate] for row in formulas.iter_rows() for c in row
             if isinstance(c.value, str) and "ROUND(" in c.value]
    figures = [c for c in rates if c.value != "—"]
    assert len(figures) >= 10
    assert all(isinstance(c.value, float) and c.number_format == "0.00" for c in figures)
    printed = {Decimal(c.text) for c in monitoring.grid.cells if c.formula and c.formula[0] == "rate" and c.number}
    assert {Decimal(str(c.value)).quantize(Decimal("0.01")) for c in figures} == printed


def test_a_report_prints_without_rules_and_a_table_with_them(demo_forms):
    report = next(f for f in demo_forms if f.grid.prose and "绩效报告" in f.title)
    ws = load_workbook(io.BytesIO(report.xlsx)).active
    styled = [c for row in ws.iter_rows() for c in row if c.value]
    assert len(styled) > 20
    assert not [c.coordinate for c in styled if any(
        getattr(getattr(c.border, side), "style", None) for side in ("left", "right", "top", "bottom"))]
    table = next(f for f in demo_forms if not f.grid.prose and "申报表" in f.grid.title)
    ws = load_workbook(io.BytesIO(table.xlsx)).active
    label = next(c for row in ws.iter_rows() for c in row if c.value == "支出名称")
    assert label.border.left.style == "thin"


def test_the_sheet_breaks_where_the_pdf_breaks_and_repeats_its_headers(demo_forms):
    for form in demo_forms:  # read from the XML: openpyxl would load each workbook whole
        pages = len(PdfReader(io.BytesIO(form.pdf)).pages) - (1 if form.grid.cover else 0)
        book = zipfile.ZipFile(io.BytesIO(form.xlsx))
        sheet = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{2 if form.grid.cover else 1}.xml"))
        assert len(list(sheet.iter(f"{MAIN}brk"))) == pages - 1, form.title
        assert b"Print_Titles" not in book.read("xl/workbook.xml")
        margins = sheet.find(f"{MAIN}pageMargins")
        # inches: room for the page number between the table and the page's edge
        assert float(margins.get("bottom")) - float(margins.get("footer")) >= 0.4
    declaration = max((f for f in demo_forms if "申报表" in f.grid.title),
                      key=lambda f: len(PdfReader(io.BytesIO(f.pdf)).pages))
    ws = load_workbook(io.BytesIO(declaration.xlsx)).active
    shown = sum(texts.count("一级指标") for texts in headers_per_page(declaration.grid))
    assert shown >= 3
    assert sum(1 for row in ws.iter_rows() for c in row if c.value == "一级指标") == shown


def test_a_text_longer_than_a_page_is_split_into_one_row_per_page(form, big_doc):
    from perfdesk.demo.demo_forms import CITY_UNIT
    from perfdesk.app.operations import context
    from perfdesk.render.grid import build_grid
    from perfdesk.store import UnitRecord

    big_doc["basis"] = "".join(f"第{i}条依据。" for i in range(1, 700))
    unit = UnitRecord(id=1, created_at=None, **CITY_UNIT)
    grid = build_grid(form, big_doc, context(unit, DEMO_YEAR, big_doc))
    ws = load_workbook(io.BytesIO(render_xlsx(grid))).active
    parts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "条依据" in c.value]
    assert len(parts) >= 2  # as many rows as the PDF's pages it runs over
    joined = flat("".join(parts))
    assert joined.count("条依据") == 699 and "第1条依据。" in joined and "第699条依据。" in joined
    assert len(ws.row_breaks.brk) == len(PdfReader(io.BytesIO(render_pdf(grid))).pages) - 1


def test_figures_are_stored_as_excel_writes_them(demo_forms):
    """9.89 as 9.89, not openpyxl's 9.890000000000001 (a reader of the file's text, such as the
    template import, would see a figure with 15 decimals)."""
    numbers = []
    for form in demo_forms:
        part = f"xl/worksheets/sheet{2 if form.grid.cover else 1}.xml"
        root = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(form.xlsx)).read(part))
        numbers += [c.findtext(f"{MAIN}v") for c in root.iter(f"{MAIN}c")
                    if c.get("t", "n") == "n" and c.findtext(f"{MAIN}v")]
    assert len(numbers) > 500
    assert [n for n in numbers if len(n.replace("-", "").replace(".", "").lstrip("0")) > 15] == []
    assert "9.89" in numbers  # 部门整体支出绩效自评表: 执行率得分


def test_the_same_form_gives_the_same_file_an_hour_later(demo_forms, monkeypatch):
    import time

    grid = demo_forms[0].grid
    first = render_xlsx(grid)
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert render_xlsx(grid) == first
