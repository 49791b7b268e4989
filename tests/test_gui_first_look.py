"""The main window painted from a first look of the store (before SQLAlchemy is imported) shows what
the window over the open store shows, opens the store right after its first paint, and opens it at
once when the clerk acts before that."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from gui_support import select, settle, trigger  # noqa: E402
from perfdesk.store import Store, StoreError  # noqa: E402
from perfdesk.store.first_look import first_look  # noqa: E402
from perfdesk.ui import app as app_module  # noqa: E402
from perfdesk.ui.app import create_main_window, run_gui  # noqa: E402
from perfdesk.ui.list_loader import WITHOUT_DOCUMENT  # noqa: E402
from perfdesk.ui.main_window import FindingsDialog, MainWindow  # noqa: E402


def shown(win) -> dict:
    """Everything the clerk reads in the window: years, every cell of the list, status bar, buttons."""
    model = win.table.model()
    cells = [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]
    hidden = [c for c in range(model.columnCount()) if win.table.isColumnHidden(c)]
    years = [win.year_box.itemText(i) for i in range(win.year_box.count())]
    return {"years": years, "year": win.year_box.currentText(), "cells": cells, "hidden": hidden,
            "count": win.status_text(), "role": win.findChild(QLabel, "roleLabel").text(),
            "enabled": {a.objectName(): a.isEnabled() for a in win.findChildren(type(win.open_action))
                        if a.objectName()}}


def look_window(qtbot, url: str, opened: list | None = None, fail: bool = False) -> MainWindow:
    def open_store():
        if opened is not None:
            opened.append(1)
        if fail:
            raise StoreError("无法打开数据库 x：磁盘已拔出")
        return Store(url)

    win = MainWindow(first_look=first_look(url, MainWindow.FIRST_KINDS), open_store=open_store)
    qtbot.addWidget(win)
    win.show()
    return win


def close_store(win: MainWindow) -> None:
    if win.store_is_open():
        win.store.close()


def test_the_first_section_needs_no_document():
    assert set(MainWindow.FIRST_KINDS) <= WITHOUT_DOCUMENT


def test_painted_from_a_look_the_window_shows_what_it_shows_over_the_store(qtbot, full_demo_store, db_url):
    full_demo_store.set_setting("role", "finance")
    over_store = settle(create_main_window(full_demo_store))
    qtbot.addWidget(over_store)
    opened: list = []
    from_look = look_window(qtbot, db_url, opened)
    try:
        assert shown(from_look) == shown(over_store)
        assert shown(from_look)["role"] == "使用单位类型：财政部门"
        assert len(shown(from_look)["cells"]) == 15  # the demo's declarations of every year and its ex-ante assessment
        assert opened == [] and not from_look.store_is_open() and not from_look.is_loading()
        assert from_look.finish_opening()
        assert opened == [1] and from_look.store_is_open()
        assert from_look.finish_opening() and opened == [1]  # opened once
        assert shown(from_look) == shown(over_store)
    finally:
        close_store(from_look)


def test_acting_before_the_store_is_open_opens_it_first(qtbot, demo_store, db_url):
    opened: list = []
    win = look_window(qtbot, db_url, opened)
    try:
        select(win, "2027年校舍维修改造项目")
        assert opened == []
        trigger(win, "checkAction")  # 校验 reads the form from the store
        assert opened == [1]
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, FindingsDialog) and w.isVisible()]
        assert len(dialogs) == 1 and dialogs[0].lines()
        dialogs[0].close()
    finally:
        close_store(win)


def test_changing_year_before_the_store_is_open_reads_it_from_the_store(qtbot, demo_store, db_url):
    win = look_window(qtbot, db_url)
    try:
        win.set_year(2026)
        settle(win)
        assert win.store_is_open()
        assert [r.year for r in win.listed_records()] == [2026]
    finally:
        close_store(win)


def test_a_store_that_cannot_be_opened_after_the_paint_is_reported(qtbot, monkeypatch, demo_store, db_url):
    told = []
    monkeypatch.setattr(app_module.QMessageBox, "critical", lambda parent, title, text: told.append(text))
    exits = []
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    win = look_window(qtbot, db_url, fail=True)
    assert not win.finish_opening()
    assert len(told) == 1 and "磁盘已拔出" in told[0] and "PERFDESK_DB" in told[0]
    assert exits == [1]
    with pytest.raises(StoreError):
        win.store  # noqa: B018 - still closed: acting now says so again


def test_run_gui_paints_first_and_opens_the_store_after(qtbot, demo_store, db_url):
    seen = []

    def after_paint():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.append([(w.store_is_open(), len(w.listed_records())) for w in windows])
        if len(seen) < 50 and not (windows and windows[0].store_is_open()):
            QTimer.singleShot(20, after_paint)
        else:
            QApplication.instance().exit(3)

    QTimer.singleShot(0, after_paint)
    assert run_gui(db_url) == 3
    assert seen[0] == [(False, 5)]  # shown with its list, the store not yet open
    assert seen[-1] == [(True, 5)]  # opened once it had painted, without anyone acting


def test_a_window_needs_a_store_or_a_look_to_open_one():
    with pytest.raises(ValueError):
        MainWindow()
