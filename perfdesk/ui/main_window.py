"""The main window: the stored forms by kind and year, a search box, and what a clerk does with a form.

No business rules here: the list comes from the store, amounts are formatted by `domain.money`,
findings come from `operations.check`, and new, duplicate, render and export are `operations`.
The modal questions live in `dialogs` so tests can answer them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..errors import USER_ERRORS  # failures with a Chinese message fit to show as is
from ..operations import check, duplicate, export, new_declaration, render
from ..store import FormRecord, Store, StoreError, UnitRecord
from . import dialogs
from .workers import ListLoader
from .form_list_model import (
    COL_AMOUNT,
    COL_ID,
    COL_STATUS,
    COL_TITLE,
    COL_UNIT,
    COL_UPDATED,
    COL_YEAR,
    FormFilterModel,
    FormListModel,
)

WINDOW_TITLE = "PerfDesk 预算绩效填报桌面端"
ALL_YEARS = "全部年度"
EMPTY_STORE = "没有表单。可在命令行运行 perfdesk demo 写入示例数据。"
NO_FINDINGS = "未发现问题"
LATER = "将在后续版本提供"
DECLARATION = "declaration"
# (label, form id or None while the kind is not built yet)
FORM_KINDS = (("绩效目标申报", DECLARATION), ("运行监控", None), ("绩效评价", None), ("提交包", None))


class FindingsDialog(QDialog):
    """Read-only list of one form's check results, one line per finding."""

    def __init__(self, title: str, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsDialog")
        self.setWindowTitle(f"校验结果 – {title}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 320)
        layout = QVBoxLayout(self)
        self.findings_list = QListWidget(self)
        self.findings_list.setObjectName("findingsList")
        self.findings_list.setWordWrap(True)
        self.findings_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.findings_list.addItems(lines or [NO_FINDINGS])
        layout.addWidget(self.findings_list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def lines(self) -> list[str]:
        return [self.findings_list.item(i).text() for i in range(self.findings_list.count())]


@contextmanager
def busy():
    """A wait cursor while the GUI thread renders or writes."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class MainWindow(QMainWindow):
    list_loaded = Signal()  # the list shows what the store holds (after refresh, year or kind change)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.loader = ListLoader(store, self)
        self._pending_select: int | None = None  # form to select once the list has loaded
        self._pending_reveal = False  # clear the search if it hides that form
        self._pending_row: int | None = None  # else the row to select (after a delete)
        # None: perfdesk.ui.editor.DeclarationEditor, imported on first use. Tests may set a stand-in.
        self.editor_factory: Callable[..., QMainWindow] | None = None
        self.editors: dict[int, QMainWindow] = {}  # open editor windows by form id
        self.batch = None  # the running or last BatchExport
        self.last_batch_result = None
        self.setWindowTitle(WINDOW_TITLE)
        self.resize(1180, 680)

        self.nav = QListWidget(self)
        self.nav.setObjectName("navPane")
        for label, form_id in FORM_KINDS:
            item = QListWidgetItem(label, self.nav)
            item.setData(Qt.ItemDataRole.UserRole, form_id)
            if form_id is None:
                item.setFlags(item.flags() & ~(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable))
                item.setToolTip(LATER)
            else:
                item.setToolTip(f"{label}表（绩效目标申报表）")
        self.nav.setCurrentRow(0)
        self.nav.setMaximumWidth(180)

        self.year_box = QComboBox(self)
        self.year_box.setObjectName("yearBox")
        self.year_box.setToolTip("只显示该预算年度的表单")
        self.year_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("搜索标题或单位…")
        self.search_box.setClearButtonEnabled(True)

        self.model = FormListModel(self)
        self.proxy = FormFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setObjectName("formTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        # Fixed row heights: the view never measures 10,000 rows to lay them out.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # keep the store's newest-first order
        self.table.setSortingEnabled(True)
        self._size_columns()
        self.table.doubleClicked.connect(self.open_form)

        top = QHBoxLayout()
        top.addWidget(QLabel("年度：", self))
        top.addWidget(self.year_box)
        top.addSpacing(16)
        top.addWidget(self.search_box, 1)
        right = QWidget(self)
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)
        splitter = QSplitter(self)
        splitter.addWidget(self.nav)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([150, 1000])
        splitter.setChildrenCollapsible(False)
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.addWidget(splitter)
        self.setCentralWidget(central)

        # A label rather than showMessage(): hovering a menu item would wipe a plain message.
        self.count_label = QLabel(self)
        self.count_label.setObjectName("formCount")
        self.statusBar().addWidget(self.count_label, 1)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.year_box.currentIndexChanged.connect(self._load_forms)
        self.search_box.textChanged.connect(self._search)
        self.nav.currentItemChanged.connect(lambda *_: self._load_forms())
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.proxy.modelReset.connect(self._update_actions)
        self.proxy.layoutChanged.connect(self._update_actions)
        self.loader.loaded.connect(self._list_loaded)
        self.loader.failed.connect(self._list_failed)
        self.refresh()

    # --- actions, menus, toolbar -------------------------------------------------------

    def _action(self, text: str, name: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setIconText(text.replace(text[text.find("(&"):text.find("(&") + 4], "") if "(&" in text else text)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_action = a("新建(&N)", "newAction", self.new_form, QKeySequence.StandardKey.New, "新建绩效目标申报表")
        self.open_action = a("打开(&O)", "openAction", self.open_form, QKeySequence.StandardKey.Open,
                             "在编辑窗口中打开选中的表单（回车或双击）")
        self.duplicate_action = a("复制到新年度(&Y)…", "duplicateAction", self.duplicate_form,
                                  tip="把选中的表单复制为另一年度的新草稿")
        self.delete_action = a("删除(&D)", "deleteAction", self.delete_form, QKeySequence.StandardKey.Delete,
                               "把选中的表单移到回收站")
        # Delete only when the list has the focus: in the search box the key deletes text.
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.recycle_action = a("回收站(&B)…", "recycleBinAction", self.show_recycle_bin, tip="恢复或彻底删除已删除的表单")
        self.check_action = a("校验(&C)", "checkAction", self.check_form, "F7", "校验选中的表单并列出问题")
        self.preview_action = a("打印预览(&V)…", "previewAction", self.print_preview, QKeySequence.StandardKey.Print,
                                "预览并打印导出时生成的 PDF")
        self.export_pdf_action = a("导出 PDF(&P)…", "exportPdfAction", lambda: self.export_file("pdf"),
                                   tip="把选中的表单导出为 PDF")
        self.export_xlsx_action = a("导出 Excel(&E)…", "exportXlsxAction", lambda: self.export_file("xlsx"),
                                    tip="把选中的表单导出为 Excel 工作簿")
        self.batch_action = a("批量导出(&M)…", "batchExportAction", self.batch_export,
                              tip="把列表中所有通过校验的表单导出为 PDF 和 Excel")
        self.refresh_action = a("刷新(&R)", "refreshAction", self.refresh, QKeySequence.StandardKey.Refresh)
        self.unit_action = a("单位设置(&U)…", "unitSetupAction", self.edit_unit, tip="修改本单位的名称、编码等信息")
        self.quit_action = a("退出(&X)", "quitAction", self.close, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.about_action = a("关于(&A)", "aboutAction", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.form_actions = (self.open_action, self.duplicate_action, self.delete_action, self.check_action,
                             self.preview_action, self.export_pdf_action, self.export_xlsx_action)

        # The list's own keys and right-click menu.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_form)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        separator = QAction(self)
        separator.setSeparator(True)
        self.table.addActions([self.open_action, self.check_action, self.preview_action, separator,
                               self.export_pdf_action, self.export_xlsx_action, self.duplicate_action,
                               self.delete_action])

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        file_menu.addActions([self.new_action, self.open_action])
        file_menu.addSeparator()
        file_menu.addActions([self.preview_action, self.export_pdf_action, self.export_xlsx_action, self.batch_action])
        file_menu.addSeparator()
        file_menu.addAction(self.refresh_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        form_menu = self.menuBar().addMenu("表单(&E)")
        form_menu.addActions([self.duplicate_action, self.delete_action])
        form_menu.addSeparator()
        form_menu.addAction(self.check_action)
        form_menu.addSeparator()
        form_menu.addAction(self.recycle_action)

        settings_menu = self.menuBar().addMenu("设置(&S)")
        settings_menu.addAction(self.unit_action)

        help_menu = self.menuBar().addMenu("帮助(&H)")
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        bar = QToolBar("常用操作", self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(16, 16))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.open_action, self.duplicate_action, self.delete_action, None,
                       self.check_action, self.preview_action, self.export_pdf_action, self.export_xlsx_action,
                       self.batch_action, None, self.recycle_action):
            if action is None:
                bar.addSeparator()
            else:
                bar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def _update_actions(self, *_args) -> None:
        has_row = self.current_index().isValid()
        for action in self.form_actions:
            action.setEnabled(has_row)
        self.batch_action.setEnabled(self.proxy.rowCount() > 0 and not self.batch_running())
        self.new_action.setEnabled(self.form_kind() == DECLARATION)

    def _size_columns(self) -> None:
        """Column widths from the font, once: measuring 10,000 rows on every refresh costs seconds."""
        metrics = self.fontMetrics()
        header = self.table.horizontalHeader()
        widths = {COL_ID: "000000", COL_YEAR: "00000", COL_STATUS: "已校验已", COL_UNIT: "长子县农业农村局局",
                  COL_AMOUNT: "金额（万元）0", COL_UPDATED: "2026-11-21 14:05 0"}
        for column, sample in widths.items():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)

    # --- loading -----------------------------------------------------------------------

    def form_kind(self) -> str | None:
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else DECLARATION

    def selected_year(self) -> int | None:
        return self.year_box.currentData()

    def set_year(self, year: int | None) -> None:
        index = self.year_box.findData(year) if year is not None else 0
        if index >= 0:
            self.year_box.setCurrentIndex(index)

    def refresh(self, select: int | None = None, year: int | None | bool = False) -> None:
        """Read the years and forms again from the store, keeping the chosen year if it still exists.

        `select` is the form to select once loaded, clearing the search if it hides it (default:
        keep the selection); `year`, when given, is the year to show instead. The list itself is
        read in the background: list_loaded is emitted when it shows."""
        if select is not None:
            self._pending_select, self._pending_reveal = select, True
        wanted = self.selected_year() if year is False else year
        try:
            years = self.store.years()
        except StoreError as exc:
            self._store_failed(exc)
            return
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.addItem(ALL_YEARS, None)
        for each in years:
            self.year_box.addItem(f"{each}年度", each)
        index = self.year_box.findData(wanted) if wanted is not None else 0
        self.year_box.setCurrentIndex(max(index, 0))
        self.year_box.blockSignals(False)
        self._load_forms()

    def _load_forms(self) -> None:
        if self._pending_select is None and self._pending_row is None:
            current = self.current_record()  # keep the selection if the form is still listed
            self._pending_select = current.id if current is not None else None
        self.count_label.setText("正在读取表单…")
        self.loader.load(self.selected_year(), self.form_kind())

    def is_loading(self) -> bool:
        return self.loader.is_busy()

    def _list_loaded(self, rows) -> None:
        select, reveal, row = self._pending_select, self._pending_reveal, self._pending_row
        self._pending_select, self._pending_reveal, self._pending_row = None, False, None
        self.model.set_rows(rows)
        if select is not None:
            self.select_form(select, reveal=reveal)
        elif row is not None and self.proxy.rowCount():
            self.table.selectRow(min(row, self.proxy.rowCount() - 1))
        self._update_count()
        self._update_actions()
        self.list_loaded.emit()

    def _list_failed(self, message: str) -> None:
        self._pending_select, self._pending_reveal, self._pending_row = None, False, None
        self._store_failed(StoreError(message))
        self.list_loaded.emit()

    def _search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def _update_count(self) -> None:
        if self.model.rowCount() == 0 and self.selected_year() is None:
            self.count_label.setText(EMPTY_STORE)
        else:
            self.count_label.setText(f"共 {self.proxy.rowCount()} 份表单")

    def status_text(self) -> str:
        return self.count_label.text()

    def _store_failed(self, exc: StoreError) -> None:
        self.count_label.setText("读取数据库失败")
        QMessageBox.warning(self, "读取数据库失败", str(exc))

    # --- selection ---------------------------------------------------------------------

    def record_at(self, index: QModelIndex) -> FormRecord:
        return self.proxy.record(index.row())

    def current_index(self) -> QModelIndex:
        rows = self.table.selectionModel().selectedRows()
        return rows[0] if rows else QModelIndex()

    def current_record(self) -> FormRecord | None:
        index = self.current_index()
        return self.record_at(index) if index.isValid() else None

    def listed_records(self) -> list[FormRecord]:
        """The forms shown now (year, kind and search applied), top to bottom."""
        return [self.proxy.record(row) for row in range(self.proxy.rowCount())]

    def select_form(self, form_instance_id: int, *, reveal: bool = True) -> bool:
        """Select that form's row and scroll to it; with reveal, clears the search if it hides the row."""
        row = self.proxy.row_of(form_instance_id)
        if row < 0 and reveal and self.proxy.search_text() and self.model.row_of(form_instance_id) >= 0:
            self.search_box.clear()
            row = self.proxy.row_of(form_instance_id)
        if row < 0:
            return False
        index = self.proxy.index(row, COL_TITLE)
        self.table.selectRow(row)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def _selected_or_warn(self, doing: str) -> FormRecord | None:
        record = self.current_record()
        if record is None:
            QMessageBox.information(self, doing, f"请先在列表中选中要{doing}的表单。")
        return record

    def own_unit(self) -> UnitRecord | None:
        """The unit this copy of PerfDesk fills forms for: the first one set up."""
        units = self.store.units()
        return units[0] if units else None

    # --- new, open, duplicate, delete --------------------------------------------------------

    def new_form(self) -> FormRecord | None:
        """新建: ask the project name, create a blank declaration for the unit, open it."""
        try:
            unit = self.own_unit()
        except StoreError as exc:
            self._store_failed(exc)
            return None
        if unit is None:
            unit = self.edit_unit()
            if unit is None:
                return None
        year = self.selected_year() or dt.date.today().year + 1
        title = dialogs.ask_text(self, "新建绩效目标申报表", f"{year}年度的项目名称：")
        if title is None:
            return None
        try:
            record = new_declaration(self.store, unit, year, title.strip())
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "无法新建", str(exc))
            return None
        self.refresh(select=record.id)
        self.statusBar().showMessage(f"已新建“{record.title}”", 8000)
        self.open_form_id(record.id)
        return record

    def open_form(self, index: QModelIndex | None = None) -> QMainWindow | None:
        """打开: the selected (or given) row in the declaration editor."""
        if not isinstance(index, QModelIndex) or not index.isValid():
            index = self.current_index()
        if not index.isValid():
            return None
        return self.open_form_id(self.record_at(index).id)

    def _editor_class(self) -> Callable[..., QMainWindow] | None:
        if self.editor_factory is not None:
            return self.editor_factory
        try:
            from .editor import DeclarationEditor
        except ImportError as exc:  # an installation without (or with a broken) editor package
            QMessageBox.warning(self, "无法打开", f"表单编辑器无法加载：{exc}")
            return None
        return DeclarationEditor

    def open_form_id(self, form_instance_id: int) -> QMainWindow | None:
        editor = self.editors.get(form_instance_id)
        if editor is not None:  # one window per form: bring it forward
            editor.show()
            editor.raise_()
            editor.activateWindow()
            return editor
        factory = self._editor_class()
        if factory is None:
            return None
        try:
            with busy():
                editor = factory(self.store, form_instance_id, parent=self)
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "无法打开", str(exc))
            return None
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(self._form_saved)
        editor.destroyed.connect(lambda *_, fid=form_instance_id: self.editors.pop(fid, None))
        self.editors[form_instance_id] = editor
        editor.show()
        return editor

    def _form_saved(self, _form_instance_id: int) -> None:
        self.refresh()  # new status, amount, title and time; the selection stays

    def duplicate_form(self) -> FormRecord | None:
        """复制到新年度: copy the selected form into a year the clerk names (default: the next)."""
        source = self._selected_or_warn("复制")
        if source is None:
            return None
        year = dialogs.ask_year(self, "复制到新年度", f"把“{source.title}”复制到哪个预算年度？", source.year + 1)
        if year is None:
            return None
        try:
            with busy():
                copy = duplicate(self.store, source.id, year)
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "无法复制", str(exc))
            return None
        shown = self.selected_year()
        self.refresh(select=copy.id, year=shown if shown in (None, year) else year)
        self.statusBar().showMessage(f"已复制为 {year} 年度的草稿“{copy.title}”", 8000)
        return copy

    def delete_form(self) -> bool:
        """删除: after confirmation, to the recycle bin."""
        record = self._selected_or_warn("删除")
        if record is None:
            return False
        if record.id in self.editors:
            QMessageBox.information(self, "删除表单", f"“{record.title}”正在编辑，请先关闭它的编辑窗口。")
            return False
        if not dialogs.confirm(self, "删除表单", f"删除“{record.title}”？\n删除的表单放入回收站，可以恢复。"):
            return False
        row = self.current_index().row()
        try:
            self.store.delete_form(record.id)
        except StoreError as exc:
            QMessageBox.warning(self, "删除失败", str(exc))
            return False
        self._pending_row = row  # the row that moves up into its place
        self.refresh()
        self.statusBar().showMessage(f"已将“{record.title}”移到回收站", 8000)
        return True

    def show_recycle_bin(self):
        from .recycle_bin import RecycleBinDialog

        dialog = RecycleBinDialog(self.store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(lambda: self.refresh())
        dialog.open()
        return dialog

    # --- check, preview, export --------------------------------------------------------

    def check_form(self) -> FindingsDialog | None:
        return self.show_findings(self.current_index())

    def show_findings(self, index: QModelIndex) -> FindingsDialog | None:
        """Check the form in that row (as it is stored now) and show the findings, without blocking."""
        if not index.isValid():
            return None
        listed = self.record_at(index)
        try:
            record = self.store.get_form(listed.id)
            findings = check(record)
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "无法校验", f"表单 {listed.id}“{listed.title}”无法校验：\n{exc}")
            return None
        dialog = FindingsDialog(record.title, [finding.line() for finding in findings], self)
        dialog.open()
        return dialog

    def print_preview(self):
        """打印预览 of the PDF export would write; a form with errors shows as a draft."""
        from .preview import PrintPreviewDialog

        listed = self._selected_or_warn("预览")
        if listed is None:
            return None
        try:
            with busy():
                record = self.store.get_form(listed.id)
                draft = any(finding.blocks_export for finding in check(record))
                pdf = render(self.store, record).pdf
                dialog = PrintPreviewDialog(pdf, record.title, draft=draft, parent=self)
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "无法预览", str(exc))
            return None
        dialog.show()
        return dialog

    def export_file(self, kind: str) -> Path | None:
        """导出 PDF… / 导出 Excel…: ask where (last folder remembered), then write; errors block."""
        listed = self._selected_or_warn("导出")
        if listed is None:
            return None
        label, pattern = {"pdf": ("PDF", "PDF 文件 (*.pdf)"), "xlsx": ("Excel", "Excel 工作簿 (*.xlsx)")}[kind]
        suggested = dialogs.last_export_dir() / f"{dialogs.safe_file_name(listed.title)}.{kind}"
        path = dialogs.save_file_name(self, f"导出 {label}", suggested, pattern)
        if path is None:
            return None
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(f"{path.name}.{kind}")
        try:
            with busy():
                findings = export(self.store, listed.id, pdf=path if kind == "pdf" else None,
                                  xlsx=path if kind == "xlsx" else None)
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "无法导出", str(exc))
            return None
        dialogs.remember_export_dir(path.parent)
        self.refresh(select=listed.id)
        warnings = sum(1 for finding in findings if finding.severity.value == "warning")
        tail = f"（有 {warnings} 个警告，可在“校验”中查看）" if warnings else ""
        self.statusBar().showMessage(f"已导出：{path}{tail}", 10000)
        return path

    def batch_running(self) -> bool:
        return self.batch is not None and self.batch.result is None

    def batch_export(self):
        """批量导出: every listed form that passes its checks, in a worker thread."""
        from .workers import BatchExport

        if self.batch_running():
            return None
        ids = [record.id for record in self.listed_records()]
        if not ids:
            QMessageBox.information(self, "批量导出", "列表中没有表单。")
            return None
        folder = dialogs.existing_directory(self, f"选择导出文件夹（{len(ids)} 份表单）", dialogs.last_export_dir())
        if folder is None:
            return None
        dialogs.remember_export_dir(folder)
        self.batch = BatchExport(self.store, ids, folder, self)
        self.batch.done.connect(lambda result, folder=folder: self._batch_done(result, folder))
        self.batch.start()
        self._update_actions()
        return self.batch

    def _batch_done(self, result, folder: Path) -> None:
        from .workers import show_summary

        self.last_batch_result = result
        self.refresh()
        show_summary(self, result, folder)

    # --- unit, about, closing ----------------------------------------------------------

    def edit_unit(self) -> UnitRecord | None:
        """设置 → 单位设置 (also asked by 新建 when no unit is set up)."""
        from .setup_dialog import UnitSetupDialog

        try:
            unit = self.own_unit()
        except StoreError as exc:
            self._store_failed(exc)
            return None
        dialog = UnitSetupDialog(self.store, unit, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self.refresh()
        return dialog.unit

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "关于 PerfDesk",
            f"<p><b>{WINDOW_TITLE}</b></p><p>版本 {__version__}</p>"
            "<p>离线填写、校验、打印预算绩效表单。</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        for editor in list(self.editors.values()):
            if not editor.close():  # an editor may refuse (e.g. it could not save)
                event.ignore()
                return
        if self.batch is not None and self.batch.is_running():
            self.batch.cancel()
            self.batch.wait()
        self.loader.wait()
        super().closeEvent(event)
