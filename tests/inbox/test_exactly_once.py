"""Nobody gets a message twice, whatever the network, LINE or the owner's mouse do.

The emulator's inbox of the friend is the judge: what LINE delivered, request by request.
"""

from __future__ import annotations

import threading

import pytest

from app.errors import NotFoundError
from app.line.send import MaybeDeliveredError, NotRetryableError, TextBubble
from app.line.send.delivery import RetryPolicy
from app.store.models import Message
from tests.inbox.conftest import Shop


def retry_key(shop: Shop, message_id: int) -> str | None:
    with shop.book.db.read() as s:
        return s.get(Message, message_id).retry_key


def test_two_threads_sending_the_same_at_once_send_once(shop: Shop) -> None:
    shop.later(51)  # a push: the case that costs money
    results = []
    start = threading.Barrier(2)

    def click() -> None:
        start.wait()
        results.append(shop.book.sending.send(shop.cid, ["かしこまりました。"]))

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 2 and all(r.ok for r in results)
    assert sorted(r.duplicate for r in results) == [False, True]
    assert results[0].send_id == results[1].send_id
    assert len(shop.inbox()) == 1 and shop.used() == 1
    assert shop.book.messages.count(shop.cid) == 3  # follow, question, one answer


def test_calling_send_twice_sends_once(shop: Shop) -> None:
    shop.later(51)
    first = shop.book.sending.send(shop.cid, [TextBubble("かしこまりました。")])
    second = shop.book.sending.send(shop.cid, [TextBubble("かしこまりました。")])
    assert first.ok and second.duplicate and second.message_ids == first.message_ids
    assert len(shop.inbox()) == 1 and shop.used() == 1


def test_the_same_draft_is_sent_once_even_much_later(shop: Shop) -> None:
    draft = shop.book.sending.compose(shop.cid, ["ご予約を承りました。"])
    first = shop.book.sending.send(shop.cid, draft)
    shop.later(3600)
    again = shop.book.sending.send(shop.cid, draft)
    assert first.ok and again.duplicate and again.send_id == first.send_id
    assert len(shop.inbox()) == 1


def test_different_texts_or_the_same_text_later_both_go(shop: Shop) -> None:
    shop.later(51)
    shop.book.sending.send(shop.cid, ["はい"])
    shop.book.sending.send(shop.cid, ["承知しました"])
    shop.later(11)  # past the double-click guard: the owner means it
    shop.book.sending.send(shop.cid, ["はい"])
    assert [i["messages"][0]["text"] for i in shop.inbox()] == ["はい", "承知しました", "はい"]


def test_accepted_but_answer_lost_is_retried_with_the_same_key(shop: Shop) -> None:
    shop.later(51)
    shop.e.inject_fault("push", "accept_then_drop")
    result = shop.book.sending.send(shop.cid, ["明日お待ちしております。"])
    assert result.ok and result.via == "push" and result.attempts == 2
    inbox = shop.inbox()
    assert len(inbox) == 1 and shop.used() == 1
    # The 409's sentMessages name what the customer got; the first request's id is kept.
    assert result.line_message_ids == (inbox[0]["sentMessages"][0]["id"],)
    sent = [s for s in shop.e.sent() if s["endpoint"] == "push"]
    assert len(sent) == 1
    row = shop.book.messages.get(result.message_ids[0])
    assert row.payload["send"]["accepted_request_id"] == sent[0]["requestId"]


def test_5xx_and_rate_limits_are_ridden_out(shop: Shop) -> None:
    shop.later(51)
    shop.e.inject_fault("push", "500", count=2)
    shop.e.inject_fault("push", "429")
    result = shop.book.sending.send(shop.cid, ["少々お待ちください。"])
    assert result.ok and result.attempts == 4
    assert len(shop.inbox()) == 1 and shop.used() == 1


def test_failed_after_lost_answers_retries_with_the_same_key(shop: Shop) -> None:
    shop.later(51)
    shop.book.sending.retry_policy = RetryPolicy(attempts=1, base=0.01, cap=0.01)
    shop.e.inject_fault("push", "accept_then_500")
    result = shop.book.sending.send(shop.cid, ["本日は18時閉店です。"])
    assert result.state == "failed" and result.error_code == "send-unreachable"
    assert result.maybe_sent  # LINE had it: the customer already got it
    assert len(shop.inbox()) == 1
    row = shop.book.messages.get(result.message_ids[0])
    assert row.state == "failed" and "may not have been sent" in (row.error or "")
    again = shop.book.sending.retry(result.message_ids[0])
    assert again.ok and again.send_id == result.send_id
    assert len(shop.inbox()) == 1 and shop.used() == 1  # the 409 said: already sent
    with pytest.raises(NotRetryableError):
        shop.book.sending.retry(result.message_ids[0])


def test_unreachable_line_fails_cleanly_and_retries(shop: Shop) -> None:
    shop.later(51)
    shop.e.inject_fault("push", "drop", count=4)
    result = shop.book.sending.send(shop.cid, ["よろしくお願いします。"])
    assert result.state == "failed" and result.attempts == 4 and result.maybe_sent
    assert shop.inbox() == []
    again = shop.book.sending.retry(result.message_ids[0])
    assert again.ok and len(shop.inbox()) == 1


def test_monthly_quota_used_up_fails_with_the_quota_message(shop: Shop) -> None:
    shop.later(51)
    shop.e.set_quota(type="limited", value=200, total_usage=200)
    assert shop.book.sending.quota(refresh=True).remaining == 0
    result = shop.book.sending.send(shop.cid, ["セールのお知らせです。"])
    assert result.state == "failed" and result.error_code == "send-quota"
    assert not result.maybe_sent and result.attempts == 1
    assert "message limit" in (result.error or "")
    assert shop.inbox() == []
    first_key = retry_key(shop, result.message_ids[0])
    assert first_key
    # The plan grows: a retry is a new request (LINE refused the first), with a new key.
    shop.e.set_quota(type="limited", value=5000)
    again = shop.book.sending.retry(result.message_ids[0])
    assert again.ok and len(shop.inbox()) == 1
    pushes = [s for s in shop.e.sent() if s["endpoint"] == "push"]
    assert len(pushes) == 1
    assert pushes[0]["retryKey"] == retry_key(shop, result.message_ids[0]) != first_key


def test_other_refusals_fail_with_lines_reason(shop: Shop) -> None:
    # In the book, but not a friend LINE knows: LINE refuses the push.
    cid = shop.book.customers.create(name="木村 一郎", line_user_id="U" + "0123456789abcdef" * 2)
    result = shop.book.sending.send(cid, ["はじめまして"])
    assert result.state == "failed" and result.error_code == "send-refused"
    assert "Failed to send messages" in (result.error or "") and not result.maybe_sent
    assert result.attempts == 1


def test_a_refused_token_fails_without_retrying(shop: Shop) -> None:
    shop.later(51)
    shop.book.line.set_access_token("not-the-channel-token", use_keyring=False)
    result = shop.book.sending.send(shop.cid, ["こんにちは"])
    assert result.state == "failed" and result.error_code == "line-token-rejected"
    assert result.attempts == 1 and shop.inbox() == []


def test_an_expired_reply_token_falls_back_to_push(shop: Shop) -> None:
    # LINE's clock ran ahead of ours: we think the token is fresh, LINE does not.
    shop.e.advance_clock(61)
    assert shop.book.sending.reply_window(shop.cid).available
    result = shop.book.sending.send(shop.cid, ["失礼しました。"])
    assert result.ok and result.via == "push" and result.fell_back
    assert [i["endpoint"] for i in shop.inbox()] == ["push"] and shop.used() == 1


def test_a_reply_whose_answer_was_lost_is_not_repeated_blindly(shop: Shop) -> None:
    shop.e.inject_fault("reply", "accept_then_drop")
    result = shop.book.sending.send(shop.cid, ["はい、大丈夫です。"])
    # The retry found the token used: it may have gone through (it did), so no push.
    assert result.state == "failed" and result.error_code == "send-unknown"
    assert result.maybe_sent and len(shop.inbox()) == 1
    with pytest.raises(MaybeDeliveredError):
        shop.book.sending.retry(result.message_ids[0])
    assert len(shop.inbox()) == 1
    # The owner looked and decided to send it again anyway.
    again = shop.book.sending.retry(result.message_ids[0], confirm_maybe_sent=True)
    assert again.ok and len(shop.inbox()) == 2


def test_discard_removes_a_failed_message(shop: Shop) -> None:
    shop.later(51)
    shop.e.set_quota(type="limited", value=1, total_usage=1)
    result = shop.book.sending.send(shop.cid, ["クーポンです"])
    assert result.state == "failed"
    with pytest.raises(NotFoundError):  # a received message is not ours to discard
        shop.book.sending.discard(shop.book.messages.messages(shop.cid)[0].id)
    shop.e.set_quota(type="limited", value=10)
    sent = shop.book.sending.send(shop.cid, ["別件です"])
    assert sent.ok
    with pytest.raises(NotRetryableError):  # nor is one that went out
        shop.book.sending.discard(sent.message_ids[0])
    shop.book.sending.discard(result.message_ids[0])
    assert [(m.direction, m.state) for m in shop.book.messages.messages(shop.cid)] == [
        ("in", None), ("in", None), ("out", "sent")]
