"""The clerk's day in the GUI (issue 15): Excel import report, Qt's own texts in Chinese, backup
while the editor autosaves, restore, the manual, the empty list's 导入示例数据.

Set PERFDESK_SHOTS to a folder to write the README's screenshots there."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import sqlite3  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTextBrowser,
)

from perfdesk.render.xlsx_template import MAP_SHEET  # noqa: E402
from perfdesk.store import Store  # noqa: E402
from perfdesk.store.backup import backup, integrity  # noqa: E402
from perfdesk.ui import clerk_menus, dialogs  # noqa: E402
from perfdesk.ui.app import create_main_window  # noqa: E402
from perfdesk.ui.qt_setup import install_translations  # noqa: E402
from perfdesk.app.xlsx_import import export_template  # noqa: E402
from gui_support import settle, type_chinese  # noqa: E402

SHOTS = os.environ.get("PERFDESK_SHOTS")


@pytest.fixture
def window(demo_store, window):
    """The conftest's main window, on the demo."""
    return window


def shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / name))


def by_title(store, title):
    return next(f for f in store.list_forms() if f.title == title)


# --- Qt's own texts ----------------------------------------------------------------------------

def test_qt_dialogs_speak_chinese(qapp):
    assert install_translations(qapp), "qtbase_zh_CN.qm not found"
    dialog = QFileDialog(None, "导出 PDF")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    texts = [b.text() for b in dialog.findChild(QDialogButtonBox).buttons()]
    assert "取消" in texts and any(t.startswith("保存") for t in texts), texts
    assert "Cancel" not in texts
    box = QMessageBox(QMessageBox.Icon.Question, "t", "x", QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    assert sorted(b.text() for b in box.buttons()) == sorted(["确定", "取消"])
    dialog.deleteLater()
    box.deleteLater()


# --- Excel -------------------------------------------------------------------------------------

def test_import_report_lists_each_refused_cell(window, demo_store, tmp_path, qtbot, monkeypatch):
    record = by_title(demo_store, "2027年校舍维修改造项目")
    path = export_template(demo_store, record.id, tmp_path / "模板.xlsx")
    wb = load_workbook(path)
    where = {r[2]: r[1] for r in wb[MAP_SHEET].iter_rows(values_only=True) if r[0] == "cell"}
    ws = wb.worksheets[0]
    ws[where["applicant_head"]] = "王建国"
    ws[where["schedule.1.start"]] = "2027-02-30"
    ws[where["expense_details.1.this_year"]] = -5
    ws[where["expense_details.2.last_year"]] = 123456789012345
    wb.save(path)

    seen = {}

    def run_dialog(dialog):
        seen["dialog"] = dialog
        table = dialog.findChild(QTableWidget, "importProblems")
        seen["rows"] = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
        seen["import_enabled"] = dialog.findChild(QPushButton, "importAll").isEnabled()
        dialog.show()
        qtbot.waitExposed(dialog)
        shot(dialog, "xlsx_import_report.png")
        dialog.findChild(QPushButton, "keepGood").click()
        return dialog.result()

    from perfdesk.ui import xlsx_import_dialog

    monkeypatch.setattr(xlsx_import_dialog.XlsxImportDialog, "exec", run_dialog)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    clerk_menus.import_xlsx(window, path)
    cells = {row[1]: row for row in seen["rows"]}
    assert cells[where["schedule.1.start"]][2] == "支出实施进度计划第2行·开始时间"
    assert "不存在的日期" in cells[where["schedule.1.start"]][3]
    assert "不能为负数" in cells[where["expense_details.1.this_year"]][3]
    assert "过大" in cells[where["expense_details.2.last_year"]][3]
    assert not seen["import_enabled"]  # a file with errors is not imported as a whole
    doc = demo_store.get_form(record.id).data
    assert doc["applicant_head"] == "王建国"
    assert doc["expense_details"][1]["this_year"] == record.data["expense_details"][1]["this_year"]


def test_template_export_from_the_menu(window, demo_store, tmp_path, monkeypatch):
    record = by_title(demo_store, "2027年校舍维修改造项目")
    window.select_form(record.id)
    target = tmp_path / "t.xlsx"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: target)
    assert clerk_menus.export_template(window) == target
    assert load_workbook(target).worksheets[0].protection.sheet


# --- backup and restore ------------------------------------------------------------------------

def test_backup_while_the_editor_autosaves_holds_the_last_save(qtbot, demo_store, tmp_path):
    from perfdesk.ui.editor import DeclarationEditor

    record = by_title(demo_store, "2027年教师能力提升培训专项")
    editor = DeclarationEditor(demo_store, record.id, autosave_ms=20)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    edit = editor.field_binding("necessity").focus_widget
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    typed = []

    def type_one():
        type_chinese(edit, "急")
        typed.append(1)

    ticker = QTimer()
    ticker.timeout.connect(type_one)
    ticker.start(15)
    copies = []
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:  # backups taken while the editor types and autosaves
        qtbot.wait(40)
        copies.append(backup(demo_store.url, tmp_path / f"b{len(copies)}.db"))
    ticker.stop()
    with qtbot.waitSignal(editor.saved, timeout=3000):
        type_chinese(edit, "终")
    last = demo_store.get_form(record.id).data["necessity"]
    assert last.endswith("终") and len(typed) > 20
    final = backup(demo_store.url, tmp_path / "final.db")
    for copy in [*copies, final]:
        assert integrity(copy) == "ok"
    with sqlite3.connect(final) as db:
        (data,) = db.execute("SELECT data FROM form_instances WHERE id = ?", (record.id,)).fetchone()
    assert last in data
    editor.close()


def test_restore_shows_the_backup_and_keeps_the_current_database(window, demo_store, tmp_path, monkeypatch):
    saved = backup(demo_store.url, tmp_path / "before.db")
    gone = by_title(demo_store, "2027年校园安全监控系统建设")
    demo_store.delete_form(gone.id)
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: asked.append(text) or True)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    kept = clerk_menus.restore(window, saved)
    assert asked and "表单：5 份" in asked[0] and "长治市第一中学（201003）" in asked[0]
    assert kept is not None and kept.exists()
    settle(window)
    assert any(r.title == gone.title for r in window.listed_records())
    with sqlite3.connect(kept) as db:  # the database as it was before the restore, kept aside
        titles = [t for (t,) in db.execute("SELECT title FROM form_instances WHERE deleted_at IS NULL")]
    assert gone.title not in titles


# --- help and the empty list -------------------------------------------------------------------

def test_f1_opens_the_chinese_manual(window, qtbot):
    from perfdesk.ui import help_window

    action = next(a for a in window.findChildren(type(window.menuBar().actions()[0])) if a.objectName() == "manualAction")
    assert action.shortcut().toString() == "F1"
    action.trigger()
    manual = help_window._window
    qtbot.waitExposed(manual)
    text = manual.findChild(QTextBrowser, "manual").toPlainText()
    for part in ("填写表单", "Excel 模板导入导出", "报送包", "财政部门的工作", "备份与恢复"):
        assert part in text
    manual.resize(900, 620)
    manual.show_page("start")  # at the top of 开始使用 again after the new width's layout
    shot(manual, "help_window.png")
    manual.close()


def test_a_dialogs_help_button_opens_its_page(window, demo_store, tmp_path, monkeypatch):
    from perfdesk.ui import help_window
    from perfdesk.ui.xlsx_import_dialog import XlsxImportDialog
    from perfdesk.app.xlsx_import import read_file, read_template

    record = by_title(demo_store, "2027年校舍维修改造项目")
    path = export_template(demo_store, record.id, tmp_path / "t.xlsx")
    dialog = XlsxImportDialog(demo_store, read_template(demo_store, read_file(path)), str(path), window)
    pages = []
    monkeypatch.setattr(help_window.HelpWindow, "show_page", lambda self, page="start": pages.append(page))
    dialog.findChild(QPushButton, "helpButton").click()
    assert pages == ["excel"]


def test_empty_list_offers_the_sample_data(qtbot, store):
    win = create_main_window(store)
    qtbot.addWidget(win)
    win.show()
    settle(win)
    button = win.findChild(QPushButton, "loadDemoButton")
    assert button.isVisible() and "导入示例数据" in win.status_text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(win)
    assert len(win.listed_records()) > 0 and not button.isVisible()
    assert len(Store(store.url).list_forms()) == 27


# --- paste and copy ----------------------------------------------------------------------------

def test_paste_a_5x4_block_from_excel_grows_rows_checks_values_and_undoes_in_one_step(qtbot, demo_store):
    from perfdesk.ui.editor import DeclarationEditor
    from perfdesk.ui.editor.row_tables import RowTableEditor

    record = by_title(demo_store, "2027年校舍维修改造项目")
    editor = DeclarationEditor(demo_store, record.id, autosave_ms=60_000)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    part = next(p for p in editor.findChildren(RowTableEditor) if p.table.key == "expense_details")
    view = part.view
    before = [dict(r) for r in part.doc.rows("expense_details")]
    assert len(before) == 3
    tsv = ("屋面防水\t10\t62.5\t按 2500 平方米计\r\n"
           "外墙粉刷\t\t48.8\t按 4000 平方米计\r\n"
           "门窗更换\t5\t36.235\t塑钢窗 410 樘\r\n"
           "\"消防设施\n更换\"\t0\t１２\t灭火器 200 具\r\n"  # a cell with a line break, full-width digits
           "围墙修缮\t\t12,50\t长 300 米\r\n")  # 12,50 is no amount: kept as typed, shown as an error
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    QApplication.clipboard().setText(tsv)
    view.findChild(type(view.actions()[0]), "pasteCells").trigger()
    rows = part.doc.rows("expense_details")
    assert len(rows) == 5  # two rows grown for the block
    assert [r["name"] for r in rows] == ["屋面防水", "外墙粉刷", "门窗更换", "消防设施\n更换", "围墙修缮"]
    assert [r["this_year"] for r in rows[:4]] == ["62.5", "48.8", "36.235", "12"]
    assert rows[1]["last_year"] is None and rows[3]["last_year"] == "0"
    assert rows[4]["this_year"] == "12,50"
    assert "第5行本年度申请资金" in part.errors.text()
    assert part.doc.undo_stack.undoText().startswith("粘贴到支出明细预算")
    part.doc.undo_stack.undo()  # one step takes the whole block back
    assert part.doc.rows("expense_details") == before

    part.doc.undo_stack.redo()
    selection = view.selectionModel()
    selection.clearSelection()
    model = view.model()
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    selection.select(QItemSelection(model.index(0, 0), model.index(1, 2)), QItemSelectionModel.SelectionFlag.Select)
    view.findChild(type(view.actions()[0]), "copyCells").trigger()
    assert QApplication.clipboard().text() == "屋面防水\t10.00\t62.50\r\n外墙粉刷\t\t48.80\r\n"
    editor.close()


def test_column_mapping_import_is_remembered_per_form(window, demo_store, tmp_path, monkeypatch):
    from openpyxl import Workbook

    from perfdesk.ui.column_mapping_dialog import ColumnMappingDialog

    sheet = tmp_path / "明细.xlsx"
    wb = Workbook()
    wb.active.append(["项目", "说明", "金额"])
    wb.active.append(["课桌椅", "500 套", 30.5])
    wb.active.append(["投影仪", "25 台", 12])
    wb.save(sheet)
    record = by_title(demo_store, "2027年校舍维修改造项目")
    window.select_form(record.id)
    seen = []

    def run_dialog(dialog):
        seen.append(dialog)
        if len(seen) == 1:
            dialog.column_boxes["name"].setCurrentIndex(dialog.column_boxes["name"].findData(1))
            dialog.column_boxes["this_year"].setCurrentIndex(dialog.column_boxes["this_year"].findData(3))
            dialog.column_boxes["basis_note"].setCurrentIndex(dialog.column_boxes["basis_note"].findData(2))
            assert dialog.column_boxes["name"].currentText() == "A 列：项目"
            dialog.findChild(QPushButton, "importRows").click()
        return dialog.result()

    monkeypatch.setattr(ColumnMappingDialog, "exec", run_dialog)
    clerk_menus.import_rows(window, sheet)
    rows = demo_store.get_form(record.id).data["expense_details"]
    assert [(r["name"], r["this_year"], r["basis_note"]) for r in rows[-2:]] == [("课桌椅", "30.5", "500 套"), ("投影仪", "12", "25 台")]
    clerk_menus.import_rows(window, sheet)  # the second time the columns are already chosen
    again = seen[1]
    assert again.column_boxes["this_year"].currentData() == 3 and again.column_boxes["name"].currentData() == 1


# --- the editor's own actions ------------------------------------------------------------------

@pytest.fixture
def editor(demo_store, open_editor):
    """The conftest's editor on the demo's 60-indicator declaration."""
    return open_editor("2027年教师能力提升培训专项", autosave_ms=60_000, focus=False)


def test_editor_exports_what_is_typed(editor, demo_store, tmp_path, monkeypatch):
    from pypdf import PdfReader

    from perfdesk.ui.editor import editor_actions

    edit = editor.field_binding("necessity").focus_widget
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    type_chinese(edit, "尤为迫切")
    target = tmp_path / "申报表.pdf"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: target)
    names = [a.objectName() for a in editor.menuBar().actions()[0].menu().actions()]
    assert {"editorExportPdf", "editorExportXlsx", "editorExportTemplate"} <= set(names)
    assert editor_actions.export_file(editor, "pdf") == target
    text = "".join(p.extract_text() for p in PdfReader(target).pages).replace("\n", "")
    assert "尤为迫切" in text  # the pending edit was saved first
    assert not editor.has_unsaved_changes()


def test_ctrl_p_prints_the_saved_form_through_the_print_dialog(editor, demo_store, tmp_path, monkeypatch, qtbot):
    from pypdf import PdfReader
    from PySide6.QtGui import QAction
    from PySide6.QtPrintSupport import QPrinter

    from perfdesk.ui import preview
    from table_text import pdf_text

    asked = []

    def print_into_file(printer, parent, pages, title):  # the clerk picks 打印到文件 (PDF) and 页码 2-3
        asked.append((parent, pages, title, printer.docName()))
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / ("part.pdf" if len(asked) > 1 else "printed.pdf")))
        if len(asked) > 1:
            printer.setFromTo(2, 3)
        return True

    monkeypatch.setattr(preview, "exec_print_dialog", print_into_file)
    editor.set_value("other_notes", "打印前的修改")
    action = editor.findChild(QAction, "printAction")
    assert action.shortcut().toString() == "Ctrl+P" and action.text() == "打印(&P)…"
    assert action in editor.menuBar().actions()[0].menu().actions()  # in 文件
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    qtbot.keyClick(editor, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1, "Ctrl+P opens the print dialog straight away"
    parent, pages, title, name = asked[0]
    assert parent is editor and title == "打印 – 2027年教师能力提升培训专项" and name == "2027年教师能力提升培训专项"
    assert demo_store.get_form(editor.record.id).data["other_notes"] == "打印前的修改"  # saved first
    printed = (tmp_path / "printed.pdf").read_bytes()
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages > 3
    text = pdf_text(printed)
    assert "预算支出绩效目标申报表" in text and "2027年教师能力提升培训专项" in text and "打印前的修改" in text
    assert editor.statusBar().currentMessage() == f"已打印 {pages} 页"
    action.trigger()  # again, pages 2 to 3 only
    assert len(PdfReader(tmp_path / "part.pdf").pages) == 2
    assert pdf_text((tmp_path / "part.pdf").read_bytes()) in text


def test_ctrl_f_finds_labels_and_values(editor, qtbot):
    action = next(a for a in editor.findChildren(type(editor.menuBar().actions()[0])) if a.objectName() == "findAction")
    assert action.shortcut().toString() == "Ctrl+F"
    action.trigger()
    bar = editor.find_bar
    assert bar.isVisible()
    bar.edit.setText("满意度")  # indicators' values and the 满意度指标 labels
    first = bar.next()
    from perfdesk.ui.editor.editor_actions import searchable

    found = dict(searchable(editor))
    assert first is not None and "满意度" in found[first]
    assert bar.result.text().startswith(f"第 1 处，共 {len(bar.matches())} 处：")
    second = bar.next()
    assert second != first
    bar.edit.setText("联系电话")  # a label
    assert bar.next() == "applicant_phone"
    bar.edit.setText("不存在的词语")
    assert bar.next() is None and bar.result.text() == "没有找到"


def test_monitoring_titles_are_readable_at_the_default_size(qtbot, full_demo_store):
    from perfdesk.ui.form_list_model import COL_TITLE
    from perfdesk.ui.list_columns import READABLE

    win = create_main_window(full_demo_store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    for row in range(win.nav.count()):
        win.nav.setCurrentRow(row)
        settle(win)
        QApplication.processEvents()
        shown = win.table.horizontalHeader().sectionSize(COL_TITLE)
        assert shown >= win.table.fontMetrics().horizontalAdvance(READABLE), win.nav.item(row).text()
