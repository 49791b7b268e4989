"""The main window over every form kind, on everything `perfdesk demo` writes (declarations of 2027,
the July monitoring of 2026, the evaluation round of 2025): the navigation entries and what each
lists, the 类型, 截止 and 预警 columns, starting monitoring and evaluation forms in the real editor,
the 使用单位类型 setting and the 提交包 entry.

A dialog is answered by replacing its class's `exec`, as a clerk would fill it in and press 确定."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtCore import Qt, Signal  # noqa: E402
from PySide6.QtGui import QAction, QColor  # noqa: E402
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QListWidget, QMainWindow, QMessageBox  # noqa: E402

from perfdesk.ui import new_form_dialogs  # noqa: E402
from perfdesk.ui.editor import FormEditor  # noqa: E402
from perfdesk.ui.form_list_model import COL_ALERTS, COL_DUE, COL_KIND, COL_STATUS, COL_TITLE  # noqa: E402
from perfdesk.ui.setup_dialog import UnitSetupDialog  # noqa: E402
from conftest import put_status
from gui_support import select, settle, trigger  # noqa: E402

LATE = "2026年高标准农田建设项目（2026年1-6月监控）"  # the demo's late draft: spending behind, 完全不可能
ON_TRACK = "2026年校舍维修改造项目（2026年1-6月监控）"
REPAIR_2026, FARM_2026 = "2026年校舍维修改造项目", "2026年高标准农田建设项目"


@pytest.fixture
def window(full_demo_store, window):
    """The conftest's main window, on the full demo."""
    return window


class FakeEditor(QMainWindow):
    """Stands in for FormEditor (same constructor and saved(int)), remembering how it was opened."""

    saved = Signal(int)
    opened: list[tuple[int, str]] = []

    def __init__(self, store, form_instance_id, *, role="unit", autosave_ms=1500, parent=None):
        super().__init__(parent)
        FakeEditor.opened.append((form_instance_id, role))



def show(win, section: str):
    assert win.show_section(section)
    return settle(win)


def rows(win) -> list[dict[int, str]]:
    """The listed rows as {column: shown text}."""
    settle(win)
    return [{c: win.proxy.index(r, c).data() or "" for c in range(win.proxy.columnCount())}
            for r in range(win.proxy.rowCount())]


def row_by_title(win, title: str) -> dict[int, str]:
    return next(row for row in rows(win) if row[COL_TITLE] == title)




def answer(cls, monkeypatch, fill=None):
    """Replace cls.exec: `fill(dialog)` sets the answers, then 确定 is pressed. Returns the dialogs seen."""
    seen = []

    def exec_(dialog):
        seen.append(dialog)
        if fill is not None:
            fill(dialog)
        dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(cls, "exec", exec_)
    return seen


def refuse(cls, monkeypatch):
    monkeypatch.setattr(cls, "exec", lambda dialog: pytest.fail(f"{type(dialog).__name__} should not be asked"))


def form_id(store, title: str) -> int:
    return next(f.id for f in store.list_forms() if f.title == title)


# --- navigation and columns ------------------------------------------------------------------


def test_each_navigation_entry_lists_its_kinds(window, full_demo_store):
    nav = window.findChild(QListWidget, "navPane")
    assert [nav.item(i).text() for i in range(nav.count())] == ["绩效目标申报", "运行监控", "绩效评价", "提交包"]
    expected = {
        # twelve of 2027 (one at each step of the chain), two of 2026; the camera project's ex-ante assessment
        "declaration": {"预算支出绩效目标申报表": 14, "事前绩效评估表": 1},
        "monitoring": {"项目支出绩效运行监控表": 2, "部门整体支出绩效运行监控表": 1, "绩效监控分析报告": 1},
        "evaluation": {"绩效报告（提纲）": 1, "预算绩效评价报告": 1, "绩效评价结果反馈意见函": 1, "绩效评价结果整改报告书": 1,
                       "项目支出绩效自评表": 1, "部门整体支出绩效自评表": 1, "市直部门预算绩效管理工作考核评分表": 1,
                       "县（市、区）财政局预算绩效管理工作考核评分表": 1},
    }
    for section, kinds in expected.items():
        show(window, section)
        counted: dict[str, int] = {}
        for row in rows(window):
            counted[row[COL_KIND]] = counted.get(row[COL_KIND], 0) + 1
        assert counted == kinds, section
        assert window.status_text() == f"共 {sum(kinds.values())} 份表单"
    assert sum(sum(k.values()) for k in expected.values()) == len(full_demo_store.list_forms()) == 27
    show(window, "monitoring")
    window.set_year(2025)
    assert rows(window) == []  # the year selector applies within the entry
    window.set_year(2026)
    assert len(rows(window)) == 4


def test_due_column_shows_overdue_in_red_and_nothing_once_exported(window, full_demo_store):
    show(window, "monitoring")
    assert not window.table.isColumnHidden(COL_DUE)
    late = row_by_title(window, LATE)
    assert late[COL_STATUS] == "草稿"
    assert late[COL_DUE].startswith("2026-07-31 已逾期 ") and late[COL_DUE].endswith(" 天")
    index = window.proxy.index(window.proxy.row_of(form_id(full_demo_store, LATE)), COL_DUE)
    assert index.data(Qt.ItemDataRole.ForegroundRole).color() == QColor("#c62828")
    assert index.data(Qt.ItemDataRole.ToolTipRole).startswith("截止 2026年7月31日（已逾期 ")

    show(window, "evaluation")
    # 2026's 考核评分表 are due by 31 January 2027 (002 第五十一条)
    assessment = next(row for row in rows(window) if row[COL_KIND] == "市直部门预算绩效管理工作考核评分表")
    assert assessment[COL_DUE].startswith("2027-01-31 ")
    window.set_year(2025)  # the 2025 evaluation round, all handed in
    listed = {row[COL_TITLE]: row for row in rows(window)}
    handed_in = [row for row in listed.values() if row[COL_STATUS] in ("已报送", "审核通过")]
    assert len(handed_in) == 3 and all(row[COL_DUE] == "" for row in handed_in)
    assert window.table.isColumnHidden(COL_DUE)  # nothing to show in the whole list
    # The same feedback letter before it was handed in: its reply deadline counts.
    letter = form_id(full_demo_store, "2025年校舍维修改造项目绩效评价结果反馈意见函")
    put_status(full_demo_store, letter, "draft")
    window.refresh()
    assert row_by_title(window, "2025年校舍维修改造项目绩效评价结果反馈意见函")[COL_DUE].startswith("2026-03-20 已逾期")
    assert not window.table.isColumnHidden(COL_DUE)


def test_alert_column_counts_the_warnings_by_level(window, full_demo_store):
    show(window, "monitoring")
    alerts = {row[COL_TITLE]: row[COL_ALERTS] for row in rows(window)}
    assert alerts[LATE].startswith("红色预警 1 / 黄色预警 ")
    from perfdesk.app import monitoring_operations

    record = full_demo_store.get_form(form_id(full_demo_store, LATE))
    yellow = sum(a.level == "黄色预警" for a in monitoring_operations.alerts(full_demo_store, record))
    assert alerts[LATE] == f"红色预警 1 / 黄色预警 {yellow}"
    assert alerts[ON_TRACK] == ""
    index = window.proxy.index(window.proxy.row_of(record.id), COL_ALERTS)
    assert index.data(Qt.ItemDataRole.ForegroundRole).color() == QColor("#c62828")
    window.table.sortByColumn(COL_ALERTS, Qt.SortOrder.DescendingOrder)
    assert rows(window)[0][COL_TITLE] == LATE


def test_open_uses_the_form_editor_for_every_kind_and_duplicate_stays_with_declarations(qtbot, window):
    show(window, "monitoring")
    select(window, LATE)
    assert not window.findChild(QAction, "duplicateAction").isEnabled()
    trigger(window, "openAction")
    editor = next(iter(window.editors.values()))
    assert isinstance(editor, FormEditor) and editor.form.id == "project_monitoring" and editor.role == "unit"
    assert editor.isVisible()
    show(window, "declaration")
    select(window, REPAIR_2026)
    assert window.findChild(QAction, "duplicateAction").isEnabled()


# --- new forms ---------------------------------------------------------------------------------


def test_new_project_monitoring_from_the_selected_declaration_opens_the_editor(monkeypatch, window,
                                                                               full_demo_store):
    show(window, "declaration")
    source = select(window, REPAIR_2026)

    def fill(dialog):
        assert dialog.declaration().id == source  # the selected declaration
        assert dialog.months.value() == 6 and (dialog.months.minimum(), dialog.months.maximum()) == (1, 12)
        dialog.months.setValue(9)

    seen = answer(new_form_dialogs.ProjectMonitoringDialog, monkeypatch, fill)
    trigger(window, "newProjectMonitoringAction")
    assert len(seen) == 1
    record = window.current_record()
    assert record.form_id == "project_monitoring" and record.title == "2026年校舍维修改造项目（2026年1-9月监控）"
    assert full_demo_store.get_form(record.id).data["_source"] == {"declaration": source}
    assert window.form_kind() == "monitoring" and len(rows(window)) == 5  # the list moved to 运行监控
    editor = window.editors[record.id]
    assert isinstance(editor, FormEditor) and editor.isVisible() and editor.form.id == "project_monitoring"


def test_new_in_monitoring_offers_the_years_declarations_handed_in_first(monkeypatch, window, full_demo_store):
    show(window, "monitoring")
    window.set_year(2026)
    window.table.clearSelection()
    late = form_id(full_demo_store, LATE)

    def fill(dialog):
        box = dialog.findChild(QComboBox, "declarationBox")
        listed = [box.itemData(i) for i in range(box.count())]
        assert {r.title for r in listed} == {REPAIR_2026, FARM_2026} and all(r.status.label == "审核通过" for r in listed)
        assert dialog.year_box.currentData() == 2026
        assert dialog.select_declaration(form_id(full_demo_store, FARM_2026))

    seen = answer(new_form_dialogs.ProjectMonitoringDialog, monkeypatch, fill)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    before = len(full_demo_store.list_forms())
    trigger(window, "newAction")  # 新建 in 运行监控: a project monitoring table
    assert len(seen) == 1
    # that project's 1-6月 table exists (the late one): no second one beside it (issue 15)
    assert warned and "1-6月监控表已经存在" in warned[0] and f"{late}“" in warned[0]
    assert len(full_demo_store.list_forms()) == before


def test_approved_declarations_come_first_and_a_draft_is_flagged(monkeypatch, window, full_demo_store):
    training = form_id(full_demo_store, "2027年教师能力提升培训专项")
    for form in full_demo_store.list_forms(year=2027, form_id="declaration"):
        if form.status.handed_in and form.status.label != "已作废":
            put_status(full_demo_store, form.id, "checked")  # only the two below are handed in
    put_status(full_demo_store, training, "approved")
    put_status(full_demo_store, form_id(full_demo_store, "2027年校舍维修改造项目"), "submitted")

    def fill(dialog):
        dialog.year_box.setCurrentIndex(dialog.year_box.findData(2027))
        box = dialog.declaration_box
        assert [box.itemData(i).status.label for i in range(box.count())][:2] == ["审核通过", "已报送"]
        assert dialog.declaration().id == training and dialog.note.isHidden()
        assert dialog.select_declaration(form_id(full_demo_store, "2027年校园安全监控系统建设"))
        assert "尚未报送或审核通过" in dialog.note.text() and not dialog.note.isHidden()
        dialog.reject()

    monkeypatch.setattr(new_form_dialogs.ProjectMonitoringDialog, "exec",
                        lambda dialog: (fill(dialog), dialog.result())[1])
    show(window, "monitoring")
    trigger(window, "newProjectMonitoringAction")
    assert window.editors == {}


def test_a_year_without_declarations_is_refused_in_the_dialog(monkeypatch, window, full_demo_store):
    def fill(dialog):
        dialog.year_box.setCurrentIndex(dialog.year_box.findData(2025))
        assert dialog.declaration() is None and "没有申报表" in dialog.note.text()

    seen = answer(new_form_dialogs.ProjectMonitoringDialog, monkeypatch, fill)
    before = len(full_demo_store.list_forms())
    trigger(window, "newProjectMonitoringAction")
    assert "请选择一份申报表" in seen[0].error_text()
    assert len(full_demo_store.list_forms()) == before and window.editors == {}


def test_monitoring_report_from_the_selected_table(monkeypatch, window, full_demo_store):
    show(window, "monitoring")
    source = select(window, LATE)
    refuse(new_form_dialogs.MonitoringSourceDialog, monkeypatch)  # the selection says which table
    trigger(window, "newMonitoringReportAction")
    record = window.current_record()
    assert record.form_id == "monitoring_report"
    stored = full_demo_store.get_form(record.id)
    assert stored.data["_source"] == {"monitoring": source}
    assert stored.data["subject_name"] == FARM_2026 and stored.data["budget_execution"]
    editor = window.editors[record.id]
    assert editor.form.id == "monitoring_report" and editor.regenerate_button.isEnabled()


def test_monitoring_report_asks_for_a_table_when_none_is_selected(monkeypatch, window, full_demo_store):
    show(window, "evaluation")
    window.table.clearSelection()

    def fill(dialog):
        box = dialog.findChild(QComboBox, "monitoringBox")
        assert box.count() == 3  # two project tables and the department one
        box.setCurrentIndex(next(i for i in range(box.count()) if box.itemData(i).title == ON_TRACK))

    answer(new_form_dialogs.MonitoringSourceDialog, monkeypatch, fill)
    trigger(window, "newMonitoringReportAction")
    record = window.current_record()
    assert record.form_id == "monitoring_report" and window.form_kind() == "monitoring"
    assert full_demo_store.get_form(record.id).data["_source"] == {"monitoring": form_id(full_demo_store, ON_TRACK)}


def test_department_monitoring_is_for_the_installations_unit(monkeypatch, window, full_demo_store):
    county = full_demo_store.unit_by_code("310021")
    full_demo_store.set_setting("unit_id", county.id)

    def fill(dialog):
        assert dialog.unit_label.text() == "长子县农业农村局"
        dialog.year.setValue(2026)  # 2027's only county declaration is still being corrected: no budget yet
        dialog.months.setValue(3)

    answer(new_form_dialogs.DepartmentMonitoringDialog, monkeypatch, fill)
    trigger(window, "newDeptMonitoringAction")
    record = window.current_record()
    assert (record.form_id, record.unit_id, record.year) == ("dept_monitoring", county.id, 2026)
    assert record.title == "长子县农业农村局部门整体（2026年1-3月监控）"
    assert window.editors[record.id].form.id == "dept_monitoring"


def test_new_evaluation_report_from_a_declaration_opens_the_editor(monkeypatch, window, full_demo_store):
    show(window, "evaluation")

    def fill(dialog):
        assert dialog.year.value() == 2025  # evaluation looks back
        dialog.year.setValue(2026)
        assert dialog.choose_declaration(form_id(full_demo_store, FARM_2026))
        assert dialog.project_name() == FARM_2026
        assert dialog.unit_label.text() == "长子县农业农村局"  # the declaration's unit

    answer(new_form_dialogs.EvaluationFormDialog, monkeypatch, fill)
    trigger(window, "newEvaluationReportAction")
    record = window.current_record()
    assert record.form_id == "evaluation_report" and record.title == f"{FARM_2026}预算绩效评价报告"
    data = full_demo_store.get_form(record.id).data
    assert (data["project_name"], data["project_unit"], data["supervisor"]) == (FARM_2026, "长子县农业农村局",
                                                                              "长子县农业农村局")
    editor = window.editors[record.id]
    assert isinstance(editor, FormEditor) and editor.isVisible() and editor.form.id == "evaluation_report"
    assert rows(window)[0][COL_KIND] == "预算绩效评价报告"


@pytest.mark.parametrize("action, kind, prefilled", [
    ("newSelfReportAction", "self_report", {"unit_name": "长治市第一中学"}),
    ("newFeedbackLetterAction", "feedback_letter", {"unit_name": "长治市第一中学"}),
    ("newRectificationAction", "rectification", {"department": "长治市教育局"}),
])
def test_other_evaluation_forms_get_the_units_name_and_the_project(monkeypatch, window, full_demo_store, action,
                                                                   kind, prefilled):
    def fill(dialog):
        dialog.ok_button.click()  # no project yet: refused
        assert dialog.error_text() == "请填写项目名称，或选择一份来源申报表。"
        dialog.project.setText("2025年图书馆数字化建设项目")

    answer(new_form_dialogs.EvaluationFormDialog, monkeypatch, fill)
    trigger(window, action)
    record = window.current_record()
    assert record.form_id == kind and record.year == 2025 and record.status.label == "草稿"
    data = full_demo_store.get_form(record.id).data
    assert data["project_name"] == "2025年图书馆数字化建设项目"
    assert {key: data[key] for key in prefilled} == prefilled
    assert window.editors[record.id].form.id == kind


def test_cancelled_new_form_creates_nothing(monkeypatch, window, full_demo_store):
    monkeypatch.setattr(new_form_dialogs.EvaluationFormDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    before = len(full_demo_store.list_forms())
    trigger(window, "newSelfReportAction")
    assert len(full_demo_store.list_forms()) == before and window.editors == {}


# --- 使用单位类型 and 提交包 -----------------------------------------------------------------


def test_finance_role_is_chosen_in_unit_settings_and_editors_open_with_it(monkeypatch, window, full_demo_store):
    def choose_finance(dialog):
        box = dialog.findChild(QComboBox, "roleBox")
        assert [box.itemText(i) for i in range(box.count())] == ["预算单位", "主管部门", "财政部门"]
        assert box.currentText() == "预算单位"
        box.setCurrentIndex(box.findText("财政部门"))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(UnitSetupDialog, "exec", choose_finance)
    trigger(window, "unitSetupAction")
    assert full_demo_store.get_setting("role") == "finance"
    assert window.role() == "finance"
    assert window.statusBar().findChild(QLabel, "roleLabel").text() == "使用单位类型：财政部门"
    FakeEditor.opened = []
    window.editor_factory = FakeEditor
    show(window, "evaluation")
    form = select(window, "2025年校舍维修改造项目预算绩效评价报告")
    trigger(window, "openAction")
    assert FakeEditor.opened == [(form, "finance")]
    # 新建 in 绩效评价 starts what a finance office writes: the evaluation report.
    asked = answer(new_form_dialogs.EvaluationFormDialog, monkeypatch, lambda d: d.project.setText("2025年某项目"))
    trigger(window, "newAction")
    assert asked[0].form_id == "evaluation_report"


def test_first_setup_makes_the_unit_this_installations_own(qtbot, store):
    dialog = UnitSetupDialog(store)
    qtbot.addWidget(dialog)
    for name, text in dict(unitName="长治市财政局", unitCode="100001", supervisorName="长治市人民政府",
                           supervisorCode="100", region="长治市").items():
        dialog.findChild(type(dialog.edits["name"]), name).setText(text)
    dialog.role_box.setCurrentIndex(dialog.role_box.findData("finance"))
    dialog.ok_button.click()
    assert store.get_setting("unit_id") == dialog.unit.id and store.get_setting("role") == "finance"


def test_packages_entry_opens_the_inbox_and_keeps_the_list(monkeypatch, window):
    nav = window.findChild(QListWidget, "navPane")
    entry = nav.item(3)
    import perfdesk.ui.packages as packages

    calls = []
    monkeypatch.setattr(packages, "show_inbox", lambda parent, store: calls.append((parent, store)))
    show(window, "monitoring")
    nav.setCurrentItem(entry)
    assert calls == [(window, window.store)]
    assert window.form_kind() == "monitoring" and len(rows(window)) == 4


def test_new_project_self_evaluation_offers_the_approved_declarations(monkeypatch, window, full_demo_store):
    show(window, "evaluation")
    offered = []

    def fill(dialog):
        dialog.year.setValue(2026)
        offered.extend(dialog.source_box.itemText(i) for i in range(1, dialog.source_box.count()))
        assert dialog.choose_declaration(form_id(full_demo_store, "2026年校舍维修改造项目"))

    answer(new_form_dialogs.EvaluationFormDialog, monkeypatch, fill)
    trigger(window, "newProjectSelfEvaluationAction")
    assert offered == ["2026年校舍维修改造项目（审核通过）"]  # the city unit's handed-in declaration of 2026
    record = window.current_record()
    assert record.form_id == "project_self_evaluation" and record.title == "2026年校舍维修改造项目绩效自评表（2026年度）"
    assert window.editors[record.id].form.id == "project_self_evaluation"


def test_new_assessment_table_asks_the_year(monkeypatch, window, full_demo_store):
    from perfdesk.ui import dialogs

    asked = []
    monkeypatch.setattr(dialogs, "ask_year", lambda parent, title, label, default: asked.append(title) or 2026)
    trigger(window, "newAssessmentDepartmentAction")
    record = window.current_record()
    assert asked == ["新建市直部门预算绩效管理工作考核评分表"]
    data = full_demo_store.get_form(record.id).data
    assert (record.form_id, record.year, data["unit_name"]) == ("assessment_department", 2026, "长治市第一中学")
    monkeypatch.setattr(dialogs, "ask_year", lambda *args: None)
    before = len(full_demo_store.list_forms())
    trigger(window, "newAssessmentCountyAction")
    assert len(full_demo_store.list_forms()) == before  # cancelled: nothing made
