# ruff: noqa: F811 - the fixtures imported below are parameters by name
"""The composer against the LINE emulator over HTTP, with the real relay: free replies
within the window, pushes after it, the countdown, double clicks, failures and retry."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from tests.inbox.conftest import Shop, relay, shop  # noqa: F401 - fixtures used by name
from tests.sync.conftest import book, connected, emulator, line, profile  # noqa: F401
from ui.inbox.page import InboxPage


def _page(qtbot, s: Shop) -> InboxPage:
    page = InboxPage(s.book)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.open_conversation(s.cid)
    return page


def _seconds(text: str) -> int:
    found = re.fullmatch(r"Free reply — (\d+) s left", text)
    assert found, text
    return int(found.group(1))


def _send(qtbot, page: InboxPage, text: str):
    results = []
    page.composer.sent.connect(results.append)
    page.composer.message.set_text(text)
    qtbot.mouseClick(page.composer.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    return results[0]


def test_countdown_while_the_reply_is_free_then_the_quota(qtbot, shop: Shop) -> None:
    page = _page(qtbot, shop)
    composer = page.composer
    first = _seconds(composer.send_button.text())
    assert 45 <= first <= 50
    shop.later(12)
    qtbot.waitUntil(lambda: composer.send_button.text() != f"Free reply — {first} s left",
                    timeout=3000)  # the button's own one-second tick
    assert _seconds(composer.send_button.text()) == first - 12
    shop.later(first - 12 - 1)  # one second left: too little to start a reply
    composer.update_send_button()
    qtbot.waitUntil(lambda: composer.send_button.text() == "Push (200 left this month)",
                    timeout=10_000)


def test_a_reply_within_the_window_is_free(qtbot, shop: Shop) -> None:
    page = _page(qtbot, shop)
    result = _send(qtbot, page, "はい、15時でお取りできます。")
    assert result.ok and result.via == "reply"
    inbox = shop.inbox()
    assert [i["endpoint"] for i in inbox] == ["reply"]
    assert inbox[0]["messages"][0]["text"] == "はい、15時でお取りできます。"
    assert shop.used() == 0
    assert page.composer.message.texts() == [""]  # accepted: what was typed goes
    bubble = page.view.bubbles[result.message_ids[0]]
    assert bubble.outgoing and bubble.state_label.text() == "Sent"


def test_a_push_after_the_window_costs_one(qtbot, shop: Shop) -> None:
    page = _page(qtbot, shop)
    shop.later(51)
    page.composer.refresh_window()
    qtbot.waitUntil(lambda: page.composer.send_button.text() == "Push (200 left this month)",
                    timeout=10_000)
    result = _send(qtbot, page, "お返事が遅くなりました。")
    assert result.ok and result.via == "push"
    assert [i["endpoint"] for i in shop.inbox()] == ["push"]
    assert shop.used() == 1
    qtbot.waitUntil(lambda: page.composer.send_button.text() == "Push (199 left this month)",
                    timeout=10_000)
    assert page.composer.notice.text() == "Sent as a push: 1 message of the month's quota."


def test_a_double_click_sends_once(qtbot, shop: Shop) -> None:
    page = _page(qtbot, shop)
    composer = page.composer
    results = []
    composer.sent.connect(results.append)
    composer.message.set_text("ご来店お待ちしております。")
    composer.send_button.click()
    composer.send_button.click()  # disabled while the first is sent
    assert composer.send() is None  # and a direct second call does nothing either
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    assert len(shop.inbox()) == 1
    # The same draft sent again (a click that slipped through) is recognised by the core.
    draft = shop.book.sending.compose(shop.cid, ["もう一度"])
    composer.draft = draft
    composer.message.set_text("もう一度")
    composer.draft = draft
    composer.send()
    qtbot.waitUntil(lambda: len(results) == 2, timeout=30_000)
    composer.draft = draft
    composer.message.set_text("もう一度")
    composer.draft = draft
    composer.send()
    qtbot.waitUntil(lambda: len(results) == 3, timeout=30_000)
    assert results[2].duplicate
    assert [m["text"] for i in shop.inbox() for m in i["messages"]] == [
        "ご来店お待ちしております。", "もう一度"]


def test_a_failed_send_says_why_and_can_be_retried(qtbot, shop: Shop) -> None:
    page = _page(qtbot, shop)
    shop.later(51)
    shop.e.set_quota(type="limited", value=0)
    page.composer.refresh_window()
    result = _send(qtbot, page, "在庫ございます。")
    assert result.state == "failed" and result.error_code == "send-quota"
    assert shop.inbox() == []
    assert page.composer.message.texts() == ["在庫ございます。"]  # nothing typed is lost
    assert page.composer.error.text()
    assert page.status_line.isVisibleTo(page)
    assert page.status_line.text() == (
        "This month's message limit of the LINE plan is used up; it was not sent. Replies "
        "to a customer who just wrote stay free. Or choose a larger plan in LINE Official "
        "Account Manager, then retry.")
    bubble = page.view.bubbles[result.message_ids[0]]
    assert bubble.state_label.text() == "Not sent"
    retry = bubble.findChild(QPushButton, "retryButton")
    assert retry is not None and bubble.findChild(QPushButton, "discardButton") is not None
    shop.e.set_quota(type="limited", value=200)
    op_before = len(page._ops)
    retry.click()
    assert len(page._ops) == op_before + 1
    qtbot.waitUntil(lambda: result.message_ids[0] in page.view.bubbles and
                    page.view.bubbles[result.message_ids[0]].state_label.text() == "Sent",
                    timeout=30_000)
    assert [m["text"] for i in shop.inbox() for m in i["messages"]] == ["在庫ございます。"]


def test_discarding_a_failed_message(qtbot, shop: Shop) -> None:
    page = _page(qtbot, shop)
    shop.later(51)
    shop.e.set_quota(type="limited", value=0)
    page.composer.refresh_window()
    result = _send(qtbot, page, "取り消す予定の返事")
    mid = result.message_ids[0]
    page.view.bubbles[mid].findChild(QPushButton, "discardButton").click()
    qtbot.waitUntil(lambda: mid not in page.view.bubbles, timeout=30_000)
    assert all(r.id != mid for r in shop.book.messages.messages(shop.cid))


def test_a_photo_from_the_composer_reaches_the_customer(qtbot, shop: Shop, tmp_path) -> None:
    from tests.inbox.conftest import fetch_public
    from tests.ui.test_inbox_support import image_bytes

    page = _page(qtbot, shop)
    photo = tmp_path / "仕上がり.png"
    data = image_bytes(320, 240, "#E0A030")
    photo.write_bytes(data)
    assert page.composer.message.add_photo(photo)
    result = _send(qtbot, page, "仕上がりの写真です")
    assert result.ok and result.via == "reply"
    (item,) = shop.inbox()
    text, image = item["messages"]
    assert text["text"] == "仕上がりの写真です" and image["type"] == "image"
    got = fetch_public(shop.connected.relay, image["originalContentUrl"])
    assert got.content == data
    assert page.composer.message.photos == []
    bubble = page.view.bubbles[result.message_ids[1]]
    assert bubble.outgoing and bubble.thumb is not None
    qtbot.waitUntil(lambda: bubble.thumb.pixmap() is not None
                    and not bubble.thumb.pixmap().isNull(), timeout=10_000)


def test_opening_marks_read_on_line_only_when_asked(qtbot, shop: Shop) -> None:
    page = _page(qtbot, shop)  # the setting is off: read in Otokui only
    assert shop.book.messages.conversation(shop.cid).unread_count == 0
    assert shop.e.user(shop.uid)["readUpTo"] is None
    shop.book.sending.set_mark_read_on_line(True)
    shop.writes("もう一つ質問です")
    page.view.open(None)
    page.open_conversation(shop.cid)
    qtbot.waitUntil(lambda: shop.e.user(shop.uid)["readUpTo"] is not None, timeout=20_000)
    assert shop.book.messages.conversation(shop.cid).unread_count == 0
