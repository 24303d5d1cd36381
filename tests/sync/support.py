"""Helpers for the sync tests: real relay, real emulator, real encrypted book, on loopback.

The relay runs from the relay's own test harness (uvicorn in a thread, or
``python -m relay serve`` as a process); the LINE emulator signs its webhooks with the
same channel secret and delivers them to the relay; the desktop pairs, pulls and applies
through the code under test.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from app.book import Book
from app.sync.worker import Backoff, SyncWorker
from tests.relay.harness import SECRET, RelayClient

CHANNEL_SECRET = SECRET.decode()
ACCESS_TOKEN = "emulated-channel-access-token/0123456789abcdefABCDEF="
PASSPHRASE = "しっかりした合言葉 2026"


def fast_worker(book: Book, **options: Any) -> SyncWorker:
    """A worker with short long-polls and quick backoff, so tests do not wait."""
    options.setdefault("wait", 0.5)
    options.setdefault("backoff", Backoff(base=0.05, cap=0.4))
    options.setdefault("pending_content_every", 0.1)
    return SyncWorker(book, **options)


def wait_until(predicate: Callable[[], object], timeout: float = 30.0,
               what: str = "the condition") -> Any:
    """Poll ``predicate`` until it returns something true (no timing is asserted)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def post_events(relay: RelayClient, destination: str, *events: dict[str, Any]) -> int:
    """Deliver events to the relay as LINE does (signed with the channel secret)."""
    data = {"destination": destination, "events": list(events)}
    try:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: valid JSON only as a \u escape
        body = json.dumps(data, separators=(",", ":")).encode("ascii")
    return relay.post_webhook(body).status_code


def personal_values(emulator: Any) -> list[str]:
    """Everything personal the emulator's friends said or are: ids, names, texts, files."""
    values: set[str] = {emulator.bot_user_id}
    for user in emulator.users():
        values.update({user["userId"], user["displayName"]})
    for event in emulator.events():
        message = event.get("message") or {}
        for key in ("text", "fileName", "title", "address"):
            if isinstance(message.get(key), str) and len(message[key]) >= 4:
                values.add(message[key])
        postback = event.get("postback") or {}
        if isinstance(postback.get("data"), str):
            values.add(postback["data"])
    return sorted(values)


def message_lines(book: Book, customer_id: int) -> list[tuple[str, str]]:
    """A conversation as (type, text or system event), in the order the inbox shows it."""
    return [(m.type, m.payload.get("event", "") if m.type == "system" else m.text)
            for m in book.messages.messages(customer_id)]
