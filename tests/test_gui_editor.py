"""The declaration editor, driven through its real widgets on the demo forms: sections, totals, amount
entry, live checks, undo/redo, autosave, finance-only cells, explanations, the indicator picker, help."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
)

from perfdesk.store import StoreError  # noqa: E402
from perfdesk.ui.editor import DeclarationEditor  # noqa: E402
from gui_support import dock_lines, type_chinese  # noqa: E402

YEAR = 2027
BIG = f"{YEAR}年教师能力提升培训专项"  # 60 indicators, passes every check
CAMERAS = f"{YEAR}年校园安全监控系统建设"  # sums disagree; implausible telephone (a warning)
COUNTY = f"{YEAR}年高标准农田建设项目"  # 申报的必要性 left blank
SECTIONS = ["支出基本情况", "支出立项情况", "资金情况", "绩效目标情况", "长期绩效指标", "年度绩效指标",
            "评价情况", "审核意见", "填报信息"]
THIS_YEAR = 2  # column of 本年度申请资金 in 支出明细预算
CTRL = Qt.KeyboardModifier.ControlModifier


def form_id(store, title: str) -> int:
    return next(f.id for f in store.list_forms() if f.title == title)


@pytest.fixture
def open_editor(demo_store, open_editor):
    """The conftest's editors, on the demo's declarations."""
    return open_editor




def expense_view(editor) -> QTableView:
    return editor.findChild(QTableView, "expense_detailsTable")


def edit_cell(qtbot, view: QTableView, row: int, column: int, text: str, commit: bool = True) -> QLineEdit:
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    cell_editor = view.indexWidget(index)
    assert isinstance(cell_editor, QLineEdit)
    cell_editor.selectAll()
    qtbot.keyClicks(cell_editor, text)
    if commit:
        commit_cell(qtbot, view, cell_editor)
    return cell_editor


def commit_cell(qtbot, view: QTableView, cell_editor: QLineEdit) -> None:
    qtbot.keyClick(cell_editor, Qt.Key.Key_Return)
    # the delegate commits through a queued call
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def visible_errors(part) -> str:
    return "\n".join(label.text() for label in part.findChildren(QLabel, "amountError") if label.isVisible())


# --- opening the 60-indicator form --------------------------------------------------------

def test_sections_follow_the_printed_order(open_editor):
    editor = open_editor(BIG)
    assert editor.windowTitle() == f"{BIG} – 预算支出绩效目标申报表"
    nav = editor.findChild(QListWidget, "sectionList")
    assert [nav.item(i).text() for i in range(nav.count())] == SECTIONS
    boxes = sorted(editor.findChildren(QGroupBox), key=lambda b: b.mapTo(editor, b.rect().topLeft()).y())
    assert [b.title() for b in boxes] == SECTIONS


def test_navigation_list_scrolls_to_a_section(open_editor, qtbot):
    editor = open_editor(BIG)
    nav = editor.findChild(QListWidget, "sectionList")
    bar = editor.scroll.verticalScrollBar()
    annual = next(b for b in editor.findChildren(QGroupBox) if b.title() == "年度绩效指标")
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(nav.item(5)).center())
    assert bar.value() == annual.y()
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(nav.item(8)).center())
    assert bar.value() == bar.maximum() and nav.currentItem().text() == "填报信息"


def test_totals_and_indicator_rows(open_editor):
    editor = open_editor(BIG)
    assert editor.findChild(QLabel, "expenseTotal").text() == "合计：上年度资金 64.00 万元，本年度申请资金 120.00 万元"
    assert "本年度申请资金 120.00 万元" in editor.findChild(QLabel, "fundTotal").text()
    rows = [len(editor.table_editor(k).row_items()) for k in ("long_term_indicators", "annual_indicators")]
    assert rows == [30, 30] and sum(rows) == 60
    assert dock_lines(editor) == ["未发现问题"]
    assert editor.findChild(type(editor.checks_dock), "checksDock").windowTitle() == "校验结果（错误 0，警告 0，提示 0）"


def test_tab_order_follows_the_printed_table(open_editor, qtbot):
    editor = open_editor(BIG)
    order = []
    widget = editor.field_binding("project_name").focus_widget
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    for _ in range(4):
        order.append(QApplication.focusWidget().objectName())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert order == ["project_name", "supervisor_code", "applicant_name", "applicant_head"]


# --- amounts and the live checks ----------------------------------------------------------

def test_bad_amount_is_kept_marked_and_reported(open_editor, qtbot):
    editor = open_editor(BIG)
    view = expense_view(editor)
    part = editor.table_editor("expense_details")
    cell_editor = edit_cell(qtbot, view, 0, THIS_YEAR, "12.3.4", commit=False)
    assert "不是有效的金额" in visible_errors(part)  # while typing
    assert "border" in cell_editor.styleSheet()
    commit_cell(qtbot, view, cell_editor)
    assert editor.document()["expense_details"][0]["this_year"] == "12.3.4"  # nothing typed is lost
    index = view.model().index(0, THIS_YEAR)
    assert index.data() == "12.3.4"
    assert "不是有效的金额" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "第1行本年度申请资金：“12.3.4”不是有效的金额" in visible_errors(part)
    qtbot.waitUntil(lambda: any(f.field == "expense_details.0.this_year" for f in editor.checks_dock.findings()))
    assert any(line.startswith("错误 — 支出明细预算第1行·本年度申请资金：“12.3.4”不是有效的金额")
               for line in dock_lines(editor))


def test_amount_field_keeps_invalid_text_and_shows_why(open_editor, qtbot):
    from perfdesk.domain.formdef import FieldDef
    from perfdesk.ui.editor.field_widgets import make_binding

    editor = open_editor(BIG)
    binding = make_binding(FieldDef("budget", "预算金额", type="amount", help="万元"), editor.model, editor.keys, "unit")
    qtbot.addWidget(binding.widget)
    binding.widget.show()
    qtbot.keyClicks(binding.edit, "12.3.4")
    error = binding.widget.findChild(QLabel, "amountError")
    assert error.isVisible() and "不是有效的金额" in error.text()
    assert binding.edit.text() == "12.3.4" and editor.document()["budget"] == "12.3.4"
    binding.edit.clear()
    type_chinese(binding.edit, "１２．5")  # full-width digits come from an input method
    assert not error.isVisible() and editor.document()["budget"] == "12.5"


def test_sums_disagree_then_agree_again(open_editor, qtbot):
    editor = open_editor(BIG)
    view = expense_view(editor)
    edit_cell(qtbot, view, 0, THIS_YEAR, "20")
    assert editor.findChild(QLabel, "expenseTotal").text().endswith("本年度申请资金 128.50 万元")
    qtbot.waitUntil(lambda: any("不相等" in line and line.startswith("错误") for line in dock_lines(editor)))
    assert editor.checks_dock.windowTitle() == "校验结果（错误 1，警告 0，提示 0）"
    edit_cell(qtbot, view, 0, THIS_YEAR, "11.50")
    qtbot.waitUntil(lambda: not any("不相等" in line for line in dock_lines(editor)))
    assert dock_lines(editor) == ["未发现问题"]


def test_fund_parent_left_blank_shows_the_sum_of_its_children(open_editor, qtbot):
    editor = open_editor(BIG)
    view = editor.findChild(QTableView, "fund_sourcesTable")
    parent = view.model().index(0, 2)  # 一、公共预算资金 · 本年度申请资金, blank in the document
    assert editor.document()["fund_sources"]["public_budget"]["this_year"] is None
    assert parent.data() == "120.00"
    assert parent.data(Qt.ItemDataRole.ForegroundRole) is not None  # grey: computed, not typed
    edit_cell(qtbot, view, 2, 2, "5")  # 2、行政事业性收费
    assert view.model().index(0, 2).data() == "125.00"
    assert "本年度申请资金 125.00 万元" in editor.findChild(QLabel, "fundTotal").text()


# --- undo and redo ------------------------------------------------------------------------

def test_typing_is_one_undo_step_and_redo_reapplies(open_editor, qtbot):
    editor = open_editor(BIG)
    edit = editor.field_binding("project_name").focus_widget
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.end(False)
    qtbot.keyClicks(edit, "ABC")
    assert edit.text() == f"{BIG}ABC" and editor.document()["project_name"] == f"{BIG}ABC"
    assert editor.undo_stack().count() == 1  # three keystrokes, one step
    qtbot.keyClick(edit, Qt.Key.Key_Z, CTRL)  # the form-wide undo, not the line edit's own
    assert edit.text() == BIG and editor.document()["project_name"] == BIG
    qtbot.keyClick(edit, Qt.Key.Key_Y, CTRL)
    assert edit.text() == f"{BIG}ABC" and editor.document()["project_name"] == f"{BIG}ABC"
    qtbot.keyClick(edit, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(edit, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert editor.document()["project_name"] == f"{BIG}ABC"
    undo_action = next(a for a in editor.menuBar().actions() if a.text() == "编辑(&E)").menu().actions()[0]
    assert undo_action.text() == "撤销 修改“支出名称”"


def test_leaving_a_field_starts_a_new_undo_step(open_editor, qtbot):
    editor = open_editor(BIG)
    edit = editor.field_binding("applicant_head").focus_widget
    edit.setFocus()
    qtbot.keyClicks(edit, "A")
    editor.field_binding("preparer").focus_widget.setFocus()
    qtbot.waitUntil(lambda: not edit.hasFocus())
    edit.setFocus()
    qtbot.keyClicks(edit, "B")
    assert editor.undo_stack().count() == 2
    editor.undo_stack().undo()
    assert edit.text() == "王建国A"


def test_undo_across_add_row_and_a_table_edit(open_editor, qtbot):
    editor = open_editor(BIG)
    part = editor.table_editor("expense_details")
    view = expense_view(editor)
    qtbot.mouseClick(part.findChild(QPushButton, "addRow"), Qt.MouseButton.LeftButton)
    assert len(editor.document()["expense_details"]) == 9
    edit_cell(qtbot, view, 8, THIS_YEAR, "3.5")
    assert editor.document()["expense_details"][8]["this_year"] == "3.5"
    assert editor.findChild(QLabel, "expenseTotal").text().endswith("123.50 万元")
    editor.undo_action.trigger()
    assert editor.document()["expense_details"][8]["this_year"] is None
    editor.undo_action.trigger()
    assert len(editor.document()["expense_details"]) == 8 and view.model().rowCount() == 8
    assert editor.findChild(QLabel, "expenseTotal").text().endswith("120.00 万元")
    editor.redo_action.trigger()
    editor.redo_action.trigger()
    assert view.model().index(8, THIS_YEAR).data() == "3.50"  # shown as printed; kept as typed


def test_rows_move_and_remove_as_undoable_steps(open_editor, qtbot):
    editor = open_editor(BIG)
    part = editor.table_editor("schedule")
    view = editor.findChild(QTableView, "scheduleTable")
    first = editor.document()["schedule"][0]["content"]
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.mouseClick(part.findChild(QPushButton, "moveDown"), Qt.MouseButton.LeftButton)
    assert editor.document()["schedule"][1]["content"] == first
    assert view.currentIndex().row() == 1
    qtbot.mouseClick(part.findChild(QPushButton, "removeRow"), Qt.MouseButton.LeftButton)
    assert [r["content"] for r in editor.document()["schedule"]].count(first) == 0
    editor.undo_stack().undo()
    editor.undo_stack().undo()
    assert editor.document()["schedule"][0]["content"] == first


def test_dates_in_a_table_are_typed_and_kept_as_iso(open_editor, qtbot):
    editor = open_editor(BIG)
    view = editor.findChild(QTableView, "scheduleTable")
    edit_cell(qtbot, view, 0, 1, "2027/2/1")
    assert editor.document()["schedule"][0]["start"] == "2027-02-01"
    assert view.model().index(0, 1).data() == "2027年2月1日"  # shown as printed
    edit_cell(qtbot, view, 0, 2, "2027-02-30")
    assert editor.document()["schedule"][0]["end"] == "2027-02-30"  # kept, marked, reported
    assert "第1行完成时间：“2027-02-30”" in visible_errors(editor.table_editor("schedule"))  # why: the domain's words


def test_prior_evaluation_grades_are_picked_from_a_list(open_editor, qtbot):
    editor = open_editor(BIG)
    view = editor.findChild(QTableView, "prior_evaluationsTable")
    assert view.model().rowCount() == 3
    assert editor.table_editor("prior_evaluations").findChild(QPushButton, "addRow") is None  # fixed rows
    index = view.model().index(0, 3)  # 专家评定, blank in the demo
    view.setCurrentIndex(index)
    view.edit(index)
    combo = view.indexWidget(index)
    assert [combo.itemText(i) for i in range(combo.count())] == ["", "优", "良", "中", "差"]
    combo.setCurrentIndex(combo.findText("中"))
    combo.activated.emit(combo.currentIndex())
    assert editor.document()["prior_evaluations"][0]["expert_grade"] == "中"


def test_ctrl_s_commits_a_cell_still_being_edited(open_editor, demo_store, qtbot):
    editor = open_editor(BIG, autosave_ms=60_000)
    cell_editor = edit_cell(qtbot, expense_view(editor), 1, THIS_YEAR, "13", commit=False)
    qtbot.keyClick(cell_editor, Qt.Key.Key_S, CTRL)
    assert demo_store.get_form(form_id(demo_store, BIG)).data["expense_details"][1]["this_year"] == "13"


# --- fields -------------------------------------------------------------------------------

def test_tick_boxes_are_exclusive_and_clear_on_a_second_click(open_editor, qtbot):
    editor = open_editor(BIG)
    basic = editor.findChild(QCheckBox, "expense_type:基本支出")
    project = editor.findChild(QCheckBox, "expense_type:项目支出")
    assert project.isChecked() and not basic.isChecked()
    qtbot.mouseClick(basic, Qt.MouseButton.LeftButton)
    assert basic.isChecked() and not project.isChecked()
    assert editor.document()["expense_type"] == "基本支出"
    qtbot.mouseClick(basic, Qt.MouseButton.LeftButton)
    assert not basic.isChecked() and editor.document()["expense_type"] is None


def test_sub_type_options_follow_the_project_type(open_editor, qtbot):
    editor = open_editor(BIG)
    subtypes = lambda: [t.text() for t in editor.field_binding("project_subtype").ticks()]  # noqa: E731
    assert subtypes() == ["购置", "维修（护）", "会议（培训）"]
    qtbot.mouseClick(editor.findChild(QCheckBox, "project_type:经济建设类"), Qt.MouseButton.LeftButton)
    # the stored 维修（护） is no longer an option: still shown (ticked) so it can be cleared
    assert subtypes() == ["新建", "扩建", "改建", "维修（护）"]
    qtbot.waitUntil(lambda: any("项目支出类型（其中）" in line for line in dock_lines(editor)))
    editor.undo_stack().undo()
    assert subtypes() == ["购置", "维修（护）", "会议（培训）"]


def test_date_can_be_left_blank(open_editor, qtbot):
    editor = open_editor(BIG)
    date_edit = editor.field_binding("start_date").focus_widget
    assert date_edit.text() == f"{YEAR}年1月1日"
    editor.set_value("start_date", None)
    assert date_edit.text() == ""
    editor.undo_stack().undo()
    assert date_edit.text() == f"{YEAR}年1月1日"
    date_edit.setFocus()
    qtbot.waitUntil(date_edit.hasFocus)
    date_edit.selectAll()
    qtbot.keyClicks(date_edit, f"{YEAR}-01-31")
    assert editor.document()["start_date"] == f"{YEAR}-01-31"


def test_longtext_tab_moves_focus(open_editor, qtbot):
    editor = open_editor(BIG)
    text = editor.field_binding("basis").focus_widget
    assert isinstance(text, QPlainTextEdit)
    text.setFocus()
    qtbot.waitUntil(text.hasFocus)
    qtbot.keyClick(text, Qt.Key.Key_Tab)
    assert "\t" not in text.toPlainText()
    assert QApplication.focusWidget() is editor.field_binding("feasibility").focus_widget


# --- saving -------------------------------------------------------------------------------

def test_autosave_then_reopen(open_editor, demo_store, qtbot):
    editor = open_editor(BIG, autosave_ms=200)
    record_id = form_id(demo_store, BIG)
    before = len(demo_store.revisions(record_id))
    edit = editor.field_binding("necessity").focus_widget
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    with qtbot.waitSignal(editor.saved, timeout=3000) as saved:
        type_chinese(edit, "急需")
    assert saved.args == [record_id]
    qtbot.waitUntil(lambda: demo_store.get_form(record_id).data["necessity"].endswith("急需"))
    assert editor.findChild(QLabel, "saveStatus").text().startswith("已自动保存 ")
    assert len(demo_store.revisions(record_id)) > before
    editor.close()
    again = open_editor(BIG)
    assert again.field_binding("necessity").focus_widget.toPlainText().endswith("急需")


def test_ctrl_s_saves_and_close_saves_pending_changes(open_editor, demo_store, qtbot):
    editor = open_editor(BIG, autosave_ms=60_000)
    record_id = form_id(demo_store, BIG)
    edit = editor.field_binding("preparer").focus_widget
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, "X")
    qtbot.keyClick(edit, Qt.Key.Key_S, CTRL)
    assert demo_store.get_form(record_id).data["preparer"] == "刘晓燕X"
    assert editor.findChild(QLabel, "saveStatus").text().startswith("已保存 ")
    qtbot.keyClicks(edit, "Y")
    qtbot.keyClick(edit, Qt.Key.Key_W, CTRL)  # close: the pending change is saved first
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert demo_store.get_form(record_id).data["preparer"] == "刘晓燕XY"


def test_save_failure_keeps_the_data(open_editor, demo_store, qtbot, monkeypatch):
    editor = open_editor(BIG, autosave_ms=60_000)
    editor.set_value("project_name", "改名后的项目")

    def broken(*args, **kwargs):
        raise StoreError("数据库文件被占用")

    monkeypatch.setattr(demo_store, "save_form", broken)
    assert editor.save() is False
    assert "保存失败：数据库文件被占用" in editor.findChild(QLabel, "saveStatus").text()
    assert editor.document()["project_name"] == "改名后的项目" and editor.has_unsaved_changes()
    monkeypatch.undo()
    assert editor.save() is True
    record = demo_store.get_form(form_id(demo_store, "改名后的项目"))
    assert record.status.label == "已校验"
    assert editor.windowTitle() == "改名后的项目 – 预算支出绩效目标申报表"


# --- roles --------------------------------------------------------------------------------

def test_finance_only_cells_and_fields_follow_the_role(open_editor):
    unit = open_editor(BIG)
    model = unit.findChild(QTableView, "fund_sourcesTable").model()
    actual = model.index(1, 3)  # 1、经费拨款 · 本年度实际安排资金
    assert model.headerData(3, Qt.Orientation.Horizontal).startswith("本年度实际安排资金")
    assert not model.flags(actual) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(1, 2)) & Qt.ItemFlag.ItemIsEditable
    opinion = unit.field_binding("finance_dept_opinion").focus_widget
    assert not opinion.isEnabled() and opinion.toolTip() == "由财政部门填写"

    finance = open_editor(BIG, role="finance")
    model = finance.findChild(QTableView, "fund_sourcesTable").model()
    assert model.flags(model.index(1, 3)) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(model.index(1, 3), "118")
    assert finance.document()["fund_sources"]["appropriation"]["actual"] == "118"
    assert finance.field_binding("finance_dept_opinion").focus_widget.isEnabled()


# --- the checks dock ----------------------------------------------------------------------

def test_double_clicking_a_finding_focuses_its_field(open_editor, qtbot):
    editor = open_editor(COUNTY)
    view = editor.findChild(QListWidget, "checksList")
    row = next(i for i, line in enumerate(dock_lines(editor)) if "申报的必要性为必填项" in line)
    target = editor.field_binding("necessity").focus_widget
    assert not target.hasFocus()
    centre = view.visualItemRect(view.item(row)).center()
    # a real double-click starts with a press: item views only act on a double-click of the pressed item
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(target.hasFocus)
    assert isinstance(QApplication.focusWidget(), QPlainTextEdit)
    assert editor.findChild(QListWidget, "sectionList").currentItem().text() == "支出立项情况"


def test_f8_walks_the_findings(open_editor, qtbot):
    editor = open_editor(CAMERAS)
    assert editor.checks_dock.windowTitle() == "校验结果（错误 1，警告 1，提示 0）"
    start = editor.field_binding("project_name").focus_widget
    start.setFocus()
    qtbot.keyClick(start, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: editor.findChild(QTableView, "fund_sourcesTable").hasFocus())  # 不相等
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.field_binding("applicant_phone").focus_widget)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: editor.findChild(QTableView, "fund_sourcesTable").hasFocus())


def test_warning_explained_in_place(open_editor, qtbot):
    editor = open_editor(CAMERAS)
    assert any(line.startswith("警告 — 申报单位联系电话：“2021”不像有效的电话号码") and "已说明" not in line
               for line in dock_lines(editor))
    edit = editor.checks_dock.findChild(QLineEdit, "explanationEdit")
    assert edit.placeholderText() == "请填写说明…"
    edit.setFocus()
    type_chinese(edit, "单位总机分机号")
    assert editor.document()["_explanations"] == {"phone:applicant_phone": "单位总机分机号"}
    qtbot.waitUntil(lambda: any(line.startswith("警告 — 申报单位联系电话") and line.endswith("（已说明：单位总机分机号）")
                                for line in dock_lines(editor)))
    assert editor.checks_dock.findChild(QLineEdit, "explanationEdit") is edit  # kept while typing
    assert edit.hasFocus()
    explained = [f for f in editor.findings() if f.code == "phone:applicant_phone"]
    assert explained[0].explanation == "单位总机分机号"
    editor.undo_stack().undo()  # one step for the whole explanation
    assert "_explanations" not in editor.document()
    qtbot.waitUntil(lambda: not any("已说明" in line for line in dock_lines(editor)))
    assert edit.text() == ""


# --- indicators ---------------------------------------------------------------------------

def test_common_indicator_picker_adds_under_the_chosen_level(open_editor, qtbot):
    editor = open_editor(BIG)
    part = editor.table_editor("annual_indicators")
    quality = part.level2_item("产出指标", "质量指标")
    before = quality.childCount()
    part.tree.setCurrentItem(quality)
    qtbot.mouseClick(part.findChild(QPushButton, "commonIndicators"), Qt.MouseButton.LeftButton)
    picker = part.findChild(QDialog, "indicatorPicker")
    assert picker is not None and picker.isVisible()
    assert picker.levels() == ("产出指标", "质量指标")
    common = picker.findChild(QListWidget, "commonList")
    assert 4 <= common.count() <= 8
    common.item(0).setSelected(True)
    qtbot.mouseClick(picker.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    quality = part.level2_item("产出指标", "质量指标")
    assert quality.childCount() == before + 1
    added = quality.child(quality.childCount() - 1)
    assert (added.text(0), added.text(1), added.text(2)) == ("验收合格率", "定量", "100%")
    rows = editor.document()["annual_indicators"]
    assert len(rows) == 31
    index = added.data(0, Qt.ItemDataRole.UserRole + 1)
    assert rows[index] == {"level1": "产出指标", "level2": "质量指标", "content": "验收合格率", "kind": "定量",
                           "value": "100%", "note": None}
    assert [r["level1"] for r in rows] == sorted((r["level1"] for r in rows), key=["产出指标", "效益指标",
                                                                                 "服务对象满意度指标"].index)
    editor.undo_stack().undo()
    assert part.level2_item("产出指标", "质量指标").childCount() == before


def test_common_indicators_cover_every_second_level(form):
    from perfdesk.domain.rules import is_quantitative_value
    from perfdesk.ui.editor.indicator_picker import common_indicators

    common = common_indicators()
    for level1, level2s in form.tables["annual_indicators"].taxonomy:
        for level2 in level2s:
            rows = common[(level1, level2)]
            assert 4 <= len(rows) <= 8, (level1, level2)
            for row in rows:
                assert row["kind"] in ("定量", "定性") and row["content"] and row["value"]
                assert row["kind"] == "定性" or is_quantitative_value(row["value"]), row


def test_add_and_remove_an_indicator_under_a_chosen_level(open_editor, qtbot):
    editor = open_editor(BIG)
    part = editor.table_editor("long_term_indicators")
    environment = part.level2_item("效益指标", "环境效益指标")
    before = environment.childCount()
    part.tree.setCurrentItem(environment)
    qtbot.mouseClick(part.findChild(QPushButton, "addIndicator"), Qt.MouseButton.LeftButton)
    environment = part.level2_item("效益指标", "环境效益指标")
    assert environment.childCount() == before + 1
    new = part.tree.currentItem()
    assert new.parent() is environment and new.text(1) == "定量"
    index = new.data(0, Qt.ItemDataRole.UserRole + 1)
    rows = editor.document()["long_term_indicators"]
    assert rows[index]["level2"] == "环境效益指标" and rows[index - 1]["level2"] == "环境效益指标"
    new.setText(0, "节能降耗率")
    assert editor.document()["long_term_indicators"][index]["content"] == "节能降耗率"
    qtbot.mouseClick(part.findChild(QPushButton, "removeIndicator"), Qt.MouseButton.LeftButton)
    assert part.level2_item("效益指标", "环境效益指标").childCount() == before
    assert len(editor.document()["long_term_indicators"]) == 30


def test_indicator_cell_edit_and_move_within_its_group(open_editor, qtbot):
    editor = open_editor(BIG)
    part = editor.table_editor("long_term_indicators")
    first = part.row_items()[0]
    first.setText(2, "≥900人次")  # as the item delegate does when the clerk edits the cell
    assert editor.document()["long_term_indicators"][0]["value"] == "≥900人次"
    part.tree.setCurrentItem(part.row_items()[0])
    qtbot.mouseClick(part.findChild(QPushButton, "moveDown"), Qt.MouseButton.LeftButton)
    rows = editor.document()["long_term_indicators"]
    assert rows[1]["value"] == "≥900人次" and rows[0]["level2"] == rows[1]["level2"] == "数量指标"
    editor.undo_stack().undo()
    editor.undo_stack().undo()
    assert editor.document()["long_term_indicators"][0]["value"] == "≥800人次"


# --- help ---------------------------------------------------------------------------------

def test_help_panel_shows_the_focused_fields_instructions(open_editor, qtbot):
    editor = open_editor(BIG)
    panel = editor.findChild(QTextBrowser, "helpPanel")
    widget = editor.field_binding("unit_functions").focus_widget
    assert widget.toolTip() == "单位职能概述：填写单位性质、职能、编制、人员情况等相关信息。"
    widget.setFocus()
    qtbot.waitUntil(lambda: "填写单位性质、职能、编制、人员情况" in panel.toPlainText())
    assert panel.toPlainText().startswith("单位职能概述")
    view = expense_view(editor)
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 3))
    qtbot.waitUntil(lambda: "测算依据及说明：需要填列" in panel.toPlainText())


# --- the undo stack as a whole ------------------------------------------------------------

def _random_edits(form, doc, draw_int, draw_bool, count: int) -> list[tuple]:
    """Edits of every kind on real paths of the document: values, rows, moves, explanations."""
    tables = ["expense_details", "schedule", "long_term_indicators"]
    edits = []
    for step in range(count):
        kind = draw_int(0, 4)
        table = tables[draw_int(0, len(tables) - 1)]
        column = form.tables[table].columns[draw_int(0, len(form.tables[table].columns) - 1)].key
        index = draw_int(0, 12)
        if kind == 0:
            field = list(form.fields)[draw_int(0, len(form.fields) - 1)]
            edits.append(("set", field, None if draw_bool() else f"v{step}", draw_bool()))
        elif kind == 1:
            edits.append(("set", f"{table}.{index}.{column}", f"{step}.5" if draw_bool() else "1.2.3", draw_bool()))
        elif kind == 2:
            edits.append(("add", table, index))
        elif kind == 3:
            edits.append(("remove", table, index) if draw_bool() else ("swap", table, index, draw_int(0, 12)))
        else:
            edits.append(("explain", "phone:applicant_phone", f"说明{step}" if draw_bool() else "", draw_bool()))
    return edits


def _apply(model, edits) -> None:
    for edit in edits:
        if edit[0] == "set":
            if edit[1].count(".") and int(edit[1].split(".")[1]) >= len(model.rows(edit[1].split(".")[0])):
                continue  # no such row (yet)
            model.set_value(edit[1], edit[2], typing=edit[3])
        elif edit[0] == "add":
            model.add_row(edit[1], edit[2], {"name": None})
        elif edit[0] == "remove":
            model.remove_row(edit[1], edit[2])
        elif edit[0] == "swap":
            model.swap_rows(edit[1], edit[2], edit[3])
        else:
            model.set_explanation(edit[1], edit[2], typing=edit[3])


def test_undo_all_restores_the_document_and_redo_all_replays_it(qapp, form, big_doc):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from perfdesk.ui.editor.document_model import DocumentModel

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def check(data):
        model = DocumentModel(form, big_doc)
        edits = _random_edits(form, big_doc, lambda a, b: data.draw(st.integers(a, b)),
                              lambda: data.draw(st.booleans()), data.draw(st.integers(1, 25)))
        _apply(model, edits)
        final = model.document()
        while model.undo_stack.canUndo():
            model.undo_stack.undo()
        assert model.document() == big_doc
        while model.undo_stack.canRedo():
            model.undo_stack.redo()
        assert model.document() == final

    check()


def test_set_value_refuses_a_row_that_does_not_exist(qapp, form, big_doc):
    from perfdesk.ui.editor.document_model import DocumentModel

    model = DocumentModel(form, big_doc)
    with pytest.raises(ValueError):
        model.set_value("expense_details.8.name", "x")
    model.set_value("fund_sources.appropriation.actual", "1")  # tree rows are dicts: fine
    assert model.undo_stack.count() == 1


def test_widgets_follow_random_edits_and_their_undo(open_editor, form, big_doc):
    import random

    editor = open_editor(BIG, autosave_ms=60_000)
    rng = random.Random(20271)
    _apply(editor.model, _random_edits(form, big_doc, rng.randint, lambda: rng.random() < 0.5, 80))
    rows = lambda key: len(editor.document()[key])  # noqa: E731
    assert expense_view(editor).model().rowCount() == rows("expense_details")
    assert len(editor.table_editor("long_term_indicators").row_items()) == rows("long_term_indicators")
    assert editor.field_binding("project_name").focus_widget.text() == (editor.document()["project_name"] or "")
    while editor.undo_stack().canUndo():
        editor.undo_stack().undo()
    assert editor.document() == big_doc
    assert editor.field_binding("project_name").focus_widget.text() == BIG
    assert expense_view(editor).model().rowCount() == 8
    assert editor.findChild(QLabel, "expenseTotal").text() == "合计：上年度资金 64.00 万元，本年度申请资金 120.00 万元"


def test_print_preview_from_the_editor_shows_the_saved_form(qtbot, demo_store):
    """打印预览 in the editor saves what was typed and previews the very PDF export writes (Ctrl+P prints)."""
    import io

    from pypdf import PdfReader
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDialog

    from perfdesk.app.operations import render

    record = next(f for f in demo_store.list_forms() if f.title == "2027年校舍维修改造项目")
    editor = DeclarationEditor(demo_store, record.id, autosave_ms=60_000)
    qtbot.addWidget(editor)
    editor.set_value("other_notes", "预览前的修改")
    action = editor.findChild(QAction, "previewAction")
    assert editor.findChild(QAction, "printAction").shortcut().toString() == "Ctrl+P"
    action.trigger()
    preview = editor.findChild(QDialog, "printPreview")
    assert preview is not None and preview.isVisible()
    stored = demo_store.get_form(record.id)
    assert stored.data["other_notes"] == "预览前的修改"  # saved before previewing
    pdf = render(demo_store, stored).pdf
    assert "预览前的修改" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
    assert preview.page_count() == len(PdfReader(io.BytesIO(pdf)).pages)
    preview.close()
