"""Realistic LINE webhook bodies for the relay tests (and the benchmark).

Shapes follow the Messaging API reference: every event carries ``webhookEventId`` (a ULID),
``deliveryContext``, ``mode``, ``timestamp`` and ``source``; text messages carry
``quoteToken`` and ``markAsReadToken``. Each builder makes fresh random ids and texts, and
records every personal value it invents in ``personal`` so a test can prove none of them
ever reached the relay's disk or log unsealed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid() -> str:
    """A ULID like LINE's webhookEventId: 48-bit ms time + 80 random bits, base32."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def sign(secret: bytes, body: bytes) -> str:
    return base64.b64encode(hmac.digest(secret, body, hashlib.sha256)).decode("ascii")


class LineEvents:
    """Builds events for one bot (``destination``) and remembers what is personal."""

    def __init__(self) -> None:
        self.destination = "U" + secrets.token_hex(16)
        self.personal: list[str] = [self.destination]

    def user_id(self) -> str:
        user = "U" + secrets.token_hex(16)
        self.personal.append(user)
        return user

    def text(self, text: str | None = None, *, user_id: str | None = None,
             redelivery: bool = False, event_id: str | None = None) -> dict[str, Any]:
        if text is None:
            text = f"明日の15時に予約できますか？ 田中です 合言葉{secrets.token_hex(6)}"
        self.personal.append(text)
        return {
            "type": "message",
            "message": {
                "type": "text",
                "id": str(secrets.randbelow(10**18)),
                "quoteToken": secrets.token_urlsafe(60),
                "markAsReadToken": secrets.token_urlsafe(45),
                "text": text,
            },
            "webhookEventId": event_id or ulid(),
            "deliveryContext": {"isRedelivery": redelivery},
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user_id or self.user_id()},
            "replyToken": secrets.token_hex(16),
            "mode": "active",
        }

    def follow(self, *, unblocked: bool = False) -> dict[str, Any]:
        return {
            "type": "follow",
            "follow": {"isUnblocked": unblocked},
            "webhookEventId": ulid(),
            "deliveryContext": {"isRedelivery": False},
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": self.user_id()},
            "replyToken": secrets.token_hex(16),
            "mode": "active",
        }

    def body(self, *events: dict[str, Any]) -> bytes:
        return json.dumps({"destination": self.destination, "events": list(events)},
                          ensure_ascii=False).encode("utf-8")


def redelivered(event: dict[str, Any]) -> dict[str, Any]:
    """The same event as LINE's redelivery sends it: only isRedelivery differs."""
    copy = json.loads(json.dumps(event))
    copy["deliveryContext"] = {"isRedelivery": True}
    return copy
