"""A fixed tree of fund sources: 资金来源计划 of the declaration, 项目资金 of the evaluation report, and
the monitoring tables' 预算安排及执行进度 with their computed columns (小计, 下达率%, 支出进度%).

A parent row left blank shows, in grey, the sum of its children as `document.tree_values` computes it
(the printed form shows the same); computed columns come from `document.derived_values`, read-only,
and a rate whose denominator is zero or blank shows “—”. Columns follow the printed order and
headings, with the monitoring period filled in ("1-9月支出数").
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QVBoxLayout, QWidget

from perfdesk.domain import money
from perfdesk.domain.document import derived_values, display, tree_values
from perfdesk.domain.formdef import FieldDef, TableDef
from perfdesk.ui.editor.cell_delegates import READ_ONLY_BACKGROUND, RIGHT_ALIGNED, cell_background, cell_flags
from perfdesk.ui.editor.document_model import DocumentModel
from perfdesk.ui.editor.entries import entry_error, stored_value
from perfdesk.ui.editor.field_widgets import FINANCE_ONLY_TIP
from perfdesk.ui.editor.returned_marks import returned_look
from perfdesk.ui.editor.headers import fill_months, period_of, printed_columns, short_header
from perfdesk.ui.editor.row_tables import total_name, totals_text
from perfdesk.ui.editor.table_part import TablePart, error_label, fit_table_height
from perfdesk.domain.lifecycle import role_of

SUMMED_COLOUR = QColor("#808080")
NO_RATE = "—"  # a rate whose denominator is zero or blank
DERIVED_TIP = "自动计算，不可填写"
Index = QModelIndex | QPersistentModelIndex


class FundSourcesModel(QAbstractTableModel):
    """Column 0 is the source's label; columns 1.. are the table's columns in printed order, typed
    (amounts) or computed (derived: read-only)."""

    def __init__(self, doc: DocumentModel, table: TableDef, role: str, parent=None) -> None:
        super().__init__(parent)
        self.doc, self.table, self.role = doc, table, role
        self.reason_of = lambda row, column: ""  # a reviewer's 退回理由 for a cell (TablePart sets it)
        self.printed = [c for c in printed_columns(doc.form, table) if not c.option]
        self._derived: dict | None = None  # computed columns, worked out once per change

    def key(self, index: Index) -> str | None:
        return self.printed[index.column() - 1].key if index.column() > 0 else None

    def column(self, index: Index) -> FieldDef | None:
        key = self.key(index)
        return None if key is None or key in self.table.derived else self.table.column(key)

    def derived_key(self, index: Index) -> str | None:
        key = self.key(index)
        return key if key in self.table.derived else None

    def column_index(self, key: str) -> int:
        """View column of a data or derived column key (1-based; 0 is the label)."""
        return next((i + 1 for i, c in enumerate(self.printed) if c.key == key), 1)

    def path(self, row: int, column: FieldDef) -> str:
        return f"{self.table.key}.{self.table.tree[row].key}.{column.key}"

    def editable(self, column: FieldDef | None, row: int | None = None) -> bool:
        if row is not None and self.table.sum_parents and self.table.tree[row].children:
            return False  # a score table's 小计: always the sum of its items
        return column is not None and not (column.finance_only and not role_of(self.role).fills_finance_cells) and not column.computed

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.table.tree)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.printed) + 1

    def header_text(self, section: int) -> str:
        """The full printed heading of a column, period filled in."""
        if section <= 0:
            return "资金来源"
        printed = self.printed[section - 1]
        if printed.header:
            return fill_months(printed.header, period_of(self.doc.form, self.doc.data))
        if printed.key in self.table.derived:
            return str(self.table.derived[printed.key].get("label") or printed.key)
        column = self.table.column(printed.key)
        return fill_months(column.label, period_of(self.doc.form, self.doc.data))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        key = self.printed[section - 1].key if section > 0 else None
        column = None if key is None or key in self.table.derived else self.table.column(key)
        if role == Qt.ItemDataRole.DisplayRole:
            text = short_header(self.header_text(section))
            return f"{text}（由财政部门填）" if column is not None and column.finance_only else text
        if role == Qt.ItemDataRole.ToolTipRole and key is not None:
            full = self.header_text(section).replace("\n", "")
            if column is None:
                return f"{full}：{self.formula(key)}，{DERIVED_TIP}"
            return f"{full}\n{column.help}" if full != column.label else column.help
        return None

    def formula(self, key: str) -> str:
        """How a computed column is worked out, in the table's own words (小计 = 上年结转 + 本年预算)."""
        rule = self.table.derived[key]

        def label(k: str) -> str:
            return str(self.table.derived[k].get("label")) if k in self.table.derived else self.table.column(k).label

        if "rate" in rule:
            top, bottom = rule["rate"]
            return f"{label(top)} ÷ {label(bottom)} × 100%"
        return " + ".join(label(k) for k in rule.get("sum") or [])

    def derived(self) -> dict:
        if self._derived is None:
            self._derived = derived_values(self.doc.form, self.doc.data, self.table.key) if self.table.derived else {}
        return self._derived

    def derived_text(self, key: str, row_key: str) -> str:
        value = self.derived()[key][row_key]
        if "rate" in self.table.derived[key]:
            return NO_RATE if value is None else f"{value:.2f}"
        return money.format_amount(value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        tree_row = self.table.tree[index.row()]
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:  # a scored row shows its 分值 (cap), as printed
                cap = f"（{format(tree_row.points.normalize(), 'f')}分）" if tree_row.points is not None else ""
                return "　　" * tree_row.depth + tree_row.label + cap
            if role == Qt.ItemDataRole.ToolTipRole and (tree_row.note or tree_row.points is not None):
                return tree_row.note or f"本项最高 {format(tree_row.points.normalize(), 'f')} 分"
            if role == Qt.ItemDataRole.FontRole and tree_row.children:
                font = QFont()
                font.setBold(True)
                return font
            return None
        derived = self.derived_key(index)
        if derived is not None:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.derived_text(derived, tree_row.key)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{self.formula(derived)}（{DERIVED_TIP}）"
            if role == Qt.ItemDataRole.BackgroundRole:
                return READ_ONLY_BACKGROUND
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return RIGHT_ALIGNED
            return None
        column = self.column(index)
        raw = self.doc.value(self.path(index.row(), column))
        summed = bool(tree_row.children) and (raw in (None, "") or self.table.sum_parents)
        if role == Qt.ItemDataRole.DisplayRole:
            if summed:
                return money.format_amount(tree_values(self.doc.form, self.doc.data, self.table.key, column.key)[tree_row.key])
            return display(column, raw)
        if role == Qt.ItemDataRole.EditRole:
            return raw
        if role == Qt.ItemDataRole.ForegroundRole and summed:
            return SUMMED_COLOUR
        returned = not entry_error(column, raw) and returned_look(role, self.reason_of(tree_row.key, column.key))
        if returned:
            return returned
        if role == Qt.ItemDataRole.ToolTipRole:
            if not self.editable(column):
                return FINANCE_ONLY_TIP
            return entry_error(column, raw) or ("留空时显示其下各项之和" if tree_row.children else column.help)
        if role == Qt.ItemDataRole.BackgroundRole:
            return cell_background(column, raw, self.editable(column))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT_ALIGNED
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return cell_flags(index.isValid() and self.editable(self.column(index), index.row()))

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        column = self.column(index)
        if role != Qt.ItemDataRole.EditRole or not self.editable(column, index.row()):
            return False
        self.doc.set_value(self.path(index.row(), column), stored_value(column, value))
        return True

    def refresh(self) -> None:
        # Any cell can change a parent's sum or a rate: repaint the whole (small, fixed) table.
        self._derived = None
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def relabel(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)


class FundTableEditor(TablePart):
    def __init__(self, doc: DocumentModel, table: TableDef, role: str, parent: QWidget | None = None) -> None:
        super().__init__(doc, table, role, parent)
        self.view = self._entry_table(FundSourcesModel(doc, table, role, self))
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in range(1, self.model.columnCount()):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(72)
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

    def relabel(self) -> None:
        """The period changed: headings such as “1-6月支出数” follow it."""
        self.model.relabel()

    def _live_error(self, index: QModelIndex, message: str) -> None:
        where = f"{self.table.tree[index.row()].label}·{self.model.column(index).label}"
        self._show_errors(f"{where}：{message}" if message else "")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.column() > 0:
            self.help_requested.emit(*self.current_help())

    def current_help(self) -> tuple[str, str]:
        current = self.view.currentIndex()
        if not current.isValid() or current.column() == 0:
            return super().current_help()
        column = self.model.column(current)
        if column is not None:
            return self.help_for(column.key)
        key = self.model.derived_key(current)
        title = f"{self.table.label}·{short_header(self.model.header_text(current.column()))}"
        return title, f"{self.model.formula(key)}（{DERIVED_TIP}）\n\n{self.table.help}"

    def focus(self, path: str) -> QWidget | None:
        parts = path.split(".")
        rows = [r.key for r in self.table.tree]
        row = rows.index(parts[1]) if len(parts) > 1 and parts[1] in rows else 0
        column = self.model.column_index(parts[2]) if len(parts) > 2 else 1
        self.view.setCurrentIndex(self.model.index(row, min(column, self.model.columnCount() - 1)))
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.view

    def item_view(self) -> QAbstractItemView:
        return self.view

    def focus_chain(self) -> list[QWidget]:
        return [self.view]
