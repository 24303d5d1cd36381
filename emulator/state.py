"""The emulator's state and rules, in plain Python (no HTTP here).

:class:`Emulator` holds the simulated LINE account: its friends, what it sent each of
them, reply tokens, message content, the monthly quota, retry keys, rate limits and
injected faults. The HTTP layer (:mod:`emulator.server`) checks the bearer token and
the body size, then calls the ``api_*`` methods, which apply LINE's rules and either
return an :class:`ApiResult` or raise :class:`LineApiError` with LINE's JSON error body.

Tests and the demo drive the user side directly: :meth:`Emulator.add_user`,
:meth:`Emulator.send_text` and friends build real-format webhook events and queue them
for the delivery worker. Everything is guarded by one lock, so the HTTP thread, the
delivery thread and the test thread can all use the same object.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import random
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from emulator import events as ev
from emulator import media
from emulator.clock import Clock, SystemClock
from emulator.faults import FaultPlan
from emulator.ids import USER_ID_RE, UUID_RE, IdFactory
from emulator.limits import RateLimiter
from emulator.validation import (
    QUOTE_TARGET_TYPES,
    body_error,
    check_send_body,
    utf16_len,
)
from emulator.webhook import DeliveryWorker, WebhookSettings

REPLY_TOKEN_HARD_LIMIT_SECONDS = 20 * 60  # a redelivered token never outlives this
RETRY_KEY_LIFETIME_SECONDS = 24 * 3600
LINK_TOKEN_LIFETIME_SECONDS = 10 * 60
JST_OFFSET_SECONDS = 9 * 3600  # LINE's month (for the quota) is Japan's
SEND_ENDPOINTS = ("reply", "push", "multicast", "broadcast", "narrowcast")
QUOTA_ENDPOINTS = ("push", "multicast", "broadcast", "narrowcast")
RETRY_KEY_ENDPOINTS = ("push", "multicast", "broadcast", "narrowcast")
MAX_FILE_BYTES = 20 * 1024 * 1024

MONTHLY_LIMIT = "You have reached your monthly limit."
NOT_FOUND = "Not found"


class LineApiError(Exception):
    """An error answer in LINE's shape: status plus ``{"message": ..., ...}``."""

    def __init__(self, status: int, message: str, *, details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.body: dict[str, Any] = {"message": message}
        if details:
            self.body["details"] = details
        self.body.update(extra)
        self.headers = dict(headers or {})


class ControlError(ValueError):
    """A bad request to the emulator's own control API (not a LINE rule)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class ApiResult:
    status: int
    body: Any = None  # dict -> JSON; bytes -> raw content; None -> empty body
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    accepted: bool = False  # LINE would have processed the request (for accept_then_* faults)


@dataclass
class Settings:
    """Everything configurable at run time (``POST /_emulator/settings``)."""

    webhook_url: str | None = None
    redelivery: bool = False
    redelivery_delay_seconds: float = 1.0
    redelivery_max_attempts: int = 3
    duplicates: bool = False
    out_of_order: bool = False
    out_of_order_batch: int = 4
    out_of_order_hold_seconds: float = 1.0
    webhook_timeout_seconds: float = 5.0
    mode: str = "active"
    reply_token_ttl_seconds: float = 60.0
    narrowcast_seconds: float = 0.0
    followers_api: bool = True
    chat_mode: str = "chat"
    # The console's "Use webhook" switch (no API turns it on): off, LINE sends no webhooks.
    webhook_active: bool = True
    webhook_batch_size: int = 10
    webhook_batch_window_seconds: float = 0.0


_SETTING_TYPES: dict[str, tuple[type, ...]] = {
    "webhook_url": (str, type(None)),
    "redelivery": (bool,), "duplicates": (bool,), "out_of_order": (bool,),
    "followers_api": (bool,), "webhook_active": (bool,),
    "redelivery_delay_seconds": (int, float), "out_of_order_hold_seconds": (int, float),
    "webhook_timeout_seconds": (int, float), "reply_token_ttl_seconds": (int, float),
    "narrowcast_seconds": (int, float), "webhook_batch_window_seconds": (int, float),
    "redelivery_max_attempts": (int,), "out_of_order_batch": (int,),
    "webhook_batch_size": (int,),
    "mode": (str,), "chat_mode": (str,),
}


def _check_setting(name: str, value: Any) -> Any:
    kinds = _SETTING_TYPES.get(name)
    if kinds is None:
        raise ControlError(f"unknown setting {name!r}")
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise ControlError(f"setting {name!r} has the wrong type")
    if name == "webhook_url" and isinstance(value, str) and not value.startswith(
            ("http://", "https://")):
        raise ControlError("webhook_url must be an http(s) URL or null")
    if name == "mode" and value not in ("active", "standby"):
        raise ControlError("mode must be active or standby")
    if name == "chat_mode" and value not in ("chat", "bot"):
        raise ControlError("chat_mode must be chat or bot")
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        raise ControlError(f"setting {name!r} must not be negative")
    if name in ("out_of_order_batch", "webhook_timeout_seconds",
                "webhook_batch_size") and (
            not isinstance(value, int | float) or value <= 0):
        raise ControlError(f"setting {name!r} must be positive")
    return value


@dataclass
class User:
    user_id: str
    display_name: str
    picture_url: str | None
    status_message: str | None
    language: str | None
    followed_at: float
    blocked: bool = False
    inbox: list[dict[str, Any]] = field(default_factory=list)
    read_up_to: str | None = None
    loading_until: float | None = None

    def profile(self) -> dict[str, Any]:
        out: dict[str, Any] = {"displayName": self.display_name, "userId": self.user_id}
        if self.picture_url:
            out["pictureUrl"] = self.picture_url
        if self.status_message:
            out["statusMessage"] = self.status_message
        if self.language:
            out["language"] = self.language
        return out


@dataclass
class _ReplyToken:
    user_id: str
    issued_at: float
    expires_at: float
    used: bool = False


@dataclass
class _Content:
    user_id: str
    kind: str
    data: bytes
    content_type: str
    preview: bytes | None
    preview_type: str | None
    ready_at: float


def _iso_ms(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{int(epoch * 1000) % 1000:03d}Z"


def _jst_month(epoch: float) -> tuple[int, int]:
    t = time.gmtime(epoch + JST_OFFSET_SECONDS)
    return t.tm_year, t.tm_mon


class Emulator:
    """A simulated LINE Official Account, its friends and the Messaging API rules.

    ``quota`` is ``None`` for no monthly limit or a number of messages (the free plan
    in Japan allows 200). ``rate_limits`` overrides groups of
    :data:`emulator.limits.DEFAULT_RATE_LIMITS` (``None`` switches one off).
    """

    def __init__(self, channel_secret: str, access_token: str,
                 webhook_url: str | None = None, *, clock: Clock | None = None,
                 seed: int | None = None, quota: int | None = 200,
                 rate_limits: dict[str, Any] | None = None,
                 bot_user_id: str | None = None, bot_display_name: str = "Otokui Demo Shop",
                 bot_basic_id: str = "@123otoku", **settings: Any) -> None:
        if not channel_secret or not access_token:
            raise ValueError("channel secret and access token must not be empty")
        self.channel_secret = channel_secret
        self.access_token = access_token
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.RLock()
        self._rng = random.Random(seed)
        self._ids = IdFactory(self._rng)
        self.bot_user_id = bot_user_id or self._ids.user_id()
        if not USER_ID_RE.match(self.bot_user_id):
            raise ValueError("bot_user_id must look like U + 32 hex digits")
        self.bot_display_name = bot_display_name
        self.bot_basic_id = bot_basic_id
        self.settings = Settings(webhook_url=webhook_url)
        self.rate_limiter = RateLimiter()
        self.configure(rate_limits=rate_limits, **settings)
        self.faults = FaultPlan()
        self._quota_value: int | None = None
        self._total_usage = 0
        self._usage_month = _jst_month(self.clock.now())
        self.set_quota(value=quota, type="none" if quota is None else "limited")
        self._users: dict[str, User] = {}
        from emulator.login import LineLogin  # LINE Login and LIFF (emulator/login.py)
        self.login = LineLogin(self)
        self._reply_tokens: dict[str, _ReplyToken] = {}
        self._quote_tokens: set[str] = set()
        self._read_tokens: dict[str, tuple[str, str]] = {}
        self._link_tokens: dict[str, tuple[str, float, bool]] = {}
        self._contents: dict[str, _Content] = {}
        self._retry_keys: dict[str, dict[str, Any]] = {}
        self._narrowcasts: dict[str, dict[str, Any]] = {}
        self._events: deque[dict[str, Any]] = deque(maxlen=100_000)
        #: Inside in_group(), per thread: where messages come from ({"group_id": …}).
        self._chat_local = threading.local()
        self._sent: deque[dict[str, Any]] = deque(maxlen=100_000)
        self._worker = DeliveryWorker(
            channel_secret=channel_secret, destination=self.bot_user_id,
            settings=self._webhook_settings, on_redelivery=self._refresh_reply_token,
            rng=random.Random(self._rng.getrandbits(64)),
            transport=self.faults.webhook_transport())

    # --- lifecycle ---

    def close(self) -> None:
        """Stop the delivery worker (queued webhooks are dropped)."""
        self._worker.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- settings, clock, quota, faults ---

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Change settings (see :class:`Settings`); returns all settings.

        ``rate_limits`` (documented with the settings) changes groups of limits:
        ``{"push": [2000, 1], "broadcast": None}``; groups not named keep theirs.
        Everything is checked before anything changes.
        """
        with self._lock:
            limits = changes.pop("rate_limits", None)
            if limits is not None and not isinstance(limits, dict):
                raise ControlError("rate_limits must be an object")
            checked = {name: _check_setting(name, value) for name, value in changes.items()}
            if limits:
                self.configure_rate_limits(limits)
            for name, value in checked.items():
                setattr(self.settings, name, value)
            return self.settings_dict()

    def settings_dict(self) -> dict[str, Any]:
        with self._lock:
            out = {f.name: getattr(self.settings, f.name) for f in fields(Settings)}
        out["rate_limits"] = self.rate_limiter.limits()
        return out

    def _webhook_settings(self) -> WebhookSettings:
        with self._lock:
            s = self.settings
            return WebhookSettings(
                url=s.webhook_url if s.webhook_active else None, redelivery=s.redelivery,
                redelivery_delay_seconds=s.redelivery_delay_seconds,
                redelivery_max_attempts=s.redelivery_max_attempts,
                duplicates=s.duplicates, out_of_order=s.out_of_order,
                out_of_order_batch=s.out_of_order_batch,
                out_of_order_hold_seconds=s.out_of_order_hold_seconds,
                timeout_seconds=s.webhook_timeout_seconds,
                batch_size=s.webhook_batch_size,
                batch_window_seconds=s.webhook_batch_window_seconds)

    def now(self) -> float:
        return self.clock.now()

    def advance_clock(self, seconds: float) -> float:
        """Move the emulator's clock forward; returns the new time (epoch seconds)."""
        try:
            self.clock.advance(seconds)
        except (ValueError, TypeError) as exc:
            raise ControlError(str(exc)) from exc
        return self.clock.now()

    def _roll_month(self) -> None:
        month = _jst_month(self.clock.now())
        if month != self._usage_month:
            self._usage_month = month
            self._total_usage = 0

    def quota(self) -> dict[str, Any]:
        """``{"type": "limited"|"none", "value"?: N, "totalUsage": N}``."""
        with self._lock:
            self._roll_month()
            out: dict[str, Any] = {"type": "none" if self._quota_value is None else "limited"}
            if self._quota_value is not None:
                out["value"] = self._quota_value
            out["totalUsage"] = self._total_usage
            return out

    _UNSET: Any = object()

    def set_quota(self, *, type: str | None = None, value: Any = _UNSET,
                  total_usage: int | None = None) -> dict[str, Any]:
        """Set the plan's monthly limit and/or this month's usage."""
        with self._lock:
            if type not in (None, "none", "limited"):
                raise ControlError("quota type must be none or limited")
            if value is not self._UNSET and value is not None and (
                    not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise ControlError("quota value must be a non-negative integer")
            if total_usage is not None and (not isinstance(total_usage, int)
                                            or isinstance(total_usage, bool) or total_usage < 0):
                raise ControlError("totalUsage must be a non-negative integer")
            if type == "none":
                self._quota_value = None
            elif type == "limited" or value is not self._UNSET:
                if value is self._UNSET or value is None:
                    if self._quota_value is None:
                        raise ControlError("a limited quota needs a value")
                else:
                    self._quota_value = value
            if total_usage is not None:
                self._roll_month()
                self._total_usage = total_usage
            return self.quota()

    def inject_fault(self, endpoint: str, kind: str, count: int = 1,
                     seconds: float = 0.0) -> None:
        """Make the next ``count`` requests to ``endpoint`` fail (see :mod:`emulator.faults`)."""
        try:
            self.faults.add(endpoint, kind, count, seconds)
        except (ValueError, TypeError) as exc:
            raise ControlError(str(exc)) from exc

    def configure_rate_limits(self, limits: dict[str, Any]) -> None:
        """Change groups of rate limits; a bad group or value changes nothing."""
        try:
            self.rate_limiter.configure(limits)
        except (ValueError, TypeError) as exc:
            raise ControlError(str(exc)) from exc

    # --- webhooks ---

    def wait_for_deliveries(self, timeout: float = 10.0) -> None:
        """Block until every queued webhook (redeliveries included) has been tried.

        Events held for out-of-order delivery are released first. Raises
        ``TimeoutError`` if the queue is not drained in time.
        """
        if not self._worker.wait_idle(timeout):
            raise TimeoutError(f"{self._worker.pending()} webhook deliveries still pending")

    @contextlib.contextmanager
    def together(self) -> Iterator[None]:
        """Events made inside the block are delivered together, in one POST (up to
        ``webhook_batch_size`` events each), as LINE batches events that happen at once."""
        self._worker.hold()
        try:
            yield
        finally:
            self._worker.release()

    def hold_webhooks(self) -> None:
        """Start keeping new events back (the control API's form of :meth:`together`)."""
        self._worker.hold()

    def release_webhooks(self) -> None:
        """Queue the events kept since :meth:`hold_webhooks`, all at once."""
        self._worker.release()

    def verify_webhook(self) -> dict[str, Any]:
        """Send the console's connectivity check (``"events": []``) now; see the result."""
        return self._worker.verify()

    def deliveries(self) -> list[dict[str, Any]]:
        """Every delivery attempt so far: event id, attempt, status, ok, error."""
        return self._worker.records()

    def events(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Every webhook event made so far (as first sent), optionally for one user."""
        with self._lock:
            return [copy.deepcopy(e) for e in self._events
                    if user_id is None or e["source"].get("userId") == user_id]

    def last_event(self, user_id: str) -> dict[str, Any] | None:
        """The newest webhook event of one user (found from the end: cheap)."""
        with self._lock:
            for event in reversed(self._events):
                if event["source"].get("userId") == user_id:
                    found: dict[str, Any] = copy.deepcopy(event)
                    return found
            return None

    def _refresh_reply_token(self, event: dict[str, Any]) -> None:
        # A redelivered event's token lives one minute from redelivery, capped at
        # 20 minutes after the event.
        token = event.get("replyToken")
        with self._lock:
            record = self._reply_tokens.get(token) if token else None
            if record is not None and not record.used:
                record.expires_at = min(
                    self.clock.now() + self.settings.reply_token_ttl_seconds,
                    record.issued_at + REPLY_TOKEN_HARD_LIMIT_SECONDS)

    def _emit(self, user: User, etype: str, *, reply: bool,
              source: dict[str, Any] | None = None, **body: Any) -> dict[str, Any]:
        now = self.clock.now()
        ms = int(now * 1000)
        event = ev.base_event(etype, user_id=user.user_id, timestamp_ms=ms,
                              event_id=self._ids.ulid(ms), mode=self.settings.mode,
                              source=source)
        # In standby mode another module owns the chat: LINE sends no reply token.
        if reply and self.settings.mode == "active":
            token = self._ids.reply_token()
            self._reply_tokens[token] = _ReplyToken(
                user.user_id, now, now + self.settings.reply_token_ttl_seconds)
            event["replyToken"] = token
        event.update(body)
        self._events.append(event)
        self._worker.submit(event)
        return copy.deepcopy(event)

    # --- the user side: friends ---

    def add_user(self, display_name: str, *, picture_url: str | None = None,
                 status_message: str | None = None, language: str | None = None,
                 user_id: str | None = None, notify: bool = True) -> str:
        """Add a friend; sends a ``follow`` webhook unless ``notify`` is false."""
        if not isinstance(display_name, str) or not display_name:
            raise ControlError("displayName must be a non-empty string")
        for name, value in (("pictureUrl", picture_url), ("statusMessage", status_message),
                            ("language", language)):
            if value is not None and not isinstance(value, str):
                raise ControlError(f"{name} must be a string")
        with self._lock:
            if user_id is None:
                user_id = self._ids.user_id()
                while user_id in self._users:
                    user_id = self._ids.user_id()
            elif not isinstance(user_id, str) or not USER_ID_RE.match(user_id):
                raise ControlError("userId must be U followed by 32 lowercase hex digits")
            elif user_id in self._users:
                raise ControlError("that user is already a friend", status=409)
            user = User(user_id, display_name, picture_url, status_message, language,
                        followed_at=self.clock.now())
            self._users[user_id] = user
            if notify:
                self._emit(user, "follow", reply=True, follow={"isUnblocked": False})
            return user_id

    def _user(self, user_id: str, *, active: bool = False) -> User:
        user = self._users.get(user_id)
        if user is None:
            raise ControlError("no such user", status=404)
        if active and user.blocked:
            raise ControlError("the user has blocked the account", status=409)
        return user

    def user(self, user_id: str) -> dict[str, Any]:
        """A snapshot of one simulated user (profile, blocked, read state)."""
        with self._lock:
            u = self._user(user_id)
            return {**u.profile(), "blocked": u.blocked, "followedAt": int(u.followed_at * 1000),
                    "readUpTo": u.read_up_to,
                    "loadingUntil": None if u.loading_until is None
                    else int(u.loading_until * 1000),
                    "inboxSize": len(u.inbox)}

    def users(self) -> list[dict[str, Any]]:
        with self._lock:
            return [self.user(uid) for uid in self._users]

    def block(self, user_id: str) -> dict[str, Any]:
        """The user blocks the account: an ``unfollow`` event (no reply token)."""
        with self._lock:
            user = self._user(user_id, active=True)
            user.blocked = True
            return self._emit(user, "unfollow", reply=False)

    def unblock(self, user_id: str) -> dict[str, Any]:
        """The user unblocks: a ``follow`` event with ``follow.isUnblocked: true``."""
        with self._lock:
            user = self._user(user_id)
            if not user.blocked:
                raise ControlError("the user has not blocked the account", status=409)
            user.blocked = False
            return self._emit(user, "follow", reply=True, follow={"isUnblocked": True})

    def inbox(self, user_id: str) -> list[dict[str, Any]]:
        """What the account sent this user, oldest first, with the endpoint used."""
        with self._lock:
            return copy.deepcopy(self._user(user_id).inbox)

    def sent(self) -> list[dict[str, Any]]:
        """Every accepted send request (endpoint, request id, recipient count, messages)."""
        with self._lock:
            return copy.deepcopy(list(self._sent))

    # --- the user side: messages ---

    def _message_ids(self, quotable: bool) -> tuple[str, str | None, str]:
        message_id = self._ids.message_id()
        quote = self._ids.quote_token() if quotable else None
        if quote:
            self._quote_tokens.add(quote)
        return message_id, quote, self._ids.mark_as_read_token()

    def _emit_message(self, user: User, message: dict[str, Any], read_token: str) -> dict[str, Any]:
        chat = getattr(self._chat_local, "chat", None)
        if chat is not None:
            # A group or room: the message is not in the one-to-one chat, so there is
            # nothing to mark as read there.
            message.pop("markAsReadToken", None)
            return self._emit(user, "message", reply=True, message=message,
                              source=ev.source_of(user.user_id, **chat))
        self._read_tokens[read_token] = (user.user_id, message["id"])
        return self._emit(user, "message", reply=True, message=message)

    @contextlib.contextmanager
    def in_group(self, group_id: str | None = None, *,
                 room_id: str | None = None) -> Iterator[str]:
        """Messages sent inside the block come from a group (``C…``) or a room (``R…``)
        the account is in, not from the one-to-one chat: ``source`` is
        ``{type: group, groupId, userId}`` (or room). Yields the group or room id;
        leave both out for a new group. The emulator keeps no member lists."""
        if group_id is not None and room_id is not None:
            raise ControlError("a message comes from a group or a room, not both")
        if group_id is None and room_id is None:
            with self._lock:
                group_id = "C" + self._ids.hex(32)
        for value, prefix in ((group_id, "C"), (room_id, "R")):
            if value is not None and not re.fullmatch(prefix + "[0-9a-f]{32}", value):
                raise ControlError(f"a {'group' if prefix == 'C' else 'room'} id is "
                                   f"{prefix} followed by 32 hex digits")
        # Per thread: another thread's messages (an HTTP request, say) stay one-to-one.
        previous = getattr(self._chat_local, "chat", None)
        self._chat_local.chat = {"group_id": group_id} if group_id else {"room_id": room_id}
        try:
            yield group_id or room_id  # type: ignore[misc]
        finally:
            self._chat_local.chat = previous

    # --- the user side: membership, beacon, video viewing ---

    def membership(self, user_id: str, kind: str = "joined",
                   membership_id: int = 1) -> dict[str, Any]:
        """The user joins, leaves or renews one of the account's memberships (paid plans
        of LINE's membership feature): a ``membership`` event."""
        if kind not in ("joined", "left", "renewed"):
            raise ControlError("membership type must be joined, left or renewed")
        if isinstance(membership_id, bool) or not isinstance(membership_id, int) or \
                membership_id < 1:
            raise ControlError("membershipId must be a positive integer")
        with self._lock:
            user = self._user(user_id, active=True)
            return self._emit(user, "membership", reply=True,
                              membership={"type": kind, "membershipId": membership_id})

    def beacon(self, user_id: str, hwid: str = "d41d8cd98f", kind: str = "enter",
               dm: str | None = None) -> dict[str, Any]:
        """The user's phone meets the shop's LINE Beacon: a ``beacon`` event (``enter``,
        ``banner`` when they tap the beacon banner, ``stay`` while they stay)."""
        if kind not in ("enter", "banner", "stay"):
            raise ControlError("beacon type must be enter, banner or stay")
        if not isinstance(hwid, str) or not re.fullmatch(r"[0-9a-f]{10}", hwid):
            raise ControlError("hwid must be 10 lowercase hex digits")
        if dm is not None and (not isinstance(dm, str)
                               or not re.fullmatch(r"(?:[0-9a-f]{2}){0,13}", dm)):
            raise ControlError("dm must be up to 13 bytes in hex")
        with self._lock:
            user = self._user(user_id, active=True)
            content: dict[str, Any] = {"hwid": hwid, "type": kind}
            if dm:
                content["dm"] = dm
            return self._emit(user, "beacon", reply=True, beacon=content)

    def video_play_complete(self, user_id: str, tracking_id: str) -> dict[str, Any]:
        """The user watched a video message the account sent with ``trackingId`` to
        the end: a ``videoPlayComplete`` event."""
        if not isinstance(tracking_id, str) or not 1 <= len(tracking_id) <= 100:
            raise ControlError("trackingId must be 1..100 characters")
        with self._lock:
            user = self._user(user_id, active=True)
            return self._emit(user, "videoPlayComplete", reply=True,
                              videoPlayComplete={"trackingId": tracking_id})

    def send_text(self, user_id: str, text: str, *, emojis: list[dict[str, Any]] | None = None,
                  quoted_message_id: str | None = None) -> dict[str, Any]:
        """The user sends a text (LINE emoji as ``emojis`` with index/length in UTF-16)."""
        if not isinstance(text, str) or not text:
            raise ControlError("text must be a non-empty string")
        if utf16_len(text) > 5000:
            raise ControlError("a LINE text is at most 5000 UTF-16 units")
        units = utf16_len(text)
        for emoji in emojis or []:
            ok = (isinstance(emoji, dict)
                  and all(isinstance(emoji.get(k), int) and not isinstance(emoji.get(k), bool)
                          for k in ("index", "length"))
                  and all(isinstance(emoji.get(k), str) for k in ("productId", "emojiId")))
            if not ok or emoji["index"] < 0 or emoji["length"] < 1 or \
                    emoji["index"] + emoji["length"] > units:
                raise ControlError("each emoji needs index, length (inside the text), "
                                   "productId and emojiId")
        with self._lock:
            user = self._user(user_id, active=True)
            mid, quote, read = self._message_ids(True)
            msg = ev.text_message(mid, text, quote_token=quote or "", mark_as_read_token=read,
                                  emojis=copy.deepcopy(emojis),
                                  quoted_message_id=quoted_message_id)
            return self._emit_message(user, msg, read)

    def send_sticker(self, user_id: str, package_id: str, sticker_id: str, *,
                     keywords: list[str] | None = None, resource_type: str = "STATIC",
                     text: str | None = None) -> dict[str, Any]:
        if not isinstance(package_id, str) or not isinstance(sticker_id, str) or \
                not package_id or not sticker_id:
            raise ControlError("packageId and stickerId must be non-empty strings")
        if keywords is not None and (not isinstance(keywords, list)
                                     or not all(isinstance(k, str) for k in keywords)):
            raise ControlError("keywords must be a list of strings")
        with self._lock:
            user = self._user(user_id, active=True)
            mid, quote, read = self._message_ids(True)
            msg = ev.sticker_message(mid, package_id=package_id, sticker_id=sticker_id,
                                     resource_type=resource_type, keywords=keywords, text=text,
                                     quote_token=quote or "", mark_as_read_token=read)
            return self._emit_message(user, msg, read)

    def send_image(self, user_id: str, data: bytes | None = None, *,
                   image_format: str = "jpeg", width: int = 240,
                   height: int = 180) -> dict[str, Any]:
        """The user sends a photo: ``data`` as given, or a generated PNG/JPEG."""
        with self._lock:
            user = self._user(user_id, active=True)
            seed = self._rng.randrange(1 << 16)
        try:
            if data is None:
                data, ctype = media.image(image_format, width, height, seed)
                preview, ptype = media.image(image_format, max(1, width // 4),
                                             max(1, height // 4), seed)
            else:
                ctype = media.sniff_image_type(data) or "application/octet-stream"
                preview, ptype = data, ctype
        except ValueError as exc:
            raise ControlError(str(exc)) from exc
        with self._lock:
            mid, quote, read = self._message_ids(True)
            self._contents[mid] = _Content(user_id, "image", data, ctype, preview, ptype,
                                           ready_at=0.0)
            msg = ev.media_message(mid, "image", quote_token=quote, mark_as_read_token=read)
            return self._emit_message(user, msg, read)

    def send_video(self, user_id: str, *, duration_ms: int = 5000, data: bytes | None = None,
                   transcoding_seconds: float = 0.0) -> dict[str, Any]:
        """A video; its content answers 202 until ``transcoding_seconds`` have passed."""
        return self._send_av(user_id, "video", duration_ms, data, transcoding_seconds)

    def send_audio(self, user_id: str, *, duration_ms: int = 3000, data: bytes | None = None,
                   transcoding_seconds: float = 0.0) -> dict[str, Any]:
        return self._send_av(user_id, "audio", duration_ms, data, transcoding_seconds)

    def _send_av(self, user_id: str, kind: str, duration_ms: int, data: bytes | None,
                 transcoding_seconds: float) -> dict[str, Any]:
        if not isinstance(duration_ms, int) or isinstance(duration_ms, bool) or duration_ms < 1:
            raise ControlError("duration must be a positive number of milliseconds")
        if not isinstance(transcoding_seconds, int | float) or transcoding_seconds < 0:
            raise ControlError("transcodingSeconds must not be negative")
        generated, ctype = media.mp4(duration_ms, audio_only=kind == "audio")
        with self._lock:
            user = self._user(user_id, active=True)
            mid, quote, read = self._message_ids(kind == "video")
            preview = ptype = None
            if kind == "video":
                preview, ptype = media.image("jpeg", 80, 60, int(mid) % 997)
            self._contents[mid] = _Content(user_id, kind, data if data is not None else generated,
                                           ctype, preview, ptype,
                                           ready_at=self.clock.now() + transcoding_seconds)
            msg = ev.media_message(mid, kind, quote_token=quote, mark_as_read_token=read,
                                   duration_ms=duration_ms)
            return self._emit_message(user, msg, read)

    def send_file(self, user_id: str, file_name: str, data: bytes | None = None, *,
                  file_size: int | None = None) -> dict[str, Any]:
        """A file: ``data`` as given, or ``file_size`` generated bytes (default 1 KiB)."""
        if not isinstance(file_name, str) or not file_name:
            raise ControlError("fileName must be a non-empty string")
        if file_size is not None and (not isinstance(file_size, int)
                                      or isinstance(file_size, bool)
                                      or not 0 < file_size <= MAX_FILE_BYTES):
            raise ControlError(f"fileSize must be between 1 and {MAX_FILE_BYTES}")
        if data is None:
            data = media.file_bytes(file_size or 1024)
        elif file_size is not None and file_size != len(data):
            raise ControlError("fileSize does not match the content")
        with self._lock:
            user = self._user(user_id, active=True)
            mid, _, read = self._message_ids(False)
            self._contents[mid] = _Content(user_id, "file", data, "application/octet-stream",
                                           None, None, ready_at=0.0)
            msg = ev.file_message(mid, file_name=file_name, file_size=len(data),
                                  mark_as_read_token=read)
            return self._emit_message(user, msg, read)

    def send_location(self, user_id: str, latitude: float, longitude: float, *,
                      title: str | None = None, address: str | None = None) -> dict[str, Any]:
        for name, value, bound in (("latitude", latitude, 90), ("longitude", longitude, 180)):
            if isinstance(value, bool) or not isinstance(value, int | float) or \
                    not -bound <= value <= bound:
                raise ControlError(f"{name} must be a number within ±{bound}")
        with self._lock:
            user = self._user(user_id, active=True)
            mid, _, read = self._message_ids(False)
            msg = ev.location_message(mid, title=title, address=address, latitude=latitude,
                                      longitude=longitude, mark_as_read_token=read)
            return self._emit_message(user, msg, read)

    def send_message(self, user_id: str, spec: dict[str, Any]) -> dict[str, Any]:
        """Dispatch a control-API message description (``{"type": ..., ...}``); with
        ``groupId`` or ``roomId`` it comes from that group or room (see :meth:`in_group`)."""
        if not isinstance(spec, dict):
            raise ControlError("the message must be a JSON object")
        if spec.get("groupId") is not None or spec.get("roomId") is not None:
            rest = {k: v for k, v in spec.items() if k not in ("groupId", "roomId")}
            with self.in_group(spec.get("groupId"), room_id=spec.get("roomId")):
                return self.send_message(user_id, rest)
        kind = spec.get("type")
        data = None
        if spec.get("contentBase64") is not None:
            try:
                data = base64.b64decode(spec["contentBase64"], validate=True)
            except (binascii.Error, TypeError, ValueError) as exc:
                raise ControlError("contentBase64 is not valid base64") from exc
        # send_* check the values' types themselves (ControlError): they take what came.
        if kind == "text":
            return self.send_text(user_id, spec.get("text"),  # type: ignore[arg-type]
                                  emojis=spec.get("emojis"),
                                  quoted_message_id=spec.get("quotedMessageId"))
        if kind == "sticker":
            return self.send_sticker(user_id, spec.get("packageId"),  # type: ignore[arg-type]
                                     spec.get("stickerId"),  # type: ignore[arg-type]
                                     keywords=spec.get("keywords"),
                                     resource_type=spec.get("stickerResourceType", "STATIC"),
                                     text=spec.get("text"))
        if kind == "image":
            return self.send_image(user_id, data, image_format=spec.get("format", "jpeg"),
                                   width=spec.get("width", 240), height=spec.get("height", 180))
        if kind in ("video", "audio"):
            return self._send_av(user_id, kind, spec.get("duration", 5000), data,
                                 spec.get("transcodingSeconds", 0.0))
        if kind == "file":
            return self.send_file(user_id, spec.get("fileName"), data,  # type: ignore[arg-type]
                                  file_size=spec.get("fileSize"))
        if kind == "location":
            return self.send_location(user_id,
                                      spec.get("latitude"),  # type: ignore[arg-type]
                                      spec.get("longitude"),  # type: ignore[arg-type]
                                      title=spec.get("title"), address=spec.get("address"))
        raise ControlError("type must be text, sticker, image, video, audio, file or location")

    def send_postback(self, user_id: str, data: str,
                      params: dict[str, Any] | None = None) -> dict[str, Any]:
        if not isinstance(data, str) or not data or len(data) > 300:
            raise ControlError("postback data must be 1..300 characters")
        if params is not None and not isinstance(params, dict):
            raise ControlError("params must be an object")
        with self._lock:
            user = self._user(user_id, active=True)
            postback: dict[str, Any] = {"data": data}
            if params:
                postback["params"] = params
            return self._emit(user, "postback", reply=True, postback=postback)

    def account_link(self, user_id: str, link_token: str, nonce: str,
                     result: str = "ok") -> dict[str, Any]:
        """The user finishes account linking: an ``accountLink`` event.

        ``result="ok"`` needs a link token issued for this user, unused and under ten
        minutes old; it is used up. A failed link carries no reply token.
        """
        if result not in ("ok", "failed"):
            raise ControlError("result must be ok or failed")
        if not isinstance(nonce, str) or not nonce:
            raise ControlError("nonce must be a non-empty string")
        with self._lock:
            user = self._user(user_id, active=True)
            if result == "ok":
                entry = self._link_tokens.get(link_token)
                if (entry is None or entry[0] != user_id or entry[2]
                        or self.clock.now() > entry[1] + LINK_TOKEN_LIFETIME_SECONDS):
                    raise ControlError("link token is unknown, used, expired or for another user")
                self._link_tokens[link_token] = (entry[0], entry[1], True)
            return self._emit(user, "accountLink", reply=result == "ok",
                              link={"result": result, "nonce": nonce})

    def unsend(self, user_id: str, message_id: str) -> dict[str, Any]:
        """The user unsends a message: an ``unsend`` event; its content is gone. Inside
        :meth:`in_group`, the event comes from that group or room."""
        chat = getattr(self._chat_local, "chat", None)
        with self._lock:
            user = self._user(user_id, active=True)
            self._contents.pop(message_id, None)
            source = ev.source_of(user.user_id, **chat) if chat else None
            return self._emit(user, "unsend", reply=False, source=source,
                              unsend={"messageId": message_id})

    # --- the Messaging API ---

    def _request_headers(self, request_id: str) -> dict[str, str]:
        return {"x-line-request-id": request_id}

    def _check_retry_key(self, endpoint: str, retry_key: str | None,
                         request_id: str) -> None:
        if retry_key is None:
            return
        if endpoint not in RETRY_KEY_ENDPOINTS:
            raise LineApiError(400, "X-Line-Retry-Key is not supported for this API")
        if not UUID_RE.match(retry_key):
            raise LineApiError(400, "The retry key must be a UUID in hexadecimal format")
        record = self._retry_keys.get(retry_key)
        if record and self.clock.now() - record["acceptedAt"] < RETRY_KEY_LIFETIME_SECONDS:
            extra: dict[str, Any] = {}
            if record["endpoint"] == "push" and record["sentMessages"]:
                extra["sentMessages"] = copy.deepcopy(record["sentMessages"])
            raise LineApiError(409, "The retry key is already accepted",
                               headers={"x-line-accepted-request-id": record["requestId"]},
                               **extra)

    def _check_quota(self, recipients: int) -> None:
        self._roll_month()
        if self._quota_value is not None and \
                self._total_usage + recipients > self._quota_value:
            raise LineApiError(429, MONTHLY_LIMIT)

    def _deliver(self, endpoint: str, recipients: list[User], messages: list[dict[str, Any]],
                 *, notification_disabled: bool, retry_key: str | None,
                 request_id: str) -> list[dict[str, str]]:
        now = self.clock.now()
        sent: list[dict[str, str]] = []
        for msg in messages:
            item = {"id": self._ids.message_id()}
            if endpoint in ("reply", "push") and msg.get("type") in QUOTE_TARGET_TYPES:
                item["quoteToken"] = self._ids.quote_token()
                self._quote_tokens.add(item["quoteToken"])
            sent.append(item)
        entry = {"endpoint": endpoint, "requestId": request_id, "timestamp": int(now * 1000),
                 "notificationDisabled": notification_disabled,
                 "messages": copy.deepcopy(messages), "sentMessages": sent}
        # One stored entry shared by every recipient's inbox: entries are never changed once
        # stored and inbox() hands out copies, so a 500-id multicast costs one copy, not 500.
        for user in recipients:
            user.inbox.append(entry)
        if endpoint in QUOTA_ENDPOINTS:
            self._total_usage += len(recipients)
        self._sent.append({**copy.deepcopy(entry), "recipients": len(recipients),
                           "retryKey": retry_key})
        if retry_key is not None:
            self._retry_keys[retry_key] = {"acceptedAt": now, "requestId": request_id,
                                           "endpoint": endpoint, "sentMessages": sent}
        return sent

    def _validate(self, endpoint: str, body: Any) -> dict[str, Any]:
        details = check_send_body(endpoint, body, self._quote_tokens.__contains__)
        if details:
            raise LineApiError(400, **body_error(details))
        checked: dict[str, Any] = body
        return checked

    def api_send(self, endpoint: str, body: Any, retry_key: str | None) -> ApiResult:
        """reply, push, multicast, broadcast or narrowcast, with every LINE check."""
        with self._lock:
            request_id = self._ids.request_id()
            try:
                self._check_retry_key(endpoint, retry_key, request_id)
                body = self._validate(endpoint, body)
                result: ApiResult = getattr(self, "_api_" + endpoint)(body, retry_key,
                                                                      request_id)
                return result
            except LineApiError as exc:
                exc.headers.setdefault("x-line-request-id", request_id)
                raise

    def _api_reply(self, body: dict[str, Any], retry_key: str | None, request_id: str) -> ApiResult:
        token = self._reply_tokens.get(body["replyToken"])
        now = self.clock.now()
        if token is None or token.used or now > token.expires_at:
            raise LineApiError(400, "Invalid reply token")
        token.used = True
        user = self._users[token.user_id]
        recipients = [] if user.blocked else [user]
        sent = self._deliver("reply", recipients, body["messages"],
                             notification_disabled=body.get("notificationDisabled", False),
                             retry_key=None, request_id=request_id)
        return ApiResult(200, {"sentMessages": sent}, self._request_headers(request_id),
                         accepted=True)

    def _api_push(self, body: dict[str, Any], retry_key: str | None, request_id: str) -> ApiResult:
        user = self._users.get(body["to"])
        if user is None:
            raise LineApiError(400, "Failed to send messages")
        # A user who blocked the account gets nothing and costs nothing, but LINE still
        # accepts the request.
        recipients = [] if user.blocked else [user]
        self._check_quota(len(recipients))
        sent = self._deliver("push", recipients, body["messages"],
                             notification_disabled=body.get("notificationDisabled", False),
                             retry_key=retry_key, request_id=request_id)
        return ApiResult(200, {"sentMessages": sent}, self._request_headers(request_id),
                         accepted=True)

    def _active_users(self, ids: list[str] | None = None) -> list[User]:
        if ids is None:
            return [u for u in self._users.values() if not u.blocked]
        seen: dict[str, User] = {}
        for uid in ids:
            user = self._users.get(uid)
            if user is not None and not user.blocked:
                seen.setdefault(uid, user)
        return list(seen.values())

    def _api_multicast(self, body: dict[str, Any], retry_key: str | None,
                       request_id: str) -> ApiResult:
        recipients = self._active_users(body["to"])
        self._check_quota(len(recipients))
        self._deliver("multicast", recipients, body["messages"],
                      notification_disabled=body.get("notificationDisabled", False),
                      retry_key=retry_key, request_id=request_id)
        return ApiResult(200, {}, self._request_headers(request_id), accepted=True)

    def _api_broadcast(self, body: dict[str, Any], retry_key: str | None,
                       request_id: str) -> ApiResult:
        recipients = self._active_users()
        self._check_quota(len(recipients))
        self._deliver("broadcast", recipients, body["messages"],
                      notification_disabled=body.get("notificationDisabled", False),
                      retry_key=retry_key, request_id=request_id)
        return ApiResult(200, {}, self._request_headers(request_id), accepted=True)

    def _api_narrowcast(self, body: dict[str, Any], retry_key: str | None,
                         request_id: str) -> ApiResult:
        # The emulator has no audiences or demographics: recipient and filter are checked
        # for shape only and every friend is a target; limit is honoured.
        recipients = self._active_users()
        limit = body.get("limit") or {}
        if limit.get("max"):
            recipients = recipients[:limit["max"]]
        if limit.get("upToRemainingQuota") and self._quota_value is not None:
            self._roll_month()
            recipients = recipients[:max(0, self._quota_value - self._total_usage)]
        self._check_quota(len(recipients))
        self._deliver("narrowcast", recipients, body["messages"],
                      notification_disabled=body.get("notificationDisabled", False),
                      retry_key=retry_key, request_id=request_id)
        now = self.clock.now()
        self._narrowcasts[request_id] = {"acceptedAt": now,
                                         "doneAt": now + self.settings.narrowcast_seconds,
                                         "targetCount": len(recipients)}
        return ApiResult(202, {}, self._request_headers(request_id), accepted=True)

    def _result(self, status: int, body: Any, **kw: Any) -> ApiResult:
        return ApiResult(status, body, self._request_headers(self._ids.request_id()), **kw)

    def api_narrowcast_progress(self, request_id: str | None) -> ApiResult:
        with self._lock:
            if not request_id:
                raise LineApiError(400, "The request body has 1 error(s)", details=[
                    {"message": "must be specified", "property": "requestId"}])
            job = self._narrowcasts.get(request_id)
            if job is None:
                raise LineApiError(404, NOT_FOUND)
            out: dict[str, Any] = {"acceptedTime": _iso_ms(job["acceptedAt"])}
            if self.clock.now() < job["doneAt"]:
                out["phase"] = "sending"
            else:
                out.update(phase="succeeded", successCount=job["targetCount"], failureCount=0,
                           targetCount=job["targetCount"],
                           completedTime=_iso_ms(job["doneAt"]))
            return self._result(200, out)

    def api_profile(self, user_id: str) -> ApiResult:
        with self._lock:
            user = self._users.get(user_id)
            if user is None or user.blocked:
                raise LineApiError(404, NOT_FOUND)
            return self._result(200, user.profile())

    def api_content(self, message_id: str, part: str) -> ApiResult:
        """``part`` is ``content``, ``preview`` or ``transcoding``."""
        with self._lock:
            content = self._contents.get(message_id)
            if content is None:
                raise LineApiError(404, NOT_FOUND)
            ready = self.clock.now() >= content.ready_at
            if part == "transcoding":
                return self._result(200, {"status": "succeeded" if ready else "processing"})
            if part == "preview":
                if content.preview is None:
                    raise LineApiError(404, NOT_FOUND)
                return self._result(200, content.preview, content_type=content.preview_type)
            if not ready:
                return self._result(202, None)
            return self._result(200, content.data, content_type=content.content_type)

    def api_quota(self) -> ApiResult:
        q = self.quota()
        body = {"type": q["type"]}
        if "value" in q:
            body["value"] = q["value"]
        return self._result(200, body)

    def api_quota_consumption(self) -> ApiResult:
        return self._result(200, {"totalUsage": self.quota()["totalUsage"]})

    def api_followers(self, limit: str | None, start: str | None) -> ApiResult:
        with self._lock:
            if not self.settings.followers_api:
                raise LineApiError(403, "Access to this API is not available for your account")
            try:
                size = 300 if limit is None else int(limit)
            except ValueError:
                size = -1
            if not 1 <= size <= 1000:
                raise LineApiError(400, "The request body has 1 error(s)", details=[
                    {"message": "Size must be between 1 and 1000", "property": "limit"}])
            offset = 0
            if start is not None:
                try:
                    text = base64.urlsafe_b64decode(start.encode("ascii")).decode()
                    if not text.startswith("followers:"):
                        raise ValueError(text)
                    offset = int(text.removeprefix("followers:"))
                    if offset < 0:
                        raise ValueError(text)
                except (ValueError, UnicodeError, binascii.Error):
                    raise LineApiError(400, "Invalid start parameter") from None
            ids = [u.user_id for u in self._users.values() if not u.blocked]
            page = ids[offset:offset + size]
            out: dict[str, Any] = {"userIds": page}
            if offset + size < len(ids):
                out["next"] = base64.urlsafe_b64encode(
                    f"followers:{offset + size}".encode()).decode("ascii")
            return self._result(200, out)

    def api_link_token(self, user_id: str) -> ApiResult:
        with self._lock:
            user = self._users.get(user_id)
            if user is None or user.blocked:
                raise LineApiError(404, NOT_FOUND)
            token = self._ids.link_token()
            self._link_tokens[token] = (user_id, self.clock.now(), False)
            return self._result(200, {"linkToken": token})

    def _mark_read(self, user: User, message_id: str) -> None:
        if user.read_up_to is None or int(message_id) > int(user.read_up_to):
            user.read_up_to = message_id

    def api_mark_as_read_by_token(self, body: Any) -> ApiResult:
        with self._lock:
            token = body.get("markAsReadToken") if isinstance(body, dict) else None
            found = self._read_tokens.get(token) if isinstance(token, str) else None
            if found is None:
                raise LineApiError(400, "The request body has 1 error(s)", details=[
                    {"message": "Invalid markAsReadToken", "property": "markAsReadToken"}])
            user_id, message_id = found
            self._mark_read(self._users[user_id], message_id)
            return self._result(200, {})

    def api_mark_as_read(self, body: Any) -> ApiResult:
        """The older form ``{"chat": {"userId": ...}}``: everything so far is read."""
        with self._lock:
            chat = body.get("chat") if isinstance(body, dict) else None
            uid = chat.get("userId") if isinstance(chat, dict) else None
            user = self._users.get(uid) if isinstance(uid, str) else None
            if user is None:
                raise LineApiError(400, "The request body has 1 error(s)", details=[
                    {"message": "Invalid user ID", "property": "chat.userId"}])
            last = [e["message"]["id"] for e in self._events
                    if e["type"] == "message" and e["source"]["userId"] == uid]
            if last:
                self._mark_read(user, last[-1])
            return self._result(200, {})

    def api_loading(self, body: Any) -> ApiResult:
        with self._lock:
            details = []
            if not isinstance(body, dict):
                body = {}
            uid = body.get("chatId")
            user = self._users.get(uid) if isinstance(uid, str) else None
            if user is None or user.blocked:
                details.append({"message": "Invalid chat ID", "property": "chatId"})
            seconds = body.get("loadingSeconds", 20)
            if not isinstance(seconds, int) or isinstance(seconds, bool) or \
                    not 5 <= seconds <= 60 or seconds % 5:
                details.append({"message": "must be a multiple of 5 between 5 and 60",
                                "property": "loadingSeconds"})
            if details:
                raise LineApiError(400, **body_error(details))
            assert user is not None
            user.loading_until = self.clock.now() + seconds
            return self._result(202, {})

    def api_bot_info(self) -> ApiResult:
        chat = self.settings.chat_mode
        return self._result(200, {
            "userId": self.bot_user_id, "basicId": self.bot_basic_id,
            "displayName": self.bot_display_name, "chatMode": chat,
            "markAsReadMode": "manual" if chat == "chat" else "auto"})
