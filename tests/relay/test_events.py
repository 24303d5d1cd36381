"""GET /v1/events and POST /v1/events/ack: order, paging, ack, long-poll, devices, retention."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from relay.sealing import SealError
from tests.relay.harness import (
    Device,
    ThreadRelay,
    assert_nothing_personal,
    open_events,
    stored_bytes,
)
from tests.relay.line_events import redelivered

DAY = 24 * 60 * 60


def test_events_come_in_ascending_seq_with_paging(relay: ThreadRelay, paired: Device) -> None:
    sent = [relay.line.text() for _ in range(10)]
    assert relay.deliver(*sent[:3]).status_code == 200
    for event in sent[3:]:
        assert relay.deliver(event).status_code == 200

    first = relay.pull(paired, after=0, limit=4)
    seqs = [e["seq"] for e in first["events"]]
    assert seqs == sorted(seqs) and len(seqs) == 4
    assert first["next"] == seqs[-1]
    rest = relay.pull(paired, after=first["next"], limit=500)
    assert len(rest["events"]) == 4 and rest["events"][0]["seq"] > first["next"]
    assert relay.pull(paired, after=rest["next"])["events"] == []
    assert relay.pull(paired, after=rest["next"])["next"] == rest["next"]

    # One sealed item per delivery: the first three came in one webhook.
    opened = open_events([e["sealed"] for e in first["events"] + rest["events"]], paired.key)
    assert [e["webhookEventId"] for e in opened] == [e["webhookEventId"] for e in sent]
    received = [e["received_at"] for e in first["events"]]
    assert all(abs(r / 1000 - relay.clock()) < 5 for r in received)


def test_ack_deletes_that_devices_events_up_to_seq(relay: ThreadRelay, paired: Device) -> None:
    other = relay.pair("2台目")
    for _ in range(3):
        relay.deliver(relay.line.text())
    events = relay.pull(paired)["events"]
    middle = events[1]["seq"]

    response = relay.ack(paired, middle)
    assert response.status_code == 200
    assert response.json() == {"deleted": 2}
    assert [e["seq"] for e in relay.pull(paired)["events"]] == [events[2]["seq"]]
    assert len(relay.pull(other)["events"]) == 3  # the other device still has all three
    assert relay.queue_depth() == 3

    assert relay.ack(paired, middle).json() == {"deleted": 0}  # acking again is harmless
    relay.ack(other, events[2]["seq"])
    relay.ack(paired, events[2]["seq"])
    assert relay.queue_depth() == 0


def test_bad_ack_and_bad_query_are_400(relay: ThreadRelay, paired: Device) -> None:
    for body in (b"", b"[]", b'{"upto": "3"}', b'{"upto": -1}', b'{"upto": true}',
                 b'{"upto": 1.5}', b'{"until": 3}', b'{"upto": 9223372036854775808}',
                 b'{"upto": ' + b"9" * 5000 + b"}"):
        response = relay.http.post("/v1/events/ack", content=body, headers=paired.auth)
        assert response.status_code == 400, body
    for query in ("after=-1", "after=abc", "after=١", "limit=0", "limit=501", "wait=31",
                  "wait=-1", "wait=nan", "wait=soon", "after=99999999999999999999",
                  "after=9223372036854775808"):
        response = relay.http.get(f"/v1/events?{query}", headers=paired.auth)
        assert response.status_code == 400, query
    assert relay.http.get("/v1/events?limit=500&wait=0", headers=paired.auth).status_code == 200
    assert relay.http.get("/v1/events?after=9223372036854775807",
                          headers=paired.auth).status_code == 200
    assert relay.ack(paired, 9223372036854775807).status_code == 200


def test_two_devices_each_get_their_own_sealed_copy(relay: ThreadRelay) -> None:
    shop, home = relay.pair("店"), relay.pair("自宅")
    event = relay.line.text("二人分のコピー")
    assert relay.deliver(event).status_code == 200

    [for_shop] = relay.pull(shop)["events"]
    [for_home] = relay.pull(home)["events"]
    assert for_shop["seq"] == for_home["seq"]
    assert for_shop["sealed"] != for_home["sealed"]
    expected = {**event, "destination": relay.line.destination}
    assert open_events([for_shop["sealed"]], shop.key) == [expected]
    assert open_events([for_home["sealed"]], home.key) == [expected]
    with pytest.raises(SealError):
        open_events([for_shop["sealed"]], home.key)


def test_device_paired_later_gets_only_later_events(relay: ThreadRelay, paired: Device) -> None:
    early = relay.line.text()
    relay.deliver(early)
    late_device = relay.pair("新しいPC")
    late = relay.line.text()
    relay.deliver(late)
    assert [e["webhookEventId"] for e in relay.pull_opened(late_device)] == [
        late["webhookEventId"]]
    assert len(relay.pull(paired)["events"]) == 2


def test_long_poll_wakes_when_an_event_lands(lazy_relay: ThreadRelay) -> None:
    relay = lazy_relay  # re-checks only every 600 s: only the wake-up can end this wait early
    device = relay.pair()
    result: dict[str, Any] = {}
    waiting = relay.poll_waiting()

    def poll() -> None:
        result["batch"] = relay.pull(device, after=0, wait=30)

    poller = threading.Thread(target=poll)
    poller.start()
    # The poll is waiting (its query found nothing): only the wake-up can answer it now.
    assert waiting.wait(60)
    event = relay.line.text()
    assert relay.deliver(event).status_code == 200
    poller.join(60)
    assert not poller.is_alive()
    events = result["batch"]["events"]
    assert [e["webhookEventId"] for e in open_events([e["sealed"] for e in events],
                                                     device.key)] == [event["webhookEventId"]]


def test_long_poll_returns_empty_when_nothing_arrives(relay: ThreadRelay,
                                                     paired: Device) -> None:
    batch = relay.pull(paired, after=5, wait=0.2)
    assert batch == {"events": [], "next": 5}


def test_long_poll_is_released_when_the_relay_stops(db_url: str, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.relay.harness import ThreadRelay as Relay

    relay = Relay(db_url, tmp_path / "relay.log", clock=clock, recheck_interval=600.0)
    device = relay.pair()
    outcome: dict[str, Any] = {}
    waiting = relay.poll_waiting()

    def poll() -> None:
        try:
            outcome["status"] = relay.http.get(
                "/v1/events", params={"wait": 30}, headers=device.auth).status_code
        except Exception as exc:  # a closed connection also ends the wait
            outcome["status"] = type(exc).__name__

    poller = threading.Thread(target=poll)
    poller.start()
    # Stop only once the poll is waiting inside the relay: stopping earlier would test a
    # refused connection instead of a released wait (the window issue 11 was about).
    assert waiting.wait(60)
    relay.server.should_exit = True
    poller.join(20)  # well under the poll's 30 s: shutdown released it
    assert not poller.is_alive()
    assert outcome["status"] == 200
    relay.stop()


def test_unacknowledged_events_are_purged_after_retention(purging_relay: ThreadRelay) -> None:
    relay = purging_relay
    device = relay.pair()
    old = relay.line.text()
    relay.deliver(old)
    relay.clock.advance(13 * DAY)
    recent = relay.line.text()
    relay.deliver(recent)
    relay.clock.advance(1 * DAY + 60)  # `old` is now past 14 days, `recent` is not

    deadline = time.monotonic() + 30
    while relay.queue_depth() != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [e["webhookEventId"] for e in relay.pull_opened(device)] == [
        recent["webhookEventId"]]
    log = relay.log_text()
    assert "purged 1 unacknowledged sealed event copies (past 14 days" in log
    assert "1 de-duplication ids" in log

    # Its de-duplication id was forgotten with it: a (very late) redelivery is new again.
    relay.deliver(old)
    assert len(relay.pull(device)["events"]) == 2


def test_healthz_shows_queue_depth_and_nothing_personal(relay: ThreadRelay,
                                                        paired: Device) -> None:
    relay.deliver(relay.line.text(), relay.line.follow())  # one delivery: one sealed item
    relay.deliver(relay.line.text())
    response = relay.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "contract": 1, "queue_depth": 2}


def test_two_instances_share_one_postgres_database(db_url: str, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    if db_url.startswith("sqlite"):
        pytest.skip("several relay instances are a PostgreSQL set-up; SQLite runs one")
    from concurrent.futures import ThreadPoolExecutor

    from tests.relay.harness import ThreadRelay as Relay

    first = Relay(db_url, tmp_path / "first.log", clock=clock, recheck_interval=0.2)
    second = Relay(db_url, tmp_path / "second.log", clock=clock, recheck_interval=0.2)
    second.line = first.line  # one LINE channel, so one record of what is personal
    try:
        device = first.pair()
        # A long-poll on one instance sees an event stored by the other (by re-checking).
        waiting = second.poll_waiting()
        with ThreadPoolExecutor(1) as poller:
            poll = poller.submit(second.pull, device, 0, None, 30)
            assert waiting.wait(60)
            lone = first.line.text()
            assert first.deliver(lone).status_code == 200
            assert [e["webhookEventId"] for e in open_events(
                [e["sealed"] for e in poll.result(60)["events"]], device.key)] == [
                    lone["webhookEventId"]]

        # Both instances take webhooks at once: every event once, seqs strictly increasing.
        events = [first.line.text() for _ in range(40)]
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(
                lambda pair: (first if pair[0] % 2 else second).deliver(pair[1]).status_code,
                enumerate(events)))
        assert statuses == [200] * len(events)
        assert second.deliver(redelivered(events[0])).status_code == 200  # stored by `first`
        batch = first.pull(device, limit=500)
        seqs = [e["seq"] for e in batch["events"]]
        assert seqs == sorted(set(seqs)) and len(seqs) == len(events) + 1
        opened = {e["webhookEventId"]
                  for e in open_events([e["sealed"] for e in batch["events"]], device.key)}
        assert opened == {e["webhookEventId"] for e in [lone, *events]}
    finally:
        first.stop()
        second.stop()
    personal = first.line.personal
    assert_nothing_personal("the database", stored_bytes(db_url), personal)
    for log in ("first.log", "second.log"):
        assert_nothing_personal("a relay's log", (tmp_path / log).read_bytes(), personal)


def test_one_answer_holds_at_most_max_pull_bytes_but_always_one_item(
        relay: ThreadRelay, paired: Device, monkeypatch: pytest.MonkeyPatch) -> None:
    import relay.app as relay_app

    for _ in range(3):
        assert relay.deliver(relay.line.text()).status_code == 200
    whole = relay.pull(paired, limit=500)["events"]
    assert len(whole) == 3
    one_item = len(whole[0]["sealed"]) * 3 // 4  # sealed bytes of one item, about
    monkeypatch.setattr(relay_app, "MAX_PULL_BYTES", one_item + one_item // 2)
    first = relay.pull(paired, limit=500)
    assert [e["seq"] for e in first["events"]] == [whole[0]["seq"]]
    monkeypatch.setattr(relay_app, "MAX_PULL_BYTES", 1)  # smaller than any item: still one
    rest = relay.pull(paired, after=first["next"], limit=500)
    assert [e["seq"] for e in rest["events"]] == [whole[1]["seq"]]
