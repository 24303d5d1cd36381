"""Auto-lock: notice when the owner has been away, and remember where they were.

:class:`IdleWatcher` is an application-wide event filter: any key press, click, wheel turn
or mouse move restarts a single-shot timer; when it runs out, ``idle`` fires and the main
window locks itself (hides the content, closes the book, forgets the key). :class:`ViewState`
is what the window puts back after unlocking: the chosen tag view, the search text, the
selected customers, the current one and the scroll position, all by id.
"""

from __future__ import annotations

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
    """Emits ``idle`` after ``minutes`` without input anywhere in the app (0: never)."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self._installed = False
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(max(0, int(minutes)) * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        """The idle time in milliseconds (tests use short ones); 0 turns auto-lock off."""
        self._timer.stop()
        self._timer.setInterval(ms)
        app = QApplication.instance()
        if ms > 0:
            if not self._installed and app is not None:
                app.installEventFilter(self)
                self._installed = True
            self._timer.start()
        elif self._installed and app is not None:
            app.removeEventFilter(self)
            self._installed = False

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def interval_ms(self) -> int:
        return self._timer.interval()

    def pause(self) -> None:
        """While locked there is nothing to lock."""
        self._timer.stop()

    def resume(self) -> None:
        if self._timer.interval() > 0:
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Restarting a timer is cheap enough for every mouse move; nothing is filtered out.
        if event.type() in _ACTIVITY and self._timer.interval() > 0 and self._timer.isActive():
            self._timer.start()
        return False

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if self._installed and app is not None:
            app.removeEventFilter(self)
            self._installed = False


@dataclass
class ViewState:
    sidebar_key: str | None = None
    search_text: str = ""
    table: TableState = field(default_factory=lambda: TableState([], None, None))
