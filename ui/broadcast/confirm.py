"""The broadcast windows' yes-or-no questions before what cannot be undone.

A real :class:`QMessageBox` with buttons that say what they do, "no" as the default and
on Escape: an Enter pressed out of habit never sends or cancels a broadcast.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask(parent: QWidget | None, title: str, text: str, yes: str, no: str,
        detail: str = "") -> bool:
    """True when the owner chose ``yes``."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("broadcastQuestion")
    if detail:
        box.setInformativeText(detail)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
