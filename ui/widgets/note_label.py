"""A line a form says in colour under what it is about (an error, a notice, a warning):
wrapped, and hidden until there is something to say."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

#: The colours the composers use: red for what stops sending, amber for what to check.
ERROR_COLOUR, WARNING_COLOUR = "#C5221F", "#B06000"


def note_label(parent: QWidget, name: str, colour: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {colour};")
    label.hide()
    return label
