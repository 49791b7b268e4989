"""The finance office's desk in the GUI: the 报送情况 matrix (units grouped by 主管部门 × the round's
kinds, each cell the status and days left or overdue, counts per column, filter 未报/逾期/待审,
the 催报 list exported as PDF and XLSX off the GUI thread), and at a unit its tasks with days left,
from which a new form starts with the task's year and kind.

main_window only calls install(win): a 任务 menu and, at a unit, the nearest deadline in the status bar.
At a finance office 下发任务 lists, makes and exports its own rounds (office_rounds.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from perfdesk.domain.lifecycle import Role
from perfdesk.domain.registry import form_name
from perfdesk.domain.dates import days_left, format_date
from perfdesk.domain.tasks import APPROVED, EMPTY, FILTERS, WAITING, Board, Cell, matches
from perfdesk.errors import UserError
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.screen_fit import open_within_screen

ALL = "全部"
# Cell colours: what needs chasing stands out, what is settled recedes.
_OVERDUE, _WAITING, _DONE, _EMPTY, _GROUP = "#f8d7d4", "#fff2c6", "#dcefdc", "#dde8f6", "#e9e9e9"


def _brush(cell: Cell) -> QBrush | None:
    if not cell.handed_in and cell.days < 0:
        return QBrush(QColor(_OVERDUE))
    colour = {WAITING: _WAITING, APPROVED: _DONE, EMPTY: _EMPTY}.get(cell.state)
    return QBrush(QColor(colour)) if colour else None


class StatusBoardWindow(QDialog):
    """报送情况 of one round, as of `today`."""

    def __init__(self, store, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        from perfdesk.store.office import OfficeStore

        self.store, self.today = store, today or dt.date.today()
        self.office = OfficeStore(store)
        self.board: Board | None = None
        self.job = None
        self.setWindowTitle("报送情况")
        self.setObjectName("statusBoard")
        open_within_screen(self, 1100, 720)
        self.task_box = QComboBox(self)
        self.task_box.setObjectName("taskBox")
        for task in self.office.tasks("own"):
            self.task_box.addItem(f"{task.year}年度{task.title}（{len(task.unit_codes)} 个单位）", task.id)
        self.filter_box = QComboBox(self)
        self.filter_box.setObjectName("filterBox")
        self.filter_box.addItems([ALL, *FILTERS])
        self.pdf_button = QPushButton("催报名单 PDF…", self)
        self.xlsx_button = QPushButton("催报名单 Excel…", self)
        self.pdf_button.setObjectName("chasePdf")
        self.xlsx_button.setObjectName("chaseXlsx")
        self.table = QTableWidget(self)
        self.table.setObjectName("statusMatrix")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel(self)
        self.summary.setObjectName("boardSummary")
        self.summary.setWordWrap(True)
        self.export_note = QLabel(self)
        self.export_note.setObjectName("exportNote")
        bar = QHBoxLayout()
        for label, widget in (("任务：", self.task_box), ("筛选：", self.filter_box)):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.pdf_button)
        bar.addWidget(self.xlsx_button)
        help_row = QDialogButtonBox(self)
        add_help_button(help_row, "board")  # the manual's 报送情况 and 催报
        bar.addWidget(help_row)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.export_note)
        self.task_box.currentIndexChanged.connect(self.load)
        self.filter_box.currentTextChanged.connect(self.apply_filter)
        self.pdf_button.clicked.connect(lambda: self.ask_export("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.ask_export("xlsx"))
        self.load()

    def task(self):
        task_id = self.task_box.currentData()
        return None if task_id is None else self.office.task(task_id)

    def load(self) -> None:
        from perfdesk.store.office import board_for

        task = self.task()
        self.table.clear()
        if task is None:
            self.summary.setText("本机还没有下发任务：在“任务 → 下发任务”中新建（或 perfdesk demo --office 看示例）。")
            self.pdf_button.setEnabled(False)
            self.xlsx_button.setEnabled(False)
            return
        self.board = board = board_for(self.office, task, self.today)
        kinds = board.kinds
        self.table.setColumnCount(len(kinds) + 1)
        self.table.setHorizontalHeaderLabels(
            ["单位"] + [f"{form_name(k) or k}\n截止 {board.deadlines[k]:%Y-%m-%d}" for k in kinds])
        rows = sum(len(g.rows) + 1 for g in board.groups) + 1
        self.table.setRowCount(rows)
        self.row_cells: list[tuple[int, dict[str, Cell] | None, str]] = []  # (row, cells or None for a group, group)
        r = 0
        bold = QFont()
        bold.setBold(True)
        for group in board.groups:
            item = QTableWidgetItem(f"{group.supervisor_name}（{group.supervisor_code}）　{len(group.rows)} 个单位")
            item.setFont(bold)
            item.setBackground(QBrush(QColor(_GROUP)))
            self.table.setItem(r, 0, item)
            self.table.setSpan(r, 0, 1, len(kinds) + 1)
            self.row_cells.append((r, None, group.supervisor_code))
            r += 1
            for row in group.rows:
                self.table.setItem(r, 0, QTableWidgetItem(f"{row.unit.name}（{row.unit.code}）"))
                for c, kind in enumerate(kinds, 1):
                    cell = row.cells[kind]
                    item = QTableWidgetItem(cell.text)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    item.setToolTip(f"截止 {format_date(cell.due)}"
                                    + (f"，{format_date(cell.received)}收到" if cell.received else ""))
                    brush = _brush(cell)
                    if brush is not None:
                        item.setBackground(brush)
                    self.table.setItem(r, c, item)
                self.row_cells.append((r, row.cells, group.supervisor_code))
                r += 1
        total = QTableWidgetItem("合计")
        total.setFont(bold)
        self.table.setItem(r, 0, total)
        for c, kind in enumerate(kinds, 1):
            n = board.counts[kind]
            item = QTableWidgetItem(f"已报 {n.handed_in}　未报 {n.missing}\n逾期 {n.overdue}　待审 {n.waiting}\n"
                                    f"退回 {n.returned}　通过 {n.approved}　空数据 {n.empty}")
            item.setFont(bold)
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(r, c, item)
        self.total_row = r
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for c in range(1, len(kinds) + 1):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowToContents(r)
        self.apply_filter(self.filter_box.currentText())

    def apply_filter(self, text: str) -> None:
        """Show only the units with a cell passing 未报 / 逾期 / 待审 (and their 主管部门's heading)."""
        if self.board is None:
            return  # no round yet: nothing to filter
        which = None if text == ALL else text
        shown_groups: set[str] = set()
        for r, cells, group in self.row_cells:
            if cells is None:
                continue
            visible = any(matches(c, which) for c in cells.values())
            self.table.setRowHidden(r, not visible)
            if visible:
                shown_groups.add(group)
        for r, cells, group in self.row_cells:
            if cells is None:
                self.table.setRowHidden(r, group not in shown_groups)
        chase = which != "待审"  # what waits for review was handed in: nobody to chase
        for button in (self.pdf_button, self.xlsx_button):
            button.setEnabled(chase)
            button.setToolTip("" if chase else "待审的表单都已报送，无需催报：筛选“全部”“未报”或“逾期”后导出催报名单")
        units = self.shown_units()
        overdue = sum(self.board.counts[k].overdue for k in self.board.kinds)
        self.summary.setText(f"统计日期 {format_date(self.today)}；显示 {len(units)} 个单位；"
                             f"逾期未报 {overdue} 项。红色：逾期未报；黄色：待审；绿色：审核通过；蓝色：空数据说明。")

    def shown_units(self) -> list[str]:
        """The units the matrix shows now (their names as listed), in order."""
        return [self.table.item(r, 0).text() for r, cells, _ in self.row_cells
                if cells is not None and not self.table.isRowHidden(r)]

    def cell_text(self, unit_code: str, kind: str) -> str:
        col = 1 + self.board.kinds.index(kind)
        for r, cells, _ in self.row_cells:
            if cells is not None and self.table.item(r, 0).text().endswith(f"（{unit_code}）"):
                return self.table.item(r, col).text()
        raise KeyError(unit_code)

    # --- the 催报 list ----------------------------------------------------------------------------

    def ask_export(self, kind: str) -> None:
        task = self.task()
        suffix = {"pdf": "PDF 文件 (*.pdf)", "xlsx": "Excel 工作簿 (*.xlsx)"}[kind]
        default = f"{task.year}年度{task.title}催报名单.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, "导出催报名单", default, suffix)
        if path:
            self.export_chase(Path(path), kind)

    def export_chase(self, path: Path, kind: str):
        """Write the 催报 list of the units shown under the current filter off the GUI thread; says how
        many units it lists when done."""
        from perfdesk.app.office_operations import write_chase
        from perfdesk.ui.runner import runner_for

        task, today, store = self.task(), self.today, self.store
        target = {"pdf": path} if kind == "pdf" else {"xlsx": path}
        which = None if self.filter_box.currentText() == ALL else self.filter_box.currentText()
        shown = f"筛选“{which}”，" if which else ""

        def work(context):
            return write_chase(store, task, today, pdf=target.get("pdf"), xlsx=target.get("xlsx"), which=which)

        self.job = runner_for(self).job(self, "催报名单", "正在导出催报名单…", work)
        # Told beside the matrix, not in a modal box: the clerk goes on reading the matrix.
        self.job.done.connect(lambda n: self.export_note.setText(f"已导出催报名单（{shown}{n} 个单位）：{path}"))
        self.job.failed.connect(lambda why: self.export_note.setText(f"未能导出催报名单：{why}"))
        return self.job.start()


class UnitTasksWindow(QDialog):
    """At a unit: the tasks received, each kind with its deadline and days left; 按任务新建 starts the
    form with the task's year and kind."""

    def __init__(self, win, store, *, today: dt.date | None = None) -> None:
        super().__init__(win)
        from perfdesk.store.office import OfficeStore

        self.win, self.today = win, today or dt.date.today()
        self.setWindowTitle("下发任务")
        self.setObjectName("unitTasks")
        open_within_screen(self, 760, 360)
        self.table = QTableWidget(self)
        self.table.setObjectName("taskTable")
        self.table.setColumnCount(5)
        self.table.setHorizontalHeaderLabels(["任务", "表单", "报送期限", "剩余", "依据"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.rows = [(task, kind) for task in OfficeStore(store).tasks("received") for kind in task.deadlines]
        self.table.setRowCount(len(self.rows))
        for r, (task, kind) in enumerate(self.rows):
            due = task.due(kind)
            texts = [f"{task.year}年度{task.title}（{task.office_name}）", form_name(kind) or kind,
                     format_date(due), days_left((due - self.today).days), task.deadlines[kind].source]
            for c, text in enumerate(texts):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.new_button = QPushButton("按任务新建表单", self)
        self.new_button.setObjectName("newFromTask")
        self.new_button.clicked.connect(self.start_selected)
        layout = QVBoxLayout(self)
        if not self.rows:
            layout.addWidget(QLabel("还没有收到任务：用“提交包 → 导入”或 perfdesk task import 导入财政部门下发的任务包。", self))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        help_row = QDialogButtonBox(self)
        add_help_button(help_row, "tasks")  # the manual's 任务下发
        row.addWidget(help_row)
        row.addStretch(1)
        row.addWidget(self.new_button)
        layout.addLayout(row)

    def start_selected(self):
        r = self.table.currentRow()
        if r < 0:
            QMessageBox.information(self, "按任务新建", "请先选中一项任务。")
            return None
        task, kind = self.rows[r]
        return start_from_task(self.win, task, kind)


def start_from_task(win, task, kind: str):
    """A new form of the task's kind, of the task's year: the way 新建 starts that kind (the project name,
    the declaration it follows…), the year fixed to the task's."""
    start = win.starts.get(kind)
    if start is None:
        QMessageBox.information(win, "按任务新建", f"{form_name(kind) or kind}不在本机新建，请按任务要求另行报送。")
        return None
    return start(year=task.year)


def nearest_deadline(store, today: dt.date) -> str:
    """The status bar's line at a unit: the nearest deadline of its tasks, or ''."""
    from perfdesk.store.office import OfficeStore

    upcoming = sorted((task.due(kind), kind, task) for task in OfficeStore(store).tasks("received")
                      for kind in task.deadlines)
    if not upcoming:
        return ""
    due, kind, task = next(((d, k, t) for d, k, t in upcoming if d >= today), upcoming[-1])
    return f"下发任务：{form_name(kind)} {format_date(due)}截止，{days_left((due - today).days)}"


def show_deadline(win, tries: int = 60) -> None:
    """The nearest deadline of the unit's tasks, once the store is open: a window painted from a first
    look opens it just after the first paint, and must not be made to open it earlier."""
    if not win.store_is_open():
        if tries:
            # the label as context: a window closed meanwhile drops the timer instead of touching it
            QTimer.singleShot(500, win.deadline_label, lambda: show_deadline(win, tries - 1))
        return
    try:
        win.deadline_label.setText(nearest_deadline(win.store, dt.date.today()))
    except UserError:
        win.deadline_label.setText("")


def show_status_board(win, today: dt.date | None = None) -> StatusBoardWindow:
    window = StatusBoardWindow(win.store, win, today=today)
    window.show()
    win.status_board = window
    return window


def show_tasks(win, today: dt.date | None = None):
    """任务 → 下发任务: at a finance office the rounds it sends down (office_rounds), at a unit the tasks it received."""
    if win.role() is Role.FINANCE:
        from perfdesk.ui.office_rounds import show_rounds

        return show_rounds(win)
    return show_unit_tasks(win, today)


def show_unit_tasks(win, today: dt.date | None = None) -> UnitTasksWindow:
    window = UnitTasksWindow(win, win.store, today=today)
    window.show()
    win.unit_tasks = window
    return window
