"""LINE's webhook: the signature, the size limit, and the body's shape.

Kept free of the web framework so each rule can be read (and tested) on its own; the
route in :mod:`relay.app` applies them in the contract's order.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

MAX_BODY_BYTES = 1024 * 1024  # 1 MiB; LINE's bodies are far smaller
MAX_EVENT_ID_CHARS = 128


class BodyTooLarge(Exception):
    pass


class NotAWebhook(Exception):
    """Signed, but not JSON or not ``{"destination": str, "events": [...]}``.

    The message is fixed text; it never quotes the body.
    """


def signature_for(channel_secret: bytes, body: bytes) -> str:
    """What LINE puts in ``x-line-signature``: base64(HMAC-SHA256(secret, raw body))."""
    # hmac.new rather than the one-shot hmac.digest: the one-shot releases the GIL on every
    # call, and the event loop then waits for the ingest thread to hand it back; an HMAC
    # object keeps it for bodies under 2 KiB, which is nearly every webhook.
    return base64.b64encode(hmac.new(channel_secret, body, hashlib.sha256).digest()).decode(
        "ascii")


def signature_ok(channel_secret: bytes, body: bytes, signature: str) -> bool:
    expected = signature_for(channel_secret, body).encode("ascii")
    try:
        presented = signature.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, presented)


async def read_limited(chunks: AsyncIterator[bytes], limit: int = MAX_BODY_BYTES) -> bytes:
    """Read a request body, raising :class:`BodyTooLarge` as soon as it passes ``limit``."""
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        parts.append(chunk)
    return b"".join(parts)


#: A plausible LINE ``timestamp``: milliseconds since the epoch from 2000-01-01 up to (not
#: including) 2100-01-01 UTC. Anything else (seconds, a float, 10**30, year 10000) is not
#: something LINE sends, and would break whoever has to turn it into a date.
MIN_TIMESTAMP_MS = 946_684_800_000
MAX_TIMESTAMP_MS = 4_102_444_800_000


@dataclass(frozen=True)
class Webhook:
    destination: str
    #: The webhookEventId of each event, in the body's order (the de-duplication keys).
    event_ids: tuple[str, ...]


def plausible_timestamp(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)
            and MIN_TIMESTAMP_MS <= value < MAX_TIMESTAMP_MS)


def _refuse_constant(name: str) -> object:
    # json accepts NaN, Infinity and -Infinity, which are not JSON (RFC 8259).
    raise ValueError("not a JSON number")


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # json keeps the last of two equal keys silently; two readers could then disagree on
    # what a signed body says. LINE never repeats a key: refuse it.
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("duplicate key")
    return obj


def strict_json(body: bytes) -> object:
    """JSON as RFC 8259 has it: UTF-8, no NaN or Infinity, no key twice in an object."""
    return json.loads(body.decode("utf-8"), parse_constant=_refuse_constant,
                      object_pairs_hook=_no_duplicate_keys)


def parse_webhook(body: bytes) -> Webhook:
    """Check the body's shape; return its destination and its events' ids.

    Every event needs a string ``type``, a non-empty string ``webhookEventId`` (the
    de-duplication key) and a plausible ``timestamp``. Unknown event types are kept as
    they are: the desktop decides. The body itself is sealed as it is, not re-encoded,
    so that LINE's signature still covers it (:func:`relay.sealing.delivery_plaintext`).
    """
    try:
        data = strict_json(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise NotAWebhook("body is not JSON") from None
    if not isinstance(data, dict):
        raise NotAWebhook("body is not a JSON object")
    destination = data.get("destination")
    raw_events = data.get("events")
    if not isinstance(destination, str) or not isinstance(raw_events, list):
        raise NotAWebhook("body needs a string 'destination' and a list 'events'")
    ids: list[str] = []
    for item in raw_events:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise NotAWebhook("every event must be an object with a string 'type'")
        event_id = item.get("webhookEventId")
        # Printable ASCII (LINE's are ULIDs): it is stored as text, and a lone surrogate
        # ("\ud800" is valid JSON) cannot be.
        if not isinstance(event_id, str) or not 0 < len(event_id) <= MAX_EVENT_ID_CHARS \
                or not (event_id.isascii() and event_id.isprintable()):
            raise NotAWebhook("every event needs a 'webhookEventId'")
        if not plausible_timestamp(item.get("timestamp")):
            raise NotAWebhook("every event needs a 'timestamp' in milliseconds since 1970")
        ids.append(event_id)
    return Webhook(destination, tuple(ids))
