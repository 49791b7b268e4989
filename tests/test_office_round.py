"""A round as the finance office and a unit live it: the office's demo register of 36 units, a
task created and exported signed, imported at the unit (a tampered or unregistered one refused),
the unit's form and its 空数据说明 handed in as packages and imported at the office, and the
报送情况 matrix and the 催报 list showing who has handed in and who is late."""

from __future__ import annotations

import datetime as dt

import pytest

from perfdesk.domain.tasks import EMPTY, MISSING, WAITING, filtered
from perfdesk.app.office_operations import chase_items, create_task, write_chase
from perfdesk.package.builder import write_package
from perfdesk.app.package_import import import_paths
from perfdesk.package.importer import import_bytes
from perfdesk.package.task_packages import build_empty_package, build_task_package
from perfdesk.store.office import OfficeStore, board_for
from table_text import pdf_text
from test_package_support import (UNIT_CODE, YEAR, members, office_signer, rezip, stores, trust_office,  # noqa: F401
                                  trust_unit, unit_signer, world)

# Packages are taken in today: the board is counted on the same day, the declarations were due 6 days ago.
TODAY = dt.date.today()
DECLARATIONS_DUE = TODAY - dt.timedelta(days=6)


def _round(office):
    from perfdesk.demo.demo_office import load_office_demo

    load_office_demo(office, TODAY)
    return create_task(office, year=YEAR, kinds=["declaration", "project_monitoring"], title="预算编制及绩效监控",
                       note="请按期报送", units="all", deadlines={"declaration": DECLARATIONS_DUE}, rules={},
                       issued=TODAY - dt.timedelta(days=30))


def _task_at_unit(unit, office, world, tmp_path):
    task = _round(office)
    built = build_task_package(task, office_signer(office))
    trust_office(unit, world)
    outcome = import_bytes(unit, built.data, "任务.pdpkg")
    assert outcome.status == "imported", outcome.message
    return task, built, OfficeStore(unit).task_by_uid(task.uid)


def test_the_round_from_task_to_status_board(stores, world, tmp_path):
    unit, office = stores
    task, built, received = _task_at_unit(unit, office, world, tmp_path)
    # The profile fixes the monitoring deadline (朔州 第四章: 7 月 31 日); the office set the declarations'.
    assert received.due("project_monitoring") == dt.date(YEAR, 7, 31)
    assert "第四章" in received.deadlines["project_monitoring"].source
    assert received.due("declaration") == DECLARATIONS_DUE and len(received.unit_codes) == 36

    # The unit hands in its declaration (the world's signed package) and, having no project to
    # monitor, a signed 空数据说明; the office imports both.
    empty = build_empty_package(unit, received, "project_monitoring", unit_signer(unit),
                                reason="本单位本年度无在建项目，无监控数据可报。", contact="刘晓燕", phone="0355-2021236")
    trust_unit(office, world)
    for name, data in (("v1.pdpkg", world.package), ("空数据说明.pdpkg", empty.data)):
        write_package(tmp_path / name, data)
    report = import_paths(office, [tmp_path / "v1.pdpkg", tmp_path / "空数据说明.pdpkg"])
    assert [o.status for o in report.outcomes] == ["imported", "imported"], report.summary()
    assert "计为已报" in report.outcomes[1].message

    board = board_for(OfficeStore(office), task, TODAY)
    rows = {r.unit.code: r for r in board.rows()}
    assert len(rows) == 36 and len(board.groups) == 6
    school = rows[UNIT_CODE].cells
    assert school["declaration"].state == WAITING and school["declaration"].text == "财政审核中 迟报6天"
    assert school["project_monitoring"].state == EMPTY and school["project_monitoring"].handed_in
    other = rows["202001"].cells["declaration"]
    assert other.state == MISSING and other.days == -6 and other.text == "未报 逾期6天"
    assert rows["202001"].cells["project_monitoring"].text == f"未报 剩{(dt.date(YEAR, 7, 31) - TODAY).days}天"
    counts = board.counts
    assert (counts["declaration"].handed_in, counts["declaration"].missing, counts["declaration"].overdue) == (1, 35, 35)
    assert (counts["project_monitoring"].handed_in, counts["project_monitoring"].empty) == (1, 1)
    assert [r.unit.code for r in filtered(board, "待审")] == [UNIT_CODE]
    assert UNIT_CODE not in {r.unit.code for r in filtered(board, "逾期")}

    # The 催报 list names every unit that has not handed in, with whom to call, printed.
    _, items = chase_items(office, task, TODAY)
    assert len(items) == 35 and UNIT_CODE not in {i.unit.code for i in items}
    pdf, xlsx = tmp_path / "催报.pdf", tmp_path / "催报.xlsx"
    assert write_chase(office, task, TODAY, pdf=pdf, xlsx=xlsx) == 35
    text = pdf_text(pdf.read_bytes())
    assert "2027年度预算编制及绩效监控催报名单" in text
    assert "长治市人民医院" in text and "长治市殡仪馆" in text and "长治市第一中学" not in text
    assert "预算支出绩效目标申报表" in text


def test_a_unit_sending_again_overwrites_or_keeps(stores, world, tmp_path):
    unit, office = stores
    task, _, received = _task_at_unit(unit, office, world, tmp_path)
    trust_unit(office, world)
    signer = unit_signer(unit)
    first = build_empty_package(unit, received, "project_monitoring", signer, reason="本年度无在建项目。")
    second = build_empty_package(unit, received, "project_monitoring", signer, reason="项目已取消，无数据可报。")
    assert import_bytes(office, first.data, "v1").status == "imported"
    kept = import_bytes(office, second.data, "v2", keep_existing=True)
    assert kept.status == "kept" and "保留本机已有的第 1 版" in kept.message
    assert OfficeStore(office).empty_statement(task.uid, UNIT_CODE, "project_monitoring")["version"] == 1
    over = import_bytes(office, second.data, "v2")
    assert over.status == "updated" and "已覆盖" in over.message and "取代第 1 版" in over.message
    assert OfficeStore(office).empty_statement(task.uid, UNIT_CODE, "project_monitoring")["reason"] == "项目已取消，无数据可报。"


def test_a_tampered_task_package_is_refused_at_the_unit(stores, world, tmp_path):
    unit, office = stores
    task = _round(office)
    built = build_task_package(task, office_signer(office))
    # Not yet registered as the office's key: refused, even with --trust-new.
    outcome = import_bytes(unit, built.data, "任务.pdpkg", trust_new=True)
    assert outcome.status == "rejected" and "签名人未获信任" in outcome.message
    trust_office(unit, world)
    items = members(built.data)
    changed = items["task.json"].replace(b"2027-07-31", b"2027-08-31")  # one digit: a later monitoring deadline
    assert sum(a != b for a, b in zip(changed, items["task.json"])) == 1
    outcome = import_bytes(unit, rezip(dict(items, **{"task.json": changed})), "改过的任务.pdpkg")
    assert outcome.status == "rejected"
    assert outcome.message == "文件 task.json 与签名清单不符（内容被改动过），已拒绝"
    assert OfficeStore(unit).tasks() == []
    assert import_bytes(unit, built.data, "任务.pdpkg").status == "imported"


@pytest.mark.parametrize("who", ["unit", "office"])
def test_a_task_is_taken_only_by_its_units(stores, world, tmp_path, who):
    unit, office = stores
    task = create_task(_demo_office(office), year=YEAR, kinds=["declaration"], title="预算编制", note="",
                       units="@202", deadlines={"declaration": DECLARATIONS_DUE}, rules={}, issued=TODAY)
    built = build_task_package(task, office_signer(office))
    if who == "unit":  # the school (201003) is not among the health units
        trust_office(unit, world)
        outcome = import_bytes(unit, built.data, "任务.pdpkg")
        assert outcome.message == "本单位（201003）不在此任务的单位名单中，无需导入"
    else:
        outcome = import_bytes(office, built.data, "任务.pdpkg")
        assert "本机是财政部门" in outcome.message
    assert outcome.status == "rejected"


def _demo_office(office):
    from perfdesk.demo.demo_office import load_office_demo

    load_office_demo(office, TODAY)
    return office
