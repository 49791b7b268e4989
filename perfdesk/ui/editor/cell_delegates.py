"""Cell editors for the tables: a line that checks 万元 amounts, scores and dates as they are typed, or a list.

The live check only colours the editor and reports the reason; whatever is typed is committed as is,
so a bad entry is kept for the clerk to correct and the checks dock names it.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from perfdesk.domain.formdef import FieldDef
from perfdesk.ui.editor.entries import NUMERIC, entry_error
from perfdesk.ui.editor.field_widgets import ERROR_STYLE

ColumnOf = Callable[[QModelIndex], "FieldDef | None"]
LiveError = Callable[[QModelIndex, str], None]
_LISTED = ("choice", "grade", "indicator_kind")

Index = QModelIndex | QPersistentModelIndex

# How every table cell looks, whichever table model shows it.
INVALID_BACKGROUND = QColor("#ffd6d6")
READ_ONLY_BACKGROUND = QColor("#eeeeee")
RIGHT_ALIGNED = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def cell_background(column: FieldDef, raw: Any, editable: bool) -> QColor | None:
    """Red for an entry that cannot be read, grey for a cell this user may not fill."""
    if entry_error(column, raw):
        return INVALID_BACKGROUND
    return None if editable else READ_ONLY_BACKGROUND


def cell_flags(editable: bool) -> Qt.ItemFlag:
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    return flags | Qt.ItemFlag.ItemIsEditable if editable else flags


class EntryDelegate(QStyledItemDelegate):
    def __init__(self, column_of: ColumnOf, on_live_error: LiveError | None = None, parent=None) -> None:
        super().__init__(parent)
        self.column_of = column_of
        self.on_live_error = on_live_error

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget | None:
        field = self.column_of(QModelIndex(index))
        if field is None:
            return None
        if field.type in _LISTED:
            combo = QComboBox(parent)
            if field.type != "indicator_kind":  # 定量/定性 always has a value; grades may stay blank
                combo.addItem("", None)
            for option_text in field.choices():
                combo.addItem(option_text, option_text)
            # A pick is final: commit at once instead of waiting for the focus to leave.
            combo.activated.connect(lambda _i, c=combo: (self.commitData.emit(c), self.closeEditor.emit(c)))
            return combo
        edit = QLineEdit(parent)
        edit.setObjectName(f"cellEditor:{field.key}")
        if field.type in NUMERIC or field.type == "date":
            persistent = QPersistentModelIndex(index)
            edit.textEdited.connect(lambda text, e=edit, f=field, p=persistent: self._live(e, f, p, text))
        if field.type in NUMERIC:
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return edit

    def _live(self, edit: QLineEdit, field: FieldDef, index: QPersistentModelIndex, text: str) -> None:
        message = entry_error(field, text)
        edit.setStyleSheet(ERROR_STYLE if message else "")
        edit.setToolTip(message or field.help)
        if self.on_live_error is not None:
            self.on_live_error(QModelIndex(index), message)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            found = editor.findData(value)
            if found < 0 and value:
                editor.addItem(str(value), value)
                found = editor.count() - 1
            editor.setCurrentIndex(max(found, 0))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
