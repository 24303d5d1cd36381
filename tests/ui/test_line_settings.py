"""Settings → LINE: connect with a real relay's pairing code and the emulator's token,
refusals in the owner's words with nothing typed lost, the token shown only masked and
replaced, the relay's health, unpairing, and the window's sync following along."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QWidget

from app.sync.pairing import connect
from app.sync.worker import SyncState
from emulator import RunningEmulator, run_in_thread
from tests.relay.harness import ManualClock, ThreadRelay
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, fast_worker
from ui.dialogs.line_settings import LineSettingsWidget
from ui.dialogs.settings_dialog import SettingsDialog
from ui.main_window import MainWindow


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock())
    yield running
    running.stop()


@pytest.fixture
def line(relay: ThreadRelay) -> Iterator[RunningEmulator]:
    running = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                            webhook_url=f"{relay.base_url}/line/webhook", quota=None, seed=5)
    yield running
    running.stop()


def _when_modal(kind: type[QWidget], action: Callable[[QWidget], None]) -> None:
    """Run ``action`` on the next modal window of ``kind`` once it is shown."""
    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            action(widget)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def _tab(qtbot, book, settings, parent: QWidget | None = None
         ) -> tuple[SettingsDialog, LineSettingsWidget]:
    dialog = SettingsDialog(book, settings, parent)
    if parent is None:
        qtbot.addWidget(dialog)
    tab = dialog.line_tab
    dialog.tabs.setCurrentWidget(tab)
    dialog.show()
    qtbot.waitExposed(dialog)
    _idle(qtbot, tab)
    return dialog, tab


def _idle(qtbot, tab: LineSettingsWidget) -> None:
    qtbot.waitUntil(lambda: not tab.busy and not tab.loading, timeout=30_000)


def _fill(tab: LineSettingsWidget, relay: ThreadRelay, line: RunningEmulator, *,
          code: str, token: str = ACCESS_TOKEN) -> None:
    tab.token_field.setText(token)
    tab.relay_edit.setText(relay.base_url)
    tab.code_edit.setText(code)
    tab.advanced_box.setChecked(True)
    tab.api_edit.setText(line.base_url)
    tab.data_edit.setText(line.data_url)


def _texts(widget: QWidget) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel) + widget.findChildren(QLineEdit)]


def _error_box(seen: list[tuple[str, str]]) -> Callable[[QWidget], None]:
    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append((box.text(), box.informativeText()))
        box.accept()
    return answer


def test_the_tab_is_in_the_settings(qtbot, book, settings) -> None:
    dialog, tab = _tab(qtbot, book, settings)
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "LINE"
    assert not tab.paired
    assert tab.connect_group.isVisible() and not tab.unpair_button.isVisible()
    assert tab.token_field.isVisible()  # no token yet: typed here, saved by 接続
    assert tab.token_field.edit.echoMode() == QLineEdit.EchoMode.Password
    assert tab.name_edit.text().startswith("Otokui (")  # never the host name
    assert tab.health_label.text() == "Relay: no address yet"


def test_connect_with_a_real_pairing_code_and_the_emulator_token(
        qtbot, book, settings, relay: ThreadRelay, line: RunningEmulator) -> None:
    dialog, tab = _tab(qtbot, book, settings)
    _fill(tab, relay, line, code=relay.pairing_code())
    tab.name_edit.setText("レジ横のPC")
    with qtbot.waitSignal(tab.connected, timeout=30_000):
        tab.connect_button.click()
    _idle(qtbot, tab)
    assert book.line.is_paired()
    assert book.line.access_token() == ACCESS_TOKEN
    assert book.line.api_base == line.base_url
    assert book.line.data_base == line.data_url
    assert [d.name for d in relay.store.list_devices()] == ["レジ横のPC"]
    assert tab.message.text() == ("Connected. Otokui now keeps the customer book up to date "
                                  "with LINE.")
    # Now it shows the pairing, the relay's health, and the token only masked.
    assert tab.paired and tab.details.isVisible() and tab.unpair_button.isVisible()
    assert not tab.connect_group.isVisible()
    assert tab.relay_value.text() == relay.base_url
    assert tab.device_value.text() == "レジ横のPC"
    assert tab.token_masked.text() == book.line.masked_token() == "••••••••" + ACCESS_TOKEN[-4:]
    assert not tab.token_field.isVisible() and tab.change_token_button.isVisible()
    assert tab.code_edit.text() == ""  # single use: spent
    assert tab.health_label.text().startswith("Relay: reachable, ")
    assert all(ACCESS_TOKEN not in text for text in _texts(dialog))


def test_a_wrong_code_is_refused_in_the_owners_words_and_nothing_typed_is_lost(
        qtbot, qapp, book, settings, relay: ThreadRelay, line: RunningEmulator) -> None:
    from ui import i18n

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")
    _dialog, tab = _tab(qtbot, book, settings)
    _fill(tab, relay, line, code="000000-WRONG1")
    seen: list[tuple[str, str]] = []
    _when_modal(QMessageBox, _error_box(seen))
    tab.connect_button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=30_000)
    _idle(qtbot, tab)
    assert seen == [("中継サーバーが連携コードを受け付けませんでした。",
                     "コードは1回限り、10分間だけ有効です。中継サーバーの管理ページで新しいコードを"
                     "発行して(またはサーバー上で `python -m relay pair` を実行して)入力して"
                     "ください。")]
    assert not book.line.is_paired() and relay.store.list_devices() == []
    assert tab.code_edit.text() == "000000-WRONG1" and tab.code_edit.hasSelectedText()
    assert tab.token_field.text() == ACCESS_TOKEN and tab.relay_edit.text() == relay.base_url
    assert tab.connect_button.isEnabled()

    # A token LINE refuses is caught before the single-use code is spent.
    code = relay.pairing_code()
    tab.code_edit.setText(code)
    tab.token_field.setText("not-the-channel-token")
    _when_modal(QMessageBox, _error_box(seen))
    tab.connect_button.click()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=30_000)
    _idle(qtbot, tab)
    assert seen[1][0] == "LINEがチャネルアクセストークンを受け付けませんでした。"
    assert not book.line.is_paired()
    tab.token_field.setText(ACCESS_TOKEN)
    with qtbot.waitSignal(tab.connected, timeout=30_000):
        tab.connect_button.click()  # the same code still works
    assert book.line.is_paired()


def test_bad_addresses_and_missing_fields(qtbot, book, settings, relay: ThreadRelay,
                                          line: RunningEmulator) -> None:
    _dialog, tab = _tab(qtbot, book, settings)
    tab.connect_button.click()
    assert tab.message.text() == "Please paste the channel access token."
    tab.token_field.setText(ACCESS_TOKEN)
    tab.connect_button.click()
    assert tab.message.text() == "Please enter the relay's address."
    tab.relay_edit.setText(relay.base_url)
    tab.connect_button.click()
    assert tab.message.text().startswith("Please enter the pairing code")
    assert not tab.busy and not book.line.is_paired()

    # Plain http to another computer would send the device token in the clear: refused.
    seen: list[tuple[str, str]] = []
    for url in ("http://relay.example.jp", "ftp://127.0.0.1/x", "https://user:pw@relay.jp"):
        tab.relay_edit.setText(url)
        tab.code_edit.setText(relay.pairing_code())
        tab.advanced_box.setChecked(True)
        tab.api_edit.setText(line.base_url)
        _when_modal(QMessageBox, _error_box(seen))
        tab.connect_button.click()
        expected = len(seen) + 1
        qtbot.waitUntil(lambda n=expected: len(seen) == n, timeout=30_000)
        _idle(qtbot, tab)
        assert seen[-1][0].startswith("This is not a usable relay address.")
        assert tab.relay_edit.text() == url
    # A pasted code far too long is cut at the field's limit and refused by the relay.
    tab.relay_edit.setText(relay.base_url)
    tab.code_edit.setText("X" * 5000)
    assert len(tab.code_edit.text()) == 64
    _when_modal(QMessageBox, _error_box(seen))
    tab.connect_button.click()
    qtbot.waitUntil(lambda: len(seen) == 4, timeout=30_000)
    assert seen[-1][0] == "The relay refused the pairing code."
    assert not book.line.is_paired()


def test_token_is_shown_masked_and_replaced(qtbot, book, settings, relay: ThreadRelay,
                                            line: RunningEmulator) -> None:
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url,
            data_base=line.data_url)
    dialog, tab = _tab(qtbot, book, settings)
    assert tab.token_masked.text() == "••••••••" + ACCESS_TOKEN[-4:]
    tab.change_token_button.click()
    assert tab.token_field.isVisible() and tab.token_field.text() == ""
    tab.cancel_token_button.click()
    assert not tab.token_field.isVisible()

    # The owner reissued the token in the LINE Developers console.
    new_token = "reissued-channel-access-token/ZYXWVUTSRQ9876"
    line.emulator.access_token = new_token
    tab.change_token_button.click()
    seen: list[tuple[str, str]] = []
    tab.token_field.setText("a typo")
    _when_modal(QMessageBox, _error_box(seen))
    tab.save_token_button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=30_000)
    _idle(qtbot, tab)
    assert seen[0][0] == "LINE refused the channel access token."  # asked LINE first
    assert book.line.access_token() == ACCESS_TOKEN  # unchanged
    assert tab.token_field.text() == "a typo"
    tab.token_field.setText(new_token)
    tab.save_token_button.click()
    _idle(qtbot, tab)
    qtbot.waitUntil(lambda: tab.token_masked.text() == "••••••••9876", timeout=30_000)
    assert book.line.access_token() == new_token
    assert tab.message.text() == "Token saved."
    assert all(new_token not in text for text in _texts(dialog))


def test_health_refreshed_on_open_and_by_the_button(qtbot, book, settings,
                                                    relay: ThreadRelay) -> None:
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, check_token=False)
    _dialog, tab = _tab(qtbot, book, settings)
    assert tab.health_label.text() == "Relay: reachable, 0 event(s) waiting"
    relay.stop()
    tab.health_button.click()
    _idle(qtbot, tab)
    assert tab.health_label.text() == "Relay: cannot be reached"


def test_unpair_after_confirmation(qtbot, book, settings, relay: ThreadRelay,
                                   line: RunningEmulator) -> None:
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url,
            data_base=line.data_url)
    _dialog, tab = _tab(qtbot, book, settings)
    # Cancelled: nothing happens.
    _when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    tab.unpair_button.click()
    assert book.line.is_paired()

    _when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    with qtbot.waitSignal(tab.disconnected, timeout=30_000):
        tab.unpair_button.click()
    _idle(qtbot, tab)
    assert not book.line.is_paired()
    assert [d.revoked_at is not None for d in relay.store.list_devices()] == [True]
    assert tab.message.text() == "Disconnected from the relay."
    assert tab.connect_group.isVisible() and not tab.unpair_button.isVisible()
    assert tab.relay_edit.text() == relay.base_url  # the same relay, ready to pair again
    assert book.line.access_token() == ACCESS_TOKEN  # the token is kept


def test_the_windows_sync_follows_connect_and_unpair(qtbot, book, settings,
                                                     relay: ThreadRelay,
                                                     line: RunningEmulator) -> None:
    window = MainWindow(book, settings, sync_worker=fast_worker)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert not window.sync.is_running() and not window.sync_box.isVisible()

    dialog, tab = _tab(qtbot, book, settings, parent=window)
    _fill(tab, relay, line, code=relay.pairing_code())
    with qtbot.waitSignal(tab.connected, timeout=30_000):
        tab.connect_button.click()
    qtbot.waitUntil(lambda: window.sync.is_running(), timeout=30_000)
    # Until the channel secret is kept, nothing is pulled: the status bar asks for it.
    if not book.line.has_channel_secret():
        qtbot.waitUntil(lambda: window.sync_label.text() == "LINE: enter the channel secret",
                        timeout=30_000)
        book.line.set_channel_secret(CHANNEL_SECRET)
    qtbot.waitUntil(lambda: window.sync_label.text() == "LINE: connected", timeout=30_000)
    assert window.sync_box.isVisible()

    _when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    with qtbot.waitSignal(tab.disconnected, timeout=30_000):
        tab.unpair_button.click()
    qtbot.waitUntil(lambda: window.sync.worker is None, timeout=30_000)
    assert window.sync.status.state == SyncState.NOT_PAIRED
    assert not window.sync_box.isVisible()
    dialog.reject()

    # Clicking the status opens the settings on the LINE tab.
    shown: list[bool] = []

    def check(d: QWidget) -> None:
        assert isinstance(d, SettingsDialog)
        shown.append(d.tabs.currentWidget() is d.line_tab)
        d.reject()

    _when_modal(SettingsDialog, check)
    window.open_settings(line_tab=True)
    assert shown == [True]
    window.close()
