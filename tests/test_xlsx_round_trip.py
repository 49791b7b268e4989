"""The Excel round trip as a clerk does it: export the template, fill it in Excel (here openpyxl,
typing into the yellow cells), import it back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from perfdesk.cli import main
from perfdesk.render.xlsx_template import MAP_SHEET
from perfdesk.store import Store


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repair(demo_store):
    return next(f for f in demo_store.list_forms() if f.title == "2027年校舍维修改造项目")


def cells_of(wb) -> dict[str, str]:
    """path → cell, as the template's map says (the clerk sees the same cells in yellow)."""
    return {r[2]: r[1] for r in wb[MAP_SHEET].iter_rows(values_only=True) if r[0] == "cell"}


def test_template_protects_the_layout_and_unlocks_the_inputs(demo_store, repair, tmp_path, capsys, db_url):
    target = tmp_path / "模板.xlsx"
    code, out, _ = run(capsys, "template", str(repair.id), "--out", str(target))
    assert code == 0 and "已导出填报模板" in out
    wb = load_workbook(target)
    ws = wb.worksheets[0]
    where = cells_of(wb)
    assert ws.protection.sheet and wb[MAP_SHEET].sheet_state == "veryHidden"
    assert ws["A1"].protection.locked  # the title stays as printed
    assert not ws[where["project_name"]].protection.locked
    assert ws[where["project_name"]].value == "2027年校舍维修改造项目"
    assert ws[where["expense_details.0.this_year"]].value == Decimal("62.5") or \
        ws[where["expense_details.0.this_year"]].value == 62.5
    rules = {rule.type: rule for rule in ws.data_validations.dataValidation}
    assert {"list", "date", "decimal"} <= set(rules)
    assert where["expense_details.0.this_year"] in str(rules["decimal"].sqref)
    assert where["schedule.0.start"] in str(rules["date"].sqref)
    # rows to fill beyond the form's own: the 5 printed expense lines and 3 blank ones
    assert "expense_details.5.name" in where


def test_filled_template_imports_good_values_and_reports_bad_ones_by_cell(demo_store, repair, tmp_path, capsys):
    target = tmp_path / "模板.xlsx"
    run(capsys, "template", str(repair.id), "--out", str(target))
    wb = load_workbook(target)
    ws, where = wb.worksheets[0], cells_of(wb)
    # what the clerk typed
    ws[where["applicant_head"]] = "王建国"
    ws[where["expense_details.0.this_year"]] = 70.25  # Excel keeps a typed number as a number
    ws[where["expense_details.3.name"]] = "消防设施更换"  # a new line in a blank row
    ws[where["expense_details.3.this_year"]] = 12
    ws[where["expense_details.3.basis_note"]] = "灭火器 200 具 × 600 元"
    ws[where["schedule.0.start"]] = dt.date(2027, 3, 1)
    ws[where["schedule.1.start"]] = "2027-02-30"  # a wrong date
    ws[where["expense_details.1.this_year"]] = -5  # a negative amount
    ws[where["expense_details.2.last_year"]] = 123456789012345  # a 15-digit figure
    wb.save(target)

    code, out, _ = run(capsys, "import-xlsx", str(target))
    assert code == 1 and "未保存任何内容" in out
    sheet = ws.title
    assert f"工作表“{sheet}” {where['schedule.1.start']}（支出实施进度计划第2行·开始时间）：“2027-02-30”是不存在的日期" in out
    assert f"{where['expense_details.1.this_year']}（支出明细预算第2行·本年度申请资金）：本年度申请资金不能为负数" in out
    assert f"{where['expense_details.2.last_year']}（支出明细预算第3行·上年度资金）：" in out and "过大" in out
    assert "3 个有误未导入" in out
    assert demo_store.get_form(repair.id).data == repair.data  # nothing saved

    code, out, _ = run(capsys, "import-xlsx", str(target), "--keep-good")
    assert code == 0 and f"已导入到表单 {repair.id}" in out
    doc = demo_store.get_form(repair.id).data
    assert doc["applicant_head"] == "王建国"
    assert doc["expense_details"][0]["this_year"] == "70.25"
    assert doc["expense_details"][3] == {"name": "消防设施更换", "last_year": None, "this_year": "12",
                                        "basis_note": "灭火器 200 具 × 600 元"}
    assert len(doc["expense_details"]) == 4  # the blank rows the template added are not rows
    assert doc["schedule"][0]["start"] == "2027-03-01"
    # the refused values were not taken: the stored ones stay
    assert doc["schedule"][1]["start"] == repair.data["schedule"][1]["start"]
    assert doc["expense_details"][1]["this_year"] == repair.data["expense_details"][1]["this_year"]
    assert doc["expense_details"][2]["last_year"] == repair.data["expense_details"][2]["last_year"]


def test_an_untouched_template_changes_nothing(demo_store, repair, tmp_path, capsys):
    target = tmp_path / "t.xlsx"
    run(capsys, "template", str(repair.id), "--out", str(target))
    code, out, _ = run(capsys, "import-xlsx", str(target))
    assert code == 0 and "0 个有误" in out
    assert demo_store.get_form(repair.id).data == repair.data


def test_amounts_come_back_exactly_not_through_float(demo_store, repair, tmp_path, capsys):
    target = tmp_path / "t.xlsx"
    run(capsys, "template", str(repair.id), "--out", str(target))
    wb = load_workbook(target)
    where = cells_of(wb)
    wb.worksheets[0][where["expense_details.0.this_year"]] = Decimal("62.5125")
    wb.worksheets[0][where["fund_sources.appropriation.this_year"]] = Decimal("147.5475")
    wb.save(target)
    run(capsys, "import-xlsx", str(target), "--keep-good")
    doc = demo_store.get_form(repair.id).data
    assert doc["expense_details"][0]["this_year"] == "62.5125"
    assert doc["fund_sources"]["appropriation"]["this_year"] == "147.5475"


def test_import_into_another_kind_of_form_is_refused(full_demo_store, tmp_path, capsys):
    repair = next(f for f in full_demo_store.list_forms() if f.title == "2027年校舍维修改造项目")
    target = tmp_path / "t.xlsx"
    run(capsys, "template", str(repair.id), "--out", str(target))
    monitoring = next(f for f in full_demo_store.list_forms() if f.form_id == "project_monitoring")
    code, _, err = run(capsys, "import-xlsx", str(target), "--into", str(monitoring.id))
    assert code == 1 and "不能导入；请选择同一种表单" in err


def test_a_workbook_that_is_no_template_is_said_so(demo_store, tmp_path, capsys):
    from openpyxl import Workbook

    other = tmp_path / "别的表.xlsx"
    Workbook().save(other)
    code, _, err = run(capsys, "import-xlsx", str(other))
    assert code == 1 and "不是 PerfDesk 导出的填报模板" in err
    (tmp_path / "x.xlsx").write_text("not a zip")
    code, _, err = run(capsys, "import-xlsx", str(tmp_path / "x.xlsx"))
    assert code == 1 and "不是有效的 Excel 工作簿" in err


def test_a_deleted_source_form_imports_as_a_new_one(demo_store, repair, tmp_path, capsys, db_url):
    target = tmp_path / "t.xlsx"
    run(capsys, "template", str(repair.id), "--out", str(target))
    before = {f.id for f in demo_store.list_forms()}
    demo_store.delete_form(repair.id)
    code, out, _ = run(capsys, "import-xlsx", str(target))
    s = Store(db_url)
    try:
        new = [f for f in s.list_forms() if f.id not in before]
    finally:
        s.close()
    assert code == 0 and len(new) == 1 and new[0].title == "2027年校舍维修改造项目"
    assert new[0].amount == repair.amount


# --- rows from any sheet, by column ------------------------------------------------------------

def clerks_own_sheet(path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "明细"
    ws.append(["序号", "项目", "金额（万元）", "说明"])
    ws.append([1, "课桌椅", Decimal("30.5"), "500 套 × 610 元"])
    ws.append([2, "黑板", -2, "负数"])
    ws.append([])
    ws.append([3, "投影仪", Decimal("12.125"), "25 台"])
    wb.save(path)


def test_rows_from_any_sheet_by_column_remembered_per_form(demo_store, repair, tmp_path, capsys):
    sheet = tmp_path / "明细.xlsx"
    clerks_own_sheet(sheet)
    argv = ["import-rows", str(sheet), "--into", str(repair.id), "--table", "expense_details"]
    code, out, _ = run(capsys, *argv)
    assert code == 1 and "请用 --columns 指定列对应" in _
    code, out, _ = run(capsys, *argv, "--columns", "支出名称=B,this_year=C,basis_note=D")
    assert code == 1 and "工作表“明细” C3（支出明细预算·本年度申请资金）：本年度申请资金不能为负数" in out
    assert demo_store.get_form(repair.id).data == repair.data
    code, out, _ = run(capsys, *argv, "--columns", "支出名称=B,this_year=C,basis_note=D", "--keep-good", "--replace")
    assert code == 0 and "已导入 3 行" in out
    rows = demo_store.get_form(repair.id).data["expense_details"]
    assert [(r["name"], r["this_year"]) for r in rows] == [("课桌椅", "30.5"), ("黑板", None), ("投影仪", "12.125")]
    code, out, _ = run(capsys, *argv)  # the columns chosen last time
    assert code == 1 and "C3" in out


def test_a_monitoring_template_reads_the_chosen_possibility(full_demo_store, tmp_path, capsys):
    record = next(f for f in full_demo_store.list_forms() if f.title == "2026年校舍维修改造项目（2026年1-6月监控）")
    target = tmp_path / "监控.xlsx"
    run(capsys, "template", str(record.id), "--out", str(target))
    wb = load_workbook(target)
    ws, where = wb.worksheets[0], cells_of(wb)
    first, second = where["indicators.0.possibility"], where["indicators.1.possibility"]
    lists = [r for r in ws.data_validations.dataValidation if r.type == "list" and first in str(r.sqref)]
    assert lists and lists[0].formula1 == '"确定能,有可能,完全不可能"'  # a drop-down, not three √ columns
    ws[first] = "有可能"
    ws[second] = "也许"
    wb.save(target)
    code, out, _ = run(capsys, "import-xlsx", str(target), "--keep-good")
    assert f"{second}（" in out and "“也许”不是可选项，请从“确定能、有可能、完全不可能”中选择" in out
    doc = full_demo_store.get_form(record.id).data
    assert doc["indicators"][0]["possibility"] == "有可能"
    assert doc["indicators"][1]["possibility"] == record.data["indicators"][1]["possibility"]


def test_rows_inserted_in_the_sheet_are_rows_of_their_table(demo_store, repair, tmp_path, capsys):
    from xlsx_filling import insert_row, key_row

    from perfdesk.render.xlsx_template import FIRST_COLUMN

    target = tmp_path / "t.xlsx"
    run(capsys, "template", str(repair.id), "--out", str(target))
    wb = load_workbook(target)
    ws = wb.worksheets[0]
    # 右键 → 插入行 in the fund tree (its rows are fixed): said, not read
    at = key_row(ws, "tree:fund_sources:appropriation") + 1
    insert_row(ws, at)
    ws.cell(at, FIRST_COLUMN + 1).value = 5
    # a qualitative indicator inserted below the last 质量指标 row: one more of that 二级指标
    quality = [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("row:annual_indicators")
               and ws.cell(r, FIRST_COLUMN + 1).value == "质量指标"]
    at = quality[-1] + 1
    insert_row(ws, at)
    for offset, value in enumerate(["师生安全感", "定性", "明显提升", "问卷"], start=2):
        ws.cell(at, FIRST_COLUMN + offset).value = value
    # a line inserted below the schedule's “以上为” line belongs to no table
    at = key_row(ws, "end:schedule") + 1
    insert_row(ws, at)
    ws.cell(at, FIRST_COLUMN).value = "验收"
    stray = f"B{at}"
    # a new expense line inserted straight after the first one
    at = key_row(ws, "row:expense_details:0") + 1
    insert_row(ws, at)
    ws.cell(at, FIRST_COLUMN).value = "消防设施更换"
    ws.cell(at, FIRST_COLUMN + 2).value = 0
    ws.cell(at, FIRST_COLUMN + 3).value = "灭火器 200 具"
    wb.save(target)

    code, out, _ = run(capsys, "import-xlsx", str(target), "--keep-good")
    assert "资金来源计划的行数固定，不能增加行；插入的这一行未导入" in out and code == 0
    # the expense line inserted above moved it down one row
    assert f"B{int(stray[1:]) + 1}（插入的行）：这一行不在任何表格中，未导入" in out
    doc = demo_store.get_form(repair.id).data
    assert doc["fund_sources"] == repair.data["fund_sources"]
    assert doc["schedule"] == repair.data["schedule"]
    assert [r["name"] for r in doc["expense_details"]] == [repair.data["expense_details"][0]["name"], "消防设施更换",
                                                          *[r["name"] for r in repair.data["expense_details"][1:]]]
    added = [r for r in doc["annual_indicators"] if r["content"] == "师生安全感"]
    assert added == [{"level1": "产出指标", "level2": "质量指标", "content": "师生安全感", "kind": "定性",
                      "value": "明显提升", "note": "问卷"}]


def test_an_untouched_template_of_every_demo_form_changes_nothing(full_demo_store):
    from perfdesk.app.xlsx_import import read_template, template_bytes

    for listed in full_demo_store.list_forms():
        record = full_demo_store.get_form(listed.id)
        assert read_template(full_demo_store, template_bytes(full_demo_store, record)).doc == record.data, record.title



def test_a_county_variants_own_field_is_in_its_template(demo_store, repair, tmp_path, capsys):
    from form_variants import county_declaration, write

    from perfdesk.catalog import form_files

    county = tmp_path / "county-forms"
    write(county, "declaration.yaml", county_declaration())
    try:
        form_files.install(county)
        target = tmp_path / "县模板.xlsx"
        run(capsys, "template", str(repair.id), "--out", str(target))
        wb = load_workbook(target)
        ws, where = wb.worksheets[0], cells_of(wb)
        label = ws[where["county_approval_date"]].offset(column=-1).value
        assert label == "县级立项批复日期"
        ws[where["county_approval_date"]] = dt.date(2026, 11, 20)
        wb.save(target)
        code, out, _ = run(capsys, "import-xlsx", str(target))
        assert code == 0 and "表单还有" not in out, out
        assert demo_store.get_form(repair.id).data["county_approval_date"] == "2026-11-20"
    finally:
        form_files.install()


def test_a_template_of_the_earlier_layout_is_refused_with_what_to_do(demo_store, repair, tmp_path, capsys):
    target = tmp_path / "旧模板.xlsx"
    run(capsys, "template", str(repair.id), "--out", str(target))
    wb = load_workbook(target)
    wb[MAP_SHEET]["B1"] = "perfdesk-xlsx-template/1"  # as the template of the printed layout said
    wb.save(target)
    code, _, err = run(capsys, "import-xlsx", str(target))
    assert code == 1 and "不是本版 PerfDesk 的，不能读取：请用“导出 Excel 填报模板”重新导出模板" in err
    assert demo_store.get_form(repair.id).data == repair.data


def test_a_row_whose_yellow_cells_are_cleared_is_taken_out(demo_store, repair, tmp_path, capsys):
    from xlsx_filling import key_row

    from perfdesk.render.xlsx_template import FIRST_COLUMN

    target = tmp_path / "t.xlsx"
    run(capsys, "template", str(repair.id), "--out", str(target))
    wb = load_workbook(target)
    ws = wb.worksheets[0]
    row = key_row(ws, "row:expense_details:1")
    for offset in range(4):
        ws.cell(row, FIRST_COLUMN + offset).value = None
    wb.save(target)
    code, out, _ = run(capsys, "import-xlsx", str(target))
    assert code == 0, out
    kept = repair.data["expense_details"][:1] + repair.data["expense_details"][2:]
    assert demo_store.get_form(repair.id).data["expense_details"] == kept
