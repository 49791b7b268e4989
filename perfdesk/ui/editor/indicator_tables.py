"""长期/年度绩效指标 as the printed form groups them: 一级 → 二级 → the indicator rows.

The tree is a view of the document's flat list of rows; grouping follows the taxonomy exactly as the
printed grid does (rows with levels outside it appear after, under their own names). New rows are
inserted where their 二级 group ends, so the stored order stays the printed order.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.formdef import FieldDef, TableDef
from .cell_delegates import EntryDelegate
from .document_model import DocumentModel
from .indicator_picker import IndicatorPicker, Levels
from .table_part import TablePart, button_row

LEVELS = ("level1", "level2")  # shown as the tree's headings, not as columns
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
LEVEL1_ROLE = Qt.ItemDataRole.UserRole + 2
LEVEL2_ROLE = Qt.ItemDataRole.UserRole + 3


def _levels(row: dict) -> Levels:
    return (row.get("level1") or "", row.get("level2") or "")


class IndicatorEditor(TablePart):
    def __init__(self, doc: DocumentModel, table: TableDef, role: str, parent: QWidget | None = None) -> None:
        super().__init__(doc, table, role, parent)
        # Tree column → data column: 指标内容 first (beside its headings), then the rest in file order.
        keys = [c.key for c in table.columns if c.key not in LEVELS]
        self.columns = tuple(sorted(keys, key=lambda k: k != "content"))
        self.tree = QTreeWidget(self)
        self.tree.setObjectName(f"{table.key}Tree")
        self.tree.setColumnCount(len(self.columns))
        self.tree.setHeaderLabels([f"一级/二级指标 · {table.column(self.columns[0]).label}"]
                                  + [table.column(k).label for k in self.columns[1:]])
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.tree.setTabKeyNavigation(False)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)  # 60 rows lay out fast
        self.tree.setStyleSheet("QTreeWidget::item { padding: 3px 0px; }")  # room to click into a cell
        self.tree.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setItemDelegate(EntryDelegate(self._column_of, None, self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i, key in enumerate(self.columns[1:], start=1):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(i, 90 if table.column(key).type == "indicator_kind" else 150)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(self._current_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(button_row(self, [
            ("addIndicator", "添加指标", "在所选二级指标下添加一行（可撤销）", self.add_blank),
            ("commonIndicators", "常用指标…", "从常用指标中选取添加到所选二级指标下", self.open_picker),
            ("removeIndicator", "删除", "删除所选指标（可撤销）", self.remove_current),
            ("moveUp", "上移", "在同一二级指标内上移", lambda: self.move(-1)),
            ("moveDown", "下移", "在同一二级指标内下移", lambda: self.move(1)),
        ]))
        layout.addWidget(self.tree)
        self._refreshing = False
        self._leaves: dict[int, QTreeWidgetItem] = {}
        self._level2_items: dict[Levels, QTreeWidgetItem] = {}
        self.picker: IndicatorPicker | None = None
        self.rebuild()

    # --- structure --------------------------------------------------------------------

    def groups(self) -> list[Levels]:
        """Every (一级, 二级) in printed order: the taxonomy, then any other levels found in the rows."""
        order = [(l1, l2) for l1, l2s in self.table.taxonomy for l2 in l2s]
        for row in self.doc.rows(self.table.key):
            if _levels(row) not in order:
                same_l1 = [i for i, (l1, _) in enumerate(order) if l1 == _levels(row)[0]]
                order.insert(same_l1[-1] + 1 if same_l1 else len(order), _levels(row))
        return order

    def rebuild(self) -> None:
        current = self._current_row()
        self._refreshing = True
        self.tree.clear()
        self._leaves.clear()
        self._level2_items.clear()
        tops: dict[str, QTreeWidgetItem] = {}
        bold = QFont()
        bold.setBold(True)
        rows = self.doc.rows(self.table.key)
        for level1, level2 in self.groups():
            top = tops.get(level1)
            if top is None:
                top = tops[level1] = QTreeWidgetItem(self.tree, [level1 or "（未填一级指标）"])
                top.setFont(0, bold)
                top.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                top.setData(0, LEVEL1_ROLE, level1)
            mid = QTreeWidgetItem(top, [level2 or "（未填二级指标）"])
            mid.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            mid.setData(0, LEVEL1_ROLE, level1)
            mid.setData(0, LEVEL2_ROLE, level2)
            self._level2_items[(level1, level2)] = mid
            for index, row in enumerate(rows):
                if _levels(row) == (level1, level2):
                    leaf = QTreeWidgetItem(mid)
                    leaf.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable)
                    leaf.setData(0, ROW_ROLE, index)
                    self._fill_leaf(leaf, row)
                    self._leaves[index] = leaf
        self.tree.expandAll()
        self._refreshing = False
        self._fit_height()
        if current is not None:
            self.select_row(current)

    def _fill_leaf(self, leaf: QTreeWidgetItem, row: dict) -> None:
        for column, key in enumerate(self.columns):
            leaf.setText(column, "" if row.get(key) is None else str(row.get(key)))
            leaf.setToolTip(column, self.table.column(key).help)

    def _fit_height(self) -> None:
        """As tall as all its rows, so only the form scrolls (the tree lays its rows out on request)."""
        last = self.tree.topLevelItem(self.tree.topLevelItemCount() - 1)
        while last is not None and last.childCount():
            last = last.child(last.childCount() - 1)
        rect = self.tree.visualItemRect(last) if last is not None else None
        rows = self.tree.topLevelItemCount() + len(self._level2_items) + len(self._leaves)
        body = rect.bottom() + 1 + self.tree.verticalScrollBar().value() if rect is not None and rect.isValid() \
            else rows * (self.tree.fontMetrics().height() + 6)
        self.tree.setFixedHeight(self.tree.header().sizeHint().height() + body + 2 * self.tree.frameWidth() + 2)

    def refresh(self, path: str) -> None:
        parts = path.split(".")
        if len(parts) == 3 and parts[1].isdigit() and parts[2] in self.columns and int(parts[1]) in self._leaves:
            self._refreshing = True
            row = self.doc.rows(self.table.key)[int(parts[1])]
            self._fill_leaf(self._leaves[int(parts[1])], row)
            self._refreshing = False
        else:  # rows added, removed, moved, or a row changed its 一级/二级
            self.rebuild()

    def row_items(self) -> list[QTreeWidgetItem]:
        """The indicator rows shown (not the 一级/二级 headings), in document order."""
        return [self._leaves[i] for i in sorted(self._leaves)]

    def level2_item(self, level1: str, level2: str) -> QTreeWidgetItem | None:
        return self._level2_items.get((level1, level2))

    # --- editing ----------------------------------------------------------------------

    def _column_of(self, index: QModelIndex) -> FieldDef | None:
        is_leaf = index.parent().isValid() and index.parent().parent().isValid()
        return self.table.column(self.columns[index.column()]) if is_leaf else None

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        index = item.data(0, ROW_ROLE)
        if self._refreshing or index is None:
            return
        text = item.text(column)
        self.doc.set_value(f"{self.table.key}.{index}.{self.columns[column]}", text if text.strip() else None)

    def _current_row(self) -> int | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, ROW_ROLE)

    def chosen_levels(self) -> Levels:
        """The 二级 of the selected heading or row; the first 二级 when nothing is selected."""
        item = self.tree.currentItem()
        if item is not None and item.data(0, LEVEL2_ROLE) is None and item.data(0, ROW_ROLE) is not None:
            item = item.parent()
        if item is not None and item.data(0, LEVEL2_ROLE) is not None:
            return item.data(0, LEVEL1_ROLE), item.data(0, LEVEL2_ROLE)
        if item is not None and item.childCount():  # a 一级 heading: its first 二级
            child = item.child(0)
            return child.data(0, LEVEL1_ROLE), child.data(0, LEVEL2_ROLE)
        return self.groups()[0]

    def _insert_at(self, levels: Levels) -> int:
        rank = {g: i for i, g in enumerate(self.groups())}
        target = rank.get(levels, len(rank))
        last = -1
        for index, row in enumerate(self.doc.rows(self.table.key)):
            if rank.get(_levels(row), len(rank)) <= target:
                last = index
        return last + 1

    def add_rows(self, levels: Levels, rows: list[dict]) -> None:
        if not rows:
            return
        stack = self.doc.undo_stack
        if len(rows) > 1:
            stack.beginMacro(f"添加{len(rows)}个常用指标")
        at = self._insert_at(levels)
        for offset, values in enumerate(rows):
            row = {c.key: c.default for c in self.table.columns}
            row.update({k: v for k, v in values.items() if k in row})  # only this table's columns
            row.update(level1=levels[0], level2=levels[1])
            self.doc.add_row(self.table.key, at + offset, row, f"在{self.table.label}“{levels[1]}”下添加指标")
        if len(rows) > 1:
            stack.endMacro()
        self.select_row(at)
        self.tree.setFocus()

    def add_blank(self) -> None:
        self.add_rows(self.chosen_levels(), [{}])

    def open_picker(self) -> IndicatorPicker:
        """Non-blocking, so the dialog can be driven (and tested) while the editor stays live."""
        self.picker = IndicatorPicker(self.groups(), self.chosen_levels(), self)
        self.picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker = self.picker
        picker.accepted.connect(lambda: self.add_rows(picker.levels(), picker.picked()))
        picker.open()
        return picker

    def remove_current(self) -> None:
        index = self._current_row()
        if index is None:
            return
        levels = _levels(self.doc.rows(self.table.key)[index])
        self.doc.remove_row(self.table.key, index)
        siblings = [i for i, r in enumerate(self.doc.rows(self.table.key)) if _levels(r) == levels]
        after = [i for i in siblings if i >= index] or siblings[-1:]
        if after:
            self.select_row(after[0])
        elif self.level2_item(*levels) is not None:
            self.tree.setCurrentItem(self.level2_item(*levels))

    def move(self, step: int) -> None:
        index = self._current_row()
        if index is None:
            return
        rows = self.doc.rows(self.table.key)
        siblings = [i for i, r in enumerate(rows) if _levels(r) == _levels(rows[index])]
        position = siblings.index(index) + step
        if 0 <= position < len(siblings):
            column = max(self.tree.currentColumn(), 0)
            self.doc.swap_rows(self.table.key, index, siblings[position])
            self.select_row(siblings[position], column)

    def select_row(self, index: int, column: int = 0) -> None:
        leaf = self._leaves.get(index)
        if leaf is not None:
            self.tree.setCurrentItem(leaf, column)

    # --- help and focus ---------------------------------------------------------------

    def _current_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        if current is not None:
            self.help_requested.emit(*self.current_help())

    def current_help(self) -> tuple[str, str]:
        item = self.tree.currentItem()
        if item is not None and item.data(0, ROW_ROLE) is not None:
            return self.help_for(self.columns[max(self.tree.currentColumn(), 0)])
        return super().current_help()

    def focus(self, path: str) -> QWidget | None:
        parts = path.split(".")
        if len(parts) > 1 and parts[1].isdigit():
            column = self.columns.index(parts[2]) if len(parts) > 2 and parts[2] in self.columns else 0
            self.select_row(int(parts[1]), column)
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.tree

    def item_view(self) -> QAbstractItemView:
        return self.tree

    def focus_chain(self) -> list[QWidget]:
        return [self.tree]
