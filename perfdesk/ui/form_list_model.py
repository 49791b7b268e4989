"""The form list as a Qt table: one row per stored form, shown the way a clerk reads it.

The model only formats what the store returned; amounts go through `domain.money` so the list and
the printed tables agree to the last digit; due dates and 绩效预警 are what `due_dates.due` and
`monitoring_operations.alerts` found for the row (worked out by the loader while it still holds the
document). Every shown string, sort key and search text is worked out once when the forms are set, so
painting, sorting and filtering 10,000 rows stay cheap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from perfdesk.domain.dates import days_left, describe_due
from perfdesk.domain.money import format_listed
from perfdesk.domain.registry import form_name
from perfdesk.store.records import FormRecord

(COL_ID, COL_YEAR, COL_KIND, COL_STATUS, COL_TITLE, COL_UNIT, COL_AMOUNT, COL_DUE, COL_ALERTS,
 COL_UPDATED) = range(10)
HEADERS = ("编号", "年度", "类型", "状态", "标题", "单位", "金额（万元）", "截止", "预警", "最后修改")
# 绩效预警 levels, most serious first; a level not named here is shown after them.
ALERT_LEVELS = ("红色预警", "黄色预警")
# What the loader found for a row while it had the document: (due date, days left) or None, and the
# level of every 绩效预警.
Facts = tuple[tuple[dt.date, int] | None, Sequence[str]]
NO_FACTS: Facts = (None, ())

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # plain values for sorting: numbers stay numbers
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2  # the FormRecord behind the row (data left out)

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignCenter
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ALIGNMENT = {COL_ID: _CENTRE, COL_YEAR: _CENTRE, COL_STATUS: _CENTRE, COL_AMOUNT: _RIGHT, COL_UPDATED: _CENTRE}
SEARCHED = (COL_TITLE, COL_UNIT)
TIPPED = (COL_KIND, COL_TITLE, COL_UNIT, COL_DUE, COL_ALERTS)  # long texts: the tooltip shows them whole
RED = QBrush(QColor("#c62828"))  # overdue, 红色预警
AMBER = QBrush(QColor("#a15c00"))  # 黄色预警 only (yellow text cannot be read on white)


def local_time(record: FormRecord) -> str:
    """The stored UTC time in the computer's own time zone, to the minute ("2026-11-21 14:05")."""
    t = record.updated_at.astimezone()
    # Formatted by hand: strftime imports a module on every call, and under shiboken's import
    # hook that is most of the cost of a 10,000-row list.
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


def without_document(record: FormRecord) -> FormRecord:
    """The same record with an empty `data`: the list keeps no documents (a summary has none)."""
    if not hasattr(record, "data"):
        return record
    fields = getattr(record, "__dict__", None)
    if fields is None:  # a slotted record: the slow, general way
        return replace(record, data={})
    light = object.__new__(FormRecord)  # a frozen dataclass: fill it as its own __init__ would
    light.__dict__.update(fields, data={})
    return light


def kind_name(form_id: str) -> str:
    """The form's printed name (项目支出绩效运行监控表), for the 类型 column."""
    return form_name(form_id) or form_id


def due_short(due: tuple[dt.date, int] | None) -> str:
    """"2026-07-31 已逾期 113 天" / "2026-12-31 剩 40 天": the list's 截止 (the tooltip says it in full)."""
    if due is None:
        return ""
    date, days = due
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d} {days_left(days)}"


def alert_text(levels: Sequence[str]) -> tuple[str, int]:
    """("红色预警 1 / 黄色预警 9", sort key) from the levels of a form's 绩效预警; "" when there are none."""
    counts: dict[str, int] = {}
    for level in levels:
        counts[level] = counts.get(level, 0) + 1
    order = [level for level in ALERT_LEVELS if level in counts] + sorted(set(counts) - set(ALERT_LEVELS))
    key = 0  # one number (Qt sorts numbers, not tuples): reds first, then yellows
    for level in ALERT_LEVELS:
        key = key * 10_000 + min(counts.get(level, 0), 9_999)
    return " / ".join(f"{level} {counts[level]}" for level in order), key


class _Row:
    __slots__ = ("record", "texts", "keys", "haystack", "colours", "due_tip")

    def __init__(self, record: FormRecord, unit_name: str, facts: Facts = NO_FACTS) -> None:
        self.record = record
        due, levels = facts
        due_text = due_short(due)
        alerts, alert_key = alert_text(levels)
        self.texts = (str(record.id), str(record.year), kind_name(record.form_id), record.status.display, record.title,
                      unit_name, format_listed(record.amount), due_text, alerts, local_time(record))
        amount = float("-inf") if record.amount is None else float(record.amount)  # sorting only
        due_key = float(due[0].toordinal()) if due is not None else float("inf")  # soonest first, none last
        self.keys = (record.id, record.year, self.texts[COL_KIND], record.status, record.title, unit_name, amount,
                     due_key, alert_key, record.updated_at.timestamp())
        self.haystack = "\n".join(self.texts[c] for c in SEARCHED).casefold()
        self.due_tip = describe_due(due)  # 截止 2026年7月31日（已逾期 113 天）
        colours = {}
        if due is not None and due[1] < 0:
            colours[COL_DUE] = RED
        if ALERT_LEVELS[0] in levels:
            colours[COL_ALERTS] = RED
        elif alerts:
            colours[COL_ALERTS] = AMBER
        self.colours = colours or None


def build_rows(forms: Sequence[FormRecord], unit_names: Mapping[int, str], *, consume: bool = False,
               facts: Callable[[FormRecord], Facts] | None = None) -> list[_Row]:
    """The rows for set_rows(); plain Python, so a worker thread can build them.

    `facts` gives a row's due date and 绩效预警 from the record with its document (the loader passes
    them from `deadlines` and `monitoring_operations`); without it the 截止 and 预警 columns stay blank.
    The rows keep the records without their documents: the list never shows them, and whatever
    needs one (check, preview, export, the editor) reads the form afresh from the store. With
    consume, `forms` (a list) is emptied as it goes, so each document is freed on its own: freeing
    10,000 parsed documents at once holds the GIL for ~170 ms and freezes the GUI thread."""
    def row(form: FormRecord) -> _Row:
        return _Row(without_document(form), unit_names.get(form.unit_id, ""), facts(form) if facts else NO_FACTS)

    if not consume:
        return [row(form) for form in forms]
    assert isinstance(forms, list)
    forms.reverse()
    rows = []
    while forms:
        form = forms.pop()
        rows.append(row(form))
        del form  # the document goes here, between two bytecodes, so other threads get their turn
    return rows


class FormListModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self.haystacks: list[str] = []  # what the search looks in, by source row

    def set_rows(self, rows: list[_Row]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.haystacks = [row.haystack for row in rows]
        self.endResetModel()

    def update_rows(self, rows: Sequence[_Row], gone: Iterable[int] = ()) -> None:
        """Put these rows in place of the listed rows of the same forms (others are not listed here:
        another year or kind) and drop the rows of the forms in `gone`."""
        where = {row.record.id: i for i, row in enumerate(self._rows)}
        last = len(HEADERS) - 1
        for row in rows:
            i = where.get(row.record.id)
            if i is not None:
                self._rows[i] = row
                self.haystacks[i] = row.haystack
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))
        for i in sorted((where[f] for f in set(gone) if f in where), reverse=True):
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i], self.haystacks[i]
            self.endRemoveRows()

    def record(self, row: int) -> FormRecord:
        return self._rows[row].record

    def row_of(self, form_instance_id: int) -> int:
        """The source row of that form, or -1."""
        return next((i for i, row in enumerate(self._rows) if row.record.id == form_instance_id), -1)

    def records(self) -> list[FormRecord]:
        return [row.record for row in self._rows]

    def column_has_text(self, column: int) -> bool:
        """Whether any row shows something in that column (the window hides one that is blank throughout)."""
        return any(row.texts[column] for row in self._rows)

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
        if role == _FOREGROUND:
            colours = self._rows[index.row()].colours
            return colours.get(index.column()) if colours else None
        if role == _TOOLTIP and index.column() == COL_DUE:
            return self._rows[index.row()].due_tip or None
        if role == _TOOLTIP and index.column() in TIPPED:
            return self._rows[index.row()].texts[index.column()] or None
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
        self._status: str | None = None  # a status label (财政审核中 covers both finance levels)
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

    def set_status(self, label: str | None) -> None:
        """Only forms whose status has this label (None: every status)."""
        if label == self._status:
            return
        if hasattr(self, "endFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            self._status = label
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._status = label
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if self._status is not None and self._source.record(source_row).status.label != self._status:
            return False
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
