"""A second start on a book that is open: the message, and bringing the window forward.

In-process, the two ends are a real QLocalServer (the owner's :class:`WindowBeacon`) and a
real QLocalSocket (the second start's :class:`RaiseRequest`). The start-up path
(:func:`ui.app.claim_profile`) is driven against a real second process holding the profile.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.profile import Profile
from tests.core.test_profile_lock import PASS, Holder
from ui import i18n
from ui.app import bring_windows_forward, claim_profile
from ui.dialogs.already_open import AlreadyOpenDialog, Outcome
from ui.single_instance import WindowBeacon, server_name


# The offscreen platform of the tests cannot raise windows; it says so, harmlessly.
@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)", extend=True)
def test_the_message_in_japanese_and_the_window_comes_forward(qtbot, qapp, window) -> None:
    i18n.install_translators(qapp, "ja")
    root = window.book.profile.root
    beacon = WindowBeacon(root, bring_windows_forward)
    assert beacon.listen()
    try:
        window.showMinimized()
        assert window.isMinimized()
        dialog = AlreadyOpenDialog(root)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.headline.text() == \
            "この顧客台帳は、すでに別のOtokuiのウィンドウで開いています。"
        assert dialog.show_button.text() == "そのウィンドウを表示"
        with qtbot.waitSignal(beacon.raised):
            dialog.show_button.click()
        qtbot.waitUntil(lambda: dialog.outcome is Outcome.RAISED)
        assert not dialog.isVisible()
        assert not window.isMinimized() and window.isVisible()
    finally:
        beacon.close()


def test_no_window_answers_when_a_command_has_the_book(qtbot, qapp, tmp_path: Path) -> None:
    i18n.install_translators(qapp, "ja")
    dialog = AlreadyOpenDialog(tmp_path / "held-by-a-command")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_button.click()
    qtbot.waitUntil(lambda: dialog.retry_button.isVisible())
    assert "同期、バックアップ" in dialog.headline.text()
    assert not dialog.show_button.isVisible()
    dialog.retry_button.click()
    assert dialog.outcome is Outcome.RETRY


def test_names_are_per_profile(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "x" / ".." / "a")


def _drive(steps: list[Callable[[AlreadyOpenDialog], bool]]) -> None:
    """Each step runs once the dialog is up and the step says it could act (polled on the
    event loop: a condition, not a timing)."""
    def tick() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, AlreadyOpenDialog) and steps[0](dialog):
            steps.pop(0)
        if steps:
            QTimer.singleShot(10, tick)

    QTimer.singleShot(0, tick)


def test_starting_while_another_process_holds_the_book(qtbot, qapp, tmp_path: Path) -> None:
    profile = Profile(tmp_path / "profile")
    profile.create(passphrase=PASS).close()
    with Holder(profile) as holder:
        # The owner closes the message: this start ends, nothing taken.
        _drive([lambda d: d.close_button.click() or True])
        assert claim_profile(profile) is None

        # Asked to show the window: nobody answers (a script has it); it ends; Try again.
        def ask(d: AlreadyOpenDialog) -> bool:
            d.show_button.click()
            return True

        def retry_when_offered(d: AlreadyOpenDialog) -> bool:
            if not d.retry_button.isVisible():
                return False
            assert holder.leave() == 0
            d.retry_button.click()
            return True

        _drive([ask, retry_when_offered])
        claim = claim_profile(profile)
    assert claim is not None
    claim.release()
