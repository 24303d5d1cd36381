"""Sending to one customer against the emulator over HTTP: reply first, push once."""

from __future__ import annotations

from tests.inbox.conftest import Shop


def texts(items: list[dict]) -> list[str]:
    return [m.get("text", m["type"]) for item in items for m in item["messages"]]


def test_reply_within_the_window_is_free(shop: Shop) -> None:
    window = shop.book.sending.reply_window(shop.cid)
    assert window.available and 45 <= window.seconds_left <= 50
    result = shop.book.sending.send(shop.cid, ["はい、15時でお取りできます。"])
    assert result.ok and result.via == "reply" and not result.fell_back
    inbox = shop.inbox()
    assert [i["endpoint"] for i in inbox] == ["reply"]
    assert texts(inbox) == ["はい、15時でお取りできます。"]
    assert shop.used() == 0
    # LINE's message id is kept; the token is spent, so the window is closed now.
    assert result.line_message_ids == (inbox[0]["sentMessages"][0]["id"],)
    row = shop.book.messages.get(result.message_ids[0])
    assert (row.direction, row.state, row.line_message_id) == ("out", "sent",
                                                              result.line_message_ids[0])
    conv = shop.book.messages.conversation(shop.cid)
    assert conv is not None and conv.last_direction == "out"
    assert conv.last_preview == "はい、15時でお取りできます。"


def test_each_reply_token_is_used_once(shop: Shop) -> None:
    # The friend's follow and message each came with a token: two free replies, then push.
    first = shop.book.sending.send(shop.cid, ["ありがとうございます。"])
    second = shop.book.sending.send(shop.cid, ["ご来店お待ちしております。"])
    assert (first.via, second.via) == ("reply", "reply")
    assert not shop.book.sending.reply_window(shop.cid).available
    third = shop.book.sending.send(shop.cid, ["駐車場もございます。"])
    assert third.ok and third.via == "push"
    assert [i["endpoint"] for i in shop.inbox()] == ["reply", "reply", "push"]
    assert shop.used() == 1


def test_after_the_window_it_is_a_push_and_costs_one(shop: Shop) -> None:
    shop.later(51)
    assert not shop.book.sending.reply_window(shop.cid).available
    before = shop.book.sending.quota()
    result = shop.book.sending.send(shop.cid, ["お返事が遅くなりました。", "15時で承ります。"])
    assert result.ok and result.via == "push"
    inbox = shop.inbox()
    assert [i["endpoint"] for i in inbox] == ["push"]
    assert texts(inbox) == ["お返事が遅くなりました。", "15時で承ります。"]
    assert shop.used() == 1
    after = shop.book.sending.quota()
    assert (after.used, after.remaining) == (before.used + 1, before.remaining - 1)
    # Each bubble is a row with its own LINE id, in order.
    ids = [shop.book.messages.get(m).line_message_id for m in result.message_ids]
    assert ids == [s["id"] for s in inbox[0]["sentMessages"]]
