"""Applying LINE events to the book: once each, in LINE's order, never losing one.

A batch (one pull from the relay) goes through three steps:

1. **Sort out.** Events whose ``webhookEventId`` the book already holds are duplicates
   (a redelivery, a copy, a pull repeated after a crash) and are skipped. The rest are
   sorted by LINE's ``timestamp`` (then relay sequence).
2. **Prepare, outside any transaction.** Profiles of new friends are fetched
   (``get_profile``) and the content of images, videos, audio and files is downloaded and
   encrypted into the attachments folder. A failure here never blocks the batch: a
   profile that cannot be fetched leaves the name empty (fetched again on the customer's
   next follow or message), content LINE no longer has is marked "unavailable", content
   that cannot be fetched now is marked "pending" and fetched again later.
3. **Apply, in one write transaction**, together with the record of every
   ``webhookEventId`` and the sync cursor, so the book holds either all of a batch or none
   of it. If the transaction fails because of one event (a bug, or a malformed event), the
   batch is applied again one event at a time and the culprit is kept whole as "failed":
   the queue never sticks.

Items that are not events LINE signed (set aside as "unverified") or that do not open
("unreadable") are kept, up to :data:`MAX_SET_ASIDE` rows; past that they are only
counted (``sync.set_aside_overflow``), so a hostile relay cannot fill the book with them.
Failed and set-aside rows can be applied again (:mod:`app.sync.set_aside`), replacing
their row in the same transaction (``replacing``).

Ordering across batches is decided per customer by timestamps, not by arrival: a follow
or unfollow older than the newest one applied is recorded in the conversation but does
not change whether the customer is blocked (``Conversation.friend_state_ms``), and of
two with the same millisecond the one that arrived later wins; an
``unsend`` that arrives before its message removes the message as soon as it arrives; of
two edits the later one wins. Messages are shown in timestamp order whatever order they
arrived in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import mimetypes
import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import domain_events, search
from app.attachments import AttachmentService, StoredBlob, guess_kind
from app.customers import CustomerService
from app.errors import OtokuiError, ValidationError
from app.line.connection import LineConnection
from app.line.errors import (
    LineContentGoneError,
    LineContentNotReadyError,
    LineTokenRejectedError,
    LineUnavailableError,
)
from app.messages import IN, counts_as_unread, preview_of, recompute_summary
from app.privacy.erase import drop_erased
from app.store.db import driver_cursor
from app.store.models import (
    Attachment,
    Base,
    BookSetting,
    Conversation,
    Customer,
    DomainEvent,
    LineEvent,
    Message,
    TimelineEvent,
    utcnow,
)

if TYPE_CHECKING:
    from app.book import Book
    from app.line.gateway import LineGateway, Profile

log = logging.getLogger("otokui.sync")

USER_ID_RE = re.compile(r"^U[0-9a-f]{32}$")
MEDIA_TYPES = frozenset({"image", "video", "audio", "file"})
#: The event types this module acts on; any other is kept whole ("kept").
APPLIED_TYPES = frozenset({"follow", "unfollow", "message", "postback", "accountLink",
                           "unsend", "messageEdited", "membership", "beacon",
                           "videoPlayComplete"})
#: Events by which someone unknown becomes a customer (their profile is fetched first).
NEW_CUSTOMER_TYPES = frozenset({"message", "postback", "accountLink", "membership", "beacon",
                                "videoPlayComplete"})
MAX_TYPE_CHARS = 16

APPLIED, KEPT, UNREADABLE, FAILED = "applied", "kept", "unreadable", "failed"
#: Not signed by LINE (or not checkable yet): kept, never applied.
UNVERIFIED = "unverified"
#: A failed or set-aside row the owner dismissed: its content is gone, its id stays (so a
#: redelivery is still recognised).
DISMISSED = "dismissed"
SET_ASIDE_STATUSES = (UNREADABLE, UNVERIFIED)
#: At most this many set-aside rows are kept; more are only counted.
MAX_SET_ASIDE = 100
#: What a set-aside row keeps at most (a LINE body is at most 1 MiB, 1.4 MiB in base64).
MAX_KEPT_CHARS = 1_500_000
KEY_SET_ASIDE_OVERFLOW = "sync.set_aside_overflow"
#: A plausible LINE ``timestamp``: ms from 2000-01-01 up to 2100-01-01 UTC (as the relay).
MIN_TIMESTAMP_MS = 946_684_800_000
MAX_TIMESTAMP_MS = 4_102_444_800_000


@dataclass
class Incoming:
    """One event as pulled, or an item set aside instead of applied.

    An event: ``event`` set. Set aside: ``event`` None, ``status`` UNREADABLE (``sealed``
    kept) or UNVERIFIED (``kept`` is what the row keeps, ``kind`` its type), ``error`` why.
    """

    event: dict[str, Any] | None
    seq: int | None = None
    received_ms: int | None = None
    sealed: str | None = None
    error: str | None = None
    status: str = UNREADABLE
    kept: dict[str, Any] | None = None
    kind: str = "?"
    #: An item from the relay's public front (a form answer or file, …): its plaintext,
    #: applied by its feature (app.sync.front_items) before the batch's events.
    front: bytes | None = None


@dataclass
class BatchReport:
    applied: int = 0
    kept: int = 0
    duplicates: int = 0
    failed: int = 0
    unreadable: int = 0
    #: Items not signed by LINE (or not checkable): set aside, not applied.
    unverified: int = 0
    #: Set-aside items only counted, past MAX_SET_ASIDE.
    overflow: int = 0
    #: Messages the customers wrote (not follows, blocks or other system rows).
    messages: int = 0
    pending_content: int = 0
    customers_created: list[int] = field(default_factory=list)
    customers_changed: set[int] = field(default_factory=set)
    conversations: set[int] = field(default_factory=set)
    #: A LINE API problem met while preparing (token refused, LINE unreachable), if any.
    line_problem: str | None = None

    def add(self, other: BatchReport) -> None:
        for name in ("applied", "kept", "duplicates", "failed", "unreadable", "unverified",
                     "overflow", "messages", "pending_content"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.customers_created += other.customers_created
        self.customers_changed |= other.customers_changed
        self.conversations |= other.conversations
        self.line_problem = other.line_problem or self.line_problem


@dataclass
class _Event:
    """An event being applied: what was pulled, plus what preparing it found."""

    event: dict[str, Any]
    key: str
    seq: int | None
    received_ms: int | None
    order: tuple[int, int, int]
    profile: Profile | None = None
    blob: StoredBlob | None = None
    content_type: str | None = None
    #: The content's first bytes, to tell its type when LINE's header does not.
    head: bytes = b""
    content_state: str | None = None


@dataclass
class _Conv:
    """A conversation's summary while a batch changes it (written back at the end)."""

    customer_id: int
    exists: bool
    last_at_ms: int | None = None
    last_type: str | None = None
    last_direction: str | None = None
    last_preview: str = ""
    unread_count: int = 0
    read_up_to_ms: int = 0
    status: str = "open"
    status_at_ms: int = 0
    friend_state_ms: int = 0
    recompute: bool = False


def event_key(event: dict[str, Any]) -> str:
    """The event's ``webhookEventId``, or a digest of it when LINE gave none."""
    key = event.get("webhookEventId")
    if isinstance(key, str) and 0 < len(key) <= 64:
        return key
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # surrogatepass: a lone surrogate cannot stop the digest (and other keys stay as before)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")
                                      ).hexdigest()[:56]


def ms_to_naive_utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).replace(tzinfo=None)


def plausible_ms(value: Any) -> int | None:
    """``value`` if it is a plausible epoch-millisecond time, else None.

    Anything else (10**30, year 10000, a float, a bool) would break whatever turns it into
    a date or stores it in a 64-bit column, long after it was applied.
    """
    if isinstance(value, int) and not isinstance(value, bool) \
            and MIN_TIMESTAMP_MS <= value < MAX_TIMESTAMP_MS:
        return value
    return None


def _timestamp(event: dict[str, Any]) -> int | None:
    return plausible_ms(event.get("timestamp"))


def _user_id(event: dict[str, Any]) -> str | None:
    source = event.get("source")
    if not isinstance(source, dict) or source.get("type") != "user":
        return None
    uid = source.get("userId")
    return uid if isinstance(uid, str) else None


def _chat_of(event: dict[str, Any]) -> dict[str, str] | None:
    """``{"type": "group"|"room", "id": …}`` for an event from a group or room chat."""
    source = event.get("source")
    if not isinstance(source, dict):
        return None
    kind = source.get("type")
    chat_id = source.get({"group": "groupId", "room": "roomId"}.get(str(kind), ""), None)
    if kind in ("group", "room") and isinstance(chat_id, str) and 0 < len(chat_id) <= 64:
        return {"type": kind, "id": chat_id}
    return None


def _sender_id(event: dict[str, Any]) -> str | None:
    """The user behind an event, one-to-one or in a group or room (LINE may leave it out
    in groups and rooms)."""
    source = event.get("source")
    uid = source.get("userId") if isinstance(source, dict) else None
    return uid if isinstance(uid, str) and USER_ID_RE.match(uid) else None


def _message(event: dict[str, Any]) -> dict[str, Any]:
    msg = event.get("message")
    return msg if isinstance(msg, dict) else {}


def _str_or_none(value: Any, limit: int) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def _safe_file_name(name: Any, fallback: str) -> str:
    if not isinstance(name, str):
        return fallback
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".")
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f")
    return name[:200] or fallback


def _environmental(exc: BaseException) -> bool:
    """Errors of the book or the machine, not of one event: the batch must wait."""
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, OtokuiError) and not isinstance(exc, ValidationError)


class EventApplier:
    """Applies batches of LINE events to one book (used by the sync worker and the bench)."""

    def __init__(self, book: Book, gateway: LineGateway | None = None, *,
                 max_set_aside: int = MAX_SET_ASIDE) -> None:
        self._book = book
        self._gateway = gateway
        self.max_set_aside = max_set_aside

    # --- the batch ----------------------------------------------------------------------------

    def apply_batch(self, items: Iterable[Incoming], *, device_id: str | None = None,
                    upto_seq: int | None = None,
                    replacing: Iterable[int] = ()) -> BatchReport:
        """Apply one pulled batch; commit it with the cursor ``upto_seq`` of ``device_id``.

        ``replacing``: ids of ``line_event`` rows (failed or set aside) these items are a
        new attempt at; they are deleted in the transaction that applies the items.
        """
        replace = sorted(set(replacing))
        report = BatchReport()
        fresh: list[_Event] = []
        set_aside: list[Incoming] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.event is None:
                set_aside.append(item)
                continue
            key = event_key(item.event)
            if key in seen:
                report.duplicates += 1
                continue
            seen.add(key)
            fresh.append(_Event(item.event, key, item.seq, item.received_ms,
                                (_timestamp(item.event) or 0, item.seq or 0, index)))
        if fresh:
            known = self._known_keys([e.key for e in fresh], replace)
            report.duplicates += sum(1 for e in fresh if e.key in known)
            fresh = [e for e in fresh if e.key not in known]
        fresh.sort(key=lambda e: e.order)
        fresh = drop_erased(self._book, fresh, lambda e: _user_id(e.event), lambda e: e.order[0])

        self._prepare(fresh, report)
        try:
            self._commit(fresh, set_aside, report, device_id, upto_seq, replace)
        except BaseException as exc:
            if _environmental(exc) or not isinstance(exc, Exception):
                self._discard_blobs(fresh)
                raise
            log.warning("a batch of %d events failed to apply (%s); applying one by one",
                        len(fresh), type(exc).__name__)
            report = self._commit_one_by_one(fresh, set_aside, report, device_id, upto_seq,
                                             replace)
        self._announce(report)
        return report

    def _known_keys(self, keys: list[str], replacing: list[int]) -> set[str]:
        """Keys already in the book (not counting the rows being replaced)."""
        known: set[str] = set()
        with self._book.db.read() as s:
            for start in range(0, len(keys), 400):
                chunk = keys[start:start + 400]
                query = select(LineEvent.webhook_event_id).where(
                    LineEvent.webhook_event_id.in_(chunk))
                if replacing:
                    query = query.where(LineEvent.id.not_in(replacing))
                known.update(s.scalars(query))
        return known

    def _commit(self, events: list[_Event], set_aside: list[Incoming], report: BatchReport,
                device_id: str | None, upto_seq: int | None,
                replacing: Sequence[int] = ()) -> None:
        with self._book.db.write() as s:
            _delete_rows(s, replacing)
            run = _Run(s, report, events)
            for e in events:
                run.apply(e)
            run.keep_set_aside(set_aside, self.max_set_aside)
            run.finish()
            if device_id is not None and upto_seq is not None:
                LineConnection.set_cursor_in(s, device_id, upto_seq)
        run.after_commit(self._book.attachments)

    def _commit_one_by_one(self, events: list[_Event], set_aside: list[Incoming],
                           report: BatchReport, device_id: str | None,
                           upto_seq: int | None, replacing: Sequence[int]) -> BatchReport:
        total = BatchReport(duplicates=report.duplicates, line_problem=report.line_problem,
                            pending_content=0)
        replace = list(replacing)  # deleted by the first transaction that commits
        for e in events:
            part = BatchReport()
            try:
                self._commit([e], [], part, None, None, replace)
            except Exception as exc:
                if _environmental(exc):
                    self._discard_blobs([e])
                    raise
                self._discard_blobs([e])
                log.error("a %s event could not be applied (%s); kept as failed",
                          str(e.event.get("type"))[:MAX_TYPE_CHARS], type(exc).__name__)
                part = self._keep_failed(e, type(exc).__name__, replace)
            replace = []
            total.add(part)
        with self._book.db.write() as s:
            _delete_rows(s, replace)
            run = _Run(s, total, [])
            run.keep_set_aside(set_aside, self.max_set_aside)
            run.finish()
            if device_id is not None and upto_seq is not None:
                LineConnection.set_cursor_in(s, device_id, upto_seq)
        return total

    def _keep_failed(self, e: _Event, error: str, replacing: Sequence[int]) -> BatchReport:
        """Keep an event that would not apply as "failed"; if even that fails because of
        what the event holds, keep a row without its content. Either way the queue moves
        on: whatever an event holds, it is applied or set aside."""
        part = BatchReport()
        try:
            with self._book.db.write() as s:
                _delete_rows(s, replacing)
                run = _Run(s, part, [])
                run.keep_failed(e, error)
                run.finish()
            return part
        except Exception as exc:
            if _environmental(exc):
                raise
            log.error("a failed event could not be kept whole (%s); kept without its content",
                      type(exc).__name__)
        part = BatchReport()
        bare = _Event({"unstorable": True}, e.key, None, None, (0, 0, 0))
        with self._book.db.write() as s:
            _delete_rows(s, replacing)
            run = _Run(s, part, [])
            run.keep_failed(bare, f"{error}; content could not be stored")
            run.finish()
        return part

    def _discard_blobs(self, events: list[_Event]) -> None:
        self._book.attachments.remove_blobs([e.blob.blob_name for e in events if e.blob])
        for e in events:
            e.blob = None

    def _announce(self, report: BatchReport) -> None:
        if report.conversations:
            self._book.announce("messages", sorted(report.conversations))
        changed = set(report.customers_created) | report.customers_changed
        if changed:
            self._book.announce("customers", sorted(changed))

    # --- preparing: profiles and content, outside the transaction ----------------------------

    def _prepare(self, events: list[_Event], report: BatchReport) -> None:
        if not events:
            return
        needs_profile: set[str] = set()
        users = {uid for e in events if (uid := _user_id(e.event)) and USER_ID_RE.match(uid)}
        # Group and room messages are kept for customers the book has (or gets in this
        # batch) only: their content is downloaded for those, never for strangers.
        senders = {uid for e in events if _chat_of(e.event) is not None
                   and (uid := _sender_id(e.event)) is not None}
        known = self._known_customers(users | senders)
        unsent = self._unsent_ids({str(_message(e.event).get("id")) for e in events
                                   if e.event.get("type") == "message"})
        unsent |= {str((e.event.get("unsend") or {}).get("messageId")) for e in events
                   if e.event.get("type") == "unsend" and isinstance(e.event.get("unsend"), dict)}
        for e in events:
            uid = _user_id(e.event)
            if uid not in users:
                continue
            etype = e.event.get("type")
            # ``type`` is whatever LINE (or a forged body) sent: a list is no type.
            if etype == "follow" or (isinstance(etype, str) and etype in NEW_CUSTOMER_TYPES
                                     and not known.get(uid)):
                needs_profile.add(uid)
        line_ok = self._gateway is not None
        profiles: dict[str, Profile | None] = {}
        for uid in sorted(needs_profile):
            if not line_ok:
                break
            try:
                profiles[uid] = self._gateway.profile(uid)  # type: ignore[union-attr]
            except (LineUnavailableError, LineTokenRejectedError) as exc:
                report.line_problem = exc.code
                line_ok = False  # LINE is down or refuses us: do not wait on every event
        for e in events:
            uid = _user_id(e.event)
            if uid in profiles:
                e.profile = profiles[uid]
            msg = _message(e.event)
            mtype = msg.get("type")
            if e.event.get("type") != "message" or not isinstance(mtype, str) \
                    or mtype not in MEDIA_TYPES:
                continue
            provider = msg.get("contentProvider")
            if isinstance(provider, dict) and provider.get("type") not in (None, "line"):
                continue  # the content is on the sender's own server: its URLs are kept
            mid = str(msg.get("id", ""))
            if mid in unsent:
                continue  # unsent already: the content must not be kept
            if _chat_of(e.event) is not None and _sender_id(e.event) not in known \
                    and _sender_id(e.event) not in users:
                continue  # a group member who is not a customer: nothing is kept
            if not line_ok:
                e.content_state = "pending"
                continue
            try:
                content = self._gateway.content(mid)  # type: ignore[union-attr]
            except LineContentGoneError:
                e.content_state = "unavailable"
                continue
            except LineContentNotReadyError:
                e.content_state = "pending"
                continue
            except (LineUnavailableError, LineTokenRejectedError) as exc:
                report.line_problem = exc.code
                e.content_state = "pending"
                line_ok = False
                continue
            e.blob = self._book.attachments.store_stream(io.BytesIO(content.data))
            e.content_type = content.content_type
            e.head = content.data[:16]
            e.content_state = "stored"

    def _known_customers(self, user_ids: set[str]) -> dict[str, str]:
        """line user id -> display name, for the customers the book already has."""
        out: dict[str, str] = {}
        ids = sorted(user_ids)
        with self._book.db.read() as s:
            for start in range(0, len(ids), 400):
                for uid, name in s.execute(
                        select(Customer.line_user_id, Customer.display_name)
                        .where(Customer.line_user_id.in_(ids[start:start + 400]))):
                    if uid is not None:  # (never: the IN matched it; the column is nullable)
                        out[uid] = name
        return out

    def _unsent_ids(self, message_ids: set[str]) -> set[str]:
        ids = sorted(i for i in message_ids if i)
        out: set[str] = set()
        with self._book.db.read() as s:
            for start in range(0, len(ids), 400):
                out.update(s.scalars(select(LineEvent.target_message_id).where(
                    LineEvent.type == "unsend",
                    LineEvent.target_message_id.in_(ids[start:start + 400]))))
        return out

    # --- content that could not be downloaded at once ---------------------------------------

    def retry_pending_content(self, limit: int = 20) -> tuple[int, int]:
        """Try again to download pending content; returns (stored now, still pending)."""
        stored = 0
        for row in self._book.messages.pending_content(limit) if self._gateway else []:
            if not row.line_message_id:
                continue
            try:
                content = self._gateway.content(row.line_message_id)  # type: ignore[union-attr]
            except LineContentGoneError:
                self._set_content_state(row.id, "unavailable")
                continue
            except LineContentNotReadyError:
                continue
            except (LineUnavailableError, LineTokenRejectedError):
                break  # LINE is down or refuses us: try the rest next time
            blob = self._book.attachments.store_stream(io.BytesIO(content.data))
            try:
                with self._book.db.write() as s:
                    current = s.get(Message, row.id)
                    if current is None or current.content_state != "pending":
                        raise _NotWanted()
                    mime, name = _content_name(row.type, row.line_message_id, row.payload,
                                               content.content_type, content.data[:16])
                    current.attachment_id = AttachmentService.insert_in(
                        s, row.customer_id, blob, file_name=name, mime_type=mime,
                        kind=guess_kind(mime), timeline=False)
                    current.content_state = "stored"
                stored += 1
            except _NotWanted:
                self._book.attachments.remove_blobs([blob.blob_name])
            except BaseException:
                self._book.attachments.remove_blobs([blob.blob_name])
                raise
        if stored:
            self._book.announce("messages", [])
        return stored, self._book.messages.pending_content_count()

    def _set_content_state(self, message_id: int, state: str) -> None:
        with self._book.db.write() as s:
            s.execute(update(Message).where(Message.id == message_id,
                                            Message.content_state == "pending")
                      .values(content_state=state))


class _NotWanted(Exception):
    """The message was unsent (or its content stored) while its content downloaded."""


def _content_name(mtype: str, message_id: str, payload: dict[str, Any],
                  content_type: str | None, head: bytes) -> tuple[str, str]:
    from app.attachments import sniff_mime_bytes

    if mtype == "file":
        name = _safe_file_name(payload.get("fileName"), f"LINE_{message_id}")
        mime = sniff_mime_bytes(head, name)
        return mime, name
    mime = (content_type or "").split(";")[0].strip().lower() or sniff_mime_bytes(head)
    if mime == "application/octet-stream":
        mime = sniff_mime_bytes(head) if mtype == "image" else mime
    ext = {"image/jpeg": ".jpg", "image/png": ".png", "video/mp4": ".mp4",
           "audio/x-m4a": ".m4a", "audio/mp4": ".m4a"}.get(mime) \
        or mimetypes.guess_extension(mime) or ""
    return mime, f"LINE_{mtype}_{message_id}{ext}"


class _Run:
    """One write transaction applying events: buffers rows, then writes them in bulk.

    What the events refer to (customers, conversations, earlier unsends and edits, LINE
    message ids already stored) is read up front in a few ``IN`` queries, not per event.
    """

    def __init__(self, s: Session, report: BatchReport, events: list[_Event]) -> None:
        self.s = s
        self.report = report
        self.customers: dict[str, int] = {}
        # Strong references: the session's identity map only holds clean objects weakly.
        self.loaded: dict[int, Customer] = {}
        self.profiled: set[str] = set()
        self.convs: dict[int, _Conv] = {}
        self.events: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        #: Domain events for the rules (app/domain_events.py), written with the rows.
        self.domain_events: list[dict[str, Any]] = []
        self.by_line_id: dict[str, dict[str, Any]] = {}
        #: Unsends and edits by the LINE message id they target: (type, at_ms, raw).
        self.targets: dict[str, list[tuple[str, int | None, dict[str, Any]]]] = {}
        self.taken: set[str] = set()
        self.removed_blobs: list[str] = []
        self.now = utcnow()
        self._preload(events)

    def _preload(self, events: list[_Event]) -> None:
        uids = sorted({u for e in events if (u := _user_id(e.event) or _sender_id(e.event))})
        line_ids = sorted({str(m["id"]) for e in events
                           if e.event.get("type") == "message"
                           and isinstance((m := _message(e.event)).get("id"), str)})
        for chunk in _chunks(uids):
            for uid, cid in self.s.execute(select(Customer.line_user_id, Customer.id)
                                           .where(Customer.line_user_id.in_(chunk))):
                if uid is not None:  # (never: the IN matched it; the column is nullable)
                    self.customers[uid] = cid
        for chunk in _chunks(sorted(self.customers.values())):
            for row in self.s.execute(select(
                    Conversation.customer_id, Conversation.last_at_ms, Conversation.last_type,
                    Conversation.last_direction, Conversation.last_preview,
                    Conversation.unread_count, Conversation.read_up_to_ms,
                    Conversation.status, Conversation.status_at_ms,
                    Conversation.friend_state_ms).where(Conversation.customer_id.in_(chunk))):
                self.convs[row.customer_id] = _Conv(
                    row.customer_id, True, row.last_at_ms, row.last_type,
                    row.last_direction, row.last_preview, row.unread_count,
                    row.read_up_to_ms, row.status, row.status_at_ms, row.friend_state_ms)
        for chunk in _chunks(line_ids):
            self.taken.update(self.s.scalars(select(Message.line_message_id)
                                             .where(Message.line_message_id.in_(chunk))))
            for target, etype, at_ms, raw in self.s.execute(
                    select(LineEvent.target_message_id, LineEvent.type, LineEvent.at_ms,
                           LineEvent.raw).where(LineEvent.target_message_id.in_(chunk))):
                self.targets.setdefault(target, []).append((etype, at_ms, raw))

    # --- dispatch ---------------------------------------------------------------------------

    def apply(self, e: _Event) -> None:
        event = e.event
        etype = event.get("type")
        etype = etype if isinstance(etype, str) else ""
        uid = _user_id(event)
        ts = _timestamp(event)
        chat = _chat_of(event)
        if chat is not None and ts is not None:
            if etype == "message":
                self._on_chat_message(e, chat, ts)
                return
            if etype in ("unsend", "messageEdited"):
                # Taking back or editing a group message: it may be in a conversation.
                getattr(self, "_on_" + etype)(e, _sender_id(event) or "", ts)
                return
        if etype not in APPLIED_TYPES or uid is None:
            self._record(e, KEPT, customer_id=self._existing_customer(uid))
            return
        if ts is None or not USER_ID_RE.match(uid):
            self.keep_failed(e, "malformed event")
            return
        handler = getattr(self, "_on_" + etype)
        handler(e, uid, ts)

    def _record(self, e: _Event, status: str, *, customer_id: int | None = None,
                target: str | None = None, error: str | None = None) -> None:
        etype = e.event.get("type")
        etype = (etype if isinstance(etype, str) else "")[:32] or "?"
        if target is not None:
            self.targets.setdefault(target, []).append((etype, _timestamp(e.event), e.event))
        self.events.append({
            "webhook_event_id": e.key,
            "type": etype,
            "status": status, "customer_id": customer_id, "at_ms": _timestamp(e.event),
            "target_message_id": target, "relay_seq": e.seq, "received_ms": e.received_ms,
            "applied_at": self.now, "raw": e.event, "error": error})
        if status == APPLIED:
            self.report.applied += 1
        elif status == KEPT:
            self.report.kept += 1
        elif status == FAILED:
            self.report.failed += 1

    def keep_failed(self, e: _Event, error: str) -> None:
        self._record(e, FAILED, error=error[:100])

    def keep_set_aside(self, items: list[Incoming], limit: int) -> None:
        """Items that did not open or are not LINE's: kept (never applied), at most
        ``limit`` such rows in the book; the rest only counted (one summary)."""
        if not items:
            return
        held = self.s.scalar(select(func.count()).select_from(LineEvent)
                             .where(LineEvent.status.in_(SET_ASIDE_STATUSES))) or 0
        room = max(0, limit - held)
        for item in items[:room]:
            if item.status == UNVERIFIED:
                raw = item.kept or {}
                self.report.unverified += 1
            else:
                raw = {"sealed": item.sealed}
                self.report.unreadable += 1
            if len(json.dumps(raw)) > MAX_KEPT_CHARS:
                raw = {"too_large": True}
            self.events.append({
                "webhook_event_id": None, "type": item.kind[:32] or "?",
                "status": item.status if item.status == UNVERIFIED else UNREADABLE,
                "customer_id": None, "at_ms": None, "target_message_id": None,
                "relay_seq": item.seq, "received_ms": plausible_ms(item.received_ms),
                "applied_at": self.now, "raw": raw, "error": (item.error or "")[:100]})
        over = items[room:]
        if over:
            self.report.overflow += len(over)
            row = self.s.get(BookSetting, KEY_SET_ASIDE_OVERFLOW)
            value = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
            stored = value.get("count")
            count = stored if isinstance(stored, int) else 0
            now = self.now.isoformat(timespec="seconds")
            self.s.merge(BookSetting(key=KEY_SET_ASIDE_OVERFLOW, value={
                "count": count + len(over), "first": value.get("first") or now, "last": now}))

    # --- customers and conversations --------------------------------------------------------

    def _existing_customer(self, uid: str | None) -> int | None:
        return None if uid is None else self.customers.get(uid)

    def _customer(self, e: _Event, uid: str) -> int:
        """The customer with this LINE user id, made now if new; profile applied if fetched."""
        cid = self._existing_customer(uid)
        p = e.profile if uid not in self.profiled else None
        if cid is None:
            data: dict[str, Any] = {"line_user_id": uid}
            if p is not None:
                data.update(display_name=p.display_name[:200], picture_url=p.picture_url,
                            status_message=p.status_message, language=p.language)
            # _preload read every customer of this batch's LINE user ids, and those made
            # since are in self.customers: this one is new.
            customer = CustomerService.create_in(self.s, data, line_id_known_new=True)
            cid = customer.id
            self.loaded[cid] = customer
            self.s.add(TimelineEvent(customer_id=cid, kind="created", at=self.now,
                                     data={"source": "line"}))
            self.customers[uid] = cid
            self.profiled.add(uid)
            self.report.customers_created.append(cid)
            return cid
        if p is not None:
            self.profiled.add(uid)
            customer = self._load(cid)
            fields = {"display_name": p.display_name[:200], "picture_url": p.picture_url,
                      "status_message": p.status_message, "language": p.language}
            changed = [k for k, v in fields.items() if getattr(customer, k) != v]
            for k in changed:
                setattr(customer, k, fields[k])
            if changed:
                customer.updated_at = self.now
                self.report.customers_changed.add(cid)
                if "display_name" in changed:
                    self.s.flush()
                    search.reindex(self.s, [cid])
        return cid

    def _load(self, cid: int) -> Customer:
        customer = self.loaded.get(cid)
        if customer is None:
            customer = self.s.get(Customer, cid)
            assert customer is not None
            self.loaded[cid] = customer
        return customer

    def _conv(self, cid: int) -> _Conv:
        conv = self.convs.get(cid)
        if conv is None:  # preloaded for every known customer: this one has none yet
            conv = self.convs[cid] = _Conv(cid, exists=False)
        return conv

    def _line_id_taken(self, line_id: str) -> bool:
        return line_id in self.by_line_id or line_id in self.taken

    def _add_message(self, e: _Event, cid: int, ts: int, *, mtype: str, text: str = "",
                     payload: dict[str, Any] | None = None, line_id: str | None = None,
                     attachment_id: int | None = None, content_state: str | None = None,
                     unsent_at_ms: int | None = None, edited_at_ms: int | None = None
                     ) -> dict[str, Any]:
        event = e.event
        msg = _message(event)
        reply = _str_or_none(event.get("replyToken"), 128)
        row = {
            "customer_id": cid, "direction": IN, "type": mtype[:MAX_TYPE_CHARS],
            "text": text, "payload": payload or {}, "at_ms": ts, "line_message_id": line_id,
            "webhook_event_id": e.key, "reply_token": reply,
            "reply_token_received_ms": (e.received_ms or ts) if reply else None,
            "reply_token_used_at": None,
            "quote_token": _str_or_none(msg.get("quoteToken"), 256),
            "mark_as_read_token": _str_or_none(msg.get("markAsReadToken"), 256),
            "attachment_id": attachment_id, "content_state": content_state,
            "unsent_at_ms": unsent_at_ms, "edited_at_ms": edited_at_ms, "state": None,
            "send_via": None, "retry_key": None, "error": None, "created_at": self.now}
        self.messages.append(row)
        if content_state == "pending":
            self.report.pending_content += 1
        if line_id:
            self.by_line_id[line_id] = row
        if mtype != "system":  # a follow or block is an event, not a message received
            self.report.messages += 1
        self.report.conversations.add(cid)
        conv = self._conv(cid)
        if conv.last_at_ms is None or ts >= conv.last_at_ms:
            conv.last_at_ms, conv.last_direction = ts, IN
            conv.last_type = "unsent" if unsent_at_ms else mtype[:MAX_TYPE_CHARS]
            conv.last_preview = "" if unsent_at_ms else preview_of(mtype, text)
        if counts_as_unread(IN, mtype) and unsent_at_ms is None:
            if ts > conv.read_up_to_ms:
                conv.unread_count += 1
            if conv.status == "done" and ts > conv.status_at_ms:
                conv.status, conv.status_at_ms = "open", ts
        return row

    def _emit(self, e: _Event, kind: str, cid: int, ts: int, data: dict[str, Any]) -> None:
        """Buffer a domain event keyed by the LINE event (so applying it twice emits once)."""
        self.domain_events.append({"key": "line:" + e.key, "kind": kind, "customer_id": cid,
                                   "data": data, "depth": 0, "at": ms_to_naive_utc(ts)})

    def _system(self, e: _Event, cid: int, ts: int, what: str, **extra: Any) -> None:
        self._add_message(e, cid, ts, mtype="system", payload={"event": what, **extra})
        self.s.add(TimelineEvent(customer_id=cid, kind=f"line_{what}", at=ms_to_naive_utc(ts),
                                 data={}))

    # --- the event types --------------------------------------------------------------------

    def _on_follow(self, e: _Event, uid: str, ts: int) -> None:
        cid = self._customer(e, uid)
        follow = e.event.get("follow")
        unblocked = isinstance(follow, dict) and follow.get("isUnblocked") is True
        conv = self._conv(cid)
        # ">=": of a follow and an unfollow in the same millisecond, the one that arrived
        # later (applied later: batches in arrival order, a batch sorted stably) wins.
        if ts >= conv.friend_state_ms:
            conv.friend_state_ms = ts
            customer = self._load(cid)
            customer.blocked_at = None
            if not unblocked or customer.followed_at is None:
                customer.followed_at = ms_to_naive_utc(ts)
            customer.updated_at = self.now
            self.report.customers_changed.add(cid)
        elif not unblocked:
            # An older follow arriving late: the friendship began then, not later.
            customer = self._load(cid)
            when = ms_to_naive_utc(ts)
            if customer.followed_at is None or when < customer.followed_at:
                customer.followed_at = when
                self.report.customers_changed.add(cid)
        self._system(e, cid, ts, "unblocked" if unblocked else "followed")
        self._emit(e, domain_events.FRIEND_FOLLOWED, cid, ts, {"again": unblocked})
        self._record(e, APPLIED, customer_id=cid)

    def _on_unfollow(self, e: _Event, uid: str, ts: int) -> None:
        cid = self._customer(e, uid)
        conv = self._conv(cid)
        if ts >= conv.friend_state_ms:  # ties: the later arrival wins (see _on_follow)
            conv.friend_state_ms = ts
            customer = self._load(cid)
            customer.blocked_at = ms_to_naive_utc(ts)
            customer.updated_at = self.now
            self.report.customers_changed.add(cid)
        self._system(e, cid, ts, "blocked")
        self._emit(e, domain_events.FRIEND_BLOCKED, cid, ts, {})
        self._record(e, APPLIED, customer_id=cid)

    def _on_message(self, e: _Event, uid: str, ts: int) -> None:
        msg = _message(e.event)
        line_id = _str_or_none(msg.get("id"), 32)
        mtype = msg.get("type")
        if line_id is None or not isinstance(mtype, str) or not mtype:
            self.keep_failed(e, "message without id or type")
            return
        cid = self._customer(e, uid)
        if self._line_id_taken(line_id):
            # The same LINE message under another event id: once is enough.
            self._record(e, APPLIED, customer_id=cid)
            return
        text, payload = _message_content(mtype, msg)
        attachment_id = None
        if e.blob is not None:
            mime, name = _content_name(mtype, line_id, payload, e.content_type, e.head)
            attachment_id = AttachmentService.insert_in(
                self.s, cid, e.blob, file_name=name, mime_type=mime, kind=guess_kind(mime),
                timeline=False)
        unsent_at, edit = self._earlier_unsend_and_edit(line_id)
        if unsent_at is not None:
            text, payload = "", {}
        elif edit is not None:
            edit_ts, edited = edit
            if edit_ts > ts:
                text, payload = _message_content(mtype, {**msg, **edited})
        row = self._add_message(
            e, cid, ts, mtype=mtype, text=text, payload=payload, line_id=line_id,
            attachment_id=attachment_id,
            content_state=None if unsent_at is not None else e.content_state,
            unsent_at_ms=unsent_at,
            edited_at_ms=edit[0] if (edit is not None and unsent_at is None
                                     and edit[0] > ts) else None)
        if unsent_at is not None and attachment_id is not None:
            self._drop_attachment(attachment_id)
            row["attachment_id"] = None
        if unsent_at is None:  # a message already taken back triggers nothing
            # The message's row id is not known before the bulk insert: the rules find
            # it by its LINE message id.
            self._emit(e, domain_events.MESSAGE_RECEIVED, cid, ts,
                       {"line_message_id": line_id, "type": mtype[:MAX_TYPE_CHARS]})
        self._record(e, APPLIED, customer_id=cid)

    def _earlier_unsend_and_edit(self, line_id: str
                                 ) -> tuple[int | None, tuple[int, dict[str, Any]] | None]:
        """An unsend or edit of ``line_id`` applied before its message arrived."""
        unsent_at = None
        edit: tuple[int, dict[str, Any]] | None = None
        for etype, at_ms, raw in self.targets.get(line_id, ()):
            if at_ms is None:
                continue
            if etype == "unsend":
                unsent_at = at_ms if unsent_at is None else min(unsent_at, at_ms)
            elif etype == "messageEdited" and (edit is None or at_ms > edit[0]):
                edit = (at_ms, _message(raw))
        return unsent_at, edit

    def _on_postback(self, e: _Event, uid: str, ts: int) -> None:
        cid = self._customer(e, uid)
        postback = e.event.get("postback")
        postback = postback if isinstance(postback, dict) else {}
        payload: dict[str, Any] = {"data": postback.get("data", "")}
        if isinstance(postback.get("params"), dict):
            payload["params"] = postback["params"]
        self._add_message(e, cid, ts, mtype="postback", payload=payload)
        data = postback.get("data", "")
        self._emit(e, domain_events.POSTBACK, cid, ts,
                   {"data": data[:300] if isinstance(data, str) else ""})
        self._record(e, APPLIED, customer_id=cid)

    def _on_accountLink(self, e: _Event, uid: str, ts: int) -> None:
        cid = self._customer(e, uid)
        link = e.event.get("link")
        link = link if isinstance(link, dict) else {}
        self._system(e, cid, ts, "account_link", result=str(link.get("result", ""))[:16],
                     nonce=str(link.get("nonce", ""))[:256])
        nonce = link.get("nonce")
        if link.get("result") == "ok" and isinstance(nonce, str) and nonce:
            from app.members.account_link import note_event

            # Linked to the member after the batch (app/members/account_link.py).
            note_event(self.s, str(e.event.get("webhookEventId", ""))[:64], uid, nonce)
        self._record(e, APPLIED, customer_id=cid)

    def _on_unsend(self, e: _Event, uid: str, ts: int) -> None:
        unsend = e.event.get("unsend")
        target = _str_or_none(unsend.get("messageId") if isinstance(unsend, dict) else None, 32)
        if target is None:
            self.keep_failed(e, "unsend without message id")
            return
        cid = self._existing_customer(uid)
        buffered = self.by_line_id.get(target)
        if buffered is not None:
            if buffered["unsent_at_ms"] is None:
                self._unsend_counts(buffered["customer_id"], buffered["type"],
                                    buffered["at_ms"])
            buffered.update(unsent_at_ms=ts, text="", payload={}, content_state=None)
            if buffered["attachment_id"] is not None:
                self._drop_attachment(buffered["attachment_id"])
                buffered["attachment_id"] = None
            for record in self.events:
                if record["webhook_event_id"] == buffered["webhook_event_id"]:
                    record["raw"] = _scrubbed(record["raw"])
        else:
            row = self.s.execute(select(
                Message.id, Message.customer_id, Message.type, Message.at_ms,
                Message.attachment_id, Message.unsent_at_ms, Message.webhook_event_id)
                .where(Message.line_message_id == target)).first()
            if row is not None and row.unsent_at_ms is None:
                self._unsend_counts(row.customer_id, row.type, row.at_ms)
                self.s.execute(update(Message).where(Message.id == row.id).values(
                    unsent_at_ms=ts, text="", payload={}, content_state=None,
                    attachment_id=None))
                if row.attachment_id is not None:
                    self._drop_attachment(row.attachment_id)
                if row.webhook_event_id:
                    self._scrub_raw(row.webhook_event_id)
        self._record(e, APPLIED, customer_id=cid, target=target)

    def _unsend_counts(self, cid: int, mtype: str, at_ms: int) -> None:
        conv = self._conv(cid)
        if counts_as_unread(IN, mtype) and at_ms > conv.read_up_to_ms:
            conv.unread_count = max(0, conv.unread_count - 1)
        if conv.last_at_ms is not None and at_ms >= conv.last_at_ms:
            conv.recompute = True
        self.report.conversations.add(cid)

    def _scrub_raw(self, webhook_event_id: str) -> None:
        """The customer took the message back: its content leaves the raw record too."""
        row = self.s.execute(select(LineEvent.id, LineEvent.raw)
                             .where(LineEvent.webhook_event_id == webhook_event_id)).first()
        if row is not None:
            self.s.execute(update(LineEvent).where(LineEvent.id == row.id)
                           .values(raw=_scrubbed(row.raw)))

    def _drop_attachment(self, attachment_id: int) -> None:
        att = self.s.get(Attachment, attachment_id)
        if att is not None:
            self.removed_blobs.append(att.blob_name)
            self.s.delete(att)

    def _on_messageEdited(self, e: _Event, uid: str, ts: int) -> None:
        msg = _message(e.event)
        target = _str_or_none(msg.get("id"), 32)
        if target is None:
            self.keep_failed(e, "edit without message id")
            return
        cid = self._existing_customer(uid)
        buffered = self.by_line_id.get(target)
        if buffered is not None:
            if buffered["unsent_at_ms"] is None and ts > (buffered["edited_at_ms"] or 0):
                text, payload = _message_content(buffered["type"], msg)
                buffered.update(text=text, payload=payload, edited_at_ms=ts)
                self._conv(buffered["customer_id"]).recompute = True
        else:
            row = self.s.execute(select(Message.id, Message.customer_id, Message.type,
                                        Message.edited_at_ms, Message.unsent_at_ms)
                                 .where(Message.line_message_id == target)).first()
            if row is not None and row.unsent_at_ms is None and ts > (row.edited_at_ms or 0):
                text, payload = _message_content(row.type, msg)
                self.s.execute(update(Message).where(Message.id == row.id).values(
                    text=text, payload=payload, edited_at_ms=ts))
                self._conv(row.customer_id).recompute = True
                self.report.conversations.add(row.customer_id)
        self._record(e, APPLIED, customer_id=cid, target=target)

    # --- membership, beacon, video watched, group and room messages -----------------------

    def _on_membership(self, e: _Event, uid: str, ts: int) -> None:
        """Joined, left or renewed one of the shop's paid memberships: a system line."""
        cid = self._customer(e, uid)
        membership = e.event.get("membership")
        membership = membership if isinstance(membership, dict) else {}
        kind = membership.get("type")
        if kind not in ("joined", "left", "renewed"):
            self._record(e, KEPT, customer_id=cid)  # a kind LINE added later: kept whole
            return
        extra: dict[str, Any] = {}
        if isinstance(membership.get("membershipId"), int):
            extra["membership_id"] = membership["membershipId"]
        self._system(e, cid, ts, f"membership_{kind}", **extra)
        self._record(e, APPLIED, customer_id=cid)

    def _on_beacon(self, e: _Event, uid: str, ts: int) -> None:
        """The customer came near the shop's LINE Beacon (``enter``) or tapped its banner.
        ``stay`` repeats while they stay: recorded, not shown again and again."""
        cid = self._customer(e, uid)
        beacon = e.event.get("beacon")
        beacon = beacon if isinstance(beacon, dict) else {}
        kind = beacon.get("type")
        if kind in ("enter", "banner"):
            hwid = _str_or_none(beacon.get("hwid"), 32)
            self._system(e, cid, ts, f"beacon_{kind}", **({"hwid": hwid} if hwid else {}))
            self._record(e, APPLIED, customer_id=cid)
        else:
            self._record(e, KEPT, customer_id=cid)

    def _on_videoPlayComplete(self, e: _Event, uid: str, ts: int) -> None:
        """The customer watched a video the shop sent (with a tracking id) to the end."""
        cid = self._customer(e, uid)
        played = e.event.get("videoPlayComplete")
        tracking = _str_or_none(played.get("trackingId") if isinstance(played, dict)
                                else None, 100)
        self._system(e, cid, ts, "video_watched",
                     **({"tracking_id": tracking} if tracking else {}))
        self._record(e, APPLIED, customer_id=cid)

    def _on_chat_message(self, e: _Event, chat: dict[str, str], ts: int) -> None:
        """A message in a group or room the account is in.

        Shown in the sender's own conversation, marked with the group, when the sender
        is a customer in the book; otherwise kept whole in ``line_event`` only (a group
        member who never befriended the shop does not become a customer). The reply,
        quote and mark-as-read tokens act on the group, not on the one-to-one chat, so
        they are not kept with the message: an answer from Otokui goes to the customer
        alone, never into the group.
        """
        sender = _sender_id(e.event)
        cid = self._existing_customer(sender)
        if sender is None or cid is None:
            if e.blob is not None:
                self.removed_blobs.append(e.blob.blob_name)
                e.blob = None
            self._record(e, KEPT)
            return
        original = e.event
        msg = _message(original)
        e.event = {k: v for k, v in original.items() if k != "replyToken"}
        e.event["message"] = {k: v for k, v in msg.items()
                              if k not in ("quoteToken", "markAsReadToken")}
        try:
            events_before = len(self.events)
            self._on_message(e, sender, ts)
        finally:
            e.event = original
        for record in self.events[events_before:]:
            if record["webhook_event_id"] == e.key:
                record["raw"] = original
        line_id = _str_or_none(msg.get("id"), 32)
        row = self.by_line_id.get(line_id) if line_id else None
        if row is not None and row["webhook_event_id"] == e.key:
            row["payload"] = {**row["payload"], "chat": dict(chat)}

    # --- writing ----------------------------------------------------------------------------

    def finish(self) -> None:
        """Write the buffered rows and the conversation summaries."""
        s = self.s
        if self.messages or self.events:
            s.flush()  # customers and attachments the rows refer to
        if self.messages:
            _bulk_insert(s, _table(Message), self.messages)
            self.messages, self.by_line_id = [], {}
        if self.events:
            _bulk_insert(s, _table(LineEvent), self.events)
            self.events = []
        if self.domain_events:
            s.execute(insert(_table(DomainEvent)).prefix_with("OR IGNORE"),
                      self.domain_events)
            self.domain_events = []
        new = [c for c in self.convs.values() if not c.exists]
        old = [c for c in self.convs.values() if c.exists]
        def values(c: _Conv) -> dict[str, Any]:
            return {"customer_id": c.customer_id, "last_at_ms": c.last_at_ms,
                    "last_type": c.last_type, "last_direction": c.last_direction,
                    "last_preview": c.last_preview, "unread_count": c.unread_count,
                    "read_up_to_ms": c.read_up_to_ms, "status": c.status,
                    "status_at_ms": c.status_at_ms, "friend_state_ms": c.friend_state_ms,
                    "updated_at": self.now}

        if new:
            s.execute(insert(_table(Conversation)), [values(c) for c in new])
            for c in new:
                c.exists = True
        if old:  # the ORM's bulk UPDATE by primary key
            s.execute(update(Conversation), [values(c) for c in old])
        for c in self.convs.values():
            if c.recompute:
                conv = recompute_summary(s, c.customer_id)
                c.recompute = False
                c.last_at_ms, c.last_type = conv.last_at_ms, conv.last_type
                c.last_direction, c.last_preview = conv.last_direction, conv.last_preview
                c.unread_count = conv.unread_count
        s.flush()

    def after_commit(self, attachments: AttachmentService) -> None:
        attachments.remove_blobs(self.removed_blobs)


def _text_of(msg: dict[str, Any]) -> str:
    text = msg.get("text")
    return text if isinstance(text, str) else ""


def _message_content(mtype: str, msg: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The text and the payload kept for one LINE message object."""
    keep: tuple[str, ...]
    text = ""
    if mtype == "text":
        text = _text_of(msg)
        keep = ("emojis", "mention", "quotedMessageId")
    elif mtype == "sticker":
        text = _text_of(msg)
        keep = ("packageId", "stickerId", "stickerResourceType", "keywords",
                "quotedMessageId")
    elif mtype in ("image", "video", "audio"):
        keep = ("contentProvider", "imageSet", "duration")
    elif mtype == "file":
        keep = ("fileName", "fileSize")
    elif mtype == "location":
        keep = ("title", "address", "latitude", "longitude")
    else:  # a type LINE added later: keep all of it but the tokens, which have columns
        return "", {k: v for k, v in msg.items()
                    if k not in ("id", "quoteToken", "markAsReadToken")}
    return text, {k: msg[k] for k in keep if k in msg}



def _scrubbed(raw: dict[str, Any]) -> dict[str, Any]:
    msg = _message(raw)
    return {**raw, "message": {"id": msg.get("id"), "type": msg.get("type"), "unsent": True}}


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)  # each of our declarative models maps one Table
    return table


def _bulk_insert(s: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows with one DB-API ``executemany`` in the session's transaction.

    The hot path of the sync (two rows per event): SQLAlchemy's per-row parameter handling
    cost more than SQLite's work here (bench/sync.py). Values still go through
    SQLAlchemy's own bind processors for their column types, so they are stored exactly
    as an ORM insert would store them.
    """
    dialect = s.get_bind().dialect
    columns = [c for c in table.columns if c.name in rows[0]]
    names = [c.name for c in columns]
    converted = [(i, proc) for i, c in enumerate(columns)
                 if (proc := c.type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608 - our own names
           f"VALUES ({', '.join('?' for _ in names)})")
    get = operator.itemgetter(*names)
    params: list[list[Any]] = []
    last: dict[int, tuple[Any, Any]] = {}  # the batch's one timestamp is converted once
    for row in rows:
        values = list(get(row))
        for i, proc in converted:
            value = values[i]
            if value is None:
                continue
            seen = last.get(i)
            if seen is not None and seen[0] is value:
                values[i] = seen[1]
            else:
                values[i] = proc(value)
                last[i] = (value, values[i])
        params.append(values)
    cursor = driver_cursor(s)
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()


def _delete_rows(s: Session, ids: Iterable[int]) -> None:
    """Rows replaced by a new attempt at the same events (a retry)."""
    ids = list(ids)
    for chunk in _chunks(ids):
        s.execute(delete(LineEvent).where(LineEvent.id.in_(chunk)))


def _chunks(values: list[Any], size: int = 400) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
