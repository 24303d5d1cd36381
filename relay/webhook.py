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


@dataclass(frozen=True)
class Webhook:
    destination: str
    #: (webhookEventId, the event as UTF-8 JSON with ``destination`` added)
    events: list[tuple[str, bytes]]


def parse_webhook(body: bytes) -> Webhook:
    """Check the body's shape and prepare each event for sealing.

    Every event needs a string ``type`` and a non-empty string ``webhookEventId`` (the
    de-duplication key). Unknown event types are kept as they are: the desktop decides.
    """
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise NotAWebhook("body is not JSON") from None
    if not isinstance(data, dict):
        raise NotAWebhook("body is not a JSON object")
    destination = data.get("destination")
    raw_events = data.get("events")
    if not isinstance(destination, str) or not isinstance(raw_events, list):
        raise NotAWebhook("body needs a string 'destination' and a list 'events'")
    prepared: list[tuple[str, bytes]] = []
    for item in raw_events:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise NotAWebhook("every event must be an object with a string 'type'")
        event_id = item.get("webhookEventId")
        if not isinstance(event_id, str) or not 0 < len(event_id) <= MAX_EVENT_ID_CHARS:
            raise NotAWebhook("every event needs a 'webhookEventId'")
        item["destination"] = destination
        prepared.append((event_id, _event_json(item)))
    return Webhook(destination, prepared)


# Built once: json.dumps with any non-default option builds a new encoder on every call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_COMPACT_ASCII = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))


def _event_json(event: dict[str, object]) -> bytes:
    text = _COMPACT.encode(event)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate ("\\ud800") is valid JSON but not UTF-8: escape it instead.
        return _COMPACT_ASCII.encode(event).encode("ascii")
