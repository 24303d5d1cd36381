"""The relay's holds: the last seat goes to exactly one of 100 racing requests, on SQLite
and PostgreSQL, across two relay instances (two Stores on one database); a double-posted
confirm makes one hold; publish and release keep the count right."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from relay.booking import holds
from relay.booking.schema import booking_holds
from relay.store import Store
from tests.relay.conftest import db_url  # noqa: F401 - fixture used by name

SHOP = "default"
SLOT = "cut|sato|2026-12-07T10:00"


@pytest.fixture
def stores(db_url: str) -> Iterator[tuple[Store, Store]]:  # noqa: F811
    a = Store.open(db_url)
    b = Store.open(db_url)  # a second relay instance on the same database
    yield a, b
    a.close()
    b.close()


def hold_rows(store: Store) -> int:
    with store.read_transaction() as conn:
        return int(conn.execute(select(func.count()).select_from(booking_holds)).scalar_one())


def race(stores: tuple[Store, Store], keys: list[str], slot: str = SLOT) -> list[object]:
    barrier = threading.Barrier(len(keys))

    def one(n: int) -> object:
        barrier.wait()
        try:
            return holds.take(stores[n % 2], SHOP, slot, keys[n], 1000)
        except holds.SlotFull:
            return "full"

    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        return list(pool.map(one, range(len(keys))))


def test_100_requests_for_the_last_seat_make_one_hold(stores: tuple[Store, Store]) -> None:
    holds.publish(stores[0], SHOP, {SLOT: 1, "cut|sato|2026-12-07T11:00": 2}, 1)
    results = race(stores, [f"req{n}" for n in range(100)])
    won = [r for r in results if isinstance(r, holds.Hold)]
    assert len(won) == 1 and results.count("full") == 99
    assert hold_rows(stores[0]) == 1
    assert SLOT not in holds.free(stores[1], SHOP)
    assert holds.free(stores[1], SHOP) == {"cut|sato|2026-12-07T11:00": 2}


def test_double_posted_confirm_makes_one_hold(stores: tuple[Store, Store]) -> None:
    holds.publish(stores[0], SHOP, {SLOT: 5}, 1)
    results = race(stores, ["same-token"] * 20)
    made = [r for r in results if isinstance(r, holds.Hold)]
    assert len(made) == 20 and len({h.hold_id for h in made}) == 1
    assert sum(h.created for h in made) == 1
    assert holds.free(stores[0], SHOP) == {SLOT: 4}


def test_unpublished_slot_and_publish_release_ack(stores: tuple[Store, Store]) -> None:
    store = stores[0]
    with pytest.raises(holds.SlotFull):
        holds.take(store, SHOP, SLOT, "r0", 1)
    holds.publish(store, SHOP, {SLOT: 2}, 1)
    h1 = holds.take(store, SHOP, SLOT, "r1", 2)
    # The desktop republishes before applying h1: h1 still counts.
    holds.publish(store, SHOP, {SLOT: 2}, 3)
    assert holds.free(store, SHOP) == {SLOT: 1}
    # It applies h1, acks it and publishes capacity counting it: still one free.
    assert holds.ack(store, SHOP, [h1.hold_id]) == 1
    holds.publish(store, SHOP, {SLOT: 1}, 4)
    assert holds.free(store, SHOP) == {SLOT: 1}
    h2 = holds.take(store, SHOP, SLOT, "r2", 5)
    assert holds.free(store, SHOP) == {}
    assert holds.release(store, SHOP, h2.hold_id)
    assert not holds.release(store, SHOP, h2.hold_id)  # once
    assert holds.free(store, SHOP) == {SLOT: 1}
    assert holds.release(store, SHOP, h1.hold_id)  # acked: back into the capacity
    assert holds.free(store, SHOP) == {SLOT: 2}


def test_overlapping_windows_take_all_or_nothing(stores: tuple[Store, Store]) -> None:
    """A staff member's steps: bookings whose windows overlap race for the shared step."""
    a, b, c = (f"sato|2026-12-07T{t}" for t in ("10:00", "10:15", "10:30"))
    holds.publish(stores[0], SHOP, {a: 1, b: 1, c: 1}, 1)
    barrier = threading.Barrier(100)

    def one(n: int) -> object:
        barrier.wait()
        keys = [a, b] if n % 2 else [b, c]
        try:
            return holds.take_all(stores[n % 2], SHOP, keys, f"r{n}", 1000)
        except holds.SlotFull:
            return "full"

    with ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(one, range(100)))
    won = [r for r in results if isinstance(r, holds.Hold)]
    assert len(won) == 1 and hold_rows(stores[0]) == 1
    left = holds.free(stores[0], SHOP)
    assert b not in left and len(left) == 1  # the loser's other step stayed free
    # Partly free: nothing is taken.
    with pytest.raises(holds.SlotFull):
        holds.take_all(stores[0], SHOP, [*left, b], "late", 2)
    assert holds.free(stores[0], SHOP) == left
    assert holds.release(stores[0], SHOP, won[0].hold_id)
    assert holds.free(stores[0], SHOP) == {a: 1, b: 1, c: 1}
