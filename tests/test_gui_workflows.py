"""The main window's workflows, driven as a clerk would on a temporary database: first-run unit
setup, new, duplicate into a new year, delete and the recycle bin, export, print preview, batch
export in a worker thread, and the one-instance-per-database lock.

Modal questions are answered by replacing the functions in perfdesk.ui.dialogs; message boxes by
replacing QMessageBox's static functions."""

from __future__ import annotations

import io
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
)

from perfdesk.app import operations  # noqa: E402
from perfdesk.store import Store, StoreError  # noqa: E402
from perfdesk.ui import dialogs, runner as jobs, workers  # noqa: E402
from perfdesk.ui.app import acquire_db_lock, lock_path, run_gui  # noqa: E402
from perfdesk.ui.form_list_model import COL_STATUS, COL_TITLE  # noqa: E402
from perfdesk.ui.setup_dialog import UnitSetupDialog  # noqa: E402
from gui_support import select, settle, trigger  # noqa: E402

YEAR = 2027
REPAIR, TRAINING, CAMERAS, LAST_REPAIR, FARMLAND = (
    f"{YEAR}年校舍维修改造项目", f"{YEAR}年教师能力提升培训专项", f"{YEAR}年校园安全监控系统建设",
    f"{YEAR - 1}年校舍维修改造项目", f"{YEAR}年高标准农田建设项目")
WITH_ERRORS = {CAMERAS, FARMLAND}  # the demo's 2027 forms that fail their checks


class FakeEditor(QMainWindow):
    """Stands in for perfdesk.ui.editor.DeclarationEditor (same constructor, saved(int))."""

    saved = Signal(int)
    opened: list[int] = []

    def __init__(self, store, form_instance_id, *, role="unit", autosave_ms=1500, parent=None):
        super().__init__(parent)
        FakeEditor.opened.append(form_instance_id)


@pytest.fixture
def window(demo_store, window):
    """The conftest's main window on the demo, opening FakeEditors."""
    FakeEditor.opened = []
    window.editor_factory = FakeEditor
    return window


@pytest.fixture
def boxes(monkeypatch):
    """Every QMessageBox.warning/information/critical, as (kind, title, text), instead of a box."""
    shown: list[tuple[str, str, str]] = []
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda parent, title, text, *rest, kind=kind: shown.append((kind, title, text))
            or QMessageBox.StandardButton.Ok))
    return shown



def titles(win) -> list[str]:
    return [record.title for record in settle(win).listed_records()]


def statuses(win) -> dict[str, list[str]]:
    settle(win)
    out: dict[str, list[str]] = {}
    for row in range(win.proxy.rowCount()):
        out.setdefault(win.proxy.index(row, COL_TITLE).data(), []).append(win.proxy.index(row, COL_STATUS).data())
    return out




def form_id(store, title: str) -> int:
    return next(f.id for f in store.list_forms() if f.title == title)


# --- first run and 单位设置 ---------------------------------------------------------------------


def fill_unit(dialog, **values) -> None:
    defaults = dict(unitName="长治市实验小学", unitCode="201015", supervisorName="长治市教育局",
                    supervisorCode="201", region="长治市")
    for name, text in {**defaults, **values}.items():
        dialog.findChild(QLineEdit, name).setText(text)


def test_first_run_setup_stores_the_unit(qtbot, store):
    dialog = UnitSetupDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "单位设置"
    level = dialog.findChild(QComboBox, "level")
    profile = dialog.findChild(QComboBox, "profile")
    assert [level.itemText(i) for i in range(level.count())] == ["市级", "县级"]
    profiles = {profile.itemData(i): profile.itemText(i) for i in range(profile.count())}
    assert profiles["changzhi"] == "长治市（2014年办法）"
    fill_unit(dialog, region="长子县")
    level.setCurrentText("县级")
    profile.setCurrentIndex(profile.findData("changzhi"))
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    [unit] = store.units()
    assert (unit.name, unit.code, unit.supervisor_name, unit.supervisor_code, unit.region, unit.level, unit.profile) == (
        "长治市实验小学", "201015", "长治市教育局", "201", "长子县", "县级", "changzhi")


@pytest.mark.parametrize(("field", "text", "named"), [
    ("unitCode", "20A15", "单位编码"),
    ("unitCode", "２０１", "单位编码"),  # full-width digits are not a code
    ("supervisorCode", "201-1", "主管部门编码"),
    ("unitName", "  ", "单位名称"),
    ("region", "", "地区"),
])
def test_first_run_setup_refuses_bad_input_naming_the_field(qtbot, store, field, text, named):
    dialog = UnitSetupDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    fill_unit(dialog, **{field: text})
    dialog.ok_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    message = dialog.findChild(QLabel, "setupError").text()
    assert message.startswith(named) or message == f"请填写{named}。"
    assert store.units() == []
    fill_unit(dialog)  # corrected: accepted
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and len(store.units()) == 1


def test_setup_reports_a_code_already_used(qtbot, demo_store):
    dialog = UnitSetupDialog(demo_store)
    qtbot.addWidget(dialog)
    fill_unit(dialog, unitCode="201003")  # the demo school's code
    dialog.ok_button.click()
    assert "单位编码 201003 已被其他单位使用" in dialog.error_text()
    assert len(demo_store.units()) == 2


def test_run_gui_asks_for_the_unit_on_first_run(qtbot, monkeypatch, tmp_path):
    from perfdesk.ui.main_window import MainWindow

    def fill_and_accept(dialog):
        fill_unit(dialog)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(UnitSetupDialog, "exec", fill_and_accept)
    seen = []
    QTimer.singleShot(0, lambda: (seen.extend(w for w in QApplication.topLevelWidgets()
                                              if isinstance(w, MainWindow) and w.isVisible()),
                                  QApplication.instance().exit(5)))
    url = f"sqlite:///{tmp_path}/first.db"
    assert run_gui(url) == 5
    assert len(seen) == 1
    with Store(url) as store:
        assert [u.name for u in store.units()] == ["长治市实验小学"]


def test_cancelling_first_run_setup_quits(qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(UnitSetupDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    guard = QTimer()  # fires only if the main window's event loop wrongly started
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QApplication.instance().exit(9))
    guard.start(2000)
    url = f"sqlite:///{tmp_path}/first.db"
    try:
        assert run_gui(url) == 0
    finally:
        guard.stop()
    with Store(url) as store:
        assert store.units() == []
    assert acquire_db_lock(url) is not None  # released on the way out


def test_unit_settings_menu_changes_the_unit(qtbot, monkeypatch, window, demo_store):
    def change_region(dialog):
        assert dialog.findChild(QLineEdit, "unitName").text() == "长治市第一中学"  # the current unit
        dialog.findChild(QLineEdit, "region").setText("长治市潞州区")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(UnitSetupDialog, "exec", change_region)
    trigger(window, "unitSetupAction")
    assert demo_store.units()[0].region == "长治市潞州区"


# --- navigation, new, duplicate ---------------------------------------------------------------


def test_navigation_pane_lists_the_kinds_of_the_year(window):
    nav = window.findChild(QListWidget, "navPane")
    items = [nav.item(i) for i in range(nav.count())]
    assert [item.text() for item in items] == ["绩效目标申报", "运行监控", "绩效评价", "提交包"]
    assert nav.currentItem() is items[0]
    for item in items:
        assert item.flags() & Qt.ItemFlag.ItemIsEnabled


def test_new_declaration_is_listed_as_a_draft_and_opened(qtbot, monkeypatch, window, demo_store):
    asked = []
    monkeypatch.setattr(dialogs, "ask_text", lambda parent, title, label, default="": asked.append(label)
                        or "2027年图书馆数字化建设")
    assert window.findChild(QAction, "newAction").shortcut().toString() == "Ctrl+N"
    settle(window).set_year(YEAR)
    trigger(window, "newAction")
    # the prompt says which form file the new declaration follows
    assert asked == ["表单定义：预算支出绩效目标申报表 第1版 · 随程序安装\n\n2027年度的项目名称："]
    assert statuses(window)["2027年图书馆数字化建设"] == ["草稿"]
    record = window.current_record()
    assert (record.title, record.year, record.status.label) == ("2027年图书馆数字化建设", YEAR, "草稿")
    assert demo_store.get_unit(record.unit_id).name == "长治市第一中学"
    assert demo_store.get_form(record.id).data["project_name"] == "2027年图书馆数字化建设"
    assert FakeEditor.opened == [record.id]


def test_new_declaration_under_all_years_goes_into_next_year(monkeypatch, window):
    import datetime as dt

    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "")
    window.set_year(None)
    record = window.new_form()
    settle(window)
    next_year = dt.date.today().year + 1
    assert (record.year, record.title) == (next_year, f"{next_year}年度新建申报表")
    assert window.current_record().id == record.id


def test_cancelled_new_creates_nothing(monkeypatch, window, demo_store):
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: None)
    trigger(window, "newAction")
    assert len(demo_store.list_forms()) == 5 and FakeEditor.opened == []


def test_duplicate_last_years_form_into_the_next_year(monkeypatch, window, demo_store):
    asked = []
    monkeypatch.setattr(dialogs, "ask_year", lambda parent, title, label, default: asked.append(default) or default)
    demo_repair = form_id(demo_store, REPAIR)
    window.set_year(YEAR - 1)
    source = select(window, LAST_REPAIR)
    trigger(window, "duplicateAction")
    assert asked == [YEAR]  # default: the source year + 1
    assert window.selected_year() == YEAR  # the list moved to the target year
    record = settle(window).current_record()
    assert record.id not in (source, demo_repair)
    assert (record.title, record.year, record.status.label) == (REPAIR, YEAR, "草稿")
    assert sorted(statuses(window)[REPAIR]) == ["已校验", "草稿"]  # next to the demo's own 2027 one


def test_open_uses_the_declaration_editor_and_saving_refreshes_the_list(qtbot, window, demo_store):
    from perfdesk.ui.editor import DeclarationEditor

    window.editor_factory = None  # the real editor
    form = select(window, REPAIR)
    trigger(window, "openAction")
    editor = window.editors[form]
    assert isinstance(editor, DeclarationEditor) and editor.isVisible()
    editor.set_value("project_name", "2027年校舍维修改造项目（二期）")
    editor.set_value("necessity", "")  # a required field left blank: the form is a draft again
    assert editor.save()  # its own row shows the saved form at once, without reading the whole list again
    assert statuses(window).get("2027年校舍维修改造项目（二期）") == ["草稿"]
    assert window.current_record().id == form
    window.close()  # closing the main window closes (and so saves) its editors
    qtbot.waitUntil(lambda: form not in window.editors)


# --- delete and the recycle bin -------------------------------------------------------------


def test_delete_key_moves_to_the_recycle_bin_and_restore_brings_it_back(qtbot, monkeypatch, window, demo_store):
    confirmations = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: confirmations.append(text) or True)
    deleted = select(window, CAMERAS)
    window.activateWindow()
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    settle(window)
    assert confirmations and CAMERAS in confirmations[0] and "回收站" in confirmations[0]
    assert CAMERAS not in titles(window) and window.status_text() == "共 4 份表单"
    assert [f.id for f in demo_store.list_forms(deleted=True)] == [deleted]

    bin_dialog = window.show_recycle_bin()
    assert bin_dialog.objectName() == "recycleBin" and bin_dialog.titles() == [CAMERAS]
    bin_dialog.select_form(deleted)
    bin_dialog.findChild(QPushButton, "restoreButton").click()
    assert bin_dialog.titles() == []
    assert CAMERAS in titles(window) and window.status_text() == "共 5 份表单"
    bin_dialog.close()


def test_delete_key_in_the_search_box_edits_the_text(qtbot, monkeypatch, window):
    monkeypatch.setattr(dialogs, "confirm", lambda *a: pytest.fail("asked to delete a form"))
    select(window, CAMERAS)
    window.activateWindow()
    window.search_box.setFocus()
    qtbot.waitUntil(window.search_box.hasFocus)
    qtbot.keyClicks(window.search_box, "ab")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Home)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Delete)
    assert window.search_box.text() == "b"


def test_declined_delete_keeps_the_form(monkeypatch, window, demo_store):
    monkeypatch.setattr(dialogs, "confirm", lambda *a: False)
    select(window, CAMERAS)
    assert not window.delete_form()
    assert CAMERAS in titles(window) and demo_store.list_forms(deleted=True) == []


def test_purge_from_the_recycle_bin_asks_and_deletes_for_good(monkeypatch, window, demo_store):
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    purged = select(window, CAMERAS)
    window.delete_form()
    settle(window)
    bin_dialog = window.show_recycle_bin()
    bin_dialog.select_form(purged)
    bin_dialog.findChild(QPushButton, "purgeButton").click()
    assert bin_dialog.titles() == []
    with pytest.raises(StoreError):
        demo_store.get_form(purged)
    assert CAMERAS not in titles(window)
    bin_dialog.close()


# --- export ---------------------------------------------------------------------------------


def test_export_pdf_writes_the_file_and_remembers_the_folder(monkeypatch, tmp_path, settings_dir, window,
                                                             demo_store):
    out = tmp_path / "导出"
    out.mkdir()
    suggested = []

    def save_as(parent, caption, default, name_filter):
        suggested.append(default)
        return out / default.name

    monkeypatch.setattr(dialogs, "save_file_name", save_as)
    select(window, TRAINING)
    trigger(window, "exportPdfAction")
    pdf = out / f"{TRAINING}.pdf"
    assert suggested[0].name == f"{TRAINING}.pdf"
    assert pdf.is_file()
    assert TRAINING in PdfReader(pdf).pages[0].extract_text()
    assert demo_store.get_form(form_id(demo_store, TRAINING)).status.label == "已校验"  # printing moves nothing
    assert statuses(window)[TRAINING] == ["已校验"]
    assert [e.action.label for e in demo_store.events(form_id(demo_store, TRAINING))] == ["导出打印"]

    select(window, REPAIR)  # the next export starts in the folder used last, even after a restart
    trigger(window, "exportXlsxAction")
    assert suggested[1] == out / f"{REPAIR}.xlsx"
    assert dialogs.settings().value("export/lastDir") == str(out)
    assert (settings_dir / "PerfDesk" / "PerfDesk.ini").is_file()  # the temporary settings, not the clerk's
    sheet = load_workbook(out / f"{REPAIR}.xlsx").active
    assert any(REPAIR in str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)


def test_export_of_a_form_with_errors_is_refused_and_writes_nothing(monkeypatch, tmp_path, window, boxes):
    target = tmp_path / "camera.pdf"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: target)
    select(window, CAMERAS)
    trigger(window, "exportPdfAction")
    assert not target.exists() and list(tmp_path.glob("*.pdf")) == []
    [(kind, title, text)] = boxes
    assert kind == "warning" and "不能导出" in text and CAMERAS in text and "不相等" in text


def test_cancelled_save_dialog_exports_nothing(monkeypatch, window, boxes):
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: None)
    select(window, TRAINING)
    assert window.export_file("pdf") is None and boxes == []


# --- print preview --------------------------------------------------------------------------


def test_print_preview_shows_every_page_of_the_exported_pdf(qtbot, monkeypatch, tmp_path, window, demo_store):
    select(window, TRAINING)
    trigger(window, "previewAction")
    dialog = window.findChild(QDialog, "printPreview")
    assert dialog is not None and dialog.isVisible()
    pdf = operations.render(demo_store, demo_store.get_form(form_id(demo_store, TRAINING))).pdf
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages > 1  # the 60-indicator form runs over several pages
    images = dialog.findChildren(QLabel, "pageImage")
    assert len(images) == pages
    assert all(not label.pixmap().isNull() for label in images)
    assert dialog.findChild(QLabel, "pageCount").text() == f"共 {pages} 页"
    assert dialog.windowTitle() == f"打印预览 – {TRAINING}"
    first = images[0].pixmap()
    assert first.height() / first.width() == pytest.approx(297 / 210, rel=0.01)  # A4 upright

    zoom = dialog.findChild(QComboBox, "zoomBox")
    zoom.setCurrentIndex(zoom.findData(200))
    assert images[0].pixmap().width() == pytest.approx(2 * first.width(), abs=2)

    printed = tmp_path / "printed.pdf"

    def print_into_file(printer):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setResolution(150)
        return True

    monkeypatch.setattr(dialog, "exec_print_dialog", print_into_file)
    dialog.findChild(QPushButton, "printButton").click()
    sheets = PdfReader(printed).pages
    assert len(sheets) == pages
    assert float(sheets[0].mediabox.width) == pytest.approx(595.3, abs=1)  # A4, full page
    assert float(sheets[0].mediabox.height) == pytest.approx(841.9, abs=1)
    assert "".join(sheet.extract_text() for sheet in sheets)  # into a file: the PDF itself, text and all

    from perfdesk.ui.preview import new_printer, print_pages

    raster = tmp_path / "raster.pdf"  # a printer gets each page as a picture filling the sheet
    printer = new_printer(TRAINING)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(raster))
    printer.setResolution(150)
    assert print_pages(dialog.pages, printer, range(1, 3)) == 2
    assert len(PdfReader(raster).pages) == 2
    assert float(PdfReader(raster).pages[0].mediabox.width) == pytest.approx(595.3, abs=1)
    dialog.close()


def test_print_preview_of_a_form_with_errors_is_marked_as_a_draft(window):
    select(window, CAMERAS)
    dialog = window.print_preview()
    assert dialog.windowTitle() == f"打印预览 – {CAMERAS}（草稿，含错误）"
    assert dialog.findChild(QLabel, "draftMark") is not None
    dialog.close()


# --- batch export ---------------------------------------------------------------------------


class LabelWatcher(QObject):
    """Reads the progress dialog's text on the GUI thread, right after each progress signal."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []
        self.dialog = None

    def watch(self, batch) -> None:
        self.dialog = batch.dialog
        batch.worker.progress.connect(self.record)  # queued after the dialog's own update

    @Slot(int, int, str)
    def record(self, *_args) -> None:
        self.seen.append(self.dialog.labelText())


def test_batch_export_writes_the_forms_without_errors(qtbot, monkeypatch, tmp_path, window, demo_store):
    monkeypatch.setattr(dialogs, "existing_directory", lambda *a: tmp_path)
    window.set_year(YEAR)
    listed = settle(window).listed_records()
    assert len(listed) == 4
    labels = LabelWatcher()
    start = jobs.Job.start

    def start_watched(batch):
        labels.watch(batch)
        return start(batch)

    monkeypatch.setattr(jobs.Job, "start", start_watched)
    batch = window.batch_export()
    dialog = window.findChild(QProgressDialog, "progressDialog")
    assert dialog is batch.dialog and dialog.isVisible()
    qtbot.waitUntil(lambda: batch.end is not None, timeout=30_000)
    result = window.last_batch_result
    assert result is batch.end.value
    assert (len(result.exported), len(result.skipped), result.cancelled, result.failed) == (2, 2, 0, [])
    assert set(result.skipped) == WITH_ERRORS
    for record in listed:
        stem = f"{record.id}-{record.title}"
        written = (tmp_path / f"{stem}.pdf").is_file(), (tmp_path / f"{stem}.xlsx").is_file()
        assert written == ((False, False) if record.title in WITH_ERRORS else (True, True))
    assert len(list(tmp_path.glob("*.pdf"))) == 2
    assert [label.split("\n")[0] for label in labels.seen] == [f"正在导出 {n}/4…" for n in range(1, 5)]
    summary = window.findChild(QMessageBox, "batchSummary")
    assert "已导出 2 份，因有错误跳过 2 份，因取消未导出 0 份" in summary.text()
    summary.close()
    assert not dialog.isVisible()
    assert statuses(window)[TRAINING] == ["已校验"]


def test_batch_worker_stops_after_the_current_form_when_cancelled(tmp_path, demo_store):
    """Cancel right after the first form actually exported; the ones before it had errors."""
    ids = [f.id for f in demo_store.list_forms(year=YEAR)]  # the list order: newest first

    class CancelAfterOneFile:  # 取消 pressed as soon as the first file pair is written
        def progress(self, *_args) -> None:
            pass

        @property
        def cancelled(self) -> bool:
            return any(tmp_path.glob("*.pdf"))

    result = workers.export_forms(demo_store, ids, tmp_path, CancelAfterOneFile())  # the work a Job runs
    first_ok = next(i for i, fid in enumerate(ids) if demo_store.get_form(fid).title not in WITH_ERRORS)
    assert len(result.exported) == 1
    assert len(result.skipped) == first_ok
    assert result.cancelled == len(ids) - first_ok - 1
    assert len(list(tmp_path.glob("*.pdf"))) == len(list(tmp_path.glob("*.xlsx"))) == 1
    assert "因取消未导出 1 份" in result.summary()


def test_cancel_in_the_progress_dialog_stops_the_batch(qtbot, monkeypatch, tmp_path, window):
    monkeypatch.setattr(dialogs, "existing_directory", lambda *a: tmp_path)
    reached, gate = threading.Event(), threading.Event()
    start = jobs.Job.start

    def hold(*_args):  # in the worker thread, as it starts on its first form
        reached.set()
        gate.wait(10)

    def start_held(batch):  # the worker waits at its first form until the clerk has pressed 取消
        batch.worker.progress.connect(hold, Qt.ConnectionType.DirectConnection)
        return start(batch)

    monkeypatch.setattr(jobs.Job, "start", start_held)
    settle(window).set_year(YEAR)
    settle(window)
    batch = window.batch_export()
    dialog = window.findChild(QProgressDialog, "progressDialog")
    assert reached.wait(10)
    dialog.findChild(QPushButton).click()  # 取消
    assert "正在取消" in dialog.labelText()
    gate.set()
    qtbot.waitUntil(lambda: batch.end is not None, timeout=30_000)
    result = batch.end.value
    assert len(result.exported) + len(result.skipped) == 1 and result.cancelled == 3
    summary = window.findChild(QMessageBox, "batchSummary")
    assert "因取消未导出 3 份" in summary.text()
    summary.close()


# --- one instance per database --------------------------------------------------------------


def test_lost_references_to_none_and_true_cannot_crash_python():
    """PySide6 6.12.0 on Python < 3.12 drops a reference to None on every void call and to True on
    every emit; perfdesk.ui makes them immortal when it sees that (qt_fixes)."""
    import sys

    from perfdesk.ui import qt_fixes

    class Emitter(QObject):
        ping = Signal()

    emitter = Emitter()
    for _ in range(100_000):  # more than None's and True's own counts in a fresh interpreter
        emitter.setObjectName("x")
        emitter.ping.emit()
    if max(qt_fixes.references_lost().values()) and sys.version_info < (3, 12):
        assert min(sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)) > 1 << 39


@pytest.mark.sqlite_only  # the lock file sits beside the SQLite file
def test_second_lock_on_the_same_database_is_refused_until_released(db_url, tmp_path):
    first = acquire_db_lock(db_url)
    assert first is not None and first.isLocked()
    assert lock_path(db_url) == tmp_path / "perfdesk.db.lock"
    assert acquire_db_lock(db_url) is None
    other = acquire_db_lock(f"sqlite:///{tmp_path / 'other.db'}")  # another database: its own lock
    assert other is not None
    first.unlock()
    again = acquire_db_lock(db_url)
    assert again is not None
    again.unlock()
    other.unlock()


def test_second_instance_says_so_and_leaves_the_database_alone(qapp, tmp_path, boxes):
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    held = acquire_db_lock(url)
    try:
        assert run_gui(url) == 1
    finally:
        held.unlock()
    [(kind, title, text)] = boxes
    assert text == (f"另一个 PerfDesk 窗口正在使用这个数据库（{tmp_path / 'busy.db'}）。"
                    "请切换到该窗口，或关闭它后再打开。")
    assert not (tmp_path / "busy.db").exists()  # never opened, so not even created
