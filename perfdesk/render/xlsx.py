"""Write a form's grid to an Excel sheet with openpyxl: same cells, merges and borders as the PDF."""

from __future__ import annotations

import datetime as dt
import io
from copy import copy

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.properties import PageSetupProperties

from .grid import Grid
from .pdf import PAD_X, SIZE, register_font, wrap

AMOUNT_FORMAT = "#,##0.00##"  # 万元: two decimals, up to four when the yuan matter
FONT_NAME = "宋体"
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_MM_PER_WIDTH = 2.0   # one Excel column-width unit is about 2 mm in the default font
_PT_PER_LINE = 14.0
_FIXED_TIME = dt.datetime(2000, 1, 1)  # same data, same file


def render_xlsx(grid: Grid, sheet_title: str = "申报表") -> bytes:
    wb, _ = build_workbook(grid, sheet_title)
    return save_workbook(wb)


def save_workbook(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def build_workbook(grid: Grid, sheet_title: str = "申报表") -> tuple[Workbook, int]:
    """The printed layout on the active sheet; also the sheet row of the grid's first row (a
    grid cell (row, col) is at sheet row top + row, column 1 + col)."""
    register_font()  # line wrapping is measured with the PDF font so row heights agree
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    wb.properties.creator = "PerfDesk"
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    ncols = grid.columns
    for col in range(1, ncols + 1):
        ws.column_dimensions[get_column_letter(col)].width = grid.column_mm / _MM_PER_WIDTH

    def banner(row: int, text: str, size: float, align: str = "center") -> None:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = Font(name=FONT_NAME, size=size, bold=size > 12)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        ws.row_dimensions[row].height = size * 1.8

    row = 1
    for text, align, size in grid.cover:  # the report's cover, above its table
        banner(row, text, size, "center" if align == "center" else "left")
        row += 1
    banner(row, grid.title, 16)
    row += 1
    if grid.subtitle:
        banner(row, grid.subtitle, 12)
        row += 1
    for text, align in grid.above:
        banner(row, text, 10.5, align)
        row += 1
    header_end = row - 1
    title_start = 1 + len(grid.cover)
    top = row
    heights = [1] * grid.n_rows
    styles = _StyleCache()
    for c in grid.cells:
        xl_row, xl_col = top + c.row, 1 + c.col
        cell = ws.cell(row=xl_row, column=xl_col)
        # Excel keeps 15 significant digits: a longer figure goes in as its printed text rather than lose one.
        is_number = c.role == "amount" and c.number is not None and len(c.number.as_tuple().digits) <= 15
        cell.value = c.number if is_number else (c.text or None)
        styles.apply(cell, (
            SIZE + (1 if c.role == "vertical" else 0),
            "center" if c.role == "vertical" else c.align,
            "top" if c.min_lines > 1 else "center",
            255 if c.role == "vertical" else 0,  # 255: characters stacked top to bottom
            AMOUNT_FORMAT if is_number else "General",
        ))
        if c.colspan > 1 or c.rowspan > 1:
            _merge(ws, cell, xl_row, xl_col, xl_row + c.rowspan - 1, xl_col + c.colspan - 1)
        if c.rowspan == 1:
            lines = len(wrap(c.text, c.colspan * grid.column_mm * 2.835 - 2 * PAD_X))
            heights[c.row] = max(heights[c.row], lines, c.min_lines)
    for r, lines in enumerate(heights):
        ws.row_dimensions[top + r].height = max(21.0, lines * _PT_PER_LINE + 6)
    row = top + grid.n_rows
    for text, align in grid.below:
        banner(row, text, 10.5, align)
        row += 1

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if grid.orientation == "landscape" else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{title_start}:{header_end}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.59
    ws.page_margins.top = ws.page_margins.bottom = 0.59
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.print_area = f"A1:{get_column_letter(ncols)}{row - 1}"
    return wb, top


class _StyleCache:
    """Style each distinct look once and copy it: openpyxl hashes a style on every assignment."""

    def __init__(self):
        self.protos = {}

    def apply(self, cell, key: tuple) -> None:
        proto = self.protos.get(key)
        if proto is not None:
            cell._style = copy(proto._style)
            return
        size, horizontal, vertical, rotation, number_format = key
        cell.font = Font(name=FONT_NAME, size=size)
        cell.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True,
                                   text_rotation=rotation)
        cell.border = _BOX
        cell.number_format = number_format
        self.protos[key] = cell


def _merge(ws, anchor, r0: int, c0: int, r1: int, c1: int) -> None:
    """Merge a range whose anchor is styled; every covered cell gets the box border.

    Done by hand because Worksheet.merge_cells checks each new range against all earlier ones and
    restyles edge cells one by one, which is quadratic in a long form; our grid never overlaps.
    """
    ws.merged_cells.ranges.add(MergedCellRange(ws, f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"))
    for r in range(r0, r1 + 1):
        for k in range(c0, c1 + 1):
            if (r, k) == (r0, c0):
                continue
            merged = MergedCell(ws, row=r, column=k)
            merged._style = copy(anchor._style)
            ws._cells[(r, k)] = merged
