"""The customer book's tables, as typed SQLAlchemy 2 models.

The schema itself is owned by the Alembic migrations in ``app/store/migrations``; these
models must match them (a test compares the two). Times are stored as UTC ISO-8601 text by
SQLAlchemy's ``DateTime``; dates as ``Date``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: A rule's ``notify`` line in the timeline. Literal text, not bound parameters: SQLite
#: uses a partial index only for a query whose WHERE has these very terms.
NOTICE_WHERE = "kind = 'rule_action' AND json_extract(data, '$.action') = 'notify'"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Customer(Base):
    """A customer (友だち): what LINE tells us, and what the owner keeps."""

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    # From LINE. Empty for customers who are not (yet) LINE friends.
    line_user_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(Text, default="")
    picture_url: Mapped[str | None] = mapped_column(Text)
    status_message: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    followed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    blocked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # What the owner keeps.
    name: Mapped[str] = mapped_column(Text, default="")
    furigana: Mapped[str] = mapped_column(Text, default="")
    #: ``furigana`` normalised (katakana → hiragana, no spaces) so sorting follows kana order.
    furigana_key: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(Text, default="")
    #: ``phone`` reduced to digits, for matching on import and phone search.
    phone_digits: Mapped[str] = mapped_column(String(32), default="", index=True)
    email: Mapped[str] = mapped_column(Text, default="")
    #: ``email`` lower-cased, for matching on import.
    email_key: Mapped[str] = mapped_column(Text, default="", index=True)
    postal_code: Mapped[str] = mapped_column(String(16), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    birthday: Mapped[dt.date | None] = mapped_column(Date)
    memo: Mapped[str] = mapped_column(Text, default="")
    #: The owner's own LINE account (for test sends).
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)

    tags: Mapped[list[CustomerTag]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", passive_deletes=True)
    values: Mapped[list[FieldValue]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        Index("ix_customer_furigana_key", "furigana_key"),
        Index("ix_customer_display_name", "display_name"),
        Index("ix_customer_followed_at", "followed_at"),
        Index("ix_customer_blocked_at", "blocked_at"),
        # Friend or not, blocked or not: what the friends view counts (migration 0009).
        Index("ix_customer_friend_state", text("(line_user_id IS NOT NULL)"),
              text("(blocked_at IS NOT NULL)")),
    )


class TagFolder(Base):
    __tablename__ = "tag_folder"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    folder_id: Mapped[int | None] = mapped_column(
        ForeignKey("tag_folder.id", ondelete="SET NULL"), index=True)
    #: Unique across the book so CSV files can name tags unambiguously.
    name: Mapped[str] = mapped_column(Text, unique=True)
    color: Mapped[str] = mapped_column(String(9), default="#4C8BF5")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Kept exact by triggers on ``customer_tag`` so counts for every tag cost nothing.
    customer_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CustomerTag(Base):
    __tablename__ = "customer_tag"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="tags")

    __table_args__ = (Index("ix_customer_tag_tag", "tag_id", "customer_id"),)


class CustomField(Base):
    """A field the owner defines (友だち情報欄)."""

    __tablename__ = "custom_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    #: One of :class:`app.fields.FieldType`.
    type: Mapped[str] = mapped_column(String(16))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    show_in_list: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FieldValue(Base):
    """A customer's value of a custom field, in the column that suits its type.

    text, long text, single choice: ``text_value``; multiple choice: ``text_value`` as a JSON
    list; number and points (the balance): ``num_value``; date and date-time: ``date_value``
    as ISO text (sortable). Image and file fields hold attachments instead.
    """

    __tablename__ = "field_value"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True)
    field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_field.id", ondelete="CASCADE"), primary_key=True)
    text_value: Mapped[str | None] = mapped_column(Text)
    num_value: Mapped[float | None] = mapped_column(Float)
    date_value: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="values")

    __table_args__ = (
        Index("ix_field_value_field_num", "field_id", "num_value"),
        Index("ix_field_value_field_date", "field_id", "date_value"),
    )


class PointsEntry(Base):
    """One change of a points field: the balance is their sum."""

    __tablename__ = "points_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("custom_field.id", ondelete="CASCADE"))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Attachment(Base):
    """A file kept with a customer, encrypted at rest with its own key."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    #: Set when the file is the value of an image or file custom field.
    field_id: Mapped[int | None] = mapped_column(
        ForeignKey("custom_field.id", ondelete="SET NULL"))
    #: contract, id, photo or other (see :class:`app.attachments.AttachmentKind`).
    kind: Mapped[str] = mapped_column(String(16), default="other")
    file_name: Mapped[str] = mapped_column(Text)
    mime_type: Mapped[str] = mapped_column(Text, default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: A labelled date such as 契約日 (contract date) or 予約日 (reservation date).
    date_label: Mapped[str] = mapped_column(Text, default="")
    labelled_date: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    #: Name of the ciphertext file in the profile's ``attachments`` folder (random).
    blob_name: Mapped[str] = mapped_column(String(64), unique=True)
    #: The file's own 32-byte key; safe here because the book itself is encrypted.
    file_key: Mapped[bytes] = mapped_column(LargeBinary)


class TimelineEvent(Base):
    """What happened to a customer, newest last: created, tag added, field changed, …"""

    __tablename__ = "timeline_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_timeline_customer_at", "customer_id", "at"),
        # The rules' notices to the owner (app/automation/notices.py): a few lines among
        # every rule action, read each time the book changes. Migration 0034.
        Index("ix_timeline_notice", "id", sqlite_where=text(NOTICE_WHERE)),
    )


class AuditEntry(Base):
    """Append-only record of exports, openings, deletions and bulk changes.

    Triggers refuse UPDATE and DELETE. Entries name customers by id only, so that a
    deletion request does not leave the person's name behind in the audit log.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text, default="")
    count: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class BookSetting(Base):
    """Settings that belong to the book (and travel with its backups)."""

    __tablename__ = "book_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any] | list[Any] | str | int | float | bool | None] = (
        mapped_column(JSON))


# --- LINE: events applied, messages, conversations (migration 0002) ------------------------
#
# LINE's own times (event ``timestamp``, reply-token receipt) are kept as integer epoch
# milliseconds (``*_ms``): ordering by them must be exact, and ties are broken by row id.


class LineEvent(Base):
    """One LINE webhook event as the sync worker received it, applied or kept.

    ``webhook_event_id`` is unique: an event that arrives again (a redelivery, a duplicate,
    a pull repeated after a crash) is recognised here and applied only once. Event types
    Otokui does not act on are kept here whole (``status`` "kept"), never dropped; an event
    that could not be opened or applied is kept with ``status`` "unreadable" or "failed".
    """

    __tablename__ = "line_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: LINE's ``webhookEventId`` (a ULID); empty only for an event that could not be opened.
    webhook_event_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    #: "applied", "kept" (a type Otokui stores only), "unreadable" or "failed".
    status: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    #: LINE's ``timestamp`` of the event (ms).
    at_ms: Mapped[int | None] = mapped_column(BigInteger)
    #: The LINE message id an ``unsend`` or ``messageEdited`` event refers to.
    target_message_id: Mapped[str | None] = mapped_column(String(32), index=True)
    #: The relay's sequence number and receipt time (ms) of the sealed copy.
    relay_seq: Mapped[int | None] = mapped_column(BigInteger)
    received_ms: Mapped[int | None] = mapped_column(BigInteger)
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: The event object as LINE sent it (plus the relay's ``destination``); for an event
    #: that could not be opened, ``{"sealed": ...}``.
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Why an event failed (an exception's type name, never data from the event).
    error: Mapped[str | None] = mapped_column(Text)


class Message(Base):
    """One line of a customer's conversation: received, sent, or a system line.

    ``type`` is LINE's message type (text, image, video, audio, file, location, sticker, or
    a newer one kept as LINE named it), ``postback``, or ``system`` (friend added, blocked,
    unblocked, account linked: ``payload["event"]``).
    """

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    #: "in" (from the customer, or about them) or "out" (sent by the shop).
    direction: Mapped[str] = mapped_column(String(3))
    type: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    #: Everything else of the message: emojis, mention, sticker ids and keywords, location,
    #: file name and size, postback data and params, content provider, system event.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: When it happened: LINE's event timestamp (ms); the conversation's order.
    at_ms: Mapped[int] = mapped_column(BigInteger)
    line_message_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    webhook_event_id: Mapped[str | None] = mapped_column(String(64))
    #: A reply to this event is free while its token is fresh (about a minute from receipt).
    reply_token: Mapped[str | None] = mapped_column(String(128))
    reply_token_received_ms: Mapped[int | None] = mapped_column(BigInteger)
    reply_token_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    quote_token: Mapped[str | None] = mapped_column(String(256))
    mark_as_read_token: Mapped[str | None] = mapped_column(String(256))
    #: Downloaded content (image, video, audio, file), encrypted like any attachment.
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL"))
    #: None (no content), "stored", "pending" (to download again) or "unavailable".
    content_state: Mapped[str | None] = mapped_column(String(16))
    #: When the customer unsent it (ms); its text, payload and content are then removed.
    unsent_at_ms: Mapped[int | None] = mapped_column(BigInteger)
    #: The timestamp of the latest edit applied (ms); a later edit wins, an older one not.
    edited_at_ms: Mapped[int | None] = mapped_column(BigInteger)
    #: Outgoing messages: "sending", "sent" or "failed", with LINE's retry key and error.
    state: Mapped[str | None] = mapped_column(String(16))
    send_via: Mapped[str | None] = mapped_column(String(16))
    retry_key: Mapped[str | None] = mapped_column(String(36), unique=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        # Covering for a friend's counted messages in time order (the 分析 waits,
        # app/analytics/summaries.py: migration 0033 added the last three columns).
        Index("ix_message_customer_at", "customer_id", "at_ms", "id", "direction", "type",
              "unsent_at_ms"),
        Index("ix_message_content_state", "content_state"),
        Index("ix_message_state", "state"),
    )


class Conversation(Base):
    """Per customer: the summary the inbox lists, kept exact whenever messages change."""

    __tablename__ = "conversation"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True)
    #: The newest message: time (ms), type ("unsent" when it was unsent), direction and a
    #: short plain-text preview (text messages only).
    last_at_ms: Mapped[int | None] = mapped_column(BigInteger)
    last_type: Mapped[str | None] = mapped_column(String(16))
    last_direction: Mapped[str | None] = mapped_column(String(3))
    last_preview: Mapped[str] = mapped_column(Text, default="")
    #: Received messages newer than ``read_up_to_ms`` (system lines and postbacks excluded).
    unread_count: Mapped[int] = mapped_column(Integer, default=0)
    read_up_to_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    #: "open" (未対応), "in_progress" (対応中) or "done" (対応済み).
    status: Mapped[str] = mapped_column(String(16), default="open")
    status_at_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Timestamp (ms) of the newest follow/unfollow applied: an older one arriving late
    #: is recorded in the conversation but does not change whether the customer is blocked.
    friend_state_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        Index("ix_conversation_last_at", "last_at_ms"),
        Index("ix_conversation_status_last_at", "status", "last_at_ms"),
    )


# --- Segments (migration 0003) --------------------------------------------------------------


class SavedSegment(Base):
    """A segment the owner saved: a name and its conditions (see :mod:`app.segments`).

    ``condition`` holds the JSON form of the condition tree (``app.segments.to_json``); it
    names tags and fields by id, so it is checked against the book each time it is used.
    """

    __tablename__ = "segment"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique: the sidebar and ``main.py broadcast --segment NAME`` name segments by it.
    name: Mapped[str] = mapped_column(Text, unique=True)
    condition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# A birthday-month segment reads this index alone (ids and birthdays) instead of every
# customer row: on an encrypted book that is the difference between decrypting the whole
# customer table and a few hundred index pages.
Index("ix_customer_birthday", Customer.birthday)


# --- Templates (定型文) for the composer (migration 0004) -----------------------------------


class MessageTemplate(Base):
    """A reusable message text (定型文) with placeholders (see :mod:`app.placeholders`)."""

    __tablename__ = "message_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the owner picks it by in the composer ("予約確認", "定休日のお知らせ").
    title: Mapped[str] = mapped_column(Text)
    #: The text as written, placeholders unrendered (``{名前}様``).
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- Broadcasts (migration 0005) ------------------------------------------------------------


class Broadcast(Base):
    """One message to many customers, as a stored job (see :mod:`app.broadcasts`)."""

    __tablename__ = "broadcast"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    #: "scheduled", "ready", "sending", "done", "cancelled", "stopped" (quota).
    state: Mapped[str] = mapped_column(String(16))
    #: "multicast" (the same text for all) or "push" (personalised, one per recipient).
    endpoint: Mapped[str] = mapped_column(String(16))
    #: {"texts": [...]} as written (placeholders unrendered).
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: How the recipients were chosen ({"kind": "segment", "id": 3}, ...), for the history.
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    cost: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    not_sent: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_broadcast_state", "state"),)


class BroadcastImage(Base):
    """The book's own copy of an image a broadcast sends (the relay's expires): migration
    0006. ``position`` is the bubble's index in the broadcast's content."""

    __tablename__ = "broadcast_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    __table_args__ = (UniqueConstraint("broadcast_id", "position",
                                       name="uq_broadcast_image_position"),)


class BroadcastBatch(Base):
    """One LINE request of a broadcast, with its ``X-Line-Retry-Key`` stored before a try."""

    __tablename__ = "broadcast_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    #: "pending", "sending" (may have been tried), "sent", "failed", "not_sent", "skipped".
    state: Mapped[str] = mapped_column(String(16))
    retry_key: Mapped[str] = mapped_column(String(36), unique=True)
    key_made_ms: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    request_id: Mapped[str | None] = mapped_column(String(64))
    accepted_request_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_broadcast_batch_job", "broadcast_id", "state", "seq"),)


class BroadcastRecipient(Base):
    """One customer of a broadcast and what happened for them (the per-customer record)."""

    __tablename__ = "broadcast_recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(Integer)
    line_user_id: Mapped[str] = mapped_column(String(64))
    #: "pending", "sent", "failed", "skipped", "not_sent".
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    #: A personalised broadcast's rendered LINE messages for this customer (push only).
    messages: Mapped[list[Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_broadcast_recipient_batch", "batch_id"),
        Index("ix_broadcast_recipient_job", "broadcast_id", "customer_id"),
        Index("ix_broadcast_recipient_customer", "customer_id"),
    )


# --- Forms (migration 0008) -----------------------------------------------------------------


class Form(Base):
    """A form (問診票・アンケート) the owner builds: its draft and its link secret.

    ``form_id`` is the form's public id (16 hex digits), in its URLs and on the relay.
    ``link_secret`` makes per-friend links (relay.forms.links): the relay gets only the
    MAC key derived from it, so it can check links but never read who they are for.
    """

    __tablename__ = "form"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(Text)
    #: The definition being edited, canonical JSON (relay.forms.schema).
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    link_secret: Mapped[bytes] = mapped_column(LargeBinary)
    #: The newest version published here (None: never published).
    published_version: Mapped[int | None] = mapped_column(Integer)
    #: The newest version the relay confirmed having (None: none uploaded yet).
    relay_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FormVersion(Base):
    """A published version of a form: immutable (a trigger refuses UPDATE), so every
    answer can always be read against the definition it was given under."""

    __tablename__ = "form_version"

    form_pk: Mapped[int] = mapped_column(ForeignKey("form.id", ondelete="CASCADE"),
                                         primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FormAnswer(Base):
    """One answer as it came from the relay (sealed item), and what became of it.

    ``status``: "applied" (to ``customer_id``), "pending" (a public answer matching several
    customers: ``candidates``, the owner decides), "refused" (it did not pass the book's
    own check: ``problems``; nothing applied), "replaced" (an edit superseded it).
    ``raw`` keeps the posted values as received, so nothing the friend sent is lost.
    """

    __tablename__ = "form_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[str] = mapped_column(String(32), unique=True)
    #: The form's public id (kept if the form is deleted here) and its row, if any.
    form_id: Mapped[str] = mapped_column(String(16))
    form_pk: Mapped[int | None] = mapped_column(ForeignKey("form.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"))
    #: "link" (a per-friend link) or "public".
    identity: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: Clean values by item key (relay.forms.schema.validate_answer).
    answer_values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: {"fields": ..., "files": ...} exactly as sealed.
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    problems: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: What applying it could not do, in the owner's words (source text), and why pending.
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    candidates: Mapped[list[Any]] = mapped_column(JSON, default=list)
    replaces: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_form_answer_form", "form_pk", "submitted_at"),
        Index("ix_form_answer_customer", "customer_id"),
        Index("ix_form_answer_status", "status"),
    )


class FormAnswerFile(Base):
    """A file uploaded with an answer. Until the answer is applied to a customer its bytes
    are kept here, inside the encrypted book (a loose attachment file would be swept as
    an orphan); then they become an attachment of the customer and ``data`` is emptied."""

    __tablename__ = "form_answer_file"

    file_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    answer_id: Mapped[str] = mapped_column(String(32), index=True)
    item_key: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DomainEvent(Base):
    """What happened in the book that rules may act on (migration 0010; see
    app/domain_events.py): written with the change itself, handled once by the rules."""

    __tablename__ = "domain_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    depth: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_domain_event_unhandled", "id", sqlite_where=text("handled_at IS NULL")),
    )


# Each feature area keeps its tables in its own module (models_<area>.py), imported here so
# that Base.metadata is whole wherever the models are used. Keep this list at the end.
from app.store import (  # noqa: E402
    models_analytics,  # noqa: F401
    models_autopilot,  # noqa: F401
    models_booking,  # noqa: F401  (reservations)
    models_instant,  # noqa: F401  (autopilot: instant page messages)
    models_privacy,  # noqa: F401
    models_purchases,  # noqa: F401
    models_routes,  # noqa: F401  (inflow routes)
    models_rules,  # noqa: F401
    models_sequences,  # noqa: F401
)
