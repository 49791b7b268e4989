"""The form list as a Qt table: one row per stored form, shown the way a clerk reads it.

The model only formats what the store returned; amounts go through `domain.money` so the list and
the printed tables agree to the last digit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from ..domain.money import format_amount
from ..store import FormRecord

COL_ID, COL_YEAR, COL_STATUS, COL_TITLE, COL_UNIT, COL_AMOUNT, COL_UPDATED = range(7)
HEADERS = ("编号", "年度", "状态", "标题", "单位", "金额（万元）", "最后修改")

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # plain values for sorting: numbers stay numbers
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2  # the FormRecord behind the row

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignCenter


def local_time(record: FormRecord) -> str:
    """The stored UTC time in the computer's own time zone, to the minute."""
    return record.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")


class FormListModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._forms: list[FormRecord] = []
        self._units: dict[int, str] = {}

    def set_forms(self, forms: Sequence[FormRecord], unit_names: Mapping[int, str]) -> None:
        self.beginResetModel()
        self._forms = list(forms)
        self._units = dict(unit_names)
        self.endResetModel()

    def record(self, row: int) -> FormRecord:
        return self._forms[row]

    # --- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._forms)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section == COL_AMOUNT else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        form = self._forms[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(form, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == COL_AMOUNT:
                return _RIGHT
            if column in (COL_ID, COL_YEAR, COL_STATUS, COL_UPDATED):
                return _CENTRE
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column in (COL_TITLE, COL_UNIT):
            return self._text(form, column)
        if role == SORT_ROLE:
            return self._sort_key(form, column)
        if role == RECORD_ROLE:
            return form
        return None

    def _text(self, form: FormRecord, column: int) -> str:
        if column == COL_ID:
            return str(form.id)
        if column == COL_YEAR:
            return str(form.year)
        if column == COL_STATUS:
            return form.status
        if column == COL_TITLE:
            return form.title
        if column == COL_UNIT:
            return self._units.get(form.unit_id, "")
        if column == COL_AMOUNT:
            return format_amount(form.amount)
        return local_time(form)

    def _sort_key(self, form: FormRecord, column: int):
        if column == COL_ID:
            return form.id
        if column == COL_YEAR:
            return form.year
        if column == COL_AMOUNT:
            # Sorting only; what is shown is always the exact Decimal through format_amount.
            return float("-inf") if form.amount is None else float(form.amount)
        if column == COL_UPDATED:
            return form.updated_at.timestamp()
        return self._text(form, column)


class FormFilterModel(QSortFilterProxyModel):
    """Keeps the rows whose title or unit contains the search text, ignoring case."""

    SEARCHED = (COL_TITLE, COL_UNIT)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortRole(SORT_ROLE)
        self._needle = ""

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        if hasattr(self, "endFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            self._needle = needle
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._needle = needle
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._needle:
            return True
        model = self.sourceModel()
        return any(
            self._needle in str(model.data(model.index(source_row, column, source_parent)) or "").casefold()
            for column in self.SEARCHED
        )

    def record(self, row: int) -> FormRecord:
        return self.data(self.index(row, 0), RECORD_ROLE)
