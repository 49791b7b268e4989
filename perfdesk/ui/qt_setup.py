"""What the application object needs before any window: Qt's own texts in Chinese, and Ctrl-C in
the terminal that started it ending the program cleanly.

Qt's dialogs (file dialogs, message-box buttons, the context menu of a text box) take their texts
from Qt's translation catalogues; PySide6 ships qtbase_zh_CN.qm, which is loaded here.

Python runs a signal handler only when the interpreter gets control; while Qt's event loop waits,
it never does, so Ctrl-C surfaced as a KeyboardInterrupt traceback on the next mouse move. A
handler that closes the windows (the editor autosaves on close) and quits, plus a timer that lets
the interpreter run every quarter second, makes Ctrl-C quit at once."""

from __future__ import annotations

import signal

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

_CATALOGUES = ("qtbase",)  # buttons, file dialogs, message boxes, text-box menus
_kept: list[QTranslator] = []  # a translator must live as long as the application


def install_translations(app: QApplication) -> list[str]:
    """Load Qt's zh_CN catalogues into `app`; the names of those loaded."""
    if _kept:
        return [t.filePath() for t in _kept]
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in _CATALOGUES:
        translator = QTranslator(app)
        if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), name, "_", folder):
            app.installTranslator(translator)
            _kept.append(translator)
            loaded.append(translator.filePath())
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return loaded


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
