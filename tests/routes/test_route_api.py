"""The relay's device API for routes (``PUT /v1/routes``): only a paired device, only
well-formed slugs and an https add-friend URL; publishing replaces the shop's routes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.relay.harness import ManualClock, ThreadRelay, postgres_database

URL = "https://lin.ee/AbCdEfG"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def relay(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ThreadRelay]:
    if request.param == "sqlite":
        yield from _relay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path)
        return
    base = os.environ.get("OTOKUI_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("OTOKUI_TEST_POSTGRES_URL is not set: no PostgreSQL server to test "
                    "against (.ci/run starts one with .ci/start-postgres.sh)")
    with postgres_database(base) as url:
        yield from _relay(url, tmp_path)


def _relay(url: str, tmp_path: Path) -> Iterator[ThreadRelay]:
    running = ThreadRelay(url, tmp_path / "relay.log", clock=ManualClock())
    yield running
    running.stop()


def test_publishing_routes(relay: ThreadRelay) -> None:
    device = relay.pair()
    put = relay.http.put
    assert put("/v1/routes", json={"add_friend_url": URL, "routes": []}).status_code == 401
    bad = [
        {"add_friend_url": URL, "routes": ["short"]},
        {"add_friend_url": URL, "routes": ["has space in it"]},
        {"add_friend_url": URL, "routes": ["AbCdEfGh1234", "AbCdEfGh1234"]},
        {"add_friend_url": URL, "routes": "AbCdEfGh1234"},
        {"add_friend_url": "http://lin.ee/x", "routes": ["AbCdEfGh1234"]},
        {"add_friend_url": "javascript:alert(1)", "routes": ["AbCdEfGh1234"]},
        {"add_friend_url": "https://lin.ee/a b", "routes": ["AbCdEfGh1234"]},
        {"add_friend_url": URL, "routes": [], "extra": 1},
    ]
    for body in bad:
        r = put("/v1/routes", json=body, headers=device.auth)
        assert r.status_code == 400, body
        assert relay.http.get("/r/AbCdEfGh1234").status_code == 404  # nothing kept
    r = put("/v1/routes", json={"add_friend_url": URL, "routes": ["AbCdEfGh1234",
                                                                  "Zz_-09876543"]},
            headers=device.auth)
    assert r.status_code == 200 and r.json() == {"routes": 2}
    scan = relay.http.get("/r/Zz_-09876543")
    assert scan.status_code == 303 and scan.headers["location"] == URL
    # Publishing again replaces the shop's routes: a route left out is gone.
    r = put("/v1/routes", json={"add_friend_url": URL, "routes": ["AbCdEfGh1234"]},
            headers=device.auth)
    assert r.json() == {"routes": 1}
    gone = relay.http.get("/r/Zz_-09876543")
    assert gone.status_code == 404 and "ページが見つかりません" in gone.text
    assert gone.headers["content-security-policy"].startswith("default-src 'none'")
