"""What the GUI tests share: typing Chinese, reading the checks dock, and driving the main window."""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QAction, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QListWidget


def type_chinese(widget, text: str) -> None:
    """Commit text the way a Chinese input method does, one character at a time.

    qtbot.keyClicks only knows ASCII keys (Qt aborts in QTest's asciiToKey on "农"), and Chinese
    is typed through an input method anyway."""
    for char in text:
        event = QInputMethodEvent("", [])
        event.setCommitString(char)
        QApplication.sendEvent(widget, event)


def dock_lines(editor) -> list[str]:
    view = editor.findChild(QListWidget, "checksList")
    return [view.item(i).text() for i in range(view.count())]


def settle(win, timeout: float = 10.0):
    """The list is read in the background: let it load, then return the window."""
    deadline = time.monotonic() + timeout
    while win.is_loading():
        assert time.monotonic() < deadline, "the form list did not load"
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)
    return win


def select(win, title: str) -> int:
    ids = [record.id for record in settle(win).listed_records() if record.title == title]
    assert ids, f"{title} is not listed"
    assert win.select_form(ids[0])
    return ids[0]


def trigger(win, name: str) -> None:
    win.findChild(QAction, name).trigger()
    settle(win)
