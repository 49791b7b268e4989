"""What a reviewer is shown as changed (审核 dialog, `perfdesk diff ID --previous`) after a return: indicator
rows paired by what they are, not by where they stand, and the reviewers' own earlier opinions not
reported as emptied; the fields a return named followed the same way (domain/returned.py)."""

from __future__ import annotations

import copy

import pytest

from perfdesk.cli import main
from perfdesk.domain.form_diff import diff
from perfdesk.domain.registry import get_form
from perfdesk.app.form_submission import package_form
from perfdesk.package.importer import import_bytes
from test_package_support import (REPAIR, YEAR, decide_at, office_signer, stores,  # noqa: F401
                                  trust_office, trust_unit, unit_signer, world)

SAFETY = {"level1": "效益指标", "level2": "社会效益指标", "content": "安全隐患整改率", "kind": "定量",
          "value": "100%", "note": None}


@pytest.fixture
def repair():
    from perfdesk.demo.demo_forms import samples

    return copy.deepcopy(next(doc for *_, doc in samples(YEAR) if doc.get("project_name") == REPAIR))


def _inserted(doc: dict) -> dict:
    """SAFETY put in the middle of 年度绩效指标, under 社会效益指标 (before 消除校舍安全隐患)."""
    new = copy.deepcopy(doc)
    rows = new["annual_indicators"]
    at = next(i for i, r in enumerate(rows) if r["level2"] == "社会效益指标")
    rows.insert(at, dict(SAFETY))
    return new


def test_an_indicator_inserted_in_the_middle_is_one_added_row(repair):
    form = get_form("declaration")
    changes = diff(form, repair, _inserted(repair))
    assert [c.line() for c in changes] == [
        "【年度绩效指标】年度绩效指标第6行（新增）：效益指标；社会效益指标；安全隐患整改率；定量；100%"]


def test_rows_after_an_insertion_keep_their_own_changes_and_a_rename_stays_one_line(repair):
    form = get_form("declaration")
    new = _inserted(repair)
    rows = new["annual_indicators"]
    parents = next(i for i, r in enumerate(rows) if r["content"] == "家长满意度")
    rows[parents]["value"] = "≥95%"
    rows[parents + 1]["content"] = "师生满意度"  # 教师满意度 renamed where it stands
    del rows[0]  # 更新课桌椅 removed
    lines = [c.line() for c in diff(form, repair, new)]
    assert lines == [
        "【年度绩效指标】年度绩效指标原第1行（删除）：产出指标；数量指标；更新课桌椅；定量；1500套",
        "【年度绩效指标】年度绩效指标第5行（新增）：效益指标；社会效益指标；安全隐患整改率；定量；100%",
        f"【年度绩效指标】年度绩效指标第{parents}行（家长满意度）·指标值：≥90% → ≥95%",
        f"【年度绩效指标】年度绩效指标第{parents + 1}行（师生满意度）·指标内容：教师满意度 → 师生满意度",
    ]


def test_an_indicator_moved_up_is_no_change_of_content(repair):
    form = get_form("declaration")
    new = copy.deepcopy(repair)
    rows = new["annual_indicators"]
    rows[0], rows[1] = rows[1], rows[0]  # 上移
    rows[0]["value"] = "≥850人次"
    assert [c.line() for c in diff(form, repair, new)] == [
        "【年度绩效指标】年度绩效指标第1行（培训教师人次）·指标值：≥800人次 → ≥850人次"]


def test_the_reviewers_earlier_opinions_are_not_reported_as_emptied(repair):
    form = get_form("declaration")
    old = dict(repair, finance_dept_opinion="部分内容需补充完善，退回修改。", finance_dept_reviewer="张三",
               finance_dept_review_date=f"{YEAR}-03-01", supervisor_opinion="同意报送。")
    old["fund_sources"] = copy.deepcopy(repair["fund_sources"])
    old["fund_sources"]["appropriation"]["actual"] = "140.00"  # the office's 本年度实际安排资金
    new = dict(repair, necessity=repair["necessity"] + "依据长教发〔2026〕12号。")
    lines = [c.line() for c in diff(form, old, new)]
    assert len(lines) == 1 and lines[0].startswith("【支出立项情况】申报的必要性：")
    assert "（空）" not in "".join(lines)


@pytest.fixture
def resent(world, stores, tmp_path):  # noqa: F811
    """unit → office 一上, returned with an opinion; the unit inserts an indicator, adds to 申报的必要性 and
    sends again: (the office's store, the form's id there)."""
    unit, office = stores
    trust_unit(office, world)
    trust_office(unit, world)
    at_office = import_bytes(office, world.package, "v1").form_instance_id
    back = decide_at(office, at_office, "return", tmp_path, office_signer(office),
                     opinion="部分内容需补充完善，退回修改。", reviewer="张三", letter="请补充立项依据。",
                     reasons={"necessity": "请补充政策依据"})
    assert import_bytes(unit, back, "r1").status == "imported"
    record = unit.get_form(world.form_id)
    data = _inserted(record.data)
    data["necessity"] += "依据长教发〔2026〕12号。"
    unit.save_form(record.id, data=data, based_on=record.version)
    again = package_form(unit, record.id, unit_signer(unit), tmp_path / "v2.pdpkg")
    assert import_bytes(office, again.data, "v2").status == "updated"
    return office, at_office


ADDED = "年度绩效指标第6行（新增）：效益指标；社会效益指标；安全隐患整改率；定量；100%"


def test_the_diff_at_the_office_lists_exactly_the_units_changes(resent, capsys):
    office, at_office = resent
    capsys.readouterr()
    assert main(["--db", office.url, "diff", str(at_office), "--previous"]) == 0
    out = capsys.readouterr().out
    assert "2 处改动" in out, out
    assert ADDED in out and "申报的必要性" in out
    assert "（空）" not in out and "审核意见" not in out and "→ 消除校舍安全隐患" not in out


def test_the_review_dialog_shows_the_same_changes(resent, qtbot):
    from perfdesk.ui.review_dialog import ReviewDialog

    office, at_office = resent
    dialog = ReviewDialog(office, at_office)
    qtbot.addWidget(dialog)
    shown = dialog.changes.toPlainText().splitlines()
    assert len(shown) == 2 and shown[0].startswith("【支出立项情况】申报的必要性：") and shown[1] == f"【年度绩效指标】{ADDED}"


def test_a_returned_field_follows_its_row_and_goes_once_changed(repair):
    from perfdesk.domain.returned import returned_findings

    form = get_form("declaration")
    reasons = {"necessity": "请补充政策依据", "annual_indicators.6.value": "指标值须量化"}  # 受益学生人数
    assert repair["annual_indicators"][6]["content"] == "受益学生人数"
    found = returned_findings(form, reasons, repair, repair)
    assert [(f.field, f.label, f.message) for f in found] == [
        ("necessity", "申报的必要性", "请补充政策依据"),
        ("annual_indicators.6.value", "年度绩效指标第7行（受益学生人数）·指标值", "指标值须量化")]
    moved = _inserted(repair)  # a row above it: the mark moves with 受益学生人数
    assert [f.field for f in returned_findings(form, reasons, repair, moved)] == [
        "necessity", "annual_indicators.7.value"]
    moved["annual_indicators"][7]["value"] = "≥6500人"
    assert [f.field for f in returned_findings(form, reasons, repair, moved)] == ["necessity"]
    moved["necessity"] = "改写后的必要性。"
    assert returned_findings(form, reasons, repair, moved) == []


def test_an_adjusted_form_against_its_approved_version(full_demo_store, db_url, capsys):
    """申请调整 (the demo's 学生宿舍改造项目): the adjusted version, its opinions cleared for the new round
    and one indicator inserted, reads as one added row against the approved version."""
    store = full_demo_store
    record = next(f for f in store.list_forms() if f.title == f"{YEAR}年学生宿舍改造项目")
    data = copy.deepcopy(record.data)
    assert data["perf_mgmt_opinion"]  # the approved version's opinions
    for key in [k for k in data if k.endswith(("_opinion", "_reviewer", "_review_date"))]:
        data[key] = None
    data["annual_indicators"].insert(2, dict(SAFETY, level1="产出指标", level2="数量指标"))
    store.save_form(record.id, data=data, based_on=record.version)
    capsys.readouterr()
    assert main(["--db", db_url, "diff", str(record.id)]) == 0
    out = capsys.readouterr().out
    assert "1 处改动" in out and "年度绩效指标第3行（新增）：产出指标；数量指标；安全隐患整改率；定量；100%" in out, out
