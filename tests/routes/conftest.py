"""Fixtures: a book connected to a relay on loopback HTTP and the LINE emulator (with its
LINE Login verify endpoint and LIFF stand-in when the relay has LIFF configured)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.book import Book
from app.profile import Profile
from app.routes.service import RouteService
from app.sync.pairing import connect
from emulator import Emulator, ManualClock, RunningEmulator, run_in_thread
from tests.relay.harness import ManualClock as RelayClock
from tests.relay.harness import ThreadRelay
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, PASSPHRASE, fast_worker

LIFF_ID = "1234567890-AbCdEfGh"
ADD_FRIEND = "https://line.me/R/ti/p/%40123otoku"


@dataclass
class Shop:
    book: Book
    relay: ThreadRelay
    line: RunningEmulator
    clock: ManualClock

    @property
    def emulator(self) -> Emulator:
        return self.line.emulator

    @property
    def routes(self) -> RouteService:
        return RouteService(self.book)

    def sync(self) -> None:
        fast_worker(self.book).run_once()


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Book]:
    b = Profile(tmp_path / "profile").create(passphrase=PASSPHRASE)
    yield b
    b.close()


def _shop(book: Book, tmp_path: Path, *, liff: bool) -> Iterator[Shop]:
    clock = ManualClock(start=RelayClock().now)
    line = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                         webhook_url=None, quota=None, seed=11, clock=clock)
    settings = dict(liff_id=LIFF_ID, line_login_channel_id=line.emulator.login.channel_id,
                    line_login_api=line.base_url,
                    liff_sdk_url=f"{line.base_url}/_emulator/liff/sdk.js") if liff else {}
    relay = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                        clock=RelayClock(), **settings)
    line.emulator.configure(webhook_url=f"{relay.base_url}/line/webhook")
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url)
    yield Shop(book, relay, line, clock)
    line.stop()
    relay.stop()


@pytest.fixture
def shop(book: Book, tmp_path: Path) -> Iterator[Shop]:
    yield from _shop(book, tmp_path, liff=True)


@pytest.fixture
def plain_shop(book: Book, tmp_path: Path) -> Iterator[Shop]:
    yield from _shop(book, tmp_path, liff=False)
