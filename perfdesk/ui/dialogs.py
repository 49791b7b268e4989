"""The small modal questions the main window asks, each in one place so tests can replace it.

Callers use them as `dialogs.ask_text(...)` (not `from .dialogs import ask_text`), so a test's
`monkeypatch.setattr(dialogs, "ask_text", ...)` reaches every caller.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

ORGANISATION = APPLICATION = "PerfDesk"
LAST_EXPORT_DIR = "export/lastDir"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def settings() -> QSettings:
    """The user's settings; honours QSettings.setDefaultFormat/setPath (tests point them elsewhere)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def last_export_dir() -> Path:
    saved = settings().value(LAST_EXPORT_DIR, "", str)
    if saved and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home())


def remember_export_dir(folder: Path) -> None:
    store = settings()
    store.setValue(LAST_EXPORT_DIR, str(folder))
    store.sync()


def safe_file_name(text: str, fallback: str = "表单") -> str:
    """A file name any Windows or Linux file system accepts, keeping the Chinese as is."""
    name = _UNSAFE.sub("_", text).strip(" .")
    return name[:120] or fallback


# --- the questions themselves --------------------------------------------------------------


def ask_text(parent: QWidget | None, title: str, label: str, default: str = "") -> str | None:
    """A line of text, or None when cancelled."""
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, default)
    return text if ok else None


def ask_year(parent: QWidget | None, title: str, label: str, default: int) -> int | None:
    """A budget year, or None when cancelled."""
    value, ok = QInputDialog.getInt(parent, title, label, default, 2000, 2100, 1)
    return value if ok else None


def save_file_name(parent: QWidget | None, caption: str, suggested: Path, name_filter: str) -> Path | None:
    """Where to save, or None when cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, str(suggested), name_filter)
    return Path(chosen) if chosen else None


def existing_directory(parent: QWidget | None, caption: str, start: Path) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, caption, str(start))
    return Path(chosen) if chosen else None


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, title, text, yes | no, parent)
    box.button(yes).setText("是")
    box.button(no).setText("否")
    box.setDefaultButton(no)
    return box.exec() == yes
