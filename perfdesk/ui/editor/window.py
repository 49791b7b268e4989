"""The form editor window: the form's sections, the live checks, the help, undo and autosave —
for every form file (申报表, 监控表, 监控分析报告, 评价报告, 绩效报告, 反馈意见函, 整改报告书).

The window wires parts together and holds no rule of its own: values go through the document model
(and its undo stack), findings come from `run_checks`, 绩效预警 from `monitoring_operations.alerts`,
due dates from `due_dates.due`, computed cells (综合得分, 评价等次) from the domain, saving from
`operations.save_document`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from perfdesk.app import due_dates, monitoring_operations
from perfdesk.domain import money
from perfdesk.domain.checks import run_checks
from perfdesk.domain.deadlines import DUE_FROM
from perfdesk.domain.document import column_total, scored_total
from perfdesk.domain.findings import EXPLANATIONS_KEY, SOURCE_KEY, Finding, Severity
from perfdesk.domain.form_kinds import DECLARATION, FEEDBACK_KIND, MONITORING_KIND, MONITORING_REPORT, RECTIFICATION
from perfdesk.domain.returned import returned_findings
from perfdesk.domain.monitoring import Alert, report_parts
from perfdesk.domain.registry import form_of
from perfdesk.domain.lifecycle import IN_REVIEW, Role, editable_here, role_of
from perfdesk.errors import UserError
from perfdesk.app.operations import check_context, context, printed_review, profile_of, render, save_document
from perfdesk.app.returned_fields import returned
from perfdesk.store import FormConflict, FormRecord, Store, StoreError
from perfdesk.ui.screen_fit import open_within_screen
from perfdesk.ui.editor import save_conflict
from perfdesk.ui.editor.alerts_dock import AlertsDock, due_label, show_due
from perfdesk.ui.editor.checks_dock import ChecksDock
from perfdesk.ui.editor.document_model import DocumentModel
from perfdesk.ui.editor.field_widgets import FieldBinding, FieldKeys, PeriodBinding, make_binding
from perfdesk.ui.editor.fund_table import FundTableEditor
from perfdesk.ui.editor.headers import PERIOD_FIELD
from perfdesk.ui.editor.help_panel import HelpPanel
from perfdesk.ui.editor.indicator_tables import IndicatorEditor
from perfdesk.ui.editor.row_tables import RowTableEditor
from perfdesk.ui.editor.sections import Computed, build_section, plan_sections
from perfdesk.ui.editor.status_banner import StatusBanner
from perfdesk.ui.editor.table_part import TablePart
from perfdesk.ui.runner import runner_for

CHECK_DELAY_MS = 200  # findings follow typing within 300 ms without re-checking every keystroke
_TABLE_EDITORS = {"rows": RowTableEditor, "fixed": RowTableEditor, "tree": FundTableEditor,
                  "indicators": IndicatorEditor}
# Kinds whose record title is the form's 项目名称 (a monitoring table keeps “…（1-6月监控）”).
_TITLE_FOLLOWS_NAME = {DECLARATION: "project_name"}
# Computed cells of the layout: object name and how the value is read out.
_COMPUTED_NAMES = {"total": "totalScore", "grade": "gradeLabel", "consequence": "consequenceLabel"}
NOT_COMPUTED = "—"


class FormEditor(QMainWindow):
    """Edits one stored form of any kind: `FormEditor(store, form_instance_id, role=..., autosave_ms=...)`."""

    saved = Signal(int)

    def __init__(self, store: Store, form_instance_id: int, *, role: Role = Role.UNIT, autosave_ms: int = 1500,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.role = store, role
        self.record = store.get_form(form_instance_id)
        self.form = form_of(self.record)
        self.unit = store.get_unit(self.record.unit_id)
        self.profile = profile_of(store, self.record)  # None: the checks use their defaults, as when saving
        self.context = check_context(store, self.record, role=role_of(role))
        # The 审核意见 rows shown as they print (the sign-offs of the current version, from the history), not
        # as the stored cells last held them: an earlier round's return text never shows on a later version.
        self.model = DocumentModel(self.form, self.shown_document(), self, profile=self.profile,
                                   year=self.record.year)
        self.returned = returned(store, self.record)  # reasons per field of a reviewer's return, if any
        self._marked: dict[str, str] = {}  # path → reason now marked on the form
        # A submitted, reviewed or approved form is frozen: it opens read-only under its banner; so is a
        # unit's form received at a 主管部门 or an office, whatever its status.
        self.frozen = not self._editable_here()
        self.model.read_only = self.frozen
        self.keys = FieldKeys(self.model, self)
        self._fields: dict[str, FieldBinding] = {}
        self._tables: dict[str, TablePart] = {}
        self._computed: list[tuple[Computed, QLabel]] = []
        self._dependents: dict[str, list[FieldBinding]] = {}  # field → choices that follow it
        self._section_of: dict[str, int] = {}
        self._dirty = False
        self._navigating = False
        self._thaw = None  # undoes freeze() when the form becomes editable again (申请调整)
        open_within_screen(self, 1400, 900)

        self.help_panel = HelpPanel(self)
        self.checks_dock = ChecksDock(self)
        self.checks_dock.edit_filter = self.keys
        # 绩效预警 for the monitoring tables; the due date for every form that has one.
        self.alerts_dock = AlertsDock(self) if self.form.raw_kind == MONITORING_KIND else None
        self.due_label: QLabel | None = self.alerts_dock.due if self.alerts_dock is not None else None
        has_deadline = self.form.raw_kind in (FEEDBACK_KIND, RECTIFICATION) or self._deadline() is not None
        if self.due_label is None and has_deadline:
            self.due_label = due_label(self)
        self._build_form()
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.help_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.checks_dock)
        self.splitDockWidget(self.help_panel, self.checks_dock, Qt.Orientation.Vertical)
        docks, heights = [self.help_panel, self.checks_dock], [180, 520]
        if self.alerts_dock is not None:
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.alerts_dock)
            self.splitDockWidget(self.checks_dock, self.alerts_dock, Qt.Orientation.Vertical)
            docks, heights = docks + [self.alerts_dock], [150, 380, 260]
        self.resizeDocks(docks, heights, Qt.Orientation.Vertical)
        self.resizeDocks([self.help_panel], [420], Qt.Orientation.Horizontal)
        self.checks_dock.activated.connect(lambda finding: self.focus_path(finding.field))
        self.checks_dock.explanation_edited.connect(
            lambda code, text: self.model.set_explanation(code, text, typing=True))

        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._run_checks)
        self._autosave_timer = QTimer(self, singleShot=True, interval=autosave_ms)
        self._autosave_timer.timeout.connect(self._autosave)
        self._build_actions()
        self._build_status_bar()
        self.model.changed.connect(self._on_changed)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self._following_focus = True
        self._run_checks()
        self._show_record()

    # --- building ---------------------------------------------------------------------

    def _build_form(self) -> None:
        header = self._build_header()
        self.sections = plan_sections(self.form, exclude=(PERIOD_FIELD,) if PERIOD_FIELD in self._fields else ())
        page = QWidget()
        page.setObjectName("formPage")
        column = QVBoxLayout(page)
        self._boxes = []
        for number, section in enumerate(self.sections):
            for path in section.paths():
                self._section_of[path] = number
            box = build_section(self.form, section, self._make_field, self._make_table, page, self._make_computed)
            column.addWidget(box)
            self._boxes.append(box)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("formScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(page)
        self.scroll.verticalScrollBar().valueChanged.connect(self._follow_scroll)

        self.nav = QListWidget()
        self.nav.setObjectName("sectionList")
        self.nav.addItems([s.title for s in self.sections])
        self.nav.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.nav.setMaximumWidth(220)
        self.nav.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab walks the form, not the list
        self.nav.currentRowChanged.connect(self.show_section)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([160, 900])
        self.banner = self._build_banner()
        self.upgrade_banner = self._build_upgrade_banner()
        # What the clerk's last decision here did (审核, 转发, 申请调整): kept on screen, not a passing message.
        self.notice = QLabel()
        self.notice.setObjectName("editorNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setStyleSheet("QLabel#editorNotice { background: #e8f5e9; border: 1px solid #81c784; "
                                  "padding: 4px; }")
        self.notice.hide()
        central = QWidget()
        self._top = QVBoxLayout(central)
        self._top.setContentsMargins(0, 0, 0, 0)
        for top in (self.notice, self.banner, self.upgrade_banner, header):
            if top is not None:
                self._top.addWidget(top)
        self._top.addWidget(splitter, 1)
        self.setCentralWidget(central)
        if self.frozen:
            self._thaw = freeze(page)

        self._set_tab_order()

    def _build_banner(self) -> StatusBanner | None:
        """Where the form is in the review chain, once it has moved or is frozen."""
        if not self.store.events(self.record.id) and not self.frozen:
            return None
        from perfdesk.app.review_desk import can_relay, received_copy
        from perfdesk.app.workflow import banner

        can_review = self.record.status in IN_REVIEW and IN_REVIEW[self.record.status] in self.context.role.actors
        shown = banner(self.store, self.record)  # at a 主管部门 or an office, the desk's advice for a unit's form
        received = received_copy(self.store, self.record) and self.context.role is not Role.UNIT
        strip = StatusBanner(shown, self.form.label_of, can_review=can_review, parent=self,
                             can_adjust=not received, can_relay=received and can_relay(self.store, self.record))
        strip.adjust_requested.connect(self.request_adjustment)
        strip.review_requested.connect(self.open_review)
        strip.relay_requested.connect(self.open_relay)
        return strip

    def _editable_here(self) -> bool:
        from perfdesk.app.review_desk import received_copy

        return editable_here(self.record.status, role_of(self.role), received_copy(self.store, self.record))

    def _build_upgrade_banner(self):
        """此表按第1版格式填写，可升级到第2版…: for an editable form whose form file has moved on."""
        from perfdesk.app.form_upgrade import newer_version

        newer = newer_version(self.record)
        if newer is None or self.frozen:
            return None
        from perfdesk.ui.editor.upgrade_banner import UpgradeBanner

        shown = UpgradeBanner(self.record.form_version, newer.version, self)
        shown.upgrade_requested.connect(self.preview_upgrade)
        return shown

    def preview_upgrade(self):
        """Show what the upgrade changes; 升级 applies it (pending edits saved first) and reopens the form."""
        from perfdesk.app.form_upgrade import apply_upgrade, plan_upgrade
        from perfdesk.ui.editor.upgrade_banner import UpgradePreview

        if self._dirty and not self.save():
            return None
        dialog = UpgradePreview(plan_upgrade(self.record), self)

        def upgrade() -> None:
            try:
                apply_upgrade(self.store, plan_upgrade(self.store.get_form(self.record.id)))
            except (FormConflict, UserError) as exc:
                QMessageBox.warning(self, "未能升级", str(exc))
                return
            self.saved.emit(self.record.id)
            self._reopen()

        dialog.accepted.connect(upgrade)
        dialog.open()
        return dialog

    def request_adjustment(self) -> bool:
        """申请调整: the approved version stays in the history; the form opens again, editable."""
        from PySide6.QtWidgets import QInputDialog

        from perfdesk.app.workflow import request_adjustment

        reason, ok = QInputDialog.getMultiLineText(self, "申请调整", "调整理由（报送审核时一并说明）：")
        if not ok:
            return False
        store, form_instance_id = self.store, self.record.id

        def work(context):
            moved = request_adjustment(store, form_instance_id, reason)
            context.changed(form_instance_id)  # its row in the list shows the new status
            return moved

        end = runner_for(self).run(self, "申请调整", "正在申请调整…", work, failure_title="不能申请调整")
        if end.error:
            return False
        record = end.value
        self.show_moved(f"已申请调整：《{record.title}》现为“{record.status.display}”，可以修改；审核通过的"
                        f"第 {record.package_version or 1} 版保留在历史中，可打印。修改后请校验，再“生成报送包”重新报送审核。")
        return True

    def open_review(self):
        from perfdesk.ui.review_dialog import ReviewDialog

        dialog = ReviewDialog(self.store, self.record.id, parent=self)
        dialog.decided.connect(lambda _id: self.show_moved(dialog.outcome))
        dialog.open()
        return dialog

    def open_relay(self):
        """转发审核结果: at a 主管部门, the office's answer passed down to the unit."""
        from perfdesk.ui.relay_dialog import RelayDialog

        dialog = RelayDialog(self.store, self.record.id, parent=self)
        dialog.relayed.connect(lambda _id: self.show_moved(dialog.outcome))
        dialog.open()
        return dialog

    def _reopen(self) -> None:
        """Open the form again in a new window (its form file changed, so every part is built anew); the
        owner lets go of this window first, so the new one is not taken for it and closed with it."""
        owner, form_instance_id = self.parent(), self.record.id
        if owner is not None and hasattr(owner, "forget_editor"):
            owner.forget_editor(form_instance_id, self)
        self.close()
        if owner is not None and hasattr(owner, "open_form_id"):
            owner.open_form_id(form_instance_id)

    def shown_document(self) -> dict:
        return printed_review(self.store, self.record)[0]

    def show_moved(self, notice: str = "") -> None:
        """The form shown as it now stands after a move (a decision, a relay, 申请调整, or any work the
        runner reported as changing it): the stored document and status, its new banner, read-only or
        editable as the move left it, and what happened said at the top. The window stays open; the
        list hears of the move from the runner (forms_changed), not from here."""
        self._check_timer.stop()
        self._autosave_timer.stop()
        self.record = self.store.get_form(self.record.id)
        self.model.take_stored(self.shown_document())  # a reviewer's cells come in, not as an edit
        self._dirty = False
        self._autosave_timer.stop()
        frozen = not self._editable_here()
        if frozen and self._thaw is None:
            self._thaw = freeze(self.scroll.widget())
        elif not frozen and self._thaw is not None:
            self._thaw()
            self._thaw = None
        self.frozen = self.model.read_only = frozen
        old, self.banner = self.banner, self._build_banner()
        if old is not None:
            self._top.replaceWidget(old, self.banner)
            old.deleteLater()
        elif self.banner is not None:
            self._top.insertWidget(1, self.banner)
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self._show_record()
        self._run_checks()

    def _build_header(self) -> QWidget | None:
        """The strip above the form: the monitoring period, the due date (where no 绩效预警 dock shows it)
        and, for a monitoring report, 按监控表重新生成."""
        parts: list[QWidget] = []
        if PERIOD_FIELD in self.form.fields:
            binding = make_binding(self.form.fields[PERIOD_FIELD], self.model, self.keys, self.role, parent=self,
                                   kind=PeriodBinding)
            self._fields[PERIOD_FIELD] = binding
            label = QLabel(f"{binding.field.label}：")
            label.setToolTip(binding.field.help)
            parts += [label, binding.widget]
        if self.due_label is not None and self.alerts_dock is None:
            parts.append(self.due_label)
        self.regenerate_button: QPushButton | None = None
        if self.form.raw_kind == MONITORING_REPORT:
            button = QPushButton("按监控表重新生成", self)
            button.setObjectName("regenerateButton")
            source = self._report_source()
            button.setEnabled(source is not None)
            button.setToolTip("按来源监控表的最新数据，重新生成“预算执行情况分析”和“绩效目标实现情况分析”（可撤销）"
                              if source is not None else "本报告不是由监控表生成的，无法重新生成")
            button.clicked.connect(self.regenerate_figures)
            self.regenerate_button = button
            parts.append(button)
        if not parts:
            return None
        header = QWidget(self)
        header.setObjectName("formHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(8, 4, 8, 4)
        for widget in parts:
            row.addWidget(widget)
            if widget is not parts[-1]:
                row.addSpacing(12)
        row.addStretch(1)
        return header

    def _set_tab_order(self) -> None:
        """Tab walks the fields and tables in printed order (rebuilt tick boxes included)."""
        top = self._fields[PERIOD_FIELD].focus_chain() if PERIOD_FIELD in self.form.fields else []
        chain = top + [w for s in self.sections for p in s.paths() for w in self._part(p).focus_chain()]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def _make_field(self, key: str, min_lines: int) -> QWidget:
        binding = make_binding(self.form.fields[key], self.model, self.keys, self.role, min_lines, self)
        self._fields[key] = binding
        if binding.field.options_of:
            self._dependents.setdefault(binding.field.options_of, []).append(binding)
        return binding.widget

    def _make_computed(self, item: Computed) -> QWidget:
        label = QLabel()
        label.setObjectName(_COMPUTED_NAMES[item.kind])
        label.setWordWrap(True)
        label.setStyleSheet("font-weight: bold;" if item.kind == "total" else "")
        self._computed.append((item, label))
        self._show_computed(item, label)
        return label

    def _make_table(self, key: str) -> QWidget:
        table = self.form.tables[key]
        part = _TABLE_EDITORS[table.kind](self.model, table, self.role)
        part.help_requested.connect(self.help_panel.show_help)
        self._tables[key] = part
        return part

    def _build_actions(self) -> None:
        stack = self.model.undo_stack
        save = QAction("保存(&S)", self)
        save.setObjectName("saveAction")
        save.setShortcut(QKeySequence("Ctrl+S"))
        save.triggered.connect(self.save)
        close = QAction("关闭(&C)", self)
        close.setObjectName("closeAction")
        close.setShortcut(QKeySequence("Ctrl+W"))
        close.triggered.connect(self.close)
        self.undo_action = stack.createUndoAction(self, "撤销")
        self.undo_action.setObjectName("undoAction")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = stack.createRedoAction(self, "重做")
        self.redo_action.setObjectName("redoAction")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        next_finding = QAction("下一个问题", self)
        next_finding.setObjectName("nextFindingAction")
        next_finding.setShortcut(QKeySequence("F8"))
        next_finding.triggered.connect(lambda: self.go_to_finding(1))
        previous_finding = QAction("上一个问题", self)
        previous_finding.setObjectName("previousFindingAction")
        previous_finding.setShortcut(QKeySequence("Shift+F8"))
        previous_finding.triggered.connect(lambda: self.go_to_finding(-1))

        preview = QAction("打印预览(&V)…", self)
        preview.setObjectName("previewAction")
        preview.triggered.connect(self.print_preview)

        menus = self.menuBar()
        file_menu = menus.addMenu("文件(&F)")
        file_menu.addActions([save, preview, close])
        edit_menu = menus.addMenu("编辑(&E)")
        edit_menu.addActions([self.undo_action, self.redo_action])
        from perfdesk.ui.editor import editor_actions  # export, package, copy/paste, find

        editor_actions.install(self, file_menu, edit_menu)
        check_menu = menus.addMenu("校验(&C)")
        check_menu.addActions([next_finding, previous_finding])
        view_menu = menus.addMenu("视图(&V)")
        view_menu.addActions([self.checks_dock.toggleViewAction(), self.help_panel.toggleViewAction()])
        toolbar = self.addToolBar("常用")
        toolbar.setObjectName("editorToolbar")
        toolbar.addActions([save, preview, self.undo_action, self.redo_action, next_finding])

    def print_preview(self):
        """打印预览 of exactly what export writes: pending edits are saved first, then the stored form
        is rendered; a form with errors prints as a draft."""
        from perfdesk.ui.preview import PrintPreviewDialog

        if self.has_unsaved_changes() and not self.save():
            return None
        draft = any(finding.blocks_export for finding in self.findings())
        store, form_instance_id = self.store, self.record.id

        def work(_context):  # rendered off the GUI thread, as the main window's 打印预览
            record = store.get_form(form_instance_id)
            return record, render(store, record).pdf

        end = runner_for(self).run(self, "无法预览", "正在生成预览…", work, failure_title="无法预览")
        if end.error:
            return None
        record, pdf = end.value
        dialog = PrintPreviewDialog(pdf, record.title, draft=draft, parent=self)
        dialog.show()
        return dialog

    def _build_status_bar(self) -> None:
        # Labels rather than showMessage(): hovering a menu would wipe a plain message.
        self.save_label = QLabel(self)
        self.save_label.setObjectName("saveStatus")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("recordStatus")
        # which form file this is drawn from: 第1版 · 随程序安装 / 用户目录 … / --forms …
        from perfdesk.catalog.form_files import short_origin

        self.origin_label = QLabel(f"表单定义：第{self.form.version}版 · {short_origin(self.form.origin)}", self)
        self.origin_label.setObjectName("formOrigin")
        self.origin_label.setToolTip(f"表单定义：第{self.form.version}版 · {self.form.origin}")
        self.statusBar().addWidget(self.save_label, 1)
        self.statusBar().addPermanentWidget(self.origin_label)
        self.statusBar().addPermanentWidget(self.status_label)

    def _part(self, path: str) -> FieldBinding | TablePart | None:
        head = path.split(".")[0]
        return self._fields.get(head) or self._tables.get(head)

    # --- public API -------------------------------------------------------------------

    def document(self) -> dict:
        return self.model.document()

    def set_value(self, path: str, value) -> None:
        """A programmatic edit, undoable like any typed one."""
        self.model.set_value(path, value)

    def undo_stack(self) -> QUndoStack:
        return self.model.undo_stack

    def findings(self) -> list[Finding]:
        """What the checks find, after the fields a reviewer returned that the clerk has not yet changed."""
        found = run_checks(self.form, self.model.data, self.context)
        if self.returned is None:
            return found
        return returned_findings(self.form, self.returned.reasons, self.returned.document, self.model.data) + found

    def current_record(self) -> FormRecord:
        """The stored record with the document as now edited (for alerts and due dates)."""
        return dataclasses.replace(self.record, data=self.model.data)

    def alerts(self) -> list[Alert]:
        """绩效预警 of the document as now edited (none for a form that is not a monitoring table)."""
        return monitoring_operations.alerts(self.store, self.current_record())

    def field_binding(self, key: str) -> FieldBinding:
        return self._fields[key]

    def table_editor(self, key: str) -> TablePart:
        return self._tables[key]

    def focus_path(self, path: str) -> QWidget | None:
        """Scroll to and focus the widget of a data path (a field, a cell, or a whole table)."""
        part = self._part(path)
        if part is None:
            return None
        widget = part.focus(path)
        if widget is not None:
            self._scroll_to(widget)
            self._show_help_for(widget)
        self.nav.blockSignals(True)  # after scrolling, which moves the list to the top section
        self.nav.setCurrentRow(self._section_of.get(path.split(".")[0], 0))
        self.nav.blockSignals(False)
        return widget

    def regenerate_figures(self) -> bool:
        """按监控表重新生成: part 二 from the source monitoring table's present figures, one undo step."""
        source_id = self._report_source()
        if source_id is None:
            return False
        try:
            source = self.store.get_form(source_id)
        except StoreError as exc:
            self._say(f"无法读取来源监控表：{exc}", error=True)
            return False
        source_form = form_of(source)
        if source_form.raw_kind != MONITORING_KIND:
            self._say(f"来源表单“{source.title}”不是运行监控表，无法重新生成", error=True)
            return False
        stack = self.model.undo_stack
        stack.beginMacro("按监控表重新生成")
        for key, text in report_parts(source_form, source.data).items():
            self.model.set_value(key, text)
        stack.endMacro()
        self._say(f"已按监控表“{source.title}”重新生成预算执行和绩效目标实现情况分析（可撤销）")
        return True

    def _report_source(self) -> int | None:
        """The monitoring table this report was started from (`_source.monitoring`), if any."""
        source = self.model.data.get(SOURCE_KEY)
        value = source.get(MONITORING_KIND) if isinstance(source, dict) else None
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _say(self, text: str, error: bool = False) -> None:
        self.save_label.setStyleSheet("color: #c62828;" if error else "")
        self.save_label.setText(text)

    def save(self) -> bool:
        for part in self._tables.values():  # a cell still open for editing counts as typed
            part.commit_open_editor()
        return self._save("已保存")

    # --- sections and scrolling -------------------------------------------------------

    def show_section(self, row: int) -> None:
        if 0 <= row < len(self._boxes):
            self._navigating = True  # the last sections cannot reach the top: keep the clicked one
            self.scroll.verticalScrollBar().setValue(self._boxes[row].y())
            self._navigating = False

    def _follow_scroll(self, value: int) -> None:
        if self._navigating:
            return
        row = max((i for i, box in enumerate(self._boxes) if box.y() <= value + 20), default=0)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(row)
        self.nav.blockSignals(False)

    def _scroll_to(self, widget: QWidget) -> None:
        self.scroll.ensureWidgetVisible(widget, 40, 60)
        if isinstance(widget, QAbstractItemView) and widget.currentIndex().isValid():
            rect = widget.visualRect(widget.currentIndex())
            point = widget.viewport().mapTo(self.scroll.widget(), rect.center())
            self.scroll.ensureVisible(point.x(), point.y(), 40, 80)

    # --- following changes ------------------------------------------------------------

    def _on_changed(self, path: str) -> None:
        head = path.split(".")[0]
        if head in self._fields:
            self._fields[head].refresh(path)
        for dependent in self._dependents.get(head, []):
            dependent.refresh(dependent.key)
        if self._dependents.get(head):
            self._set_tab_order()
        if head in self._tables:
            self._tables[head].refresh(path)
        if head == PERIOD_FIELD:  # “1-6月支出数” → “1-9月支出数”
            for part in self._tables.values():
                relabel = getattr(part, "relabel", None)
                if relabel is not None:
                    relabel()
        for item, label in self._computed:
            self._show_computed(item, label)
        self._dirty = True
        self._check_timer.start()
        self._autosave_timer.start()
        if path == EXPLANATIONS_KEY:
            self._run_checks()  # an explained warning shows so at once

    def _run_checks(self) -> None:
        self._check_timer.stop()
        findings = self.findings()
        self.checks_dock.show_findings(findings)
        self._mark_returned({f.field: f.message for f in findings if f.severity is Severity.RETURNED})
        if self.alerts_dock is not None:
            self.alerts_dock.show_alerts(self.alerts())
        if self.due_label is not None:
            record = self.current_record()
            source = self.form.fields.get(DUE_FROM.get(self.form.raw_kind, ""))
            show_due(self.due_label, self._deadline(), day=due_dates.due_day(self.store, record),
                     status=record.status.display, due_from=source.label if source else "")

    def _mark_returned(self, marks: dict[str, str]) -> None:
        """Each returned field or cell marked with its reason; a mark goes once the clerk changes it."""
        if marks == self._marked:
            return
        for key, binding in self._fields.items():
            if key in marks or key in self._marked:
                binding.mark_returned(marks.get(key, ""))
        for key, part in self._tables.items():
            part.mark_returned({path: why for path, why in marks.items() if path.split(".")[0] == key})
        self._marked = marks

    def _deadline(self) -> tuple[dt.date, int] | None:
        return due_dates.due(self.store, self.current_record())

    def _show_computed(self, item: Computed, label: QLabel) -> None:
        """综合得分, 评价等次, 结果应用 as the printed form works them out."""
        score = scored_total(self.form, self.model.data, item.cell.score_paths())
        name = item.label or {"total": "综合得分", "grade": "评价等次", "consequence": "结果应用"}[item.kind]
        if item.kind == "total":
            label.setText(f"{name}：{money.format_amount(score, blank='0.00')}")
            return
        shown = NOT_COMPUTED
        if score is not None:
            try:
                ctx = context(self.unit, self.record.year, self.model.data)
                if item.kind == "grade" and "grade_of" in ctx:
                    shown = ctx["grade_of"](score)
                elif item.kind == "consequence" and "result_of" in ctx:
                    amount = column_total(self.form, self.model.data, item.cell.amount) if item.cell.amount else None
                    shown = ctx["result_of"](score, amount or None)
            except (ValueError, LookupError) as exc:  # ProfileError, ScoringError: no grading rules for this unit
                shown = f"无法确定（{exc}）"
        label.setText(f"{name}：{shown}")

    def go_to_finding(self, step: int) -> None:
        finding = self.checks_dock.step(step)
        if finding is not None:
            self.focus_path(finding.field)

    # --- help -------------------------------------------------------------------------

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new.window() is self:
            self._show_help_for(new)

    def _show_help_for(self, widget: QWidget) -> None:
        current: QObject | None = widget
        while isinstance(current, QWidget) and current is not self:
            if isinstance(current, TablePart):
                self.help_panel.show_help(*current.current_help())
                return
            title = current.property("helpTitle")
            if title:
                self.help_panel.show_help(title, current.property("helpText") or "")
                return
            current = current.parentWidget()

    # --- saving -----------------------------------------------------------------------

    def _autosave(self) -> None:
        if self._dirty:
            self._save("已自动保存")

    def _save(self, verb: str) -> bool:
        self._autosave_timer.stop()
        doc = self.model.document()
        name_field = _TITLE_FOLLOWS_NAME.get(self.form.raw_kind)
        title = (str(doc.get(name_field) or "").strip() or self.record.title) if name_field else None
        if self.frozen:
            return False  # nothing can change (the model takes no edit); nothing to save
        try:
            save_document(self.store, self.record, doc, title=title, role=self.context.role,
                          based_on=self.record.version)
            self.record = self.store.get_form(self.record.id)  # status and title as now stored
        except FormConflict as exc:  # another clerk saved meanwhile: the clerk chooses, never overwritten
            return save_conflict.resolve(self, exc, verb)
        except UserError as exc:
            self.save_label.setStyleSheet("color: #c62828;")
            self.save_label.setText(f"保存失败：{exc}。修改仍保留在本窗口中，请按 Ctrl+S 重试。")
            return False
        self._dirty = False
        self.model.undo_stack.setClean()
        self.save_label.setStyleSheet("")
        self.save_label.setText(f"{verb} {time.strftime('%H:%M:%S')}")
        self._show_record()
        self.saved.emit(self.record.id)
        return True

    def _show_record(self) -> None:
        self.setWindowTitle(f"{self.record.title} – {self.form.name}")
        self.status_label.setText(f"{self.record.year}年度 · 状态：{self.record.status.display}")

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def closeEvent(self, event: QCloseEvent) -> None:
        self._check_timer.stop()
        self._autosave_timer.stop()
        for part in self._tables.values():
            part.commit_open_editor()
        if self._dirty and not self.save():
            answer = QMessageBox.question(
                self, "保存失败", f"{self.save_label.text()}\n\n仍要关闭吗？关闭后未保存的修改将丢失。",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        if self._following_focus:
            QApplication.instance().focusChanged.disconnect(self._focus_changed)
            self._following_focus = False
        event.accept()
        super().closeEvent(event)

    def event(self, event: QEvent) -> bool:
        # Leaving the window ends a typing step, so the next edit is its own undo step.
        if event.type() == QEvent.Type.WindowDeactivate:
            self.model.seal()
        return super().event(event)


DeclarationEditor = FormEditor  # the name the main window and older code know


def freeze(page: QWidget):
    """Every entry on the page read-only: text can still be selected and copied, nothing typed.
    Returns what undoes it (for 申请调整, which opens an approved form again)."""
    from PySide6.QtWidgets import (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTableView,
                                   QTextEdit)

    undo = []
    for widget in page.findChildren(QWidget):
        if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)) and not widget.isReadOnly():
            widget.setReadOnly(True)
            undo.append(lambda w=widget: w.setReadOnly(False))
        elif isinstance(widget, QTableView):
            undo.append(lambda w=widget, t=widget.editTriggers(): w.setEditTriggers(t))
            widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        elif isinstance(widget, (QAbstractButton, QComboBox)) and widget.isEnabled():
            widget.setEnabled(False)
            undo.append(lambda w=widget: w.setEnabled(True))

    def thaw() -> None:
        for step in undo:
            step()

    return thaw
