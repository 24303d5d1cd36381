"""Fixtures: a relay in a thread, the LINE emulator delivering to it, a paired book."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.book import Book
from app.profile import Profile
from app.sync.pairing import connect
from emulator import Emulator, RunningEmulator, run_in_thread
from tests.relay.harness import ManualClock, ThreadRelay, assert_nothing_personal, stored_bytes
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, PASSPHRASE, personal_values


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock())
    yield running
    running.stop()


@pytest.fixture
def line(relay: ThreadRelay) -> Iterator[RunningEmulator]:
    running = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                            webhook_url=f"{relay.base_url}/line/webhook", quota=None, seed=7)
    yield running
    personal = personal_values(running.emulator)
    running.stop()
    # Whatever the test did, the relay kept nothing personal in plain form.
    relay.stop()
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url), personal)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), personal)


@pytest.fixture
def emulator(line: RunningEmulator) -> Emulator:
    return line.emulator


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile")


@pytest.fixture
def book(profile: Profile) -> Iterator[Book]:
    b = profile.create(passphrase=PASSPHRASE)
    yield b
    b.close()


@dataclass
class Connected:
    book: Book
    relay: ThreadRelay
    line: RunningEmulator

    @property
    def emulator(self) -> Emulator:
        return self.line.emulator


@pytest.fixture
def connected(book: Book, relay: ThreadRelay, line: RunningEmulator) -> Connected:
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url,
            data_base=line.data_url)
    return Connected(book, relay, line)
