"""100 friends press 予約する for the last time at once, over real HTTP (each from its own
loopback address, as from its own phone): exactly one booking, on SQLite and PostgreSQL.

Half want a cut at 10:00 with sato, half a color at 10:30 (指名なし: color is sato's
only): the windows overlap on sato's steps, so only one of all of them can have it; the
others see the "taken" page, and sato's other steps stay free."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.book import Book
from app.booking.service import (
    BOOKING_LINK_ID,
    BookingService,
    link_secret,
    publish_payload,
)
from relay.booking import front
from relay.booking.schema import booking_entries, booking_holds
from relay.forms import links
from relay.store import Store
from tests.relay.conftest import db_url  # noqa: F401 - fixture used by name
from tests.relay.harness import ManualClock, ThreadRelay

NOW = dt.datetime(2026, 12, 7, 8, 0)
NOW_S = NOW.replace(tzinfo=dt.timezone(dt.timedelta(hours=9))).timestamp()
FRIENDS = 100


@pytest.fixture
def relay(db_url: str, tmp_path: Path) -> Iterator[ThreadRelay]:  # noqa: F811
    running = ThreadRelay(db_url, tmp_path / "relay.log", clock=ManualClock(NOW_S))
    yield running
    running.stop()


def test_a_hundred_friends_race_for_the_last_time(relay: ThreadRelay, book: Book,
                                                  bookings: BookingService) -> None:
    # Only sato's 10:00-12:15 is left on Monday (the rest of his day and suzuki's are
    # taken in the book), published per step.
    bookings.make(menu_id="cut", start=dt.datetime(2026, 12, 7, 12, 30), staff_id="sato")
    device = relay.pair()
    payload = publish_payload(book, NOW)
    with httpx.Client(base_url=relay.base_url) as http:
        ok = http.put("/v1/booking/availability", json=payload,
                      headers={"Authorization": f"Bearer {device.token}"})
        assert ok.status_code == 200
    secret = link_secret(book)
    expires = int(NOW_S) + 86400

    def phone(i: int) -> httpx.Client:
        return httpx.Client(base_url=relay.base_url, timeout=60, transport=httpx.HTTPTransport(
            local_address=f"127.0.{1 + i // 200}.{2 + i % 200}"))

    def page(i: int) -> tuple[int, str, str]:
        token = links.make_token(secret, BOOKING_LINK_ID, f"U{i:032x}", expires)
        path = (f"/b/{token}/m/cut/sato/2026-12-07T10:00" if i % 2
                else f"/b/{token}/m/color/any/2026-12-07T10:30")
        with phone(i) as client:
            got = client.get(path)
        assert got.status_code == 200, got.text
        found = re.search(r'name="_csrf" value="([^"]+)"', got.text)
        assert found
        return i, path, found.group(1)

    pages = [page(i) for i in range(FRIENDS)]
    start = threading.Barrier(FRIENDS)

    def press(p: tuple[int, str, str]) -> httpx.Response:
        i, path, csrf = p
        with phone(i) as client:
            start.wait()
            return client.post(path, data={"_csrf": csrf, "allergy": ""})

    with ThreadPoolExecutor(FRIENDS) as pool:
        answers = list(pool.map(press, pages))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200] + [409] * (FRIENDS - 1), statuses
    assert sum("予約しました" in r.text for r in answers) == 1
    assert all("この時間は埋まりました" in r.text for r in answers if r.status_code == 409)

    store = Store.open(relay.db_url)
    try:
        with store.read_transaction() as conn:
            assert conn.execute(select(func.count()).select_from(booking_holds)).scalar() == 1
            assert conn.execute(select(func.count()).select_from(booking_entries)).scalar() == 1
        free = front.free_keys(store, "default")
    finally:
        store.close()
    # Whoever won, the steps outside the winner's window are still free.
    assert free.get("*|sato|2026-12-07T12:00", 0) == 1 or free.get(
        "*|sato|2026-12-07T10:00", 0) == 1
