"""从 Excel 导入: the report of a filled template read back, cell by cell, before anything is saved.

With no refused value the clerk imports; with refused values nothing is saved unless the clerk
chooses 保留正确部分 (the form is saved with the good values, the refused cells keep what was stored)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.errors import UserError
from perfdesk.store import FormRecord, Store
from perfdesk.app.xlsx_cells import TemplateImport
from perfdesk.app.xlsx_import import remaining_errors, save_template_import
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.screen_fit import open_within_screen

COLUMNS = ("工作表", "单元格", "栏目", "问题")


class XlsxImportDialog(QDialog):
    def __init__(self, store: Store, result: TemplateImport, source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.outcome = store, result
        self.saved: FormRecord | None = None
        self.setObjectName("xlsxImportDialog")
        self.setWindowTitle("从 Excel 导入")
        open_within_screen(self, 860, 460)
        layout = QVBoxLayout(self)
        target = result.target
        where = f"表单 {target.id}“{target.title}”" if target is not None else "一份新表单"
        refused = len(result.refused)
        head = QLabel(self)
        head.setObjectName("importSummary")
        head.setWordWrap(True)
        verdict = ("尚未保存任何内容：可在 Excel 中改正后重新导入，或点“保留正确部分”只保存正确的值。" if refused
                   else "全部可以导入。")
        head.setText(f"文件：{source}\n导入到：{where}\n{result.summary()}。{verdict}")
        layout.addWidget(head)

        self.table = QTableWidget(len(result.problems), len(COLUMNS), self)
        self.table.setObjectName("importProblems")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for row, problem in enumerate(result.problems):
            kind = "" if problem.severity == "error" else "（警告，已导入）"
            for col, text in enumerate((problem.sheet, problem.cell, problem.label, problem.message + kind)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        self.table.setVisible(bool(result.problems))
        layout.addWidget(self.table, 1)

        buttons = QDialogButtonBox(self)
        self.import_button = QPushButton("导入", self)
        self.import_button.setObjectName("importAll")
        self.import_button.setEnabled(not refused)
        self.keep_button = QPushButton("保留正确部分", self)
        self.keep_button.setObjectName("keepGood")
        self.keep_button.setToolTip("保存文件中正确的值；有误的单元格保留表单中原来的内容")
        self.keep_button.setVisible(bool(refused))
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelImport")
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.ActionRole)
        add_help_button(buttons, "excel")
        self.import_button.clicked.connect(lambda: self._save(False))
        self.keep_button.clicked.connect(lambda: self._save(True))
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)

    def _save(self, keep_good: bool) -> None:
        try:
            self.saved = save_template_import(self.store, self.outcome, keep_good=keep_good)
            left = remaining_errors(self.store, self.saved)
        except UserError as exc:
            QMessageBox.warning(self, "无法导入", str(exc))
            return
        if left:
            QMessageBox.information(self, "已导入", f"已导入到“{self.saved.title}”。表单还有 {left} 个错误，请打开表单查看。")
        self.accept()
