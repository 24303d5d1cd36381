"""Fixtures: each relay test runs once on SQLite and once on a real PostgreSQL server.

The PostgreSQL runs need ``OTOKUI_TEST_POSTGRES_URL`` (``.ci/run`` starts a server with
``.ci/start-postgres.sh`` and sets it); without it they are skipped, with that reason.
Every database is fresh: a new SQLite file, or a new PostgreSQL database dropped after.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.relay.harness import (
    ManualClock,
    ThreadRelay,
    assert_nothing_personal,
    postgres_database,
    stored_bytes,
)

POSTGRES_ENV = "OTOKUI_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'relay.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against "
                    "(.ci/run starts one with .ci/start-postgres.sh)")
    with postgres_database(base) as url:
        yield url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def _start(db_url: str, tmp_path: Path, clock: ManualClock, **options: Any) -> ThreadRelay:
    return ThreadRelay(db_url, tmp_path / "relay.log", clock=clock, **options)


def _stop_and_check(relay: ThreadRelay) -> None:
    """Stop the relay, then prove its database and log hold nothing personal unsealed."""
    relay.stop()
    personal = relay.line.personal
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url), personal)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), personal)


@pytest.fixture
def relay(db_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[ThreadRelay]:
    running = _start(db_url, tmp_path, clock)
    yield running
    _stop_and_check(running)


@pytest.fixture
def purging_relay(db_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[ThreadRelay]:
    """A relay whose retention purge runs every 50 ms instead of every hour."""
    running = _start(db_url, tmp_path, clock, purge_interval=0.05)
    yield running
    _stop_and_check(running)


@pytest.fixture
def lazy_relay(db_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[ThreadRelay]:
    """A relay whose long-polls only wake on a notification (no periodic re-check)."""
    running = _start(db_url, tmp_path, clock, recheck_interval=600.0)
    yield running
    _stop_and_check(running)


@pytest.fixture
def make_relay(db_url: str, tmp_path: Path, clock: ManualClock
               ) -> Iterator[Callable[..., ThreadRelay]]:
    """Start relays with chosen settings (``make_relay(media_max_mb=1)``); all are stopped
    and checked at the end of the test."""
    started: list[ThreadRelay] = []

    def start(**options: Any) -> ThreadRelay:
        log_name = f"relay-{len(started)}.log"
        running = ThreadRelay(db_url, tmp_path / log_name, clock=clock, **options)
        started.append(running)
        return running

    yield start
    for running in started:
        _stop_and_check(running)


@pytest.fixture
def paired(relay: ThreadRelay):  # type: ignore[no-untyped-def]
    return relay.pair()
