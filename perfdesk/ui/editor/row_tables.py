"""Row tables: 支出明细预算 and 支出实施进度计划 (rows added, removed, moved) and 以前年度绩效评价情况
(three fixed rows). Totals come from `document.column_total`, never from sums done here."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QVBoxLayout, QWidget

from perfdesk.domain import money
from perfdesk.domain.document import column_total, display
from perfdesk.domain.formdef import FieldDef, TableDef
from perfdesk.ui.editor.cell_delegates import RIGHT_ALIGNED, cell_background, cell_flags
from perfdesk.ui.editor.document_model import DocumentModel
from perfdesk.ui.editor.entries import entry_error, stored_value
from perfdesk.ui.editor.field_widgets import FINANCE_ONLY_TIP
from perfdesk.ui.editor.returned_marks import returned_look
from perfdesk.ui.editor.table_part import TablePart, button_row, error_label, fit_table_height
from perfdesk.domain.lifecycle import role_of

Index = QModelIndex | QPersistentModelIndex


def total_name(table_key: str) -> str:
    """Object name of a table's 合计 label: expense_details → expenseTotal, fund_sources → fundTotal."""
    return f"{table_key.split('_')[0]}Total"


def totals_text(doc: DocumentModel, table: TableDef) -> str:
    parts = [f"{c.label} {money.format_amount(column_total(doc.form, doc.data, f'{table.key}.{c.key}'))} 万元"
             for c in table.columns if c.type == "amount"]
    return "合计：" + "，".join(parts)


class RowsTableModel(QAbstractTableModel):
    """A list-of-dicts table of the document, edited through the undo stack."""

    def __init__(self, doc: DocumentModel, table: TableDef, role: str, parent=None) -> None:
        super().__init__(parent)
        self.doc, self.table, self.role = doc, table, role
        self.reason_of = lambda row, column: ""  # a reviewer's 退回理由 for a cell (TablePart sets it)

    def column(self, index: Index) -> FieldDef:
        return self.table.columns[index.column()]

    def path(self, row: int, column: int) -> str:
        return f"{self.table.key}.{row}.{self.table.columns[column].key}"

    def editable(self, column: FieldDef) -> bool:
        return not (column.finance_only and not role_of(self.role).fills_finance_cells) and not column.computed

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.doc.rows(self.table.key))

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.table.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return self.table.columns[section].label if orientation == Qt.Orientation.Horizontal else str(section + 1)
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return self.table.columns[section].help
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.column(index)
        raw = self.doc.value(self.path(index.row(), index.column()))
        if role == Qt.ItemDataRole.DisplayRole:
            return display(column, raw)  # as printed: 1,234.50 and 2027年3月1日; a bad entry as typed
        if role == Qt.ItemDataRole.EditRole:
            return raw
        returned = not entry_error(column, raw) and returned_look(role, self.reason_of(str(index.row()), column.key))
        if returned:
            return returned
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry_error(column, raw) or (column.help if self.editable(column) else FINANCE_ONLY_TIP)
        if role == Qt.ItemDataRole.BackgroundRole:
            return cell_background(column, raw, self.editable(column))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.type == "amount":
            return RIGHT_ALIGNED
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return cell_flags(index.isValid() and self.editable(self.column(index)))

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable(self.column(index)):
            return False
        stored = stored_value(self.column(index), value) if isinstance(value, str) or value is None else value
        self.doc.set_value(self.path(index.row(), index.column()), stored)
        return True

    def refresh(self, path: str) -> None:
        parts = path.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < self.rowCount():
            keys = [c.key for c in self.table.columns]
            if parts[2] in keys:
                cell = self.index(int(parts[1]), keys.index(parts[2]))
                self.dataChanged.emit(cell, cell)
                return
        self.beginResetModel()  # rows added, removed or moved
        self.endResetModel()


class RowTableEditor(TablePart):
    """A table with 添加行/删除行/上移/下移 (rows kind) or fixed rows, a live 合计 and amount messages."""

    def __init__(self, doc: DocumentModel, table: TableDef, role: str, parent: QWidget | None = None) -> None:
        super().__init__(doc, table, role, parent)
        self.view = self._entry_table(RowsTableModel(doc, table, role, self))
        header = self.view.horizontalHeader()
        has_text = any(c.type in ("text", "longtext") for c in table.columns)
        for i, column in enumerate(table.columns):
            wide = column.type in ("text", "longtext") or not has_text  # 以前年度评价: all share the width
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch if wide else QHeaderView.ResizeMode.Interactive)
            if not wide:
                header.resizeSection(i, 130)
        self.view.selectionModel().currentChanged.connect(self._current_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if table.kind == "rows":
            layout.addLayout(button_row(self, [
                ("addRow", "添加行", "在当前行之后添加一行（可撤销）", self.add_row),
                ("removeRow", "删除行", "删除当前行（可撤销）", self.remove_row),
                ("moveUp", "上移", "把当前行上移一行", lambda: self.move(-1)),
                ("moveDown", "下移", "把当前行下移一行", lambda: self.move(1)),
            ]))
        layout.addWidget(self.view)
        self.errors = error_label()
        layout.addWidget(self.errors)
        self.total: QLabel | None = None
        if table.kind == "rows" and any(c.type == "amount" for c in table.columns):
            self.total = QLabel(self)
            self.total.setObjectName(total_name(table.key))
            layout.addWidget(self.total)
        self.refresh(table.key)

    # --- following the model ----------------------------------------------------------

    def refresh(self, path: str) -> None:
        self.model.refresh(path)
        if path == self.table.key:
            fit_table_height(self.view)
        if self.total is not None:
            self.total.setText(totals_text(self.doc, self.table))
        self._show_errors()

    def _show_errors(self, live: str = "") -> None:
        lines = [live] if live else []
        for r, row in enumerate(self.doc.rows(self.table.key)):
            for column in self.table.columns:
                message = entry_error(column, row.get(column.key))
                if message:
                    lines.append(f"第{r + 1}行{column.label}：{message}")
        self.errors.setText("\n".join(lines[:4] + (["……"] if len(lines) > 4 else [])))
        self.errors.setVisible(bool(lines))

    def _live_error(self, index: QModelIndex, message: str) -> None:
        where = f"第{index.row() + 1}行{self.model.column(index).label}"
        self._show_errors(f"{where}：{message}" if message else "")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.help_requested.emit(*self.help_for(self.model.column(current).key))

    def current_help(self) -> tuple[str, str]:
        current = self.view.currentIndex()
        return self.help_for(self.model.column(current).key) if current.isValid() else super().current_help()

    # --- row commands -----------------------------------------------------------------

    def _current_row(self) -> int:
        current = self.view.currentIndex()
        return current.row() if current.isValid() else -1

    def _select(self, row: int, column: int = 0) -> None:
        if 0 <= row < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(row, column))

    def add_row(self) -> None:
        row = self._current_row()
        at = row + 1 if row >= 0 else self.model.rowCount()
        self.doc.add_row(self.table.key, at, {c.key: c.default for c in self.table.columns})
        self._select(at)
        self.view.setFocus()

    def remove_row(self) -> None:
        row = self._current_row()
        if row >= 0:
            self.doc.remove_row(self.table.key, row)
            self._select(min(row, self.model.rowCount() - 1))

    def move(self, step: int) -> None:
        row, column = self._current_row(), max(self.view.currentIndex().column(), 0)
        if row >= 0 and 0 <= row + step < self.model.rowCount():
            self.doc.swap_rows(self.table.key, row, row + step)
            self._select(row + step, column)

    # --- focus ------------------------------------------------------------------------

    def focus(self, path: str) -> QWidget | None:
        parts = path.split(".")
        if len(parts) >= 2 and parts[1].isdigit():
            keys = [c.key for c in self.table.columns]
            column = keys.index(parts[2]) if len(parts) > 2 and parts[2] in keys else 0
            self._select(int(parts[1]), column)
        elif self.model.rowCount() and not self.view.currentIndex().isValid():
            self._select(0)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.view

    def item_view(self) -> QAbstractItemView:
        return self.view

    def focus_chain(self) -> list[QWidget]:
        return [self.view]
