"""The headless verbs as a script or a clerk at a terminal uses them."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from perfdesk.cli import main
from perfdesk.domain import money
from perfdesk.app.operations import save_document
from perfdesk.store import Store


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ids_by_title(url: str) -> dict[str, int]:
    s = Store(url)
    try:
        return {f.title: f.id for f in s.list_forms()}
    finally:
        s.close()


def test_demo_list_check_export(db_url, tmp_path, capsys):
    code, out, _ = run(capsys, "demo", "--year", "2027")
    assert code == 0 and "已写入示例数据：27 份表单" in out
    code, out, _ = run(capsys, "list")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 27
    # every form the program knows is there: 2027 declarations, the 2026 monitoring round, the 2025 evaluation
    for title in ["2027年校舍维修改造项目", "（2026年1-6月监控）", "部门整体（2026年1-6月监控）", "支出绩效监控分析报告",
                  "预算绩效评价报告", "绩效报告（提纲）", "绩效评价结果反馈意见函", "绩效评价结果整改报告书",
                  "项目绩效自评表（2026年度）", "部门整体支出绩效自评表（2026年度）", "市直部门预算绩效管理工作考核评分表",
                  "县（市、区）财政局预算绩效管理工作考核评分表", "事前绩效评估表"]:
        assert any(title in l for l in lines), title
    assert any("2027年教师能力提升培训专项" in l and "120.00 万元" in l and "已校验" in l for l in lines)
    # every status of the chain is there, with the level a form waits at
    for status in ("草稿", "已校验", "已报送", "主管部门审核中", "财政审核中（业务科室）", "财政审核中（预算绩效管理科）",
                   "已退回（待修改）", "一下已反馈（待二上）", "审核通过", "申请调整中", "已作废"):
        assert any(f"\t{status}\t" in l for l in lines), status
    code, out, _ = run(capsys, "list", "--year", "2026")
    # two declarations, three monitoring tables, the report, two self-evaluations, two assessment tables
    assert len(out.strip().splitlines()) == 10

    ids = ids_by_title(db_url)
    code, out, _ = run(capsys, "check", str(ids["2027年教师能力提升培训专项"]))
    assert code == 0 and "错误 0 个，警告 0 个，提示 0 个" in out
    code, out, _ = run(capsys, "check", str(ids["2027年校园安全监控系统建设"]))
    assert code == 1
    assert "[错误] 资金来源计划：支出明细预算的本年度申请资金合计（60.00 万元）" in out
    assert "[警告] 申报单位联系电话" in out

    pdf, xlsx = tmp_path / "out" / "a.pdf", tmp_path / "out" / "a.xlsx"
    code, _, err = run(capsys, "export", str(ids["2027年教师能力提升培训专项"]), "--pdf", str(pdf), "--xlsx", str(xlsx))
    assert code == 1 and "不存在，请先建立该文件夹" in err and not (tmp_path / "out").exists()
    (tmp_path / "out").mkdir()
    code, out, _ = run(capsys, "export", str(ids["2027年教师能力提升培训专项"]), "--pdf", str(pdf), "--xlsx", str(xlsx))
    assert code == 0 and f"已导出：{pdf}" in out
    assert "2027年教师能力提升培训专项" in PdfReader(pdf).pages[0].extract_text()
    assert load_workbook(xlsx).active["A1"].value == "长治市市级预算支出绩效目标申报表"
    code, out, _ = run(capsys, "status", str(ids["2027年教师能力提升培训专项"]))
    assert "导出打印" in out and "状态：已校验" in out  # printing is in the history, it moves nothing


def test_export_with_errors_writes_nothing(full_demo_store, db_url, tmp_path, capsys):
    draft = ids_by_title(db_url)["2027年校园安全监控系统建设"]
    pdf, xlsx = tmp_path / "x.pdf", tmp_path / "x.xlsx"
    code, out, err = run(capsys, "export", str(draft), "--pdf", str(pdf), "--xlsx", str(xlsx))
    assert code == 1
    assert "有 1 个错误，不能导出" in err and "不相等" in err
    assert not pdf.exists() and not xlsx.exists()
    assert list(tmp_path.glob(".perfdesk-*")) == []


@pytest.mark.parametrize("argv, message", [
    (["check", "999"], "找不到编号为 999 的表单"),
    (["export", "1"], "请至少指定一个输出文件"),
])
def test_errors_are_said_in_chinese(full_demo_store, db_url, capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 1 and message in err


def test_usage_error_in_chinese(db_url, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "abc"])
    assert exit_info.value.code == 2
    assert "参数有误" in capsys.readouterr().err


def test_export_into_a_folder_path_is_refused(full_demo_store, db_url, tmp_path, capsys):
    good = ids_by_title(db_url)["2027年校舍维修改造项目"]
    code, _, err = run(capsys, "export", str(good), "--pdf", str(tmp_path), "--xlsx", str(tmp_path / "a.xlsx"))
    assert code == 1 and "是一个文件夹" in err
    assert not (tmp_path / "a.xlsx").exists()


def test_db_option_before_the_verb(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PERFDESK_DB", f"sqlite:///{tmp_path / 'env.db'}")
    other = f"sqlite:///{tmp_path / 'other.db'}"
    code, _, _ = run(capsys, "--db", other, "demo", "--year", "2027")
    assert code == 0 and len(ids_by_title(other)) == 27
    assert ids_by_title(f"sqlite:///{tmp_path / 'env.db'}") == {}


def test_db_option_beats_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PERFDESK_DB", f"sqlite:///{tmp_path / 'env.db'}")
    other = f"sqlite:///{tmp_path / 'other.db'}"
    run(capsys, "demo", "--db", other, "--year", "2027")
    assert len(ids_by_title(other)) == 27
    code, out, _ = run(capsys, "list")
    assert "没有表单" in out


def test_store_round_trip_keeps_decimal_amounts_exactly(demo_store):
    record = next(f for f in demo_store.list_forms() if f.title == "2027年校舍维修改造项目")
    doc = dict(record.data)
    doc["expense_details"] = [dict(r) for r in doc["expense_details"]]
    doc["expense_details"][2]["this_year"] = "36.2351"
    assert save_document(demo_store, record, doc)
    again = demo_store.get_form(record.id)
    assert money.parse_amount(again.data["expense_details"][2]["this_year"]) == Decimal("36.2351")
    assert again.amount == Decimal("62.50") + Decimal("48.80") + Decimal("36.2351")
    assert again.status.label == "草稿"  # the sums no longer agree


def test_every_changing_save_keeps_the_previous_version(demo_store):
    record = next(f for f in demo_store.list_forms() if f.title == "2027年校舍维修改造项目")
    first = record.data
    second = dict(first, other_notes="第二稿")
    third = dict(first, other_notes="第三稿")
    assert save_document(demo_store, record, second)
    assert not save_document(demo_store, demo_store.get_form(record.id), second)  # nothing changed
    assert save_document(demo_store, demo_store.get_form(record.id), third)
    history = demo_store.revisions(record.id)
    assert [r.data.get("other_notes") for r in history] == [None, "第二稿"]
    assert demo_store.get_form(record.id).data["other_notes"] == "第三稿"


def test_a_failed_export_leaves_the_existing_file_untouched(full_demo_store, db_url, tmp_path, capsys):
    good = ids_by_title(db_url)["2027年校舍维修改造项目"]
    keep = tmp_path / "keep.pdf"
    keep.write_bytes(b"the clerk's earlier copy")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    code, _, err = run(capsys, "export", str(good), "--pdf", str(keep), "--xlsx", str(blocker / "a.xlsx"))
    assert code == 1 and ("无法写入" in err or "不存在" in err)
    assert keep.read_bytes() == b"the clerk's earlier copy"
    assert list(tmp_path.glob(".perfdesk-*")) == []


def test_exporting_does_not_undo_an_approval(full_demo_store, tmp_path):
    demo_store = full_demo_store
    from perfdesk.app.operations import export

    record = next(f for f in demo_store.list_forms() if f.title == "2027年学生食堂设备更新项目")
    assert record.status.label == "审核通过"
    export(demo_store, record.id, pdf=tmp_path / "a.pdf", xlsx=None)
    assert demo_store.get_form(record.id).status.label == "审核通过"
    other = next(f for f in demo_store.list_forms() if f.title == "2027年图书馆藏书更新项目")
    assert other.status.label == "一下已反馈（待二上）"
    export(demo_store, other.id, pdf=tmp_path / "b.pdf", xlsx=None)
    assert demo_store.get_form(other.id).status.label == "一下已反馈（待二上）"  # the answer is not forgotten
    assert (tmp_path / "b.pdf").stat().st_mode & 0o044  # readable like any saved file


def test_text_pasted_with_control_characters_exports(demo_store, tmp_path):
    from openpyxl import load_workbook

    from perfdesk.app.operations import export, save_document

    record = next(f for f in demo_store.list_forms() if f.title == "2027年校舍维修改造项目")
    save_document(demo_store, record, dict(record.data, necessity="现有设施老化\x0b存在安全隐患\x07"))
    export(demo_store, record.id, pdf=tmp_path / "a.pdf", xlsx=tmp_path / "a.xlsx")
    values = [c.value for row in load_workbook(tmp_path / "a.xlsx").active.iter_rows() for c in row]
    assert "现有设施老化 存在安全隐患 " in values


@pytest.mark.parametrize("year", ["10000", "0", "abcd"])
def test_demo_refuses_a_year_it_cannot_write(db_url, capsys, year):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--year", year])
    assert exit_info.value.code == 2
    assert "应为 2003 到 2099 之间的四位数字" in capsys.readouterr().err
    assert ids_by_title(db_url) == {}


def test_template_batch_print_and_summary_files_are_readable_like_any_saved_file(full_demo_store, tmp_path):
    # one writer (operations.staged) for every file PerfDesk saves: none is left 0600 by its temporary name
    import os

    from perfdesk.app.batch_print import print_batch, select_forms
    from perfdesk.app.summary_operations import compose_summary, write
    from perfdesk.app.xlsx_import import export_template

    old = os.umask(0o022)
    try:
        template = export_template(full_demo_store, 1, tmp_path / "模板.xlsx")
        printed = print_batch(full_demo_store, select_forms(full_demo_store, [1, 2]), tmp_path / "批量.pdf").path
        summary = write(compose_summary(full_demo_store, "declaration", 2027), pdf=tmp_path / "汇总.pdf", xlsx=None)[0]
    finally:
        os.umask(old)
    for path in (template, printed, summary):
        assert path.stat().st_mode & 0o777 == 0o644, path
    assert list(tmp_path.glob(".perfdesk-*")) == []
