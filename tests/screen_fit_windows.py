"""Every window and dialog of the app on a 1366×768 screen (a common office laptop): it opens inside
the screen's available area with room for its title bar, and it can be resized.

Run by test_gui_screen_fit.py in a process of its own whose offscreen screen is 1366×768 (the
screen is fixed when the QApplication starts; the other tests run on Qt's default 800×600)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDockWidget

from conftest import put_status
from gui_support import settle

SCREEN = QSize(1366, 768)
FRAME = QSize(16, 40)  # a Windows 10 title bar and borders, drawn around the window by the system
UI = Path(__file__).resolve().parents[1] / "perfdesk" / "ui"


@pytest.fixture(autouse=True)
def on_the_laptop_screen(qapp):
    size = QGuiApplication.primaryScreen().availableGeometry().size()
    assert size == SCREEN, f"run through test_gui_screen_fit.py (on a 1366×768 screen), not on {size}"


@pytest.fixture
def win(qtbot, full_demo_store):
    from perfdesk.ui.main_window import MainWindow

    full_demo_store.set_setting("role", "finance")  # so the review dialog opens for a waiting form
    window = MainWindow(full_demo_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return settle(window)


def editors(win, store):
    """One editor for each kind of form the demo holds, opened from the list as a clerk opens it."""
    seen = set()
    for record in store.list_forms():
        if record.form_id not in seen:
            seen.add(record.form_id)
            yield f"编辑器 {record.form_id}", win.open_form_id(record.id)


def dialogs(win, store, tmp_path):
    """(name, window) for every other window and dialog, built with the parent the app gives it."""
    from form_variants import declaration_v2, write
    from perfdesk.catalog import form_files
    from perfdesk.domain.lifecycle import Status
    from perfdesk.app.form_upgrade import plan_upgrade
    from perfdesk.app.operations import render
    from perfdesk.ui.batch_print_dialog import FormChooser
    from perfdesk.ui.column_mapping_dialog import ColumnMappingDialog
    from perfdesk.ui.editor.indicator_picker import IndicatorPicker
    from perfdesk.ui.editor.upgrade_banner import UpgradePreview
    from perfdesk.ui.help_window import show_manual
    from perfdesk.ui.library_browser import LibraryBrowser
    from perfdesk.ui.main_window import FindingsDialog
    from perfdesk.ui.new_form_dialogs import (
        DepartmentMonitoringDialog, EvaluationFormDialog, MonitoringSourceDialog, ProjectMonitoringDialog)
    from perfdesk.ui.office_desk import StatusBoardWindow, UnitTasksWindow
    from perfdesk.demo.demo_office import load_office_demo
    from perfdesk.store import Store
    from perfdesk.ui.office_rounds import OfficeRoundsWindow, RoundDialog
    from perfdesk.ui.packages.export_dialog import ExportDialog
    from perfdesk.ui.packages.identity_dialog import IdentityDialog
    from perfdesk.ui.packages.import_dialog import ImportDialog
    from perfdesk.ui.packages.inbox_dialog import InboxDialog
    from perfdesk.ui.packages.passphrase import NewPassphraseDialog
    from perfdesk.ui.packages.trust_dialog import TrustDialog
    from perfdesk.ui.preview import PrintPreviewDialog
    from perfdesk.ui.recycle_bin import RecycleBinDialog
    from perfdesk.ui.relay_dialog import RelayDialog
    from perfdesk.ui.review_dialog import ReviewDialog
    from perfdesk.ui.setup_dialog import UnitSetupDialog
    from perfdesk.ui.summary_view import SummaryWindow
    from perfdesk.ui.xlsx_import_dialog import XlsxImportDialog
    from perfdesk.app.xlsx_columns import read_sheets
    from perfdesk.app.xlsx_import import export_template, read_file, read_template

    forms = store.list_forms()
    unit = store.units()[0]
    declaration = next(f for f in forms if f.form_id == "declaration" and f.status is Status.CHECKED)
    monitoring = [f for f in forms if f.form_id == "project_monitoring"]
    declarations = lambda year: [f for f in forms if f.form_id == "declaration" and f.year == year]  # noqa: E731
    waiting = next(f for f in forms if f.title == "2027年校园网络升级项目")
    template = export_template(store, declaration.id, tmp_path / "模板.xlsx")

    yield "单位设置", UnitSetupDialog(store, unit, win)
    yield "新建项目监控表", ProjectMonitoringDialog(declarations, [2027], 2027, parent=win)
    yield "新建部门监控表", DepartmentMonitoringDialog(unit, 2027, win)
    yield "生成监控分析报告", MonitoringSourceDialog(monitoring, parent=win)
    yield "新建评价报告", EvaluationFormDialog("evaluation_report", unit, declarations, 2027, parent=win)
    yield "打印预览", PrintPreviewDialog(render(store, store.get_form(declaration.id)).pdf, declaration.title, parent=win)
    yield "审核", ReviewDialog(store, waiting.id, parent=win)
    yield "转发审核结果", RelayDialog(store, waiting.id, parent=win)
    yield "校验结果", FindingsDialog(declaration.title, ["错误 …"] * 40, win)
    yield "回收站", RecycleBinDialog(store, win)
    yield "批量打印", FormChooser(forms, win)
    yield "指标库", LibraryBrowser(win.open_editors, win)
    yield "选择指标", IndicatorPicker([("产出指标", "数量指标")], ("产出指标", "数量指标"), win)
    yield "生成报送数据包", ExportDialog(store, declaration.id, win)
    yield "设置签名密钥口令", NewPassphraseDialog(win)
    yield "签名身份", IdentityDialog(store, win)
    yield "导入数据包", ImportDialog(store, win)
    yield "收件记录", InboxDialog(store, win)
    yield "信任的单位", TrustDialog(store, win)
    yield "汇总", SummaryWindow(store, 2027, win)
    yield "报送情况", StatusBoardWindow(store, win)
    yield "下发任务", UnitTasksWindow(win, store)
    office = Store(f"sqlite:///{tmp_path}/office.db")  # the rounds are an office's: its own demo
    with office.atomic():
        load_office_demo(office, dt.date(2026, 12, 7))
    yield "任务轮次", OfficeRoundsWindow(win, office)
    yield "新建任务", RoundDialog(office, win)
    yield "从 Excel 导入", XlsxImportDialog(store, read_template(store, read_file(template)), str(template), win)
    yield "按列导入", ColumnMappingDialog(store, declaration, read_sheets(read_file(template)), win)
    yield "帮助", show_manual(win)
    folder = tmp_path / "forms-v2"
    write(folder, "declaration.yaml", declaration_v2())
    form_files.install(folder)
    try:
        yield "升级到第2版", UpgradePreview(plan_upgrade(store.get_form(declaration.id)), win)
    finally:
        form_files.install()


def fits(name: str, window, qtbot) -> list[str]:
    """What a clerk on the laptop would find wrong with `window` once shown: [] when nothing."""
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    area = window.screen().availableGeometry()
    frame, size = window.frameGeometry(), window.size()
    wrong = []
    if not area.contains(frame):
        wrong.append(f"{name}: frame {frame.getRect()} outside the screen's {area.getRect()}")
    if size.width() + FRAME.width() > area.width() or size.height() + FRAME.height() > area.height():
        wrong.append(f"{name}: {size.width()}×{size.height()} leaves no room for a title bar on {area.getRect()}")
    room = QSize(area.width() - FRAME.width(), area.height() - FRAME.height())
    other = (size + QSize(40, 40)).boundedTo(room)
    if other == size:  # as large as the screen lets it be: the clerk may still make it smaller
        other = size - QSize(40, 40)
    window.resize(other)
    if window.size() != other or window.windowFlags() & Qt.WindowType.MSWindowsFixedSizeDialogHint:
        wrong.append(f"{name}: cannot be resized from {size.width()}×{size.height()} "
                     f"to {other.width()}×{other.height()}")
    return wrong


def test_every_window_and_dialog_opens_inside_the_screen_and_resizes(qtbot, win, full_demo_store, tmp_path):
    wrong = fits("主窗口", win, qtbot)
    opened = {type(win).__name__}
    for name, window in [*editors(win, full_demo_store), *dialogs(win, full_demo_store, tmp_path)]:
        assert window is not None, name
        opened.add(type(window).__name__)
        wrong += fits(name, window, qtbot)
        window.close()
    assert not wrong, "\n".join(wrong)
    assert opened >= top_level_classes(), f"not opened here: {top_level_classes() - opened}"


def top_level_classes() -> set[str]:
    """The app's own QDialog and QMainWindow classes that are ever shown (bases only subclassed left out)."""
    bases: dict[str, str] = {}
    for source in UI.rglob("*.py"):
        for name, base in re.findall(r"^class (\w+)\((?:\w+\.)?(\w+)\)", source.read_text(encoding="utf-8"), re.M):
            bases[name] = base

    def shown(name: str) -> bool:
        while name in bases:
            name = bases[name]
        return name in ("QDialog", "QMainWindow")

    subclassed = set(bases.values())
    return {name for name in bases if shown(name) and name not in subclassed}


def test_the_editor_shows_its_right_pane_and_status_bar(qtbot, win, full_demo_store):
    record = next(f for f in full_demo_store.list_forms() if f.form_id == "declaration")
    editor = win.open_form_id(record.id)
    qtbot.waitExposed(editor)
    inside = editor.rect()
    docks = [d for d in editor.findChildren(QDockWidget) if d.isVisible()]
    assert docks, "the editor's right pane is not shown"
    for dock in docks:
        assert inside.contains(dock.geometry()), dock.objectName()
    assert editor.statusBar().isVisible() and inside.contains(editor.statusBar().geometry())
    assert editor.screen().availableGeometry().contains(editor.frameGeometry())


def test_the_list_shows_whole_statuses(qtbot, win, full_demo_store):
    from perfdesk.domain.lifecycle import Status
    from perfdesk.ui.form_list_model import COL_STATUS

    record = next(f for f in full_demo_store.list_forms() if f.form_id == "declaration")
    put_status(full_demo_store, record.id, Status.DEPT_REVIEW)
    win.refresh(select=record.id)
    settle(win)
    row = win.table.currentIndex().row()
    index = win.table.model().index(row, COL_STATUS)
    assert index.data() == "财政审核中（业务科室）"
    needed = win.table.sizeHintForColumn(COL_STATUS)  # the widest status text with the cell's margins
    assert win.table.columnWidth(COL_STATUS) >= needed, (win.table.columnWidth(COL_STATUS), needed)


def test_the_review_dialogs_rows_scroll_and_its_buttons_stay_in_view(qtbot, win, full_demo_store):
    from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QScrollArea

    from perfdesk.ui.review_dialog import ReviewDialog

    waiting = next(f for f in full_demo_store.list_forms() if f.title == "2027年校园网络升级项目")
    dialog = ReviewDialog(full_demo_store, waiting.id, parent=win)  # at the office: 6 rows of 实际安排资金 more
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.screen().availableGeometry().contains(dialog.frameGeometry())
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "确定" and ok.isVisible()
    assert dialog.rect().contains(QRect(ok.mapTo(dialog, QPoint(0, 0)), ok.size()))
    last = dialog.findChild(QLineEdit, "reviewPassphrase")  # the last row, below the screen's edge at first
    dialog.findChild(QScrollArea).ensureWidgetVisible(last)
    QApplication.processEvents()
    assert not last.visibleRegion().isEmpty()
