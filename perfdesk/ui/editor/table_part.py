"""What every table editor shares: its place in the form, its help text, and its full height.

Tables are shown at full height inside the one scrolling form, so the clerk scrolls one page, as on
paper, instead of a small box inside a big one.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QTableView, QWidget

from perfdesk.domain.formdef import FieldDef, FormDef, TableDef
from perfdesk.ui.editor import table_clipboard
from perfdesk.ui.editor.cell_delegates import EntryDelegate
from perfdesk.ui.editor.document_model import DocumentModel
from perfdesk.ui.editor.field_widgets import ERROR_LABEL_STYLE, mark_help
from perfdesk.ui.editor.returned_marks import returned_frame, returned_tip
from perfdesk.domain.lifecycle import role_of


class TablePart(QWidget):
    """Base of the table editors; `refresh(path)` follows the model, `focus(path)` shows a cell."""

    help_requested = Signal(str, str)  # title, text: the current cell's 填表说明

    def __init__(self, doc: DocumentModel, table: TableDef, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.table, self.role = doc, table, role
        self.form: FormDef = doc.form
        self.setObjectName(f"{table.key}Editor")
        mark_help(self, table.label, table.help)
        self.returned: dict[str, str] = {}  # path inside this table → a reviewer's 退回理由

    def _entry_table(self, model: QAbstractItemModel) -> QTableView:
        """The table view of a model whose cells the clerk types into, each checked as typed: the
        model maps an index to its column (`column`) and says whether the role may fill it
        (`editable`); the subclass shows a typing error (`_live_error`)."""
        self.model = model
        model.reason_of = self.returned_reason
        view = QTableView(self)
        view.setObjectName(f"{self.table.key}Table")
        view.setModel(model)
        setup_table_view(view)
        view.setItemDelegate(EntryDelegate(self._column_of, self._live_error, view))
        table_clipboard.install(self, view)  # Ctrl+C / Ctrl+V of blocks, as Excel exchanges them
        return view

    def _column_of(self, index: QModelIndex) -> FieldDef | None:
        """The column of that cell when this role may type into it."""
        column = self.model.column(index)
        return column if self.model.editable(column) else None

    def _live_error(self, index: QModelIndex, message: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def refresh(self, path: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def focus(self, path: str) -> QWidget | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def focus_chain(self) -> list[QWidget]:
        return []

    def mark_returned(self, marks: dict[str, str]) -> None:
        """The reviewers' 退回理由 by path inside this table ({} once all are changed): cells and rows
        coloured with the reason as tooltip, a reason for the whole table as a frame around it."""
        if marks == self.returned:
            return
        self.returned = dict(marks)
        whole = marks.get(self.table.key, "")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(returned_frame(self.objectName()) if whole else "")
        self.setToolTip(returned_tip(whole) if whole else "")
        self._show_returned()

    def returned_reason(self, row: str, column: str) -> str:
        """The reason given for this cell or its whole row ("" when none)."""
        key = self.table.key
        return self.returned.get(f"{key}.{row}.{column}") or self.returned.get(f"{key}.{row}", "")

    def _show_returned(self) -> None:
        view = self.item_view()
        model = view.model() if view is not None else None
        if model is not None and model.rowCount() and model.columnCount():
            model.dataChanged.emit(model.index(0, 0), model.index(model.rowCount() - 1, model.columnCount() - 1))

    def current_help(self) -> tuple[str, str]:
        return self.table.label, self.table.help

    def item_view(self) -> QAbstractItemView | None:
        return None

    def copy_cells(self) -> str:
        """The selected block as tab-separated text, also put on the clipboard (编辑 → 复制)."""
        view = self.item_view()
        return table_clipboard.copy_cells(view) if isinstance(view, QTableView) else ""

    def paste_cells(self, text: str | None = None) -> int:
        """Paste `text` (else the clipboard) at the current cell (编辑 → 粘贴); cells written."""
        view = self.item_view()
        return table_clipboard.paste_cells(self, view, text) if isinstance(view, QTableView) else 0

    def commit_open_editor(self) -> None:
        """Write a cell still being edited into the document (before an explicit save or close)."""
        view = self.item_view()
        if view is not None and view.state() == QAbstractItemView.State.EditingState:
            editor = view.indexWidget(view.currentIndex())
            if editor is not None:
                view.itemDelegate().commitData.emit(editor)

    def editable(self, column_key: str) -> bool:
        column = self.table.column(column_key)
        return not (column.finance_only and not role_of(self.role).fills_finance_cells) and not column.computed

    def help_for(self, column_key: str) -> tuple[str, str]:
        column = self.table.column(column_key)
        text = column.help if self.editable(column_key) else f"由财政部门填写。{column.help}"
        return f"{self.table.label}·{column.label}", f"{text}\n\n{self.table.help}"


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("amountError")
    label.setStyleSheet(ERROR_LABEL_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def button_row(parent: QWidget, specs: list[tuple[str, str, str, object]]) -> QHBoxLayout:
    """Buttons (object name, text, tooltip, slot) in a row, left-aligned."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for name, text, tip, slot in specs:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    return row


def fit_table_height(view: QTableView) -> None:
    """As tall as its rows (at least one empty row), so the table itself never scrolls."""
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = view.horizontalHeader().sizeHint().height()
    rows = view.model().rowCount()
    body = sum(view.rowHeight(r) for r in range(rows)) if rows else view.verticalHeader().defaultSectionSize()
    scroll = view.horizontalScrollBar().sizeHint().height() if view.horizontalScrollBar().isVisible() else 0
    view.setFixedHeight(header + body + scroll + 2 * view.frameWidth() + 2)


def setup_table_view(view: QAbstractItemView) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                         | QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked)
    view.setTabKeyNavigation(False)  # Tab leaves the table, as it leaves every field
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    if isinstance(view, QTableView):
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
