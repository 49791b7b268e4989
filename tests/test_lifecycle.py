"""The lifecycle table: every allowed move is allowed, every other one refused with what to do
instead; frozen forms; the migration of old statuses; checks that know who is checking."""

from __future__ import annotations

import itertools
import sqlite3

import pytest

from perfdesk.cli import main
from perfdesk.domain.lifecycle import (
    EDITABLE, MOVES, Action, Actor, Round, Status, TransitionRefused, after_save, check_editable, decision_target,
    find_move)
from perfdesk.app.operations import export, save_document
from perfdesk.store import Store


def test_every_allowed_move_is_found_and_every_other_is_refused_in_chinese():
    allowed = {(m.action, m.source, m.target, m.actor) for m in MOVES}
    for move in MOVES:
        assert find_move(move.action, move.source, actor=move.actor, target=move.target,
                         round=next(iter(move.rounds)) if move.rounds else None) == move
    sources = (None, *Status)
    for action, source, target, actor in itertools.product(Action, sources, Status, (*Actor, None)):
        if any(a == action and s == source and t == target and (m is None or actor is None or m == actor)
               for a, s, t, m in allowed):
            continue
        with pytest.raises(TransitionRefused) as refused:
            find_move(action, source, actor=actor, target=target)
        assert "不能" in str(refused.value)


def test_editing_is_allowed_only_where_the_unit_holds_the_form():
    for status in Status:
        if status in EDITABLE:
            check_editable(status)
            continue
        with pytest.raises(TransitionRefused, match="不能修改"):
            check_editable(status)
    with pytest.raises(TransitionRefused, match="申请调整"):
        check_editable(Status.APPROVED)
    assert after_save(Status.DRAFT, False) is Status.CHECKED and after_save(Status.CHECKED, True) is Status.DRAFT
    assert after_save(Status.RETURNED, False) is Status.RETURNED  # the return stays until sent again


def test_rounds_decide_the_levels_at_the_office():
    move, level = decision_target(Status.DEPT_REVIEW, "approve", Round.FIRST)
    assert (move.target, level) == (Status.FEEDBACK, Actor.FINANCE_DEPT)  # 一上 → 一下 by the 业务科室 alone
    move, _ = decision_target(Status.DEPT_REVIEW, "approve", Round.SECOND)
    assert move.target is Status.PERF_REVIEW  # 二上: the 预算绩效管理科 after it
    move, level = decision_target(Status.SUPERVISOR_REVIEW, "approve", Round.FIRST)
    assert (move.action, move.target, level) == (Action.FORWARD, Status.DEPT_REVIEW, Actor.SUPERVISOR)
    with pytest.raises(TransitionRefused, match="不在本机审核中"):
        decision_target(Status.APPROVED, "approve", Round.SECOND)


def _by_title(store, title):
    return next(f for f in store.list_forms() if f.title == title)


def test_an_approved_form_cannot_be_edited_until_adjustment_is_requested(full_demo_store, capsys):
    approved = _by_title(full_demo_store, "2027年学生食堂设备更新项目")
    assert approved.status is Status.APPROVED
    with pytest.raises(TransitionRefused, match="申请调整"):
        save_document(full_demo_store, approved, dict(approved.data, necessity="改一个字"))
    assert full_demo_store.get_form(approved.id).data == approved.data and approved.status is Status.APPROVED
    assert main(["adjust", str(approved.id), "--reason", "实施地点调整"]) == 0
    adjusting = full_demo_store.get_form(approved.id)
    assert adjusting.status is Status.ADJUSTING
    save_document(full_demo_store, adjusting, dict(adjusting.data, necessity="调整后的必要性说明"))
    capsys.readouterr()
    assert main(["diff", str(approved.id)]) == 0
    out = capsys.readouterr().out
    assert "审核通过的第" in out and "申报的必要性" in out and "调整后的必要性说明" in out
    # The approved version stays printable as it was approved.
    kept = [r for r in full_demo_store.revisions(approved.id) if r.label]
    assert kept and kept[-1].data["necessity"] == approved.data["necessity"]
    assert main(["adjust", str(approved.id), "--cancel"]) == 0
    assert full_demo_store.get_form(approved.id).data["necessity"] == approved.data["necessity"]


def test_a_return_keeps_its_letter_after_edits_and_prints(full_demo_store, tmp_path, capsys):
    returned = _by_title(full_demo_store, "2027年高标准农田建设项目")
    assert returned.status is Status.RETURNED
    save_document(full_demo_store, returned, dict(returned.data, necessity="补充了立项依据。"))
    export(full_demo_store, returned.id, pdf=tmp_path / "a.pdf", xlsx=None)
    record = full_demo_store.get_form(returned.id)
    assert record.status is Status.RETURNED
    capsys.readouterr()
    assert main(["status", str(record.id)]) == 0
    out = capsys.readouterr().out
    assert "项目立项必要性阐述不充分" in out and "请补充项目立项的必要性和政策依据" in out and "导出打印" in out


def test_void_and_list_by_status(full_demo_store, capsys):
    draft = _by_title(full_demo_store, "2027年校园安全监控系统建设")
    assert main(["void", str(draft.id), "--reason", "不再申报"]) == 0
    assert full_demo_store.get_form(draft.id).status is Status.VOID
    assert main(["void", str(draft.id)]) == 1
    assert "已作废" in capsys.readouterr().err
    assert main(["list", "--status", "已作废"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all("已作废" in line for line in lines)


def test_the_finance_office_checks_as_the_finance_office(full_demo_store, tmp_path, capsys):
    """本年度实际安排资金 filled at the office: its own check, export and CLI accept it."""
    approved = _by_title(full_demo_store, "2027年学生食堂设备更新项目")
    doc = {k: v for k, v in approved.data.items() if k != "_finance_cells"}  # filled here, not by a review
    with full_demo_store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE form_instances SET status = 'dept_review', data = ? WHERE id = ?",
                             (__import__("json").dumps(doc, ensure_ascii=False), approved.id))
    assert main(["check", str(approved.id)]) == 1  # as a unit, the office's cells are errors
    assert "由财政部门填写" in capsys.readouterr().out
    full_demo_store.set_setting("role", "finance")
    assert main(["check", str(approved.id)]) == 0
    assert main(["export", str(approved.id), "--pdf", str(tmp_path / "a.pdf")]) == 0
    assert (tmp_path / "a.pdf").is_file()


OLD_STATUSES = ["草稿", "已校验", "已导出", "已报送", "待修改", "审核通过", "已收到"]


def test_a_database_of_the_previous_schema_migrates_with_every_status(tmp_path):
    from alembic import command
    from alembic.config import Config

    from perfdesk.store.location import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Store(url) as store:
        unit = store.add_unit(name="长治市第一中学", code="201003", supervisor_name="长治市教育局", supervisor_code="201",
                              region="长治市", level="市级", profile="changzhi")
        ids = [store.create_form(unit_id=unit.id, form_id="declaration", form_version=1, year=2027,
                                 title=f"表{i}", data={}).id for i in range(len(OLD_STATUSES))]
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0003")
    with sqlite3.connect(tmp_path / "old.db") as con:  # what the previous version wrote
        for form_id, old in zip(ids, OLD_STATUSES):
            con.execute("UPDATE form_instances SET status = ? WHERE id = ?", (old, form_id))
    with Store(url) as store:
        got = [store.get_form(i).status for i in ids]
        assert got == [Status.DRAFT, Status.CHECKED, Status.CHECKED, Status.SUBMITTED, Status.RETURNED,
                       Status.APPROVED, Status.DEPT_REVIEW]
        exported = store.events(ids[2])
        assert [(e.action, e.detail["old_status"]) for e in exported] == [(Action.MIGRATE, "已导出")]
    with sqlite3.connect(tmp_path / "old.db") as con:
        assert {s for (s,) in con.execute("SELECT status FROM form_instances")} <= {s.value for s in Status}
