"""Fixtures: the sync tests' emulator, relay and paired book, with 2,000 LINE friends.

The friends are made quickly: on the emulator with ``add_user(notify=False)`` (no follow
webhook to sync), and in the book by inserting their customer rows directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import insert

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
    ids = {uid: b.customers.by_line_user_id(uid) for uid in uids}
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
        return {uid: sum(1 for texts in self.received(uid) if text in texts)
                for _, uid in self.friends}

    def sync(self) -> None:
        sync(self.connected)


@pytest.fixture
def shop(connected: Connected) -> Shop:  # noqa: F811 - the fixture, by name
    quick(connected.book)
    connected.emulator.set_quota(type="limited", value=100_000, total_usage=0)
    return Shop(connected, add_friends(connected.book, connected.emulator, FRIENDS))


__all__ = ["FRIENDS", "Rate", "Shop", "add_friends", "quick"]
