"""The connection wizard with real parts: a relay on loopback, the LINE emulator over HTTP
through the official SDK, an encrypted book. Every failure is shown in Japanese, in the
owner's words, on the page where it is fixed, and nothing typed is lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from emulator import RunningEmulator, run_in_thread
from tests.relay.harness import ManualClock, ThreadRelay, free_port
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET
from ui import i18n
from ui.dialogs.connect_wizard import ConnectWizard
from ui.dialogs.line_settings import LineSettingsWidget

ADMIN = b"admin-secret-for-tests-0123456789"
OTHER_SECRET = "fedcba9876543210fedcba9876543210"


@pytest.fixture(autouse=True)
def japanese(qapp) -> Iterator[None]:
    i18n.install_translators(qapp, "ja")
    yield


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock())
    yield running
    running.stop()


@pytest.fixture
def shop_relay(tmp_path: Path) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'shops.db'}", tmp_path / "shops.log",
                          clock=ManualClock(), channel_secret=None, admin_secret=ADMIN)
    yield running
    running.stop()


@pytest.fixture
def line() -> Iterator[RunningEmulator]:
    running = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                            quota=None, seed=9, bot_display_name="花屋さくら",
                            bot_basic_id="@sakura")
    yield running
    running.stop()


def _wizard(qtbot, book, line: RunningEmulator) -> ConnectWizard:  # type: ignore[no-untyped-def]
    wizard = ConnectWizard(book, api_base=line.base_url, use_keyring=False)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def _settle(qtbot, wizard: ConnectWizard) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not wizard.busy and not wizard.relay_page.checking
                    and not wizard.line_page.checking and not wizard.finish_page.running,
                    timeout=30_000)


def _page1(qtbot, wizard: ConnectWizard, url: str, code: str) -> None:  # type: ignore[no-untyped-def]
    wizard.relay_page.relay_edit.setText(url)
    wizard.relay_page.code_edit.setText(code)
    wizard.next()
    _settle(qtbot, wizard)


def _page2(qtbot, wizard: ConnectWizard, secret: str = CHANNEL_SECRET,  # type: ignore[no-untyped-def]
           token: str = ACCESS_TOKEN) -> None:
    wizard.line_page.secret_field.setText(secret)
    wizard.line_page.token_field.setText(token)
    wizard.next()
    _settle(qtbot, wizard)


def _through(qtbot, wizard: ConnectWizard, relay: ThreadRelay, *,  # type: ignore[no-untyped-def]
             code: str | None = None, url: str | None = None,
             secret: str = CHANNEL_SECRET) -> None:
    _page1(qtbot, wizard, url or relay.base_url, code or relay.pairing_code())
    assert wizard.currentPage() is wizard.line_page, wizard.relay_page.message.text()
    _page2(qtbot, wizard, secret)
    assert wizard.currentPage() is wizard.finish_page, wizard.line_page.message.text()


def _steps(wizard: ConnectWizard) -> list[str]:
    return [label.text()[:1] for label in wizard.finish_page.step_labels]


def test_everything_right_connects_and_shows_the_account(qtbot, book, relay: ThreadRelay,  # type: ignore[no-untyped-def]
                                                         line: RunningEmulator) -> None:
    wizard = _wizard(qtbot, book, line)
    assert wizard.windowTitle() == "LINEとつなぐ"
    _through(qtbot, wizard, relay)
    page = wizard.finish_page
    assert _steps(wizard) == ["✓", "✓", "✓", "✓"]
    assert page.name.text() == "花屋さくら" and page.basic_id.text() == "@sakura"
    assert not page.picture.pixmap().isNull()
    assert page.result.text().startswith("接続できました。")
    assert "「花屋さくら」" in page.result.text()
    assert page.isComplete() and wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert book.line.is_paired() and book.line.channel_secret() == CHANNEL_SECRET.encode()
    assert line.emulator.settings_dict()["webhook_url"] == f"{relay.base_url}/line/webhook"
    assert wizard.connected_now


def test_an_unreachable_relay_is_said_on_the_first_page(qtbot, book,  # type: ignore[no-untyped-def]
                                                        line: RunningEmulator) -> None:
    wizard = _wizard(qtbot, book, line)
    url = f"http://127.0.0.1:{free_port()}"
    _page1(qtbot, wizard, url, "7KQ2M-XF9RD")
    assert wizard.currentPage() is wizard.relay_page
    assert wizard.relay_page.message.text().startswith("中継サーバーにつながりません。")
    assert "アドレスを確かめてください" in wizard.relay_page.message.text()
    assert wizard.relay_page.relay_edit.text() == url
    assert wizard.relay_page.code_edit.text() == "7KQ2M-XF9RD"


def test_missing_address_code_and_a_wrong_shop_address(qtbot, book, shop_relay: ThreadRelay,  # type: ignore[no-untyped-def]
                                                       line: RunningEmulator) -> None:
    wizard = _wizard(qtbot, book, line)
    _page1(qtbot, wizard, "", "")
    assert wizard.relay_page.message.text() == "中継サーバーのアドレスを入力してください。"
    _page1(qtbot, wizard, shop_relay.base_url, "")
    assert wizard.relay_page.message.text() == \
        "中継サーバーの管理ページに表示された連携コードを入力してください。"
    _page1(qtbot, wizard, f"{shop_relay.base_url}/shops/0123456789", "7KQ2M-XF9RD")
    assert wizard.currentPage() is wizard.relay_page
    assert wizard.relay_page.message.text().startswith(
        "中継サーバーに、このお店のアドレスが見つかりません。")


def test_a_malformed_secret_and_a_refused_token_are_said_on_the_second_page(  # type: ignore[no-untyped-def]
        qtbot, book, relay: ThreadRelay, line: RunningEmulator) -> None:
    wizard = _wizard(qtbot, book, line)
    _page1(qtbot, wizard, relay.base_url, relay.pairing_code())
    _page2(qtbot, wizard, secret="0123-not-a-secret")
    assert wizard.currentPage() is wizard.line_page
    assert wizard.line_page.message.text().startswith(
        "チャネルシークレットは32文字の英数字(0〜9とa〜f)です。")
    _page2(qtbot, wizard, token="not-the-token")
    assert wizard.currentPage() is wizard.line_page
    assert wizard.line_page.message.text().startswith(
        "LINEがチャネルアクセストークンを受け付けませんでした。")
    assert "(HTTP 401)" in wizard.line_page.message.text()
    assert wizard.line_page.token_field.text() == "not-the-token"
    assert not book.line.is_paired()


def test_a_wrong_code_is_marked_on_the_pairing_step(qtbot, book, relay: ThreadRelay,  # type: ignore[no-untyped-def]
                                                    line: RunningEmulator) -> None:
    relay.pairing_code()
    wizard = _wizard(qtbot, book, line)
    _through(qtbot, wizard, relay, code="ABCDE-FGHJK")
    assert _steps(wizard)[0] == "✗"
    assert wizard.finish_page.result.text().startswith(
        "中継サーバーが連携コードを受け付けませんでした。")
    assert wizard.finish_page.retry_button.isVisible()
    assert not wizard.finish_page.isComplete()


def test_a_wrong_secret_fails_lines_test_and_is_fixed_by_going_back(  # type: ignore[no-untyped-def]
        qtbot, book, shop_relay: ThreadRelay, line: RunningEmulator) -> None:
    wizard = _wizard(qtbot, book, line)
    _through(qtbot, wizard, shop_relay, secret=OTHER_SECRET)
    assert _steps(wizard) == ["✓", "✓", "✗", "○"]
    text = wizard.finish_page.result.text()
    assert text.startswith("LINEのテストは中継サーバーに届きましたが、署名が合いませんでした。")
    assert "(HTTP 401)" in text and "チャネルシークレットをもう一度コピー" in text
    # Back to the keys, the right secret, and again: no new code needed.
    wizard.back()
    assert wizard.currentPage() is wizard.line_page
    _page2(qtbot, wizard, secret=CHANNEL_SECRET)
    assert _steps(wizard) == ["✓", "✓", "✓", "✓"], wizard.finish_page.result.text()


def test_line_that_cannot_reach_the_relay_is_marked_on_the_test_step(  # type: ignore[no-untyped-def]
        qtbot, book, relay: ThreadRelay, line: RunningEmulator) -> None:
    wizard = _wizard(qtbot, book, line)

    def relay_goes_away(step: int) -> None:  # runs on the worker, as the step starts
        if step == 1:
            relay.stop()

    wizard.finish_page._signals.step.connect(relay_goes_away,
                                             Qt.ConnectionType.DirectConnection)
    _through(qtbot, wizard, relay)
    assert _steps(wizard)[2] == "✗"
    assert wizard.finish_page.result.text().startswith(
        "LINEから中継サーバーのアドレスに接続できません。")


def test_use_webhook_off_says_where_to_click_and_checks_again(  # type: ignore[no-untyped-def]
        qtbot, book, relay: ThreadRelay, line: RunningEmulator) -> None:
    line.emulator.configure(webhook_active=False)
    wizard = _wizard(qtbot, book, line)
    _through(qtbot, wizard, relay)
    page = wizard.finish_page
    assert _steps(wizard) == ["✓", "✓", "✓", "!"]
    assert page.result.text().startswith("あと一歩です。")
    assert "「Webhookの利用」をオン" in page.result.text()
    assert page.recheck_button.isVisible()
    line.emulator.configure(webhook_active=True)  # the owner clicks it in the console
    page.recheck_button.click()
    _settle(qtbot, wizard)
    assert _steps(wizard) == ["✓", "✓", "✓", "✓"]
    assert page.result.text().startswith("接続できました。")


def test_the_settings_tab_opens_the_wizard_and_follows_it(qtbot, book, settings,  # type: ignore[no-untyped-def]
                                                          relay: ThreadRelay,
                                                          line: RunningEmulator) -> None:
    tab = LineSettingsWidget(book)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.info is not None and not tab.loading, timeout=30_000)
    assert tab.wizard_button.text() == "接続ウィザードを開く…"
    wizard = tab.open_wizard()
    assert wizard is not None and wizard.isVisible()
    wizard.line_page.advanced_box.setChecked(True)
    wizard.line_page.api_edit.setText(line.base_url)
    wizard.use_keyring = False
    with qtbot.waitSignal(tab.connected, timeout=30_000):
        _through(qtbot, wizard, relay)
        wizard.accept()
    qtbot.waitUntil(lambda: tab.paired and not tab.loading, timeout=30_000)
    assert tab.wizard_button.text() == "接続を確認…"


def test_a_connected_book_rechecks_with_the_saved_keys(qtbot, book, relay: ThreadRelay,  # type: ignore[no-untyped-def]
                                                       line: RunningEmulator) -> None:
    first = _wizard(qtbot, book, line)
    _through(qtbot, first, relay)
    first.close()
    wizard = ConnectWizard(book, relay_url=book.line.relay_url, paired=True,
                           api_base=line.base_url, use_keyring=False)
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.relay_page.code_edit.isVisible()
    assert wizard.relay_page.paired_note.isVisible()
    assert wizard.line_page.token_field.edit.placeholderText() == "空欄：保存済みのものを使う"
    wizard.next()
    _settle(qtbot, wizard)
    wizard.next()  # both keys left empty
    _settle(qtbot, wizard)
    assert wizard.currentPage() is wizard.finish_page, wizard.line_page.message.text()
    assert _steps(wizard) == ["✓", "✓", "✓", "✓"], wizard.finish_page.result.text()
    assert len(relay.store.list_devices()) == 1  # no second pairing
