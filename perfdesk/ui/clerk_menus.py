"""The main window's 文件 and 帮助 entries for the clerk's day: the Excel template round trip, backup
and restore, another or a recent database, the manual (F1), and the empty list's 导入示例数据.

`install(window, file_menu, help_menu)` is the one call the main window makes. Nothing here imports the
store or the form files at start-up: the window paints before SQLAlchemy is loaded (see ui/app.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QMessageBox, QPushButton

from perfdesk.errors import UserError
from perfdesk.ui import dialogs
from perfdesk.ui.help_window import show_manual

RECENT_KEY = "databases/recent"
RECENT_MAX = 8
DB_FILTER = "PerfDesk 数据库 (*.db);;所有文件 (*)"


def install(window, file_menu: QMenu, help_menu: QMenu) -> None:
    def action(text: str, name: str, slot, shortcut=None) -> QAction:
        act = QAction(text, window)
        act.setObjectName(name)
        act.triggered.connect(slot)
        if shortcut is not None:
            act.setShortcut(shortcut)
        return act

    first = file_menu.actions()[-1]  # 退出 stays last
    excel = [action("导出 Excel 填报模板(&T)…", "exportTemplateAction", lambda: export_template(window)),
             action("从 Excel 导入(&I)…", "importXlsxAction", lambda: import_xlsx(window)),
             action("按列导入表格行(&L)…", "importRowsAction", lambda: import_rows(window))]
    data = [action("备份数据库(&B)…", "backupAction", lambda: backup(window)),
            action("恢复备份(&S)…", "restoreAction", lambda: restore(window)),
            action("打开其他数据库(&D)…", "openDatabaseAction", lambda: open_other(window))]
    file_menu.insertActions(first, excel)
    file_menu.insertSeparator(first)
    file_menu.insertActions(first, data)
    recent = QMenu("最近使用的数据库", window)
    recent.setObjectName("recentDatabasesMenu")
    recent.aboutToShow.connect(lambda: _fill_recent(window, recent))
    file_menu.insertMenu(first, recent)
    file_menu.insertSeparator(first)
    manual = action("使用手册(&M)", "manualAction", lambda: show_manual(window, "start"), QKeySequence.StandardKey.HelpContents)
    help_menu.insertAction(help_menu.actions()[0] if help_menu.actions() else None, manual)
    _demo_button(window)
    from perfdesk.ui.list_columns import keep_title_readable

    window.title_width = keep_title_readable(window)


# --- Excel -------------------------------------------------------------------------------------

def export_template(window) -> Path | None:
    from perfdesk.app.xlsx_import import export_template as write

    listed = window._selected_or_warn("导出模板")
    if listed is None:
        return None
    suggested = dialogs.last_export_dir() / f"{dialogs.safe_file_name(listed.title)}-填报模板.xlsx"
    path = dialogs.save_file_name(window, "导出 Excel 填报模板", suggested, "Excel 工作簿 (*.xlsx)")
    if path is None:
        return None
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(f"{path.name}.xlsx")
    try:
        write(window.store, listed.id, path)
    except UserError as exc:
        QMessageBox.warning(window, "无法导出模板", str(exc))
        return None
    dialogs.remember_export_dir(path.parent)
    window.statusBar().showMessage(f"已导出填报模板：{path}（黄色单元格可填写）", 10000)
    return path


def import_xlsx(window, path: Path | None = None):
    from perfdesk.app.xlsx_import import read_file, read_template
    from perfdesk.ui.xlsx_import_dialog import XlsxImportDialog

    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(window, "从 Excel 导入", str(dialogs.last_export_dir()),
                                                "Excel 工作簿 (*.xlsx)")
        if not chosen:
            return None
        path = Path(chosen)
    try:  # the template names the form it was exported from
        result = read_template(window.store, read_file(path))
    except UserError as exc:
        QMessageBox.warning(window, "无法导入", str(exc))
        return None
    dialog = XlsxImportDialog(window.store, result, str(path), window)
    window.xlsx_import_dialog = dialog  # tests and screenshots reach it while it runs
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
        dialogs.remember_export_dir(path.parent)
        window.refresh(select=dialog.saved.id)
        window.statusBar().showMessage(f"已从 Excel 导入到“{dialog.saved.title}”", 10000)
    return dialog


def import_rows(window, path: Path | None = None):
    from perfdesk.app.xlsx_columns import read_sheets
    from perfdesk.app.xlsx_import import XlsxImportError, read_file
    from perfdesk.ui.column_mapping_dialog import ColumnMappingDialog

    listed = window._selected_or_warn("导入表格行")
    if listed is None:
        return None
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(window, "按列导入表格行", str(dialogs.last_export_dir()),
                                                "Excel 工作簿 (*.xlsx)")
        if not chosen:
            return None
        path = Path(chosen)
    try:
        record = window.store.get_form(listed.id)
        sheets = read_sheets(read_file(path))
        if not sheets:
            raise XlsxImportError(f"{path} 中没有可见的工作表")
        dialog = ColumnMappingDialog(window.store, record, sheets, window)
    except UserError as exc:
        QMessageBox.warning(window, "无法导入", str(exc))
        return None
    window.column_mapping_dialog = dialog
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
        dialogs.remember_export_dir(path.parent)
        window.refresh(select=dialog.saved.id)
        window.statusBar().showMessage(f"已导入 {dialog.imported} 行到“{dialog.saved.title}”", 10000)
    return dialog


# --- the database file -------------------------------------------------------------------------

def backup(window) -> Path | None:
    from perfdesk.store.backup import backup as write
    import datetime as dt

    suggested = dialogs.last_export_dir() / f"perfdesk-备份-{dt.date.today():%Y%m%d}.db"
    path = dialogs.save_file_name(window, "备份数据库", suggested, DB_FILTER)
    if path is None:
        return None
    url = database_url(window)
    end = window.runner.run(window, "无法备份", "正在备份数据库…", lambda _: write(url, path), failure_title="无法备份")
    if end.error:
        return None
    written = end.value
    dialogs.remember_export_dir(written.parent)
    window.statusBar().showMessage(f"已备份到：{written}", 10000)
    return written


def restore(window, path: Path | None = None) -> Path | None:
    from perfdesk.store.backup import preview, restore as replace

    if window.open_editors():
        QMessageBox.information(window, "恢复备份", "请先关闭所有编辑窗口，再恢复备份。")
        return None
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(window, "恢复备份", str(dialogs.last_export_dir()), DB_FILTER)
        if not chosen:
            return None
        path = Path(chosen)
    try:
        held = preview(path)
    except UserError as exc:
        QMessageBox.warning(window, "无法恢复", str(exc))
        return None
    text = "\n".join(held.lines()) + "\n\n将用此备份替换当前数据库，当前数据库会先另存一份。确定恢复吗？"
    if not dialogs.confirm(window, "恢复备份", text):
        return None
    try:
        kept = replace(database_url(window), path)
    except UserError as exc:
        QMessageBox.warning(window, "无法恢复", str(exc))
        return None
    window.refresh()
    QMessageBox.information(window, "已恢复", f"已用备份恢复数据库。原数据库已另存为：\n{kept}")
    return kept


def open_other(window, path: Path | None = None) -> subprocess.Popen | None:
    """Another database opens in its own PerfDesk window (its own lock, its own store)."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(window, "打开其他数据库", str(dialogs.last_export_dir()), DB_FILTER)
        if not chosen:
            return None
        path = Path(chosen)
    from perfdesk.store.location import sqlite_url

    url = sqlite_url(path.resolve())
    remember_database(url)
    return subprocess.Popen([sys.executable, "-m", "perfdesk", "--db", url])


def database_url(window) -> str:
    """The window's database, without opening the store of a window still showing its first look."""
    look = getattr(window, "_first_look", None)
    return look.url if look is not None else window.store.url


def recent_databases() -> list[str]:
    saved = dialogs.settings().value(RECENT_KEY, [], list) or []
    return [str(u) for u in saved if u]


def remember_database(url: str | None) -> None:
    if not url:
        return
    listed = [url] + [u for u in recent_databases() if u != url]
    store = dialogs.settings()
    store.setValue(RECENT_KEY, listed[:RECENT_MAX])
    store.sync()


def _fill_recent(window, menu: QMenu) -> None:
    from perfdesk.store.location import sqlite_file

    menu.clear()
    own = database_url(window)
    for url in recent_databases():
        if url == own:
            continue
        path = sqlite_file(url)
        act = menu.addAction(str(path) if path else url)
        act.triggered.connect(lambda _=False, p=path: open_other(window, p) if p else None)
    if menu.isEmpty():
        menu.addAction("（无）").setEnabled(False)


# --- the empty list ----------------------------------------------------------------------------

def _demo_button(window) -> None:
    button = QPushButton("导入示例数据", window)
    button.setObjectName("loadDemoButton")
    button.setToolTip("写入一套示例单位和表单，熟悉填写、校验和打印")
    button.clicked.connect(lambda: load_demo(window))
    window.statusBar().addPermanentWidget(button)
    button.hide()

    def update() -> None:
        button.setVisible(window.model.rowCount() == 0 and window.selected_year() is None)

    window.list_loaded.connect(update)


def load_demo(window) -> list[int]:
    import datetime as dt

    from perfdesk.demo.demo_forms import load_demo as write
    store, year = window.store, dt.date.today().year + 1
    end = window.runner.run(window, "无法写入示例数据", "正在写入示例数据…", lambda _: write(store, year),
                            failure_title="无法写入示例数据")
    if end.error:
        return []
    ids = end.value
    window.refresh(select=ids[0] if ids else None)
    window.statusBar().showMessage(f"已写入示例数据：{len(ids)} 份表单", 10000)
    return ids
