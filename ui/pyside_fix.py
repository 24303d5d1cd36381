"""Guard against a reference-count bug of PySide6 6.12.0 on Python 3.11.

Seen here: with shiboken6 6.12.0 on CPython 3.11, every call of a Qt method that returns
nothing (``label.setText``, ``painter.setPen`` …) hands back ``None`` without taking a
reference to it, so each call lowers ``None``'s reference count by one. Painting a table
makes thousands of such calls a second; once the count reaches zero CPython aborts with
"none_dealloc: deallocating None". Python 3.12 made ``None`` immortal (its count is never
changed), which is why the bug is harmless there.

:func:`protect_none` measures the leak with a harmless call and, only if there is one on
a Python where ``None`` is mortal, raises ``None``'s count by 2**48 so it can never reach
zero: what 3.12 does for every interpreter. The count of ``None`` has no other meaning, so
nothing else changes. Remove this module once the PySide6 in requirements.txt no longer
leaks (the probe then reports 0 and nothing is done).
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger("otokui.ui")

_PROBE_CALLS = 64
_protected = False


def none_leak_per_call() -> float:
    """References of ``None`` lost per Qt call that returns nothing (0.0 when fine)."""
    from PySide6.QtCore import QSize

    size = QSize(1, 1)
    before = sys.getrefcount(None)
    for _ in range(_PROBE_CALLS):
        size.setWidth(2)
    return (before - sys.getrefcount(None)) / _PROBE_CALLS


def protect_none() -> bool:
    """Make ``None`` immune to the leak where needed; True when the guard was applied."""
    global _protected
    if _protected or sys.version_info >= (3, 12):
        return _protected
    leak = none_leak_per_call()
    if leak <= 0:
        return False
    # ob_refcnt is the first field of every object in a release build of CPython.
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 48
    _protected = True
    log.info("PySide6 leaks a reference to None per call (%.1f); guard applied", leak)
    return True
