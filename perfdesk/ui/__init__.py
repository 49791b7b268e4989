"""The PySide6 desktop interface."""

from perfdesk.ui.qt_fixes import fix_lost_singleton_references
from perfdesk.ui.qt_setup import use_chinese_dates

use_chinese_dates()  # first: Qt reads the system's date format once, at the first Qt object made from Python
fix_lost_singleton_references()
