"""The demo book's past (docs/analytics.md): a few months of follows, blocks, chats with
the shop's replies and broadcasts, so that the 分析 dashboard shows something.

Only history is written, for the customers the demo already made: timeline events,
messages and broadcasts dated in the past. No customer is added and none changes state (a
block in the past is followed by its unblock), so the demo's counts and segments stay as
they are (tests/sync/test_demo.py). The live friends then add today's events on top.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.analytics.figures import BLOCKED, FOLLOWED, UNBLOCKED
from app.analytics.period import utc_to_ms
from app.messages import IN, OUT, ConversationStatus, recompute_summary
from app.store.models import Broadcast, BroadcastRecipient, Message, TimelineEvent

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.analytics.demo")

#: How far back the history goes.
DAYS = 120
#: What friends wrote and how the shop answered (Japanese, a salon).
QUESTIONS = ("今週末に予約できますか？", "カットとカラーでおいくらですか？",
             "駐車場はありますか？", "前回と同じ髪型でお願いしたいです。",
             "10分ほど遅れそうです。すみません！", "ありがとうございました！また伺います。")
ANSWERS = ("ご連絡ありがとうございます。空いております、お待ちしております。",
           "カット＋カラーは8,800円からです。", "店舗裏に2台分ございます。",
           "かしこまりました。お気をつけてお越しください。", "またのご来店をお待ちしております。")
BROADCASTS = ("秋の新メニューのお知らせ", "11月の休業日のお知らせ", "年末年始の営業について",
              "ヘッドスパ20%オフキャンペーン", "12月のご予約受付開始")


def add_history(book: Book, customer_ids: Sequence[int], line_user_ids: Sequence[str],
                rng: random.Random, *, now: dt.datetime | None = None) -> int:
    """Write the past of these customers (naive UTC ``now``, default the clock's).
    Returns how many messages were written."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    start = now - dt.timedelta(days=DAYS)

    def moment(lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
        span = max(1, int((hi - lo).total_seconds()))
        return lo + dt.timedelta(seconds=rng.randrange(span))

    casts = [start + dt.timedelta(days=12 + k * (DAYS - 20) // len(BROADCASTS), hours=1,
                                  minutes=rng.randrange(60)) for k in range(len(BROADCASTS))]
    written = 0
    with book.db.write() as s:
        followed: dict[int, dt.datetime] = {}
        for cid in customer_ids:
            # Friends joined through the months, more of them lately (a growing shop).
            at = start + (now - start - dt.timedelta(days=1)) * (rng.random() ** 0.7)
            followed[cid] = at
            s.add(TimelineEvent(customer_id=cid, kind=FOLLOWED, at=at, data={}))
            if rng.random() < 0.15:  # blocked for a while, then came back
                after = [c for c in casts if c > at]
                # Half of them right after a broadcast (what the block rate shows).
                blocked = (moment(after[0], after[0] + dt.timedelta(hours=20))
                           if after and rng.random() < 0.5
                           else moment(at, now - dt.timedelta(hours=2)))
                back = moment(blocked, now - dt.timedelta(hours=1))
                s.add(TimelineEvent(customer_id=cid, kind=BLOCKED, at=blocked, data={}))
                s.add(TimelineEvent(customer_id=cid, kind=UNBLOCKED, at=back, data={}))
            when = at
            for _ in range(rng.randint(0, 4)):
                when = moment(when, min(now - dt.timedelta(hours=1),
                                        when + dt.timedelta(days=30)))
                s.add(Message(customer_id=cid, direction=IN, type="text",
                              text=rng.choice(QUESTIONS), at_ms=utc_to_ms(when)))
                written += 1
                if rng.random() < 0.85:  # the shop answers, within minutes or hours
                    wait = dt.timedelta(minutes=min(rng.lognormvariate(3.2, 1.3), 60 * 20))
                    if when + wait < now:
                        when += wait
                        s.add(Message(customer_id=cid, direction=OUT, type="text",
                                      text=rng.choice(ANSWERS), at_ms=utc_to_ms(when),
                                      state="sent", send_via="push"))
                        written += 1
        s.flush()
        for cid in customer_ids:
            # The past is read: the inbox's unread count is what the live friends write.
            conv = recompute_summary(s, cid)
            if conv.last_at_ms is not None:
                conv.read_up_to_ms = conv.last_at_ms
                conv.unread_count = 0
                if conv.last_direction == OUT:  # answered: the inbox files it as done
                    conv.status = ConversationStatus.DONE.value
                    conv.status_at_ms = conv.last_at_ms
        users = dict(zip(customer_ids, line_user_ids, strict=True))
        for name, started in zip(BROADCASTS, casts, strict=True):
            reached = [c for c in customer_ids if followed[c] < started]
            b = Broadcast(name=name, state="done", endpoint="multicast",
                          content={"texts": [name], "bubbles": [{"type": "text",
                                                                 "text": name}]},
                          audience={"kind": "all"}, recipients=len(reached),
                          sent=len(reached), created_at=started, started_at=started,
                          finished_at=started + dt.timedelta(minutes=1))
            s.add(b)
            s.flush()
            s.add_all(BroadcastRecipient(broadcast_id=b.id, customer_id=c,
                                         line_user_id=users[c], state="sent")
                      for c in reached)
    return written


def add_demo_history(book: Book, friends: Sequence[str], rng: random.Random) -> int:
    """The demo's part (one line in app/demo.py): the past of the demo's friends, who all
    have a customer card by then."""
    pairs = [(cid, uid) for uid in friends
             if (cid := book.customers.by_line_user_id(uid)) is not None]
    written = add_history(book, [c for c, _ in pairs], [u for _, u in pairs], rng)
    log.info("demo history: %d customers, %d messages", len(pairs), written)
    return written
