"""按列导入: rows of a form's table from any Excel sheet, the clerk choosing which sheet column holds
which table column. The choice is remembered per form and table (xlsx_columns.remember)."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain.registry import form_of
from perfdesk.errors import UserError
from perfdesk.store import FormRecord, Store
from perfdesk.app.xlsx_columns import SheetRows, apply_rows, importable_tables, map_rows, remember, remembered
from perfdesk.ui.help_window import add_help_button

SKIP = "（不导入）"


class ColumnMappingDialog(QDialog):
    def __init__(self, store: Store, record: FormRecord, sheets: list[SheetRows], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.record, self.sheets = store, record, sheets
        self.form = form_of(record)
        self.saved: FormRecord | None = None
        self.setObjectName("columnMappingDialog")
        self.setWindowTitle(f"按列导入 – {record.title}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel("选择工作表和要导入的表格，再为每个栏目选择 Excel 中对应的列。选择会按表单记住，下次自动带出。", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        top = QFormLayout()
        self.sheet_box = QComboBox(self)
        self.sheet_box.setObjectName("sheetBox")
        self.sheet_box.addItems([s.title for s in sheets])
        self.table_box = QComboBox(self)
        self.table_box.setObjectName("tableBox")
        for key in importable_tables(self.form):
            self.table_box.addItem(self.form.tables[key].label, key)
        self.first_row = QSpinBox(self)
        self.first_row.setObjectName("firstRow")
        self.first_row.setRange(1, 100000)
        self.first_row.setValue(2)
        top.addRow("工作表：", self.sheet_box)
        top.addRow("导入到：", self.table_box)
        top.addRow("数据从第几行开始：", self.first_row)
        layout.addLayout(top)
        self.columns_form = QFormLayout()
        layout.addLayout(self.columns_form)
        self.column_boxes: dict[str, QComboBox] = {}
        buttons = QDialogButtonBox(self)
        ok = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("importRows")
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        add_help_button(buttons, "excel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.sheet_box.currentIndexChanged.connect(self._rebuild)
        self.table_box.currentIndexChanged.connect(self._rebuild)
        self._rebuild()

    def sheet(self) -> SheetRows:
        return self.sheets[self.sheet_box.currentIndex()]

    def table(self) -> str:
        return self.table_box.currentData()

    def _rebuild(self) -> None:
        while self.columns_form.rowCount():
            self.columns_form.removeRow(0)
        self.column_boxes.clear()
        saved = remembered(self.store, self.form.id, self.table())
        mapping, first = saved if saved else ({}, 2)
        self.first_row.setValue(first)
        header = self.sheet().header(max(first - 1, 1))
        width = max((len(r) for r in self.sheet().rows), default=0)
        for column in self.form.tables[self.table()].columns:
            if column.finance_only:
                continue
            box = QComboBox(self)
            box.setObjectName(f"column_{column.key}")
            box.addItem(SKIP, 0)
            for number in range(1, width + 1):
                title = header[number - 1] if number - 1 < len(header) else ""
                box.addItem(f"{get_column_letter(number)} 列" + (f"：{title}" if title else ""), number)
            if column.key in mapping:
                box.setCurrentIndex(max(box.findData(mapping[column.key]), 0))
            self.column_boxes[column.key] = box
            self.columns_form.addRow(f"{column.label}：", box)

    def mapping(self) -> dict[str, int]:
        return {key: box.currentData() for key, box in self.column_boxes.items() if box.currentData()}

    def accept(self) -> None:
        mapping = self.mapping()
        if not mapping:
            QMessageBox.information(self, "按列导入", "请至少为一个栏目选择对应的列。")
            return
        mapped = map_rows(self.form, self.table(), self.sheet(), mapping, self.first_row.value())
        keep = False
        if mapped.refused:
            listed = "\n".join(p.line() for p in mapped.refused[:12])
            more = f"\n……共 {len(mapped.refused)} 个" if len(mapped.refused) > 12 else ""
            box = QMessageBox(QMessageBox.Icon.Warning, "有单元格有误", f"以下单元格有误，尚未保存任何内容：\n{listed}{more}", parent=self)
            keep_button = box.addButton("保留正确部分", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is not keep_button:
                return
            keep = True
        try:
            self.saved = apply_rows(self.store, self.record, mapped, keep_good=keep)
            remember(self.store, self.form.id, self.table(), mapping, self.first_row.value())
        except UserError as exc:
            QMessageBox.warning(self, "无法导入", str(exc))
            return
        self.imported = len(mapped.rows)
        super().accept()
