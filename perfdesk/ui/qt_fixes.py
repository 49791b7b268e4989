"""Work-arounds for defects in the installed Qt binding, each applied only when detected.

PySide6 6.12.0 (the cp310-abi3 wheel) on Python 3.10/3.11 hands out references to None, True and
False that it does not own: every call of a void method (setText, setEnabled, update, ...) takes
one reference away from None, and every `Signal.emit()` one from True. Python 3.12 and later make
these objects immortal, so the defect shows only on older Pythons: after some tens of thousands of
calls (an autosaving editor does that in a minute) Python frees None or True and aborts with
"Fatal Python error: none_dealloc" / "bool_dealloc". PySide6 6.11.3 does not have the defect.

The fix does what Python 3.12 does: it gives None, True and False so many references that they can
never reach zero. It is applied only on CPython before 3.12 and only when a probe shows the loss.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

PROBES = 16
_SPARE_REFERENCES = 1 << 40  # a trillion: a million lost references a second would take 12 days
_applied = False


class _Probe(QObject):
    ping = Signal()


def references_lost() -> dict[str, int]:
    """How many references to None and True the binding lost over PROBES calls of each kind."""
    probe = _Probe()
    none_before = sys.getrefcount(None)
    for _ in range(PROBES):
        probe.setObjectName("probe")  # a void method
    none_lost = none_before - sys.getrefcount(None)
    true_before = sys.getrefcount(True)
    for _ in range(PROBES):
        probe.ping.emit()
    true_lost = true_before - sys.getrefcount(True)
    return {"None": none_lost, "True": true_lost}


def fix_lost_singleton_references() -> bool:
    """Make None, True and False immortal if the binding loses references to them; True if done."""
    global _applied
    if _applied:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # immortal already (3.12+), or not a reference-counted object layout we know
    lost = references_lost()
    if max(lost.values()) < PROBES // 2:  # other threads may move a count a little; the defect by PROBES
        return False
    import ctypes  # only where the defect shows

    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object (non-debug build, before 3.12).
        ctypes.c_ssize_t.from_address(id(singleton)).value += _SPARE_REFERENCES
    _applied = True
    return True
