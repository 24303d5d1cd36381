""""Tag added" lines in a conversation, from when each of the customer's tags was added.

The core keeps no history of tag changes, only when each current tag was added
(``customer_tag.added_at``); so a conversation shows a line for every tag the customer
has now, at the time it was added, and none for tags since removed. The lines are made
here as system rows (negative ids, never stored) and merged with the messages by time;
the conversation view (ui/inbox/conversation_view.py) shows them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.messages import IN, MessageRow
from app.store.models import CustomerTag, Tag

if TYPE_CHECKING:
    from app.book import Book


def tag_rows(book: Book, customer_id: int, *, after_ms: int | None,
             before_ms: int | None) -> list[MessageRow]:
    """System rows for tags added in (after_ms, before_ms]; None: open-ended."""
    with book.db.read() as s:
        found = s.execute(
            select(CustomerTag.tag_id, CustomerTag.added_at, Tag.name)
            .join(Tag, Tag.id == CustomerTag.tag_id)
            .where(CustomerTag.customer_id == customer_id)).all()
    rows = []
    for tag_id, added_at, name in found:
        when = added_at if isinstance(added_at, dt.datetime) else \
            dt.datetime.fromisoformat(str(added_at))
        at_ms = int(when.replace(tzinfo=dt.UTC).timestamp() * 1000)  # stored in UTC
        if after_ms is not None and at_ms <= after_ms:
            continue
        if before_ms is not None and at_ms > before_ms:
            continue
        rows.append(MessageRow(
            id=-int(tag_id), customer_id=customer_id, direction=IN, type="system", text="",
            payload={"event": "tag_added", "tag": name}, at_ms=at_ms, line_message_id=None,
            attachment_id=None, content_state=None, unsent=False, edited=False,
            quote_token=None, mark_as_read_token=None, reply_token=None,
            reply_token_received_ms=None, reply_token_used=False, state=None, error=None))
    return rows


def merged(messages: list[MessageRow], tags: list[MessageRow]) -> list[MessageRow]:
    return sorted(messages + tags, key=lambda r: (r.at_ms, r.id > 0, abs(r.id)))
