"""Fixtures: the sync tests' emulator, relay and paired book, with a relay that hosts images.

The relay's public address is an ``https://`` name that does not resolve: LINE (here, the
emulator) only checks that image URLs are https and never fetches them, and the tests
fetch them from the relay's loopback address instead (:func:`fetch_public`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.book import Book
from app.line.send.delivery import RetryPolicy
from emulator import Emulator
from tests.relay.harness import ManualClock, ThreadRelay
from tests.sync.conftest import (  # noqa: F401 - fixtures used by name
    Connected,
    book,
    connected,
    emulator,
    line,
    profile,
)
from tests.sync.support import fast_worker

PUBLIC_URL = "https://media.otokui.test"


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock(), public_url=PUBLIC_URL)
    yield running
    running.stop()


def quick(b: Book, relay: ThreadRelay) -> None:
    """Retries without real waiting; the reply window on the relay's (test) clock."""
    b.sending.retry_policy = RetryPolicy(attempts=4, base=0.01, cap=0.02)
    b.sending.reply_policy = RetryPolicy(attempts=3, base=0.01, cap=0.02)
    b.sending.clock = relay.clock


@dataclass
class Shop:
    """A paired book with a friend who just wrote; ``later(s)`` moves every clock."""

    connected: Connected
    uid: str
    cid: int

    @property
    def book(self) -> Book:
        return self.connected.book

    @property
    def e(self) -> Emulator:
        return self.connected.emulator

    def writes(self, text: str) -> None:
        """The friend writes; the desktop syncs it (a fresh reply token arrives)."""
        self.e.send_text(self.uid, text)
        sync(self.connected)

    def later(self, seconds: float) -> None:
        self.e.advance_clock(seconds)
        self.connected.relay.clock.advance(seconds)

    def inbox(self) -> list[dict]:
        return self.e.inbox(self.uid)

    def used(self) -> int:
        return self.e.quota()["totalUsage"]


def sync(paired: Connected) -> None:
    paired.emulator.wait_for_deliveries(10)
    report = fast_worker(paired.book).run_once()
    assert report.failed == report.unreadable == 0


@pytest.fixture
def shop(connected: Connected) -> Shop:  # noqa: F811 - the fixture, by name
    quick(connected.book, connected.relay)
    e = connected.emulator
    e.set_quota(type="limited", value=200, total_usage=0)
    uid = e.add_user("山田 花子", language="ja")
    e.advance_clock(1)
    e.send_text(uid, "明日の15時に予約できますか")
    sync(connected)
    cid = connected.book.customers.by_line_user_id(uid)
    assert cid is not None
    return Shop(connected, uid, cid)


def fetch_public(relay: ThreadRelay, url: str) -> httpx.Response:
    """GET an image URL the relay handed out, through its loopback address."""
    assert url.startswith(PUBLIC_URL + "/")
    return httpx.get(relay.base_url + url[len(PUBLIC_URL):], timeout=30)
