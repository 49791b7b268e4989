"""The form editor on every form kind, driven through its real widgets: the monitoring tables (period,
computed rates, 绩效预警, due date), the evaluation report (scores, 综合得分), the prose forms and the
monitoring report's regeneration, autosave and undo on a monitoring table."""

from __future__ import annotations

import copy
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableView,
)

from perfdesk.demo.demo_forms import evaluation_report, load_monitoring_demo  # noqa: E402
from perfdesk.domain.document import blank_document  # noqa: E402
from perfdesk.domain.monitoring import report_figures  # noqa: E402
from perfdesk.domain.registry import get_form  # noqa: E402
from perfdesk.app.operations import save_document  # noqa: E402
from perfdesk.ui.editor import DeclarationEditor, FormEditor  # noqa: E402
from perfdesk.ui.editor.window import CHECK_DELAY_MS  # noqa: E402
from gui_support import dock_lines, type_chinese  # noqa: E402

YEAR = 2026
ON_TRACK = f"{YEAR}年校舍维修改造项目（{YEAR}年1-6月监控）"  # city 75 万元: issued 75, spent 40
LATE = f"{YEAR}年高标准农田建设项目（{YEAR}年1-6月监控）"  # spending behind, 完全不可能 without measures
KINDS = ["declaration", "project_monitoring", "dept_monitoring", "monitoring_report", "self_report",
         "feedback_letter", "rectification", "evaluation_report"]
CITY = 3  # row of 市级财政资金 in 项目资金预算安排及执行进度


@pytest.fixture
def forms(demo_store):
    """The demo's July monitoring of 2026, and one form of each kind the demo does not make."""
    load_monitoring_demo(demo_store, YEAR)
    unit_id = demo_store.list_forms(form_id="project_monitoring")[0].unit_id
    made = {}
    for kind in ("evaluation_report", "self_report", "feedback_letter", "rectification"):
        form = get_form(kind)
        data = evaluation_report(YEAR) if kind == "evaluation_report" else blank_document(form)
        if kind == "feedback_letter":
            data.update(issue_date=f"{YEAR}-03-01", reply_deadline=f"{YEAR}-03-20")
        record = demo_store.create_form(unit_id=unit_id, form_id=kind, form_version=form.version, year=YEAR,
                                        title=f"测试{form.name}", data=data, amount=None)
        made[kind] = record.id
    return demo_store, made


def by_title(store, title: str) -> int:
    return next(f.id for f in store.list_forms() if f.title == title)


def alert_lines(editor) -> list[str]:
    view = editor.findChild(QListWidget, "alertsList")
    return [view.item(i).text() for i in range(view.count())]


def edit_cell(qtbot, view: QTableView, row: int, column: int, text: str) -> None:
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    cell_editor = view.indexWidget(index)
    assert isinstance(cell_editor, QLineEdit)
    cell_editor.selectAll()
    qtbot.keyClicks(cell_editor, text)
    qtbot.keyClick(cell_editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def edit_tree_cell(qtbot, part, leaf, column: int, text: str, chinese: bool = False) -> None:
    """Type into an indicator cell through the tree's own cell editor."""
    part.tree.setCurrentItem(leaf, column)
    part.tree.editItem(leaf, column)
    cell_editor = part.tree.indexWidget(part.tree.currentIndex())
    assert isinstance(cell_editor, QLineEdit) and cell_editor.objectName() == f"cellEditor:{part.columns[column]}"
    cell_editor.selectAll()
    if chinese:
        cell_editor.del_()
        type_chinese(cell_editor, text)
    else:
        qtbot.keyClicks(cell_editor, text)
    qtbot.keyClick(cell_editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: part.tree.state() != QAbstractItemView.State.EditingState)


def choose_period(editor, months: str) -> None:
    combo = editor.findChild(QComboBox, "period_months")
    combo.setCurrentIndex(combo.findData(months))
    combo.activated.emit(combo.currentIndex())


# --- every kind opens ----------------------------------------------------------------------

def test_every_form_kind_opens_with_its_name(open_editor, forms):
    store, made = forms
    assert DeclarationEditor is FormEditor
    first = {kind: next(f.id for f in store.list_forms(form_id=kind)) for kind in KINDS if kind not in made}
    for kind in KINDS:
        record_id = made.get(kind) or first[kind]
        editor = open_editor(record_id)
        form = get_form(kind)
        assert editor.windowTitle() == f"{store.get_form(record_id).title} – {form.name}"
        nav = editor.findChild(QListWidget, "sectionList")
        assert nav.count() >= 2
        assert all(editor.field_binding(k) for k in form.fields)  # every field has its widget
        assert all(editor.table_editor(k) for k in form.tables)
        editor.close()


def test_prose_forms_follow_their_headings(open_editor, forms):
    store, made = forms
    editor = open_editor(made["self_report"])
    nav = editor.findChild(QListWidget, "sectionList")
    titles = [nav.item(i).text() for i in range(nav.count())]
    assert titles[:3] == ["基本信息", "一、单位基本情况", "二、项目主要内容"]
    assert "六、项目绩效结果自我评价" in titles
    assert isinstance(editor.field_binding("comparison").focus_widget, QPlainTextEdit)
    report = open_editor(next(f.id for f in store.list_forms(form_id="monitoring_report")))
    nav = report.findChild(QListWidget, "sectionList")
    assert [nav.item(i).text() for i in range(nav.count())][1:3] == ["一、项目（部门）基本情况",
                                                                     "二、预算执行和绩效目标实现情况分析"]
    nav.setCurrentRow(4)  # 四、绩效监控结果分析
    assert report.scroll.verticalScrollBar().value() > 0


def test_feedback_letter_and_rectification_show_their_deadline(open_editor, forms, qtbot):
    _store, made = forms
    letter = open_editor(made["feedback_letter"])
    assert letter.findChild(QLabel, "dueLabel").text().startswith(f"截止 {YEAR}年3月20日")
    rectification = open_editor(made["rectification"])
    due = rectification.findChild(QLabel, "dueLabel")
    assert due.text() == "截止日期：尚未确定（填写收到反馈的绩效评价报告日期后显示）"
    rectification.set_value("feedback_received", f"{YEAR}-04-01")
    # 60 days after receiving the feedback; the date follows the edit with the (debounced) checks
    qtbot.waitUntil(lambda: due.text().startswith(f"截止 {YEAR}年5月31日"))


# --- monitoring tables ---------------------------------------------------------------------

def test_spending_updates_the_rate_live_and_a_zero_budget_shows_a_dash(open_editor, forms, qtbot):
    store, _made = forms
    editor = open_editor(by_title(store, ON_TRACK))
    view = editor.findChild(QTableView, "fund_sourcesTable")
    model = view.model()
    spent, rate, issue_rate = (model.column_index(k) for k in ("spent", "spend_rate", "issue_rate"))
    assert model.headerData(rate, Qt.Orientation.Horizontal) == "1-6月支出进度%"
    assert model.index(CITY, rate).data() == "53.33"
    assert not model.flags(model.index(CITY, rate)) & Qt.ItemFlag.ItemIsEditable  # computed: read-only
    edit_cell(qtbot, view, CITY, spent, "30")
    assert model.index(CITY, rate).data() == "40.00" and model.index(0, rate).data() == "40.00"
    edit_cell(qtbot, view, CITY, spent, "40")
    assert model.index(CITY, rate).data() == "53.33"
    assert model.index(1, rate).data() == "—"  # 中央财政资金: nothing budgeted
    edit_cell(qtbot, view, 2, model.column_index("budget"), "0")  # 省级: a zero budget
    edit_cell(qtbot, view, 2, model.column_index("issued"), "0")
    assert model.index(2, issue_rate).data() == "—"
    assert model.index(CITY, model.column_index("subtotal")).data() == "75.00"


def test_period_relabels_headings_and_the_checks_and_alerts_follow(open_editor, forms, qtbot):
    store, _made = forms
    editor = open_editor(by_title(store, ON_TRACK))
    view = editor.findChild(QTableView, "fund_sourcesTable")
    model = view.model()
    tree = editor.table_editor("indicators").tree
    edit_cell(qtbot, view, CITY, model.column_index("spent"), "37.5")  # 50 % spent
    qtbot.wait(CHECK_DELAY_MS + 100)
    assert not any("落后于序时进度" in line for line in dock_lines(editor))  # 50 % at 6 months: on time
    assert editor.findChild(QLabel, "dueLabel").text().startswith(f"截止 {YEAR}年7月31日")
    choose_period(editor, "9")
    assert editor.document()["period_months"] == "9"
    assert model.headerData(model.column_index("spent"), Qt.Orientation.Horizontal) == "1-9月支出数"
    assert tree.headerItem().text(editor.table_editor("indicators").columns.index("progress")) == "1-9月指标完成情况"
    qtbot.waitUntil(lambda: any("支出进度 50.00% 落后于序时进度 75.00%" in line for line in dock_lines(editor)))
    qtbot.waitUntil(lambda: any(line.startswith("[黄色预警] 执行缓慢：1-9月支出进度 50.00%") for line in alert_lines(editor)))
    assert editor.findChild(QLabel, "dueLabel").text().startswith(f"截止 {YEAR}年10月31日")
    editor.undo_stack().undo()  # the period change is one undo step
    assert model.headerData(model.column_index("spent"), Qt.Orientation.Horizontal) == "1-6月支出数"
    qtbot.waitUntil(lambda: not any("落后于序时进度" in line for line in dock_lines(editor)))


def test_completely_impossible_raises_a_red_alert_until_measures_are_written(open_editor, forms, qtbot):
    store, _made = forms
    editor = open_editor(by_title(store, ON_TRACK))
    part = editor.table_editor("indicators")
    assert [part.tree.headerItem().text(i) for i, o in enumerate(part.options) if o] == ["确定能", "有可能", "完全不可能"]
    assert alert_lines(editor) == ["未发现预警"]
    leaf = part.row_items()[0]
    name = editor.document()["indicators"][0]["content"]
    sure, impossible = part.options.index("确定能"), part.options.index("完全不可能")
    assert leaf.checkState(sure) == Qt.CheckState.Checked
    leaf.setCheckState(impossible, Qt.CheckState.Checked)  # as a click on the tick does
    assert editor.document()["indicators"][0]["possibility"] == "完全不可能"
    assert leaf.checkState(sure) == Qt.CheckState.Unchecked  # exclusive
    qtbot.waitUntil(lambda: f"[红色预警] 目标不可能完成：“{name}”判断为完全不可能完成（年度指标值 1500套）"
                    in alert_lines(editor))
    assert editor.alerts_dock.windowTitle() == "绩效预警（红色 1，黄色 0）"
    needs = f"第1行“{name}”判断为完全不可能完成，请在备注中提出拟采取的措施。"
    qtbot.waitUntil(lambda: any(line.startswith("错误") and line.endswith(needs) for line in dock_lines(editor)))
    edit_tree_cell(qtbot, part, leaf, part.columns.index("note"), "调整采购计划，下半年集中实施", chinese=True)
    assert editor.document()["indicators"][0]["note"] == "调整采购计划，下半年集中实施"
    qtbot.waitUntil(lambda: not any(needs in line for line in dock_lines(editor)))
    assert any(line.startswith("[红色预警]") for line in alert_lines(editor))  # the alert stays: it is a warning
    part.row_items()[0].setCheckState(impossible, Qt.CheckState.Unchecked)  # a second click clears it
    assert editor.document()["indicators"][0]["possibility"] is None


def test_late_project_due_date_alerts_and_monitoring_taxonomy(open_editor, forms, qtbot):
    store, _made = forms
    editor = open_editor(by_title(store, LATE))
    assert "截止 2026年7月31日" in editor.findChild(QLabel, "dueLabel").text()
    lines = alert_lines(editor)
    assert lines[0].startswith("[黄色预警] 执行缓慢：1-6月支出进度 15.00%")
    assert any(line.startswith("[红色预警] 目标不可能完成：") for line in lines)
    part = editor.table_editor("indicators")
    assert part.level2_item("效益指标", "生态效益指标") is not None
    assert part.level2_item("满意度指标", "服务对象满意度指标") is not None


def test_department_monitoring_has_both_fund_blocks_with_rates(open_editor, forms):
    store, _made = forms
    editor = open_editor(next(f.id for f in store.list_forms(form_id="dept_monitoring")))
    for key, rate in (("funds_by_kind", "46.20"), ("funds_by_use", "46.20")):
        model = editor.findChild(QTableView, f"{key}Table").model()
        assert model.index(0, model.column_index("spend_rate")).data() == rate
    assert editor.findChild(QListWidget, "alertsList") is not None


def test_autosave_and_undo_on_a_monitoring_table(open_editor, forms, qtbot):
    store, _made = forms
    record_id = by_title(store, ON_TRACK)
    editor = open_editor(record_id, autosave_ms=200)
    view = editor.findChild(QTableView, "fund_sourcesTable")
    model = view.model()
    spent = model.column_index("spent")
    edit_cell(qtbot, view, CITY, spent, "45")
    assert editor.document()["fund_sources"]["city"]["spent"] == "45"
    editor.undo_stack().undo()
    assert model.index(CITY, spent).data() == "40.00"
    editor.undo_stack().redo()
    assert model.index(CITY, model.column_index("spend_rate")).data() == "60.00"
    qtbot.waitUntil(lambda: store.get_form(record_id).data["fund_sources"]["city"]["spent"] == "45", timeout=3000)
    assert store.get_form(record_id).title == ON_TRACK  # a monitoring table keeps its title
    editor.close()
    again = open_editor(record_id)
    assert again.findChild(QTableView, "fund_sourcesTable").model().index(CITY, spent).data() == "45.00"


# --- the evaluation report -------------------------------------------------------------------

def test_scores_update_the_total_and_a_score_above_its_points_is_an_error(open_editor, forms, qtbot):
    _store, made = forms
    editor = open_editor(made["evaluation_report"])
    total = editor.findChild(QLabel, "totalScore")
    assert total.text() == "综合得分：82.50"
    assert editor.findChild(QCheckBox, "eval_type:事后评价").isChecked()
    part = editor.table_editor("business_indicators")
    assert part.findChild(QPushButton, "commonIndicators") is None  # no common indicators for 基本指标
    assert [part.tree.topLevelItem(i).text(0) for i in range(part.tree.topLevelItemCount())] == \
        ["1.目标设定情况", "2.目标完成程度"]
    subtotal = editor.findChild(QLabel, "businessTotal")
    assert subtotal.text() == "小计：指标分值 70.00 分，评价得分 61.50 分"
    first = part.row_items()[0]
    score = part.columns.index("score")
    assert first.text(score) == "7.00"
    edit_tree_cell(qtbot, part, first, score, "8")
    assert editor.document()["business_indicators"][0]["score"] == "8"
    assert total.text() == "综合得分：83.50" and subtotal.text().endswith("评价得分 62.50 分")
    edit_tree_cell(qtbot, part, part.row_items()[0], score, "9.5")
    assert total.text() == "综合得分：85.00"
    qtbot.waitUntil(lambda: any(line.startswith("错误") and "“绩效目标合理性”的评价得分（9.50）超过指标分值（8.00），请改正。" in line
                                for line in dock_lines(editor)))
    edit_tree_cell(qtbot, part, part.row_items()[0], score, "9.x")
    assert "不是有效的分值" in part.row_items()[0].toolTip(score)
    qtbot.waitUntil(lambda: any("不是有效的分值" in line for line in dock_lines(editor)))
    editor.undo_stack().undo()
    editor.undo_stack().undo()
    editor.undo_stack().undo()
    assert total.text() == "综合得分：82.50"


def test_a_basic_indicator_heading_is_renamed_with_its_rows(open_editor, forms):
    _store, made = forms
    editor = open_editor(made["evaluation_report"])
    part = editor.table_editor("financial_indicators")
    heading = part.tree.topLevelItem(1)
    heading.setText(0, "2.资金使用情况")  # as the heading's cell editor does
    assert [r["level1"] for r in editor.document()["financial_indicators"]] == ["1.资金落实情况", "2.资金使用情况",
                                                                                "2.资金使用情况"]
    editor.undo_stack().undo()  # one step for the whole group
    assert [r["level1"] for r in editor.document()["financial_indicators"]][1:] == ["2.实际支出情况"] * 2


def test_a_new_basic_indicator_is_typed_or_picked(open_editor, forms, qtbot):
    _store, made = forms
    editor = open_editor(made["evaluation_report"])
    part = editor.table_editor("business_indicators")
    qtbot.mouseClick(part.findChild(QPushButton, "addGroup"), Qt.MouseButton.LeftButton)
    dialog = part.group_dialog
    assert dialog.isVisible() and dialog.comboBoxItems() == ["1.目标设定情况", "2.目标完成程度"]
    dialog.setTextValue("3.社会影响")  # typed: the list only suggests
    dialog.accept()
    rows = editor.document()["business_indicators"]
    assert len(rows) == 7 and rows[-1] == {"level1": "3.社会影响", "content": None, "points": None, "score": None}
    assert part.tree.topLevelItem(2).text(0) == "3.社会影响" and part.tree.topLevelItem(2).childCount() == 1


# --- the monitoring report ------------------------------------------------------------------

def test_regenerate_refills_part_two_and_undo_restores_it(open_editor, forms, qtbot):
    store, _made = forms
    report_id = next(f.id for f in store.list_forms(form_id="monitoring_report"))
    source_id = store.get_form(report_id).data["_source"]["monitoring"]
    source = store.get_form(source_id)
    changed = copy.deepcopy(source.data)
    changed["fund_sources"]["city"]["spent"] = "60"
    save_document(store, source, changed)
    execution, achievement = report_figures(get_form("project_monitoring"), changed)

    editor = open_editor(report_id, autosave_ms=60_000)
    text = editor.field_binding("budget_execution").focus_widget
    goals = editor.field_binding("goal_achievement").focus_widget
    before_goals = goals.toPlainText()
    text.setFocus()
    text.selectAll()
    type_chinese(text, "手工改写的分析")
    assert editor.document()["budget_execution"] == "手工改写的分析"
    button = editor.findChild(QPushButton, "regenerateButton")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert "支出 60.00 万元，支出进度 80.00%" in text.toPlainText()
    assert text.toPlainText() == execution and goals.toPlainText() == achievement
    editor.undo_stack().undo()  # one step for both parts
    assert text.toPlainText() == "手工改写的分析" and goals.toPlainText() == before_goals
