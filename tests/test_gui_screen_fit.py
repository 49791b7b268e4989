"""What a clerk sees of the app's frame: every window fits a 1366×768 laptop screen, Qt's own dialogs
speak Chinese (labels and dates), and no two entries of a menu share an access key."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu

from conftest import offscreen_screen
from gui_support import settle

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


# --- a 1366×768 screen ---------------------------------------------------------------------------

def test_every_window_fits_a_1366x768_screen():
    """The windows open in a process of their own: Qt's screen is fixed when the application starts."""
    env = dict(os.environ, QT_QPA_PLATFORM=offscreen_screen(1366, 768))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore",
                          str(TESTS / "screen_fit_windows.py")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    report = "\n".join(line for line in run.stdout.splitlines() if "QtWarningMsg" not in line)
    assert run.returncode == 0, report[-6000:]
    assert re.search(r"\b\d+ passed\b", report) and "skipped" not in report, report[-2000:]


# --- Qt's dialogs in Chinese ---------------------------------------------------------------------

def test_the_file_dialogs_labels_are_chinese(qapp, tmp_path):
    from perfdesk.ui.qt_setup import install_translations

    install_translations(qapp)
    (tmp_path / "子目录").mkdir()
    dialog = QFileDialog(None, "打开", str(tmp_path), "数据包 (*.pdpkg)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    assert labels == ["查找范围(&L)：", "文件名称(&N)：", "文件类型(&T)："]
    dialog.deleteLater()


# The app as it starts, in a shell whose locale is LANG=C.UTF-8 (as on a server or a fresh install):
# the file dialog's 名称, 类型 and 修改日期 columns for a folder and a file last changed on 2026-12-07 13:15.
FILE_DIALOG_DATES = textwrap.dedent("""
    import os, sys, time
    import perfdesk.ui.app  # what `perfdesk gui` imports before it makes the application
    from perfdesk.ui.qt_setup import install_translations
    from PySide6.QtWidgets import QApplication, QFileDialog, QTreeView

    app = QApplication(sys.argv[:1])
    install_translations(app)  # as run_gui does
    folder = sys.argv[1]
    dialog = QFileDialog(None, "打开", folder)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.show()
    view = dialog.findChild(QTreeView)
    model, root = view.model(), view.rootIndex()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (model.rowCount(root) == 2 and model.index(1, 3, root).data()):
        app.processEvents()
        time.sleep(0.01)
    for row in range(model.rowCount(root)):
        print(*(model.index(row, column, root).data() for column in (0, 2, 3)), sep="|")
""")


def test_the_file_dialog_writes_types_and_dates_in_chinese(tmp_path):
    import datetime as dt

    folder = tmp_path / "folder"
    (folder / "子目录").mkdir(parents=True)
    made = folder / "报送.pdpkg"
    made.write_bytes(b"x")
    when = dt.datetime(2026, 12, 7, 13, 15).timestamp()
    os.utime(made, (when, when))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANGUAGE"}
    env.update(LANG="C.UTF-8", PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", FILE_DIALOG_DATES, str(folder)], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    rows = {name: (kind, date) for name, kind, date in (line.split("|") for line in run.stdout.splitlines())}
    assert rows["子目录"][0] == "文件夹" and rows["报送.pdpkg"][1] == "2026/12/7 13:15", rows


@pytest.mark.parametrize("environ, lc_time", [
    ({"LANG": "C.UTF-8"}, "zh_CN.UTF-8"),
    ({}, "zh_CN.UTF-8"),
    ({"LANG": "en_US.UTF-8", "LC_TIME": "en_GB.UTF-8"}, "zh_CN.UTF-8"),
    ({"LANG": "zh_CN.UTF-8"}, None),  # a Chinese desktop: its own settings
    ({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, None),  # LC_ALL is the user's explicit choice
])
def test_dates_are_asked_in_chinese_only_where_the_environment_says_otherwise(environ, lc_time):
    from perfdesk.ui.qt_setup import use_chinese_dates

    before = dict(environ)
    use_chinese_dates(environ)
    assert environ.get("LC_TIME") == (lc_time or before.get("LC_TIME"))


# --- access keys ---------------------------------------------------------------------------------

def access_key(text: str) -> str | None:
    """The letter after a single & ("打开(&O)…" → "O"); None without one ("&&" is a literal &)."""
    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).upper() if found else None


def clashes(bar) -> list[str]:
    """Each menu (the menu bar too) in which two entries share an access key: "文件: O ×2 (…)"."""
    found = []

    def walk(title: str, actions) -> None:
        keys: dict[str, list[str]] = {}
        for action in actions:
            if action.isSeparator() or not action.isVisible():
                continue
            key = access_key(action.text())
            if key:
                keys.setdefault(key, []).append(action.text())
            if action.menu() is not None:
                action.menu().aboutToShow.emit()  # menus filled on opening (最近使用的数据库) fill now
                walk(action.text(), action.menu().actions())
        found.extend(f"{title}: {key} ×{len(texts)} ({'、'.join(texts)})" for key, texts in keys.items()
                     if len(texts) > 1)

    walk("菜单栏", bar.actions())
    return found


@pytest.mark.parametrize("role", ["unit", "supervisor", "finance"])
def test_no_two_entries_of_a_menu_share_an_access_key(qtbot, full_demo_store, role):
    from perfdesk.ui.main_window import MainWindow

    full_demo_store.set_setting("role", role)
    window = MainWindow(full_demo_store)
    qtbot.addWidget(window)
    settle(window)
    wrong = [f"主窗口 {c}" for c in clashes(window.menuBar())]
    for menu in window.findChildren(QMenu):  # context menus of the list and the tool bar's drop-downs
        if menu.parent() is window and menu.menuAction() not in window.menuBar().actions():
            wrong += [f"主窗口 {c}" for c in clashes(menu)]
    kinds = {}
    for record in full_demo_store.list_forms():
        kinds.setdefault(record.form_id, record.id)
    for form_id, form_instance_id in kinds.items():
        editor = window.open_form_id(form_instance_id)
        wrong += [f"编辑器 {form_id} {c}" for c in clashes(editor.menuBar())]
        editor.close()
    assert not wrong, "\n".join(wrong)
