"""The questions asked before a monitoring or evaluation form is created, one dialog per way of starting:

- 新建项目监控表: which declaration of which year, and the period (1–12 months, default 6);
- 新建部门整体监控表: which year and period, for this installation's unit;
- 生成监控分析报告: which monitoring table (when the list's selection is not one already);
- 新建绩效报告（提纲）/ 预算绩效评价报告 / 反馈意见函 / 整改报告书: the year and the project, typed or taken
  from one of that year's declarations.

The dialogs only ask; the main window creates the forms through `monitoring_operations` and
`operations.new_evaluation_form`. Tests answer a dialog by replacing its `exec`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain.lifecycle import Status
from perfdesk.domain.registry import EVALUATION_FORMS, get_form
from perfdesk.store.records import FormRecord, UnitRecord
from perfdesk.ui.help_window import add_help_button
from perfdesk.domain.form_kinds import DEPT_MONITORING, MONITORING_REPORT, PROJECT_MONITORING

DEFAULT_MONTHS = 6
# A declaration in one of these states was approved or handed in: offered first, in this order.
HANDED_IN = (Status.APPROVED, Status.DEPT_REVIEW, Status.PERF_REVIEW, Status.SUPERVISOR_REVIEW, Status.SUBMITTED)
NO_SOURCE = "（不按申报表，直接填写项目名称）"
EVALUATION_KINDS = EVALUATION_FORMS
_ERROR_STYLE = "color: #c62828;"


def months_box(parent: QWidget, months: int = DEFAULT_MONTHS) -> QSpinBox:
    box = QSpinBox(parent)
    box.setObjectName("monthsBox")
    box.setRange(1, 12)
    box.setValue(months)
    box.setPrefix("1-")
    box.setSuffix("月")
    box.setToolTip("监控期间截至的月份（1-12 月），7 月监控填 6")
    return box


def year_box(parent: QWidget, year: int) -> QSpinBox:
    box = QSpinBox(parent)
    box.setObjectName("yearBox")
    box.setRange(2000, 2100)
    box.setValue(year)
    box.setSuffix(" 年度")
    return box


def describe_form(record: FormRecord, unit_names: dict[int, str] | None = None) -> str:
    unit = (unit_names or {}).get(record.unit_id)
    return f"{record.title}（{record.status.display}{' · ' + unit if unit else ''}）"


def form_source(form_id: str) -> str:
    """Which file the new form follows: 表单定义：第1版 · 随程序安装 (or 用户目录 / --forms and the path)."""
    form = get_form(form_id)
    return f"表单定义：{form.name} 第{form.version}版 · {form.origin}"


class _Dialog(QDialog):
    """A title, a form of questions, a line for what is wrong, and 确定/取消."""

    def __init__(self, name: str, title: str, intro: str, parent: QWidget | None, ok_text: str = "确定",
                 form_id: str = "") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro, self)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("dialogError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_ERROR_STYLE)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        if form_id:
            origin = QLabel(form_source(form_id), self)
            origin.setObjectName("formOrigin")
            origin.setWordWrap(True)
            origin.setStyleSheet("color: #555;")
            layout.addWidget(origin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        add_help_button(buttons, "new")  # the manual's 新建表单 page
        layout.addWidget(buttons)

    def fix_year(self, year: int) -> None:
        """The year a task gives (任务 → 按任务新建): shown, and not to be changed here."""
        box = getattr(self, "year_box", None) or self.year
        if isinstance(box, QComboBox):
            if box.findData(year) < 0:
                box.addItem(f"{year}年度", year)
            box.setCurrentIndex(box.findData(year))
        else:
            box.setValue(year)
        box.setEnabled(False)
        box.setToolTip(f"按下发任务新建：年度为任务的 {year} 年度")

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""


class ProjectMonitoringDialog(_Dialog):
    """新建项目监控表: a declaration of the chosen year (handed-in ones first) and the period."""

    def __init__(self, declarations_of: Callable[[int], list[FormRecord]], years: Sequence[int], year: int,
                 preselect: int | None = None, unit_names: dict[int, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("newProjectMonitoringDialog", "新建项目支出绩效运行监控表",
                         "监控表按所选申报表批复的资金和绩效指标生成，只需填写执行进度和指标完成情况。", parent, "生成",
                         PROJECT_MONITORING)
        self._declarations_of, self._unit_names, self._preselect = declarations_of, unit_names or {}, preselect
        self.year_box = QComboBox(self)
        self.year_box.setObjectName("yearBox")
        for each in sorted(set(years) | {year}, reverse=True):
            self.year_box.addItem(f"{each}年度", each)
        self.declaration_box = QComboBox(self)
        self.declaration_box.setObjectName("declarationBox")
        self.declaration_box.setMinimumContentsLength(28)
        self.note = QLabel(self)
        self.note.setObjectName("declarationNote")
        self.note.setWordWrap(True)
        self.months = months_box(self)
        self.form.addRow("预算年度：", self.year_box)
        self.form.addRow("申报表：", self.declaration_box)
        self.form.addRow("", self.note)
        self.form.addRow("监控期间：", self.months)
        self.year_box.currentIndexChanged.connect(self._fill)
        self.declaration_box.currentIndexChanged.connect(self._show_note)
        self.year_box.setCurrentIndex(max(self.year_box.findData(year), 0))
        self._fill()

    def _fill(self) -> None:
        year = self.year_box.currentData()
        found = self._declarations_of(year) if year is not None else []
        rank = {status: i for i, status in enumerate(HANDED_IN)}
        found.sort(key=lambda record: rank.get(record.status, len(rank)))  # stable: newest first within each
        self.declaration_box.blockSignals(True)
        self.declaration_box.clear()
        for record in found:
            self.declaration_box.addItem(describe_form(record, self._unit_names), record)
        index = next((i for i, record in enumerate(found) if record.id == self._preselect), 0)
        self.declaration_box.setCurrentIndex(index if found else -1)
        self.declaration_box.blockSignals(False)
        self._show_note()

    def _show_note(self) -> None:
        record = self.declaration()
        if record is None:
            text = f"{self.year_box.currentText()}没有申报表。"
        elif record.status not in HANDED_IN:
            text = f"所选申报表的状态为“{record.status.display}”，尚未报送或审核通过；监控表将按其现有内容生成。"
        else:
            text = ""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def declaration(self) -> FormRecord | None:
        return self.declaration_box.currentData()

    def select_declaration(self, form_instance_id: int) -> bool:
        for i in range(self.declaration_box.count()):
            if self.declaration_box.itemData(i).id == form_instance_id:
                self.declaration_box.setCurrentIndex(i)
                return True
        return False

    def accept(self) -> None:
        if self.declaration() is None:
            self.show_error("请选择一份申报表；该年度没有申报表时，请换一个年度。")
            return
        super().accept()


class DepartmentMonitoringDialog(_Dialog):
    """新建部门整体监控表 for this installation's unit: the year and the period."""

    def __init__(self, unit: UnitRecord, year: int, parent: QWidget | None = None) -> None:
        super().__init__("newDeptMonitoringDialog", "新建部门整体支出绩效运行监控表",
                         "监控表带出本单位的主管部门和该年度各申报项目的预算数，其余按监控期间填写。", parent, "生成",
                         DEPT_MONITORING)
        self.unit_label = QLabel(unit.name, self)
        self.unit_label.setObjectName("unitLabel")
        self.year = year_box(self, year)
        self.months = months_box(self)
        self.form.addRow("单位：", self.unit_label)
        self.form.addRow("预算年度：", self.year)
        self.form.addRow("监控期间：", self.months)


class MonitoringSourceDialog(_Dialog):
    """生成监控分析报告: the monitoring table the report's figures come from."""

    def __init__(self, tables: list[FormRecord], preselect: int | None = None,
                 unit_names: dict[int, str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__("monitoringSourceDialog", "生成绩效监控分析报告",
                         "报告第二部分（预算执行和绩效目标实现情况）按所选监控表的数据生成，生成后可修改。", parent, "生成",
                         MONITORING_REPORT)
        self.table_box = QComboBox(self)
        self.table_box.setObjectName("monitoringBox")
        self.table_box.setMinimumContentsLength(28)
        for record in tables:
            self.table_box.addItem(describe_form(record, unit_names), record)
        self.table_box.setCurrentIndex(next((i for i, r in enumerate(tables) if r.id == preselect), 0) if tables else -1)
        self.form.addRow("运行监控表：", self.table_box)

    def monitoring(self) -> FormRecord | None:
        return self.table_box.currentData()

    def accept(self) -> None:
        if self.monitoring() is None:
            self.show_error("没有运行监控表。请先新建项目监控表或部门整体监控表。")
            return
        super().accept()


class EvaluationFormDialog(_Dialog):
    """新建绩效报告（提纲）/ 预算绩效评价报告 / 反馈意见函 / 整改报告书: the year and the project."""

    def __init__(self, form_id: str, unit: UnitRecord | None, declarations_of: Callable[[int], list[FormRecord]],
                 year: int, unit_of: Callable[[int], UnitRecord | None] | None = None,
                 parent: QWidget | None = None) -> None:
        form = get_form(form_id)
        super().__init__("newEvaluationFormDialog", f"新建{form.name}",
                         "可从该年度的申报表带出项目名称和单位，也可直接填写项目名称。", parent, "新建", form_id)
        self.form_id = form_id
        self._own_unit, self._declarations_of = unit, declarations_of
        self._unit_of = unit_of or (lambda _unit_id: None)
        self.year = year_box(self, year)
        self.source_box = QComboBox(self)
        self.source_box.setObjectName("sourceBox")
        self.source_box.setMinimumContentsLength(28)
        self.project = QLineEdit(self)
        self.project.setObjectName("projectName")
        self.project.setPlaceholderText("例如：2025年校舍维修改造项目")
        self.unit_label = QLabel(self)
        self.unit_label.setObjectName("unitLabel")
        self.form.addRow("预算年度：", self.year)
        self.form.addRow("来源申报表：", self.source_box)
        self.form.addRow("项目名称：", self.project)
        self.form.addRow("单位：", self.unit_label)
        self.year.valueChanged.connect(self._fill)
        self.source_box.currentIndexChanged.connect(self._source_chosen)
        self._fill()

    def _fill(self) -> None:
        self.source_box.blockSignals(True)
        self.source_box.clear()
        self.source_box.addItem(NO_SOURCE, None)
        for record in self._declarations_of(self.year.value()):
            self.source_box.addItem(f"{record.title}（{record.status.display}）", record)
        self.source_box.setCurrentIndex(0)
        self.source_box.blockSignals(False)
        self._source_chosen()

    def _source_chosen(self) -> None:
        record = self.declaration()
        if record is not None:
            self.project.setText(record.title)
        unit = self.unit()
        self.unit_label.setText(unit.name if unit is not None else "（未设置本单位，请先在“设置 → 单位设置”中填写）")

    def choose_declaration(self, form_instance_id: int) -> bool:
        for i in range(1, self.source_box.count()):
            if self.source_box.itemData(i).id == form_instance_id:
                self.source_box.setCurrentIndex(i)
                return True
        return False

    def declaration(self) -> FormRecord | None:
        return self.source_box.currentData()

    def unit(self) -> UnitRecord | None:
        """The declaration's unit when one is chosen (a finance office evaluates other units), else our own."""
        record = self.declaration()
        if record is not None:
            return self._unit_of(record.unit_id) or self._own_unit
        return self._own_unit

    def project_name(self) -> str:
        return self.project.text().strip()

    def accept(self) -> None:
        if not self.project_name():
            self.show_error("请填写项目名称，或选择一份来源申报表。")
            self.project.setFocus()
            return
        if self.unit() is None:
            self.show_error("还没有设置本单位，请先在“设置 → 单位设置”中填写。")
            return
        super().accept()


def default_evaluation_year(selected: int | None, today: dt.date | None = None) -> int:
    """Evaluation looks back: the chosen year, else last year."""
    return selected if selected is not None else (today or dt.date.today()).year - 1


def default_budget_year(selected: int | None, today: dt.date | None = None) -> int:
    """What goes with a budget being drawn up (事前绩效评估 of a project asking for funds) is of the year the
    declarations are for: the chosen year, else next year, as 新建申报表."""
    return selected if selected is not None else (today or dt.date.today()).year + 1
