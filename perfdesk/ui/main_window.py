"""The main window: the stored forms by year, a search box, and each form's check results.

No business rules here: the list comes from the store, amounts are formatted by `domain.money`,
and the findings come from `operations.check`.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..domain.formdef import FormDefinitionError
from ..operations import check
from ..store import FormRecord, Store, StoreError
from .form_list_model import COL_TITLE, FormFilterModel, FormListModel

WINDOW_TITLE = "PerfDesk 预算绩效填报桌面端"
ALL_YEARS = "全部年度"
EMPTY_STORE = "没有表单。可在命令行运行 perfdesk demo 写入示例数据。"
NO_FINDINGS = "未发现问题"


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


class MainWindow(QMainWindow):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(WINDOW_TITLE)
        self.resize(1100, 640)

        self.year_box = QComboBox(self)
        self.year_box.setObjectName("yearBox")
        self.year_box.setToolTip("只显示该预算年度的表单")
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
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # keep the store's newest-first order
        self.table.setSortingEnabled(True)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.show_findings)

        top = QHBoxLayout()
        top.addWidget(QLabel("年度：", self))
        top.addWidget(self.year_box)
        top.addSpacing(16)
        top.addWidget(self.search_box, 1)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.setCentralWidget(central)

        # A label rather than showMessage(): hovering a menu item would wipe a plain message.
        self.count_label = QLabel(self)
        self.count_label.setObjectName("formCount")
        self.statusBar().addWidget(self.count_label, 1)

        self._build_menus()
        self.year_box.currentIndexChanged.connect(self._load_forms)
        self.search_box.textChanged.connect(self._search)
        self.refresh()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        refresh = QAction("刷新(&R)", self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh)
        file_menu.addAction(refresh)
        file_menu.addSeparator()
        quit_action = QAction("退出(&X)", self)
        quit_action.setObjectName("quitAction")
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.quit_action = quit_action

        help_menu = self.menuBar().addMenu("帮助(&H)")
        about = QAction("关于(&A)", self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # --- loading -----------------------------------------------------------------------

    def selected_year(self) -> int | None:
        return self.year_box.currentData()

    def refresh(self) -> None:
        """Read the years and forms again from the store, keeping the chosen year if it still exists."""
        wanted = self.selected_year()
        try:
            years = self.store.years()
        except StoreError as exc:
            self._store_failed(exc)
            return
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.addItem(ALL_YEARS, None)
        for year in years:
            self.year_box.addItem(f"{year}年度", year)
        index = self.year_box.findData(wanted) if wanted is not None else 0
        self.year_box.setCurrentIndex(max(index, 0))
        self.year_box.blockSignals(False)
        self._load_forms()

    def _load_forms(self) -> None:
        try:
            forms = self.store.list_forms(year=self.selected_year())
            units = {unit.id: unit.name for unit in self.store.units()}
        except StoreError as exc:
            self._store_failed(exc)
            return
        self.model.set_forms(forms, units)
        self.table.resizeColumnsToContents()
        self._update_count()

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

    # --- actions -----------------------------------------------------------------------

    def record_at(self, index: QModelIndex) -> FormRecord:
        return self.proxy.record(index.row())

    def show_findings(self, index: QModelIndex) -> FindingsDialog | None:
        """Check the form in that row (as it is stored now) and show the findings, without blocking."""
        if not index.isValid():
            return None
        listed = self.record_at(index)
        try:
            record = self.store.get_form(listed.id)
            findings = check(record)
        except (StoreError, FormDefinitionError) as exc:
            QMessageBox.warning(self, "无法校验", f"表单 {listed.id}“{listed.title}”无法校验：\n{exc}")
            return None
        dialog = FindingsDialog(record.title, [finding.line() for finding in findings], self)
        dialog.open()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "关于 PerfDesk",
            f"<p><b>{WINDOW_TITLE}</b></p><p>版本 {__version__}</p>"
            "<p>离线填写、校验、打印预算绩效表单。</p>",
        )

