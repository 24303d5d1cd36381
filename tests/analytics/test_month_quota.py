# ruff: noqa: F811 - the fixtures imported below are parameters by name
"""The dashboard asks LINE (the emulator, over HTTP with the real line-bot-sdk) for the
month's messages and the plan's limit; without a channel or with LINE unreachable it
carries on without them."""

from __future__ import annotations

import datetime as dt

from app.analytics import dashboard
from app.analytics.period import Period
from app.book import Book
from tests.sync.conftest import (  # noqa: F401
    Connected,
    book,
    connected,
    line,
    profile,
    relay,
)

PERIOD = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def test_the_dashboard_carries_lines_count_of_the_month(connected: Connected) -> None:
    connected.emulator.set_quota(type="limited", value=5000, total_usage=1234)
    data = dashboard.compute(connected.book, PERIOD, "day", True)
    assert data.quota is not None
    assert (data.quota.limit, data.quota.used) == (5000, 1234)
    connected.emulator.set_quota(type="none")
    connected.book.sending.quota(refresh=True)  # past the 30 s cache
    data = dashboard.compute(connected.book, PERIOD, "day", True)
    assert data.quota is not None and data.quota.limit is None


def test_without_a_channel_or_with_line_down_the_figures_still_come(
        connected: Connected, book: Book) -> None:
    connected.line.stop()
    data = dashboard.compute(book, PERIOD, "day", True)
    assert data.quota is None and "messages" in data.tables


def test_a_book_with_no_channel_has_no_quota(book: Book) -> None:
    data = dashboard.compute(book, PERIOD, "day", False)
    assert data.quota is None and "friends" in data.tables
