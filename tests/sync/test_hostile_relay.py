"""A hostile relay cannot overload the desktop: size, time and count are bounded.

Against the stand-in of :mod:`tests.sync.hostile_server`, with tiny limits so that the
tests are quick; the limits themselves are what is tested, not how long anything takes.
"""

from __future__ import annotations

import pytest

from app.book import Book
from app.line.connection import Device, utc_now_text
from app.sync.apply import UNREADABLE
from app.sync.errors import RelayProtocolError, RelayUnreachableError
from app.sync.relay_client import RelayClient, RelayLimits
from app.sync.sealing import new_private_key, raw_private_key
from app.sync.set_aside import SetAside
from tests.sync.hostile_server import (
    HostileRelay,
    endless,
    gzip_bomb,
    trickle,
    unopenable_items,
)
from tests.sync.support import CHANNEL_SECRET, fast_worker

LIMITS = RelayLimits(max_response_bytes=64 * 1024, deadline=0.5)


def pair_with(book: Book, server: HostileRelay) -> None:
    """What pairing leaves in the book, with the stand-in as the relay."""
    key = new_private_key()
    book.line.save_pairing(server.base_url, Device(
        device_id="hostile0device00", token="t" * 43, name="Otokui (Linux)",
        private_key_raw=raw_private_key(key), paired_at=utc_now_text()))
    book.line.set_channel_secret(CHANNEL_SECRET)


@pytest.mark.parametrize("responder", [endless(declared=True), endless(declared=False),
                                       gzip_bomb(50 * 1024 * 1024)],
                         ids=["declared 300 MB", "chunked 300 MB", "gzip bomb"])
def test_an_answer_past_the_size_limit_is_cut_and_refused(responder) -> None:  # type: ignore[no-untyped-def]
    with HostileRelay(responder) as server:
        with RelayClient(server.base_url, token="t", limits=LIMITS) as client, \
                pytest.raises(RelayProtocolError) as info:
            client.pull(0)
        assert info.value.detail == "answer too large"
        # The desktop hung up: the stand-in could send only what the sockets buffer.
        assert server.sent < 32 * 1024 * 1024


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_a_trickle_ends_at_the_overall_deadline(in_headers: bool) -> None:
    with HostileRelay(trickle(in_headers=in_headers)) as server:
        with RelayClient(server.base_url, token="t", limits=LIMITS) as client, \
                pytest.raises(RelayUnreachableError) as info:
            client.pull(0, wait=0)
        assert info.value.detail == "timeout"
        assert server.sent > 0  # it did trickle (the per-read timeout never fired)


def test_sync_once_against_a_trickling_relay_ends(book: Book) -> None:
    with HostileRelay(trickle(in_headers=False)) as server:
        pair_with(book, server)
        with pytest.raises(RelayUnreachableError):
            fast_worker(book, relay_limits=LIMITS).run_once()


def test_a_flood_of_unopenable_items_is_kept_up_to_the_cap_and_counted(book: Book) -> None:
    with HostileRelay(unopenable_items(50)) as server:
        pair_with(book, server)
        report = fast_worker(book, relay_limits=LIMITS, limit=20,
                             max_set_aside=5).run_once()
        assert (report.unreadable, report.overflow, report.applied) == (5, 45, 0)
        assert book.line.cursor() == 50 and server.acks[-1] == 50  # the queue moved on
    side = SetAside(book)
    assert [i.status for i in side.items()] == [UNREADABLE] * 5
    assert side.overflow() == 45 and side.count() == 50
    side.dismiss_overflow()
    assert side.overflow() == 0
