"""Fuzzing the desktop's side: sealed items and the events in them never stop the queue.

Whatever a (hostile) relay hands over and whatever a signed body holds, opening gives
events or items set aside, and applying gives applied, kept, failed or set-aside rows:
never an exception, and the cursor always moves on. ``OTOKUI_FUZZ_EXAMPLES`` raises the
number of examples (tests/support/fuzz.py).
"""

from __future__ import annotations

import json
from itertools import count

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.book import Book
from app.store.models import LineEvent
from app.sync.apply import EventApplier
from app.sync.delivery import DELIVERY_MAGIC, items_of
from app.sync.sealing import new_private_key
from relay.sealing import delivery_plaintext, seal
from relay.webhook import signature_for
from tests.relay.harness import ThreadRelay
from tests.support.fuzz import bodies, events, fuzz_settings
from tests.sync.conftest import Connected
from tests.sync.support import CHANNEL_SECRET, fast_worker, post_events

SECRET = CHANNEL_SECRET.encode()


def _signed(body: bytes) -> bytes:
    return delivery_plaintext(signature_for(SECRET, body), body)


def _check_items(plaintext: bytes) -> None:
    for item in items_of(plaintext, seq=1, received_ms=0, channel_secret=SECRET):
        assert (item.event is None) != (item.error is None and item.kept is None
                                        and item.sealed is None)


@fuzz_settings()
@given(st.one_of(st.binary(max_size=200),
                 st.binary(max_size=200).map(lambda b: DELIVERY_MAGIC + b),
                 bodies.map(lambda b: _signed(json.dumps(b).encode())),
                 st.tuples(bodies, st.binary(max_size=8), st.integers(0, 300)).map(
                     lambda t: _signed(json.dumps(t[0]).encode()[:t[2]] + t[1]
                                       + json.dumps(t[0]).encode()[t[2]:]))))
def test_any_opened_item_gives_events_or_one_item_set_aside(plaintext: bytes) -> None:
    _check_items(plaintext)


def test_a_sealed_value_that_opens_to_nothing_is_set_aside() -> None:
    key = new_private_key()
    sealed = seal({"type": "message"}, key.public_key())
    [item] = items_of(b"\x00garbage", seq=3, received_ms=None, channel_secret=SECRET,
                      sealed=sealed)
    assert item.event is None and item.sealed == sealed


@fuzz_settings(scale=0.25)
@given(st.lists(events, min_size=1, max_size=4))
def test_any_signed_events_apply_or_are_set_aside_and_the_cursor_moves(
        book: Book, batch: list[object]) -> None:
    seq = next(_SEQ)
    body = json.dumps({"destination": "U" + "f" * 32, "events": batch}).encode()
    items = items_of(_signed(body), seq=seq, received_ms=0, channel_secret=SECRET)
    with book.db.read() as s:
        before = s.scalar(select(func.count()).select_from(LineEvent))
    report = EventApplier(book).apply_batch(items, device_id="fuzz", upto_seq=seq)
    with book.db.read() as s:
        after = s.scalar(select(func.count()).select_from(LineEvent))
    assert after - before == report.applied + report.kept + report.failed \
        + report.unverified + report.unreadable
    assert report.applied + report.kept + report.failed + report.duplicates == len(batch)
    assert book.settings.get("sync.cursor") == {"device_id": "fuzz", "seq": seq}


_SEQ = count(1)


@fuzz_settings(scale=0.02)
@given(st.lists(events, min_size=1, max_size=3))
def test_fuzzed_events_through_the_real_relay_never_stick_the_queue(
        connected: Connected, batch: list[object]) -> None:
    relay: ThreadRelay = connected.relay
    status = post_events(relay, "U" + "f" * 32, *batch)
    assert status in (200, 400)
    fast_worker(connected.book).run_once()
    assert relay.queue_depth() == 0
