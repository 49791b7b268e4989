"""Start the desktop app: the Qt application, the shipped Chinese fonts, the store, the main window."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from ..paths import fonts_dir
from ..store import Store, StoreError
from .main_window import MainWindow

APP_NAME = "PerfDesk"
_PREFERRED = ("WenQuanYi Micro Hei", "Droid Sans Fallback")
_installed: list[str] | None = None


def install_fonts() -> list[str]:
    """Register every shipped font with Qt once; returns the families they provide.

    Needs a QApplication. A missing or unreadable font file is skipped: the system fonts remain."""
    global _installed
    if _installed is None:
        families: list[str] = []
        folder = fonts_dir()
        files = sorted(folder.glob("*.tt[fc]")) if folder.is_dir() else []
        for path in files:
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id != -1:
                families += [f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in families]
        _installed = families
    return list(_installed)


def chinese_family(families: list[str]) -> str | None:
    """The shipped family to use for the interface: a known CJK face, else any proportional one."""
    for name in _PREFERRED:
        if name in families:
            return name
    proportional = [f for f in families if "mono" not in f.casefold()]
    return (proportional or families or [None])[0]


def apply_chinese_font(app: QApplication) -> str | None:
    """Make the shipped Chinese font the application font, so Chinese shows on any machine."""
    family = chinese_family(install_fonts())
    if family is not None:
        font = QFont(app.font())
        # The other shipped families stay behind it as fallbacks for any character it lacks.
        font.setFamilies([family, *[f for f in install_fonts() if f != family]])
        app.setFont(font)
    return family


def create_main_window(store: Store) -> MainWindow:
    """The main window over an open store; the QApplication must exist already."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_chinese_font(app)
    return MainWindow(store)


def run_gui(db_url: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    apply_chinese_font(app)
    try:
        store = Store(db_url)
    except StoreError as exc:
        QMessageBox.critical(None, "PerfDesk", f"{exc}\n\n请检查 --db 参数或 PERFDESK_DB 环境变量所指的数据库。")
        return 1
    try:
        window = create_main_window(store)
        window.show()
        return app.exec()
    finally:
        store.close()
