"""Fuzzing the relay's webhook parser: no crash, no 500, nothing stored that cannot be pulled.

``OTOKUI_FUZZ_EXAMPLES`` raises the number of examples (see tests/support/fuzz.py).
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from relay.webhook import MAX_EVENT_ID_CHARS, NotAWebhook, parse_webhook, plausible_timestamp
from tests.relay.harness import Device, ThreadRelay
from tests.support.fuzz import bodies, fuzz_settings


def _encode(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=True, allow_nan=False).encode()


def _check_parse(raw: bytes) -> None:
    try:
        hook = parse_webhook(raw)
    except NotAWebhook:
        return
    data = json.loads(raw)
    assert hook.destination == data["destination"]
    assert len(hook.event_ids) == len(data["events"])
    for event_id, event in zip(hook.event_ids, data["events"], strict=True):
        assert isinstance(event_id, str) and 0 < len(event_id) <= MAX_EVENT_ID_CHARS
        assert event["webhookEventId"] == event_id and plausible_timestamp(event["timestamp"])


@fuzz_settings()
@given(st.binary(max_size=300))
def test_parse_webhook_on_any_bytes(raw: bytes) -> None:
    _check_parse(raw)


@fuzz_settings()
@given(bodies, st.sampled_from([b"", b"NaN", b"Infinity", b"-Infinity", b'"a": 1, "a": 2',
                                b"1e999", b"\xff", b"\x00", b"[[[[[[[[[["]),
       st.integers(min_value=0, max_value=400))
def test_parse_webhook_on_near_webhooks(body: object, splice: bytes, at: int) -> None:
    raw = _encode(body)
    at = min(at, len(raw))
    _check_parse(raw[:at] + splice + raw[at:])


@fuzz_settings(scale=0.1)
@given(body=bodies)
def test_the_relay_answers_fuzzed_webhooks_200_or_400_and_its_queue_drains(
        relay: ThreadRelay, paired: Device, body: object) -> None:
    response = relay.post_webhook(_encode(body))
    assert response.status_code in (200, 400), response.text
    batch = relay.pull(paired, limit=500)
    if batch["events"]:
        assert relay.ack(paired, batch["next"]).status_code == 200
    assert relay.queue_depth() == 0
