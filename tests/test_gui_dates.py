"""Dates in the editor as a clerk types them: four ways of writing a date into a blank field, Tab out of an
empty one, the calendar and ↑/↓ starting in the form's year, an impossible date told at the field; the
year the 事前评估表 and 考核评分表 start in; the 反馈意见函's 截止日期 from its 反馈期限."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import (QApplication, QCalendarWidget, QDialog, QLabel, QLineEdit, QTableView,  # noqa: E402
                               QToolButton)

from perfdesk.domain import dates  # noqa: E402
from perfdesk.ui.editor import FormEditor  # noqa: E402
from gui_support import dock_lines, settle, trigger, type_chinese  # noqa: E402

YEAR = 2027  # the demo's declarations
BIG = f"{YEAR}年教师能力提升培训专项"
CTRL = Qt.KeyboardModifier.ControlModifier


def start_of_blank(today: dt.date) -> dt.date:
    """Where a blank field of a 2027 form starts: today within 2027, else 1 January 2027."""
    return today if today.year == YEAR else dt.date(YEAR, 1, 1)


def form_id(store, title: str) -> int:
    return next(f.id for f in store.list_forms() if f.title == title)


def date_field(editor: FormEditor, key: str) -> QLineEdit:
    return editor.field_binding(key).focus_widget


def blank_date_field(qtbot, editor: FormEditor, key: str) -> QLineEdit:
    """The field emptied with its 清空 button, focused for typing."""
    edit = date_field(editor, key)
    clear = next(b for b in edit.parentWidget().findChildren(QToolButton) if b.text() == "清空")
    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    assert editor.document()[key] is None
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    return edit


def calendar_button(editor: FormEditor, key: str) -> QToolButton:
    button = editor.findChild(QToolButton, f"{key}Calendar")
    assert button is not None, "no calendar button beside the field"
    return button


def type_date(qtbot, edit: QLineEdit, text: str) -> None:
    """ASCII through key events; 年月日 as an input method commits them (keyClicks knows only ASCII)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(edit, char)
        else:
            type_chinese(edit, char)


def field_error(editor: FormEditor, key: str) -> str:
    box = date_field(editor, key).parentWidget()
    return "\n".join(label.text() for label in box.findChildren(QLabel) if label.isVisible() and label.text())


@pytest.mark.parametrize("typed", ["2027-03-01", "2027/3/1", "20270301", "2027年3月1日"])
def test_a_date_typed_into_a_blank_field_is_stored_and_kept(open_editor, demo_store, qtbot, typed):
    record_id = form_id(demo_store, BIG)
    editor = open_editor(record_id)
    edit = blank_date_field(qtbot, editor, "start_date")
    type_date(qtbot, edit, typed)
    assert edit.text() == typed  # as typed while typing
    assert editor.document()["start_date"] == "2027-03-01"
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not edit
    assert edit.text() == "2027年3月1日"  # as the printed form writes it
    assert field_error(editor, "start_date") == ""
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL)
    assert demo_store.get_form(record_id).data["start_date"] == "2027-03-01"
    editor.close()
    again = open_editor(record_id)
    assert again.document()["start_date"] == "2027-03-01"
    assert date_field(again, "start_date").text() == "2027年3月1日"


def test_tab_leaves_an_empty_date_field_and_it_stays_empty(open_editor, demo_store, qtbot):
    record_id = form_id(demo_store, BIG)
    editor = open_editor(record_id)
    edit = blank_date_field(qtbot, editor, "start_date")
    assert edit.text() == "" and edit.placeholderText().startswith("未填写")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.field_binding("end_date").focus_widget
    assert edit.text() == "" and editor.document()["start_date"] is None
    assert field_error(editor, "start_date") == ""
    editor.close()
    assert demo_store.get_form(record_id).data["start_date"] is None


def test_the_calendar_of_a_blank_field_opens_in_the_forms_year(open_editor, demo_store, qtbot):
    editor = open_editor(form_id(demo_store, BIG))
    edit = blank_date_field(qtbot, editor, "start_date")
    start = start_of_blank(dt.date.today())
    qtbot.mouseClick(calendar_button(editor, "start_date"), Qt.MouseButton.LeftButton)
    calendar = editor.findChild(QCalendarWidget, "calendar")
    qtbot.waitUntil(calendar.isVisible)
    assert (calendar.yearShown(), calendar.monthShown()) == (YEAR, start.month)
    assert calendar.selectedDate().toPython() == start
    # → then Enter picks the next day, as the calendar's keys do
    days = calendar.findChild(QTableView)
    qtbot.keyClick(days, Qt.Key.Key_Right)
    qtbot.keyClick(days, Qt.Key.Key_Return)
    assert not calendar.isVisible()
    picked = start + dt.timedelta(days=1)
    assert editor.document()["start_date"] == picked.isoformat()
    assert edit.text() == dates.format_date(picked)


def test_the_calendar_of_a_filled_field_opens_at_its_date(open_editor, demo_store, qtbot):
    editor = open_editor(form_id(demo_store, BIG))
    assert editor.document()["end_date"] == f"{YEAR}-12-31"
    assert date_field(editor, "end_date").text() == f"{YEAR}年12月31日"
    qtbot.mouseClick(calendar_button(editor, "end_date"), Qt.MouseButton.LeftButton)
    calendar = editor.findChild(QCalendarWidget, "calendar")
    qtbot.waitUntil(calendar.isVisible)
    assert (calendar.yearShown(), calendar.monthShown()) == (YEAR, 12)
    qtbot.keyClick(calendar.findChild(QTableView), Qt.Key.Key_Escape)
    assert not calendar.isVisible() and editor.document()["end_date"] == f"{YEAR}-12-31"


def test_up_and_down_on_a_blank_field_start_in_the_forms_year(open_editor, demo_store, qtbot):
    editor = open_editor(form_id(demo_store, BIG))
    start = start_of_blank(dt.date.today())
    edit = blank_date_field(qtbot, editor, "start_date")
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert editor.document()["start_date"] == start.isoformat() and start.year == YEAR
    assert edit.text() == dates.format_date(start)
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert editor.document()["start_date"] == (start + dt.timedelta(days=1)).isoformat()
    edit = blank_date_field(qtbot, editor, "start_date")
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert editor.document()["start_date"] == start.isoformat()


def test_an_impossible_date_is_told_at_the_field_and_the_text_kept(open_editor, demo_store, qtbot):
    record_id = form_id(demo_store, BIG)
    editor = open_editor(record_id)
    edit = blank_date_field(qtbot, editor, "start_date")
    qtbot.keyClicks(edit, "2027-02-3")
    assert field_error(editor, "start_date") == ""  # half a date is not scolded while it is typed
    qtbot.keyClicks(edit, "0")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.text() == "2027-02-30"
    assert field_error(editor, "start_date") == "“2027-02-30”是不存在的日期，请核对月份和日"
    # no date is stored: the text is kept as typed, and the checks name it as an error until it is put right
    assert editor.document()["start_date"] == "2027-02-30"
    qtbot.waitUntil(lambda: any("2027-02-30" in line and "不存在" in line for line in dock_lines(editor)))
    editor.close()
    again = open_editor(record_id)
    edit = date_field(again, "start_date")
    assert edit.text() == "2027-02-30" and "不存在的日期" in field_error(again, "start_date")
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    qtbot.keyClicks(edit, "2027-02-28")
    assert field_error(again, "start_date") == "" and again.document()["start_date"] == "2027-02-28"


def test_a_frozen_forms_date_cannot_be_stepped_or_picked(open_editor, demo_store, qtbot):
    record = next(f for f in demo_store.list_forms() if f.form_id == "declaration" and not f.status.editable)
    editor = open_editor(record.id)
    edit = date_field(editor, "start_date")
    before = editor.document()["start_date"]
    assert edit.isReadOnly() and not calendar_button(editor, "start_date").isEnabled()
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert editor.document()["start_date"] == before


# --- 反馈意见函: 截止日期 from 书面意见反馈期限 ---------------------------------------------------


def test_a_handed_in_feedback_letter_shows_its_reply_deadline(open_editor, full_demo_store):
    letter = next(f for f in full_demo_store.list_forms(form_id="feedback_letter"))
    assert letter.status.label == "已报送" and letter.data["reply_deadline"] == "2026-03-20"
    editor = open_editor(letter.id)
    assert editor.findChild(QLabel, "dueLabel").text() == "截止 2026年3月20日（已报送）"


def test_a_feedback_letters_deadline_follows_the_typed_reply_deadline(open_editor, demo_store, qtbot):
    from perfdesk.domain.document import blank_document
    from perfdesk.domain.registry import get_form

    form = get_form("feedback_letter")
    unit_id = demo_store.list_forms()[0].unit_id
    record = demo_store.create_form(unit_id=unit_id, form_id=form.id, form_version=form.version, year=YEAR,
                                    title="测试反馈意见函", data=blank_document(form), amount=None)
    editor = open_editor(record.id)
    due = editor.findChild(QLabel, "dueLabel")
    assert due.text() == "截止日期：尚未确定（填写书面意见反馈期限后显示）"
    edit = date_field(editor, "reply_deadline")
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, "2027/3/20")
    days = (dt.date(2027, 3, 20) - dt.date.today()).days
    qtbot.waitUntil(lambda: due.text() == f"截止 2027年3月20日（{dates.days_left(days)}）")


# --- the year a new 事前评估表 and 考核评分表 start in -------------------------------------------------


@pytest.fixture
def window(full_demo_store, window):
    """The conftest's main window over 全部年度 with no form selected: the defaults alone decide the year."""
    window.set_year(None)
    settle(window)
    window.table.clearSelection()
    assert window.selected_year() is None and window.current_record() is None
    return window


def test_a_new_ex_ante_assessment_starts_in_next_budget_year(window, monkeypatch):
    from perfdesk.ui import new_form_dialogs

    offered = []

    def look(dialog):
        offered.append(dialog.year.value())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(new_form_dialogs.EvaluationFormDialog, "exec", look)
    trigger(window, "newExAnteAssessmentAction")
    next_year = dt.date.today().year + 1  # as 新建申报表: the budget being drawn up
    assert offered == [next_year]


def test_a_new_assessment_table_starts_in_the_year_due_next(window, monkeypatch):
    from perfdesk.ui import dialogs

    asked = []
    monkeypatch.setattr(dialogs, "ask_year", lambda parent, title, label, default: asked.append(default))
    trigger(window, "newAssessmentDepartmentAction")
    trigger(window, "newAssessmentCountyAction")
    today = dt.date.today()
    due_next = today.year - 1 if today <= dt.date(today.year, 1, 31) else today.year  # 第五十一条: 次年1月底前
    assert asked == [due_next, due_next]
