"""Conversations with customers: the messages LINE delivered (and, later, what the shop sent).

The sync worker (:mod:`app.sync.apply`) writes messages and keeps each customer's
:class:`~app.store.models.Conversation` summary exact as it goes; this module is what the
inbox, the customer pane, exports and tests read through ``book.messages``.

Rules kept here, so every writer applies them the same way:

* a conversation's order is LINE's event time (``at_ms``), ties broken by row id;
* the unread count is the number of received messages newer than what the owner has read
  (``read_up_to_ms``), not counting system lines, postbacks or unsent messages;
* a new received message in a conversation marked done (対応済み) opens it again.

Message text is not in the customer search; a later full-text table keyed by
``message.id`` (like ``customer_fts`` by customer id) can add it without changing these
tables.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app import fsutil
from app.audit import AuditService
from app.errors import NotFoundError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.store.models import Conversation, Customer, CustomerTag, Message, utcnow

if TYPE_CHECKING:
    from app.book import Book

_CTX = "messages"
IN = "in"
OUT = "out"
#: Message types that are not something the customer wrote: never unread.
NOT_COUNTED = frozenset({"system", "postback"})
PREVIEW_CHARS = 100
#: Audit action for an export of messages (like ``export_csv`` for customers).
AUDIT_EXPORT_MESSAGES = "export_messages"


class ConversationStatus(StrEnum):
    OPEN = "open"                # 未対応
    IN_PROGRESS = "in_progress"  # 対応中
    DONE = "done"                # 対応済み


_STATUS_ORDER = [ConversationStatus.OPEN.value, ConversationStatus.IN_PROGRESS.value,
                 ConversationStatus.DONE.value]

STATUS_LABELS = {
    ConversationStatus.OPEN: QT_TRANSLATE_NOOP(_CTX, "Not handled"),
    ConversationStatus.IN_PROGRESS: QT_TRANSLATE_NOOP(_CTX, "In progress"),
    ConversationStatus.DONE: QT_TRANSLATE_NOOP(_CTX, "Done"),
}


def counts_as_unread(direction: str, mtype: str) -> bool:
    return direction == IN and mtype not in NOT_COUNTED


def preview_of(mtype: str, text_value: str) -> str:
    """The inbox's one-line preview: text messages only (the UI names other types)."""
    if mtype != "text" or not text_value:
        return ""
    return " ".join(text_value.split())[:PREVIEW_CHARS]


def _export_time(at_ms: int) -> str | None:
    """ISO 8601 in UTC; None for a time no date can hold (books written before the sync
    refused implausible timestamps may have one), so one row cannot stop the export."""
    try:
        return ms_to_datetime(at_ms).isoformat(timespec="milliseconds")
    except (OverflowError, ValueError, OSError):
        return None


def ms_to_datetime(ms: int) -> dt.datetime:
    """LINE's epoch milliseconds as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


def now_ms() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp() * 1000)


@dataclass(frozen=True)
class MessageRow:
    id: int
    customer_id: int
    direction: str
    type: str
    text: str
    payload: dict[str, Any]
    at_ms: int
    line_message_id: str | None
    attachment_id: int | None
    content_state: str | None
    unsent: bool
    edited: bool
    quote_token: str | None
    mark_as_read_token: str | None
    reply_token: str | None
    reply_token_received_ms: int | None
    reply_token_used: bool
    state: str | None
    error: str | None

    @property
    def at(self) -> dt.datetime:
        return ms_to_datetime(self.at_ms)


@dataclass(frozen=True)
class ConversationRow:
    customer_id: int
    display_name: str
    name: str
    picture_url: str | None
    line_user_id: str | None
    blocked: bool
    last_at_ms: int | None
    last_type: str | None
    last_direction: str | None
    last_preview: str
    unread_count: int
    status: str

    @property
    def last_at(self) -> dt.datetime | None:
        return None if self.last_at_ms is None else ms_to_datetime(self.last_at_ms)


@dataclass(frozen=True)
class ReplyTokenInfo:
    """The newest unused reply token a customer's events gave us, and when it arrived."""

    message_id: int
    token: str
    received_ms: int


_MESSAGE_COLUMNS = (Message.id, Message.customer_id, Message.direction, Message.type,
                    Message.text, Message.payload, Message.at_ms, Message.line_message_id,
                    Message.attachment_id, Message.content_state, Message.unsent_at_ms,
                    Message.edited_at_ms, Message.quote_token, Message.mark_as_read_token,
                    Message.reply_token, Message.reply_token_received_ms,
                    Message.reply_token_used_at, Message.state, Message.error)


def _message_row(r: Any) -> MessageRow:
    return MessageRow(
        id=r.id, customer_id=r.customer_id, direction=r.direction, type=r.type,
        text=r.text, payload=r.payload or {}, at_ms=r.at_ms,
        line_message_id=r.line_message_id, attachment_id=r.attachment_id,
        content_state=r.content_state, unsent=r.unsent_at_ms is not None,
        edited=r.edited_at_ms is not None, quote_token=r.quote_token,
        mark_as_read_token=r.mark_as_read_token, reply_token=r.reply_token,
        reply_token_received_ms=r.reply_token_received_ms,
        reply_token_used=r.reply_token_used_at is not None, state=r.state, error=r.error)


def ensure_conversation(s: Session, customer_id: int) -> Conversation:
    conv = s.get(Conversation, customer_id, populate_existing=True)
    if conv is None:
        conv = Conversation(customer_id=customer_id, last_preview="", unread_count=0,
                            read_up_to_ms=0, status=ConversationStatus.OPEN.value,
                            status_at_ms=0, friend_state_ms=0, updated_at=utcnow())
        s.add(conv)
        s.flush()
    return conv


def recompute_summary(s: Session, customer_id: int) -> Conversation:
    """Rebuild one conversation's summary from its messages (exact, inside a write).

    The sync worker keeps summaries up to date incrementally; this is the reference it
    must agree with, and what rarer writers (mark read, deletions) use.
    """
    conv = ensure_conversation(s, customer_id)
    last = s.execute(
        select(Message.at_ms, Message.type, Message.direction, Message.text,
               Message.unsent_at_ms)
        .where(Message.customer_id == customer_id)
        .order_by(Message.at_ms.desc(), Message.id.desc()).limit(1)).first()
    if last is None:
        conv.last_at_ms = conv.last_type = conv.last_direction = None
        conv.last_preview = ""
    else:
        unsent = last.unsent_at_ms is not None
        conv.last_at_ms = last.at_ms
        conv.last_type = "unsent" if unsent else last.type
        conv.last_direction = last.direction
        conv.last_preview = "" if unsent else preview_of(last.type, last.text)
    conv.unread_count = int(s.scalar(
        select(func.count()).select_from(Message).where(
            Message.customer_id == customer_id, Message.direction == IN,
            Message.type.not_in(NOT_COUNTED), Message.unsent_at_ms.is_(None),
            Message.at_ms > conv.read_up_to_ms)) or 0)
    conv.updated_at = utcnow()
    return conv


def summarise_newest(s: Session, newest: dict[int, tuple[int, str, str]]) -> None:
    """Move conversations' summaries to a line known to be their newest, sent by this
    computer (``customer id → (at_ms, type, text)``), inside a write.

    For a batch of sends staged at once: each is filed after every other line of its
    conversation, so the summary's last line is it and its unread count cannot change
    (outgoing lines are not counted). What :func:`recompute_summary` would give, without
    reading each conversation's lines again (two queries each: most of staging a batch).
    """
    if not newest:
        return
    conn = s.connection()
    now = utcnow()
    conn.execute(sqlite_insert(Conversation).on_conflict_do_nothing(
        index_elements=["customer_id"]), [
        {"customer_id": cid, "last_preview": "", "unread_count": 0, "read_up_to_ms": 0,
         "status": ConversationStatus.OPEN.value, "status_at_ms": 0, "friend_state_ms": 0,
         "updated_at": now} for cid in newest])
    conn.execute(update(Conversation).where(Conversation.customer_id == bindparam("b_c"))
                 .values(last_at_ms=bindparam("b_at"), last_type=bindparam("b_type"),
                         last_direction=OUT, last_preview=bindparam("b_preview"),
                         updated_at=now), [
        {"b_c": cid, "b_at": at_ms, "b_type": mtype, "b_preview": preview_of(mtype, body)}
        for cid, (at_ms, mtype, body) in newest.items()])
    for cid in newest:  # a copy the session holds is stale now
        held = s.identity_map.get(identity_key(Conversation, cid))
        if held is not None:
            s.expire(held)


class MessageService:
    def __init__(self, book: Book) -> None:
        self._book = book

    # --- conversations ---------------------------------------------------------------------

    def conversation_ids(self, *, status: ConversationStatus | str | None = None,
                         unread_only: bool = False, tag_id: int | None = None) -> list[int]:
        """Customer ids with a conversation, newest activity first (for a lazy list)."""
        query = select(Conversation.customer_id)
        if status is not None:
            query = query.where(Conversation.status == ConversationStatus(status).value)
        if unread_only:
            query = query.where(Conversation.unread_count > 0)
        if tag_id is not None:
            query = query.where(Conversation.customer_id.in_(
                select(CustomerTag.customer_id).where(CustomerTag.tag_id == tag_id)))
        query = query.order_by(Conversation.last_at_ms.is_(None), Conversation.last_at_ms.desc(),
                               Conversation.customer_id.desc())
        with self._book.db.read() as s:
            return list(s.scalars(query))

    def conversations(self, customer_ids: list[int]) -> dict[int, ConversationRow]:
        """Rows for ``customer_ids`` (a page of the list at a time)."""
        out: dict[int, ConversationRow] = {}
        with self._book.db.read() as s:
            for start in range(0, len(customer_ids), 500):
                chunk = [int(i) for i in customer_ids[start:start + 500]]
                rows = s.execute(
                    select(Conversation, Customer.display_name, Customer.name,
                           Customer.picture_url, Customer.line_user_id, Customer.blocked_at)
                    .join(Customer, Customer.id == Conversation.customer_id)
                    .where(Conversation.customer_id.in_(chunk))).all()
                for conv, display_name, name, picture, line_id, blocked_at in rows:
                    out[conv.customer_id] = ConversationRow(
                        customer_id=conv.customer_id, display_name=display_name, name=name,
                        picture_url=picture, line_user_id=line_id,
                        blocked=blocked_at is not None, last_at_ms=conv.last_at_ms,
                        last_type=conv.last_type, last_direction=conv.last_direction,
                        last_preview=conv.last_preview, unread_count=conv.unread_count,
                        status=conv.status)
        return out

    def conversation(self, customer_id: int) -> ConversationRow | None:
        return self.conversations([customer_id]).get(customer_id)

    def unread_total(self) -> int:
        with self._book.db.read() as s:
            return int(s.scalar(select(func.coalesce(func.sum(Conversation.unread_count), 0)))
                       or 0)

    def set_status(self, customer_id: int, status: ConversationStatus | str) -> None:
        value = ConversationStatus(status).value
        with self._book.db.write() as s:
            if s.get(Customer, customer_id) is None:
                raise NotFoundError(f"customer {customer_id}")
            conv = ensure_conversation(s, customer_id)
            if conv.status != value:
                conv.status, conv.status_at_ms = value, now_ms()
                conv.updated_at = utcnow()
                AuditService.timeline_add(s, customer_id, "conversation_status", status=value)
        self._book.announce("messages", [customer_id])

    def advance_status(self, customer_id: int, status: ConversationStatus | str) -> bool:
        """Move the status forward to ``status`` (未対応 → 対応中 → 対応済み), never back.

        What a reply does: a conversation the owner already marked 対応済み stays so, and
        one they marked 対応中 is not reopened. Returns True when it changed. Announces
        nothing (the caller announces the send).
        """
        value = ConversationStatus(status).value
        with self._book.db.write() as s:
            if s.get(Customer, customer_id) is None:
                raise NotFoundError(f"customer {customer_id}")
            conv = ensure_conversation(s, customer_id)
            if _STATUS_ORDER.index(conv.status) >= _STATUS_ORDER.index(value):
                return False
            conv.status, conv.status_at_ms = value, now_ms()
            conv.updated_at = utcnow()
            AuditService.timeline_add(s, customer_id, "conversation_status", status=value)
        return True

    def mark_read(self, customer_id: int) -> str | None:
        """Mark everything received so far as read in Otokui.

        Returns the ``markAsReadToken`` of the newest received message (LINE's mark-as-read
        marks it and every earlier one), or None when there is none.
        """
        with self._book.db.write() as s:
            conv = ensure_conversation(s, customer_id)
            newest = s.execute(
                select(Message.at_ms, Message.mark_as_read_token)
                .where(Message.customer_id == customer_id, Message.direction == IN)
                .order_by(Message.at_ms.desc(), Message.id.desc()).limit(1)).first()
            if newest is not None and newest.at_ms > conv.read_up_to_ms:
                conv.read_up_to_ms = newest.at_ms
            token = None
            for (tok,) in s.execute(
                    select(Message.mark_as_read_token)
                    .where(Message.customer_id == customer_id, Message.direction == IN,
                           Message.mark_as_read_token.is_not(None))
                    .order_by(Message.at_ms.desc(), Message.id.desc()).limit(1)):
                token = tok
            recompute_summary(s, customer_id)
        self._book.announce("messages", [customer_id])
        return token

    # --- messages ---------------------------------------------------------------------------

    def messages(self, customer_id: int, *, limit: int = 200,
                 before: tuple[int, int] | None = None) -> list[MessageRow]:
        """The newest ``limit`` messages (older than ``before`` = (at_ms, id)), oldest first."""
        query = select(*_MESSAGE_COLUMNS).where(Message.customer_id == customer_id)
        if before is not None:
            at_ms, mid = before
            query = query.where((Message.at_ms < at_ms)
                                | ((Message.at_ms == at_ms) & (Message.id < mid)))
        query = query.order_by(Message.at_ms.desc(), Message.id.desc()).limit(limit)
        with self._book.db.read() as s:
            rows = [_message_row(r) for r in s.execute(query)]
        rows.reverse()
        return rows

    def get(self, message_id: int) -> MessageRow:
        with self._book.db.read() as s:
            row = s.execute(select(*_MESSAGE_COLUMNS).where(Message.id == message_id)).first()
        if row is None:
            raise NotFoundError(f"message {message_id}")
        return _message_row(row)

    def by_line_id(self, line_message_id: str) -> MessageRow | None:
        with self._book.db.read() as s:
            row = s.execute(select(*_MESSAGE_COLUMNS)
                            .where(Message.line_message_id == line_message_id)).first()
        return None if row is None else _message_row(row)

    def count(self, customer_id: int | None = None) -> int:
        query = select(func.count()).select_from(Message)
        if customer_id is not None:
            query = query.where(Message.customer_id == customer_id)
        with self._book.db.read() as s:
            return int(s.scalar(query) or 0)

    def latest_reply_token(self, customer_id: int) -> ReplyTokenInfo | None:
        """The newest unused reply token from this customer's events (its age decides)."""
        with self._book.db.read() as s:
            row = s.execute(
                select(Message.id, Message.reply_token, Message.reply_token_received_ms)
                .where(Message.customer_id == customer_id, Message.reply_token.is_not(None),
                       Message.reply_token_used_at.is_(None))
                .order_by(Message.reply_token_received_ms.desc(), Message.id.desc())
                .limit(1)).first()
        if row is None or row.reply_token_received_ms is None:
            return None
        return ReplyTokenInfo(row.id, row.reply_token, row.reply_token_received_ms)

    def mark_reply_token_used(self, message_id: int) -> None:
        with self._book.db.write() as s:
            s.execute(update(Message).where(Message.id == message_id)
                      .values(reply_token_used_at=utcnow()))

    def pending_content(self, limit: int = 50) -> list[MessageRow]:
        """Received media whose content is still to be downloaded (oldest first)."""
        with self._book.db.read() as s:
            rows = s.execute(select(*_MESSAGE_COLUMNS)
                             .where(Message.content_state == "pending")
                             .order_by(Message.at_ms, Message.id).limit(limit)).all()
        return [_message_row(r) for r in rows]

    def pending_content_count(self) -> int:
        with self._book.db.read() as s:
            return int(s.scalar(select(func.count()).select_from(Message)
                                .where(Message.content_state == "pending")) or 0)

    # --- export -----------------------------------------------------------------------------

    def iter_export(self) -> Iterator[dict[str, Any]]:
        """Every message, oldest first: LINE user id, direction, type, text, time."""
        with self._book.db.read() as s:
            conn = s.connection()
            result = conn.execute(text(
                "SELECT c.line_user_id, m.direction, m.type, m.text, m.at_ms "
                "FROM message m JOIN customer c ON c.id = m.customer_id "
                "ORDER BY m.at_ms, m.id")).yield_per(1000)
            for line_user_id, direction, mtype, text_value, at_ms in result:
                yield {"line_user_id": line_user_id, "direction": direction, "type": mtype,
                       "text": text_value, "time": _export_time(at_ms)}

    def export_jsonl(self, path: Path) -> int:
        """Write every message as JSON lines (UTF-8), atomically and owner-only; audited."""
        path = Path(path)
        if path.is_dir():
            raise ValidationError(path.name, message=QT_TRANSLATE_NOOP(
                _CTX, "Choose a file to export to, not a folder."))
        n = 0
        with fsutil.atomic_write(path) as f:
            for item in self.iter_export():
                f.write(json.dumps(item, ensure_ascii=False).encode("utf-8") + b"\n")
                n += 1
        with self._book.db.write() as s:
            AuditService.add(s, AUDIT_EXPORT_MESSAGES, target="messages", count=n)
        self._book.announce("audit")
        return n
