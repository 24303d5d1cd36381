"""The broadcast engine against the emulator over HTTP, 2,000 recipients."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import text

from app.broadcast import (
    BroadcastFinishedError,
    NoOwnerError,
    PlanChangedError,
    QuotaExceededError,
    Recipients,
)
from app.errors import ValidationError
from tests.broadcast.conftest import FRIENDS, Shop, add_friends

TEXT = "年末セールのお知らせ：12月28日まで全品10%オフ"


def test_plan_counts_cost_and_quota(shop: Shop) -> None:
    b = shop.book
    shop.e.set_quota(type="limited", value=5000, total_usage=1000)
    plan = b.broadcasts.plan([TEXT, "ご来店お待ちしております"], Recipients.all_friends())
    assert plan.count == FRIENDS
    # Two bubbles in one request still count one message per recipient.
    assert plan.cost == FRIENDS
    assert plan.quota_remaining == 4000
    assert not plan.exceeds_quota and not plan.personal
    assert plan.batches == 4
    picked = [cid for cid, _ in shop.friends[:7]]
    plan = b.broadcasts.plan("{名前}様へ", Recipients.customers(picked))
    assert plan.personal and plan.count == 7 and plan.batches == 7


def test_everyone_gets_it_exactly_once_by_multicast(shop: Shop) -> None:
    b = shop.book
    seen: list[tuple[int, int]] = []
    plan = b.broadcasts.plan(TEXT, Recipients.all_friends(), name="年末セール")
    bid = b.broadcasts.create(plan)
    report = b.broadcasts.run(bid, progress=lambda done, total: seen.append((done, total)))
    assert report.state == "done"
    assert (report.counts.sent, report.counts.failed, report.counts.not_sent) == (FRIENDS, 0, 0)
    assert set(shop.times_received(TEXT).values()) == {1}
    sent = [r for r in shop.e.sent() if r["endpoint"] == "multicast"]
    assert len(sent) == 4 and all(r["recipients"] == 500 for r in sent)
    assert len({r["retryKey"] for r in sent}) == 4
    assert seen[-1] == (FRIENDS, FRIENDS)
    info = b.broadcasts.get(bid)
    assert info.state == "done" and info.cost == FRIENDS and info.texts == (TEXT,)
    assert info.counts.sent == FRIENDS and info.name == "年末セール"
    assert [x.id for x in b.broadcasts.list()] == [bid]
    # Running a finished job again sends nothing more.
    assert b.broadcasts.run(bid).state == "done"
    assert set(shop.times_received(TEXT).values()) == {1}


def test_429_500_and_dropped_answers_are_ridden_out(shop: Shop) -> None:
    b = shop.book
    e = shop.e
    e.inject_fault("multicast", "429", count=2)
    e.inject_fault("multicast", "500", count=2)
    e.inject_fault("multicast", "accept_then_drop", count=1)
    e.inject_fault("multicast", "drop", count=1)
    bid = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.all_friends()))
    report = b.broadcasts.run(bid)
    assert report.state == "done" and report.counts.sent == FRIENDS
    assert set(shop.times_received(TEXT).values()) == {1}
    assert e.quota()["totalUsage"] == FRIENDS


def test_personalised_text_is_right_for_each_recipient(shop: Shop) -> None:
    b = shop.book
    e = shop.e
    chosen = shop.friends[:300]
    e.inject_fault("push", "500", count=3)
    e.inject_fault("push", "accept_then_drop", count=2)
    plan = b.broadcasts.plan(["{名前}様、いつもありがとうございます", "{表示名}さん限定クーポン"],
                             Recipients.customers([cid for cid, _ in chosen]))
    report = b.broadcasts.run(b.broadcasts.create(plan))
    assert report.counts.sent == 300
    for cid, uid in chosen:
        got = shop.received(uid)
        assert len(got) == 1, uid
        c = b.customers.get(cid)
        assert got[0] == [f"{c.name or c.display_name}様、いつもありがとうございます",
                          f"{c.display_name}さん限定クーポン"]
    assert all(shop.received(uid) == [] for _, uid in shop.friends[300:])


def test_over_quota_is_refused_or_trimmed(shop: Shop) -> None:
    b = shop.book
    shop.e.set_quota(type="limited", value=1500, total_usage=500)
    plan = b.broadcasts.plan(TEXT, Recipients.all_friends())
    assert plan.exceeds_quota and plan.quota_remaining == 1000
    with pytest.raises(QuotaExceededError):
        b.broadcasts.create(plan)
    assert b.broadcasts.list() == []
    bid = b.broadcasts.create(plan, trim_to_quota=True)
    report = b.broadcasts.run(bid)
    assert (report.counts.sent, report.counts.not_sent) == (1000, 1000)
    got = shop.times_received(TEXT)
    assert Counter(got.values()) == {1: 1000, 0: 1000}
    # The first thousand by customer id got it; the others are recorded as not sent.
    firsts = {uid for _, uid in sorted(shop.friends)[:1000]}
    assert {uid for uid, n in got.items() if n} == firsts
    assert {r.reason for r in b.broadcasts.results(bid, state="not_sent")} == {"quota"}


def test_a_plan_whose_numbers_changed_since_confirmed_is_not_stored(small_shop: Shop) -> None:
    """The owner said yes to 50; a friend followed before the job was stored: nothing is
    stored or sent, and the owner decides again on 51."""
    b = small_shop.book
    confirmed = b.broadcasts.plan(TEXT, Recipients.all_friends()).sending()
    assert confirmed == 50
    add_friends(b, small_shop.e, 1, start=50)
    plan = b.broadcasts.plan(TEXT, Recipients.all_friends())
    with pytest.raises(PlanChangedError):
        b.broadcasts.create(plan, confirmed=confirmed)
    assert b.broadcasts.list() == [] and small_shop.e.sent() == []
    bid = b.broadcasts.create(plan, confirmed=plan.sending())
    assert b.broadcasts.run(bid).counts.sent == 51
    # Trimmed, the number confirmed is what remains of the month, not everyone.
    small_shop.e.set_quota(type="limited", value=100_000, total_usage=100_000 - 10)
    over = b.broadcasts.plan(TEXT, Recipients.all_friends())
    assert over.exceeds_quota and over.sending(True) == 10 and over.sending() == 51
    with pytest.raises(PlanChangedError):
        b.broadcasts.create(over, trim_to_quota=True, confirmed=51)


def test_an_exhausted_quota_stops_cleanly(shop: Shop) -> None:
    b = shop.book
    bid = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.all_friends()))
    # Between planning and sending, the month's messages went elsewhere: 1,000 remain.
    shop.e.set_quota(type="limited", value=1000, total_usage=0)
    report = b.broadcasts.run(bid)
    assert report.state == "stopped"
    assert (report.counts.sent, report.counts.not_sent, report.counts.failed) == \
        (1000, 1000, 0)
    assert Counter(shop.times_received(TEXT).values()) == {1: 1000, 0: 1000}
    assert shop.e.quota()["totalUsage"] == 1000
    assert b.broadcasts.get(bid).error == "quota"


def test_cancel_midway_sends_no_more(shop: Shop) -> None:
    b = shop.book
    b.broadcasts.wave["multicast"] = 1
    bid = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.all_friends()))
    report = b.broadcasts.run(bid, cancel=lambda: b.broadcasts.get(bid).counts.sent >= 500)
    assert report.state == "cancelled"
    # The request in flight when it was cancelled may still go; nothing after it.
    assert report.counts.sent in (500, 1000)
    assert report.counts.not_sent == FRIENDS - report.counts.sent
    got = shop.times_received(TEXT)
    uid_of = dict(shop.friends)
    sent = {uid_of[r.customer_id] for r in b.broadcasts.results(bid, state="sent")}
    assert {uid for uid, n in got.items() if n == 1} == sent and set(got.values()) <= {0, 1}
    assert {r.reason for r in b.broadcasts.results(bid, state="not_sent")} == {"cancelled"}
    assert b.broadcasts.run(bid).state == "cancelled"
    assert shop.times_received(TEXT) == got


def test_cancel_before_it_runs(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    bid = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.all_friends()))
    planned = b.broadcasts.get(bid)
    assert planned.planned and planned.cost == len(shop.friends) and planned.used == 0
    b.broadcasts.cancel(bid)
    assert b.broadcasts.run(bid).state == "cancelled"
    info = b.broadcasts.get(bid)
    assert info.counts.not_sent == len(shop.friends)
    # The history tells what it used (nothing), not what it was going to cost.
    assert not info.planned and info.used == 0 and info.cost == len(shop.friends)
    assert info.finished_at is not None
    assert [i.used for i in b.broadcasts.list() if i.id == bid] == [0]
    assert shop.e.sent() == []


def test_customers_who_blocked_since_planning_are_skipped(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    plan = b.broadcasts.plan("{名前}様 今月のおすすめ",
                             Recipients.customers([cid for cid, _ in shop.friends[:40]]))
    bid = b.broadcasts.create(plan)
    blockers = shop.friends[:3]
    for _, uid in blockers:
        shop.e.block(uid)
    shop.sync()  # the unfollow webhooks reach the book through the relay
    report = b.broadcasts.run(bid)
    assert (report.counts.sent, report.counts.skipped) == (37, 3)
    assert b.broadcasts.get(bid).used == 37  # the skipped ones were not in the request
    skipped = b.broadcasts.results(bid, state="skipped")
    assert {(r.customer_id, r.reason) for r in skipped} == {(cid, "blocked")
                                                           for cid, _ in blockers}
    assert all(shop.received(uid) == [] for _, uid in blockers)
    # Blocked customers are not even planned next time.
    again = b.broadcasts.plan(TEXT, Recipients.customers([cid for cid, _ in shop.friends[:40]]))
    assert again.count == 37


def test_recipients_by_tag_segment_and_selection(small_shop: Shop) -> None:
    shop = small_shop
    from app.segments import Group, TagCondition

    b = shop.book
    tag = b.tags.create("VIP")
    tagged = [cid for cid, _ in shop.friends[10:40]]
    b.tags.add(tagged, [tag])
    assert [c for c, _ in b.broadcasts.plan(TEXT, Recipients.tag(tag)).targets] == tagged
    seg = b.segments.save("VIPの方", Group(items=(TagCondition("any", (tag,)),)))
    assert b.broadcasts.plan(TEXT, Recipients.segment(seg)).count == 30
    # Not on LINE: never a recipient, even when picked by hand.
    offline = b.customers.create(name="来店のみ")
    assert b.broadcasts.plan(TEXT, Recipients.customers([offline, tagged[0]])).count == 1


def test_bad_content_is_refused_before_anything_is_stored(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    for bad in ([], [" "], ["x" * 5001], ["a", "b", "c", "d", "e", "f"], ["\ud800"]):
        with pytest.raises(ValidationError):
            b.broadcasts.plan(bad, Recipients.all_friends())
    assert b.broadcasts.list() == []


def test_a_refused_batch_fails_with_lines_reason(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    bid = b.broadcasts.create(b.broadcasts.plan(
        "{名前}様", Recipients.customers([cid for cid, _ in shop.friends[:5]])))
    # A friend whose LINE id LINE does not know (changed in the book after planning).
    cid = shop.friends[0][0]
    bogus = "U" + "0" * 32
    with b.db.write() as s:
        s.execute(text("UPDATE broadcast_recipient SET line_user_id = :u "
                       "WHERE customer_id = :c"), {"u": bogus, "c": cid})
        s.execute(text("UPDATE customer SET line_user_id = :u WHERE id = :c"),
                  {"u": bogus, "c": cid})
    report = b.broadcasts.run(bid)
    assert (report.counts.sent, report.counts.failed) == (4, 1)
    failed = b.broadcasts.results(bid, state="failed")
    assert failed[0].customer_id == cid and "Failed to send messages" in (failed[0].reason or "")


def test_scheduled_due_and_missed(small_shop: Shop) -> None:
    shop = small_shop
    import datetime as dt

    b = shop.book
    at = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    soon = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.all_friends(), at=at))
    early = b.broadcasts.create(b.broadcasts.plan(
        TEXT, Recipients.all_friends(), at=at - dt.timedelta(hours=2)))
    assert b.broadcasts.get(soon).state == "scheduled"
    assert b.broadcasts.due(at - dt.timedelta(minutes=1)) == []
    assert b.broadcasts.due(at + dt.timedelta(minutes=1)) == [soon]
    assert b.broadcasts.missed(at + dt.timedelta(minutes=1)) == [early]
    # A missed one is never sent by resume_all(): only when the owner says so.
    assert b.broadcasts.resume_all() == []
    assert shop.e.sent() == []
    assert b.broadcasts.run(soon).counts.sent == len(shop.friends)


def test_history_export_csv(small_shop: Shop, tmp_path) -> None:
    shop = small_shop
    b = shop.book
    chosen = [cid for cid, _ in shop.friends[:10]]
    bid = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.customers(chosen)))
    b.broadcasts.run(bid)
    out = tmp_path / "results.csv"
    assert b.broadcasts.export_csv(bid, out) == 10
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").splitlines()
    assert lines[0] == "顧客ID,名前,結果,理由" and len(lines) == 11
    assert lines[1].startswith(f"{chosen[0]},顧客 0,sent")
    # In the owner's words when the window gives them; reasons too (a LINE text the
    # words do not know is written as it is).
    cancelled = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.customers(chosen[:3])))
    b.broadcasts.cancel(cancelled)
    results = {"sent": "送信済み", "not_sent": "未送信"}
    reasons = {"cancelled": "配信を中止しました"}
    words = tmp_path / "words.csv"
    assert b.broadcasts.export_csv(cancelled, words, result_words=lambda c: results.get(c, c),
                                   reason_words=lambda c: reasons.get(c, c)) == 3
    rows = words.read_bytes()[3:].decode("utf-8").splitlines()
    assert rows[1:] == [f"{chosen[0]},顧客 0,未送信,配信を中止しました",
                        f"{chosen[1]},友だち1,未送信,配信を中止しました",
                        f"{chosen[2]},顧客 2,未送信,配信を中止しました"]
    assert b.broadcasts.export_csv(bid, words, result_words=lambda c: results.get(c, c),
                                   reason_words=lambda c: reasons.get(c, c)) == 10
    assert words.read_bytes()[3:].decode("utf-8").splitlines()[1] == \
        f"{chosen[0]},顧客 0,送信済み,"
    assert any(e.action == "broadcast_export" and e.count == 10 for e in b.audit.entries())
    history = b.broadcasts.for_customer(chosen[0])
    assert [(i.id, r.state) for i, r in history] == [(cancelled, "not_sent"), (bid, "sent")]


def test_test_send_goes_to_the_owner_only(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    with pytest.raises(NoOwnerError):
        b.broadcasts.test_send([TEXT])
    cid, uid = shop.friends[5]
    b.customers.update(cid, is_owner=True, name="店主")
    result = b.broadcasts.test_send(["{名前}さん、テスト送信です"])
    assert result.ok
    assert shop.received(uid) == [["店主さん、テスト送信です"]]
    assert sum(len(shop.e.inbox(u)) for _, u in shop.friends) == 1


def test_line_out_of_reach_interrupts_then_resumes_once(small_shop: Shop) -> None:
    shop = small_shop
    b = shop.book
    e = shop.e
    # The first try is accepted but its answer is a 500; every later try fails too, so
    # the run gives up on the batch without knowing that LINE has it.
    e.inject_fault("multicast", "accept_then_500", count=1)
    e.inject_fault("multicast", "500", count=5)
    bid = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.all_friends()))
    report = b.broadcasts.run(bid)
    assert report.state == "interrupted" and report.counts.pending == len(shop.friends)
    assert b.broadcasts.get(bid).state == "sending"
    assert set(shop.times_received(TEXT).values()) == {1}
    [again] = b.broadcasts.resume_all()
    assert again.state == "done" and again.counts.sent == len(shop.friends)
    # The retry with the same key was answered 409: nothing went out a second time.
    assert set(shop.times_received(TEXT).values()) == {1}
    assert e.quota()["totalUsage"] == len(shop.friends)


def test_a_key_line_may_have_forgotten_is_never_retried(small_shop: Shop) -> None:
    import time

    shop = small_shop
    b = shop.book
    chosen = [cid for cid, _ in shop.friends[:4]]
    bid = b.broadcasts.create(b.broadcasts.plan("{名前}様", Recipients.customers(chosen)))
    # As a process killed a day ago would have left it: the first push maybe tried.
    with b.db.write() as s:
        s.execute(text("UPDATE broadcast_batch SET state = 'sending' WHERE broadcast_id = :b "
                       "AND seq = 0"), {"b": bid})
        keys = dict(s.execute(text("SELECT seq, retry_key FROM broadcast_batch "
                                   "WHERE broadcast_id = :b"), {"b": bid}).all())
    b.broadcasts.clock = lambda: time.time() + 24 * 3600
    report = b.broadcasts.run(bid)
    assert (report.counts.sent, report.counts.failed) == (3, 1)
    [unknown] = b.broadcasts.results(bid, state="failed")
    assert unknown.customer_id == chosen[0] and unknown.reason == "unknown"
    assert shop.received(shop.friends[0][1]) == []
    used = {r["retryKey"] for r in shop.e.sent()}
    # The never-tried batches went with new keys; the old ones were never used.
    assert len(used) == 3 and not used & set(keys.values())


def test_recipients_that_no_longer_exist(small_shop: Shop) -> None:
    from app.errors import NotFoundError

    b = small_shop.book
    tag = b.tags.create("消える")
    b.tags.delete(tag)
    for gone in (Recipients.tag(tag), Recipients.segment(999)):
        with pytest.raises(NotFoundError):
            b.broadcasts.plan(TEXT, gone)
    with pytest.raises(NotFoundError):
        b.broadcasts.run(12345)
    from app.broadcast import NoRecipientsError

    with pytest.raises(NoRecipientsError):
        b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.customers([999_999])))


def test_cancel_from_another_thread_and_no_second_run(shop: Shop) -> None:
    import threading

    from tests.sync.support import wait_until

    b = shop.book
    b.broadcasts.wave["multicast"] = 1
    shop.e.inject_fault("multicast", "delay", count=2, seconds=1.0)
    bid = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.all_friends()))
    reports = []
    worker = threading.Thread(target=lambda: reports.append(b.broadcasts.run(bid)))
    worker.start()
    try:
        wait_until(lambda: b.broadcasts.get(bid).state == "sending", what="the run")
        with pytest.raises(ValidationError):
            b.broadcasts.run(bid)  # already being sent: refused, nothing doubled
        b.broadcasts.cancel(bid)
    finally:
        worker.join(60)
    [report] = reports
    assert report.state == "cancelled" and report.counts.sent < FRIENDS
    assert report.counts.sent + report.counts.not_sent == FRIENDS
    got = shop.times_received(TEXT)
    uid_of = dict(shop.friends)
    sent = {uid_of[r.customer_id] for r in b.broadcasts.results(bid, state="sent")}
    assert {uid for uid, n in got.items() if n == 1} == sent and set(got.values()) <= {0, 1}
    with pytest.raises(BroadcastFinishedError):
        b.broadcasts.cancel(bid)


def test_cancel_from_another_process_stops_the_sender(shop: Shop) -> None:
    import threading

    from app.broadcast import BroadcastService
    from tests.sync.support import wait_until

    b = shop.book
    b.broadcasts.wave["multicast"] = 1
    shop.e.inject_fault("multicast", "delay", count=2, seconds=1.0)
    bid = b.broadcasts.create(b.broadcasts.plan(TEXT, Recipients.all_friends()))
    reports = []
    worker = threading.Thread(target=lambda: reports.append(b.broadcasts.run(bid)))
    worker.start()
    try:
        wait_until(lambda: b.broadcasts.get(bid).state == "sending", what="the run")
        # Another process's service knows nothing of this run but the book.
        BroadcastService(b).cancel(bid)
    finally:
        worker.join(60)
    [report] = reports
    assert report.state == "cancelled"
    counts = b.broadcasts.get(bid).counts
    assert counts.sent < FRIENDS and counts.pending == 0
    assert counts.sent + counts.not_sent + counts.failed == FRIENDS
    got = shop.times_received(TEXT)
    uid_of = dict(shop.friends)
    sent = {uid_of[r.customer_id] for r in b.broadcasts.results(bid, state="sent")}
    assert {uid for uid, n in got.items() if n == 1} == sent and set(got.values()) <= {0, 1}
