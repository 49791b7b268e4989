"""The wait cursor shown while the GUI thread renders or writes; its own module so the pieces carved out of
the main window use it without importing the window back."""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@contextmanager
def busy():
    """A wait cursor while the GUI thread renders or writes."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
