"""The issue's case (#21): a new declaration's Excel 填报模板, each cell it offers filled and the file
saved again by LibreOffice, imported with “表单还有 17 个错误”: no cells for 起止时间, 预算科目,
项目支出类型, 保障措施, 负责人/填表人/填表日期/联系电话, no 定量/定性 column."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from perfdesk.domain.checks import blocking
from perfdesk.domain.document import blank_document
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.registry import form_of
from perfdesk.app.operations import check
from perfdesk.render.xlsx_template import MAP_SHEET
from perfdesk.app.xlsx_import import export_template

from xlsx_filling import excel_value, run, sample_form, through_libreoffice, typed_text

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def test_a_new_declarations_template_filled_in_every_yellow_cell_makes_a_whole_form(
        full_demo_store, tmp_path, capsys):
    """The issue's case: each cell the template offers filled through LibreOffice left 17 errors."""
    store = full_demo_store
    sample = sample_form(store, "declaration")
    form = form_of(sample)
    record = store.create_form(unit_id=sample.unit_id, form_id=form.id, form_version=form.version,
                               year=sample.year, title="新项目", data=blank_document(form))
    path = export_template(store, record.id, tmp_path / "新项目.xlsx")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    cells = [r for r in wb[MAP_SHEET].iter_rows(values_only=True) if r and r[0] == "cell"]
    expense_rows = len({r[2].split(".")[1] for r in cells if r[2].startswith("expense_details.")})
    for entry in cells:
        coordinate, path_ = entry[1], entry[2]
        option = entry[3] if len(entry) > 3 else None
        ws[coordinate] = declaration_value(form, sample.data, path_, option, Decimal(10 * expense_rows))
    wb.save(path)
    converted = through_libreoffice([path], tmp_path / "out", tmp_path / "lo")
    code, out = run(capsys, "import-xlsx", converted[path])
    assert code == 0 and "0 个有误" in out
    saved = store.get_form(record.id)
    left = blocking(check(store, saved))
    assert "表单还有" not in out, out + "\n".join(f"{f.label}：{f.message}" for f in left)  # main: 17
    assert saved.data["start_date"] == sample.data["start_date"] and saved.data["contact_phone"] == sample.data["contact_phone"]
    assert [r["kind"] for r in saved.data["annual_indicators"] if r["content"] == "师生安全感"] == ["定性"]


def declaration_value(form: FormDef, sample: dict, path: str, option: str | None, total: Decimal):
    """A valid value for each cell of a declaration's template, whatever its layout."""
    head, _, rest = path.partition(".")
    if not rest:
        text = str(sample.get(head) or typed_text(form.fields[head], None, 2027, sample, 1))
        if option:
            return "√" if option == text else None
        return excel_value(form.fields[head], text)
    table = form.tables[head]
    row_key, column_key = rest.split(".")
    column = table.column(column_key)
    if table.kind == "tree":  # 本年度申请资金 all from 经费拨款, as much as the 支出明细 ask
        funded = row_key in ("appropriation", "public_budget") and column_key == "this_year"
        return total if funded else Decimal(0)
    if head == "expense_details":
        return {"name": "设备购置", "last_year": Decimal("0"), "this_year": Decimal("10"), "basis_note": "按报价"}[column_key]
    if head == "schedule":
        return {"content": "实施", "start": dt.date(2027, 3, 1), "end": dt.date(2027, 6, 30)}[column_key]
    if table.kind == "indicators" and (head, row_key) == ("annual_indicators", "0"):  # one qualitative indicator
        return {"content": "师生安全感", "kind": "定性", "value": "明显提升", "note": "问卷"}.get(column_key)
    if table.kind == "indicators":
        return {"content": "完成数量", "kind": "定量", "value": "≥95%", "note": "无"}.get(column_key)
    if head == "prior_evaluations":
        return "2024" if column_key == "year" else "良"
    return typed_text(column, None, 2027, {}, 1)
