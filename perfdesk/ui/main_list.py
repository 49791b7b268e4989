"""The main window's list: the navigation pane's sections, the year and status filters, the search box,
the table's columns, loading it through the runner, and the selection.

A mixin of `MainWindow` (it reads the widgets the window builds); it never imports the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QMessageBox, QSplitter, QTableView, QVBoxLayout, QWidget)

from perfdesk.domain.lifecycle import status_labels
from perfdesk.store.store_errors import StoreError
from perfdesk.ui.form_list_model import (
    COL_ALERTS, COL_AMOUNT, COL_DUE, COL_ID, COL_KIND, COL_STATUS, COL_TITLE, COL_UNIT, COL_UPDATED, COL_YEAR,
    FormFilterModel, FormListModel)
from perfdesk.ui.list_columns import widest_status
from perfdesk.ui.main_sections import (
    ALL_YEARS, DECLARATION, EMPTY_STORE, NEW_FORMS, PACKAGES, SECTIONS, Section)

if TYPE_CHECKING:
    from perfdesk.store import FormRecord


class MainList:
    """The list of stored forms and what is selected in it."""

    def _build_list(self) -> None:
        """The navigation pane, the year and status filters, the search box, the table and the count."""
        self.nav = QListWidget(self)
        self.nav.setObjectName("navPane")
        for section in SECTIONS:
            item = QListWidgetItem(section.label, self.nav)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            item.setToolTip(section.tip)
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
        top.addWidget(QLabel("状态：", self))
        self.status_box = QComboBox(self)
        self.status_box.setObjectName("statusFilter")
        self.status_box.addItem("全部", None)
        for label in status_labels():
            self.status_box.addItem(label, label)
        self.status_box.currentIndexChanged.connect(
            lambda _i: (self.proxy.set_status(self.status_box.currentData()), self._update_count()))
        top.addWidget(self.status_box)
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

    def _size_columns(self) -> None:
        """Column widths from the font, once: measuring 10,000 rows on every refresh costs seconds."""
        metrics = self.fontMetrics()
        header = self.table.horizontalHeader()
        widths = {COL_ID: "000000", COL_YEAR: "00000", COL_KIND: "项目支出绩效运行", COL_STATUS: widest_status(metrics),
                  COL_UNIT: "长子县农业农村局", COL_AMOUNT: "金额（万元）0", COL_DUE: "2026-07-31 已逾期 113 天",
                  COL_ALERTS: "红色预警 1 / 黄色预警 10", COL_UPDATED: "2026-11-21 14:05 0"}
        for column, sample in widths.items():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)

    def _show_blank_columns(self) -> None:
        """截止 and 预警 only where some listed form has one: a declaration has neither."""
        for column in (COL_DUE, COL_ALERTS):
            self.table.setColumnHidden(column, not self.model.column_has_text(column))

    def form_kind(self) -> str | None:
        """The navigation entry shown: DECLARATION, MONITORING, EVALUATION (or PACKAGES)."""
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else DECLARATION

    def section(self) -> Section:
        key = self.form_kind()
        return next((s for s in SECTIONS if s.key == key), SECTIONS[0])

    def form_ids(self) -> tuple[str, ...]:
        """The form kinds the list shows."""
        return self.section().form_ids

    def show_section(self, key: str) -> bool:
        """Show that navigation entry's forms (by key, e.g. MONITORING); False if there is none."""
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key and item.flags() & Qt.ItemFlag.ItemIsEnabled:
                self.nav.setCurrentRow(row)
                return True
        return False

    def _section_changed(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is not None and current.data(Qt.ItemDataRole.UserRole) == PACKAGES:
            # 提交包 is a set of dialogs, not a list: open the inbox and stay on the list shown.
            self.nav.blockSignals(True)
            self.nav.setCurrentItem(previous if previous is not None else self.nav.item(0))
            self.nav.blockSignals(False)
            self.show_package_inbox()
            return
        self._section_shown()
        self._load_forms()

    def _section_shown(self) -> None:
        """新建 and its drop-down follow the section."""
        key = self.form_kind()
        default = self._default_new_kind()
        text, _name, tip = NEW_FORMS[default]
        menu = self.section_new_menus.get(key)
        self.new_action.setToolTip(f"{tip}（Ctrl+N）" + ("；点右侧箭头可新建其他表单" if menu is not None else ""))
        self.new_action.setStatusTip(tip)
        self.new_button.setMenu(menu)
        self._update_actions()

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
        self._fill_years(years, wanted)
        self._load_forms()

    def show_changed_forms(self, form_ids) -> None:
        """The runner's one report of forms some work changed: exactly their rows, and each open editor of
        them that holds no unsaved edits, shown as now stored. An editor with unsaved edits keeps them
        (the clerk's typing is never thrown away) and says so; saving then offers the usual choice."""
        self.refresh_forms(form_ids)
        for form_instance_id in sorted(form_ids):
            editor = self.editors.get(form_instance_id)
            if editor is None or not hasattr(editor, "show_moved"):
                continue
            if editor.has_unsaved_changes():
                editor.notice.setText("此表单已在别处更改；本窗口的修改尚未保存，保存时将提示如何处理。")
                continue
            try:
                editor.show_moved("")
            except StoreError:
                continue  # gone meanwhile (e.g. deleted): the editor says so when it next saves

    def refresh_forms(self, form_ids) -> None:
        """Show those forms afresh in the rows they hold (after a job wrote them), without reading
        the whole list again; a form no longer stored leaves the list."""
        from perfdesk.ui.list_loader import read_rows_of

        try:
            rows, gone = read_rows_of(self.store, form_ids)
        except StoreError as exc:
            self._store_failed(exc)
            return
        year, kinds = self.selected_year(), self.form_ids()
        if any(self.model.row_of(row.record.id) < 0 and year in (None, row.record.year)
               and (kinds is None or row.record.form_id in kinds) for row in rows):
            self.refresh()  # a form new to what is shown (imported, restored): its place in the order is the list's
            return
        self.model.update_rows(rows, gone)
        self._update_count()
        self._update_actions()

    def _fill_years(self, years: list[int], wanted: int | None) -> None:
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.addItem(ALL_YEARS, None)
        for each in years:
            self.year_box.addItem(f"{each}年度", each)
        index = self.year_box.findData(wanted) if wanted is not None else 0
        self.year_box.setCurrentIndex(max(index, 0))
        self.year_box.blockSignals(False)

    def _load_forms(self) -> None:
        if self._pending_select is None and self._pending_row is None:
            current = self.current_record()  # keep the selection if the form is still listed
            self._pending_select = current.id if current is not None else None
        self.count_label.setText("正在读取表单…")
        from perfdesk.ui.list_loader import read_rows

        store, year = self.store, self.selected_year()
        kinds = tuple(self.form_ids()) if self.form_ids() is not None else None
        self.runner.query("list", lambda: read_rows(store, year, kinds), self._list_loaded, self._list_failed)

    def is_loading(self) -> bool:
        return self.runner.querying("list")

    def _list_loaded(self, rows) -> None:
        select, reveal, row = self._pending_select, self._pending_reveal, self._pending_row
        self._pending_select, self._pending_reveal, self._pending_row = None, False, None
        self.model.set_rows(rows)
        self._show_blank_columns()
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
        if self.model.rowCount() == 0 and self.selected_year() is None and self.form_kind() == DECLARATION:
            self.count_label.setText(EMPTY_STORE)
        else:
            self.count_label.setText(f"共 {self.proxy.rowCount()} 份表单")

    def status_text(self) -> str:
        return self.count_label.text()

    def _store_failed(self, exc: StoreError) -> None:
        self.count_label.setText("读取数据库失败")
        QMessageBox.warning(self, "读取数据库失败", str(exc))

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
