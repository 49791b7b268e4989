"""The main window: the stored forms by kind and year, a search box, and what a clerk does with a form.

The navigation pane groups the kinds as the year runs: 绩效目标申报 (declarations), 运行监控 (the July
monitoring tables and their analysis report), 绩效评价 (the evaluation round) and 提交包 (the package
dialogs, when installed). No business rules here: the list comes from the store with due dates from
`deadlines` and 绩效预警 from `monitoring_operations`, amounts are formatted by `domain.money`, findings
come from `operations.check`, and new, duplicate, render and export are `operations` and
`monitoring_operations`. The modal questions live in `dialogs` and `new_form_dialogs` so tests can
answer them.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt, Signal
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
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from perfdesk import __version__
from perfdesk.domain.lifecycle import Role, role_of, status_labels
from perfdesk.domain.registry import EVALUATION_FORMS
from perfdesk.domain import form_kinds as kinds
from perfdesk.errors import UserError  # failures with a Chinese message fit to show as is
from perfdesk.store.store_errors import StoreError
from perfdesk.app import installation
from perfdesk.ui import new_tables
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.form_list_model import (
    COL_ALERTS, COL_AMOUNT, COL_DUE, COL_ID, COL_KIND, COL_STATUS, COL_TITLE, COL_UNIT, COL_UPDATED, COL_YEAR,
    FormFilterModel, FormListModel, build_rows)
from perfdesk.ui.list_columns import widest_status
from perfdesk.ui.list_loader import WITHOUT_DOCUMENT
from perfdesk.ui.runner import Runner
from perfdesk.ui.screen_fit import open_within_screen

if TYPE_CHECKING:
    from perfdesk.store import FormRecord, Store, UnitRecord
    from perfdesk.store.first_look import FirstLook

WINDOW_TITLE = "PerfDesk 预算绩效填报桌面端"
ALL_YEARS = "全部年度"
EMPTY_STORE = "没有表单。可点击右下角的“导入示例数据”熟悉填写，或新建表单。"
NO_FINDINGS = "未发现问题"
PACKAGES_MODULE = "perfdesk.ui.packages"
DECLARATION, MONITORING, EVALUATION, PACKAGES = kinds.DECLARATION, "monitoring", "evaluation", "packages"
MONITORING_TABLES = (kinds.PROJECT_MONITORING, kinds.DEPT_MONITORING)


@dataclass(frozen=True)
class Section:
    """One entry of the navigation pane: the form kinds it lists."""

    label: str
    key: str
    form_ids: tuple[str, ...]
    tip: str


SECTIONS = (
    Section("绩效目标申报", DECLARATION, (kinds.DECLARATION, *new_tables.DECLARATION_TABLES),
            "预算支出绩效目标申报表、事前绩效评估表"),
    Section("运行监控", MONITORING, (*MONITORING_TABLES, kinds.MONITORING_REPORT),
            "项目支出和部门整体支出绩效运行监控表、绩效监控分析报告"),
    Section("绩效评价", EVALUATION, (*EVALUATION_FORMS, *new_tables.EVALUATION_TABLES),
            "绩效报告（提纲）、预算绩效评价报告、评价结果反馈意见函、整改报告书、绩效自评表、考核评分表"),
    Section("提交包", PACKAGES, (), "报送数据包的收件记录、导入、签名密钥和可信公钥"),
)
SECTION_OF_FORM = {form_id: section.key for section in SECTIONS for form_id in section.form_ids}
# form id → (menu text, object name, tip) of the action that starts one
NEW_FORMS = {
    kinds.DECLARATION: ("新建绩效目标申报表…", "newDeclarationAction", "新建绩效目标申报表"),
    kinds.PROJECT_MONITORING: ("新建项目监控表…", "newProjectMonitoringAction", "由申报表生成项目支出绩效运行监控表"),
    kinds.DEPT_MONITORING: ("新建部门整体监控表…", "newDeptMonitoringAction", "生成本单位的部门整体支出绩效运行监控表"),
    kinds.MONITORING_REPORT: ("生成监控分析报告…", "newMonitoringReportAction", "由选中的运行监控表生成绩效监控分析报告初稿"),
    kinds.SELF_REPORT: ("新建绩效报告（提纲）…", "newSelfReportAction", "新建项目绩效报告（提纲）"),
    kinds.EVALUATION_REPORT: ("新建预算绩效评价报告…", "newEvaluationReportAction", "新建预算绩效评价报告，可从申报表带出项目"),
    kinds.FEEDBACK_LETTER: ("新建反馈意见函…", "newFeedbackLetterAction", "新建绩效评价结果反馈意见函"),
    kinds.RECTIFICATION: ("新建整改报告书…", "newRectificationAction", "新建绩效评价结果整改报告书"),
    **new_tables.ACTIONS,
}


def cannot_open_message(exc: StoreError) -> str:
    """What the clerk is told when the database cannot be opened at start-up."""
    return f"{exc}\n\n请检查 --db 参数或 PERFDESK_DB 环境变量所指的数据库。"


class FindingsDialog(QDialog):
    """Read-only list of one form's check results, one line per finding."""

    def __init__(self, title: str, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsDialog")
        self.setWindowTitle(f"校验结果 – {title}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        open_within_screen(self, 720, 320)
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
        add_help_button(buttons, "check")
        layout.addWidget(buttons)

    def lines(self) -> list[str]:
        return [self.findings_list.item(i).text() for i in range(self.findings_list.count())]


class MainWindow(QMainWindow):
    list_loaded = Signal()  # the list shows what the store holds (after refresh, year or kind change)
    editors_changed = Signal()  # an editor window opened, closed or came to the front

    # What the window lists when it opens: a first look (store.first_look) reads these kinds' rows,
    # which need no document (list_loader.WITHOUT_DOCUMENT).
    FIRST_KINDS = SECTIONS[0].form_ids

    def __init__(self, store: Store | None = None, parent: QWidget | None = None, *,
                 first_look: FirstLook | None = None, open_store: Callable[[], Store] | None = None) -> None:
        """Over an open store; or painted from a first look of one (`store.first_look`, read before
        SQLAlchemy is imported), with `open_store` opening it on first use or at `finish_opening`."""
        super().__init__(parent)
        if store is None and (first_look is None or open_store is None):
            raise ValueError("MainWindow needs a store, or a first look and a way to open the store")
        self._store = store
        self._open_store = open_store if store is None else None
        self._first_look = first_look if store is None else None
        self.runner = Runner(self)  # all GUI work, this window's and its dialogs' (runner.runner_for)
        self.runner.forms_changed.connect(self.show_changed_forms)
        self._pending_select: int | None = None  # form to select once the list has loaded
        self._pending_reveal = False  # clear the search if it hides that form
        self._pending_row: int | None = None  # else the row to select (after a delete)
        # None: perfdesk.ui.editor.FormEditor, imported on first use. Tests may set a stand-in.
        self.editor_factory: Callable[..., QMainWindow] | None = None
        self.editors: dict[int, QMainWindow] = {}  # open editor windows by form id
        self._editor_order: list[int] = []  # their form ids, the one last in front first
        self.library = None  # the 指标库 browser, once opened
        self.batch = None  # the running or last 批量导出 Job
        self.last_batch_result = None
        self.setWindowTitle(WINDOW_TITLE)
        open_within_screen(self, 1180, 680)

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
        self.role_label = QLabel(self)
        self.role_label.setObjectName("roleLabel")
        self.statusBar().addPermanentWidget(self.role_label)
        self._show_role()

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._show_role_actions()
        self.year_box.currentIndexChanged.connect(self._load_forms)
        self.search_box.textChanged.connect(self._search)
        self.nav.currentItemChanged.connect(self._section_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.proxy.modelReset.connect(self._update_actions)
        self.proxy.layoutChanged.connect(self._update_actions)
        self._section_shown()
        if self._first_look is not None:
            self._show_first_look(self._first_look)
        else:
            self.refresh()

    # --- the store ---------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The open store. A window painted from a first look opens it here on first use (raising
        StoreError when it cannot), if `finish_opening` has not done so yet."""
        if self._store is None:
            assert self._open_store is not None
            self._store = self._open_store()
            self._open_store = self._first_look = None
        return self._store

    def store_is_open(self) -> bool:
        return self._store is not None

    def finish_opening(self) -> bool:
        """Open the store of a window painted from a first look (the app calls it once the window has
        painted). When it cannot be opened the clerk is told why and the application ends with 1."""
        try:
            self.store  # noqa: B018 - opens it
        except StoreError as exc:
            QMessageBox.critical(self, "PerfDesk", cannot_open_message(exc))
            QApplication.exit(1)
            return False
        self._later("office_desk", "show_deadline")()
        return True

    def _show_first_look(self, look: FirstLook) -> None:
        """Years and the first section's forms as the look found them, as refresh() would show them."""
        if not set(look.form_ids) >= set(self.form_ids()) or not set(self.form_ids()) <= WITHOUT_DOCUMENT:
            raise ValueError(f"a first look of {look.form_ids} cannot show {self.form_ids()}")
        self._fill_years(list(look.years), None)
        forms = [form for form in look.forms if form.form_id in self.form_ids()]
        self._list_loaded(build_rows(forms, look.unit_names))

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

    def _later(self, module: str, function: str):
        """A slot calling perfdesk.ui.<module>.<function>(self), importing the module on first use."""
        return lambda *_: getattr(importlib.import_module(f"{__package__}.{module}"), function)(self)

    def _build_actions(self) -> None:
        a = self._action
        self.new_action = a("新建(&N)", "newAction", self.new_form, QKeySequence.StandardKey.New, "新建绩效目标申报表")
        # form id → what starts one (each returns the new record, or None when cancelled); `year=` fixes the
        # year, as a task does (任务 → 下发任务 → 按任务新建)
        self.starts: dict[str, Callable[..., FormRecord | None]] = {
            kinds.DECLARATION: self.new_declaration, kinds.PROJECT_MONITORING: self.new_project_monitoring,
            kinds.DEPT_MONITORING: self.new_department_monitoring, kinds.MONITORING_REPORT: self.new_monitoring_report}
        for form_id in EVALUATION_FORMS:
            self.starts[form_id] = lambda year=None, form_id=form_id: self.new_evaluation_form(form_id, year)
        for form_id in new_tables.ACTIONS:
            self.starts[form_id] = lambda year=None, form_id=form_id: new_tables.start(self, form_id, year)
        self.new_form_actions: dict[str, QAction] = {
            form_id: a(text, name, self.starts[form_id], tip=tip) for form_id, (text, name, tip) in NEW_FORMS.items()}
        self.open_action = a("打开(&O)", "openAction", self.open_form, QKeySequence.StandardKey.Open,
                             "在编辑窗口中打开选中的表单（回车或双击）")
        self.duplicate_action = a("复制到新年度(&Y)…", "duplicateAction", self.duplicate_form,
                                  tip="把选中的申报表复制为另一年度的新草稿")
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
        self.library_action = a("指标库(&L)…", "libraryAction", self.show_library,
                                tip="浏览共性指标、个性指标和定性指标，计算指标值，并加入正在编辑的表单")
        # 批量打印 and the 任务 menu: their modules are imported when first used, after the first paint
        tip = "把列表中选定的多份表单按顺序打印为一个 PDF，前附目录（表单、单位、起始页码）"
        self.batch_print_action = a("批量打印(&A)…", "batchPrintAction", self._later("batch_print_dialog", "choose_and_print"),
                                    tip=tip)
        self.batch_print = None  # the running or last Job
        self.status_board_action = a("报送情况…", "statusBoardAction", self._later("office_desk", "show_status_board"))
        self.unit_tasks_action = a("下发任务…", "unitTasksAction", self._later("office_desk", "show_tasks"),
                                   tip="财政部门：新建、修改、导出本机下发的任务；单位：收到的任务和报送期限")
        self.summary_action = a("汇总与图表(&G)…", "summaryAction", self.show_summary,
                                tip="财政部门：按单位或主管部门汇总一轮的申报、监控、评价，看图表，导出汇总表和结果应用清单")
        self.unit_action = a("单位设置(&U)…", "unitSetupAction", self.edit_unit,
                             tip="修改本单位的名称、编码等信息和使用单位类型（预算单位或财政部门）")
        self.quit_action = a("退出(&X)", "quitAction", self.close, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.about_action = a("关于(&A)", "aboutAction", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.form_actions = [self.open_action, self.duplicate_action, self.delete_action, self.check_action,
                             self.preview_action, self.export_pdf_action, self.export_xlsx_action]
        # 提交包: the dialogs themselves are imported when first used (they load cryptography)
        self.inbox_action = a("收件记录(&I)…", "packageInboxAction", self.show_package_inbox,
                              tip="已导入或被拒收的报送数据包；可验证任一数据包文件")
        self.import_packages_action = a("导入数据包(&M)…", "importPackagesAction", self.import_packages,
                                        tip="从文件或文件夹导入报送数据包")
        self.export_package_action = a("生成报送数据包(&P)…", "exportPackageAction", self.export_package,
                                       tip="把选中的表单签名打包，用于报送")
        self.review_action = a("审核(&R)…", "reviewAction", self.review_form,
                               tip="主管部门或财政部门：审核选中的表单（审核通过、转报或退回修改）")
        self.relay_action = a("转发审核结果(&F)…", "relayAction", self.relay_form,
                              tip="主管部门：把财政部门对所属单位表单的审核结果签名转发给单位")
        self.trust_action = a("可信公钥(&T)…", "trustRegistryAction", self.show_trust_registry,
                              tip="本机接受哪些单位的数据包")
        self.identity_action = a("签名密钥(&K)…", "identityAction", self.show_identity,
                                 tip="本单位的签名密钥：生成、导入、导出公钥登记表")
        self.package_actions = [self.inbox_action, self.import_packages_action, self.export_package_action,
                                self.review_action, self.relay_action, self.trust_action, self.identity_action]
        self.form_actions += [self.export_package_action, self.review_action, self.relay_action]

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
        file_menu.addAction(self.new_action)
        self.new_forms_menu = file_menu.addMenu("新建表单(&W)")
        self.new_forms_menu.setObjectName("newFormsMenu")
        for number, section in enumerate(s for s in SECTIONS if s.key != PACKAGES):
            if number:
                self.new_forms_menu.addSeparator()
            self.new_forms_menu.addActions([self.new_form_actions[f] for f in section.form_ids])
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        file_menu.addActions([self.preview_action, self.export_pdf_action, self.export_xlsx_action, self.batch_action])
        file_menu.addAction(self.batch_print_action)  # 批量打印: many forms in one PDF with a contents page
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

        tools_menu = self.menuBar().addMenu("工具(&T)")
        tools_menu.addAction(self.library_action)
        tools_menu.addAction(self.summary_action)
        # 任务: 报送情况 at a finance office, 下发任务 at a unit, and the nearest deadline in the status bar
        task_menu = self.menuBar().addMenu("任务(&R)")
        task_menu.addActions([self.status_board_action, self.unit_tasks_action])
        self.deadline_label = QLabel(self)
        self.deadline_label.setObjectName("deadlineLabel")
        self.statusBar().addPermanentWidget(self.deadline_label)
        # the deadline needs the store: after the first look it is shown once the store opens (finish_opening)
        deadline = self._later("office_desk", "show_deadline")
        self.list_loaded.connect(lambda: self.store_is_open() and deadline())

        package_menu = self.menuBar().addMenu("提交包(&K)")
        package_menu.addActions(self.package_actions[:5])
        package_menu.addSeparator()
        package_menu.addActions(self.package_actions[5:])

        settings_menu = self.menuBar().addMenu("设置(&S)")
        settings_menu.addAction(self.unit_action)

        help_menu = self.menuBar().addMenu("帮助(&H)")
        help_menu.addAction(self.about_action)
        from perfdesk.ui import clerk_menus  # Excel template, backup, other databases, manual, demo button

        clerk_menus.install(self, file_menu, help_menu)

        # What the toolbar's 新建 button drops down: the current section's kinds.
        self.section_new_menus: dict[str, QMenu] = {}
        for section in SECTIONS:
            if len(section.form_ids) > 1:
                menu = QMenu(self)
                menu.setObjectName(f"{section.key}NewMenu")
                menu.addActions([self.new_form_actions[f] for f in section.form_ids])
                self.section_new_menus[section.key] = menu

    def _build_toolbar(self) -> None:
        bar = QToolBar("常用操作", self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(16, 16))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_button = QToolButton(bar)
        self.new_button.setObjectName("newButton")
        self.new_button.setDefaultAction(self.new_action)
        self.new_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        bar.addWidget(self.new_button)
        for action in (self.open_action, self.duplicate_action, self.delete_action, None,
                       self.check_action, self.preview_action, self.export_pdf_action, self.export_xlsx_action,
                       self.batch_action, None, self.recycle_action, self.library_action):
            if action is None:
                bar.addSeparator()
            else:
                bar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def _update_actions(self, *_args) -> None:
        record = self.current_record()
        for action in self.form_actions:
            action.setEnabled(record is not None)
        self.duplicate_action.setEnabled(record is not None and record.form_id == DECLARATION)
        self.batch_action.setEnabled(self.proxy.rowCount() > 0 and not self.batch_running())
        self.new_action.setEnabled(self.form_kind() in (DECLARATION, MONITORING, EVALUATION))

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

    # --- loading -----------------------------------------------------------------------

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
        """The unit this copy of PerfDesk fills forms for: the unit_id setting, else the first one set up."""
        return installation.own_unit(self.store)

    def role(self) -> Role:
        """This installation's role: the editors open with it."""
        if self._first_look is not None:  # as the look found it, until the store is opened
            return role_of(self._first_look.setting(installation.ROLE))
        return installation.role(self.store)

    def _show_role(self) -> None:
        try:
            role = self.role()
        except StoreError:
            role = Role.UNIT
        self.role_label.setText(f"使用单位类型：{role.label}")

    def _show_role_actions(self) -> None:
        """转发审核结果 is a 主管部门's; the list's right-click menu offers it there beside 审核."""
        supervisor = self.role() is Role.SUPERVISOR
        self.relay_action.setVisible(supervisor)
        if supervisor and self.relay_action not in self.table.actions():
            self.table.addActions([self.review_action, self.relay_action])

    def _own_unit_or_setup(self) -> UnitRecord | None:
        """This installation's unit; asks for it (单位设置) when none is set up yet."""
        try:
            unit = self.own_unit()
        except StoreError as exc:
            self._store_failed(exc)
            return None
        return unit if unit is not None else self.edit_unit()

    def _unit_names(self) -> dict[int, str]:
        return {unit.id: unit.name for unit in self.store.units()}

    def _unit_or_none(self, unit_id: int) -> UnitRecord | None:
        try:
            return self.store.get_unit(unit_id)
        except StoreError:
            return None

    # --- new forms ---------------------------------------------------------------------

    def _default_new_kind(self) -> str:
        """What 新建 (Ctrl+N) starts in the section shown; the others are in its drop-down."""
        key = self.form_kind()
        if key == MONITORING:
            return kinds.PROJECT_MONITORING
        if key == EVALUATION:
            return kinds.EVALUATION_REPORT if self.role() is Role.FINANCE else kinds.SELF_REPORT
        return kinds.DECLARATION

    def new_form(self) -> FormRecord | None:
        """新建: the section's usual form (a declaration, a project monitoring table, a 绩效报告 or,
        for a finance office, an evaluation report)."""
        return self.starts[self._default_new_kind()]()

    def _show_new(self, record: FormRecord, message: str) -> FormRecord:
        """List the new form in its section and year, select it and open it."""
        section = SECTION_OF_FORM.get(record.form_id)
        if section is not None and section != self.form_kind():
            self.nav.blockSignals(True)
            self.show_section(section)
            self.nav.blockSignals(False)
            self._section_shown()
        shown = self.selected_year()
        self.refresh(select=record.id, year=shown if shown in (None, record.year) else record.year)
        self.statusBar().showMessage(message, 8000)
        self.open_form_id(record.id)
        return record

    def new_declaration(self, year: int | None = None) -> FormRecord | None:
        """新建绩效目标申报表: ask the project name, create a blank declaration for the unit, open it."""
        from perfdesk.ui import dialogs

        unit = self._own_unit_or_setup()
        if unit is None:
            return None
        year = year or self.selected_year() or dt.date.today().year + 1
        from perfdesk.ui.new_form_dialogs import form_source

        title = dialogs.ask_text(self, "新建绩效目标申报表", f"{form_source(DECLARATION)}\n\n{year}年度的项目名称：")
        if title is None:
            return None
        try:
            from perfdesk.app.operations import new_declaration

            record = new_declaration(self.store, unit, year, title.strip())
        except UserError as exc:
            QMessageBox.warning(self, "无法新建", str(exc))
            return None
        return self._show_new(record, f"已新建“{record.title}”")

    def _current_of(self, year: int | None) -> FormRecord | None:
        """The selected form, if it may seed a new one of `year` (any, when no year is fixed)."""
        current = self.current_record()
        return current if current is not None and year in (None, current.year) else None

    def _declarations_of(self, year: int) -> list[FormRecord]:
        return self.store.list_forms(year=year, form_id=DECLARATION)

    def new_project_monitoring(self, year: int | None = None) -> FormRecord | None:
        """新建项目监控表: from a declaration (the selected one, if a declaration is selected)."""
        from perfdesk.app.monitoring_operations import start_project_monitoring
        from perfdesk.ui import new_form_dialogs as new_dialogs

        current = self._current_of(year)
        preselect = current.id if current is not None and current.form_id == DECLARATION else None
        fixed = year
        year = year or (current.year if preselect is not None else (self.selected_year() or dt.date.today().year))
        try:
            dialog = new_dialogs.ProjectMonitoringDialog(self._declarations_of, self.store.years(), year, preselect,
                                                         self._unit_names(), self)
            if fixed is not None:
                dialog.fix_year(fixed)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            declaration, months = dialog.declaration().id, dialog.months.value()
        except UserError as exc:
            QMessageBox.warning(self, "无法生成项目监控表", str(exc))
            return None
        store = self.store
        end = self.runner.run(self, "无法生成项目监控表", "正在生成项目监控表…",
                              lambda _: start_project_monitoring(store, declaration, months),
                              failure_title="无法生成项目监控表")
        if end.error:
            return None
        record = end.value
        return self._show_new(record, f"已生成“{record.title}”，请填写执行进度和指标完成情况")

    def new_department_monitoring(self, year: int | None = None) -> FormRecord | None:
        """新建部门整体监控表 for this installation's unit."""
        from perfdesk.app.monitoring_operations import start_department_monitoring
        from perfdesk.ui import new_form_dialogs as new_dialogs

        unit = self._own_unit_or_setup()
        if unit is None:
            return None
        dialog = new_dialogs.DepartmentMonitoringDialog(unit, year or self.selected_year() or dt.date.today().year,
                                                        self)
        if year is not None:
            dialog.fix_year(year)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        store, year, months = self.store, dialog.year.value(), dialog.months.value()
        end = self.runner.run(self, "无法生成部门整体监控表", "正在生成部门整体监控表…",
                              lambda _: start_department_monitoring(store, unit.id, year, months),
                              failure_title="无法生成部门整体监控表")
        if end.error:
            return None
        record = end.value
        return self._show_new(record, f"已生成“{record.title}”")

    def new_monitoring_report(self, year: int | None = None) -> FormRecord | None:
        """生成监控分析报告 from the selected monitoring table (or one chosen when none is selected)."""
        from perfdesk.app.monitoring_operations import start_report
        from perfdesk.ui import new_form_dialogs as new_dialogs

        current = self._current_of(year)
        try:
            if current is not None and current.form_id in MONITORING_TABLES:
                source = current
            else:
                tables = [f for form_id in MONITORING_TABLES
                          for f in self.store.list_forms(year=year or self.selected_year(), form_id=form_id)]
                tables.sort(key=lambda f: (f.updated_at, f.id), reverse=True)
                dialog = new_dialogs.MonitoringSourceDialog(tables, None, self._unit_names(), self)
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return None
                source = dialog.monitoring()
        except UserError as exc:
            QMessageBox.warning(self, "无法生成监控分析报告", str(exc))
            return None
        store = self.store
        end = self.runner.run(self, "无法生成监控分析报告", "正在生成监控分析报告…", lambda _: start_report(store, source.id),
                              failure_title="无法生成监控分析报告")
        if end.error:
            return None
        record = end.value
        return self._show_new(record, f"已由“{source.title}”生成“{record.title}”，第二部分已按监控表填写")

    def new_evaluation_form(self, form_id: str, year: int | None = None) -> FormRecord | None:
        """新建绩效报告（提纲）/ 预算绩效评价报告 / 反馈意见函 / 整改报告书."""
        from perfdesk.app.operations import new_evaluation_form
        from perfdesk.ui import new_form_dialogs as new_dialogs

        unit = self._own_unit_or_setup()
        if unit is None:
            return None
        current = self._current_of(year)
        preselect = current.id if current is not None and current.form_id == DECLARATION else None
        fixed = year
        year = year or (current.year if preselect is not None
                        else new_dialogs.default_evaluation_year(self.selected_year()))
        try:
            dialog = new_dialogs.EvaluationFormDialog(form_id, unit, self._declarations_of, year,
                                                      unit_of=self._unit_or_none, parent=self)
            if fixed is not None:
                dialog.fix_year(fixed)
            if preselect is not None:
                dialog.choose_declaration(preselect)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            record = new_evaluation_form(self.store, form_id, dialog.unit(), dialog.year.value(),
                                                     dialog.project_name())
        except UserError as exc:
            QMessageBox.warning(self, "无法新建", str(exc))
            return None
        return self._show_new(record, f"已新建“{record.title}”")

    # --- open, duplicate, delete ---------------------------------------------------------

    def open_form(self, index: QModelIndex | None = None) -> QMainWindow | None:
        """打开: the selected (or given) row in the form editor."""
        if not isinstance(index, QModelIndex) or not index.isValid():
            index = self.current_index()
        if not index.isValid():
            return None
        return self.open_form_id(self.record_at(index).id)

    def _editor_class(self) -> Callable[..., QMainWindow] | None:
        if self.editor_factory is not None:
            return self.editor_factory
        try:
            from perfdesk.ui.editor import FormEditor
        except ImportError as exc:  # an installation without (or with a broken) editor package
            QMessageBox.warning(self, "无法打开", f"表单编辑器无法加载：{exc}")
            return None
        return FormEditor

    def open_form_id(self, form_instance_id: int) -> QMainWindow | None:
        editor = self.editors.get(form_instance_id)
        if editor is not None:  # one window per form: bring it forward
            editor.show()
            editor.raise_()
            editor.activateWindow()
            self._editor_to_front(form_instance_id)
            return editor
        factory = self._editor_class()
        if factory is None:
            return None
        try:  # widgets are built on the GUI thread: the editor reads its one form as it builds
            editor = factory(self.store, form_instance_id, role=self.role(), parent=self)
        except UserError as exc:
            QMessageBox.warning(self, "无法打开", str(exc))
            return None
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(self._form_saved)
        editor.destroyed.connect(lambda *_, fid=form_instance_id, key=id(editor): self._editor_closed(fid, key))
        editor.installEventFilter(self)
        self.editors[form_instance_id] = editor
        self._editor_to_front(form_instance_id)
        editor.show()
        return editor

    def open_editors(self) -> list[QMainWindow]:
        """The open editor windows, the one last in front first (the indicator library adds to it)."""
        return [self.editors[fid] for fid in self._editor_order if fid in self.editors]

    def _editor_to_front(self, form_instance_id: int) -> None:
        if self._editor_order[:1] != [form_instance_id]:
            self._editor_order = [form_instance_id] + [f for f in self._editor_order if f != form_instance_id]
            self.editors_changed.emit()

    def forget_editor(self, form_instance_id: int, editor: QMainWindow) -> None:
        """That window no longer stands for the form (it closes to be opened again)."""
        if self.editors.get(form_instance_id) is editor:
            self._editor_closed(form_instance_id)

    def _editor_closed(self, form_instance_id: int, key: int | None = None) -> None:
        if key is not None and id(self.editors.get(form_instance_id)) != key:
            return  # a window forgotten before it closed; the form's new window stays
        self.editors.pop(form_instance_id, None)
        self._editor_order = [f for f in self._editor_order if f != form_instance_id]
        self.editors_changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.WindowActivate:
            for form_instance_id, editor in self.editors.items():
                if editor is watched:
                    self._editor_to_front(form_instance_id)
                    break
        return super().eventFilter(watched, event)

    def _form_saved(self, form_instance_id: int) -> None:
        self.refresh_forms([form_instance_id])  # its new status, amount, title and time; no other row

    def duplicate_form(self) -> FormRecord | None:
        """复制到新年度: copy the selected declaration into a year the clerk names (default: the next)."""
        from perfdesk.ui import dialogs

        source = self._selected_or_warn("复制")
        if source is None:
            return None
        if source.form_id != DECLARATION:
            QMessageBox.information(self, "复制到新年度", "只有绩效目标申报表可以复制到新年度。")
            return None
        year = dialogs.ask_year(self, "复制到新年度", f"把“{source.title}”复制到哪个预算年度？", source.year + 1)
        if year is None:
            return None
        from perfdesk.app.operations import duplicate

        store = self.store
        end = self.runner.run(self, "无法复制", "正在复制…", lambda _: duplicate(store, source.id, year),
                              failure_title="无法复制")
        if end.error:
            return None
        copy = end.value
        shown = self.selected_year()
        self.refresh(select=copy.id, year=shown if shown in (None, year) else year)
        self.statusBar().showMessage(f"已复制为 {year} 年度的草稿“{copy.title}”", 8000)
        return copy

    def delete_form(self) -> bool:
        """删除: after confirmation, to the recycle bin."""
        from perfdesk.ui import dialogs

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
        from perfdesk.ui.recycle_bin import RecycleBinDialog

        dialog = RecycleBinDialog(self.store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- indicator library and packages ------------------------------------------------

    def show_library(self):
        """工具 → 指标库: one non-blocking browser, which adds indicators to the open editors."""
        from perfdesk.ui.library_browser import LibraryBrowser

        if self.library is None:
            self.library = LibraryBrowser(self.open_editors, self)
            self.library.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.library.destroyed.connect(lambda *_: setattr(self, "library", None))
            self.editors_changed.connect(self.library.refresh_targets)
        self.library.refresh_targets()
        self.library.show()
        self.library.raise_()
        self.library.activateWindow()
        return self.library

    def show_summary(self):
        """工具 → 汇总与图表: a non-blocking window over the figures of the selected year's round."""
        from perfdesk.ui.summary_view import SummaryWindow

        window = SummaryWindow(self.store, self.selected_year(), self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    def _package_dialog(self, name: str, *args):
        module = importlib.import_module(PACKAGES_MODULE)  # on first use: it loads cryptography
        try:
            return getattr(module, name)(self, self.store, *args)
        except UserError as exc:
            QMessageBox.warning(self, "提交包", str(exc))
            return None

    def show_package_inbox(self):
        return self._package_dialog("show_inbox")

    def show_trust_registry(self):
        return self._package_dialog("show_trust_registry")

    def show_identity(self):
        return self._package_dialog("show_identity")

    def import_packages(self):
        return self._package_dialog("import_packages")  # the forms it writes reach the list by forms_changed

    def review_form(self):
        """审核 of the selected form, where it waits for a level this installation holds."""
        from perfdesk.ui.review_dialog import ReviewDialog, reviewable

        record = self._selected_or_warn("审核")
        if record is None:
            return None
        if not reviewable(self.store, record.status):
            from perfdesk.domain.lifecycle import instead

            QMessageBox.information(self, "不能审核", f"表单状态为“{record.status.display}”，本机不能审核。"
                                                     f"{instead(record.status)}")
            return None
        dialog = ReviewDialog(self.store, record.id, parent=self)
        dialog.decided.connect(lambda form_instance_id: self._moved(form_instance_id, "审核", dialog.outcome))
        dialog.open()
        return dialog

    def relay_form(self):
        """转发审核结果 of the selected form: at a 主管部门, the office's answer passed down to the unit."""
        from perfdesk.app.review_desk import can_relay, instead_here
        from perfdesk.ui.relay_dialog import RelayDialog

        listed = self._selected_or_warn("转发审核结果")
        if listed is None:
            return None
        record = self.store.get_form(listed.id)
        if not can_relay(self.store, record):
            QMessageBox.information(self, "转发审核结果", f"《{record.title}》现为“{record.status.display}”，"
                                                      f"本机没有可转发的财政部门审核结果。{instead_here(self.store, record)}")
            return None
        dialog = RelayDialog(self.store, record.id, parent=self)
        dialog.relayed.connect(lambda form_instance_id: self._moved(form_instance_id, "转发审核结果", dialog.outcome))
        dialog.open()
        return dialog

    def _moved(self, form_instance_id: int, title: str, outcome: str) -> QMessageBox:
        """After a move from the list: its row afresh, an open editor of the form shown as it now
        stands (both by the runner's forms_changed), and the clerk told what happened and where the
        package lies."""
        editor = self.editors.get(form_instance_id)
        if editor is not None and hasattr(editor, "notice") and not editor.has_unsaved_changes():
            editor.notice.setText(outcome)
            editor.notice.setVisible(bool(outcome))
        self.statusBar().showMessage(outcome.splitlines()[0] if outcome else "", 15000)
        box = QMessageBox(QMessageBox.Icon.Information, title, outcome, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("outcomeBox")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def export_package(self):
        record = self._selected_or_warn("报送")
        if record is None:
            return None
        dialog = self._package_dialog("export_package", record.id)
        return dialog

    # --- check, preview, export --------------------------------------------------------

    def check_form(self) -> FindingsDialog | None:
        return self.show_findings(self.current_index())

    def show_findings(self, index: QModelIndex) -> FindingsDialog | None:
        """Check the form in that row (as it is stored now) and show the findings, without blocking."""
        if not index.isValid():
            return None
        from perfdesk.app.operations import check

        listed = self.record_at(index)
        try:
            record = self.store.get_form(listed.id)
            findings = check(self.store, record)
        except UserError as exc:
            QMessageBox.warning(self, "无法校验", f"表单 {listed.id}“{listed.title}”无法校验：\n{exc}")
            return None
        dialog = FindingsDialog(record.title, [finding.line() for finding in findings], self)
        dialog.open()
        return dialog

    def print_preview(self):
        """打印预览 of the PDF export would write; a form with errors shows as a draft."""
        from perfdesk.app.operations import check, render
        from perfdesk.ui.preview import PrintPreviewDialog

        listed = self._selected_or_warn("预览")
        if listed is None:
            return None
        store = self.store

        def work(_context):
            record = store.get_form(listed.id)
            draft = any(finding.blocks_export for finding in check(store, record))
            return record, draft, render(store, record).pdf

        end = self.runner.run(self, "无法预览", "正在生成预览…", work, failure_title="无法预览")
        if end.error:
            return None
        record, draft, pdf = end.value
        try:
            dialog = PrintPreviewDialog(pdf, record.title, draft=draft, parent=self)
        except UserError as exc:
            QMessageBox.warning(self, "无法预览", str(exc))
            return None
        dialog.show()
        return dialog

    def export_file(self, kind: str) -> Path | None:
        """导出 PDF… / 导出 Excel…: ask where (last folder remembered), then write; errors block."""
        from perfdesk.ui import dialogs

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
        from perfdesk.app.operations import export

        store = self.store

        def work(_context):  # exporting only notes the form's history: no row or editor changes
            return export(store, listed.id, pdf=path if kind == "pdf" else None, xlsx=path if kind == "xlsx" else None)

        end = self.runner.run(self, "无法导出", f"正在导出 {path.name}…", work, failure_title="无法导出")
        if end.error:
            return None
        findings = end.value
        dialogs.remember_export_dir(path.parent)
        warnings = sum(1 for finding in findings if finding.severity.value == "warning")
        tail = f"（有 {warnings} 个警告，可在“校验”中查看）" if warnings else ""
        self.statusBar().showMessage(f"已导出：{path}{tail}", 10000)
        return path

    def batch_running(self) -> bool:
        return self.batch is not None and self.batch.end is None

    def batch_export(self):
        """批量导出: every listed form that passes its checks, in a worker thread."""
        from perfdesk.ui import dialogs
        from perfdesk.ui.workers import batch_export_job

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
        self.batch = batch_export_job(self.store, ids, folder, self)
        self.batch.ended.connect(lambda end, folder=folder: self._batch_done(end, folder))
        self.batch.start()
        self._update_actions()
        return self.batch

    def _batch_done(self, end, folder: Path) -> None:
        from perfdesk.ui.workers import show_summary

        self.last_batch_result = end.value
        self._update_actions()
        if end.error:
            box = QMessageBox(QMessageBox.Icon.Warning, "批量导出", f"批量导出中断：\n{end.error}",
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("batchSummary")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        else:
            show_summary(self, end.value, folder)

    # --- unit, about, closing ----------------------------------------------------------

    def edit_unit(self) -> UnitRecord | None:
        """设置 → 单位设置 (also asked by 新建 when no unit is set up)."""
        from perfdesk.ui.setup_dialog import UnitSetupDialog

        try:
            unit = self.own_unit()
        except StoreError as exc:
            self._store_failed(exc)
            return None
        dialog = UnitSetupDialog(self.store, unit, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self._show_role()  # editors opened from now on use it; open ones keep theirs
        self._show_role_actions()
        self._section_shown()
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
        if self.library is not None:
            self.library.close()
        self.runner.stop()  # a running 批量导出 stops after its current form
        super().closeEvent(event)
