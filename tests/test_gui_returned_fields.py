"""A form returned with reasons per field (业务科室 → unit, `--reason 字段=理由`), opened in the editor:
each returned field is marked with its reason and listed in the checks dock, F8 reaches it, and the
mark goes once the clerk changes that field — the form stays returned."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
import shiboken6  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QPushButton  # noqa: E402

from perfdesk.domain.lifecycle import Status  # noqa: E402
from perfdesk.package.importer import import_bytes  # noqa: E402
from perfdesk.ui.editor import DeclarationEditor  # noqa: E402
from gui_support import dock_lines  # noqa: E402
from test_package_support import (decide_at, office_signer, stores, trust_office, trust_unit,  # noqa: E402,F401
                                  world)

NECESSITY = "请补充政策依据和文号"
BENEFIT = "受益学生人数须写明计算口径"
ORANGE = "#e65100"
RETURNED_CELL = "#ffe0b2"


@pytest.fixture
def returned_editor(world, stores, tmp_path, qtbot):  # noqa: F811
    """The unit's editor on REPAIR after the office returned it with two per-field reasons: one on 申报的
    必要性, one on an indicator row's 指标值 (年度绩效指标 row 7, 受益学生人数)."""
    unit, office = stores
    trust_unit(office, world)
    trust_office(unit, world)
    at_office = import_bytes(office, world.package, "v1").form_instance_id
    answer = decide_at(office, at_office, "return", tmp_path, office_signer(office), opinion="部分内容需补充完善。",
                       reviewer="张三", letter="请按逐栏理由修改后重新报送。",
                       reasons={"necessity": NECESSITY, "annual_indicators.6.value": BENEFIT})
    assert import_bytes(unit, answer, "r1").status == "imported"
    assert unit.get_form(world.form_id).data["annual_indicators"][6]["content"] == "受益学生人数"
    editor = DeclarationEditor(unit, world.form_id, autosave_ms=100)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    yield editor
    if shiboken6.isValid(editor) and editor.isVisible():
        editor.close()


def _value_cell(editor):
    part = editor.table_editor("annual_indicators")
    return part, part.leaf(6), part.columns.index("value")


def test_both_returned_fields_are_marked_listed_and_reached_by_f8(returned_editor, qtbot):
    editor = returned_editor
    assert dock_lines(editor)[:2] == [f"退回 — 申报的必要性：{NECESSITY}", f"退回 — 年度绩效指标第7行（受益学生人数）·指标值：{BENEFIT}"]
    assert editor.checks_dock.windowTitle().startswith("校验结果（退回 2，")
    necessity = editor.field_binding("necessity").focus_widget
    assert isinstance(necessity, QPlainTextEdit)
    assert ORANGE in necessity.styleSheet() and NECESSITY in necessity.toolTip()
    part, leaf, value = _value_cell(editor)
    assert leaf.background(value).color().name() == RETURNED_CELL and BENEFIT in leaf.toolTip(value)
    assert leaf.background(part.columns.index("content")).color().name() != RETURNED_CELL  # only that cell

    start = editor.field_binding("project_name").focus_widget
    start.setFocus()
    qtbot.keyClick(start, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is necessity)
    qtbot.keyClick(necessity, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is part.tree)
    assert part.tree.currentItem() is leaf and part.tree.currentColumn() == value


def test_changing_one_field_removes_its_mark_and_entry_and_the_other_stays(returned_editor, qtbot):
    editor = returned_editor
    necessity = editor.field_binding("necessity").focus_widget
    necessity.setFocus()
    qtbot.keyClick(necessity, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(necessity, " 2026-12")
    qtbot.waitUntil(lambda: not any("申报的必要性" in line for line in dock_lines(editor)))
    assert dock_lines(editor)[0] == f"退回 — 年度绩效指标第7行（受益学生人数）·指标值：{BENEFIT}"
    assert ORANGE not in necessity.styleSheet() and NECESSITY not in necessity.toolTip()
    part, leaf, value = _value_cell(editor)
    assert leaf.background(value).color().name() == RETURNED_CELL and BENEFIT in leaf.toolTip(value)

    # the indicator's 指标值 typed over: its mark and entry go too, and the dock has nothing left to say
    part.tree.setFocus()
    part.tree.setCurrentItem(leaf, value)
    qtbot.keyClick(part.tree, Qt.Key.Key_F2)
    cell = part.tree.findChild(QLineEdit)
    assert cell is not None
    cell.selectAll()
    qtbot.keyClicks(cell, "6500")
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not any(line.startswith("退回") for line in dock_lines(editor)))
    leaf = part.leaf(6)
    assert leaf.background(value).color().name() != RETURNED_CELL and BENEFIT not in leaf.toolTip(value)
    qtbot.waitUntil(lambda: editor.store.get_form(editor.record.id).data["necessity"].endswith(" 2026-12"))
    assert editor.store.get_form(editor.record.id).status is Status.RETURNED  # the form stays returned
    assert "退回修改" in editor.banner.text()


def test_opened_again_after_saving_only_the_unchanged_field_is_marked(returned_editor, qtbot):
    editor = returned_editor
    necessity = editor.field_binding("necessity").focus_widget
    necessity.setFocus()
    qtbot.keyClick(necessity, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(necessity, " 2026-12")
    qtbot.keyClick(necessity, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not editor.has_unsaved_changes())
    store, form_id = editor.store, editor.record.id
    editor.close()
    again = DeclarationEditor(store, form_id)
    qtbot.addWidget(again)
    assert [line for line in dock_lines(again) if line.startswith("退回")] == [
        f"退回 — 年度绩效指标第7行（受益学生人数）·指标值：{BENEFIT}"]
    assert ORANGE not in again.field_binding("necessity").focus_widget.styleSheet()
    again.close()


def test_the_mark_follows_its_indicator_row_when_a_row_is_added_above_it(returned_editor, qtbot):
    editor = returned_editor
    part, _, value = _value_cell(editor)
    part.select_row(0)  # 更新课桌椅, under 数量指标
    qtbot.mouseClick(part.findChild(QPushButton, "addIndicator"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"退回 — 年度绩效指标第8行（受益学生人数）·指标值：{BENEFIT}" in dock_lines(editor))
    assert part.leaf(7).text(0) == "受益学生人数"
    assert part.leaf(7).background(value).color().name() == RETURNED_CELL
    assert part.leaf(6).background(value).color().name() != RETURNED_CELL
