"""The PySide6 desktop interface."""

from .qt_fixes import fix_signal_emit_refcount

fix_signal_emit_refcount()
