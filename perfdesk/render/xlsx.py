"""Write a form's grid to an Excel sheet with openpyxl: same cells, merges and borders as the PDF."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
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
    banner(row, grid.title, 16)
    row += 1
    if grid.subtitle:
        banner(row, grid.subtitle, 12)
        row += 1
    for text, align in grid.above:
        banner(row, text, 10.5, align)
        row += 1
    header_end = row - 1
    top = row
    heights = [1] * grid.n_rows
    for c in grid.cells:
        xl_row, xl_col = top + c.row, 1 + c.col
        if c.colspan > 1 or c.rowspan > 1:
            ws.merge_cells(start_row=xl_row, start_column=xl_col,
                           end_row=xl_row + c.rowspan - 1, end_column=xl_col + c.colspan - 1)
        for r in range(xl_row, xl_row + c.rowspan):
            for k in range(xl_col, xl_col + c.colspan):
                ws.cell(row=r, column=k).border = _BOX
        cell = ws.cell(row=xl_row, column=xl_col)
        if c.role == "amount" and c.number is not None:
            cell.value = c.number
            cell.number_format = AMOUNT_FORMAT
        else:
            cell.value = c.text or None
        cell.font = Font(name=FONT_NAME, size=SIZE + (1 if c.role == "vertical" else 0))
        cell.alignment = Alignment(
            horizontal="center" if c.role == "vertical" else c.align,
            vertical="top" if c.min_lines > 1 else "center",
            wrap_text=True,
            text_rotation=255 if c.role == "vertical" else 0,  # 255: characters stacked top to bottom
        )
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
    ws.print_title_rows = f"1:{header_end}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.59
    ws.page_margins.top = ws.page_margins.bottom = 0.59
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.print_area = f"A1:{get_column_letter(ncols)}{row - 1}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
