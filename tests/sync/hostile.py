"""What a hostile relay (or whoever controls its database) can put in a desktop's queue.

It can seal anything to the desktop's public key and store it in the queue, through the
relay's own store (exactly what a compromised relay process does); what it cannot do is
sign as LINE without the channel secret.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from relay.sealing import delivery_plaintext
from relay.store import EventBatch
from tests.relay.harness import ThreadRelay
from tests.relay.line_events import sign, ulid

WRONG_SECRET = b"fedcba9876543210fedcba9876543210"


def body_of(destination: str, *events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": destination, "events": list(events)},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def queue_plaintext(relay: ThreadRelay, plaintext: bytes, event_ids: tuple[str, ...] = ()
                    ) -> None:
    """Store ``plaintext`` sealed for every paired device, as the relay itself would."""
    outcome = relay.store.store_events([EventBatch(event_ids or (ulid(),), plaintext)],
                                       int(relay.clock() * 1000))
    assert outcome is not None and outcome[0].stored


def queue_signed(relay: ThreadRelay, body: bytes, secret: bytes) -> None:
    """A delivery signed with ``secret`` (LINE's own one: a genuine-looking delivery)."""
    queue_plaintext(relay, delivery_plaintext(sign(secret, body), body))


def event(kind: str, user_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "webhookEventId": ulid(), "timestamp": int(time.time() * 1000),
            "deliveryContext": {"isRedelivery": False}, "mode": "active",
            "source": {"type": "user", "userId": user_id}, **fields}


def text_event(user_id: str, text: str, **fields: Any) -> dict[str, Any]:
    return event("message", user_id, replyToken=secrets.token_hex(16),
                 message={"type": "text", "id": str(secrets.randbelow(10**17)),
                          "quoteToken": secrets.token_urlsafe(20), "text": text}, **fields)
