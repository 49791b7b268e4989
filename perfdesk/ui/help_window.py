"""帮助 → 使用手册 (F1): the Chinese manual shipped in resources/manual.html, opened at a page.

Each dialog's 帮助 button opens the manual at its own page (an anchor of the manual)."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialogButtonBox, QMainWindow, QPushButton, QTextBrowser, QWidget

from perfdesk.paths import resources_dir
from perfdesk.ui.screen_fit import open_within_screen

PAGES = ("start", "new", "fill", "indicators", "check", "print", "excel", "paste", "package", "finance", "office",
         "tasks", "board", "chase", "results", "batch", "summary", "review", "recycle", "backup", "cli")
_window: HelpWindow | None = None


def manual_path():
    return resources_dir() / "manual.html"


class HelpWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpWindow")
        self.setWindowTitle("PerfDesk 使用手册")
        open_within_screen(self, 820, 640)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("manual")
        self.browser.setOpenExternalLinks(False)
        self.browser.setSource(QUrl.fromLocalFile(str(manual_path())))
        self.setCentralWidget(self.browser)

    def show_page(self, page: str = "start") -> None:
        self.browser.scrollToAnchor(page if page in PAGES else "start")
        self.show()
        self.raise_()
        self.activateWindow()


def show_manual(parent: QWidget | None = None, page: str = "start") -> HelpWindow:
    """The one manual window, brought up at `page`."""
    global _window
    if _window is None:
        _window = HelpWindow(None)  # outlives the dialog that asked for it
    _window.show_page(page)
    return _window


def add_help_button(buttons: QDialogButtonBox, page: str) -> QPushButton:
    """A 帮助 button on a dialog's button row that opens the manual at `page`."""
    button = buttons.addButton("帮助", QDialogButtonBox.ButtonRole.HelpRole)
    button.setObjectName("helpButton")
    button.clicked.connect(lambda: show_manual(buttons.window(), page))
    return button
