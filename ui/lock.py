"""Auto-lock: notice when the owner has been away, and remember where they were.

:class:`IdleWatcher` is an application-wide event filter: any key press, click, wheel turn
or mouse move notes the time; once that long has passed with no input, ``idle`` fires and
the main window locks itself (hides the content, closes the book, forgets the key).
:class:`ViewState` is what the window puts back after unlocking: the chosen tag view, the
search text, the selected customers, the current one and the scroll position, all by id.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from ui.widgets.customer_view import TableState

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress, QEvent.Type.Shortcut,
})


class IdleWatcher(QObject):
    """Emits ``idle`` after ``minutes`` without input anywhere in the app (0: never).

    Input only notes the time (``clock``, monotonic seconds); a single-shot timer wakes
    :meth:`check` when the idle time could be up, which locks or sleeps for the rest. Tests
    replace ``clock`` and call :meth:`check` themselves, so no test waits on real time.
    """

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.clock = clock
        self._interval_ms = 0
        self._running = False  # counting towards a lock (not paused, not off)
        self._last_input = clock()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)
        self._installed = False
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(max(0, int(minutes)) * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        """The idle time in milliseconds (tests use short ones); 0 turns auto-lock off."""
        self._halt()
        self._interval_ms = max(0, int(ms))
        app = QApplication.instance()
        if self._interval_ms > 0:
            if not self._installed and app is not None:
                app.installEventFilter(self)
                self._installed = True
            self._start()
        elif self._installed and app is not None:
            app.removeEventFilter(self)
            self._installed = False

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def interval_ms(self) -> int:
        return self._interval_ms

    def pause(self) -> None:
        """While locked there is nothing to lock."""
        self._halt()

    def resume(self) -> None:
        if self._interval_ms > 0:
            self._start()

    def _start(self) -> None:
        self._last_input = self.clock()
        self._running = True
        self._timer.start(self._interval_ms)

    def _halt(self) -> None:
        self._running = False
        self._timer.stop()

    def check(self) -> None:
        """Emit ``idle`` if there has been no input for the whole interval, else wait for the
        rest of it. Called by the timer; does nothing while paused or off."""
        if not self._running:
            return
        quiet_ms = (self.clock() - self._last_input) * 1000
        if quiet_ms >= self._interval_ms:
            self._halt()
            self.idle.emit()
        else:
            self._timer.start(max(1, math.ceil(self._interval_ms - quiet_ms)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Noting the time is cheap enough for every mouse move; nothing is filtered out.
        if event.type() in _ACTIVITY and self._running:
            self._last_input = self.clock()
        return False

    def stop(self) -> None:
        self._halt()
        app = QApplication.instance()
        if self._installed and app is not None:
            app.removeEventFilter(self)
            self._installed = False


@dataclass
class ViewState:
    sidebar_key: str | None = None
    search_text: str = ""
    table: TableState = field(default_factory=lambda: TableState([], None, None))
