"""Write a form's grid to an Excel sheet with openpyxl that prints the pages the PDF prints.

The sheet is laid out page by page from the PDF's own pagination (pdf.pagination): a manual row break
where the PDF starts a page; at the top of each later page the “（续）” title, the header rows the PDF
repeats and the labels that run on, as real rows (Excel has one print-title range per sheet, and a
group's headers differ from part to part), with every merge cut at the page break; the cover of a report
on a page of its own. Row heights are the PDF's, in points; columns the PDF's millimetres; the sheet is
fitted to the page width, so LibreOffice, WPS and Excel print the same pages.

A grid row the PDF splits over a page break (a long paragraph of a report, a cell taller than a page)
cannot split in Excel: it becomes one sheet row per page, each holding the lines the PDF prints on that
page. Figures are numbers with a number format; computed cells (合计, 小计, rates, score totals) are
formulas with our figure stored as their value (xlsx_cached)."""

from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from perfdesk.render.grid import Cell, Grid
from perfdesk.render.pdf import FOOTER, MARGIN, SIZE, PrintedPage, pagination, register_font, wrap
from perfdesk.render.xlsx_cached import save
from perfdesk.render.xlsx_formulas import formula

AMOUNT_FORMAT = "#,##0.00##"  # 万元: two decimals, up to four when the yuan matter
RATE_FORMAT = "0.00"  # a rate in per cent, as the PDF prints it under 下达率%
FONT_NAME = "宋体"
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NONE = Border()
_WIDTH_PER_MM = 96 / 25.4 / 7  # column width units: 7 pixels (Calibri 11's digit) at 96 dpi
_INCH = 25.4  # mm
_FIXED_TIME = dt.datetime(2000, 1, 1)  # same data, same file
COVER_TITLE = "封面"


def render_xlsx(grid: Grid, sheet_title: str = "申报表") -> bytes:
    with collector_paused():
        wb, sheet = build_workbook(grid, sheet_title)
        try:
            return save_workbook(wb, sheet)
        finally:
            _dismantle(wb)


def _dismantle(wb: Workbook) -> None:
    """Free a saved workbook's cells now: each cell points back at its sheet and the sheet at its book,
    so without this the whole sheet waited for the cycle collector, which then walked it at some
    later allocation (the next form's grid paid for this one's sheet)."""
    for ws in wb.worksheets:
        ws._cells.clear()
        ws.merged_cells.ranges.clear()
        ws.row_dimensions.clear()
        ws.column_dimensions.clear()


@contextmanager
def collector_paused():
    """Python's cycle collector paused while a sheet is built and saved. Every cell is a live object
    until the file is written, and the collector walked them all again and again as the sheet grew:
    half the time of a long sheet, and more than linear in its rows. Its cycles are collected after."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass
class Sheet:
    """What build_workbook wrote: the formula cells' values to store with them."""
    part: str  # the sheet's part in the package, e.g. "xl/worksheets/sheet2.xml" after a cover sheet
    cached: dict[str, Decimal | str] = field(default_factory=dict)


def save_workbook(wb: Workbook, sheet: Sheet | None = None) -> bytes:
    """The file's bytes: formulas with their values, numbers as Excel writes them (xlsx_cached)."""
    return save(wb, sheet.part if sheet else "", sheet.cached if sheet else {})


def build_workbook(grid: Grid, sheet_title: str = "申报表") -> tuple[Workbook, Sheet]:
    """The printed layout on the active sheet; a report's cover (附件5-1) on a sheet of its own before
    it, unnumbered, so that the table's pages count from 1 as the PDF's do."""
    register_font()  # line wrapping is measured with the PDF font so row heights agree
    wb = Workbook()
    wb.properties.creator = "PerfDesk"
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    ws = wb.active
    if grid.cover:
        ws.title = COVER_TITLE
        _columns(ws, grid)
        cover = _Writer(ws, grid)
        cover.cover()
        _page_setup(ws, grid, cover.row - 1, footer=False)
        ws = wb.create_sheet()
        wb.active = ws
    ws.title = sheet_title[:31]
    _columns(ws, grid)
    writer = _Writer(ws, grid)
    writer.sheet.part = f"xl/worksheets/sheet{len(wb.worksheets)}.xml"
    plan = pagination(grid)
    writer.note_splits(plan.pages)
    for number, page in enumerate(plan.pages):
        if number:
            writer.page_break()
        writer.heading(number == 0)
        writer.page(page)
    if plan.below_on_own_page:
        writer.page_break()
        writer.heading(False)
    writer.below()
    writer.formulas()
    _page_setup(ws, grid, writer.row - 1)
    return wb, writer.sheet


def _columns(ws, grid: Grid) -> None:
    for col in range(1, grid.columns + 1):
        ws.column_dimensions[get_column_letter(col)].width = round(grid.column_mm * _WIDTH_PER_MM, 4)


def _page_setup(ws, grid: Grid, last_row: int, footer: bool = True) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if grid.orientation == "landscape" else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    # The PDF's margins: the table from 15 mm below the top edge down to 21 mm above the bottom edge,
    # the page number in the footer below it (7 mm up), never clipped.
    margins = ws.page_margins
    margins.left = margins.right = 10 / _INCH
    margins.top = MARGIN / 72
    margins.bottom = (MARGIN + FOOTER) / 72 - 4 / _INCH
    margins.header = 5 / _INCH
    margins.footer = 7 / _INCH
    if footer:
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.size = 9
        ws.oddFooter.center.font = FONT_NAME
        ws.page_setup.firstPageNumber = 1  # after a cover sheet too
        ws.page_setup.useFirstPageNumber = True
    ws.print_area = f"A1:{get_column_letter(grid.columns)}{last_row}"


class _Writer:
    """Writes sheet rows top to bottom: page furniture, then each page's printed rows and cells."""

    def __init__(self, ws, grid: Grid):
        self.ws, self.grid = ws, grid
        self.row = 1
        self.sheet = Sheet("xl/worksheets/sheet1.xml")
        self.styles = _StyleCache(bordered=not grid.prose)
        self.first_at: dict[int, tuple[int, int]] = {}  # id(cell) -> its first (row, column)
        self.sheet_paths: dict[str, tuple[int, int]] = {}  # a cell's data path -> its first (row, column)
        self.number_at: dict[tuple[int, int], bool] = {}  # (row, column) of a cell -> stored as a number
        self.pages_of: dict[int, set[int]] = {}  # id(split cell) -> the pages it is printed on
        self.cut: dict[int, set[int]] = {}  # id(cell) -> the pages it runs over (repeated headers aside)

    # page furniture ---------------------------------------------------------------------------
    def banner(self, text: str, size: float, height: float, align: str = "center", vertical: str = "top") -> None:
        ws, row = self.ws, self.row
        cell = ws.cell(row=row, column=1, value=text or None)
        cell.font = Font(name=FONT_NAME, size=size)
        cell.alignment = Alignment(horizontal=align, vertical=vertical, wrap_text=True)
        _merge(ws, cell, row, 1, row, self.grid.columns, bordered=False)
        ws.row_dimensions[row].height = round(height, 2)
        self.row += 1

    def table_width(self) -> float:
        return self.grid.columns * self.grid.column_mm * mm

    def heading(self, first: bool) -> None:
        """The lines above the table as the PDF draws them (pdf._Printer.heading)."""
        width, grid = self.table_width(), self.grid
        if first:
            self.banner(grid.title, 16, 24 * len(wrap(grid.title, width, 16)), vertical="center")
            if grid.subtitle:
                self.banner(grid.subtitle, 12, 20, vertical="center")
            for text, align in grid.above:
                self.banner(text, 10.5, 16, align, vertical="center")
        else:
            text = f"{grid.title}{grid.subtitle}（续）"
            self.banner(text, 10, 14 * len(wrap(text, width, 10)) + 4)

    def below(self) -> None:
        width = self.table_width()
        for number, (text, align) in enumerate(self.grid.below):
            gap = 14 if number == 0 else 0
            self.banner(text, 10.5, gap + 14 * len(wrap(text, width, 10.5)) + 4, align, vertical="bottom")

    def cover(self) -> None:
        """The report's cover (附件5-1), its lines spaced as pdf._draw_cover spaces them."""
        width = self.table_width() * 0.8
        self.banner("", SIZE, A4[1] * 0.22 - MARGIN)
        for text, align, size in self.grid.cover:
            if not text:
                self.banner("", SIZE, size * 2.2)
                continue
            lines = len(wrap(text, width, size))
            self.banner(text, size, size * 2.0 * lines, "left" if align == "left" else "center")
            if align == "left":
                self.ws.cell(row=self.row - 1, column=1).alignment = Alignment(
                    horizontal="left", vertical="top", wrap_text=True, indent=max(1, self.grid.columns // 4))

    def page_break(self) -> None:
        self.ws.row_breaks.append(Break(id=self.row - 1))

    # the table --------------------------------------------------------------------------------
    def note_splits(self, pages: list[PrintedPage]) -> None:
        """Which cells the PDF splits over more than one page (each page's sheet row holds its part of
        a split text), and which a page break cuts (their parts are top-aligned, as the PDF draws them)."""
        for number, page in enumerate(pages):
            for placed in page.cells:
                if placed.split:
                    self.pages_of.setdefault(id(placed.cell), set()).add(number)
                if any(not page.rows[k].repeated for k in range(placed.first, placed.last + 1)):
                    self.cut.setdefault(id(placed.cell), set()).add(number)

    def page(self, page: PrintedPage) -> None:
        """One page of the table: its printed rows become sheet rows, the cells drawn on it cells."""
        ws = self.ws
        slot_row: list[int] = []  # the page's layout row -> sheet row
        heights: dict[int, float] = {}
        previous, current = None, 0
        for printed in page.rows:
            key = (printed.grid_row, printed.repeated)
            if key != previous:
                previous = key
                current = self.row
                heights[current] = 0.0
                self.row += 1
            slot_row.append(current)
            heights[current] += printed.height
        for sheet_row, height in heights.items():
            ws.row_dimensions[sheet_row].height = round(height, 2)
        parts: dict[tuple[int, int], tuple[Cell, int, list[str], bool]] = {}
        for placed in page.cells:
            covered = slot_row[placed.first:placed.last + 1]
            if not covered:
                continue
            top, bottom = covered[0], covered[-1]
            key = (id(placed.cell), top)
            if key in parts:
                cell, end, lines, split = parts[key]
                parts[key] = (cell, max(end, bottom), lines + placed.lines, split or placed.split)
            else:
                parts[key] = (placed.cell, bottom, list(placed.lines), placed.split)
        for (_, top), (cell, bottom, lines, split) in parts.items():
            self.write(cell, top, bottom, lines if split else None)

    def write(self, c: Cell, top: int, bottom: int, lines: list[str] | None) -> None:
        ws, col = self.ws, 1 + c.col
        target = ws.cell(row=top, column=col)
        if lines is not None and len(self.pages_of.get(id(c), ())) > 1:
            text = "\n".join(lines)  # this page's part of a split paragraph
        else:
            text = c.text
        # Excel keeps 15 significant digits: a longer figure goes in as its printed text rather than lose one.
        is_number = c.number is not None and len(c.number.as_tuple().digits) <= 15
        rate = c.formula is not None and c.formula[0] == "rate"
        target.value = c.number if is_number else (text or None)
        if not is_number and text.startswith("="):
            target.data_type = "s"  # 指标值 “=100%” is text, not a formula
        first = id(c) not in self.first_at
        if first:
            self.first_at[id(c)] = (top, col)
            if c.path and not c.option:
                self.sheet_paths.setdefault(c.path, (top, col))
            self.number_at[(top, col)] = is_number or not text
        size = {"heading1": 12.0, "heading2": 10.5, "vertical": SIZE + 1}.get(c.role, SIZE)
        top_aligned = (c.min_lines > 1 or self.grid.prose or c.text.count("\n") >= 2 or lines is not None
                       or len(self.cut.get(id(c), ())) > 1)
        self.styles.apply(target, (
            size,
            "center" if c.role == "vertical" else c.align,
            "top" if top_aligned and c.role != "vertical" else "center",
            255 if c.role == "vertical" else 0,  # 255: characters stacked top to bottom
            (RATE_FORMAT if rate else AMOUNT_FORMAT) if is_number else "General",
        ))
        if c.colspan > 1 or bottom > top:
            _merge(ws, target, top, col, bottom, col + c.colspan - 1, bordered=not self.grid.prose)

    def formulas(self) -> None:
        """Each computed cell, at its first place, as a formula over the cells it comes from; a cell
        whose parts are not all on the sheet as numbers (a figure typed wrongly prints as typed) keeps
        its value."""
        ws = self.ws
        for c in self.grid.cells:
            if c.formula is None or id(c) not in self.first_at:
                continue
            kind, paths = c.formula
            refs = [self.sheet_paths.get(p) for p in paths]
            if any(r is None or not self.number_at.get(r, False) for r in refs):
                continue
            text = formula(kind, refs)
            if text is None:
                continue
            row, col = self.first_at[id(c)]
            cell = ws.cell(row=row, column=col)
            cached = cell.value
            cell.value = text
            self.sheet.cached[cell.coordinate] = cached if isinstance(cached, Decimal) else (c.text or "")
            if kind == "rate":
                cell.number_format = RATE_FORMAT


class _StyleCache:
    """Style each distinct look once and copy it: openpyxl hashes a style on every assignment."""

    def __init__(self, bordered: bool):
        self.protos = {}
        self.border = _BOX if bordered else _NONE  # a report's paragraphs have no rules, as printed

    def apply(self, cell, key: tuple) -> None:
        proto = self.protos.get(key)
        if proto is not None:
            cell._style = copy(proto._style)
            return
        size, horizontal, vertical, rotation, number_format = key
        cell.font = Font(name=FONT_NAME, size=size)
        cell.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True,
                                   text_rotation=rotation)
        cell.border = self.border
        cell.number_format = number_format
        self.protos[key] = cell


class _Range(MergedCellRange):
    """A merged range made from its bounds rather than from its A1 text parsed back, with no corner cell
    to take rules from (the corner is written after its anchor)."""

    def __init__(self, ws, anchor, r0: int, c0: int, r1: int, c1: int):  # super().__init__ would parse A1 text: the bounds are set here
        self.ws, self.start_cell = ws, anchor
        # What CellRange's validating descriptors store, for bounds that are ours and in order.
        self.__dict__.update(min_col=c0, min_row=r0, max_col=c1, max_row=r1, title=None)


def _merge(ws, anchor, r0: int, c0: int, r1: int, c1: int, bordered: bool = True) -> None:
    """Merge a range whose anchor is styled; in a ruled table every covered cell gets the anchor's
    style, since Excel draws a merged cell's rules from the cells along its edges. Unruled (a banner,
    a report's paragraph), the covered cells need not be written at all.

    Done by hand because Worksheet.merge_cells checks each new range against all earlier ones and
    restyles edge cells one by one, which is quadratic in a long form; our grid never overlaps.
    """
    cells = ws._cells
    if (r1, c1) in cells:  # MergedCellRange takes the corner's rules into the anchor: let it
        ws.merged_cells.ranges.add(MergedCellRange(ws, f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"))
    else:
        ws.merged_cells.ranges.add(_Range(ws, anchor, r0, c0, r1, c1))
    if not bordered:
        return
    style = copy(anchor._style)  # one copy for the covered cells: nothing restyles a covered cell
    for r in range(r0, r1 + 1):
        for k in range(c0, c1 + 1):
            if r == r0 and k == c0:
                continue
            merged = MergedCell(ws, row=r, column=k)
            merged._style = style
            cells[(r, k)] = merged
