"""Save a workbook with its formulas' values: openpyxl writes a formula cell as <f> with an empty <v>, so
a reader that does not recalculate (openpyxl's data_only, a previewer, WPS until an edit) sees nothing.
On its way into the zip we write our own figure into each formula cell's <v>, as Excel does when it
saves: the cached value is the figure the PDF prints, and an edit in WPS/Excel (LibreOffice: on load)
recalculates from the formula.

In the same pass every number is written the shortest way that reads back as the same double, as Excel
writes it: openpyxl writes 16 digits ("%.16g"), so 9.89 went in as 9.890000000000001, which a reader
of the file's text (our template import) took for a figure with 15 decimals. Every member gets one
fixed date, so the same data gives the same file.

The sheet is serialised in memory (openpyxl writes it to a temporary file and reads it back) and its
merged ranges are written as plain elements (openpyxl parses each range's text back into an object to
serialise it, which cost a tenth of a form's save): the bytes are the same."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element, SubElement

_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f>(?:<v\s*/>|<v>\s*</v>)?</c>')
_NUMBER = re.compile(rb'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")? t="n"><v>)([^<]+)(</v>)')
_DATE = (2000, 1, 1, 0, 0, 0)


def save(wb: Workbook, sheet_part: str, cached: dict[str, Decimal | str]) -> bytes:
    """The workbook's bytes, with `cached` (coordinate -> number, or text such as "" or "—") written
    into the formula cells of one sheet part (e.g. "xl/worksheets/sheet1.xml")."""
    buffer = io.BytesIO()
    _Excel(wb, _Archive(buffer, sheet_part, cached)).save()  # as Workbook.save does, into our zip
    return buffer.getvalue()


class _Excel(ExcelWriter):
    def write_worksheet(self, ws):
        """ExcelWriter.write_worksheet (openpyxl 3.1) for a workbook that is not write-only, in memory."""
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


class _SheetWriter(WorksheetWriter):
    def write_merged_cells(self):
        """<mergeCells count="n"><mergeCell ref="A1:B2"/>…</mergeCells>, in the order openpyxl writes them."""
        merged = self.ws.merged_cells
        if merged:
            element = Element("mergeCells", count=str(len(merged.ranges)))
            for ref in merged:
                SubElement(element, "mergeCell", ref=ref.coord)
            self.xf.send(element)


class _Archive(zipfile.ZipFile):
    """The zip openpyxl writes into: the sheet part is completed on its way in."""

    def __init__(self, buffer, part: str, cached: dict[str, Decimal | str]):
        super().__init__(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.part, self.cached = part, cached

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
        else:
            info = zinfo_or_arcname
        if info.filename == self.part:
            data = data.encode() if isinstance(data, str) else data
            data = _NUMBER.sub(_shortest, _FORMULA_CELL.sub(self._cell, data))
        super().writestr(info, data)

    def _cell(self, match: re.Match) -> bytes:
        coordinate, attributes, formula = match.group(1).decode(), match.group(2), match.group(3)
        if coordinate not in self.cached:
            return match.group(0)
        value = self.cached[coordinate]
        if isinstance(value, Decimal):
            return b'<c r="%s"%s><f>%s</f><v>%s</v></c>' % (coordinate.encode(), attributes, formula,
                                                            format(value, "f").encode())
        return b'<c r="%s"%s t="str"><f>%s</f><v>%s</v></c>' % (coordinate.encode(), attributes, formula,
                                                                   escape(value).encode())


def _shortest(match: re.Match) -> bytes:
    text = match.group(2)
    try:
        shortest = repr(float(text)).encode()
    except ValueError:
        return match.group(0)
    if shortest.endswith(b".0"):
        shortest = shortest[:-2]
    return match.group(1) + shortest + match.group(3)
