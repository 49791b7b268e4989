"""Work-arounds for defects in the installed Qt binding, each applied only when detected.

PySide6 6.12.0: `SignalInstance.emit()` returns `True` without owning a reference to it, so every
emit from Python takes one reference away from `True`. After some thousands of emits (an autosaving
editor, a filled list, a batch export) `True` is freed and Python aborts with "Fatal Python error:
bool_dealloc: deallocating True or False". The fix gives back the reference emit() did not take.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

_applied = False


class _Probe(QObject):
    ping = Signal()


def _emit_steals_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    after = sys.getrefcount(True)
    return before - after >= 8  # other threads may move it a little; the defect moves it by 8


def fix_signal_emit_refcount() -> bool:
    """Patch SignalInstance.emit if it loses references to its bool result; True when patched."""
    global _applied
    if _applied:
        return True
    if not _emit_steals_true():
        return False
    original = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None

    def emit(self, *args):
        result = original(self, *args)
        if result is True or result is False:
            incref(result)  # the reference emit() handed out without owning it
        return result

    emit.__doc__ = original.__doc__
    SignalInstance.emit = emit
    _applied = True
    return True
