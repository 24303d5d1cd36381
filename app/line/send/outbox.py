"""Outgoing messages in the book: stored before they are sent, settled after.

One send is one LINE request: one to five ``message`` rows (``direction`` "out"), one per
bubble, that share a send id (``payload["send"]["id"]``) and move together through
``state`` "sending" → "sent" | "failed". ``send_via`` is "reply" or "push"; a push's
``X-Line-Retry-Key`` is in ``retry_key`` of the send's first row (the column is unique),
written in the same transaction as the rows, before the first try. Using a reply token
marks it used in that same transaction: a token is single use, and one that a crash may
have spent must never be offered again.

Images sent are kept too: the bytes as an encrypted attachment of the customer (so the
conversation shows them after the relay's copy expires), the relay's URLs in
``payload["image"]``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.attachments import AttachmentService, StoredBlob
from app.errors import NotFoundError
from app.line.send.bubbles import CheckedImage, Draft
from app.line.send.delivery import SentMessage
from app.messages import OUT, recompute_summary, summarise_newest
from app.store.db import rowcount
from app.store.models import Message, utcnow

if TYPE_CHECKING:
    from app.book import Book
    from app.sync.relay_client import MediaRef

SENDING = "sending"
SENT = "sent"
FAILED = "failed"
REPLY = "reply"
PUSH = "push"
#: Ids bound in one ``IN (...)`` at most (SQLite's variable limit is far above).
_IN_CHUNK = 500


@dataclass(frozen=True)
class StagedImage:
    """An image ready to go in a message: where the relay serves it, and our local copy."""

    image: CheckedImage = field(repr=False)
    media: MediaRef
    blob: StoredBlob = field(repr=False)


@dataclass
class Group:
    """One stored send, as read back from its rows."""

    send_id: str
    customer_id: int
    message_ids: list[int]
    state: str
    via: str
    retry_key: str | None
    key_made_ms: int | None
    messages: list[dict[str, Any]]
    info: dict[str, Any]
    error: str | None
    at_ms: int
    line_message_ids: list[str]

    @property
    def error_code(self) -> str | None:
        return self.info.get("error_code")

    @property
    def maybe_sent(self) -> bool:
        return bool(self.info.get("maybe_sent"))

    @property
    def reply_to(self) -> int | None:
        value = self.info.get("reply_to")
        return value if isinstance(value, int) else None

    @property
    def media_ids(self) -> list[str]:
        return list(self.info.get("media_ids") or [])


@dataclass(frozen=True)
class Staging:
    """One send to store (:meth:`Outbox.stage_many`): reply or push as chosen, a key for
    a push (or for a reply whose token turns out taken), the time it is filed under."""

    draft: Draft
    images: dict[int, StagedImage]
    send_id: str
    via: str
    retry_key: str | None
    reply_to: int | None
    now_ms: int


@dataclass(frozen=True)
class Settlement:
    """How a send ended, to be written to its rows."""

    state: str
    error_code: str | None = None
    error: str | None = None
    maybe_sent: bool = False
    sent_messages: Sequence[SentMessage] = ()
    request_id: str | None = None
    accepted_request_id: str | None = None
    attempts: int = 0


def _line_message(row: Message) -> dict[str, Any]:
    if row.type == "image":
        image = (row.payload or {}).get("image") or {}
        return {"type": "image", "originalContentUrl": image.get("url"),
                "previewImageUrl": image.get("preview_url")}
    return {"type": "text", "text": row.text}


def _group_from_rows(rows: list[Message]) -> Group:
    rows = sorted(rows, key=lambda r: ((r.payload or {}).get("send", {}).get("index", 0), r.id))
    first = rows[0]
    info = dict((first.payload or {}).get("send") or {})
    return Group(
        send_id=str(info.get("id")), customer_id=first.customer_id,
        message_ids=[r.id for r in rows], state=first.state or SENDING,
        via=first.send_via or PUSH, retry_key=first.retry_key,
        key_made_ms=info.get("key_made_ms"), messages=[_line_message(r) for r in rows],
        info=info, error=first.error, at_ms=first.at_ms,
        line_message_ids=[r.line_message_id for r in rows if r.line_message_id])


def _newest(s: Session, customer_ids: Sequence[int]) -> dict[int, int]:
    """The time of each conversation's newest line (customers without one are left out)."""
    out: dict[int, int] = {}
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), _IN_CHUNK):
        for cid, newest in s.execute(
                select(Message.customer_id, func.max(Message.at_ms))
                .where(Message.customer_id.in_(ids[start:start + _IN_CHUNK]))
                .group_by(Message.customer_id)):
            if newest is not None:
                out[int(cid)] = int(newest)
    return out


def _after(newest: int | None, now_ms: int) -> int:
    """``now_ms``, or just after the conversation's newest line if that is later.

    Received lines carry LINE's timestamps, sent ones this computer's clock: a clock a few
    seconds behind LINE's would otherwise file a reply above the message it answers.
    """
    return max(now_ms, newest + 1) if newest is not None else now_ms


def _after_newest(s: Session, customer_id: int, now_ms: int) -> int:
    return _after(_newest(s, [customer_id]).get(customer_id), now_ms)


def _merge_info(rows: list[Message], changes: dict[str, Any]) -> list[Message]:
    """``changes`` written into each row's ``payload["send"]``; the rows in bubble order."""
    for r in rows:
        payload = dict(r.payload or {})
        payload["send"] = {**(payload.get("send") or {}), **changes}
        r.payload = payload
    return sorted(rows, key=lambda r: (r.payload["send"].get("index", 0), r.id))


def _send_id_expr() -> Any:
    return func.json_extract(Message.payload, "$.send.id")


class Outbox:
    def __init__(self, book: Book) -> None:
        self._book = book

    # --- reading ----------------------------------------------------------------------------

    @staticmethod
    def _rows(s: Session, customer_id: int, send_id: str) -> list[Message]:
        return list(s.scalars(select(Message).where(
            Message.customer_id == customer_id, Message.direction == OUT,
            _send_id_expr() == send_id)))

    def group(self, customer_id: int, send_id: str) -> Group:
        with self._book.db.read() as s:
            rows = self._rows(s, customer_id, send_id)
        if not rows:
            raise NotFoundError(f"send {send_id[:8]}")
        return _group_from_rows(rows)

    def group_of_message(self, message_id: int) -> Group:
        with self._book.db.read() as s:
            row = s.get(Message, message_id)
            if row is None or row.direction != OUT or not (row.payload or {}).get("send"):
                raise NotFoundError(f"message {message_id}")
            rows = self._rows(s, row.customer_id, str(row.payload["send"]["id"]))
        return _group_from_rows(rows)

    def pending(self) -> list[Group]:
        """Every send still "sending" (after a crash, or in flight right now), oldest first."""
        with self._book.db.read() as s:
            rows = list(s.scalars(select(Message).where(
                Message.state == SENDING, Message.direction == OUT)
                .order_by(Message.at_ms, Message.id)))
        by_send: dict[str, list[Message]] = {}
        for r in rows:
            by_send.setdefault(str((r.payload or {}).get("send", {}).get("id")), []).append(r)
        return [_group_from_rows(g) for g in by_send.values()]

    def find_earlier(self, draft: Draft, since_ms: int) -> Group | None:
        """A send of the same draft (ever), or of the same content since ``since_ms`` that
        is not a clean refusal: what a double click would otherwise send twice."""
        return self.find_earlier_many([draft], since_ms)[0]

    def find_earlier_many(self, drafts: Sequence[Draft], since_ms: int
                          ) -> list[Group | None]:
        """:meth:`find_earlier` for each draft, in one read (a few statements in all)."""
        if not drafts:
            return []
        cids = sorted({d.customer_id for d in drafts})
        draft_expr = func.json_extract(Message.payload, "$.send.draft")
        print_expr = func.json_extract(Message.payload, "$.send.fingerprint")
        found: list[Message | None] = [None] * len(drafts)
        with self._book.db.read() as s:
            by_draft: dict[tuple[int, str], Message] = {}
            for start in range(0, len(cids), _IN_CHUNK):
                for row, draft_id in s.execute(select(Message, draft_expr).where(
                        Message.customer_id.in_(cids[start:start + _IN_CHUNK]),
                        Message.direction == OUT,
                        draft_expr.in_(sorted({d.draft_id for d in drafts})))):
                    by_draft.setdefault((row.customer_id, str(draft_id)), row)
            by_print: dict[tuple[int, str], list[Message]] = {}
            for start in range(0, len(cids), _IN_CHUNK):
                for row, fingerprint in s.execute(select(Message, print_expr).where(
                        Message.customer_id.in_(cids[start:start + _IN_CHUNK]),
                        Message.direction == OUT, Message.at_ms >= since_ms,
                        print_expr.in_(sorted({d.fingerprint for d in drafts})))
                        .order_by(Message.id.desc())):
                    by_print.setdefault((row.customer_id, str(fingerprint)), []).append(row)
            for n, draft in enumerate(drafts):
                row = by_draft.get((draft.customer_id, draft.draft_id))
                if row is None:
                    for candidate in by_print.get((draft.customer_id, draft.fingerprint), []):
                        info = (candidate.payload or {}).get("send") or {}
                        if candidate.state != FAILED or info.get("maybe_sent"):
                            row = candidate
                            break
                found[n] = row
            return [None if row is None else _group_from_rows(
                self._rows(s, row.customer_id, str(row.payload["send"]["id"])))
                for row in found]

    def images_expire_before(self, group: Group, when_ms: int) -> bool:
        """Whether the relay stops serving one of the send's images before ``when_ms``."""
        with self._book.db.read() as s:
            for r in self._rows(s, group.customer_id, group.send_id):
                image = (r.payload or {}).get("image")
                if image is not None and int(image.get("expires_at_ms") or 0) < when_ms:
                    return True
        return False

    # --- writing ----------------------------------------------------------------------------

    def stage(self, draft: Draft, images: dict[int, StagedImage], *, send_id: str,
              via: str, retry_key: str | None, reply_to: int | None, now_ms: int) -> Group:
        """Store the send (state "sending") in one transaction; returns it as stored.

        For a reply, ``reply_to``'s token is marked used here; if another send took it
        meanwhile the send is stored as a push with ``retry_key`` instead (the caller
        passes a key for that case too).
        """
        return self.stage_many([Staging(draft, images, send_id, via, retry_key, reply_to,
                                        now_ms)])[0]

    def stage_many(self, sends: Sequence[Staging]) -> list[Group]:
        """Store many sends, each as :meth:`stage` does, in ONE transaction (all or none);
        returns them as stored, in order. Each conversation's summary moves to its new lines.

        Reply tokens are taken in one statement; a token another send took meanwhile (or
        an earlier send of this batch) makes that send a push with its ``retry_key``.
        """
        try:
            with self._book.db.write() as s:
                cids = [st.draft.customer_id for st in sends]
                newest = _newest(s, cids)
                wanted = sorted({st.reply_to for st in sends
                                 if st.via == REPLY and st.reply_to is not None})
                free: set[int] = set()
                for start in range(0, len(wanted), _IN_CHUNK):
                    free |= set(s.scalars(
                        update(Message).where(Message.id.in_(wanted[start:start + _IN_CHUNK]),
                                              Message.reply_token_used_at.is_(None))
                        .values(reply_token_used_at=utcnow()).returning(Message.id)
                        .execution_options(synchronize_session=False)))
                stored: list[list[Message]] = []
                for st in sends:
                    via, reply_to = st.via, st.reply_to
                    if via == REPLY:
                        if reply_to is not None and reply_to in free:
                            free.discard(reply_to)  # single use, within the batch too
                        else:
                            via, reply_to = PUSH, None
                    cid = st.draft.customer_id
                    now_ms = _after(newest.get(cid), st.now_ms)
                    newest[cid] = now_ms
                    stored.append(self._add_rows(s, st, via, reply_to, now_ms))
                s.flush()
                # Each new line is its conversation's newest (filed after every other):
                # the summaries move to the last one of each, without reading them again.
                summarise_newest(s, {rows[-1].customer_id: (rows[-1].at_ms, rows[-1].type,
                                                            rows[-1].text)
                                     for rows in stored if rows})
                # Read back from the rows at hand (ids assigned by the flush).
                groups = [_group_from_rows(rows) for rows in stored]
        except BaseException:
            self._book.attachments.remove_blobs(
                [i.blob.blob_name for st in sends for i in st.images.values()])
            raise
        return groups

    @staticmethod
    def _add_rows(s: Session, st: Staging, via: str, reply_to: int | None,
                  now_ms: int) -> list[Message]:
        draft, images, send_id = st.draft, st.images, st.send_id
        info: dict[str, Any] = {
            "id": send_id, "count": len(draft.items), "draft": draft.draft_id,
            "fingerprint": draft.fingerprint, "via": via, "attempts": 0,
            "key_made_ms": now_ms if via == PUSH else None, "reply_to": reply_to,
            "media_ids": [img.media.media_id for img in images.values()],
            "error_code": None, "maybe_sent": False, "fell_back": False}
        rows: list[Message] = []
        for index, item in enumerate(draft.items):
            payload: dict[str, Any] = {"send": {**info, "index": index}}
            attachment_id = None
            if isinstance(item, str):
                mtype, text = "text", item
            else:
                staged = images[index]
                mtype, text = "image", ""
                payload["image"] = {
                    "url": staged.media.url, "preview_url": staged.media.preview_url,
                    "media_id": staged.media.media_id,
                    "expires_at_ms": staged.media.expires_at_ms,
                    "content_type": item.content_type, "size": len(item.data)}
                ext = "png" if item.content_type == "image/png" else "jpg"
                attachment_id = AttachmentService.insert_in(
                    s, draft.customer_id, staged.blob,
                    file_name=f"sent-{send_id[:8]}-{index + 1}.{ext}",
                    mime_type=item.content_type, timeline=False)
            row = Message(
                customer_id=draft.customer_id, direction=OUT, type=mtype, text=text,
                payload=payload, at_ms=now_ms, state=SENDING, send_via=via,
                retry_key=st.retry_key if (index == 0 and via == PUSH) else None,
                attachment_id=attachment_id,
                content_state="stored" if attachment_id is not None else None,
                created_at=utcnow())
            s.add(row)
            rows.append(row)
        return rows

    def _update_info(self, s: Session, group: Group, **changes: Any) -> list[Message]:
        return _merge_info(self._rows(s, group.customer_id, group.send_id), changes)

    def restage(self, group: Group, *, via: str, retry_key: str | None, now_ms: int,
                reply_to: int | None = None, fell_back: bool | None = None,
                new_time: bool = False) -> Group:
        """Back to "sending" (a fallback from reply to push, or a retry), the key stored
        before the next try. A reply takes ``reply_to``'s token here, as :meth:`stage`."""
        with self._book.db.write() as s:
            if via == REPLY:
                taken = rowcount(s.execute(
                    update(Message).where(Message.id == reply_to,
                                          Message.reply_token_used_at.is_(None))
                    .values(reply_token_used_at=utcnow())))
                if taken != 1:
                    raise NotFoundError("reply token")
            changes: dict[str, Any] = {
                "via": via, "error_code": None, "maybe_sent": False, "reply_to": reply_to,
                "key_made_ms": (group.key_made_ms if retry_key == group.retry_key
                                else now_ms) if via == PUSH else None}
            if fell_back is not None:
                changes["fell_back"] = fell_back
            rows = self._update_info(s, group, **changes)
            if new_time:
                now_ms = _after_newest(s, group.customer_id, now_ms)
            for i, r in enumerate(rows):
                r.state, r.send_via, r.error = SENDING, via, None
                if new_time:
                    r.at_ms = now_ms
                if i == 0:
                    r.retry_key = retry_key if via == PUSH else None
            recompute_summary(s, group.customer_id)
        return self.group(group.customer_id, group.send_id)

    def settle(self, group: Group, result: Settlement) -> Group:
        """Write how the send ended: LINE's message ids, or the error."""
        settled = self.settle_many([(group, result)])[0]
        if settled is None:
            raise NotFoundError(f"send {group.send_id[:8]}")
        return settled

    def settle_many(self, outcomes: Sequence[tuple[Group, Settlement]]) -> list[Group | None]:
        """Write how many sends ended, each as :meth:`settle` does, in ONE transaction;
        returns them as stored, in order (None for a send whose rows are gone)."""
        if not outcomes:
            return []
        ids = sorted({mid for group, _ in outcomes for mid in group.message_ids})
        settled_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._book.db.write() as s:
            by_id: dict[int, Message] = {}
            for start in range(0, len(ids), _IN_CHUNK):
                by_id.update((r.id, r) for r in s.scalars(
                    select(Message).where(Message.id.in_(ids[start:start + _IN_CHUNK]))))
            stored: list[list[Message]] = []
            for group, result in outcomes:
                rows = _merge_info(
                    [by_id[i] for i in group.message_ids if i in by_id],
                    {"error_code": result.error_code, "maybe_sent": result.maybe_sent,
                     "attempts": int(group.info.get("attempts") or 0) + result.attempts,
                     "request_id": result.request_id,
                     "accepted_request_id": result.accepted_request_id,
                     "settled_at": settled_at})
                for i, r in enumerate(rows):
                    r.state = result.state
                    r.error = result.error if result.state == FAILED else None
                    if result.state == SENT and i < len(result.sent_messages):
                        sent = result.sent_messages[i]
                        r.line_message_id = sent.id
                        if sent.quote_token:
                            r.quote_token = sent.quote_token[:256]
                stored.append(rows)
            # No summary to recompute: it is made of the conversation's last line's time,
            # type, direction and text and the unread count, none of which an outcome
            # changes (the staging recomputed it when the lines were added).
            return [_group_from_rows(rows) if rows else None for rows in stored]

    def remove(self, group: Group) -> list[str]:
        """Delete the send's rows and their attachments; returns the blobs to delete."""
        from app.store.models import Attachment

        blobs: list[str] = []
        with self._book.db.write() as s:
            for r in self._rows(s, group.customer_id, group.send_id):
                if r.attachment_id is not None:
                    att = s.get(Attachment, r.attachment_id)
                    if att is not None:
                        blobs.append(att.blob_name)
                        s.delete(att)
                s.delete(r)
            s.flush()
            recompute_summary(s, group.customer_id)
        return blobs
