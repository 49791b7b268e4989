"""What the main window does with the selected forms: open them in editors (one window per form),
copy to a new year, delete, check, preview, export and batch export.

A mixin of `MainWindow`; it never imports the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QListWidget, QMainWindow, QMessageBox, QVBoxLayout, QWidget)

from perfdesk.errors import UserError
from perfdesk.store.store_errors import StoreError
from perfdesk.ui.help_window import add_help_button
from perfdesk.ui.main_sections import DECLARATION
from perfdesk.ui.screen_fit import open_within_screen

if TYPE_CHECKING:
    from perfdesk.store import FormRecord

NO_FINDINGS = "未发现问题"


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


class FormActions:
    """The 文件 and 表单 menus' actions on the selected form, and the open editors."""

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
