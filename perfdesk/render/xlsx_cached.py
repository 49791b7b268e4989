"""Formulas with their values: openpyxl writes a formula cell as <f> with an empty <v>, so a reader that
does not recalculate (openpyxl's data_only, a previewer, WPS until an edit) sees nothing. After saving we
write our own figure into each formula cell's <v>, as Excel does when it saves: the cached value is the
figure the PDF prints, and an edit in WPS/Excel (LibreOffice: on load) recalculates from the formula.

In the same pass every number is written the shortest way that reads back as the same double, as Excel
writes it: openpyxl writes 16 digits ("%.16g"), so 9.89 went in as 9.890000000000001, which a reader
of the file's text (our template import) took for a figure with 15 decimals."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f>(?:<v\s*/>|<v>\s*</v>)?</c>')
_NUMBER = re.compile(rb'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")? t="n"><v>)([^<]+)(</v>)')


def with_cached_values(xlsx: bytes, sheet_path: str, cached: dict[str, Decimal | str]) -> bytes:
    """The workbook with `cached` (coordinate -> number, or text such as "" or "—") written into the
    formula cells of one sheet part (e.g. "xl/worksheets/sheet1.xml"); other parts copied as they are."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == sheet_path:
                data = _NUMBER.sub(_shortest, _FORMULA_CELL.sub(lambda m: _cell(m, cached), data))
            target.writestr(info, data)  # the same ZipInfo: same names, dates, order: same bytes
    return out.getvalue()


def _cell(match: re.Match, cached: dict[str, Decimal | str]) -> bytes:
    coordinate, attributes, formula = match.group(1).decode(), match.group(2), match.group(3)
    if coordinate not in cached:
        return match.group(0)
    value = cached[coordinate]
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
