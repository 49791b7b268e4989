"""新建 for the self-evaluation, assessment and ex-ante tables: the menu entries, and the one question each
asks (which declaration for the project tables; which year for the others) before `tables_operations`
creates the form. The main window lists these entries and calls `start`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QMessageBox

from perfdesk.domain.registry import ASSESSMENT_FORMS, EX_ANTE_FORMS, SELF_EVALUATION_FORMS
from perfdesk.errors import UserError
from perfdesk.domain.form_kinds import (
    ASSESSMENT_COUNTY, ASSESSMENT_DEPARTMENT, DECLARATION, DEPT_SELF_EVALUATION, EX_ANTE_ASSESSMENT,
    PROJECT_SELF_EVALUATION)

if TYPE_CHECKING:
    from perfdesk.store.records import FormRecord, UnitRecord
    from perfdesk.ui.main_window import MainWindow

# form id → (menu text, object name, tip), as main_sections.NEW_FORMS
ACTIONS = {
    PROJECT_SELF_EVALUATION: ("新建项目支出绩效自评表…", "newProjectSelfEvaluationAction",
                                "由已报送的申报表及其最近的监控表生成项目支出绩效自评表"),
    DEPT_SELF_EVALUATION: ("新建部门整体支出绩效自评表…", "newDeptSelfEvaluationAction",
                             "生成本单位的部门整体支出绩效自评表，带出该年度部门整体监控表的内容"),
    ASSESSMENT_DEPARTMENT: ("新建市直部门考核评分表…", "newAssessmentDepartmentAction",
                              "附件8-1 市直部门预算绩效管理工作考核评分表"),
    ASSESSMENT_COUNTY: ("新建县（市、区）财政局考核评分表…", "newAssessmentCountyAction",
                          "附件8-2 县（市、区）财政局预算绩效管理工作考核评分表"),
    EX_ANTE_ASSESSMENT: ("新建事前绩效评估表…", "newExAnteAssessmentAction", "为选中的申报表新建事前绩效评估表"),
}
FROM_DECLARATION = (PROJECT_SELF_EVALUATION, EX_ANTE_ASSESSMENT)
EVALUATION_TABLES = (*SELF_EVALUATION_FORMS, *ASSESSMENT_FORMS)
DECLARATION_TABLES = EX_ANTE_FORMS


def default_year(window: MainWindow, form_id: str, unit: UnitRecord) -> int:
    """The year a new table starts in unless the list shows one: an ex-ante assessment goes with next year's
    budget; a 考核评分表 is of the year whose assessment is due next; a self-evaluation looks back a year."""
    import datetime as dt

    from perfdesk.domain.deadlines import assessment_year
    from perfdesk.domain.profiles import ProfileError, get_profile
    from perfdesk.ui import new_form_dialogs as new_dialogs

    selected = window.selected_year()
    if form_id in EX_ANTE_FORMS:
        return new_dialogs.default_budget_year(selected)
    if form_id in ASSESSMENT_FORMS and selected is None:
        try:
            profile = get_profile(unit.profile)
        except ProfileError:
            profile = None
        return assessment_year(profile, dt.date.today())
    return new_dialogs.default_evaluation_year(selected)


def start(window: MainWindow, form_id: str, fixed: int | None = None) -> FormRecord | None:
    """Ask what the form starts from and create it; `fixed`: the year a task gives, not asked again."""
    from perfdesk.domain.registry import get_form
    from perfdesk.app.tables_operations import approved_declarations, start_table
    from perfdesk.ui import new_form_dialogs as new_dialogs

    unit = window._own_unit_or_setup()
    if unit is None:
        return None
    current = window._current_of(fixed)
    name = get_form(form_id).name
    try:
        declaration_id = None
        if form_id in FROM_DECLARATION:
            year = fixed or (current.year if current is not None else default_year(window, form_id, unit))
            # the self-evaluation starts from an approved declaration; an ex-ante assessment from any
            offered = (lambda y: approved_declarations(window.store, unit.id, y)) \
                if form_id == PROJECT_SELF_EVALUATION else window._declarations_of
            dialog = new_dialogs.EvaluationFormDialog(form_id, unit, offered, year, unit_of=window._unit_or_none,
                                                      parent=window)
            if fixed is not None:
                dialog.fix_year(fixed)
            if current is not None and current.form_id == DECLARATION:
                dialog.choose_declaration(current.id)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            if dialog.declaration() is None:
                QMessageBox.warning(window, "无法新建", f"请选择一份申报表：{name}按申报表生成。")
                return None
            declaration_id, year = dialog.declaration().id, dialog.year.value()
        elif fixed is not None:
            year = fixed
        else:
            from perfdesk.ui import dialogs

            year = dialogs.ask_year(window, f"新建{name}", "年度：", default_year(window, form_id, unit))
            if year is None:
                return None
        record = start_table(window.store, form_id, unit, year, declaration_id)
    except UserError as exc:
        QMessageBox.warning(window, "无法新建", str(exc))
        return None
    return window._show_new(record, f"已新建“{record.title}”")
