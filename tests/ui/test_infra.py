"""UI infrastructure: translations, Qt messages into logging, the crash dialog."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTimer, qWarning
from PySide6.QtWidgets import QApplication

from ui import crash, i18n, qtlog

PERSONAL = ("田中 太郎", "hunter22")


def _raise_with_personal_data(name: str = PERSONAL[0], secret: str = PERSONAL[1]) -> None:
    raise ValueError(f"cannot save {name}, passphrase={secret}")


def _caught() -> BaseException:
    try:
        _raise_with_personal_data(*PERSONAL)
    except ValueError as exc:
        return exc
    raise AssertionError("not raised")


def test_crash_details_leave_out_the_message_and_home_folder(qapp) -> None:
    details = crash.crash_details(_caught())
    assert "builtins.ValueError" in details
    assert "_raise_with_personal_data" in details
    assert "田中" not in details and "hunter22" not in details
    assert str(Path.home()) not in details


def test_crash_dialog_names_the_log_and_copies_details(qtbot, tmp_path: Path) -> None:
    from app.logs import setup_logging

    log_file = setup_logging(tmp_path / "logs")
    try:
        dialog = crash.CrashDialog(_caught())
        qtbot.addWidget(dialog)
        assert str(log_file) in dialog.where_label.text()
        dialog.copy_button.click()
        copied = QApplication.clipboard().text()
        assert "builtins.ValueError" in copied and "田中" not in copied
    finally:
        setup_logging(None)


def test_show_crash_dialog_logs_without_personal_data(qtbot, caplog) -> None:
    def close_dialog() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, crash.CrashDialog) and w.isVisible():
                w.reject()

    QTimer.singleShot(50, close_dialog)
    with caplog.at_level(logging.ERROR, logger="otokui.crash"):
        crash.show_crash_dialog(None, _caught())
    assert "ValueError" in caplog.text and "田中" not in caplog.text


def test_exception_in_a_thread_reaches_the_main_thread(qtbot, caplog) -> None:
    crash.install_crash_handler()
    shown: list[BaseException] = []
    original = crash.show_crash_dialog
    crash.show_crash_dialog = lambda parent, exc: shown.append(exc)  # type: ignore
    try:
        thread = threading.Thread(target=_raise_with_personal_data)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: bool(shown), timeout=2000)
    finally:
        crash.show_crash_dialog = original
        crash.uninstall_crash_handler()
    assert isinstance(shown[0], ValueError)


def test_qt_warnings_go_to_the_otokui_qt_logger(qapp, caplog) -> None:
    qtlog.install()
    try:
        with caplog.at_level(logging.DEBUG, logger="otokui.qt"):
            qWarning("a warning from Qt")
            qWarning("OpenType support missing for script 12")
    finally:
        qtlog.uninstall()
    levels = {r.getMessage(): r.levelno for r in caplog.records if r.name.startswith(
        "otokui.qt")}
    assert levels["a warning from Qt"] == logging.WARNING
    assert levels["OpenType support missing for script 12"] == logging.DEBUG


def test_core_messages_resolve_module_contexts(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text('_CTX = "tags"\nA = QT_TRANSLATE_NOOP(_CTX, "A tag")\n'
                      'B = QT_TRANSLATE_NOOP("errors", "Oops")\n')
    assert i18n.core_messages([source]) == [("tags", "A tag"), ("errors", "Oops")]


@pytest.mark.skipif(i18n._tool("lrelease") is None, reason="pyside6-lrelease missing")
def test_japanese_is_installed_and_english_removes_it(qapp) -> None:
    i18n.compile_if_stale()
    try:
        i18n.install_translators(qapp, "ja")
        ja = QCoreApplication.translate("formatting", "%Ln customer(s)", None, 12345)
        assert ja == "12,345人"
        # Qt's own strings come from qtbase_ja.qm.
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "キャンセル"
        i18n.install_translators(qapp, "en")
        en = QCoreApplication.translate("formatting", "%Ln customer(s)", None, 12345)
        assert en == "12,345 customer(s)"
    finally:
        i18n.install_translators(qapp, "en")


def test_qt_calls_returning_nothing_keep_none_alive(qapp) -> None:
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None per such call, which
    aborts the app after enough painting ("deallocating None"); requirements.txt pins a
    PySide6 without that bug. This guards any upgrade."""
    from PySide6.QtCore import QSize

    size = QSize(1, 1)
    before = sys.getrefcount(None)
    for _ in range(10_000):
        size.setWidth(2)
    assert abs(sys.getrefcount(None) - before) < 100
