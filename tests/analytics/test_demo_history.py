"""The demo's past (app/analytics/demo.py): the dashboard has something to show, and no
customer is added or changes state."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from app.analytics import figures
from app.analytics.demo import BROADCASTS, DAYS, add_history
from app.analytics.period import Period
from app.profile import Profile
from app.search import CustomerQuery
from app.store.models import Message, TimelineEvent

NOW = dt.datetime(2026, 11, 20, 3, 0)


def test_history_fills_the_dashboard_without_changing_customers(tmp_path: Path) -> None:
    book = Profile(tmp_path / "profile").create(passphrase="しっかりした合言葉 2026")
    try:
        ids = [book.customers.create(display_name=f"友だち{i}", line_user_id=f"U{i:032x}")
               for i in range(40)]
        blocked = ids[0]
        book.customers.update(blocked, blocked_at=dt.datetime(2026, 11, 1))
        before = [(c.id, c.blocked_at, c.followed_at) for c in
                  (book.customers.get(i) for i in ids)]
        with book.db.read() as s:  # what creating the cards wrote
            earlier = set(s.scalars(select(TimelineEvent.id)))
        written = add_history(book, ids, [f"U{i:032x}" for i in range(40)],
                              random.Random(1), now=NOW)
        assert [(c.id, c.blocked_at, c.followed_at) for c in
                (book.customers.get(i) for i in ids)] == before
        assert book.search.ids(CustomerQuery()) == ids
        with book.db.read() as s:
            events = [(c, k, a) for i, c, k, a in s.execute(select(
                TimelineEvent.id, TimelineEvent.customer_id, TimelineEvent.kind,
                TimelineEvent.at)) if i not in earlier]
            n_messages = len(s.scalars(select(Message.id)).all())
            period = Period((NOW - dt.timedelta(days=DAYS)).date(), NOW.date())
            friends = figures.friends(s, period, "month").total()
            messages = figures.messages(s, period, "month")
            blocks = figures.block_after_broadcasts(s, period)
        kinds = Counter(k for _c, k, _a in events)
        # Each friend followed once; every block in the past was undone.
        assert Counter(c for c, k, _a in events if k == "line_followed") == Counter(ids)
        assert kinds["line_blocked"] == kinds["line_unblocked"] > 0
        assert all(NOW - dt.timedelta(days=DAYS) <= a < NOW for _c, _k, a in events)
        assert (friends.added, friends.blocked, friends.unblocked) == (
            40, kinds["line_blocked"], kinds["line_unblocked"])
        assert n_messages == written > 0
        assert sum(r.received + r.sent for r in messages.rows) == written
        assert messages.response_median_s is not None and messages.responses > 0
        assert [b.name for b in blocks] == list(BROADCASTS)
        assert any(b.blocked_24h for b in blocks)
        # The past chats are read: the inbox's unread count is the live friends' alone.
        assert book.messages.unread_total() == 0
    finally:
        book.close()
