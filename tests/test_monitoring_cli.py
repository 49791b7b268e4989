"""The monitoring round from the command line: start from a declaration, fill, check, warn, print."""

from __future__ import annotations

import copy
import datetime as dt

from pypdf import PdfReader

from perfdesk.cli import main
from perfdesk.demo.demo_forms import load_monitoring_demo
from perfdesk.app.due_dates import due
from perfdesk.app.monitoring_operations import start_department_monitoring, start_project_monitoring, start_report
from perfdesk.app.operations import check, save_document


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def by_title(store, text):
    return next(f for f in store.list_forms() if text in f.title)


def test_monitoring_demo_has_every_form_in_several_states(demo_store):
    ids = load_monitoring_demo(demo_store, 2026)
    forms = {demo_store.get_form(i).form_id: [] for i in ids}
    for i in ids:
        record = demo_store.get_form(i)
        forms[record.form_id].append(record.status.label)
    assert sorted(forms["project_monitoring"]) == ["已校验", "草稿"]
    assert forms["dept_monitoring"] == ["已校验"] and forms["monitoring_report"] == ["已校验"]
    late = by_title(demo_store, "高标准农田建设项目（2026年1-6月监控）")
    codes = {f.code for f in check(demo_store, late)}
    assert {"spending_behind", "impossible_measures:0"} <= codes


def test_start_fill_check_and_export_a_monitoring_table(demo_store, tmp_path, capsys, db_url):
    declaration = by_title(demo_store, "2027年校舍维修改造项目")
    code, out, _ = run(capsys, "monitor", str(declaration.id))
    assert code == 0 and "已生成项目支出绩效运行监控表" in out
    record = by_title(demo_store, "（2027年1-6月监控）")
    assert record.form_id == "project_monitoring" and record.data["_source"] == {"declaration": declaration.id}
    code, out, _ = run(capsys, "check", str(record.id))
    assert code == 1 and "1-XX月指标完成情况为必填项" in out

    doc = copy.deepcopy(record.data)
    doc["fund_sources"]["city"].update(issued="100", spent="80", forecast="147.535")
    for row in doc["indicators"]:
        row.update(progress="进行中", forecast=row["target"], possibility="确定能")
    save_document(demo_store, record, doc)
    assert demo_store.get_form(record.id).status.label == "已校验"
    pdf = tmp_path / "m.pdf"
    code, out, _ = run(capsys, "export", str(record.id), "--pdf", str(pdf))
    assert code == 0
    reader = PdfReader(pdf)
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "")
    assert "市级项目支出绩效运行监控表" in text and "54.22" in text
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)

    code, out, _ = run(capsys, "report", str(record.id))
    assert code == 0
    report = by_title(demo_store, "支出绩效监控分析报告（2027年）")
    assert "支出进度 54.22%" in report.data["budget_execution"]


def test_warnings_and_due_dates_in_the_list(demo_store, capsys, db_url):
    load_monitoring_demo(demo_store, 2026)
    late = by_title(demo_store, "高标准农田建设项目（2026年1-6月监控）")
    code, out, _ = run(capsys, "alerts", str(late.id))
    assert code == 1  # a 红色预警 makes the verb fail, for scripts that gate on it
    assert "[黄色预警] 执行缓慢：1-6月支出进度 15.00% 低于序时进度 50.00%" in out
    assert "[红色预警] 目标不可能完成" in out
    code, out, _ = run(capsys, "list", "--year", "2026")
    line = next(l for l in out.splitlines() if l.startswith(f"{late.id}\t"))
    assert "截止 2026年7月31日" in line and "绩效预警" in line
    assert due(demo_store, late, dt.date(2026, 7, 21)) == (dt.date(2026, 7, 31), 10)


def test_department_monitoring_starts_from_the_units_declarations(demo_store):
    unit = demo_store.unit_by_code("201003")
    record = start_department_monitoring(demo_store, unit.id, 2027)
    assert record.data["supervisor_name"] == "长治市教育局"
    # the unit's 2027 declarations that passed their checks: 147.535 + 120; the draft (60) is no budget yet
    assert record.data["funds_by_use"]["project"]["budget"] == "267.535"


def test_refusals_are_said_in_chinese(demo_store, capsys, db_url):
    report_source = by_title(demo_store, "2027年校舍维修改造项目")
    code, _, err = run(capsys, "report", str(report_source.id))
    assert code == 1 and "不是运行监控表" in err
    code, _, err = run(capsys, "monitor-dept", "--unit", "999", "--year", "2027")
    assert code == 1 and "找不到单位编码为 999 的单位" in err
    monitoring_form = start_project_monitoring(demo_store, report_source.id)
    code, _, err = run(capsys, "monitor", str(monitoring_form.id))
    assert code == 1 and "不是绩效目标申报表" in err
    assert start_report(demo_store, monitoring_form.id).form_id == "monitoring_report"
