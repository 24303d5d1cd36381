"""Each figure against a plain-Python count over the same random history (conftest)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

from app.analytics import figures
from app.analytics.period import Period, bucket_of, buckets
from tests.analytics.conftest import History, ms

JST = dt.timedelta(hours=9)
PERIOD = Period(dt.date(2026, 9, 20), dt.date(2026, 11, 10))


def _in(period: Period, at: dt.datetime) -> bool:
    return period.start <= (at + JST).date() <= period.end


def test_period_previous_and_buckets() -> None:
    p = Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert p.previous() == Period(dt.date(2026, 10, 31), dt.date(2026, 11, 30))
    assert buckets(p, "month") == [dt.date(2026, 12, 1)]
    assert buckets(p, "week")[0] == dt.date(2026, 11, 30)  # the Monday
    assert len(buckets(p, "day")) == 31
    # 2026-12-01 00:00 JST is 2026-11-30 15:00 UTC
    assert p.utc_bounds()[0] == dt.datetime(2026, 11, 30, 15)


def test_friends_per_grain_and_previous(history: tuple) -> None:
    book, h = history
    for grain in ("day", "week", "month"):
        for period in (PERIOD, PERIOD.previous()):
            expected: Counter[tuple[dt.date, str]] = Counter(
                (bucket_of((at + JST).date(), grain), kind) for _, at, kind in h.events
                if _in(period, at))
            with book.db.read() as s:
                fig = figures.friends(s, period, grain)
            assert [r.bucket for r in fig.rows] == buckets(period, grain)
            for r in fig.rows:
                assert r.added == expected[(r.bucket, "line_followed")]
                assert r.blocked == expected[(r.bucket, "line_blocked")]
                assert r.unblocked == expected[(r.bucket, "line_unblocked")]
                assert r.net == r.added + r.unblocked - r.blocked
            total = fig.total()
            assert total.added == sum(1 for _, at, k in h.events
                                      if k == "line_followed" and _in(period, at))
    assert sum(r.added for r in fig.rows) > 0  # the data exercise the figure


def test_block_rate_after_broadcasts(history: tuple) -> None:
    book, h = history
    period = Period(dt.date(2026, 9, 1), dt.date(2026, 12, 31))
    with book.db.read() as s:
        got = figures.block_after_broadcasts(s, period)
    assert len(got) == len(h.casts)
    for row, (bid, started, recipients, delivered) in zip(got, h.casts, strict=True):
        blocked = {cid for cid, at, kind in h.events if kind == "line_blocked"
                   and cid in recipients and started <= at < started + dt.timedelta(hours=24)}
        assert row.broadcast_id == bid
        assert row.delivered == delivered
        assert row.blocked_24h == len(blocked)
        assert math.isclose(row.rate, len(blocked) / delivered)


def test_tag_distribution(history: tuple) -> None:
    book, h = history
    with book.db.read() as s:
        got = {t.name: (t.customers, t.share) for t in figures.tag_distribution(s)}
    for tid, members in h.tags.items():
        n, share = got[h.tag_names[tid]]
        assert n == len(members)
        assert math.isclose(share, len(members) / len(h.customers))


def _response_times(h: History, period: Period) -> list[float]:
    lo, hi = ms(dt.datetime.combine(period.start, dt.time()) - JST), ms(
        dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time()) - JST)
    waits = []
    by_customer: dict[int, list[tuple[int, str]]] = {}
    for cid, direction, mtype, at in h.messages:
        if mtype not in ("system", "postback"):
            by_customer.setdefault(cid, []).append((at, direction))
    # A wait starts at a friend's message the shop had not answered (looking at all their
    # messages), belongs to the period it started in, and counts when answered within 30
    # days after the period.
    for msgs in by_customer.values():
        pending = None
        for at, direction in sorted(msgs):
            if direction == "in" and pending is None:
                pending = at
            elif direction == "out" and pending is not None:
                if lo <= pending < hi and at < hi + 30 * 86_400_000:
                    waits.append((at - pending) / 1000)
                pending = None
    return sorted(waits)


def test_messages_counts_response_times_unanswered(history: tuple) -> None:
    book, h = history
    with book.db.read() as s:
        fig = figures.messages(s, PERIOD, "week")
    want_in: Counter[dt.date] = Counter()
    want_out: Counter[dt.date] = Counter()
    for _, direction, mtype, at in h.messages:
        day = (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=at) + JST).date()
        if mtype in ("system", "postback") or not PERIOD.start <= day <= PERIOD.end:
            continue
        (want_in if direction == "in" else want_out)[bucket_of(day, "week")] += 1
    assert {r.bucket: r.received for r in fig.rows if r.received} == dict(want_in)
    assert {r.bucket: r.sent for r in fig.rows if r.sent} == dict(want_out)
    waits = _response_times(h, PERIOD)
    assert fig.responses == len(waits) > 0
    assert fig.response_median_s == waits[math.ceil(0.5 * len(waits)) - 1]
    assert fig.response_p90_s == waits[math.ceil(0.9 * len(waits)) - 1]
    assert fig.unanswered_chats == sum(
        1 for d, t in h.last.values() if d == "in" and t not in ("system", "postback"))


def test_percentile_nearest_rank() -> None:
    assert figures.percentile([], 0.5) is None
    assert figures.percentile([5.0], 0.9) == 5.0
    assert figures.percentile([1, 2, 3, 4], 0.5) == 2
    assert figures.percentile(list(range(1, 11)), 0.9) == 9


def test_broadcasts_and_month_quota(history: tuple) -> None:
    book, h = history
    period = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    with book.db.read() as s:
        fig = figures.broadcasts(s, period, month_limit=1000)
    want = [c for c in h.casts if _in(period, c[1])]
    assert [r.broadcast_id for r in fig.results] == [c[0] for c in want]
    assert fig.month_used == sum(c[3] for c in want)
    assert fig.month_share == fig.month_used / 1000


def test_form_answers_and_choice_shares(history: tuple) -> None:
    book, h = history
    with book.db.read() as s:
        (fig,) = figures.forms(s, PERIOD)
    answers = [v for at, v in h.answers if _in(PERIOD, at)]
    assert fig.answers == len(answers)
    visit, likes = fig.items
    answered = [v["visit"] for v in answers if v.get("visit")]
    assert visit.answered == len(answered)
    for c in visit.choices:
        assert c.count == answered.count(c.label)
        assert math.isclose(c.share, c.count / len(answered))
    picked = [x for v in answers for x in v["likes"]]
    assert likes.answered == sum(1 for v in answers if v["likes"])
    assert {c.label: c.count for c in likes.choices} == {
        "パン": picked.count("パン"), "ケーキ": picked.count("ケーキ")}


def test_dashboard_has_comparison(history: tuple) -> None:
    book, _ = history
    with book.db.read() as s:
        d = figures.dashboard(s, PERIOD, "month")
    assert d.friends_before.period == PERIOD.previous()
    assert d.messages_before.period == PERIOD.previous()
