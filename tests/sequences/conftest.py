"""Fixtures: the broadcast tests' paired book with LINE friends on the emulator."""

from __future__ import annotations

import datetime as dt

import pytest

from app.line.send.delivery import RetryPolicy
from tests.broadcast.conftest import Shop, make_shop
from tests.sync.conftest import (  # noqa: F401 - fixtures used by name
    Connected,
    book,
    connected,
    emulator,
    line,
    profile,
    relay,
)

#: 2026-12-01 09:00 Japan time.
T0 = dt.datetime(2026, 12, 1, 0, 0)

THREE_STEPS = {
    "name": "ご来店後フォロー",
    "steps": [
        {"after": {"minutes": 10}, "text": "{名前}様、ご来店ありがとうございました（1通目）"},
        {"after": {"days": 1}, "text": "その後いかがですか（2通目）"},
        {"after": {"day": 3, "at": "10:00"}, "texts": ["次回のご予約はこちら（3通目）", "またね"]},
    ],
    "stop_on": {"block": True, "reply": True},
}


def quick(shop: Shop) -> None:
    shop.book.sequences.retry_policy = RetryPolicy(attempts=6, base=0.01, cap=0.05)


@pytest.fixture
def friends(connected: Connected) -> Shop:  # noqa: F811 - the fixture, by name
    """12 friends."""
    shop = make_shop(connected, 12)
    quick(shop)
    return shop


__all__ = ["T0", "THREE_STEPS", "Shop", "quick"]
