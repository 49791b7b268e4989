"""新建: the flows that start a form from the main window (ask, create through the app layer on the
runner, then list, select and open the new form), and this installation's unit they start it for.

A mixin of `MainWindow`; it never imports the window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QMessageBox

from perfdesk.domain import form_kinds as kinds
from perfdesk.domain.lifecycle import Role
from perfdesk.errors import UserError
from perfdesk.store.store_errors import StoreError
from perfdesk.ui.main_sections import DECLARATION, EVALUATION, MONITORING, MONITORING_TABLES, SECTION_OF_FORM

if TYPE_CHECKING:
    from perfdesk.store import FormRecord, UnitRecord


class NewFormFlows:
    """新建 and the 新建表单 menu's flows."""

    def _own_unit_or_setup(self) -> UnitRecord | None:
        """This installation's unit; asks for it (单位设置) when none is set up yet."""
        try:
            unit = self.own_unit()
        except StoreError as exc:
            self._store_failed(exc)
            return None
        return unit if unit is not None else self.edit_unit()

    def _unit_names(self) -> dict[int, str]:
        return {unit.id: unit.name for unit in self.store.units()}

    def _unit_or_none(self, unit_id: int) -> UnitRecord | None:
        try:
            return self.store.get_unit(unit_id)
        except StoreError:
            return None

    def _default_new_kind(self) -> str:
        """What 新建 (Ctrl+N) starts in the section shown; the others are in its drop-down."""
        key = self.form_kind()
        if key == MONITORING:
            return kinds.PROJECT_MONITORING
        if key == EVALUATION:
            return kinds.EVALUATION_REPORT if self.role() is Role.FINANCE else kinds.SELF_REPORT
        return kinds.DECLARATION

    def new_form(self) -> FormRecord | None:
        """新建: the section's usual form (a declaration, a project monitoring table, a 绩效报告 or,
        for a finance office, an evaluation report)."""
        return self.starts[self._default_new_kind()]()

    def _show_new(self, record: FormRecord, message: str) -> FormRecord:
        """List the new form in its section and year, select it and open it."""
        section = SECTION_OF_FORM.get(record.form_id)
        if section is not None and section != self.form_kind():
            self.nav.blockSignals(True)
            self.show_section(section)
            self.nav.blockSignals(False)
            self._section_shown()
        shown = self.selected_year()
        self.refresh(select=record.id, year=shown if shown in (None, record.year) else record.year)
        self.statusBar().showMessage(message, 8000)
        self.open_form_id(record.id)
        return record

    def _generate(self, what: str, create: Callable[[], FormRecord],
                  message: Callable[[FormRecord], str]) -> FormRecord | None:
        """The monitoring flows' common end: generate `what` on the runner (its failure shown as 无法生成…),
        then list, select and open it."""
        end = self.runner.run(self, f"无法生成{what}", f"正在生成{what}…", lambda _: create(),
                              failure_title=f"无法生成{what}")
        if end.error:
            return None
        return self._show_new(end.value, message(end.value))

    def new_declaration(self, year: int | None = None) -> FormRecord | None:
        """新建绩效目标申报表: ask the project name, create a blank declaration for the unit, open it."""
        from perfdesk.ui import dialogs

        unit = self._own_unit_or_setup()
        if unit is None:
            return None
        year = year or self.selected_year() or dt.date.today().year + 1
        from perfdesk.ui.new_form_dialogs import form_source

        title = dialogs.ask_text(self, "新建绩效目标申报表", f"{form_source(DECLARATION)}\n\n{year}年度的项目名称：")
        if title is None:
            return None
        try:
            from perfdesk.app.operations import new_declaration

            record = new_declaration(self.store, unit, year, title.strip())
        except UserError as exc:
            QMessageBox.warning(self, "无法新建", str(exc))
            return None
        return self._show_new(record, f"已新建“{record.title}”")

    def _current_of(self, year: int | None) -> FormRecord | None:
        """The selected form, if it may seed a new one of `year` (any, when no year is fixed)."""
        current = self.current_record()
        return current if current is not None and year in (None, current.year) else None

    def _declarations_of(self, year: int) -> list[FormRecord]:
        return self.store.list_forms(year=year, form_id=DECLARATION)

    def new_project_monitoring(self, year: int | None = None) -> FormRecord | None:
        """新建项目监控表: from a declaration (the selected one, if a declaration is selected)."""
        from perfdesk.app.monitoring_operations import start_project_monitoring
        from perfdesk.ui import new_form_dialogs as new_dialogs

        current = self._current_of(year)
        preselect = current.id if current is not None and current.form_id == DECLARATION else None
        fixed = year
        year = year or (current.year if preselect is not None else (self.selected_year() or dt.date.today().year))
        try:
            dialog = new_dialogs.ProjectMonitoringDialog(self._declarations_of, self.store.years(), year, preselect,
                                                         self._unit_names(), self)
            if fixed is not None:
                dialog.fix_year(fixed)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            declaration, months = dialog.declaration().id, dialog.months.value()
        except UserError as exc:
            QMessageBox.warning(self, "无法生成项目监控表", str(exc))
            return None
        store = self.store
        return self._generate("项目监控表", lambda: start_project_monitoring(store, declaration, months),
                              lambda record: f"已生成“{record.title}”，请填写执行进度和指标完成情况")

    def new_department_monitoring(self, year: int | None = None) -> FormRecord | None:
        """新建部门整体监控表 for this installation's unit."""
        from perfdesk.app.monitoring_operations import start_department_monitoring
        from perfdesk.ui import new_form_dialogs as new_dialogs

        unit = self._own_unit_or_setup()
        if unit is None:
            return None
        dialog = new_dialogs.DepartmentMonitoringDialog(unit, year or self.selected_year() or dt.date.today().year,
                                                        self)
        if year is not None:
            dialog.fix_year(year)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        store, year, months = self.store, dialog.year.value(), dialog.months.value()
        return self._generate("部门整体监控表", lambda: start_department_monitoring(store, unit.id, year, months),
                              lambda record: f"已生成“{record.title}”")

    def new_monitoring_report(self, year: int | None = None) -> FormRecord | None:
        """生成监控分析报告 from the selected monitoring table (or one chosen when none is selected)."""
        from perfdesk.app.monitoring_operations import start_report
        from perfdesk.ui import new_form_dialogs as new_dialogs

        current = self._current_of(year)
        try:
            if current is not None and current.form_id in MONITORING_TABLES:
                source = current
            else:
                tables = [f for form_id in MONITORING_TABLES
                          for f in self.store.list_forms(year=year or self.selected_year(), form_id=form_id)]
                tables.sort(key=lambda f: (f.updated_at, f.id), reverse=True)
                dialog = new_dialogs.MonitoringSourceDialog(tables, None, self._unit_names(), self)
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return None
                source = dialog.monitoring()
        except UserError as exc:
            QMessageBox.warning(self, "无法生成监控分析报告", str(exc))
            return None
        store = self.store
        return self._generate("监控分析报告", lambda: start_report(store, source.id),
                              lambda record: f"已由“{source.title}”生成“{record.title}”，第二部分已按监控表填写")

    def new_evaluation_form(self, form_id: str, year: int | None = None) -> FormRecord | None:
        """新建绩效报告（提纲）/ 预算绩效评价报告 / 反馈意见函 / 整改报告书."""
        from perfdesk.app.operations import new_evaluation_form
        from perfdesk.ui import new_form_dialogs as new_dialogs

        unit = self._own_unit_or_setup()
        if unit is None:
            return None
        current = self._current_of(year)
        preselect = current.id if current is not None and current.form_id == DECLARATION else None
        fixed = year
        year = year or (current.year if preselect is not None
                        else new_dialogs.default_evaluation_year(self.selected_year()))
        try:
            dialog = new_dialogs.EvaluationFormDialog(form_id, unit, self._declarations_of, year,
                                                      unit_of=self._unit_or_none, parent=self)
            if fixed is not None:
                dialog.fix_year(fixed)
            if preselect is not None:
                dialog.choose_declaration(preselect)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            record = new_evaluation_form(self.store, form_id, dialog.unit(), dialog.year.value(),
                                                     dialog.project_name())
        except UserError as exc:
            QMessageBox.warning(self, "无法新建", str(exc))
            return None
        return self._show_new(record, f"已新建“{record.title}”")
