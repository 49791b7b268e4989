"""Print a form's grid to PDF with ReportLab, as the official table looks on A4.

Drawn on the canvas rather than with platypus tables: official tables have labels that span many rows,
and when such a table runs over several pages the label must continue on the next page and the column
headers must repeat, which platypus tables cannot split.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from perfdesk.paths import fonts_dir
from perfdesk.render.grid import TICKED, UNTICKED, Cell, Grid

FONT = "WenQuanYiMicroHei"
FONT_FILE = "wqy-microhei.ttc"
SIZE = 9.0
LEADING = 12.0
PAD_X = 1.2 * mm
PAD_Y = 1.0 * mm
MARGIN = 15 * mm
FOOTER = 10 * mm
MIN_ROW = 7.5 * mm
_NO_LINE_START = set("，。、；：？！）》」』”’%％,.;:?!)")


@lru_cache(maxsize=None)
def register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(fonts_dir() / FONT_FILE), subfontIndex=0))
    return FONT


@lru_cache(maxsize=65536)
def _width(ch: str, size: float) -> float:
    if ch in (TICKED, UNTICKED):
        return size  # tick boxes are drawn as full-width squares
    return pdfmetrics.stringWidth(ch, FONT, size)


def text_width(text: str, size: float = SIZE) -> float:
    return sum(_width(ch, size) for ch in text)


def wrap(text: str, width: float, size: float = SIZE) -> list[str]:
    """Break Chinese text into lines by character; keep closing punctuation off a line's start."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for ch in paragraph:
            w = _width(ch, size)
            # Closing punctuation may not start a line, so one such character hangs at the end of
            # the line; a second one breaks all the same (a run of “。。。” must not leave the cell).
            hang = ch in _NO_LINE_START and used <= width
            if used + w > width and line and not hang:
                lines.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        lines.append(line)
    return lines


@dataclass
class _Piece:
    """A cell, or the part of a tall cell that falls in one layout row."""
    cell: Cell
    lines: list[str]
    first: int
    last: int
    split: bool = False  # text continues from/onto another page
    pad_top: bool = True  # False for a report paragraph's lines after its first: no gap above them


@dataclass
class _Layout:
    heights: list[float] = field(default_factory=list)
    headers: list[tuple[int, ...]] = field(default_factory=list)
    is_header: list[bool] = field(default_factory=list)
    pieces: list[_Piece] = field(default_factory=list)
    keep_next: list[bool] = field(default_factory=list)  # a row that must not end a page


def _cell_width(grid: Grid, cell: Cell) -> float:
    return cell.colspan * grid.column_mm * mm


def _needed(lines: int) -> float:
    return lines * LEADING + 2 * PAD_Y


def _paragraph_lines(grid: Grid, cells_in_row: dict[int, int], cell: Cell, lines: list[str]) -> int:
    """How many lines a report's paragraph breaks into between pages (0: it stays whole).

    A paragraph of a report (a row of one text cell, longer than its own minimum) may break between
    any two lines, as a printed report does, instead of leaving the rest of the page empty."""
    if not grid.prose or cell.rowspan != 1 or cells_in_row[cell.row] != 1 or cell.role != "paragraph":
        return 0
    return len(lines) if len(lines) > max(cell.min_lines, 1) else 0


def _layout(grid: Grid, max_body: float) -> _Layout:
    """Wrap every cell, size the rows, and split rows taller than a page into line fragments; a
    report's paragraphs into single lines, kept two together at either end (no widow or orphan)."""
    wrapped = {}
    heights = [MIN_ROW] * grid.n_rows
    for cell in grid.cells:
        if cell.role == "vertical":
            lines = list(cell.text.replace("\n", ""))
        elif cell.role == "amount":
            lines = [cell.text]  # a figure is never broken across lines; it shrinks to fit instead
        else:
            lines = wrap(cell.text, _cell_width(grid, cell) - 2 * PAD_X)
        wrapped[id(cell)] = lines
        if cell.rowspan == 1:
            heights[cell.row] = max(heights[cell.row], _needed(max(len(lines), cell.min_lines)))
            if cell.role.startswith("heading"):
                heights[cell.row] = max(MIN_ROW, 16.0 + 2 * PAD_Y)
    per_page = int((max_body - 2 * PAD_Y) // LEADING)
    cells_in_row: dict[int, int] = {}
    for cell in grid.cells:
        cells_in_row[cell.row] = cells_in_row.get(cell.row, 0) + 1
    paragraphs = {cell.row: n for cell in grid.cells
                  if (n := _paragraph_lines(grid, cells_in_row, cell, wrapped[id(cell)]))}
    # A report's heading, and an outline item's label, stay with what follows them.
    titles = {cell.row for cell in grid.cells if grid.prose and cells_in_row[cell.row] == 1
              and (cell.role.startswith("heading") or cell.role == "label") and cell.row not in paragraphs}
    layout = _Layout()
    rows_of: list[list[int]] = []  # grid row -> its layout rows
    for r in range(grid.n_rows):
        lines = paragraphs.get(r, 0)
        if lines:
            parts = lines
        else:
            parts = 1 if heights[r] <= max_body else -(-int((heights[r] - 2 * PAD_Y) // LEADING + 1) // per_page)
        start = len(layout.heights)
        rows_of.append(list(range(start, start + parts)))
        for p in range(parts):
            if lines:  # one line each; the paragraph's padding above its first and below its last
                layout.heights.append(LEADING + (PAD_Y if p == 0 else 0) + (PAD_Y if p == parts - 1 else 0))
                layout.keep_next.append(p == 0 or p == parts - 2)
            else:
                layout.heights.append(heights[r] if parts == 1 else _needed(per_page))
                layout.keep_next.append(r in titles)
            layout.is_header.append(grid.is_header[r])
    for r in range(grid.n_rows):
        for lr in rows_of[r]:
            layout.headers.append(tuple(x for h in grid.headers[r] for x in rows_of[h]))
    for cell in grid.cells:
        lines = wrapped[id(cell)]
        first, last = rows_of[cell.row][0], rows_of[cell.row + cell.rowspan - 1][-1]
        if cell.row in paragraphs and cell.rowspan == 1:
            for number, (lr, line) in enumerate(zip(rows_of[cell.row], lines)):
                layout.pieces.append(_Piece(cell, [line], lr, lr, split=True, pad_top=number == 0))
            continue
        if cell.rowspan == 1 and first != last:
            chunks = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
            for lr, chunk in zip(rows_of[cell.row], chunks + [[]] * len(rows_of[cell.row])):
                layout.pieces.append(_Piece(cell, chunk, lr, lr, split=True))
            last_row = rows_of[cell.row][len(chunks) - 1] if chunks else first
            layout.heights[last_row] = max(layout.heights[last_row], _needed(len(chunks[-1]) if chunks else 1))
            continue
        layout.pieces.append(_Piece(cell, lines, first, last))
        if cell.rowspan > 1:
            need = _needed(len(lines)) if cell.role != "vertical" else len(lines) * (SIZE + 2) + 2 * PAD_Y
            have = sum(layout.heights[first:last + 1])
            if need > have and need <= max_body:
                layout.heights[last] += need - have
    return layout


def _paginate(layout: _Layout, first_body: float, body: float) -> list[list[tuple[int, bool]]]:
    """Rows per page; a page that starts inside a group repeats the group's header rows."""
    pages: list[list[tuple[int, bool]]] = [[]]
    room = first_body
    n = len(layout.heights)
    i = 0
    while i < n:
        h = layout.heights[i]
        # A header row is kept with the row after it, and so are a report's heading and a paragraph's
        # line that must not end a page: the whole chain of them, as long as it fits on a page.
        need, j = h, i
        while (layout.is_header[j] or layout.keep_next[j]) and j + 1 < n and need + layout.heights[j + 1] <= body:
            j += 1
            need += layout.heights[j]
        if need > room and pages[-1]:
            pages.append([])
            room = body
            copies = [x for x in layout.headers[i] if x < i]
            for x in copies:
                pages[-1].append((x, True))
                room -= layout.heights[x]
            continue
        pages[-1].append((i, False))
        room -= h
        i += 1
    return pages


class _Printer:
    def __init__(self, grid: Grid, canvas: Canvas, page_size: tuple[float, float]):
        self.grid, self.c = grid, canvas
        self.page_w, self.page_h = page_size
        self.table_w = grid.columns * grid.column_mm * mm
        self.left = (self.page_w - self.table_w) / 2

    def x_of(self, col: int) -> float:
        return self.left + col * self.grid.column_mm * mm

    def line_text(self, x: float, y: float, text: str, size: float = SIZE) -> None:
        """Draw one line. Tick boxes are squares; a ticked one has √ written in it (填表说明)."""
        c = self.c
        c.setFont(FONT, size)
        if TICKED not in text and UNTICKED not in text:
            c.drawString(x, y, text)
            return
        run = ""
        for ch in text + "\0":
            if ch not in (TICKED, UNTICKED, "\0"):
                run += ch
                continue
            c.drawString(x, y, run)
            x += text_width(run, size)
            run = ""
            if ch == "\0":
                break
            side = size * 0.78
            bx, by = x + (size - side) / 2, y - size * 0.08
            c.rect(bx, by, side, side, stroke=1, fill=0)
            if ch == TICKED:
                c.drawString(x + (size - _width("√", size)) / 2, y + size * 0.02, "√")
            else:  # invisible text so that a reader of the PDF still finds the empty box
                t = c.beginText(x, y)
                t.setTextRenderMode(3)
                t.setFont(FONT, size)
                t.textOut(UNTICKED)
                t.setTextRenderMode(0)  # the render mode outlives the text object: restore it
                c.drawText(t)
            x += size

    def cell(self, piece: _Piece, top: float, height: float, split: bool) -> None:
        cell, c = piece.cell, self.c
        x0, x1 = self.x_of(cell.col), self.x_of(cell.col + cell.colspan)
        if not self.grid.prose:
            c.rect(x0, top - height, x1 - x0, height, stroke=1, fill=0)
        lines = piece.lines
        if not any(lines):
            return
        if cell.role == "vertical":
            self.vertical(lines, x0, x1, top, height)
            return
        size = {"heading1": 12.0, "heading2": 10.5}.get(cell.role, SIZE)
        if size != SIZE:
            self.line_text(x0 + PAD_X, top - PAD_Y - size - 2, lines[0], size)
            return
        lines, scale = self._fitted(lines, x1 - x0, height, cell.role)
        block = len(lines) * LEADING * scale
        top_aligned = cell.min_lines > 1 or split or len(lines) > 2 or self.grid.prose
        pad = PAD_Y if piece.pad_top else 0.0
        y = top - pad - SIZE * scale if top_aligned else top - (height - block) / 2 - SIZE * scale
        for line in lines:
            size = SIZE * scale
            if cell.role == "amount" and text_width(line) > x1 - x0 - 2 * PAD_X:
                size = SIZE * (x1 - x0 - 2 * PAD_X) / text_width(line)
            width = text_width(line, size)
            if cell.align == "left":
                x = x0 + PAD_X
            elif cell.align == "right":
                x = x1 - PAD_X - width
            else:
                x = (x0 + x1 - width) / 2
            self.line_text(x, y, line, size)
            y -= LEADING * scale

    @staticmethod
    def _fitted(lines: list[str], width: float, height: float, role: str) -> tuple[list[str], float]:
        """The lines and a font scale that keep a label inside its box. A label cell split across a
        page break (产出指标 whose last row starts page 2) may have one row for two lines: then it goes
        on one line, shrunk to the width, or, when that would be smaller, every line shrinks to the height."""
        if role == "amount" or len(lines) < 2 or len(lines) * LEADING + 2 * PAD_Y <= height + 0.5:
            return lines, 1.0
        by_height = max(0.5, (height - 2 * PAD_Y) / (len(lines) * LEADING))
        joined = "".join(lines)
        by_width = (width - 2 * PAD_X) / text_width(joined)
        if by_width >= by_height:
            return [joined], min(1.0, by_width)
        return lines, by_height

    def vertical(self, chars: list[str], x0: float, x1: float, top: float, height: float) -> None:
        size = SIZE + 1
        step = min((height - 2 * PAD_Y) / len(chars), size * 2.2)
        if step < size:  # a short part of a split label: shrink rather than overflow
            size = max(5.0, step)
        y = top - (height - step * len(chars)) / 2 - step / 2 - size * 0.35
        for ch in chars:
            self.line_text((x0 + x1 - _width(ch, size)) / 2, y, ch, size)
            y -= step

    def heading(self, first: bool) -> float:
        c, top = self.c, self.page_h - MARGIN
        if first:
            c.setFont(FONT, 16)
            for line in wrap(self.grid.title, self.table_w, 16):
                c.drawCentredString(self.page_w / 2, top - 16, line)
                top -= 24
            if self.grid.subtitle:
                c.setFont(FONT, 12)
                c.drawCentredString(self.page_w / 2, top - 12, self.grid.subtitle)
                top -= 20
            for text, align in self.grid.above:
                self.free_line(text, align, top - 11)
                top -= 16
        else:
            c.setFont(FONT, 10)
            for line in wrap(f"{self.grid.title}{self.grid.subtitle}（续）", self.table_w, 10):
                c.drawCentredString(self.page_w / 2, top - 10, line)
                top -= 14
            top -= 4
        return top

    def free_line(self, text: str, align: str, y: float) -> None:
        self.c.setFont(FONT, 10.5)
        for line in wrap(text, self.table_w, 10.5):
            if align == "center":
                self.c.drawCentredString(self.page_w / 2, y, line)
            elif align == "right":
                self.c.drawRightString(self.left + self.table_w, y, line)
            else:
                self.c.drawString(self.left, y, line)
            y -= 14

    def below_height(self) -> float:
        return sum(14 * len(wrap(t, self.table_w, 10.5)) + 4 for t, _ in self.grid.below) + 8

    def footer(self, number: int, total: int) -> None:
        self.c.setFont(FONT, 9)
        self.c.drawCentredString(self.page_w / 2, MARGIN - 4 * mm, f"第 {number} 页 共 {total} 页")


def render_pdf(grid: Grid) -> bytes:
    """The printed form as PDF bytes; the same grid always gives the same bytes."""
    register_font()
    page_size = landscape(A4) if grid.orientation == "landscape" else A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page_size, invariant=1, pageCompression=1,
                    initialFontName=FONT, initialFontSize=SIZE)
    canvas.setTitle(f"{grid.title}{grid.subtitle}")
    canvas.setAuthor("PerfDesk")
    canvas.setCreator("PerfDesk 预算绩效填报桌面端")
    printer = _Printer(grid, canvas, page_size)
    if grid.cover:
        _draw_cover(printer)
        canvas.showPage()
    # Measure the headings once on a scratch canvas so the body heights are known before drawing.
    first_top = _heading_top(grid, page_size, True)
    next_top = _heading_top(grid, page_size, False)
    bottom = MARGIN + FOOTER - 4 * mm
    body = next_top - bottom
    layout = _layout(grid, body * 0.95)
    # Rows are sized and split into pages from their heights alone before anything is drawn, so the
    # total for 第 x 页 共 y 页 is known without laying out twice (and the layout is linear in the rows).
    pages = _paginate(layout, first_top - bottom, body)
    # The 注 and signature lines follow the table; a full last page sends them onto a new one.
    last_used = sum(layout.heights[i] for i, _ in pages[-1])
    last_room = (first_top if len(pages) == 1 else next_top) - bottom - last_used
    extra_page = last_room < printer.below_height()
    total = len(pages) + (1 if extra_page else 0)
    covering = _covering(layout)
    for number, page in enumerate(pages, start=1):
        top = printer.heading(number == 1)
        _draw_page(printer, layout, page, top, covering)
        y = top - sum(layout.heights[i] for i, _ in page)
        if number == len(pages) and not extra_page:
            _draw_below(printer, y)
        printer.footer(number, total)
        canvas.showPage()
    if extra_page:
        _draw_below(printer, printer.heading(False))
        printer.footer(total, total)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_cover(printer: _Printer) -> None:
    """The cover of a report (附件5-1): centred lines down the page, unnumbered."""
    c, y = printer.c, printer.page_h * 0.78
    for text, align, size in printer.grid.cover:
        if not text:
            y -= size * 2.2
            continue
        for line in wrap(text, printer.table_w * 0.8, size):
            if align == "left":
                printer.line_text(printer.left + printer.table_w * 0.18, y, line, size)
            else:
                printer.line_text((printer.page_w - text_width(line, size)) / 2, y, line, size)
            y -= size * 2.0
    c.setFont(FONT, SIZE)


def _heading_top(grid: Grid, page_size, first: bool) -> float:
    scratch = Canvas(io.BytesIO(), pagesize=page_size, initialFontName=FONT)
    return _Printer(grid, scratch, page_size).heading(first)


def _draw_below(printer: _Printer, y: float) -> None:
    y -= 14
    for text, align in printer.grid.below:
        printer.free_line(text, align, y)
        y -= 14 * len(wrap(text, printer.table_w, 10.5)) + 4


def _draw_page(printer: _Printer, layout: _Layout, page: list[tuple[int, bool]], top: float,
               covering: list[list[int]]) -> None:
    tops, y = [], top
    for index, _ in page:
        tops.append(y)
        y -= layout.heights[index]
    printer.c.setLineWidth(0.6)
    # Only the pieces that reach one of this page's rows, in layout order (the drawing order).
    for p in sorted({p for index, _ in page for p in covering[index]}):
        piece = layout.pieces[p]
        slots = [k for k, (index, copy) in enumerate(page)
                 if piece.first <= index <= piece.last and not (copy and piece.first != index and
                                                                piece.cell.role not in ("vertical", "label"))]
        if not slots:
            continue
        first, last = slots[0], slots[-1]
        height = tops[first] - tops[last] + layout.heights[page[last][0]]
        # the slots lie inside the piece's rows: it is whole on this page when they are all of them
        covered = {page[k][0] for k in slots}
        split = piece.split or len(covered) != piece.last - piece.first + 1
        printer.cell(piece, tops[first], height, split)


def _covering(layout: _Layout) -> list[list[int]]:
    """For each layout row, the pieces that reach it: a page then looks at its own rows' pieces
    rather than at every piece of the form (which made printing quadratic in the rows)."""
    covering: list[list[int]] = [[] for _ in layout.heights]
    for p, piece in enumerate(layout.pieces):
        for index in range(piece.first, piece.last + 1):
            covering[index].append(p)
    return covering


# Named tuples rather than dataclasses: one is made for every cell of every page of an Excel sheet.
class PrintedRow(NamedTuple):
    """One layout row as a page prints it: a grid row, or a page's part of a split one."""
    grid_row: int
    height: float  # points
    repeated: bool  # a header row repeated at the top of a page that starts inside its group


class PrintedCell(NamedTuple):
    """A cell (or its part) drawn on a page over rows[first..last] of that page."""
    cell: Cell
    lines: list[str]
    first: int
    last: int
    split: bool  # a tall cell or a report's paragraph whose lines run on over a page break


class PrintedPage(NamedTuple):
    rows: list[PrintedRow]
    cells: list[PrintedCell]


class Pagination(NamedTuple):
    """How render_pdf lays the grid out on pages, for a writer that must print the same pages
    (the Excel sheet). The cover, when the grid has one, is a page of its own before these."""
    pages: list[PrintedPage]
    below_on_own_page: bool  # the 注 and signature lines go on a page after the table's last


def pagination(grid: Grid) -> Pagination:
    """The pages render_pdf prints: the same `_layout` and `_paginate`, and which cells each page
    draws over which of its rows (the rule of `_draw_page`: a repeated header row shows the cells that
    start in it and the labels that run through it)."""
    register_font()
    page_size = landscape(A4) if grid.orientation == "landscape" else A4
    first_top, next_top = _heading_top(grid, page_size, True), _heading_top(grid, page_size, False)
    bottom = MARGIN + FOOTER - 4 * mm
    body = next_top - bottom
    layout = _layout(grid, body * 0.95)
    pages = _paginate(layout, first_top - bottom, body)
    grid_row = [-1] * len(layout.heights)
    for piece in layout.pieces:
        if piece.cell.rowspan == 1:
            for lr in range(piece.first, piece.last + 1):
                grid_row[lr] = piece.cell.row
    for lr in range(len(grid_row)):  # a row of only tall cells: the row after the one before it
        if grid_row[lr] < 0:
            grid_row[lr] = grid_row[lr - 1] + 1 if lr else 0
    where: list[list[tuple[int, int, bool]]] = [[] for _ in layout.heights]  # layout row -> (page, slot, copy)
    for number, page in enumerate(pages):
        for slot, (index, copy) in enumerate(page):
            where[index].append((number, slot, copy))
    placed: list[list[PrintedCell]] = [[] for _ in pages]
    for piece in layout.pieces:
        slots: dict[int, list[int]] = {}
        keep_in_copies = piece.cell.role in ("vertical", "label")
        for index in range(piece.first, piece.last + 1):
            for number, slot, copy in where[index]:
                if not copy or index == piece.first or keep_in_copies:
                    slots.setdefault(number, []).append(slot)
        for number, found in slots.items():
            placed[number].append(PrintedCell(piece.cell, piece.lines, min(found), max(found), piece.split))
    printer = _Printer(grid, Canvas(io.BytesIO(), pagesize=page_size, initialFontName=FONT), page_size)
    last_used = sum(layout.heights[i] for i, _ in pages[-1])
    last_room = (first_top if len(pages) == 1 else next_top) - bottom - last_used
    return Pagination(
        pages=[PrintedPage([PrintedRow(grid_row[i], layout.heights[i], copy) for i, copy in page], placed[n])
               for n, page in enumerate(pages)],
        below_on_own_page=last_room < printer.below_height())
