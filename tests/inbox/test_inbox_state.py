"""What the inbox shows survives a restart; read marks reach LINE only when asked."""

from __future__ import annotations

import pytest

from app.book import Book
from app.messages import ConversationStatus
from app.profile import Profile
from tests.inbox.conftest import Shop, quick, sync
from tests.sync.support import PASSPHRASE


def test_unread_counts_status_marks_and_sent_states_survive_a_restart(
        shop: Shop, profile: Profile) -> None:
    book, e = shop.book, shop.e
    other = e.add_user("佐藤 翔太")
    e.send_text(other, "在庫ありますか")
    e.send_text(other, "Mサイズです")
    sync(shop.connected)
    other_cid = book.customers.by_line_user_id(other)
    book.messages.mark_read(shop.cid)
    shop.writes("すみません、16時に変更できますか")
    shop.writes("よろしくお願いします")
    sent = book.sending.send(shop.cid, ["16時で承りました。"])
    shop.later(51)
    e.set_quota(type="limited", value=0)
    failed = book.sending.send(other_cid, ["在庫ございます。"])
    assert sent.ok and failed.state == "failed"
    # Marked by hand after the sends (a reply moves the status on by itself).
    book.messages.set_status(shop.cid, ConversationStatus.IN_PROGRESS)
    book.messages.set_status(other_cid, ConversationStatus.DONE)

    def snapshot(b: Book) -> tuple:
        rows = b.messages.conversations(b.messages.conversation_ids())
        return ({cid: (r.unread_count, r.status, r.last_direction, r.last_preview)
                 for cid, r in rows.items()}, b.messages.unread_total(),
                [(m.state, m.error) for m in b.messages.messages(other_cid)
                 if m.direction == "out"])

    before = snapshot(book)
    assert before[0][shop.cid][:2] == (2, "in_progress")
    assert before[0][other_cid][:2] == (2, "done")
    assert before[1] == 4
    book.close()
    reopened = profile.open(PASSPHRASE)
    try:
        quick(reopened, shop.connected.relay)
        assert snapshot(reopened) == before
        assert reopened.sending.status(failed.message_ids[0]).error_code == "send-quota"
        assert reopened.messages.get(sent.message_ids[0]).state == "sent"
    finally:
        reopened.close()


def test_mark_read_on_line_only_when_the_setting_is_on(shop: Shop) -> None:
    book, e = shop.book, shop.e
    assert not book.sending.mark_read_on_line_enabled()
    assert book.sending.mark_read_on_line(shop.cid) is False
    assert book.messages.conversation(shop.cid).unread_count == 0  # read in Otokui
    assert e.user(shop.uid)["readUpTo"] is None                     # LINE not told
    shop.writes("追加で質問です")
    book.sending.set_mark_read_on_line(True)
    assert book.sending.mark_read_on_line(shop.cid) is True
    newest = [m for m in book.messages.messages(shop.cid) if m.direction == "in"][-1]
    assert e.user(shop.uid)["readUpTo"] == newest.line_message_id
    # LINE down: the conversation is still marked read here, and nothing is raised.
    e.inject_fault("mark_as_read", "500")
    shop.writes("もう一つ")
    assert book.sending.mark_read_on_line(shop.cid) is False
    assert book.messages.conversation(shop.cid).unread_count == 0


def test_quota_read_and_cached(shop: Shop) -> None:
    e = shop.e
    e.set_quota(type="limited", value=500, total_usage=123)
    q = shop.book.sending.quota(refresh=True)
    assert (q.type, q.limit, q.used, q.remaining) == ("limited", 500, 123, 377)
    e.set_quota(total_usage=124)
    assert shop.book.sending.quota().used == 123        # cached for a moment
    assert shop.book.sending.quota(refresh=True).used == 124
    e.set_quota(type="none")
    q = shop.book.sending.quota(refresh=True)
    assert (q.type, q.limit, q.remaining) == ("none", None, None)


def test_a_reply_marks_the_conversation_done_and_a_new_message_opens_it(shop: Shop) -> None:
    """What a shop owner expects by default: answered is 対応済み; the customer writing
    again makes it 未対応."""
    book = shop.book
    assert book.sending.status_after_reply() == "done"
    assert book.messages.conversation(shop.cid).status == "open"
    shop.later(51)  # a push: the same rule as a free reply
    shop.e.set_quota(type="limited", value=0)
    failed = book.sending.send(shop.cid, ["満席でした"])
    assert failed.state == "failed"
    assert book.messages.conversation(shop.cid).status == "open"  # nothing reached them
    shop.e.set_quota(type="limited", value=200)
    assert book.sending.send(shop.cid, ["15時で承りました。"]).ok
    assert book.messages.conversation(shop.cid).status == "done"
    shop.later(5)
    shop.writes("ありがとうございます！")
    assert book.messages.conversation(shop.cid).status == "open"


def test_the_status_after_a_reply_follows_the_setting_and_never_goes_back(shop: Shop) -> None:
    book = shop.book
    book.sending.set_status_after_reply("in_progress")
    assert book.sending.send(shop.cid, ["確認します"]).ok
    assert book.messages.conversation(shop.cid).status == "in_progress"
    book.messages.set_status(shop.cid, ConversationStatus.DONE)
    shop.writes("追加で質問です")  # 対応済み → 未対応
    book.messages.set_status(shop.cid, ConversationStatus.DONE)  # the owner closed it
    assert book.sending.send(shop.cid, ["はい"]).ok
    assert book.messages.conversation(shop.cid).status == "done"  # not moved back
    book.sending.set_status_after_reply("keep")
    shop.writes("もう一つ")
    assert book.sending.send(shop.cid, ["どうぞ"]).ok
    assert book.messages.conversation(shop.cid).status == "open"
    with pytest.raises(ValueError):
        book.sending.set_status_after_reply("closed")
