"""What the application object needs before any window: Qt's own texts in Chinese, and Ctrl-C in
the terminal that started it ending the program cleanly.

Qt's dialogs (file dialogs, message-box buttons, the context menu of a text box) take their texts
from Qt's translation catalogues; PySide6 ships qtbase_zh_CN.qm, which is loaded here. That catalogue
lags Qt 6: the file dialog's "&Look in:" and "Files of &type:" gained access keys it only knows
without ("Look in:"), and the type column's "Folder" it lacks; `_CatalogueGaps` fills those. The
file dialog writes dates in the system's format ("7 12 2026" under LANG=C), which Qt reads from the
environment once, at the first Qt object made from Python: `use_chinese_dates`, called when perfdesk.ui
is imported, asks for the Chinese format before that.

Python runs a signal handler only when the interpreter gets control; while Qt's event loop waits,
it never does, so Ctrl-C surfaced as a KeyboardInterrupt traceback on the next mouse move. A
handler that closes the windows (the editor autosaves on close) and quits, plus a timer that lets
the interpreter run every quarter second, makes Ctrl-C quit at once."""

from __future__ import annotations

import os
import signal

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

_CATALOGUES = ("qtbase",)  # buttons, file dialogs, message boxes, text-box menus
_kept: list[QTranslator] = []  # a translator must live as long as the application


_MISSING = {  # (context, source) Qt 6 shows and qtbase_zh_CN.qm does not translate
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File"): "文件",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "Unknown"): "未知",
}
CHINESE_LOCALE = "zh_CN.UTF-8"


class _CatalogueGaps(QTranslator):
    """Asked after `catalogue`, for what it lacks: a text Qt 6 gave an access key ("&Look in:") that the
    catalogue has without one ("Look in:" → "查找范围：") gets its translation with the key put back
    the Chinese way ("查找范围(&L)："); a few texts it lacks altogether come from _MISSING."""

    def __init__(self, catalogue: QTranslator, parent: QApplication) -> None:
        super().__init__(parent)
        self.catalogue = catalogue

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802 - Qt's virtual
        if (context, source_text) in _MISSING:
            return _MISSING[context, source_text]
        at = source_text.find("&")
        if at < 0 or at + 1 >= len(source_text) or source_text[at + 1] in "& ":
            return ""
        found = self.catalogue.translate(context, source_text[:at] + source_text[at + 1:], disambiguation, n)
        if not found:
            return ""
        body, colon = (found[:-1], found[-1]) if found[-1] in "：:" else (found, "")
        return f"{body}(&{source_text[at + 1].upper()}){colon}"


def install_translations(app: QApplication) -> list[str]:
    """Load Qt's zh_CN catalogues into `app`; the names of those loaded."""
    if _kept:
        return [t.filePath() for t in _kept if t.filePath()]
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in _CATALOGUES:
        translator = QTranslator(app)
        if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), name, "_", folder):
            gaps = _CatalogueGaps(translator, app)
            app.installTranslator(gaps)  # first: the translator installed last is asked first
            app.installTranslator(translator)
            _kept.extend((gaps, translator))
            loaded.append(translator.filePath())
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return loaded


def use_chinese_dates(environ=os.environ) -> None:
    """Before any Qt object exists: have Qt write the system's dates the Chinese way (2026/12/7 in
    the file dialog) when the environment names no Chinese locale for them. LC_ALL, set, is the
    user's explicit choice and left alone; Qt reads LC_TIME before LANG."""
    if environ.get("LC_ALL"):
        return
    current = environ.get("LC_TIME") or environ.get("LANG") or ""
    if not current.startswith("zh"):
        environ["LC_TIME"] = CHINESE_LOCALE


def quit_on_ctrl_c(app: QApplication) -> QTimer:
    """Ctrl-C closes every window (so each editor saves what was typed) and ends the event loop."""

    def stop(_signum, _frame) -> None:
        app.closeAllWindows()
        app.quit()

    signal.signal(signal.SIGINT, stop)
    ticker = QTimer(app)
    ticker.setObjectName("ctrlCTicker")
    ticker.timeout.connect(lambda: None)  # returning to Python is all it is for
    ticker.start(250)
    return ticker
