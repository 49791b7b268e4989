"""Save a workbook with its formulas' values: openpyxl writes a formula cell as <f> with an empty <v>, so
a reader that does not recalculate (openpyxl's data_only, a previewer, WPS until an edit) sees nothing.
We write our own figure into each formula cell's <v>, as Excel does when it saves: the cached value is
the figure the PDF prints, and an edit in WPS/Excel (LibreOffice: on load) recalculates from the formula.

Every number is written the shortest way that reads back as the same double, as Excel writes it:
openpyxl writes 16 digits ("%.16g"), so 9.89 went in as 9.890000000000001, which a reader of the file's
text (our template import) took for a figure with 15 decimals. Every member gets one fixed date, so the
same data gives the same file.

openpyxl writes the rest of the package; the cells (<sheetData>) are written here, in one pass, as
openpyxl's writer would write them into its ASCII document (it spent a third of a form's Excel time on
them, cell by cell through lxml), the sheet in memory rather than through a temporary file, and the merged
ranges as plain elements (openpyxl parsed each range's text back into an object to serialise it)."""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element, SubElement

_DATE = (2000, 1, 1, 0, 0, 0)
_PLACEHOLDER = b"<sheetData/>"  # what the sheet writer leaves for the cells, replaced by them
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})  # as libxml2 escapes text
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;",
                            "\n": "&#10;", "\t": "&#9;"})


def save(wb: Workbook, sheet_part: str, cached: dict[str, Decimal | str]) -> bytes:
    """The workbook's bytes, with `cached` (coordinate -> number, or text such as "" or "—") written
    into the formula cells of one sheet part (e.g. "xl/worksheets/sheet1.xml")."""
    buffer = io.BytesIO()
    with _Archive(buffer) as archive:
        _Excel(wb, archive, sheet_part, cached).write_data()  # as ExcelWriter.save does, into our zip
    return buffer.getvalue()


class _Excel(ExcelWriter):
    def __init__(self, wb: Workbook, archive: zipfile.ZipFile, part: str, cached: dict[str, Decimal | str]):
        super().__init__(wb, archive)
        self.part, self.cached = part, cached

    def write_worksheet(self, ws):
        """ExcelWriter.write_worksheet (openpyxl 3.1) for a workbook that is not write-only, in memory."""
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        part = ws.path[1:]
        cells = sheet_data(ws, self.cached if part == self.part else {})
        self._archive.writestr(part, writer.read().replace(_PLACEHOLDER, cells, 1))
        self.manifest.append(ws)


class _SheetWriter(WorksheetWriter):
    def write_rows(self):
        self.xf.send(Element("sheetData"))  # the place of the cells (sheet_data)

    def write_merged_cells(self):
        """<mergeCells count="n"><mergeCell ref="A1:B2"/>…</mergeCells>, in the order openpyxl writes them."""
        merged = self.ws.merged_cells
        if merged:
            element = Element("mergeCells", count=str(len(merged.ranges)))
            for ref in merged:
                SubElement(element, "mergeCell", ref=ref.coord)
            self.xf.send(element)


def sheet_data(ws, cached: dict[str, Decimal | str]) -> bytes:
    """<sheetData> with every row and cell as openpyxl's WorksheetWriter.write_rows writes them, the
    formula cells with their `cached` values, the numbers shortest. Our sheets hold text, numbers, dates,
    formulas and blank styled cells; anything else is refused rather than written differently."""
    styles = ws.parent._cell_styles
    dimensions = ws.row_dimensions
    rows: dict[int, list] = defaultdict(list)
    for (row, _), cell in sorted(ws._cells.items()):
        rows[row].append(cell)
    for row in dimensions.keys() - rows.keys():
        rows[row] = []
    letters: dict[int, str] = {}
    style_ids: dict[int, str] = {}  # id(style array) -> its s="n" (the cells keep the arrays alive)
    out = [b"<sheetData>"]
    line: list[bytes] = []  # one row's pieces, joined when it ends (fewer objects alive at once)
    for index, cells in sorted(rows.items()):
        attributes = {"r": f"{index}"}
        attributes.update(dimensions.get(index, {}))
        line.append(_start("row", attributes))
        for cell in cells:
            if type(cell) is not MergedCell and (type(cell) is not Cell or cell._comment is not None
                                                 or cell.hyperlink is not None):
                raise TypeError(f"{cell.coordinate}: not a cell this writer writes")
            value = cell._value
            styled = cell.has_style
            if value is None and not styled:
                continue
            column = cell.column
            letter = letters.get(column) or letters.setdefault(column, get_column_letter(column))
            coordinate = f"{letter}{cell.row}"
            if styled:  # a merge's covered cells share one style object: look it up once
                style = cell._style
                found = style_ids.get(id(style))
                if found is None:
                    found = style_ids[id(style)] = f' s="{styles.add(style)}"'
                head = f'<c r="{coordinate}"{found}'
            else:
                head = f'<c r="{coordinate}"'
            kind = cell.data_type
            if kind == "d" and not ws.parent.iso_dates and getattr(value, "tzinfo", None) is None:
                kind, value = "n", to_excel(value, ws.parent.epoch)  # a date as Excel's serial number
            if kind == "f" and isinstance(value, str):
                line.append(_formula(head, value[1:], cached.get(coordinate)))
            elif kind == "s" and isinstance(value, str):
                line.append(_ascii(f'{head} t="inlineStr"></c>' if value == "" else
                                   f'{head} t="inlineStr"><is><t{_space(value)}>{value.translate(_TEXT)}</t></is></c>'))
            elif kind in ("n", "b", "e"):
                line.append(_ascii(f'{head} t="{kind}"></c>' if value is None else
                                   f'{head} t="{kind}"><v>{_value(kind, value)}</v></c>'))
            else:
                raise TypeError(f"{coordinate}: a {kind} cell ({type(value).__name__}) this writer does not write")
        line.append(b"</row>")
        out.append(b"".join(line))
        line.clear()
    out.append(b"</sheetData>")
    return b"".join(out)


def _start(tag: str, attributes: dict) -> bytes:
    listed = "".join(f' {key}="{str(value).translate(_ATTRIBUTE)}"' for key, value in attributes.items())
    return _ascii(f"<{tag}{listed}>")


def _ascii(text: str) -> bytes:
    return text.encode("ascii", "xmlcharrefreplace")


def _space(text: str) -> str:
    return ' xml:space="preserve"' if text != text.strip() else ""


def _value(kind: str, value) -> str:
    text = safe_string(value)
    if kind == "n" and text:  # shortest: 9.89, not 9.890000000000001
        shortest = repr(float(text))
        text = shortest[:-2] if shortest.endswith(".0") else shortest
    return text.translate(_TEXT)


def _formula(head: str, formula: str, value: Decimal | str | None) -> bytes:
    formula = _ascii(formula.translate(_TEXT))
    if value is None:
        return _ascii(head) + b"><f>" + formula + b"</f><v></v></c>"
    if isinstance(value, Decimal):
        return _ascii(head) + b"><f>" + formula + b"</f><v>" + format(value, "f").encode() + b"</v></c>"
    return _ascii(head) + b' t="str"><f>' + formula + b"</f><v>" + escape(value).encode() + b"</v></c>"


class _Archive(zipfile.ZipFile):
    """The zip openpyxl writes into: every member one fixed date."""

    def __init__(self, buffer):
        super().__init__(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
        else:
            info = zinfo_or_arcname
        super().writestr(info, data)
