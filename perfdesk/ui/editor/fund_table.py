"""资金来源计划: the fixed tree of fund sources with its three amount columns.

A parent row left blank shows, in grey, the sum of its children as `document.tree_values` computes it
(the printed form shows the same); 本年度实际安排资金 belongs to the finance office.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ...domain import money
from ...domain.document import display, tree_values
from ...domain.formdef import FieldDef, TableDef
from .cell_delegates import EntryDelegate
from .document_model import DocumentModel
from .entries import entry_error, stored_value
from .field_widgets import FINANCE_ONLY_TIP
from .row_tables import INVALID_BACKGROUND, READ_ONLY_BACKGROUND, total_name, totals_text
from .table_part import TablePart, error_label, fit_table_height, setup_table_view

SUMMED_COLOUR = QColor("#808080")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Index = QModelIndex | QPersistentModelIndex


class FundSourcesModel(QAbstractTableModel):
    """Column 0 is the source's label; columns 1.. are the table's amount columns."""

    def __init__(self, doc: DocumentModel, table: TableDef, role: str, parent=None) -> None:
        super().__init__(parent)
        self.doc, self.table, self.role = doc, table, role

    def column(self, index: Index) -> FieldDef | None:
        return self.table.columns[index.column() - 1] if index.column() > 0 else None

    def path(self, row: int, column: FieldDef) -> str:
        return f"{self.table.key}.{self.table.tree[row].key}.{column.key}"

    def editable(self, column: FieldDef | None) -> bool:
        return column is not None and not (column.finance_only and self.role == "unit")

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.table.tree)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.table.columns) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        column = self.table.columns[section - 1] if section > 0 else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column is None:
                return "资金来源"
            return f"{column.label}（由财政部门填）" if column.finance_only else column.label
        if role == Qt.ItemDataRole.ToolTipRole and column is not None:
            return column.help
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        tree_row = self.table.tree[index.row()]
        column = self.column(index)
        if column is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return "　　" * tree_row.depth + tree_row.label
            if role == Qt.ItemDataRole.FontRole and tree_row.children:
                font = QFont()
                font.setBold(True)
                return font
            return None
        raw = self.doc.value(self.path(index.row(), column))
        summed = raw in (None, "") and bool(tree_row.children)
        if role == Qt.ItemDataRole.DisplayRole:
            if summed:
                return money.format_amount(tree_values(self.doc.form, self.doc.data, self.table.key, column.key)[tree_row.key])
            return display(column, raw)
        if role == Qt.ItemDataRole.EditRole:
            return raw
        if role == Qt.ItemDataRole.ForegroundRole and summed:
            return SUMMED_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole:
            if not self.editable(column):
                return FINANCE_ONLY_TIP
            return entry_error(column, raw) or ("留空时显示其下各项之和" if tree_row.children else column.help)
        if role == Qt.ItemDataRole.BackgroundRole:
            if entry_error(column, raw):
                return INVALID_BACKGROUND
            return None if self.editable(column) else READ_ONLY_BACKGROUND
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.editable(self.column(index)):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        column = self.column(index)
        if role != Qt.ItemDataRole.EditRole or not self.editable(column):
            return False
        self.doc.set_value(self.path(index.row(), column), stored_value(column, value))
        return True

    def refresh(self) -> None:
        # Any cell can change a parent's sum: repaint the whole (small, fixed) table.
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))


class FundTableEditor(TablePart):
    def __init__(self, doc: DocumentModel, table: TableDef, role: str, parent: QWidget | None = None) -> None:
        super().__init__(doc, table, role, parent)
        self.model = FundSourcesModel(doc, table, role, self)
        self.view = QTableView(self)
        self.view.setObjectName(f"{table.key}Table")
        self.view.setModel(self.model)
        setup_table_view(self.view)
        self.view.verticalHeader().hide()
        self.view.setItemDelegate(EntryDelegate(self._column_of, self._live_error, self.view))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in range(1, self.model.columnCount()):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.errors = error_label()
        layout.addWidget(self.errors)
        self.total = QLabel(self)
        self.total.setObjectName(total_name(table.key))
        layout.addWidget(self.total)
        self.refresh(table.key)
        fit_table_height(self.view)

    def _column_of(self, index: QModelIndex) -> FieldDef | None:
        column = self.model.column(index)
        return column if self.model.editable(column) else None

    def refresh(self, path: str) -> None:
        self.model.refresh()
        self.total.setText(totals_text(self.doc, self.table))
        self._show_errors()

    def _show_errors(self, live: str = "") -> None:
        lines = [live] if live else []
        raw = self.doc.value(self.table.key) or {}
        for tree_row in self.table.tree:
            for column in self.table.columns:
                message = entry_error(column, (raw.get(tree_row.key) or {}).get(column.key))
                if message:
                    lines.append(f"{tree_row.label}·{column.label}：{message}")
        self.errors.setText("\n".join(lines[:4]))
        self.errors.setVisible(bool(lines))

    def _live_error(self, index: QModelIndex, message: str) -> None:
        where = f"{self.table.tree[index.row()].label}·{self.model.column(index).label}"
        self._show_errors(f"{where}：{message}" if message else "")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        column = self.model.column(current) if current.isValid() else None
        if column is not None:
            self.help_requested.emit(*self.help_for(column.key))

    def current_help(self) -> tuple[str, str]:
        current = self.view.currentIndex()
        column = self.model.column(current) if current.isValid() else None
        return self.help_for(column.key) if column is not None else super().current_help()

    def focus(self, path: str) -> QWidget | None:
        parts = path.split(".")
        rows = [r.key for r in self.table.tree]
        keys = [c.key for c in self.table.columns]
        row = rows.index(parts[1]) if len(parts) > 1 and parts[1] in rows else 0
        column = keys.index(parts[2]) + 1 if len(parts) > 2 and parts[2] in keys else 1
        self.view.setCurrentIndex(self.model.index(row, min(column, self.model.columnCount() - 1)))
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.view

    def item_view(self) -> QAbstractItemView:
        return self.view

    def focus_chain(self) -> list[QWidget]:
        return [self.view]
