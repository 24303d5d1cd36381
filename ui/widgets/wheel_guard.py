"""The mouse wheel scrolls forms; it never changes a value the owner is not editing.

Qt lets a combo box, a spin box or a date edit take the wheel whenever the pointer is over
it, so scrolling a long form changes (and, in the detail pane, saves) whatever passes
under the pointer: a customer's 担当, or an empty 誕生日 stepped to 1902. One event filter,
installed on the application, stops that for every form: such a widget takes the wheel
only when it has focus (the owner clicked or tabbed into it); otherwise the wheel goes to
the widget's parent and on up to the scroll area around the form, which scrolls. The
same filter gives those widgets ``StrongFocus`` as they are first polished, so the wheel
does not give them focus either (Qt's default ``WheelFocus`` would).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget

_GUARDED = (QComboBox, QAbstractSpinBox)  # QDateEdit and QDateTimeEdit are spin boxes


def _guarded(obj: QObject) -> QWidget | None:
    """The combo or spin box ``obj`` is, or is a part of (a spin box's line edit)."""
    if isinstance(obj, _GUARDED):
        return obj
    parent = obj.parent() if isinstance(obj, QWidget) else None
    if isinstance(parent, _GUARDED):
        return parent
    return None


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, _GUARDED):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind != QEvent.Type.Wheel:
            return False
        widget = _guarded(watched)
        if widget is None or widget.hasFocus() or (
                isinstance(widget, QComboBox) and widget.view().isVisible()):
            return False
        _to_parents(widget, event)  # type: ignore[arg-type]
        return True


def _to_parents(widget: QWidget, event: QWheelEvent) -> None:
    """Offer the wheel to each parent in turn until one takes it (the scroll area).

    Qt does not pass a synthesised wheel event up by itself, so the guard does: a copy
    per parent, with the position in that parent's coordinates.
    """
    parent = widget.parentWidget()
    position = widget.mapTo(widget.window(), event.position().toPoint())
    while parent is not None:
        local = parent.mapFrom(parent.window(), position)
        copy = QWheelEvent(QPointF(local), event.globalPosition(), event.pixelDelta(),
                           event.angleDelta(), event.buttons(), event.modifiers(),
                           event.phase(), event.inverted(), event.source())
        copy.setAccepted(False)
        QCoreApplication.sendEvent(parent, copy)
        if copy.isAccepted():
            return
        if parent.isWindow():
            return
        parent = parent.parentWidget()


_guard: WheelGuard | None = None


def install_wheel_guard() -> WheelGuard | None:
    """Install the one guard on the application (again: no effect). None without an app."""
    global _guard
    app = QCoreApplication.instance()
    if app is None:
        return None
    if _guard is None or _guard.parent() is not app:
        _guard = WheelGuard(app)
        app.installEventFilter(_guard)
    return _guard
