"""Start the desktop app: one instance per database, the shipped Chinese fonts, the store, first-run
unit setup, the main window."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from platformdirs import user_data_dir
from PySide6.QtCore import QEvent, QLockFile, QObject, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from sqlalchemy.engine import make_url

from ..paths import fonts_dir
from ..store import Store, StoreError, default_url
from .main_window import MainWindow

APP_NAME = "PerfDesk"
# Set (to anything) to quit as soon as the main window has painted with its list, printing
# SHOWN_MARK: bench/startup.py times the start-up with it.
EXIT_AFTER_SHOW = "PERFDESK_EXIT_AFTER_SHOW"
SHOWN_MARK = "PERFDESK_WINDOW_SHOWN"
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


# --- one instance per database ---------------------------------------------------------------


class DbLockError(OSError):
    """The lock file itself cannot be made (missing or read-only folder); no other instance is implied."""


def _sqlite_file(db_url: str) -> Path | None:
    """The database file of a file-based SQLite URL, absolute; None for anything else."""
    try:
        url = make_url(db_url)
    except Exception:  # noqa: BLE001 - a malformed URL gets a lock in the data folder; Store reports it
        return None
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:") or url.query.get("mode") == "memory":
        return None
    if database.startswith("file:"):  # SQLite URI filename
        database = database[len("file:"):].split("?", 1)[0]
    return Path(os.path.abspath(Path(database).expanduser()))  # relative to the working folder, as SQLite does


def lock_path(db_url: str) -> Path:
    """`<database file>.lock` beside an SQLite file, else a file named after the URL in the data folder."""
    database = _sqlite_file(db_url)
    if database is not None:
        return database.with_name(database.name + ".lock")
    digest = hashlib.sha256(db_url.encode("utf-8")).hexdigest()[:20]
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "locks" / f"{digest}.lock"


def database_shown(db_url: str) -> str:
    database = _sqlite_file(db_url)
    if database is not None:
        return str(database)
    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return db_url


def acquire_db_lock(db_url: str | None) -> QLockFile | None:
    """Lock the database for this process: the lock, or None when another live PerfDesk holds it.

    A lock left by a process that died (killed, crashed, power cut) is taken over: QLockFile sees
    that the process named in the file no longer runs. Age alone never makes it stale (stale lock
    time 0), since a clerk may keep the window open all day. Raises DbLockError when the lock file
    cannot be created at all. Release with `unlock()`."""
    url = db_url or default_url()
    path = lock_path(url)
    if _sqlite_file(url) is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DbLockError(f"无法创建锁文件夹 {path.parent}：{exc.strerror or exc}") from exc
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


class _ExitWhenShown(QObject):
    """For bench/startup.py: once the window is shown with its list loaded, paint it, print
    SHOWN_MARK and quit."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        super().__init__(app)
        self._app, self._window = app, window
        self._done = False
        window.list_loaded.connect(self._maybe_done)
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self._maybe_done)
        return False

    def _maybe_done(self) -> None:
        if self._done or not self._window.isVisible() or self._window.is_loading():
            return
        self._done = True
        self._window.repaint()  # paints the window and the filled list now
        print(SHOWN_MARK, flush=True)
        QTimer.singleShot(0, self._app.quit)


def first_run_setup(store: Store) -> bool:
    """Ask for the unit when the store has none; False when the clerk cancelled (the app then quits)."""
    from .setup_dialog import UnitSetupDialog

    if store.units():
        return True
    dialog = UnitSetupDialog(store)
    return dialog.exec() == QDialog.DialogCode.Accepted


def run_gui(db_url: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    apply_chinese_font(app)
    url = db_url or default_url()
    try:
        lock = acquire_db_lock(url)
    except DbLockError:
        lock = None  # an unusable folder: opening the store below says what is wrong, or works unlocked
    else:
        if lock is None:  # before the store is opened: the other instance's database stays untouched
            QMessageBox.warning(None, "PerfDesk", already_running_message(url))
            return 1
    try:
        return _run_with_store(app, url)
    finally:
        if lock is not None:
            lock.unlock()


def _run_with_store(app: QApplication, url: str) -> int:
    try:
        store = Store(url)
    except StoreError as exc:
        QMessageBox.critical(None, "PerfDesk", f"{exc}\n\n请检查 --db 参数或 PERFDESK_DB 环境变量所指的数据库。")
        return 1
    try:
        try:
            if not first_run_setup(store):
                return 0
        except StoreError as exc:
            QMessageBox.critical(None, "PerfDesk", str(exc))
            return 1
        window = create_main_window(store)
        if os.environ.get(EXIT_AFTER_SHOW):
            _ExitWhenShown(app, window)
        window.show()
        try:
            return app.exec()
        finally:
            window.close()  # exec() may end from outside (app.exit): close the window with the store
    finally:
        store.close()
