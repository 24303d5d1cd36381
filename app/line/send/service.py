"""``book.sending``: messages to one customer, free replies first, push when needed, once.

The rules (docs/inbox.md has the owner's version):

* **Reply first.** While the newest reply token of this customer is unused and younger
  than the window (50 s by default, LINE allows about 60 s from the webhook; counted from
  when the relay received the event, and never past 20 minutes after the event itself),
  the message goes as a reply, which is free. Otherwise as a push, which counts against
  the month's quota. A reply LINE refuses with "Invalid reply token" (the token expired
  on LINE's side first, e.g. the computer's clock is behind) goes as a push at once, and
  the result says so (``fell_back``).
* **Stored first.** The rows (state "sending") and, for a push, the ``X-Line-Retry-Key``
  are written in one transaction before the first try; a reply token is marked used in it.
* **Exactly once.** A push is retried with the same key on timeouts, dropped connections,
  5xx and rate limits; 409 means LINE had accepted it. A double click is recognised (same
  draft, or the same content within a few seconds) and sends nothing more. A crash
  between storing and sending is finished by :meth:`SendService.resume_pending` on the next
  start: pushes with their stored key (LINE recognises a repeat for 24 hours). A reply that
  was in flight at a crash is never repeated blindly (a token is single use, a reply has
  no key): it is marked failed with "send-unknown", and the owner decides.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.errors import NotFoundError, OtokuiError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.line.errors import LineTokenRejectedError, LineUnavailableError
from app.line.gateway import LineGateway, QuotaInfo
from app.line.send import errors as send_errors
from app.line.send.bubbles import Bubble, Draft, check_bubbles
from app.line.send.delivery import (
    Delivery,
    RetryPolicy,
    Verdict,
    deliver,
    key_still_honoured,
    new_retry_key,
)
from app.line.send.outbox import (
    FAILED,
    PUSH,
    REPLY,
    SENDING,
    SENT,
    Group,
    Outbox,
    Settlement,
    StagedImage,
    Staging,
)
from app.store.models import Customer, Message

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.sending")

_CTX = "sending"
#: LINE: a reply token lives about a minute from the webhook...
REPLY_TOKEN_LIFETIME_S = 60
#: ...and never past 20 minutes after the event (a redelivered event's token).
REPLY_TOKEN_HARD_LIMIT_S = 20 * 60
#: What Otokui trusts of those 60 s by default: the relay's receipt, the desktop's pull and
#: clock differences eat into the minute, and LINE says the limit may change.
DEFAULT_WINDOW_S = 50
MIN_WINDOW_S, MAX_WINDOW_S = 5, 58
#: Below this many seconds left, a reply is not started (it could not finish in time).
MIN_SECONDS_LEFT = 2
KEY_WINDOW = "inbox.reply_window_seconds"
KEY_MARK_READ_ON_LINE = "inbox.mark_read_on_line"
#: What a reply that reached the customer does to the conversation's status (対応状況).
KEY_STATUS_AFTER_REPLY = "inbox.status_after_reply"
#: The owner answered, so the conversation no longer waits for them: 対応済み. A new
#: message from the customer opens it again (未対応), as it always did.
DEFAULT_STATUS_AFTER_REPLY = "done"
#: Choices: a status (only ever moved forward: 未対応 → 対応中 → 対応済み), or "keep".
STATUS_AFTER_REPLY_CHOICES = ("done", "in_progress", "keep")
QUOTA_CACHE_S = 30.0
#: An image must stay on the relay at least this long after a retry (LINE and the phone
#: fetch it some time after the message is accepted).
IMAGE_MARGIN_MS = 60 * 60 * 1000
#: A send with the same content to the same customer this soon after is a double click.
DUPLICATE_WINDOW_S = 10.0


@dataclass(frozen=True)
class ReplyWindow:
    """Whether the next message goes free (as a reply), and for how long still."""

    available: bool
    seconds_left: int
    #: When the window closes, on this computer's clock (epoch ms), for a live countdown.
    closes_at_ms: int | None = None


@dataclass(frozen=True)
class Quota:
    """The month's messages: ``type`` "limited" or "none" (no limit: ``limit`` and
    ``remaining`` are None)."""

    type: str
    limit: int | None
    used: int
    remaining: int | None

    @classmethod
    def of(cls, info: QuotaInfo) -> Quota:
        return cls(info.type, info.limit, info.used, info.remaining)


@dataclass(frozen=True)
class OutgoingResult:
    send_id: str
    customer_id: int
    #: The ``message`` rows of this send, one per bubble, in order.
    message_ids: tuple[int, ...]
    #: "sent", "failed", or "sending" (left for :meth:`SendService.resume_pending`).
    state: str
    via: str
    #: The reply token was refused, so it went as a push (and counted against the quota).
    fell_back: bool = False
    #: This call repeated an earlier send of the same draft or content: nothing new went out.
    duplicate: bool = False
    error_code: str | None = None
    error: str | None = None
    #: Failed, yet LINE may have it: a retry must not make a second copy (see ``retry``).
    maybe_sent: bool = False
    line_message_ids: tuple[str, ...] = ()
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.state == SENT


def _result(group: Group, *, duplicate: bool = False) -> OutgoingResult:
    return OutgoingResult(
        send_id=group.send_id, customer_id=group.customer_id,
        message_ids=tuple(group.message_ids), state=group.state, via=group.via,
        fell_back=bool(group.info.get("fell_back")), duplicate=duplicate,
        error_code=group.error_code, error=group.error, maybe_sent=group.maybe_sent,
        line_message_ids=tuple(group.line_message_ids),
        attempts=int(group.info.get("attempts") or 0))


def _failure(code: str, reason: str = "") -> tuple[str, str]:
    cls = send_errors.FAILURES.get(code) or (
        LineTokenRejectedError if code == LineTokenRejectedError.code else None)
    message = cls.message if cls is not None else code
    return code, f"{message} ({reason})" if reason else message


class SendService:
    def __init__(self, book: Book, *, clock: Callable[[], float] = time.time) -> None:
        self._book = book
        self._outbox = Outbox(book)
        #: Epoch seconds; compared with the relay's receipt times of events. Tests move it.
        self.clock = clock
        self.retry_policy = RetryPolicy()
        #: Replies are retried less: the token's minute is short, and a retry after an
        #: answer was lost cannot tell "used by us" from "expired".
        self.reply_policy = RetryPolicy(attempts=3, base=0.5, cap=2.0)
        self.duplicate_window_s = DUPLICATE_WINDOW_S
        self._locks: dict[int, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._active: set[str] = set()
        #: Sends made by rules (no status change after them).
        self._automatic: set[str] = set()
        self._quota: tuple[float, Quota] | None = None

    # --- small helpers --------------------------------------------------------------------

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    def _lock(self, customer_id: int) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(int(customer_id), threading.Lock())

    def _sender(self) -> LineGateway:
        return LineGateway(self._book.line.access_token(), api_base=self._book.line.api_base)

    def _recipient(self, customer_id: int) -> str:
        to = self._recipients([customer_id])[customer_id]
        if isinstance(to, OtokuiError):
            raise to
        return to

    def _recipients(self, customer_ids: Sequence[int]) -> dict[int, str | OtokuiError]:
        """Each customer's LINE user id, or why nothing can be sent to them (one read)."""
        ids = sorted({int(c) for c in customer_ids})
        found: dict[int, tuple[str | None, bool]] = {}
        with self._book.db.read() as s:
            for start in range(0, len(ids), 500):
                for cid, user_id, blocked_at in s.execute(
                        select(Customer.id, Customer.line_user_id, Customer.blocked_at)
                        .where(Customer.id.in_(ids[start:start + 500]))):
                    found[cid] = (user_id, blocked_at is not None)
        out: dict[int, str | OtokuiError] = {}
        for cid in ids:
            if cid not in found:
                out[cid] = NotFoundError(f"customer {cid}")
            elif not found[cid][0]:
                out[cid] = send_errors.NotOnLineError()
            elif found[cid][1]:
                out[cid] = send_errors.CustomerBlockedError()
            else:
                out[cid] = str(found[cid][0])
        return out

    def in_flight(self, customer_id: int) -> bool:
        """A send to this customer is under way (the composer can show it as busy)."""
        return self._lock(customer_id).locked()

    # --- the window -----------------------------------------------------------------------

    @property
    def window_seconds(self) -> int:
        value = self._book.settings.get(KEY_WINDOW, DEFAULT_WINDOW_S)
        if not isinstance(value, int) or isinstance(value, bool):
            return DEFAULT_WINDOW_S
        return max(MIN_WINDOW_S, min(MAX_WINDOW_S, value))

    def set_window_seconds(self, seconds: int) -> None:
        if not isinstance(seconds, int) or not MIN_WINDOW_S <= seconds <= MAX_WINDOW_S:
            raise ValidationError(str(seconds), message=QT_TRANSLATE_NOOP(
                _CTX, "The free reply window must be between 5 and 58 seconds."))
        self._book.settings.set(KEY_WINDOW, seconds)

    def _window(self, customer_id: int) -> tuple[ReplyWindow, int | None]:
        return self._windows([customer_id])[customer_id]

    def _windows(self, customer_ids: Sequence[int]
                 ) -> dict[int, tuple[ReplyWindow, int | None]]:
        """Each customer's reply window, and the message whose token a reply would use
        (the newest unused token, as ``messages.latest_reply_token``): one read."""
        ids = sorted({int(c) for c in customer_ids})
        newest: dict[int, tuple[int, int | None, int]] = {}
        with self._book.db.read() as s:
            for start in range(0, len(ids), 500):
                ranked = select(
                    Message.customer_id, Message.id, Message.reply_token_received_ms,
                    Message.at_ms,
                    func.row_number().over(
                        partition_by=Message.customer_id,
                        order_by=(Message.reply_token_received_ms.desc(),
                                  Message.id.desc())).label("n")
                ).where(Message.customer_id.in_(ids[start:start + 500]),
                        Message.reply_token.is_not(None),
                        Message.reply_token_used_at.is_(None)).subquery()
                for cid, mid, received_ms, at_ms in s.execute(
                        select(ranked.c.customer_id, ranked.c.id,
                               ranked.c.reply_token_received_ms, ranked.c.at_ms)
                        .where(ranked.c.n == 1)):
                    newest[cid] = (mid, received_ms, at_ms)
        window_s, now_ms = self.window_seconds, self._now_ms()
        slack_ms = (REPLY_TOKEN_LIFETIME_S - window_s) * 1000
        out: dict[int, tuple[ReplyWindow, int | None]] = {}
        for cid in ids:
            mid, received_ms, event_ms = newest.get(cid, (0, None, 0))
            if received_ms is None:
                out[cid] = ReplyWindow(False, 0), None
                continue
            closes = min(received_ms + window_s * 1000,
                         event_ms + REPLY_TOKEN_HARD_LIMIT_S * 1000 - slack_ms)
            left_ms = closes - now_ms
            available = left_ms >= MIN_SECONDS_LEFT * 1000
            out[cid] = (ReplyWindow(available, max(0, left_ms // 1000) if available else 0,
                                    closes),
                        mid if available else None)
        return out

    def reply_window(self, customer_id: int) -> ReplyWindow:
        """Free reply possible now, and how many seconds are left ("あと 38 秒")."""
        return self._window(customer_id)[0]

    # --- composing --------------------------------------------------------------------------

    def compose(self, customer_id: int, bubbles: list[Bubble]) -> Draft:
        """Check the bubbles as LINE would (1-5, text length, image types and sizes).

        Raises :class:`~app.errors.ValidationError` (or ``PreviewNeededError``); nothing is
        stored. Sending the returned draft twice sends it once.
        """
        return check_bubbles(customer_id, bubbles)

    # --- sending ----------------------------------------------------------------------------

    def _draft(self, customer_id: int, bubbles: list[Bubble] | Draft) -> Draft:
        draft = bubbles if isinstance(bubbles, Draft) else self.compose(customer_id, bubbles)
        if draft.customer_id != customer_id:
            raise ValidationError(message=QT_TRANSLATE_NOOP(
                _CTX, "This message was written for another customer."))
        return draft

    def send(self, customer_id: int, bubbles: list[Bubble] | Draft, *,
             automatic: bool = False, sender: LineGateway | None = None) -> OutgoingResult:
        """Send to one customer: as a reply while the window is open, else as a push.

        ``automatic``: a rule's message, not the owner's reply: the chat's status stays.
        ``sender``: a LINE client kept open by a caller sending many (the caller closes
        it); else one is made for this send.

        Blocks until LINE answered (or the tries ran out): call it off the GUI thread.
        Refusals before anything is stored raise; LINE's verdict is in the result.
        """
        draft = self._draft(customer_id, bubbles)
        to = self._recipient(customer_id)
        with self._lock(customer_id):
            since = self._now_ms() - int(self.duplicate_window_s * 1000)
            earlier = self._outbox.find_earlier(draft, since)
            if earlier is not None:
                log.info("a repeated send was recognised; nothing more sent")
                return _result(earlier, duplicate=True)
            with nullcontext(sender) if sender is not None else self._sender() as client:
                group = self._stage(draft)
                if automatic:
                    self._automatic.add(group.send_id)
                try:
                    return self._deliver(group, client, to)
                finally:
                    self._automatic.discard(group.send_id)

    def send_many(self, items: Sequence[tuple[int, list[Bubble] | Draft]], *,
                  automatic: bool = False, sender: LineGateway | None = None
                  ) -> list[OutgoingResult | Exception]:
        """:meth:`send` for many messages (each to one customer), with every guarantee of
        a single send, in a few transactions: the sends are stored ("sending", reply
        tokens taken, push keys) in ONE write before the first is tried, and their
        outcomes written in ONE after the last; one HTTP request per send (replies and
        pushes as :meth:`send` chooses them, its retries and fallbacks).

        Returns, in order, each send's result, or the exception :meth:`send` would have
        raised for it (a customer not on LINE or blocked, a bubble LINE would refuse);
        one failing does not stop the others. A customer with more than one message here
        gets them in order, one round each (each round stores and settles its own).
        """
        results: list[OutgoingResult | Exception | None] = [None] * len(items)
        rounds: list[list[int]] = []
        seen: dict[int, int] = {}
        for i, (cid, _) in enumerate(items):
            n = seen[int(cid)] = seen.get(int(cid), -1) + 1
            if n == len(rounds):
                rounds.append([])
            rounds[n].append(i)
        for indexes in rounds:
            done = self._send_round([(i, items[i][0], items[i][1]) for i in indexes],
                                    automatic=automatic, sender=sender)
            for i, result in done.items():
                results[i] = result
        assert all(r is not None for r in results)
        return [r for r in results if r is not None]

    def _send_round(self, items: list[tuple[int, int, list[Bubble] | Draft]], *,
                    automatic: bool, sender: LineGateway | None
                    ) -> dict[int, OutgoingResult | Exception]:
        """One round of :meth:`send_many`: at most one message per customer."""
        out: dict[int, OutgoingResult | Exception] = {}
        drafts: dict[int, Draft] = {}
        for i, cid, bubbles in items:
            try:
                drafts[i] = self._draft(cid, bubbles)
            except Exception as exc:
                out[i] = exc
        recipients = self._recipients([d.customer_id for d in drafts.values()])
        for i, draft in list(drafts.items()):
            to = recipients[draft.customer_id]
            if isinstance(to, Exception):
                out[i] = to
                del drafts[i]
        with ExitStack() as stack:
            # Every customer's lock, in one order (no deadlock with another round).
            for cid in sorted({d.customer_id for d in drafts.values()}):
                stack.enter_context(self._lock(cid))
            since = self._now_ms() - int(self.duplicate_window_s * 1000)
            earlier = self._outbox.find_earlier_many(list(drafts.values()), since)
            for (i, _), group in zip(list(drafts.items()), earlier, strict=True):
                if group is not None:
                    log.info("a repeated send was recognised; nothing more sent")
                    out[i] = _result(group, duplicate=True)
                    del drafts[i]
            if not drafts:
                return out
            if sender is None:
                try:
                    sender = stack.enter_context(self._sender())
                except Exception as exc:  # no token: each send says so, as send() would
                    out.update((i, exc) for i in drafts)
                    return out
            staged: dict[int, dict[int, StagedImage]] = {}
            for i, draft in drafts.items():
                try:
                    staged[i] = self._upload_images(draft)
                except Exception as exc:
                    out[i] = exc
            order = list(staged)
            if not order:
                return out
            groups = self._stage_all([(drafts[i], staged[i]) for i in order])
            self._active.update(g.send_id for g in groups)
            try:
                tokens = self._reply_tokens([g.reply_to for g in groups
                                             if g.via == REPLY and g.reply_to is not None])
                tried: list[tuple[int, Group, Settlement]] = []
                for i, group in zip(order, groups, strict=True):
                    try:
                        tried.append((i, *self._attempt(
                            group, sender, str(recipients[group.customer_id]), tokens)))
                    except Exception as exc:  # left "sending", as send() leaves it
                        log.warning("a send failed unexpectedly: %s", type(exc).__name__)
                        out[i] = exc
                settled = self._outbox.settle_many([(g, r) for _, g, r in tried])
            finally:
                self._active.difference_update(g.send_id for g in groups)
        for (i, group, _), done in zip(tried, settled, strict=True):
            if done is None:
                out[i] = NotFoundError(f"send {group.send_id[:8]}")
                continue
            if done.state == SENT and not automatic:
                self._after_reply(done.customer_id)
            out[i] = _result(done)
        self._book.announce("messages", sorted({g.customer_id for g in groups}))
        return out

    def _reply_tokens(self, message_ids: list[int]) -> dict[int, str | None]:
        ids = sorted(set(message_ids))
        out: dict[int, str | None] = {}
        if not ids:
            return out
        with self._book.db.read() as s:
            for start in range(0, len(ids), 500):
                out.update((mid, token) for mid, token in s.execute(
                    select(Message.id, Message.reply_token)
                    .where(Message.id.in_(ids[start:start + 500]))))
        return out

    def _stage(self, draft: Draft) -> Group:
        """Upload the images, choose reply or push, store the send: everything before LINE.

        A push's key is made here and stored with the rows (a key is passed for a reply
        too, stored only if the token was taken meanwhile and the send becomes a push).
        """
        return self._stage_all([(draft, self._upload_images(draft))])[0]

    def _stage_all(self, drafts: list[tuple[Draft, dict[int, StagedImage]]]) -> list[Group]:
        """:meth:`_stage` for many drafts (their images uploaded): one read of the reply
        windows, one write transaction, one announcement."""
        if not drafts:
            return []
        windows = self._windows([d.customer_id for d, _ in drafts])
        now_ms = self._now_ms()
        stagings = []
        for draft, images in drafts:
            window, reply_to = windows[draft.customer_id]
            stagings.append(Staging(
                draft, images, send_id=str(uuid.uuid4()),
                via=REPLY if window.available else PUSH, retry_key=new_retry_key(),
                reply_to=reply_to, now_ms=now_ms))
        groups = self._outbox.stage_many(stagings)
        self._book.announce("messages", sorted({d.customer_id for d, _ in drafts}))
        return groups

    def _upload_images(self, draft: Draft) -> dict[int, StagedImage]:
        import io

        indexes = [i for i, item in enumerate(draft.items) if not isinstance(item, str)]
        if not indexes:
            return {}
        staged: dict[int, StagedImage] = {}
        client = self._book.line.relay_client()
        try:
            for i in indexes:
                image = draft.items[i]
                assert not isinstance(image, str)
                media = client.upload_media(image.data, image.content_type)
                if media.preview_url is None:
                    assert image.preview is not None and image.preview_type is not None
                    media = client.upload_preview(media, image.preview, image.preview_type)
                blob = self._book.attachments.store_stream(io.BytesIO(image.data))
                staged[i] = StagedImage(image, media, blob)
        except BaseException:
            self._book.attachments.remove_blobs([s.blob.blob_name for s in staged.values()])
            raise
        finally:
            client.close()
        return staged

    def _deliver(self, group: Group, sender: LineGateway, to: str) -> OutgoingResult:
        """Run a stored send through LINE and record the outcome."""
        self._active.add(group.send_id)
        try:
            return self._finish(self._outbox.settle(*self._attempt(group, sender, to)))
        finally:
            self._active.discard(group.send_id)

    def _attempt(self, group: Group, sender: LineGateway, to: str,
                 tokens: dict[int, str | None] | None = None) -> tuple[Group, Settlement]:
        """Run a stored send through LINE: how it ended, not yet written (a fallback from
        reply to push is: its key is stored before the push is tried). ``tokens``: the
        reply tokens by message id, when the caller read them already."""
        if group.via == REPLY:
            outcome = self._attempt_reply(group, sender, tokens)
            if isinstance(outcome, Settlement):
                return group, outcome
            group = self._fall_back(group, attempts=outcome)
        return group, self._attempt_push(group, sender, to)

    def _finish(self, group: Group) -> OutgoingResult:
        if group.state == SENT and group.send_id not in self._automatic:
            self._after_reply(group.customer_id)
        self._book.announce("messages", [group.customer_id])
        return _result(group)

    def _after_reply(self, customer_id: int) -> None:
        """The owner's message reached the customer: the status moves on, as chosen."""
        target = self.status_after_reply()
        if target == "keep":
            return
        try:
            self._book.messages.advance_status(customer_id, target)
        except NotFoundError as exc:  # the customer was deleted meanwhile: nothing to mark
            log.info("status not changed after a reply (%s)", exc.code)

    def status_after_reply(self) -> str:
        value = self._book.settings.get(KEY_STATUS_AFTER_REPLY, DEFAULT_STATUS_AFTER_REPLY)
        return value if value in STATUS_AFTER_REPLY_CHOICES else DEFAULT_STATUS_AFTER_REPLY

    def set_status_after_reply(self, value: str) -> None:
        if value not in STATUS_AFTER_REPLY_CHOICES:
            raise ValueError(f"not a choice: {value!r}")
        self._book.settings.set(KEY_STATUS_AFTER_REPLY, value)

    def _attempt_reply(self, group: Group, sender: LineGateway,
                       tokens: dict[int, str | None] | None = None) -> Settlement | int:
        """A reply's outcome, or (an int: the tries made) that it should go as a push."""
        token = None
        if group.reply_to is not None:
            token = (tokens.get(group.reply_to) if tokens is not None
                     else self._book.messages.get(group.reply_to).reply_token)
        if not token:
            return 0
        delivery = deliver(lambda: sender.reply(token, group.messages), self.reply_policy)
        answer = delivery.final
        if answer.verdict.sent:
            return Settlement(SENT, sent_messages=answer.sent_messages,
                              request_id=answer.request_id, attempts=delivery.attempts)
        if answer.is_invalid_reply_token and not delivery.maybe_accepted_before_final:
            log.info("reply token refused by LINE; sending as a push instead")
            return delivery.attempts
        if answer.is_invalid_reply_token or (answer.verdict is Verdict.TRANSIENT
                                             or delivery.maybe_accepted):
            # An earlier try may have gone through (the token then reads as used): only
            # the owner can tell by looking at the chat.
            code, text = _failure(send_errors.SendUnknownError.code)
            return Settlement(FAILED, code, text, maybe_sent=True, attempts=delivery.attempts)
        return self._refusal(delivery)

    def _fall_back(self, group: Group, attempts: int = 0) -> Group:
        key = new_retry_key()
        group = self._outbox.restage(group, via=PUSH, retry_key=key, now_ms=self._now_ms(),
                                     fell_back=True)
        if attempts:
            group.info["attempts"] = int(group.info.get("attempts") or 0) + attempts
        return group

    def _attempt_push(self, group: Group, sender: LineGateway, to: str) -> Settlement:
        key = group.retry_key
        assert key is not None
        delivery = deliver(lambda: sender.push(to, group.messages, key), self.retry_policy)
        answer = delivery.final
        if answer.verdict.sent:
            self._quota = None  # one message less this month: ask LINE again next time
            return Settlement(
                SENT, sent_messages=answer.sent_messages, request_id=answer.request_id,
                accepted_request_id=answer.accepted_request_id, attempts=delivery.attempts)
        return self._refusal(delivery)

    @staticmethod
    def _refusal(delivery: Delivery) -> Settlement:
        answer = delivery.final
        if answer.verdict is Verdict.QUOTA:
            code, text = _failure(send_errors.SendQuotaError.code)
            return Settlement(FAILED, code, text, attempts=delivery.attempts)
        if answer.verdict is Verdict.REFUSED:
            if answer.status == 401:
                code, text = _failure(LineTokenRejectedError.code)
            else:
                code, text = _failure(send_errors.SendRefusedError.code, answer.reason)
            # A refusal after a lost answer does not undo what that try may have done.
            return Settlement(FAILED, code, text, maybe_sent=delivery.maybe_accepted,
                              attempts=delivery.attempts)
        code, text = _failure(send_errors.SendUnreachableError.code)
        return Settlement(FAILED, code, text, maybe_sent=delivery.maybe_accepted,
                          attempts=delivery.attempts)

    # --- after a crash, and by hand ---------------------------------------------------------

    def resume_pending(self) -> list[OutgoingResult]:
        """Finish what a crash or a kill left "sending" (call once the book is open).

        A push is tried again with its stored retry key (LINE answers 409 if it had it:
        nobody gets it twice); one whose key is older than LINE remembers, or a reply, is
        marked failed "send-unknown" for the owner to check. Without a LINE token nothing
        is touched.
        """
        results: list[OutgoingResult] = []
        pending = [g for g in self._outbox.pending() if g.send_id not in self._active]
        if not pending:
            return results
        try:
            sender = self._sender()
        except Exception as exc:  # no token (yet): they wait for the next start
            log.warning("%d unsent messages wait: %s", len(pending), type(exc).__name__)
            return [_result(g) for g in pending]
        with sender:
            for stale in pending:
                with self._lock(stale.customer_id):
                    try:
                        group = self._outbox.group(stale.customer_id, stale.send_id)
                    except NotFoundError:
                        continue  # discarded meanwhile
                    if group.state != SENDING or group.send_id in self._active:
                        continue
                    results.append(self._resume(group, sender))
        log.info("resumed %d interrupted sends", len(results))
        return results

    def _resume(self, group: Group, sender: LineGateway) -> OutgoingResult:
        if group.via == PUSH and group.retry_key and group.key_made_ms is not None \
                and key_still_honoured(group.key_made_ms, self._now_ms()):
            try:
                to = self._recipient(group.customer_id)
            except (send_errors.NotOnLineError, send_errors.CustomerBlockedError) as exc:
                code, text = _failure(send_errors.SendRefusedError.code, exc.message)
                return self._finish(self._outbox.settle(group, Settlement(FAILED, code, text)))
            return self._deliver(group, sender, to)
        code, text = _failure(send_errors.SendUnknownError.code)
        return self._finish(self._outbox.settle(group, Settlement(FAILED, code, text,
                                                                  maybe_sent=True)))

    def retry(self, message_id: int, *, confirm_maybe_sent: bool = False) -> OutgoingResult:
        """Send a failed message again (all bubbles of its send).

        * A push that LINE may have (a lost answer) or could not be reached for, whose key
          LINE still remembers: the same key, so LINE delivers it at most once whatever
          happened.
        * LINE may have it otherwise (a reply, or a key too old): only with
          ``confirm_maybe_sent=True`` (the owner checked the chat), else
          :class:`MaybeDeliveredError`; then as a new send.
        * LINE refused it (4xx, quota, token): nothing went out, so it is a new send: a reply
          if the window is open, else a push with a new key.
        """
        group = self._outbox.group_of_message(message_id)
        to = self._recipient(group.customer_id)
        with self._lock(group.customer_id):
            group = self._outbox.group(group.customer_id, group.send_id)
            if group.state != FAILED:
                raise send_errors.NotRetryableError(group.state)
            now_ms = self._now_ms()
            if any(m.get("type") == "image" for m in group.messages) and \
                    self._outbox.images_expire_before(group, now_ms + IMAGE_MARGIN_MS):
                raise send_errors.ImageExpiredError()
            # The stored key whenever LINE may have it or was merely out of reach: within
            # its 24 hours it can never cause a second copy.
            same_key = (group.via == PUSH and group.retry_key is not None
                        and (group.maybe_sent
                             or group.error_code == send_errors.SendUnreachableError.code)
                        and group.key_made_ms is not None
                        and key_still_honoured(group.key_made_ms, self._now_ms()))
            if group.maybe_sent and not same_key and not confirm_maybe_sent:
                raise send_errors.MaybeDeliveredError()
            with self._sender() as sender:
                if same_key:
                    group = self._outbox.restage(group, via=PUSH, retry_key=group.retry_key,
                                                 now_ms=now_ms)
                else:
                    window, reply_to = self._window(group.customer_id)
                    via = REPLY if window.available else PUSH
                    try:
                        group = self._outbox.restage(
                            group, via=via, retry_key=new_retry_key(), now_ms=now_ms,
                            reply_to=reply_to, fell_back=False, new_time=True)
                    except NotFoundError:  # the token was taken meanwhile
                        group = self._outbox.restage(
                            group, via=PUSH, retry_key=new_retry_key(), now_ms=now_ms,
                            fell_back=False, new_time=True)
                self._book.announce("messages", [group.customer_id])
                return self._deliver(group, sender, to)

    def discard(self, message_id: int) -> None:
        """Delete a failed message (all bubbles of its send) and its kept images."""
        group = self._outbox.group_of_message(message_id)
        with self._lock(group.customer_id):
            group = self._outbox.group(group.customer_id, group.send_id)
            if group.state != FAILED:
                raise send_errors.NotRetryableError(group.state)
            blobs = self._outbox.remove(group)
        self._book.attachments.remove_blobs(blobs)
        if group.media_ids and not group.maybe_sent:
            # Never sent: the relay's copy serves nobody. (One that may have arrived stays
            # until it expires, or the customer's picture would break.)
            self._delete_media(group.media_ids)
        self._book.announce("messages", [group.customer_id])

    def _delete_media(self, media_ids: list[str]) -> None:
        try:
            with self._book.line.relay_client() as client:
                for media_id in media_ids:
                    client.delete_media(media_id)
        except Exception as exc:  # it expires by itself; not worth bothering the owner
            log.info("could not take a discarded image off the relay: %s", type(exc).__name__)

    def status(self, message_id: int) -> OutgoingResult:
        """The send a stored outgoing message belongs to, as :meth:`send` would return it."""
        return _result(self._outbox.group_of_message(message_id))

    # --- quota and read marks -------------------------------------------------------------

    def quota(self, *, refresh: bool = False) -> Quota:
        """This month's messages ("月の無料メッセージ残り 123 通"); cached for 30 s.

        Raises :class:`LineUnavailableError` / :class:`LineTokenRejectedError`.
        """
        cached = self._quota
        if not refresh and cached is not None and time.monotonic() - cached[0] < QUOTA_CACHE_S:
            return cached[1]
        with self._sender() as sender:
            quota = Quota.of(sender.quota())
        self._quota = (time.monotonic(), quota)
        return quota

    def mark_read_on_line_enabled(self) -> bool:
        return self._book.settings.get(KEY_MARK_READ_ON_LINE, False) is True

    def set_mark_read_on_line(self, enabled: bool) -> None:
        self._book.settings.set(KEY_MARK_READ_ON_LINE, bool(enabled))

    def mark_read_on_line(self, customer_id: int) -> bool:
        """Mark the conversation read in Otokui and, when the setting is on, on LINE.

        Returns True when LINE was told. LINE trouble is logged, never raised: the owner
        opened a conversation, and the read mark on LINE is a courtesy to the customer.
        """
        token = self._book.messages.mark_read(customer_id)
        if not token or not self.mark_read_on_line_enabled():
            return False
        try:
            with self._sender() as sender:
                sender.mark_as_read(token)
        except (LineUnavailableError, LineTokenRejectedError) as exc:
            log.info("LINE was not told the chat was read: %s", exc.code)
            return False
        except Exception as exc:  # no token: the setting cannot apply
            log.info("LINE was not told the chat was read: %s", type(exc).__name__)
            return False
        return True
