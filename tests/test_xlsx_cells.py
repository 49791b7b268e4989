"""The Excel writer writes a sheet's cells itself (render/xlsx_cached.py): the same bytes openpyxl's own
writer gives, for every kind of value our sheets hold, so Excel, WPS and LibreOffice read what they read."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font

from perfdesk.render.xlsx_cached import save

PART = "xl/worksheets/sheet1.xml"


def tricky_workbook() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "项目名称 & <说明> “引号”"
    ws["B1"] = "  前后有空格 "
    ws["C1"] = "第一行\n第二行\r第三行\t制表"
    ws["D1"] = "𠀀 (outside the BMP)"
    ws["A2"] = Decimal("147.5")
    ws["B2"] = 42
    ws["C2"] = 0.25
    ws["D2"] = True
    ws["E2"] = dt.date(2027, 3, 31)
    ws["F2"] = "#N/A"
    ws["A3"] = "=SUM(A2:B2)"
    ws["B3"] = "=100%"
    ws["B3"].data_type = "s"  # 指标值 “=100%” is text
    ws["C3"] = ""
    ws["D3"].font = Font(name="宋体", size=9)  # styled, no value
    ws["A4"].alignment = Alignment(wrap_text=True)
    ws["A4"] = "合并"
    ws.merge_cells("A4:C5")
    ws.row_dimensions[7].height = 30  # a row with no cells
    return wb


def test_cells_are_written_as_openpyxl_writes_them():
    ours = zipfile.ZipFile(io.BytesIO(save(tricky_workbook(), PART, {}))).read(PART)
    buffer = io.BytesIO()
    tricky_workbook().save(buffer)
    theirs = zipfile.ZipFile(buffer).read(PART)
    assert ours == theirs


def test_formula_values_and_shortest_numbers():
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = Decimal("9.89"), Decimal("0.1"), "=A1+A2"
    ws["B1"] = '=IF(A1=0,"—",A1)'
    data = save(wb, PART, {"A3": Decimal("9.99"), "B1": "—"})
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(PART)
    assert b"<v>9.89</v>" in sheet and b"9.890000000000001" not in sheet
    values = load_workbook(io.BytesIO(data), data_only=True).active
    assert (values["A3"].value, values["B1"].value) == (9.99, "—")
    assert load_workbook(io.BytesIO(data)).active["A3"].value == "=A1+A2"


def test_a_cell_it_does_not_write_is_refused_not_written_otherwise():
    wb = Workbook()
    wb.active["A1"] = "见批注"
    wb.active["A1"].comment = Comment("批注", "PerfDesk")
    with pytest.raises(TypeError):
        save(wb, PART, {})
