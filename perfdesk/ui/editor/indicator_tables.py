"""Indicator tables as the printed form groups them: 一级 → 二级 → the indicator rows (申报表,
监控表), or one level only — 基本指标 → the scored rows of the evaluation report.

The tree is a view of the document's flat list of rows; grouping follows the taxonomy exactly as the
printed grid does (rows with levels outside it appear after, under their own names). New rows are
inserted where their group ends, so the stored order stays the printed order. A choice printed as
“√” columns (完成目标可能性: 确定能/有可能/完全不可能) is shown as exclusive tick columns; scores are
typed, checked and shown like amounts, with a live 小计.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain import money
from perfdesk.domain.document import column_total, display
from perfdesk.domain.formdef import FieldDef, TableDef
from perfdesk.ui.editor import indicator_clipboard
from perfdesk.ui.editor.cell_delegates import INVALID_BACKGROUND, EntryDelegate
from perfdesk.ui.editor.document_model import DocumentModel
from perfdesk.ui.editor.entries import NUMERIC, entry_error, stored_value
from perfdesk.ui.editor.field_widgets import ERROR_LABEL_STYLE
from perfdesk.ui.editor.returned_marks import RETURNED_BACKGROUND, returned_tip
from perfdesk.ui.editor.headers import fill_months, period_of, printed_columns, short_header
from perfdesk.ui.editor.indicator_picker import IndicatorPicker, Levels, common_indicators
from perfdesk.ui.editor.row_tables import total_name
from perfdesk.ui.editor.table_clipboard import add_shortcuts
from perfdesk.ui.editor.table_part import TablePart, button_row, error_label

LEVELS = ("level1", "level2")  # shown as the tree's headings, not as columns
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
LEVEL1_ROLE = Qt.ItemDataRole.UserRole + 2
LEVEL2_ROLE = Qt.ItemDataRole.UserRole + 3
UNITS = {"amount": "万元", "score": "分"}
DONE_STYLE = "color: #1b5e20;"
WIDE_TABLE = 5  # more columns than this: fixed widths, the last one stretches


def _levels(row: dict) -> Levels:
    return (row.get("level1") or "", row.get("level2") or "")


class IndicatorEditor(TablePart):
    def __init__(self, doc: DocumentModel, table: TableDef, role: str, parent: QWidget | None = None) -> None:
        super().__init__(doc, table, role, parent)
        keys = {c.key for c in table.columns}
        self.levels = tuple(k for k in LEVELS if k in keys)  # 一级 and 二级, or 基本指标 alone
        # Tree column → data column: 指标内容 first (beside its headings), then the rest in file order;
        # a choice printed as “√” columns becomes one tick column per printed option.
        printed = printed_columns(doc.form, table)
        self._headers = {(c.key, c.option): c.header for c in printed}
        ticks = {key: [c.option for c in printed if c.key == key and c.option] for key in keys}
        data = sorted((k for k in (c.key for c in table.columns) if k not in LEVELS), key=lambda k: k != "content")
        columns: list[tuple[str, str]] = []
        for key in data:
            columns += [(key, option) for option in ticks[key]] or [(key, "")]
        self.columns = tuple(key for key, _ in columns)
        self.options = tuple(option for _, option in columns)  # "" for a typed column
        # The same columns in printed order, for a block that is a piece of the printed table.
        self._printed = [columns.index((c.key, c.option)) for c in printed if (c.key, c.option) in columns]
        self._printed += [i for i in range(len(columns)) if i not in self._printed]
        self.tree = QTreeWidget(self)
        self.tree.setObjectName(f"{table.key}Tree")
        self.tree.setColumnCount(len(self.columns))
        self.relabel()
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
        wide = len(self.columns) > WIDE_TABLE  # a monitoring table: the indicator keeps a readable width
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive if wide else QHeaderView.ResizeMode.Stretch)
        if wide:
            header.resizeSection(0, 220)
            # Wider than the page on a small screen: scroll sideways, with room kept for the bar.
            self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        for i, key in enumerate(self.columns[1:], start=1):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            if self.options[i]:
                header.resizeSection(i, 76)
            else:
                narrow = table.column(key).type in ("indicator_kind", *NUMERIC)
                header.resizeSection(i, 90 if narrow else 110 if wide else 150)
        if wide:
            header.setSectionResizeMode(len(self.columns) - 1, QHeaderView.ResizeMode.Stretch)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(self._current_changed)
        add_shortcuts(self.tree, self.copy_cells, self.paste_cells)  # blocks of cells, as Excel exchanges them

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        group = self.group_label()
        buttons = [("addIndicator", "添加指标", f"在所选{group}下添加一行（可撤销）", self.add_blank)]
        if len(self.levels) == 1:
            buttons.append(("addGroup", f"添加{group}…", f"新增一个{group}（可从列表选择或直接输入），并在其下添加一行",
                            self.ask_group))
        if self._has_common_indicators():
            buttons.append(("commonIndicators", "常用指标…", f"从常用指标中选取添加到所选{group}下", self.open_picker))
        buttons += [
            ("removeIndicator", "删除", "删除所选指标（可撤销）", self.remove_current),
            ("moveUp", "上移", f"在同一{group}内上移", lambda: self.move(-1)),
            ("moveDown", "下移", f"在同一{group}内下移", lambda: self.move(1)),
        ]
        layout.addLayout(button_row(self, buttons))
        layout.addWidget(self.tree)
        self.note = error_label()  # what a paste could not place or read
        self.note.setObjectName("pasteNote")
        layout.addWidget(self.note)
        self.total: QLabel | None = None
        if any(table.column(k).type in NUMERIC for k in self.columns):
            self.total = QLabel(self)
            self.total.setObjectName(total_name(table.key))
            layout.addWidget(self.total)
        self._refreshing = False
        self._pasting = False
        self._leaves: dict[int, QTreeWidgetItem] = {}
        self._level2_items: dict[Levels, QTreeWidgetItem] = {}
        self.picker: IndicatorPicker | None = None
        self.group_dialog: QInputDialog | None = None
        self.rebuild()

    # --- structure --------------------------------------------------------------------

    def group_label(self) -> str:
        """What the innermost heading is called: 二级指标, or the table's own 基本指标."""
        key = self.levels[-1] if self.levels else "level2"
        return "二级指标" if key == "level2" else self.table.column(key).label

    def header_text(self, column: int) -> str:
        key, option = self.columns[column], self.options[column]
        printed = self._headers.get((key, option)) or option or self.table.column(key).label
        return fill_months(printed, period_of(self.doc.form, self.doc.data))

    def relabel(self) -> None:
        """Headings as printed, with the monitoring period filled in (“1-9月指标完成情况”)."""
        headings = [short_header(self.header_text(i)) for i in range(len(self.columns))]
        levels = "/".join(self.table.column(k).label.removesuffix("指标") for k in self.levels) + "指标"
        headings[0] = f"{levels} · {headings[0]}" if self.levels else headings[0]
        self.tree.setHeaderLabels(headings)
        for i in range(len(self.columns)):
            self.tree.headerItem().setToolTip(i, self.header_text(i))

    def _has_common_indicators(self) -> bool:
        common = common_indicators()
        return len(self.levels) == 2 and any(common.get(g) for g in self.groups())

    def groups(self) -> list[Levels]:
        """Every (一级, 二级) in printed order: the taxonomy, then any other levels found in the rows."""
        if len(self.levels) < 2:
            order = [(l1, "") for l1, _ in self.table.taxonomy]
        else:
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
        one_level = len(self.levels) < 2
        for level1, level2 in self.groups():
            top = tops.get(level1)
            if top is None:
                top = tops[level1] = QTreeWidgetItem(self.tree, [level1 or f"（未填{self.table.column('level1').label}）"])
                top.setFont(0, bold)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                top.setFlags(flags | Qt.ItemFlag.ItemIsEditable if one_level else flags)  # rename: free text
                top.setData(0, LEVEL1_ROLE, level1)
                if one_level:
                    top.setData(0, LEVEL2_ROLE, "")
                    top.setToolTip(0, f"双击可修改{self.group_label()}名称（其下各行一并修改）")
            if one_level:
                mid = top
            else:
                mid = QTreeWidgetItem(top, [level2 or "（未填二级指标）"])
                mid.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                mid.setData(0, LEVEL1_ROLE, level1)
                mid.setData(0, LEVEL2_ROLE, level2)
            self._level2_items[(level1, level2)] = mid
            for index, row in enumerate(rows):
                if _levels(row) == (level1, level2):
                    leaf = QTreeWidgetItem(mid)
                    leaf.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
                                  | Qt.ItemFlag.ItemIsUserCheckable)
                    leaf.setData(0, ROW_ROLE, index)
                    self._fill_leaf(leaf, row)
                    self._leaves[index] = leaf  # in the order shown
        self.tree.expandAll()
        self._refreshing = False
        self._fit_height()
        self._show_total()
        if current is not None:
            self.select_row(current)

    def _fill_leaf(self, leaf: QTreeWidgetItem, row: dict) -> None:
        index = leaf.data(0, ROW_ROLE)
        for column, key in enumerate(self.columns):
            field, option, raw = self.table.column(key), self.options[column], row.get(key)
            reason = self.returned_reason(str(index), key)  # a reviewer's, until the cell is changed
            if option:  # one “√” of an exclusive choice
                leaf.setCheckState(column, Qt.CheckState.Checked if raw == option else Qt.CheckState.Unchecked)
                leaf.setToolTip(column, returned_tip(reason) if reason else f"{field.label}：{option}。{field.help}")
                leaf.setBackground(column, RETURNED_BACKGROUND if reason else Qt.GlobalColor.transparent)
                continue
            error = entry_error(field, raw)
            if field.type in NUMERIC or field.type == "date":
                leaf.setText(column, display(field, raw))  # as printed: 8.50; a bad entry as typed
                leaf.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            else:
                leaf.setText(column, "" if raw is None else str(raw))
            leaf.setToolTip(column, error or (returned_tip(reason) if reason else field.help))
            leaf.setBackground(column, INVALID_BACKGROUND if error else RETURNED_BACKGROUND if reason
                               else Qt.GlobalColor.transparent)

    def _show_total(self) -> None:
        """小计 of the score (or amount) columns, from `document.column_total`."""
        if self.total is None:
            return
        parts = []
        for key in self.columns:
            field = self.table.column(key)
            if field.type in NUMERIC:
                value = column_total(self.doc.form, self.doc.data, f"{self.table.key}.{key}")
                parts.append(f"{field.label} {money.format_amount(value, blank='0.00')} {UNITS[field.type]}")
        self.total.setText("小计：" + "，".join(parts))

    def _fit_height(self) -> None:
        """As tall as all its rows, so only the form scrolls (the tree lays its rows out on request)."""
        last = self.tree.topLevelItem(self.tree.topLevelItemCount() - 1)
        while last is not None and last.childCount():
            last = last.child(last.childCount() - 1)
        rect = self.tree.visualItemRect(last) if last is not None else None
        rows = self.tree.topLevelItemCount() + len(self._level2_items) + len(self._leaves)
        body = rect.bottom() + 1 + self.tree.verticalScrollBar().value() if rect is not None and rect.isValid() \
            else rows * (self.tree.fontMetrics().height() + 6)
        bar = self.tree.horizontalScrollBar().sizeHint().height() \
            if self.tree.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOn else 0
        self.tree.setFixedHeight(self.tree.header().sizeHint().height() + body + bar + 2 * self.tree.frameWidth() + 2)

    def refresh(self, path: str) -> None:
        if self._pasting:  # shown once the whole block is in
            return
        self.note.hide()
        parts = path.split(".")
        if len(parts) == 3 and parts[1].isdigit() and parts[2] in self.columns and int(parts[1]) in self._leaves:
            self._refreshing = True
            row = self.doc.rows(self.table.key)[int(parts[1])]
            self._fill_leaf(self._leaves[int(parts[1])], row)
            self._refreshing = False
            self._show_total()
        else:  # rows added, removed, moved, or a row changed its 一级/二级
            self.rebuild()

    def _show_returned(self) -> None:
        self._refreshing = True
        rows = self.doc.rows(self.table.key)
        for index, leaf in self._leaves.items():
            self._fill_leaf(leaf, rows[index])
        self._refreshing = False

    def row_items(self) -> list[QTreeWidgetItem]:
        """The indicator rows shown (not the 一级/二级 headings), in document order."""
        return [self._leaves[i] for i in sorted(self._leaves)]

    def level2_item(self, level1: str, level2: str) -> QTreeWidgetItem | None:
        return self._level2_items.get((level1, level2))

    def leaf(self, index: int) -> QTreeWidgetItem:
        return self._leaves[index]

    def visual_rank(self, index: int) -> int:
        """Where row `index` is shown, counted from the top."""
        return list(self._leaves).index(index)

    def row_of(self, item: QTreeWidgetItem | None) -> int | None:
        """The document row an indicator row shows; None for a heading."""
        return None if item is None else item.data(0, ROW_ROLE)

    def group_of(self, index: int) -> Levels:
        return _levels(self.doc.rows(self.table.key)[index])

    def members(self, levels: Levels) -> list[int]:
        """The rows under one 一级/二级, in document order."""
        return [i for i, row in enumerate(self.doc.rows(self.table.key)) if _levels(row) == levels]

    def printed_order(self) -> list[int]:
        """The tree's columns in the printed table's order (columns not printed last)."""
        return list(self._printed)

    # --- copy and paste ---------------------------------------------------------------

    def copy_cells(self) -> str:
        return indicator_clipboard.copy_block(self)

    def paste_cells(self, text: str | None = None) -> int:
        """Paste `text` (else the clipboard): one undo step, shown once; the rows written."""
        from PySide6.QtGui import QGuiApplication

        if self.doc.read_only:
            self.note.setText("此表单当前只读（已报送、审核中或已通过），不能粘贴。")
            self.note.setStyleSheet(ERROR_LABEL_STYLE)
            self.note.show()
            return 0
        row, column = self._current_row(), self.tree.currentColumn()
        self._pasting = True
        try:
            report = indicator_clipboard.paste_block(self, QGuiApplication.clipboard().text() if text is None else text)
        finally:
            self._pasting = False
        self.rebuild()
        if row is not None:  # the cursor stays on the cell the block was pasted at
            self.select_row(row, max(column, 0))
        self.note.setText(report.note())
        self.note.setStyleSheet(ERROR_LABEL_STYLE if report.skipped or report.invalid else DONE_STYLE)
        self.note.show()
        return report.rows

    # --- editing ----------------------------------------------------------------------

    def _column_of(self, index: QModelIndex) -> FieldDef | None:
        item = self.tree.itemFromIndex(index)
        if item is None:
            return None
        if item.data(0, ROW_ROLE) is None:  # a heading: only a one-level heading is renamed, as text
            renamable = len(self.levels) == 1 and index.column() == 0 and item.parent() is None
            return FieldDef(self.levels[0], self.group_label()) if renamable else None
        if self.options[index.column()]:
            return None  # a tick column is ticked, not typed
        return self.table.column(self.columns[index.column()])

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._refreshing:
            return
        index = item.data(0, ROW_ROLE)
        if index is None:
            if len(self.levels) == 1 and column == 0 and item.parent() is None:
                self.rename_group(item.data(0, LEVEL1_ROLE) or "", item.text(0).strip())
            return
        key, option = self.columns[column], self.options[column]
        path = f"{self.table.key}.{index}.{key}"
        if option:
            ticked = item.checkState(column) == Qt.CheckState.Checked
            current = self.doc.value(path)
            if ticked and current != option:
                self.doc.set_value(path, option)
            elif not ticked and current == option:
                self.doc.set_value(path, None)
            else:  # nothing to change: show the stored choice again
                self._refreshing = True
                self._fill_leaf(item, self.doc.rows(self.table.key)[index])
                self._refreshing = False
            return
        self.doc.set_value(path, stored_value(self.table.column(key), item.text(column)))

    def rename_group(self, old: str, new: str) -> None:
        """A one-level heading renamed: every row under it follows (one undo step)."""
        members = [i for i, row in enumerate(self.doc.rows(self.table.key)) if (row.get(self.levels[0]) or "") == old]
        if not new or new == old or not members:
            self.rebuild()  # nothing stored changes: show the heading as it was
            return
        stack = self.doc.undo_stack
        stack.beginMacro(f"修改{self.group_label()}“{old}”为“{new}”")
        for i in members:
            self.doc.set_value(f"{self.table.key}.{i}.{self.levels[0]}", new)
        stack.endMacro()

    def ask_group(self) -> QInputDialog:
        """添加基本指标…: pick one of the taxonomy's names or type another; non-blocking."""
        dialog = QInputDialog(self)
        dialog.setObjectName("groupDialog")
        dialog.setWindowTitle(f"添加{self.group_label()}")
        dialog.setLabelText(f"{self.group_label()}名称（可从列表选择，也可直接输入）：")
        dialog.setComboBoxItems([l1 for l1, _ in self.table.taxonomy])
        dialog.setComboBoxEditable(True)
        dialog.setOkButtonText("添加")
        dialog.setCancelButtonText("取消")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda text: text.strip() and self.add_rows((text.strip(), ""), [{}]))
        self.group_dialog = dialog
        dialog.open()
        return dialog

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
            if "value" in values and "value" not in row and "target" in row:
                row["target"] = values["value"]  # a suggested 指标值 is a monitoring table's 年度指标值
            row.update(dict(zip(self.levels, levels)))
            self.doc.add_row(self.table.key, at + offset, row, f"在{self.table.label}“{levels[1] or levels[0]}”下添加指标")
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
