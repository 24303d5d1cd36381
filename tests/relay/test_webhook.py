"""POST /line/webhook: signature, size, shape, de-duplication, and 503 before pairing."""

from __future__ import annotations

import json
import socket

import pytest

from relay.webhook import MAX_BODY_BYTES
from tests.relay.harness import SECRET, Device, ThreadRelay
from tests.relay.line_events import redelivered, sign


def test_signed_webhook_is_stored_pulled_and_opened(relay: ThreadRelay, paired: Device) -> None:
    line = relay.line
    message, follow = line.text("はじめまして。営業時間を教えてください"), line.follow()
    response = relay.deliver(message, follow)
    assert response.status_code == 200

    opened = relay.pull_opened(paired)
    # One sealed item: the delivery as LINE signed it, holding both events.
    assert opened == [{**message, "destination": line.destination},
                      {**follow, "destination": line.destination}]
    assert relay.queue_depth() == 1


def test_header_names_are_case_insensitive(relay: ThreadRelay, paired: Device) -> None:
    body = relay.line.body(relay.line.text())
    response = relay.post_webhook(body, signature=False,
                                  headers={"X-Line-Signature": sign(SECRET, body)})
    assert response.status_code == 200
    assert len(relay.pull(paired)["events"]) == 1


def _forgeries(body: bytes) -> list[tuple[str, dict[str, str], bytes]]:
    good = sign(SECRET, body)
    return [
        ("missing", {}, body),
        ("empty", {"x-line-signature": ""}, body),
        ("wrong secret", {"x-line-signature": sign(b"f" * 32, body)}, body),
        ("body altered after signing", {"x-line-signature": good}, body.replace(b"}", b" }", 1)),
        ("truncated signature", {"x-line-signature": good[:-4]}, body),
        ("not base64", {"x-line-signature": "***"}, body),
        ("non-ASCII", {"x-line-signature": "署名"}, body),
        ("hex instead of base64", {"x-line-signature": good.encode().hex()}, body),
    ]


def test_forged_or_missing_signature_is_401_and_stores_nothing(
        relay: ThreadRelay, paired: Device) -> None:
    body = relay.line.body(relay.line.text())
    for case, headers, sent in _forgeries(body):
        response = relay.http.post("/line/webhook", content=sent, headers={
            k: v.encode("utf-8") for k, v in headers.items()})
        assert response.status_code == 401, case
    assert relay.pull(paired)["events"] == []
    assert relay.queue_depth() == 0
    assert "refused 1 webhook(s) with a missing or wrong x-line-signature" in relay.log_text()


def test_forged_signature_is_refused_before_pairing_too(relay: ThreadRelay) -> None:
    body = relay.line.body(relay.line.text())
    assert relay.post_webhook(body, signature=sign(b"x" * 32, body)).status_code == 401


def test_declared_body_over_1_mib_is_413_without_reading_it(relay: ThreadRelay,
                                                             paired: Device) -> None:
    host, port = relay.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        # Only the headers are sent: a relay that tried to read the body would hang here.
        sock.sendall(b"POST /line/webhook HTTP/1.1\r\nHost: relay\r\n"
                     b"Content-Type: application/json\r\nx-line-signature: abc=\r\n"
                     b"Content-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1))
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert relay.queue_depth() == 0


def test_streamed_body_over_1_mib_is_413(relay: ThreadRelay, paired: Device) -> None:
    # No Content-Length (chunked): the relay must count while reading and stop.
    body = relay.line.body(relay.line.text()) + b" " * MAX_BODY_BYTES

    def chunks():  # type: ignore[no-untyped-def]
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    response = relay.http.post("/line/webhook", content=chunks(),
                               headers={"x-line-signature": sign(SECRET, body)})
    assert response.status_code == 413
    assert relay.pull(paired)["events"] == []


def test_body_of_exactly_1_mib_is_accepted(relay: ThreadRelay, paired: Device) -> None:
    body = relay.line.body(relay.line.text())
    body += b" " * (MAX_BODY_BYTES - len(body))  # trailing whitespace is valid JSON
    assert len(body) == MAX_BODY_BYTES
    assert relay.post_webhook(body).status_code == 200
    assert len(relay.pull(paired)["events"]) == 1


def _bad_bodies(destination: str, event: dict[str, object]) -> dict[str, bytes]:
    def dumps(value: object) -> bytes:
        return json.dumps(value).encode()

    no_id = {k: v for k, v in event.items() if k != "webhookEventId"}
    return {
        "not JSON": b"destination=U1&events=",
        "truncated JSON": dumps({"destination": destination, "events": [event]})[:-7],
        "not UTF-8": b'{"destination": "\xff\xfe", "events": []}',
        "JSON array": b"[]",
        "JSON string": b'"events"',
        "no destination": dumps({"events": [event]}),
        "events not a list": dumps({"destination": destination, "events": {"0": event}}),
        "event not an object": dumps({"destination": destination, "events": ["message"]}),
        "event without type": dumps({"destination": destination,
                                     "events": [{"webhookEventId": "01X"}]}),
        "event without webhookEventId": dumps({"destination": destination, "events": [no_id]}),
        "webhookEventId not a string": dumps({"destination": destination,
                                              "events": [{**event, "webhookEventId": 7}]}),
        "deeply nested": b'{"destination":"U","events":[' + b"[" * 100_000 + b"]" * 100_000
                         + b"]}",
        "empty body": b"",
    }


def test_signed_but_not_a_webhook_is_400_and_stores_nothing(relay: ThreadRelay,
                                                            paired: Device) -> None:
    for case, body in _bad_bodies(relay.line.destination, relay.line.text()).items():
        response = relay.post_webhook(body)
        assert response.status_code == 400, case
        assert response.json() == {"error": "not_a_webhook"}, case
    assert relay.pull(paired)["events"] == []


def test_one_bad_event_refuses_the_whole_body(relay: ThreadRelay, paired: Device) -> None:
    good = relay.line.text()
    bad = {**relay.line.follow(), "webhookEventId": ""}
    assert relay.deliver(good, bad).status_code == 400
    assert relay.pull(paired)["events"] == []


@pytest.mark.parametrize("pair_first", [False, True], ids=["before pairing", "after pairing"])
def test_empty_events_is_200(relay: ThreadRelay, pair_first: bool) -> None:
    # The console's "Verify" button sends exactly this; it must pass even before pairing.
    if pair_first:
        relay.pair()
    response = relay.post_webhook(relay.line.body())
    assert response.status_code == 200
    assert relay.queue_depth() == 0


def test_duplicates_and_redeliveries_are_stored_once(relay: ThreadRelay, paired: Device) -> None:
    line = relay.line
    first, second = line.text(), line.text()
    assert relay.deliver(first).status_code == 200
    assert relay.deliver(first).status_code == 200                  # a plain duplicate
    assert relay.deliver(redelivered(first)).status_code == 200     # LINE's redelivery
    assert relay.deliver(second, redelivered(second), redelivered(first)).status_code == 200

    opened = relay.pull_opened(paired)
    assert [e["webhookEventId"] for e in opened] == [first["webhookEventId"],
                                                     second["webhookEventId"]]
    # The copy kept is the first one received.
    assert opened[0]["deliveryContext"] == {"isRedelivery": False}


def test_redelivery_after_ack_is_not_stored_again(relay: ThreadRelay, paired: Device) -> None:
    event = relay.line.text()
    relay.deliver(event)
    batch = relay.pull(paired)
    assert relay.ack(paired, batch["next"]).status_code == 200
    assert relay.deliver(redelivered(event)).status_code == 200
    assert relay.pull(paired, after=0)["events"] == []


def test_503_before_any_device_is_paired_then_redelivery_is_kept(relay: ThreadRelay) -> None:
    event = relay.line.text()
    response = relay.deliver(event)
    assert response.status_code == 503
    assert response.json() == {"error": "no_device_paired"}
    assert "no device is paired yet: answered 503" in relay.log_text()
    assert relay.queue_depth() == 0

    device = relay.pair()
    # Nothing was remembered from the refused delivery, so LINE's redelivery is stored.
    assert relay.deliver(redelivered(event)).status_code == 200
    opened = relay.pull_opened(device)
    assert [e["webhookEventId"] for e in opened] == [event["webhookEventId"]]


def test_503_again_once_every_device_is_revoked(relay: ThreadRelay, paired: Device) -> None:
    assert relay.http.delete(f"/v1/devices/{paired.device_id}",
                             headers=paired.auth).status_code == 204
    assert relay.deliver(relay.line.text()).status_code == 503


def test_unknown_event_types_are_kept_as_they_are(relay: ThreadRelay, paired: Device) -> None:
    future_event = {"type": "somethingNew", "webhookEventId": "01J0000000000000000000TEST",
                    "deliveryContext": {"isRedelivery": False}, "timestamp": 1_767_225_600_000,
                    "mode": "active",
                    "nested": {"list": [1, 2, {"x": None}]}, "絵文字": "🍣"}
    assert relay.deliver(future_event).status_code == 200
    assert relay.pull_opened(paired) == [{**future_event, "destination": relay.line.destination}]


def test_wrong_method_and_unknown_path(relay: ThreadRelay) -> None:
    assert relay.http.get("/line/webhook").status_code == 405
    assert relay.http.post("/line/webhooks", content=b"{}").status_code == 404


def test_store_failure_answers_500_and_keeps_nothing_half_done(relay: ThreadRelay,
                                                               paired: Device) -> None:
    from sqlalchemy import create_engine

    from relay.schema import metadata, queue

    event = relay.line.text()
    engine = create_engine(relay.db_url)
    try:
        queue.drop(engine)  # a real database failure, under the running relay
        assert relay.deliver(event).status_code == 500
        metadata.create_all(engine)
    finally:
        engine.dispose()
    # The failed transaction left no de-duplication id behind: LINE's redelivery is stored.
    assert relay.deliver(redelivered(event)).status_code == 200
    assert [e["webhookEventId"] for e in relay.pull_opened(paired)] == [event["webhookEventId"]]
    assert "storing a webhook failed; LINE will redeliver it" in relay.log_text()


def test_signed_bodies_lines_never_sends_are_400_and_store_nothing(
        relay: ThreadRelay, paired: Device) -> None:
    event = relay.line.text()
    text = json.dumps({"destination": relay.line.destination, "events": [event]})
    stamp = f'"timestamp": {event["timestamp"]}'
    assert stamp in text
    bodies = {
        "NaN": text.replace(stamp, '"timestamp": NaN'),
        "Infinity": text.replace(stamp, '"timestamp": Infinity'),
        "-Infinity in a nested object": text.replace('"mode": "active"',
                                                     '"mode": {"x": -Infinity}'),
        "duplicate key at the top": text[:-1] + ', "destination": "U0"}',
        "duplicate key in an event": text.replace(stamp, f"{stamp}, {stamp}"),
        "timestamp 10**30": text.replace(stamp, f'"timestamp": {10**30}'),
        "timestamp in year 10000": text.replace(stamp, '"timestamp": 253402300800000'),
        "timestamp in seconds": text.replace(stamp, f'"timestamp": {event["timestamp"] // 1000}'),
        "timestamp negative": text.replace(stamp, '"timestamp": -1'),
        "timestamp a float": text.replace(stamp, f'"timestamp": {event["timestamp"]}.5'),
        "timestamp a string": text.replace(stamp, f'"timestamp": "{event["timestamp"]}"'),
        "timestamp true": text.replace(stamp, '"timestamp": true'),
        "timestamp missing": text.replace(stamp + ", ", "").replace(", " + stamp, ""),
        # Found by the fuzzer: this one was a 500 (the id could not be stored as text).
        "webhookEventId a lone surrogate": text.replace(event["webhookEventId"], "\\ud800"),
        "webhookEventId with a newline": text.replace(event["webhookEventId"], "01\\n02"),
    }
    for case, body in bodies.items():
        assert body != text, case
        response = relay.post_webhook(body.encode())
        assert response.status_code == 400, case
        assert response.json() == {"error": "not_a_webhook"}, case
    assert relay.pull(paired)["events"] == []
    assert relay.post_webhook(text.encode()).status_code == 200  # and the event itself is fine
