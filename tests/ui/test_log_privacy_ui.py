"""A bug shown to the owner (ui/errors.py → the crash dialog) logs no customer data."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.core.test_log_privacy import (
    CustomerDataError,
    _message,
    assert_nothing_personal,
    log_text,
    logged,  # noqa: F401 - the fixture, by name
)
from ui.crash import CrashDialog
from ui.errors import show_error


def test_an_unexpected_error_shown_in_the_window(qtbot, logged: Path) -> None:  # noqa: F811
    seen: list[str] = []

    def close_the_crash_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CrashDialog)
        seen.append(dialog.details)
        dialog.reject()

    QTimer.singleShot(0, close_the_crash_dialog)
    try:
        raise CustomerDataError(_message())
    except CustomerDataError as exc:
        show_error(None, exc)
    assert seen  # the owner saw the crash dialog
    text = log_text(logged)
    assert "unexpected error (CustomerDataError)" in text
    assert "test_log_privacy_ui.py" in text  # where it happened is kept
    assert_nothing_personal(text + seen[0])
