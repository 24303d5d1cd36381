"""``PUT /v1/booking/availability`` on a real relay (loopback HTTP), SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from relay.booking import holds
from relay.store import Store
from tests.relay.conftest import db_url  # noqa: F401 - fixture used by name
from tests.relay.harness import ManualClock, ThreadRelay

PATH = "/v1/booking/availability"


@pytest.fixture
def relay(db_url: str, tmp_path: Path) -> Iterator[ThreadRelay]:  # noqa: F811
    running = ThreadRelay(db_url, tmp_path / "relay.log", clock=ManualClock())
    yield running
    running.stop()


def test_publish_needs_a_device_and_good_slots(relay: ThreadRelay) -> None:
    device = relay.pair()
    auth = {"Authorization": f"Bearer {device.token}"}
    with httpx.Client(base_url=relay.base_url) as http:
        assert http.put(PATH, json={"slots": {}}).status_code == 401
        assert http.put(PATH, json={"slots": {}},
                        headers={"Authorization": "Bearer nope"}).status_code == 401
        for bad in ({"slots": {"cut|sato|tomorrow": 1}}, {"slots": {"a|b|2026-12-07T10:00":
                                                                    -1}}, {"slots": []}, [1]):
            assert http.put(PATH, json=bad, headers=auth).status_code == 400
        assert http.put(PATH, content=b"{", headers=auth).status_code == 400
        ok = http.put(PATH, json={"slots": {"cut|sato|2026-12-07T10:00": 1,
                                            "lesson|-|2026-12-12T09:00": 2,
                                            "cut|sato|2026-12-07T11:00": 0}}, headers=auth)
        assert ok.status_code == 200 and ok.json() == {"slots": 2}
    store = Store.open(relay.db_url)
    try:
        assert holds.free(store, "default") == {"cut|sato|2026-12-07T10:00": 1,
                                                "lesson|-|2026-12-12T09:00": 2}
    finally:
        store.close()
