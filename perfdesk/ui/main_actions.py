"""The main window's actions, menus (文件, 表单, 工具, 任务, 提交包, 设置, 帮助), toolbar and the list's
right-click menu, with the object names tests and the manual refer to.

A mixin of `MainWindow`; the slots it connects are the window's own (from main_list, form_actions,
new_form_flows, package_actions). It never imports the window."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMenu, QToolBar, QToolButton

from perfdesk.domain import form_kinds as kinds
from perfdesk.domain.registry import EVALUATION_FORMS
from perfdesk.ui import new_tables
from perfdesk.ui.main_sections import DECLARATION, EVALUATION, MONITORING, NEW_FORMS, PACKAGES, SECTIONS

if TYPE_CHECKING:
    from perfdesk.store import FormRecord


class MainActions:
    """Builds the window's actions and where they show."""

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
