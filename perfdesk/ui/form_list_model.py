"""The form list as a Qt table: one row per stored form, shown the way a clerk reads it.

The model only formats what the store returned; amounts go through `domain.money` so the list and
the printed tables agree to the last digit. Every shown string, sort key and search text is worked
out once when the forms are set, so painting, sorting and filtering 10,000 rows stay cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from ..domain.money import format_amount
from ..store import FormRecord

COL_ID, COL_YEAR, COL_STATUS, COL_TITLE, COL_UNIT, COL_AMOUNT, COL_UPDATED = range(7)
HEADERS = ("编号", "年度", "状态", "标题", "单位", "金额（万元）", "最后修改")

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # plain values for sorting: numbers stay numbers
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2  # the FormRecord behind the row (data left out)

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignCenter
_ALIGNMENT = {COL_ID: _CENTRE, COL_YEAR: _CENTRE, COL_STATUS: _CENTRE, COL_AMOUNT: _RIGHT, COL_UPDATED: _CENTRE}
SEARCHED = (COL_TITLE, COL_UNIT)


def local_time(record: FormRecord) -> str:
    """The stored UTC time in the computer's own time zone, to the minute ("2026-11-21 14:05")."""
    t = record.updated_at.astimezone()
    # Formatted by hand: strftime imports a module on every call, and under shiboken's import
    # hook that is most of the cost of a 10,000-row list.
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


def without_document(record: FormRecord) -> FormRecord:
    """The same record with an empty `data`: the list keeps no documents."""
    fields = getattr(record, "__dict__", None)
    if fields is None:  # a slotted record: the slow, general way
        return replace(record, data={})
    light = object.__new__(FormRecord)  # a frozen dataclass: fill it as its own __init__ would
    light.__dict__.update(fields, data={})
    return light


class _Row:
    __slots__ = ("record", "texts", "keys", "haystack")

    def __init__(self, record: FormRecord, unit_name: str) -> None:
        self.record = record
        self.texts = (str(record.id), str(record.year), record.status, record.title, unit_name,
                      format_amount(record.amount), local_time(record))
        amount = float("-inf") if record.amount is None else float(record.amount)  # sorting only
        self.keys = (record.id, record.year, record.status, record.title, unit_name, amount,
                     record.updated_at.timestamp())
        self.haystack = "\n".join(self.texts[c] for c in SEARCHED).casefold()


def build_rows(forms: Sequence[FormRecord], unit_names: Mapping[int, str], *, consume: bool = False) -> list[_Row]:
    """The rows for set_rows(); plain Python, so a worker thread can build them.

    The rows keep the records without their documents: the list never shows them, and whatever
    needs one (check, preview, export, the editor) reads the form afresh from the store. With
    consume, `forms` (a list) is emptied as it goes, so each document is freed on its own: freeing
    10,000 parsed documents at once holds the GIL for ~170 ms and freezes the GUI thread."""
    if not consume:
        return [_Row(without_document(form), unit_names.get(form.unit_id, "")) for form in forms]
    assert isinstance(forms, list)
    forms.reverse()
    rows = []
    while forms:
        form = forms.pop()
        rows.append(_Row(without_document(form), unit_names.get(form.unit_id, "")))
        del form  # the document goes here, between two bytecodes, so other threads get their turn
    return rows


class FormListModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self.haystacks: list[str] = []  # what the search looks in, by source row

    def set_forms(self, forms: Sequence[FormRecord], unit_names: Mapping[int, str]) -> None:
        self.set_rows(build_rows(forms, unit_names))

    def set_rows(self, rows: list[_Row]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.haystacks = [row.haystack for row in rows]
        self.endResetModel()

    def record(self, row: int) -> FormRecord:
        return self._rows[row].record

    def row_of(self, form_instance_id: int) -> int:
        """The source row of that form, or -1."""
        return next((i for i, row in enumerate(self._rows) if row.record.id == form_instance_id), -1)

    def records(self) -> list[FormRecord]:
        return [row.record for row in self._rows]

    # --- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == _ALIGN:
            return _RIGHT if section == COL_AMOUNT else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        if role == _DISPLAY:
            return self._rows[index.row()].texts[index.column()]
        if role == _ALIGN:
            return _ALIGNMENT.get(index.column())
        if role == _TOOLTIP and index.column() in SEARCHED:
            return self._rows[index.row()].texts[index.column()]
        if role == SORT_ROLE:
            return self._rows[index.row()].keys[index.column()]
        if role == RECORD_ROLE:
            return self._rows[index.row()].record
        return None


class FormFilterModel(QSortFilterProxyModel):
    """Keeps the rows whose title or unit contains the search text, ignoring case."""

    SEARCHED = SEARCHED

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortRole(SORT_ROLE)
        self._needle = ""
        self._source: FormListModel | None = None

    def setSourceModel(self, model: FormListModel) -> None:  # noqa: N802 - Qt naming
        self._source = model  # kept in Python: filterAcceptsRow reads its haystacks directly
        super().setSourceModel(model)

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

    def search_text(self) -> str:
        return self._needle

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if not self._needle:
            return True
        return self._needle in self._source.haystacks[source_row]

    def record(self, row: int) -> FormRecord:
        return self.data(self.index(row, 0), RECORD_ROLE)

    def row_of(self, form_instance_id: int) -> int:
        """The shown row of that form, or -1 when it is filtered out or not listed."""
        source_row = self._source.row_of(form_instance_id) if self._source is not None else -1
        if source_row < 0:
            return -1
        return self.mapFromSource(self._source.index(source_row, 0)).row()
