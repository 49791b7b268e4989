"""Start the desktop app: one instance per database, the shipped Chinese fonts, the store, first-run
unit setup, the main window.

The window paints first and opens the store right after: when the database is an SQLite file
already set up, `store.first_look` reads what the window shows with the standard library, and the
store (SQLAlchemy, which takes longer to import than a whole empty window takes to show) is opened
once the window has painted. Any other database is opened first, the ordinary way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLockFile, QObject, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from perfdesk.paths import fonts_dir
from perfdesk.os_errors import explain
from perfdesk.store.store_errors import StoreError
from perfdesk.store.first_look import first_look
from perfdesk.store.location import default_url, sqlite_file
from perfdesk.ui.main_window import MainWindow, cannot_open_message
from perfdesk.ui.qt_setup import install_translations, quit_on_ctrl_c

if TYPE_CHECKING:
    from perfdesk.store import Store

APP_NAME = "PerfDesk"
# Set (to anything) to quit as soon as the main window has painted with its list, printing
# SHOWN_MARK, and then its store is open, printing READY_MARK: bench/startup.py times both.
EXIT_AFTER_SHOW = "PERFDESK_EXIT_AFTER_SHOW"
SHOWN_MARK = "PERFDESK_WINDOW_SHOWN"
READY_MARK = "PERFDESK_STORE_OPEN"
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


def app_icon() -> QIcon:
    """The icon set of resources/icons, every size, for the windows and the task bar."""
    from perfdesk.paths import icons_dir

    icon = QIcon()
    for png in sorted(icons_dir().glob("perfdesk-*.png")):
        icon.addFile(str(png))
    return icon


def create_main_window(store: Store) -> MainWindow:
    """The main window over an open store; the QApplication must exist already."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_chinese_font(app)
    window = MainWindow(store)
    keep_database_file_current(window)
    return window


CHECKPOINT_MS = 2000


def keep_database_file_current(window: MainWindow) -> QTimer:
    """While the app is open, what was saved reaches perfdesk.db itself within CHECKPOINT_MS (SQLite keeps
    it in perfdesk.db-wal first), so a clerk who copies the file by hand copies the forms. The timer fires
    from the event loop, so never in the middle of a save; the store closing empties the log too.
    文件 → 备份数据库 (perfdesk backup) stays the safe way to copy it."""
    timer = QTimer(window)
    timer.setObjectName("databaseCheckpoint")
    timer.timeout.connect(lambda: window.store.checkpoint() if window.store_is_open() else None)
    timer.start(CHECKPOINT_MS)
    return timer


# --- one instance per database ---------------------------------------------------------------


class DbLockError(OSError):
    """The lock file itself cannot be made (missing or read-only folder); no other instance is implied."""


def lock_path(db_url: str) -> Path:
    """`<database file>.lock` beside an SQLite file, else a file named after the URL in the data folder."""
    database = sqlite_file(db_url)
    if database is not None:
        return database.with_name(database.name + ".lock")
    import hashlib

    from platformdirs import user_data_dir

    digest = hashlib.sha256(db_url.encode("utf-8")).hexdigest()[:20]
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "locks" / f"{digest}.lock"


def database_shown(db_url: str) -> str:
    database = sqlite_file(db_url)
    if database is not None:
        return str(database)
    from perfdesk.store.engine import shown

    return shown(db_url)


def acquire_db_lock(db_url: str | None) -> QLockFile | None:
    """Lock the database for this process: the lock, or None when another live PerfDesk holds it.

    A lock left by a process that died (killed, crashed, power cut) is taken over: QLockFile sees
    that the process named in the file no longer runs. Age alone never makes it stale (stale lock
    time 0), since a clerk may keep the window open all day. Raises DbLockError when the lock file
    cannot be created at all. Release with `unlock()`."""
    url = db_url or default_url()
    path = lock_path(url)
    if sqlite_file(url) is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DbLockError(f"无法创建锁文件夹 {path.parent}：{explain(exc)}") from exc
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        return None
    raise DbLockError(f"无法创建锁文件 {path}")


def already_running_message(db_url: str | None) -> str:
    shown = database_shown(db_url or default_url())
    return f"另一个 PerfDesk 窗口正在使用这个数据库（{shown}）。请切换到该窗口，或关闭它后再打开。"


# --- start-up --------------------------------------------------------------------------------


class _AfterFirstPaint(QObject):
    """Calls `then` once, from the event loop, after the window's first paint."""

    def __init__(self, window: MainWindow, then) -> None:
        super().__init__(window)
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # after the whole window has painted and shows
        return False


class _ExitWhenShown(QObject):
    """For bench/startup.py: once the window is shown with its list loaded, paint it and print
    SHOWN_MARK; once its store is open, print READY_MARK; then quit."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        super().__init__(app)
        self._app, self._window = app, window
        self._done = False
        self._painted_with_list = False
        window.list_loaded.connect(self._maybe_done)
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Paint:
            self._painted_with_list |= not self._window.is_loading()
            QTimer.singleShot(0, self._maybe_done)  # once the whole window has painted
        return False

    def _maybe_done(self) -> None:
        if self._done or not self._window.isVisible() or self._window.is_loading():
            return
        self._done = True
        if not self._painted_with_list:  # the list came after the last paint: paint it now
            self._window.repaint()
        print(SHOWN_MARK, flush=True)
        QTimer.singleShot(0, self._when_ready)

    def _when_ready(self) -> None:
        if self._window.store_is_open() or self._window.finish_opening():
            print(READY_MARK, flush=True)
        QTimer.singleShot(0, self._app.quit)


def first_run_setup(store: Store) -> bool:
    """Ask for the unit when the store has none; False when the clerk cancelled (the app then quits)."""
    from perfdesk.ui.setup_dialog import UnitSetupDialog

    if store.units():
        return True
    dialog = UnitSetupDialog(store)
    return dialog.exec() == QDialog.DialogCode.Accepted


def run_gui(db_url: str | None) -> int:
    from perfdesk.catalog.form_files import install
    from perfdesk.domain.sources import installed

    if not installed():  # perfdesk.cli.main installs it (with --forms); a direct call gets the default
        install()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    install_translations(app)
    quit_on_ctrl_c(app)
    apply_chinese_font(app)
    app.setWindowIcon(app_icon())
    url = db_url or default_url()
    from perfdesk.ui.clerk_menus import remember_database

    remember_database(url)  # 文件 → 最近使用的数据库
    try:
        lock = acquire_db_lock(url)
    except DbLockError:
        lock = None  # an unusable folder: opening the store below says what is wrong, or works unlocked
    else:
        if lock is None:  # before the store is opened: the other instance's database stays untouched
            QMessageBox.warning(None, "PerfDesk", already_running_message(url))
            return 1
    try:
        look = first_look(url, MainWindow.FIRST_KINDS)
        if look is not None:
            return _run_from_first_look(app, url, look)
        return _run_with_store(app, url)
    finally:
        if lock is not None:
            lock.unlock()


def _run_from_first_look(app: QApplication, url: str, look) -> int:
    """The window painted from the first look; the store opened right after its first paint."""

    def open_store() -> Store:
        from perfdesk.store import Store

        return Store(url)

    window = MainWindow(first_look=look, open_store=open_store)
    keep_database_file_current(window)
    _AfterFirstPaint(window, window.finish_opening)
    try:
        return _show(app, window)
    finally:
        if window.store_is_open():
            window.store.close()


def _show(app: QApplication, window: MainWindow) -> int:
    """Show the main window and run until the application ends; its exit code."""
    if os.environ.get(EXIT_AFTER_SHOW):
        _ExitWhenShown(app, window)
    window.show()
    QTimer.singleShot(0, lambda: tell_form_file_problems(window))
    try:
        return app.exec()
    finally:
        window.close()  # exec() may end from outside (app.exit): close the window before its store


def tell_form_file_problems(window: QWidget) -> QMessageBox | None:
    """A variant form or profile file (用户目录, --forms) that failed its checks is not used: said once
    at start, without stopping the program. Returns the message box shown, if any."""
    from perfdesk.catalog.form_files import problems

    found = problems()
    if not found:
        return None
    box = QMessageBox(QMessageBox.Icon.Warning, "表单文件有误",
                      f"以下 {len(found)} 个表单或规则配置文件未通过检查，没有使用（其余照常使用）：\n\n"
                      + "\n\n".join(found), QMessageBox.StandardButton.Ok, window)
    box.setObjectName("formFileProblems")
    box.open()
    return box


def _run_with_store(app: QApplication, url: str) -> int:
    from perfdesk.store import Store

    try:
        store = Store(url)
    except StoreError as exc:
        QMessageBox.critical(None, "PerfDesk", cannot_open_message(exc))
        return 1
    try:
        try:
            if not first_run_setup(store):
                return 0
        except StoreError as exc:
            QMessageBox.critical(None, "PerfDesk", str(exc))
            return 1
        return _show(app, create_main_window(store))
    finally:
        store.close()
