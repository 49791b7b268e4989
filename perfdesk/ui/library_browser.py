"""工具 → 指标库: the indicator library (长治市 附件2) browsed, searched and used.

A tree of the 共性指标 (eight groups), the 个性指标 (nine families), the weighted 定性指标 and the other
rates; a search box; a pane with the chosen entry's definition, formula and inputs; a calculator that
computes the formula from typed figures; and 加入当前表单, which adds the indicator as a row of an open
declaration (年度绩效指标, under a chosen 一级/二级) or evaluation report (业务指标 or 财务指标, under a
chosen 基本指标) through the editor's indicator table, as one undoable step.

Everything shown and computed comes from `domain.indicator_library` (and its formulas); this module
only lays it out.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain import indicator_library as library
from perfdesk.domain.formulas import PERCENT, Formula, FormulaError, parse_number
from perfdesk.domain.indicator_library import Indicator, QualitativeIndicator
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.screen_fit import open_within_screen
from perfdesk.domain.form_kinds import DECLARATION, EVALUATION_REPORT

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1  # (what, id): ("entry", "common.12"), ("group", "spending"), …
# The forms an indicator can be added to, and their indicator tables in the order offered.
TARGET_TABLES = {DECLARATION: ("annual_indicators",),
                 EVALUATION_REPORT: ("business_indicators", "financial_indicators")}
BETTER = {"higher": "越高越好", "lower": "越低越好", "neutral": "适中为宜"}
ERROR_STYLE = "color: #c62828;"
NO_TARGET = "（没有打开的申报表或评价报告：请先在主窗口打开一份，再加入指标）"


def _formula(entry) -> Formula | None:
    return entry if isinstance(entry, Formula) else getattr(entry, "formula", None)


def _plain_group(name: str) -> str:
    """“1.资金落实情况” → “资金落实情况”: an evaluation report numbers its 基本指标."""
    head, dot, rest = name.partition(".")
    return rest if dot and head.strip().isdigit() else name


class LibraryBrowser(QDialog):
    """`targets()` gives the open editor windows, the one last in front first."""

    def __init__(self, targets: Callable[[], list[QMainWindow]] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryBrowser")
        self.setWindowTitle("指标库")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        open_within_screen(self, 1080, 700)
        self._targets = targets or (lambda: [])
        self._target_editors: list[QMainWindow] = []
        self._inputs: dict[str, QLineEdit] = {}
        self._entry = None  # the chosen indicator, formula or 定性指标
        self._items: dict[str, QTreeWidgetItem] = {}  # entry id → its leaf

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("librarySearch")
        self.search_box.setPlaceholderText("搜索指标名称、公式或说明（多个词用空格分开）…")
        self.search_box.setClearButtonEnabled(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("libraryTree")
        self.tree.setHeaderLabels(["指标", "计算方式"])
        self.tree.setColumnWidth(0, 280)
        self.tree.setUniformRowHeights(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("libraryCount")
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search_box)
        column.addWidget(self.tree, 1)
        column.addWidget(self.count_label)

        self.detail = QTextBrowser(self)
        self.detail.setObjectName("libraryDetail")
        self.detail.setOpenLinks(False)

        self.calculator = QGroupBox("计算器", self)
        self.calculator.setObjectName("calculatorBox")
        calc = QVBoxLayout(self.calculator)
        self.input_form = QFormLayout()
        calc.addLayout(self.input_form)
        row = QHBoxLayout()
        self.calculate_button = QPushButton("计算", self.calculator)
        self.calculate_button.setObjectName("calculateButton")
        self.calculate_button.setToolTip("按公式计算（Enter）")
        self.calculate_button.clicked.connect(self.calculate)
        self.result_label = QLabel(self.calculator)
        self.result_label.setObjectName("calcResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.calculate_button)
        row.addWidget(self.result_label, 1)
        calc.addLayout(row)

        self.add_box = QGroupBox("加入当前表单", self)
        self.add_box.setObjectName("addToFormBox")
        add = QFormLayout(self.add_box)
        self.target_box = QComboBox(self.add_box)
        self.target_box.setObjectName("targetForm")
        self.target_box.setMinimumContentsLength(30)
        self.group_box = QComboBox(self.add_box)
        self.group_box.setObjectName("targetGroup")
        self.add_button = QPushButton("加入当前表单", self.add_box)
        self.add_button.setObjectName("addToFormButton")
        self.add_button.setToolTip("把所选指标作为一行加入编辑窗口中的指标表（可在编辑窗口撤销）")
        self.add_button.clicked.connect(self.add_to_form)
        self.add_status = QLabel(self.add_box)
        self.add_status.setObjectName("addStatus")
        self.add_status.setWordWrap(True)
        add.addRow("表单：", self.target_box)
        add.addRow("加入位置：", self.group_box)
        add.addRow(self.add_button, self.add_status)

        right = QWidget(self)
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.detail, 1)
        side.addWidget(self.calculator)
        side.addWidget(self.add_box)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 660])
        splitter.setChildrenCollapsible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        add_help_button(buttons, "indicators")  # the manual's 绩效指标 page
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        layout.addWidget(buttons)

        self.search_box.textChanged.connect(self.search)
        self.tree.currentItemChanged.connect(lambda current, _previous: self._show(current))
        self.target_box.currentIndexChanged.connect(self._fill_groups)
        try:
            self._fill_tree()
        except FormulaError as exc:  # a broken library file: say so instead of an empty tree
            self.detail.setPlainText(str(exc))
        self._show(None)
        self.refresh_targets()

    # --- the tree ---------------------------------------------------------------------

    def _heading(self, parent, text: str, what: tuple[str, str | None], note: str = "") -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text, note])
        item.setData(0, ENTRY_ROLE, what)
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        return item

    def _leaf(self, parent: QTreeWidgetItem, entry, text: str | None = None, note: str | None = None) -> QTreeWidgetItem:
        formula = _formula(entry)
        if note is None:
            note = "公式" if formula is not None else (getattr(entry, "method", "") or "评价判断")
        item = QTreeWidgetItem(parent, [text or entry.name, note])
        item.setData(0, ENTRY_ROLE, ("entry", entry.id))
        item.setToolTip(0, f"{entry.id} {entry.name}")
        self._items[entry.id] = item
        return item

    def _fill_tree(self) -> None:
        self.tree.clear()
        self._items.clear()
        common = self._heading(self.tree, "共性指标", ("section", "common"), "八类")
        for group in library.common_groups():
            node = self._heading(common, f"{group.no}. {group.name}", ("group", group.id), group.category)
            for indicator in group.indicators:
                self._leaf(node, indicator, f"{indicator.no}. {indicator.name}")
            for formula in group.formulas:
                self._leaf(node, formula)
        own = self._heading(self.tree, "个性指标", ("section", "families"), "九类")
        for family in library.families():
            node = self._heading(own, f"{family.no}. {family.name}", ("family", family.id))
            for indicator in family.indicators:
                self._leaf(node, indicator, f"{indicator.no}. {indicator.name}")
        qualitative = self._heading(self.tree, "定性指标", ("qualitative", None), "权数")
        for indicator in library.qualitative_indicators():
            self._leaf(qualitative, indicator, note=f"权数 {indicator.weight}")
        other = library.library().other_formulas
        if other:
            node = self._heading(self.tree, "其他计算公式", ("section", "other"), "监控、执行")
            for formula in other:
                self._leaf(node, formula)
        for i in range(self.tree.topLevelItemCount()):
            self.tree.topLevelItem(i).setExpanded(True)
        self._count(len(self._items), searching=False)

    def _count(self, shown: int, searching: bool) -> None:
        self.count_label.setText(f"找到 {shown} 个指标" if searching else f"共 {shown} 个指标和公式")

    def search(self, text: str) -> list[str]:
        """Show only the entries holding every word of `text`; returns their ids, in library order."""
        text = text.strip()
        found = [entry.id for entry in library.search(text)] if text else list(self._items)
        wanted = set(found)

        def walk(item: QTreeWidgetItem) -> bool:
            what = item.data(0, ENTRY_ROLE)
            if what and what[0] == "entry":
                visible = what[1] in wanted
            else:
                visible = False
                for i in range(item.childCount()):
                    visible = walk(item.child(i)) or visible
                item.setExpanded(bool(text) and visible or (not text and item.parent() is None))
            item.setHidden(not visible)
            return visible

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i))
        shown = [entry_id for entry_id in found if entry_id in self._items]
        self._count(len(shown), searching=bool(text))
        if text and shown:
            self.select(shown[0])
        return shown

    def visible_entries(self) -> list[str]:
        """The ids of the entries the tree shows now, top to bottom."""
        return [entry_id for entry_id, item in self._items.items() if not self._hidden(item)]

    @staticmethod
    def _hidden(item: QTreeWidgetItem) -> bool:
        while item is not None:
            if item.isHidden():
                return True
            item = item.parent()
        return False

    def select(self, entry_id: str) -> bool:
        item = self._items.get(entry_id)
        if item is None:
            return False
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)
        return True

    # --- the detail pane and the calculator -----------------------------------------

    def current_entry(self):
        return self._entry

    def _show(self, item: QTreeWidgetItem | None) -> None:
        what = item.data(0, ENTRY_ROLE) if item is not None else None
        self._entry = None
        if what is None:
            self.detail.setHtml(f"<p>{html.escape(library.library().introduction or '从左侧选择指标查看说明。')}</p>")
        elif what[0] == "entry":
            self._entry = library.find(what[1])
            self.detail.setHtml(self._entry_html(self._entry))
        elif what[0] == "group":
            group = next(g for g in library.common_groups() if g.id == what[1])
            self.detail.setHtml(f"<h3>{html.escape(group.name)}</h3><p>共性指标 · {html.escape(group.category)}</p>"
                                f"<p>{html.escape(group.definition)}</p>")
        elif what[0] == "family":
            self.detail.setHtml(self._family_html(library.family(what[1])))
        elif what[0] == "qualitative":
            self.detail.setHtml(self._qualitative_html())
        else:
            self.detail.setHtml(f"<h3>{html.escape(item.text(0))}</h3><p>选择其下的指标查看定义和计算公式。</p>")
        self._build_calculator()
        self._suggest_group()
        self._update_add_button()

    def _entry_html(self, entry) -> str:
        e = html.escape
        parts = [f"<h3>{e(entry.name)}</h3>"]
        if isinstance(entry, Indicator):
            parts.append(f"<p>编号 {e(entry.id)} · {e(entry.category)} · {e(entry.group)}</p>")
            if entry.explanation:
                parts.append(f"<p><b>指标解释：</b>{e(entry.explanation)}</p>")
            if entry.method:
                parts.append(f"<p><b>评价方式：</b>{e(entry.method)}</p>")
        elif isinstance(entry, QualitativeIndicator):
            parts.append(f"<p>定性指标 · <b>权数 {e(str(entry.weight))}</b>（定性指标权数合计 100）</p>")
            description = library.library().qualitative_description
            if description:
                parts.append(f"<p>{e(description)}</p>")
        else:
            parts.append(f"<p>编号 {e(entry.id)}</p>")
        formula = _formula(entry)
        if formula is not None:
            parts.append(f"<p><b>计算公式：</b>{e(formula.seed or formula.expression)}</p>")
            inputs = "".join(f"<li>{e(i.label)}{'（' + e(i.unit) + '）' if i.unit else ''}</li>" for i in formula.inputs)
            parts.append(f"<p><b>需要填写：</b></p><ul>{inputs}</ul>")
            unit = "百分比" if formula.unit == PERCENT else formula.unit
            parts.append(f"<p><b>结果：</b>{e(unit)}，保留 {formula.places} 位小数；{BETTER.get(formula.better, '')}</p>")
            if formula.note:
                parts.append(f"<p><b>说明：</b>{e(formula.note)}</p>")
        elif not isinstance(entry, QualitativeIndicator):
            parts.append("<p>该指标没有计算公式，请按评价方式直接判断并填写结果。</p>")
        return "".join(parts)

    def _family_html(self, family) -> str:
        e = html.escape
        parts = [f"<h3>{e(family.name)}</h3><p>个性指标</p>"]
        if family.description:
            parts.append(f"<p>{e(family.description)}</p>")
        if family.subjects:
            parts.append(f"<p><b>适用：</b>{e(family.subjects)}</p>")
        if family.categories:
            parts.append(f"<p><b>指标类别：</b>{e('、'.join(family.categories))}</p>")
        if family.listed_only:
            parts.append(f"<p><b>只列名称的指标：</b>{e('、'.join(family.listed_only))}</p>")
        return "".join(parts)

    def _qualitative_html(self) -> str:
        e = html.escape
        lib = library.library()
        rows = "".join(f"<li>{e(i.name)}：权数 {e(str(i.weight))}</li>" for i in lib.qualitative)
        parts = [f"<h3>定性指标</h3><p>{e(lib.qualitative_description)}</p><ul>{rows}</ul>"]
        for title, items in (("考虑因素", lib.factors), ("评价方法", lib.methods)):
            if items:
                listed = "".join(f"<li><b>{e(i.name)}</b>：{e(i.explanation)}</li>" for i in items)
                parts.append(f"<p><b>{title}：</b></p><ul>{listed}</ul>")
        return "".join(parts)

    def _build_calculator(self) -> None:
        while self.input_form.rowCount():
            self.input_form.removeRow(0)
        self._inputs.clear()
        self.result_label.clear()
        formula = _formula(self._entry)
        self.calculator.setEnabled(formula is not None)
        if formula is None:
            self.calculator.setTitle("计算器（所选项没有计算公式）")
            return
        self.calculator.setTitle(f"计算器：{formula.name}")
        for item in formula.inputs:
            edit = QLineEdit(self.calculator)
            edit.setObjectName(f"input_{item.key}")
            edit.setPlaceholderText(f"填写数字{'，单位：' + item.unit if item.unit else ''}")
            edit.textChanged.connect(lambda _text, edit=edit, item=item: self._validate(edit, item))
            edit.returnPressed.connect(self.calculate)
            self._inputs[item.key] = edit
            self.input_form.addRow(f"{item.label}：", edit)

    def input_edit(self, label: str) -> QLineEdit:
        """The calculator's box for an input, by its Chinese label or its key."""
        formula = _formula(self._entry)
        if formula is None:
            raise KeyError(label)
        return self._inputs[formula.input(label).key]

    def _validate(self, edit: QLineEdit, item) -> bool:
        try:
            parse_number(edit.text(), item.label, percent_sign=item.unit == PERCENT)
        except FormulaError as exc:
            edit.setStyleSheet("background: #fdecea;")
            edit.setToolTip(str(exc))
            return False
        edit.setStyleSheet("")
        edit.setToolTip("")
        return True

    def calculate(self) -> str:
        """计算: the formula's result as text, or why it cannot be computed (in red)."""
        if _formula(self._entry) is None:
            return ""
        values = {key: edit.text() for key, edit in self._inputs.items()}
        try:
            result = library.compute(self._entry.id, values)
        except FormulaError as exc:
            self.result_label.setStyleSheet(ERROR_STYLE)
            self.result_label.setText(str(exc))
            return str(exc)
        self.result_label.setStyleSheet("font-weight: bold;")
        self.result_label.setText(f"{self._entry.name} = {result.text}")
        return result.text

    def result_text(self) -> str:
        return self.result_label.text()

    # --- 加入当前表单 ----------------------------------------------------------------

    def refresh_targets(self) -> None:
        """The open declarations and evaluation reports, the one last in front first."""
        previous = self.target_editor()
        editors = [e for e in self._targets() if getattr(getattr(e, "form", None), "id", None) in TARGET_TABLES]
        self._target_editors = editors
        self.target_box.blockSignals(True)
        self.target_box.clear()
        for editor in editors:
            self.target_box.addItem(editor.windowTitle())
        if not editors:
            self.target_box.addItem(NO_TARGET)
        keep = editors.index(previous) if previous in editors else 0
        self.target_box.setCurrentIndex(keep)
        self.target_box.setEnabled(bool(editors))
        self.target_box.blockSignals(False)
        self._fill_groups()

    def target_editor(self) -> QMainWindow | None:
        index = self.target_box.currentIndex()
        editors = getattr(self, "_target_editors", [])
        return editors[index] if 0 <= index < len(editors) else None

    def _fill_groups(self) -> None:
        previous = self.group_box.currentData()
        self.group_box.clear()
        editor = self.target_editor()
        if editor is not None:
            for key in TARGET_TABLES[editor.form.id]:
                table = editor.form.tables[key]
                for level1, level2 in editor.table_editor(key).groups():
                    path = " › ".join(part for part in (table.label, level1, level2) if part)
                    self.group_box.addItem(path, (key, (level1, level2)))
        index = self.group_box.findData(previous) if previous is not None else -1
        self.group_box.setCurrentIndex(max(index, 0))
        self._suggest_group()
        self._update_add_button()

    def _suggest_group(self) -> None:
        """A 共性指标 goes under the 基本指标 of its group's name when the form has one (资金到位率 → 1.资金落实情况)."""
        group = getattr(self._entry, "group", None) if isinstance(self._entry, Indicator) else None
        if not group:
            return
        for i in range(self.group_box.count()):
            _key, (level1, level2) = self.group_box.itemData(i)
            if not level2 and _plain_group(level1) == group:
                self.group_box.setCurrentIndex(i)
                return

    def choose_group(self, *parts: str) -> bool:
        """Choose 加入位置 by its shown words, e.g. ("产出指标", "质量指标") or ("财务指标", "1.资金落实情况")."""
        for i in range(self.group_box.count()):
            shown = self.group_box.itemText(i).split(" › ")
            if all(part in shown for part in parts):
                self.group_box.setCurrentIndex(i)
                return True
        return False

    def _update_add_button(self) -> None:
        ready = self._entry is not None and self.target_editor() is not None and self.group_box.count() > 0
        self.add_button.setEnabled(ready)

    def add_to_form(self) -> bool:
        """加入当前表单: the chosen indicator as a new row under the chosen heading (undoable in the editor)."""
        editor, entry, target = self.target_editor(), self._entry, self.group_box.currentData()
        if editor is None or entry is None or target is None:
            self._say("请先选择一个指标，并在主窗口打开一份申报表或评价报告。", error=True)
            return False
        key, levels = target
        part = editor.table_editor(key)
        columns = {column.key for column in part.table.columns}
        row = {"content": entry.name}
        if "kind" in columns:  # 定量/定性: a formula gives a figure, anything else is judged
            row["kind"] = "定量" if _formula(entry) is not None else "定性"
        try:
            part.add_rows(levels, [row])
        except (ValueError, KeyError) as exc:
            self._say(f"无法加入：{exc}", error=True)
            return False
        where = " › ".join(p for p in levels if p)
        self._say(f"已把“{entry.name}”加入“{editor.windowTitle()}”的{part.table.label}（{where}），可在编辑窗口撤销。")
        return True

    def _say(self, text: str, error: bool = False) -> None:
        self.add_status.setStyleSheet(ERROR_STYLE if error else "")
        self.add_status.setText(text)
