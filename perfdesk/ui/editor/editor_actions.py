"""The editor's own actions, so the clerk need not go back to the list: 打印… (Ctrl+P, straight to the
system print dialog), 导出 PDF / Excel / 填报模板, 生成报送包, and in the 编辑 menu 复制 / 粘贴 and 查找
(Ctrl+F over labels and values).

`install(editor, file_menu, edit_menu)` is the one call the editor window makes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QToolBar,
    QWidget,
)

from perfdesk.domain.document import display
from perfdesk.errors import UserError
from perfdesk.ui import dialogs
from perfdesk.ui.editor.table_part import TablePart
from perfdesk.ui.runner import runner_for


def install(editor, file_menu, edit_menu) -> None:
    def action(text: str, name: str, slot, shortcut=None) -> QAction:
        act = QAction(text, editor)
        act.setObjectName(name)
        act.triggered.connect(slot)
        if shortcut is not None:
            act.setShortcut(shortcut)
        return act

    last = file_menu.actions()[-1]  # 关闭 stays last
    file_menu.insertAction(last, action("打印(&P)…", "printAction", lambda: print_form(editor),
                                        QKeySequence.StandardKey.Print))
    exports = [action("导出 PDF…", "editorExportPdf", lambda: export_file(editor, "pdf")),
               action("导出 Excel…", "editorExportXlsx", lambda: export_file(editor, "xlsx")),
               action("导出 Excel 填报模板…", "editorExportTemplate", lambda: export_template(editor)),
               action("生成报送包…", "editorPackage", lambda: package(editor))]
    file_menu.insertSeparator(last)
    file_menu.insertActions(last, exports)
    file_menu.insertSeparator(last)
    edit_menu.addSeparator()
    # The keys are named after a tab, not bound: Ctrl+C / Ctrl+V belong to the focused box or table.
    edit_menu.addActions([action("复制(&C)\tCtrl+C", "editorCopy", lambda: copy_or_paste(editor, "copy")),
                          action("粘贴(&V)\tCtrl+V", "editorPaste", lambda: copy_or_paste(editor, "paste"))])
    edit_menu.addSeparator()
    editor.find_bar = FindBar(editor)
    edit_menu.addAction(action("查找(&F)…", "findAction", editor.find_bar.start, QKeySequence.StandardKey.Find))


# --- export and package ------------------------------------------------------------------------

def _saved(editor) -> bool:
    """What is exported is what is stored: pending edits are saved first."""
    return not editor.has_unsaved_changes() or editor.save()


def export_file(editor, kind: str, path: Path | None = None) -> Path | None:
    from perfdesk.app.operations import export

    if not _saved(editor):
        return None
    label, pattern = {"pdf": ("PDF", "PDF 文件 (*.pdf)"), "xlsx": ("Excel", "Excel 工作簿 (*.xlsx)")}[kind]
    if path is None:
        suggested = dialogs.last_export_dir() / f"{dialogs.safe_file_name(editor.record.title)}.{kind}"
        path = dialogs.save_file_name(editor, f"导出 {label}", suggested, pattern)
        if path is None:
            return None
    if path.suffix.lower() != f".{kind}":
        path = path.with_name(f"{path.name}.{kind}")
    store, form_instance_id = editor.store, editor.record.id
    end = runner_for(editor).run(editor, "无法导出", f"正在导出 {path.name}…", lambda _: export(
        store, form_instance_id, pdf=path if kind == "pdf" else None, xlsx=path if kind == "xlsx" else None),
        failure_title="无法导出")  # the same runner, dialog and message as 导出 in the main window
    if end.error:
        return None
    dialogs.remember_export_dir(path.parent)
    editor.statusBar().showMessage(f"已导出：{path}", 10000)
    return path


def export_template(editor, path: Path | None = None) -> Path | None:
    from perfdesk.app.xlsx_import import export_template as write

    if not _saved(editor):
        return None
    if path is None:
        suggested = dialogs.last_export_dir() / f"{dialogs.safe_file_name(editor.record.title)}-填报模板.xlsx"
        path = dialogs.save_file_name(editor, "导出 Excel 填报模板", suggested, "Excel 工作簿 (*.xlsx)")
        if path is None:
            return None
    store, form_instance_id = editor.store, editor.record.id
    end = runner_for(editor).run(editor, "无法导出模板", f"正在导出 {path.name}…",
                                 lambda _: write(store, form_instance_id, path), failure_title="无法导出模板")
    if end.error:
        return None
    dialogs.remember_export_dir(path.parent)
    editor.statusBar().showMessage(f"已导出填报模板：{path}", 10000)
    return path


def package(editor):
    from perfdesk.ui.packages import export_package

    if not _saved(editor):
        return None
    return export_package(editor, editor.store, editor.record.id)


def print_form(editor) -> int:
    """打印…: the stored form's PDF (pending edits saved first) through the system print dialog;
    a form with errors prints as a draft, as its preview does. Pages printed, 0 when cancelled."""
    from perfdesk.app.operations import grid_for
    from perfdesk.render.pdf import render_pdf
    from perfdesk.ui.preview import DRAFT_MARK, PdfPages, exec_print_dialog, new_printer, send

    if not _saved(editor):
        return 0
    record = editor.store.get_form(editor.record.id)
    draft = any(finding.blocks_export for finding in editor.findings())
    try:
        pdf = render_pdf(grid_for(editor.store, record))
    except UserError as exc:
        QMessageBox.warning(editor, "无法打印", str(exc))
        return 0
    pages = PdfPages(pdf)
    try:
        printer = new_printer(record.title)
        if not exec_print_dialog(printer, editor, len(pages), f"打印 – {record.title}{DRAFT_MARK if draft else ''}"):
            return 0
        sent = send(pdf, pages, printer)
    except OSError as exc:
        QMessageBox.warning(editor, "打印失败", str(exc))
        return 0
    finally:
        pages.close()
    editor.statusBar().showMessage(f"已打印 {sent} 页" + ("（草稿：表单还有错误，不能报送）" if draft else ""), 10000)
    return sent


# --- copy, paste ---------------------------------------------------------------------------------

def copy_or_paste(editor, which: str) -> None:
    """The 编辑 menu's 复制/粘贴 for whatever has the focus: a text box, or a table's block of cells."""
    widget = QApplication.focusWidget()
    part = next((p for p in editor.findChildren(TablePart) if widget is not None and p.item_view() is widget), None)
    if part is not None:
        part.copy_cells() if which == "copy" else part.paste_cells()
        return
    method = getattr(widget, which, None)
    if callable(method):
        method()


# --- find ----------------------------------------------------------------------------------------

def searchable(editor) -> list[tuple[str, str]]:
    """(data path, text to search) for every field and cell: its label and what is written in it."""
    form, doc = editor.form, editor.model.data
    found = []
    for key, field in form.fields.items():
        found.append((key, f"{field.label} {display(field, doc.get(key))}"))
    for table in form.tables.values():
        raw = doc.get(table.key)
        if table.kind == "tree":
            for row in table.tree:
                for column in table.columns:
                    value = ((raw or {}).get(row.key) or {}).get(column.key) if isinstance(raw, dict) else None
                    found.append((f"{table.key}.{row.key}.{column.key}", f"{table.label} {row.label} {column.label} "
                                                                         f"{display(column, value)}"))
            continue
        for index, row in enumerate(raw if isinstance(raw, list) else []):
            for column in table.columns:
                found.append((f"{table.key}.{index}.{column.key}",
                              f"{table.label} {column.label} {display(column, row.get(column.key))}"))
    return found


class FindBar(QToolBar):
    """Ctrl+F: type, Enter goes to the next field or cell whose label or value holds the text."""

    def __init__(self, editor) -> None:
        super().__init__("查找", editor)
        self.editor = editor
        self.setObjectName("findBar")
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(QLabel("查找：", box))
        self.edit = QLineEdit(box)
        self.edit.setObjectName("findEdit")
        self.edit.setPlaceholderText("栏目名称或填写的内容")
        self.edit.returnPressed.connect(self.next)
        self.edit.textChanged.connect(self._restart)
        row.addWidget(self.edit)
        for text, name, step in (("下一个", "findNext", 1), ("上一个", "findPrevious", -1)):
            button = QPushButton(text, box)
            button.setObjectName(name)
            button.clicked.connect(lambda _=False, s=step: self.next(s))
            row.addWidget(button)
        self.result = QLabel(box)
        self.result.setObjectName("findResult")
        row.addWidget(self.result)
        self.addWidget(box)
        close = QAction("关闭查找", self)
        close.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        close.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        close.triggered.connect(self.hide)
        self.addAction(close)
        editor.addToolBarBreak()
        editor.addToolBar(Qt.ToolBarArea.TopToolBarArea, self)
        self.hide()
        self._position = -1

    def start(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def _restart(self) -> None:
        self._position = -1
        self.result.clear()

    def matches(self) -> list[str]:
        needle = self.edit.text().strip().casefold()
        if not needle:
            return []
        return [path for path, text in searchable(self.editor) if needle in text.casefold()]

    def next(self, step: int = 1) -> str | None:
        found = self.matches()
        if not found:
            self.result.setText("没有找到" if self.edit.text().strip() else "")
            return None
        self._position = (self._position + step) % len(found)
        path = found[self._position]
        self.editor.focus_path(path)  # scrolls the form there
        self.edit.setFocus()  # and the next Enter finds the next one
        self.result.setText(f"第 {self._position + 1} 处，共 {len(found)} 处：{self.editor.form.label_of(path)}")
        return path
