"""The sync's hook for the relay's autopilot items (``otokui-autopilot/1``).

The relay seals one after each instant reply it sent (or tried) with the event's free
reply token. Applying records it (idempotent by webhookEventId); :func:`reconcile` then
puts the reply into the friend's chat as a sent message and marks the incoming message's
reply token used, so the inbox never offers it again. The item comes after its delivery
but usually in the same pulled batch, whose events are applied after front items, so the
sync worker calls :func:`reconcile` again after each batch.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from app.messages import OUT, recompute_summary
from app.store.models import Message, utcnow
from app.store.models_autopilot import AutopilotSent
from app.sync.front_items import FrontItemError, FrontKind

if TYPE_CHECKING:
    from app.book import Book

#: Must equal relay.autopilot.ITEM_MAGIC (tests check it).
ITEM_MAGIC = b"otokui-autopilot/1\n"
#: Must equal relay.autopilot_schedule.ITEM_MAGIC (app/autopilot/schedule.py applies them).
SCHEDULE_MAGIC = b"otokui-autopilot-schedule/1\n"
STATES = ("sent", "failed", "unknown")


def _read(plaintext: bytes) -> dict[str, Any]:
    try:
        data = json.loads(plaintext[len(ITEM_MAGIC):])
    except ValueError as exc:
        raise FrontItemError("not JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("webhook_event_id"), str) \
            or data.get("state") not in STATES or not isinstance(data.get("at"), int):
        raise FrontItemError("missing fields")
    messages = data.get("messages")
    if not isinstance(messages, list) or not all(
            isinstance(m, dict) and isinstance(m.get("text"), str) for m in messages):
        raise FrontItemError("bad messages")
    return data


def apply_autopilot_item(book: Book, plaintext: bytes) -> str:
    if plaintext.startswith(SCHEDULE_MAGIC):  # a scheduled send's report
        from app.autopilot.schedule import apply_report

        return apply_report(book, plaintext)
    data = _read(plaintext)
    user = data.get("user_id")
    reply_id = data.get("reply_id")
    with book.db.write() as s:
        if s.get(AutopilotSent, data["webhook_event_id"]) is not None:
            return "duplicate"
        s.add(AutopilotSent(
            webhook_event_id=data["webhook_event_id"][:128],
            line_user_id=user[:64] if isinstance(user, str) else None, state=data["state"],
            reply_id=reply_id[:64] if isinstance(reply_id, str) else None,
            text="\n".join(m["text"] for m in data["messages"]), at_ms=data["at"],
            applied=False))
    reconcile(book)
    return "recorded"


def reconcile(book: Book) -> int:
    """Match recorded replies to their incoming messages now in the book; how many."""
    done = 0
    with book.db.read() as s:  # nearly always nothing pending: no write transaction then
        if s.scalar(select(AutopilotSent.webhook_event_id).where(
                AutopilotSent.applied.is_(False)).limit(1)) is None:
            return 0
    with book.db.write() as s:
        pending = s.scalars(select(AutopilotSent).where(
            AutopilotSent.applied.is_(False))).all()
        matched = []
        for sent in pending:
            incoming = s.scalars(select(Message).where(
                Message.webhook_event_id == sent.webhook_event_id)).first()
            if incoming is not None:
                matched.append((incoming, sent))
        # In the order of the friend's messages: a reply sits right after what it answers
        # (never before it, whatever the relay's clock said).
        matched.sort(key=lambda pair: (pair[0].at_ms, pair[0].id))
        for incoming, sent in matched:
            # The token was used by the relay whatever came of it (a reply token is
            # single-use, and an unknown outcome may have reached LINE).
            s.execute(update(Message).where(Message.id == incoming.id)
                      .values(reply_token_used_at=utcnow()))
            if sent.state == "sent":
                s.add(Message(
                    customer_id=incoming.customer_id, direction=OUT, type="text",
                    text=sent.text, payload={"autopilot": True},
                    at_ms=max(sent.at_ms, incoming.at_ms), webhook_event_id=None,
                    state="sent", send_via="reply", created_at=utcnow()))
                s.flush()
                recompute_summary(s, incoming.customer_id)
            sent.applied = True
            done += 1
    return done


AUTOPILOT_ITEMS = FrontKind("autopilot", (ITEM_MAGIC, SCHEDULE_MAGIC), apply_autopilot_item)
