"""Many messages at once (``book.sending.send_many``, the rules' sends): stored in one
transaction, settled in one, with every guarantee of a single send.

The emulator's inbox of each friend is the judge, as in test_exactly_once.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.automation.engine import send_pending
from app.errors import NotFoundError, ValidationError
from app.line.send import CustomerBlockedError, NotOnLineError, OutgoingResult
from app.messages import recompute_summary
from app.store.models import Message
from app.store.models_rules import RuleSend
from tests.inbox.conftest import Shop, sync


def friend(shop: Shop, name: str, text: str) -> tuple[str, int]:
    """A new friend who follows and writes now (two fresh reply tokens)."""
    uid = shop.e.add_user(name, language="ja")
    shop.e.send_text(uid, text)
    sync(shop.connected)
    cid = shop.book.customers.by_line_user_id(uid)
    assert cid is not None
    return uid, cid


def ok(result: OutgoingResult | Exception) -> OutgoingResult:
    assert isinstance(result, OutgoingResult), result
    return result


def texts(items: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for item in items for m in item["messages"]]


def stored_key(shop: Shop, message_id: int) -> str | None:
    with shop.book.db.read() as s:
        return s.get(Message, message_id).retry_key


def states(shop: Shop, customer_id: int) -> list[str | None]:
    with shop.book.db.read() as s:
        return list(s.scalars(select(Message.state).where(
            Message.customer_id == customer_id, Message.direction == "out")
            .order_by(Message.id)))


def test_replies_while_the_window_is_open_else_pushes_with_a_stored_key(shop: Shop) -> None:
    shop.later(51)  # 山田's window closes
    uid2, cid2 = friend(shop, "佐藤 次郎", "はじめまして")
    a, b = shop.book.sending.send_many(
        [(shop.cid, ["お返事が遅くなりました。"]), (cid2, ["ご登録ありがとうございます。"])],
        automatic=True)
    a, b = ok(a), ok(b)
    assert (a.via, b.via) == ("push", "reply") and a.ok and b.ok
    assert not a.fell_back and not b.fell_back
    assert [i["endpoint"] for i in shop.inbox()] == ["push"]
    assert [i["endpoint"] for i in shop.e.inbox(uid2)] == ["reply"]
    assert texts(shop.e.inbox(uid2)) == ["ご登録ありがとうございます。"]
    assert shop.used() == 1  # the reply was free
    key = stored_key(shop, a.message_ids[0])
    assert key and stored_key(shop, b.message_ids[0]) is None
    assert [s["retryKey"] for s in shop.e.sent() if s["endpoint"] == "push"] == [key]
    # LINE's message ids are kept, the rows settled.
    for result, uid in ((a, shop.uid), (b, uid2)):
        row = shop.book.messages.get(result.message_ids[0])
        assert row.state == "sent"
        assert row.line_message_id == shop.e.inbox(uid)[0]["sentMessages"][0]["id"]


def test_a_customer_twice_gets_both_in_order_each_token_once(shop: Shop) -> None:
    # The follow and the question each brought a token: two replies, then a push.
    results = [ok(r) for r in shop.book.sending.send_many(
        [(shop.cid, ["一通目"]), (shop.cid, ["二通目"]), (shop.cid, ["三通目"])])]
    assert [r.via for r in results] == ["reply", "reply", "push"]
    assert all(r.ok for r in results)
    assert texts(shop.inbox()) == ["一通目", "二通目", "三通目"]
    assert [i["endpoint"] for i in shop.inbox()] == ["reply", "reply", "push"]


def test_a_batch_is_stored_in_one_transaction_and_settled_in_one(
        shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    others = [friend(shop, f"友だち{i}", "こんにちは") for i in range(4)]
    shop.later(51)  # every window closed: pushes
    db = shop.book.db
    real_write, real_read = db.write, db.read
    counts = {"write": 0, "read": 0}

    def counted(kind: str, real: Any) -> Any:
        def open_session(*a: Any, **k: Any) -> Any:
            counts[kind] += 1
            return real(*a, **k)
        return open_session

    monkeypatch.setattr(db, "write", counted("write", real_write))
    monkeypatch.setattr(db, "read", counted("read", real_read))
    seen = []
    for batch in (others[:1], others[1:]):
        counts.update(write=0, read=0)
        results = shop.book.sending.send_many(
            [(cid, [f"お知らせ{uid[-4:]}"]) for uid, cid in batch], automatic=True)
        assert all(ok(r).ok and ok(r).via == "push" for r in results)
        seen.append(dict(counts))
    # The staging and the outcomes, however many messages; reads not per message either.
    assert seen[0]["write"] == seen[1]["write"] == 2
    assert seen[0]["read"] == seen[1]["read"]
    monkeypatch.undo()
    for uid, _ in others:
        assert texts(shop.e.inbox(uid)) == [f"お知らせ{uid[-4:]}"]
    assert shop.used() == 4


def test_rate_limits_and_5xx_are_ridden_out_with_the_same_key(shop: Shop) -> None:
    others = [friend(shop, f"友だち{i}", "こんにちは") for i in range(2)]
    shop.later(51)
    uid3, cid3 = friend(shop, "今の友だち", "いま書きました")  # this one's window is open
    shop.e.inject_fault("push", "500", count=2)
    shop.e.inject_fault("push", "429")
    shop.e.inject_fault("reply", "429")
    items: list[tuple[int, list[Any]]] = [(cid, ["セールのお知らせ"]) for _, cid in others]
    items.append((cid3, ["ご連絡ありがとうございます"]))
    results = [ok(r) for r in shop.book.sending.send_many(items, automatic=True)]
    assert all(r.ok for r in results)
    assert [r.via for r in results] == ["push", "push", "reply"]
    assert sum(r.attempts for r in results) == 3 + 3 + 1  # 500, 500, 429, then the reply's 429
    for uid, _ in [*others, (uid3, cid3)]:
        assert len(shop.e.inbox(uid)) == 1  # once each, whatever LINE answered first
    pushes = [s for s in shop.e.sent() if s["endpoint"] == "push"]
    assert len(pushes) == 2 and shop.used() == 2
    assert sorted(p["retryKey"] for p in pushes) == sorted(
        stored_key(shop, r.message_ids[0]) for r in results[:2])


def test_a_token_taken_meanwhile_makes_it_a_push_with_a_key(
        shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    sending = shop.book.sending
    real = sending._windows

    def windows_then_taken(customer_ids: Any) -> Any:
        out = real(customer_ids)
        for _, reply_to in out.values():
            if reply_to is not None:  # another send takes the token before the staging
                shop.book.messages.mark_reply_token_used(reply_to)
        return out

    monkeypatch.setattr(sending, "_windows", windows_then_taken)
    assert sending.reply_window(shop.cid).available
    (result,) = sending.send_many([(shop.cid, ["ありがとうございます。"])])
    result = ok(result)
    assert result.ok and result.via == "push" and not result.fell_back
    key = stored_key(shop, result.message_ids[0])
    assert key and [i["endpoint"] for i in shop.inbox()] == ["push"]
    assert [s["retryKey"] for s in shop.e.sent()] == [key]


def test_an_expired_reply_token_falls_back_to_push(shop: Shop) -> None:
    uid2, cid2 = friend(shop, "佐藤 次郎", "はじめまして")
    shop.e.advance_clock(61)  # LINE's clock ran ahead: it refuses tokens we think fresh
    results = [ok(r) for r in shop.book.sending.send_many(
        [(shop.cid, ["失礼しました。"]), (cid2, ["失礼しました。"])], automatic=True)]
    assert all(r.ok and r.via == "push" and r.fell_back for r in results)
    for r in results:
        assert stored_key(shop, r.message_ids[0])
    assert [i["endpoint"] for i in shop.inbox()] == ["push"]
    assert [i["endpoint"] for i in shop.e.inbox(uid2)] == ["push"]
    assert shop.used() == 2


def test_blocked_or_not_on_line_customers_fail_alone(shop: Shop) -> None:
    uid_b, cid_b = friend(shop, "鈴木 三郎", "よろしく")
    shop.e.block(uid_b)
    sync(shop.connected)
    uid_d, cid_d = friend(shop, "高橋 四郎", "こんにちは")
    not_on_line = shop.book.customers.create(name="木村 一郎")
    unknown_to_line = shop.book.customers.create(name="田中 五郎",
                                                 line_user_id="U" + "0123456789abcdef" * 2)
    results = shop.book.sending.send_many(
        [(shop.cid, ["一"]), (cid_b, ["二"]), (not_on_line, ["三"]),
         (unknown_to_line, ["四"]), (123456, ["五"]), (cid_d, ["六"]),
         (cid_d, shop.book.sending.compose(shop.cid, ["七"]))], automatic=True)
    first, blocked, off_line, refused, missing, last, misaddressed = results
    assert isinstance(misaddressed, ValidationError)
    assert isinstance(blocked, CustomerBlockedError)
    assert isinstance(off_line, NotOnLineError)
    assert isinstance(missing, NotFoundError)
    refused = ok(refused)
    assert refused.state == "failed" and refused.error_code == "send-refused"
    assert not refused.maybe_sent and refused.attempts == 1
    assert ok(first).ok and ok(last).ok
    assert texts(shop.inbox()) == ["一"] and texts(shop.e.inbox(uid_d)) == ["六"]
    assert states(shop, cid_b) == [] and states(shop, not_on_line) == []
    assert states(shop, unknown_to_line) == ["failed"]


def test_summaries_are_what_recompute_summary_makes(shop: Shop) -> None:
    _, cid2 = friend(shop, "佐藤 次郎", "はじめまして")
    shop.later(51)
    _, cid3 = friend(shop, "伊藤 六郎", "こんばんは")
    refused = shop.book.customers.create(name="田中 五郎",
                                         line_user_id="U" + "0123456789abcdef" * 2)
    cids = [shop.cid, cid2, cid3, refused]
    before = {cid: shop.book.messages.conversation(cid) for cid in cids}
    shop.book.sending.send_many(
        [(shop.cid, ["A"]), (cid2, ["B", "B2"]), (cid3, ["C"]), (refused, ["D"]),
         (cid3, ["E"])], automatic=True)
    after = {cid: shop.book.messages.conversation(cid) for cid in cids}
    for cid in cids:
        with shop.book.db.write() as s:
            conv = recompute_summary(s, cid)
            expected = (conv.last_at_ms, conv.last_type, conv.last_direction,
                        conv.last_preview, conv.unread_count, conv.status)
        got = after[cid]
        assert got is not None
        assert (got.last_at_ms, got.last_type, got.last_direction, got.last_preview,
                got.unread_count, got.status) == expected
        assert got.last_direction == "out"
        assert got.status == (before[cid].status if before[cid] else got.status)  # automatic
    previews = {cid: after[cid].last_preview for cid in cids}  # type: ignore[union-attr]
    assert previews == {shop.cid: "A", cid2: "B2", cid3: "E", refused: "D"}


class Crash(BaseException):
    """The process dying right after the staging committed (nothing catches it)."""


def test_a_crash_after_the_staging_leaves_them_sending_and_never_sends_twice(
        shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    others = [friend(shop, f"友だち{i}", "こんにちは") for i in range(2)]
    shop.later(51)  # pushes: what resume_pending finishes with the stored key
    cids = [shop.cid] + [cid for _, cid in others]
    with shop.book.db.write() as s:
        for n, cid in enumerate(cids):
            s.add(RuleSend(key=f"test:{n}", customer_id=cid, text=f"ようこそ{n}"))

    def crash(*_a: Any, **_k: Any) -> Any:
        raise Crash

    monkeypatch.setattr(shop.book.sending, "_attempt", crash)
    with pytest.raises(Crash):
        send_pending(shop.book)
    monkeypatch.undo()
    assert shop.e.sent() == []
    for n, cid in enumerate(cids):  # every message of the chunk stored before any try
        assert states(shop, cid) == ["sending"]
        conv = shop.book.messages.conversation(cid)  # and shown in the conversation list
        assert conv is not None and conv.last_preview == f"ようこそ{n}"
        assert conv.last_direction == "out"
    with shop.book.db.read() as s:
        assert set(s.scalars(select(RuleSend.state))) == {"sending"}
    # The engine never tries them again (at most once)...
    report = send_pending(shop.book)
    assert (report.sent, report.send_failed) == (0, 0) and shop.e.sent() == []
    # ...the inbox's resume finishes them with their stored keys: once each.
    resumed = shop.book.sending.resume_pending()
    assert len(resumed) == 3 and all(r.ok and r.via == "push" for r in resumed)
    assert texts(shop.inbox()) == ["ようこそ0"]
    for n, (uid, _) in enumerate(others, start=1):
        assert texts(shop.e.inbox(uid)) == [f"ようこそ{n}"]
    assert len(shop.e.sent()) == 3
    assert shop.book.sending.resume_pending() == []
