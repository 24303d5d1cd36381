"""Fixtures: the sync tests' emulator, relay and paired book, with 2,000 LINE friends.

The friends are made quickly: on the emulator with ``add_user(notify=False)`` (no follow
webhook to sync), and in the book by inserting their customer rows directly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import insert, select

from app.book import Book
from app.broadcast import Rate
from app.line.send.delivery import RetryPolicy
from app.store.models import Customer
from emulator import Emulator
from tests.inbox.conftest import sync
from tests.sync.conftest import (  # noqa: F401 - fixtures used by name
    Connected,
    book,
    connected,
    emulator,
    line,
    profile,
    relay,
)
from tests.sync.support import PASSPHRASE

FRIENDS = 2000


def quick(b: Book) -> None:
    """Retries without real waiting; rates unchanged (the emulator enforces LINE's)."""
    b.broadcasts.retry_policy = RetryPolicy(attempts=6, base=0.01, cap=0.05)


def add_friends(b: Book, e: Emulator, n: int, *, start: int = 0) -> list[tuple[int, str]]:
    """``n`` friends on LINE and in the book: (customer id, LINE user id), by id."""
    uids = [e.add_user(f"友だち{start + i}", notify=False) for i in range(n)]
    now = dt.datetime(2026, 1, 1)
    rows = [{"line_user_id": uid, "display_name": f"友だち{start + i}",
             "name": f"顧客 {start + i}" if i % 2 == 0 else "", "followed_at": now,
             "created_at": now, "updated_at": now} for i, uid in enumerate(uids)]
    with b.db.write() as s:
        s.execute(insert(Customer), rows)
        ids = dict(s.execute(select(Customer.line_user_id, Customer.id).where(
            Customer.line_user_id.in_(uids))).all())
    return [(int(ids[uid]), uid) for uid in uids]


@dataclass
class Shop:
    connected: Connected
    friends: list[tuple[int, str]]

    @property
    def book(self) -> Book:
        return self.connected.book

    @property
    def e(self) -> Emulator:
        return self.connected.emulator

    def received(self, uid: str) -> list[list[str]]:
        """The texts of each request that reached ``uid``."""
        return [[m.get("text", "") for m in item["messages"]] for item in self.e.inbox(uid)]

    def times_received(self, text: str) -> dict[str, int]:
        """How many requests reached each friend with a bubble containing ``text``."""
        return {uid: sum(1 for texts in self.received(uid) if any(text in t for t in texts))
                for _, uid in self.friends}

    def sync(self) -> None:
        sync(self.connected)

    @contextlib.contextmanager
    def closed(self) -> Iterator[None]:
        """The book closed here while another process (a command) uses it: one process
        owns a profile at a time (app/profile_lock.py). Opened again afterwards."""
        owner = self.book.profile
        self.book.close()
        try:
            yield
        finally:
            self.connected.book = owner.open(PASSPHRASE)
            quick(self.book)


def make_shop(paired: Connected, n: int) -> Shop:
    """A paired book with ``n`` friends (quick retries, a quota of 100,000)."""
    quick(paired.book)
    paired.emulator.set_quota(type="limited", value=100_000, total_usage=0)
    return Shop(paired, add_friends(paired.book, paired.emulator, n))


@pytest.fixture
def shop(connected: Connected) -> Shop:  # noqa: F811 - the fixture, by name
    """2,000 friends."""
    return make_shop(connected, FRIENDS)


@pytest.fixture
def small_shop(connected: Connected) -> Shop:  # noqa: F811 - the fixture, by name
    """50 friends, for what does not need many."""
    return make_shop(connected, 50)


__all__ = ["FRIENDS", "Rate", "Shop", "add_friends", "make_shop", "quick"]
