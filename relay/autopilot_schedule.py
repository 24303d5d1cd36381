"""The autopilot's scheduled sends: pushes a desktop hands to the relay, sent at their time
while the desktop is off (issue 13; booking reminders, step messages, birthday messages).

Only while the shop's autopilot is on (the relay holds its access token). A device hands
over items ``{key, due_at, to, messages}`` (``PUT /v1/autopilot/scheduled``): ``key`` is
the desktop's own idempotency key, ``due_at`` milliseconds since the epoch (UTC), at most
:data:`HORIZON_MS` (7 days) ahead of the relay's clock, ``to`` the friend's LINE user id and
``messages`` 1 to 5 text messages (placeholders already filled in by the desktop). The user
id and the texts are stored encrypted (AES-256-GCM, a key derived from RELAY_AUTOPILOT_KEY,
which lives in the relay's environment, never in its database; the shop and the key are
associated data): readable only to the running relay, and deleted once the send is settled.
What stays is a non-personal record: key, state, times.

Exactly once. A background loop (:meth:`Schedule.run`) looks for due items every
``interval`` seconds of real time, against an injectable clock (tests move it by hand).
Before pushing, the row is **claimed** (state ``claimed``, committed); the push carries the
row's ``X-Line-Retry-Key``, made when the row was accepted and kept with it. A relay killed
mid-push finds the row claimed after a restart and tries again with the same key: LINE
answers 409 if it had accepted the first try, which counts as sent. A claim older than
:data:`KEY_LIFETIME_MS` (LINE keeps a key about 24 hours) is not tried again: it settles as
``unknown`` (it may have arrived). The retry key is random per row, not derived from the
desktop's key: a desktop key used again (a book made anew) must not meet an old key at LINE.

A booking's reminder may name its hold (relay.booking): when the friend cancelled the
booking on the booking pages while the desktop was closed, the hold is released and the
reminder is dropped at its time, never sent (state ``dropped``).

After each settled send (sent, failed, unknown, dropped) a sealed report item
(:data:`ITEM_MAGIC`) goes to every device of the shop: key, state, when. A 401 (the token
was reissued or revoked) settles nothing: the item goes back to ``queued`` (it was refused,
so never sent), the autopilot's state becomes ``token_invalid`` (``GET /v1/autopilot``),
and nothing more is pushed for the shop; the desktop withdraws its items and sends them
itself. 429, 5xx and timeouts are ridden out: the row stays claimed and is tried again,
with the same key, after a growing pause.

Withdrawing (``POST /v1/autopilot/scheduled/withdraw``): a queued row is deleted; the answer
says, key by key, which were withdrawn (never sent: they are the desktop's again), which
are being sent, and which were settled. A key the relay does not have counts as withdrawn.
When the autopilot is switched off, queued items are deleted by the next pass of the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from relay.autopilot import MIN_KEY_CHARS, Autopilot
from relay.autopilot_schedule_schema import autopilot_scheduled as sched
from relay.booking.holds import RELEASED
from relay.booking.schema import booking_holds
from relay.schema import autopilot
from relay.store import Store

log = logging.getLogger("relay.autopilot.schedule")

#: The first line of the sealed report items (app/autopilot/schedule.py reads them).
ITEM_MAGIC = b"otokui-autopilot-schedule/1\n"
HORIZON_MS = 7 * 24 * 3600 * 1000
#: LINE keeps a retry key about 24 hours; a claim older than this is not tried again.
KEY_LIFETIME_MS = 23 * 3600 * 1000
MAX_ITEMS = 200
MAX_KEYS = 1000
MAX_MESSAGES = 5
MAX_TEXT_CHARS = 5000
MAX_BODY_BYTES = 4 * 1024 * 1024
#: Due items pushed in one pass of the loop (the next pass takes the rest).
BATCH = 100
PAUSE_MS = (5_000, 30_000, 120_000, 600_000, 3_600_000)
LINE_TIMEOUT_SECONDS = 20.0
_KEY = re.compile(r"^[A-Za-z0-9:._-]{1,64}$")
_USER = re.compile(r"^U[0-9a-f]{32}$")
QUEUED, CLAIMED, SENT, FAILED, UNKNOWN = "queued", "claimed", "sent", "failed", "unknown"
#: Not sent: the booking it reminds of was cancelled by the friend on the booking pages.
DROPPED = "dropped"
SETTLED = (SENT, FAILED, UNKNOWN, DROPPED)
_HOLD = re.compile(r"^[0-9a-f]{1,40}$")


class ScheduleError(ValueError):
    """A device's bad request; the message is a fixed, non-personal code."""


class TextBox:
    """The queued items' user id and texts at rest, keyed from RELAY_AUTOPILOT_KEY (another
    HKDF label than the token's); shop and key as associated data, so a row's contents
    cannot be moved to another row."""

    _INFO = b"otokui relay autopilot scheduled texts v1"

    def __init__(self, env_key: bytes) -> None:
        if len(env_key) < MIN_KEY_CHARS:
            raise ValueError("RELAY_AUTOPILOT_KEY is too short")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=self._INFO).derive(env_key)
        self._aead = AESGCM(key)

    @staticmethod
    def _ad(shop_id: str, key: str) -> bytes:
        return f"{shop_id}\n{key}".encode()

    def seal(self, shop_id: str, key: str, payload: dict[str, Any]) -> bytes:
        nonce = secrets.token_bytes(12)
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return nonce + self._aead.encrypt(nonce, data, self._ad(shop_id, key))

    def open(self, shop_id: str, key: str, sealed: bytes) -> dict[str, Any] | None:
        try:
            data = self._aead.decrypt(sealed[:12], sealed[12:], self._ad(shop_id, key))
        except (InvalidTag, ValueError):
            return None
        value = json.loads(data)
        return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Item:
    key: str
    due_at: int
    to: str
    messages: list[dict[str, str]]
    hold: str | None = None


def parse_items(data: object) -> list[Item]:
    """A device's items (format in docs/relay.md, "Scheduled sends"); ScheduleError else."""
    if not isinstance(data, list) or not 0 < len(data) <= MAX_ITEMS:
        raise ScheduleError("bad_items")
    out: list[Item] = []
    seen: set[str] = set()
    for raw in data:
        if not isinstance(raw, dict):
            raise ScheduleError("bad_items")
        key, due, to, messages = (raw.get("key"), raw.get("due_at"), raw.get("to"),
                                  raw.get("messages"))
        if not isinstance(key, str) or not _KEY.match(key) or key in seen:
            raise ScheduleError("bad_key")
        seen.add(key)
        if not isinstance(due, int) or isinstance(due, bool) or not 0 <= due < 2**62:
            raise ScheduleError("bad_due_at")
        if not isinstance(to, str) or not _USER.match(to):
            raise ScheduleError("bad_to")
        if not isinstance(messages, list) or not 0 < len(messages) <= MAX_MESSAGES:
            raise ScheduleError("bad_messages")
        texts: list[dict[str, str]] = []
        for m in messages:
            if not isinstance(m, dict) or m.get("type") != "text" or set(m) != {"type", "text"}:
                raise ScheduleError("bad_messages")
            text = m["text"]
            if not isinstance(text, str) or not 0 < len(text) <= MAX_TEXT_CHARS:
                raise ScheduleError("bad_messages")
            texts.append({"type": "text", "text": text})
        hold = raw.get("hold")
        if hold is not None and (not isinstance(hold, str) or not _HOLD.match(hold)):
            raise ScheduleError("bad_hold")
        out.append(Item(key, due, to, texts, hold))
    return out


def report_item(key: str, state: str, at_ms: int, request_id: str | None = None) -> bytes:
    return ITEM_MAGIC + json.dumps({"key": key, "state": state, "at": at_ms,
                                    "request_id": request_id}).encode("utf-8")


@dataclass
class Outcome:
    state: str  # sent, failed, refused (401: back to queued), again (try later)
    request_id: str | None = None


class Schedule:
    """The scheduled sends of every shop on this relay, and the loop that pushes them."""

    def __init__(self, store: Store, autopilot_: Autopilot, env_key: bytes | None,
                 line_api_base: str, clock: Callable[[], float],
                 interval: float = 1.0) -> None:
        self._store = store
        self._autopilot = autopilot_
        self._box = TextBox(env_key) if env_key else None
        self._base = line_api_base.rstrip("/")
        self._clock = clock
        self.interval = interval
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._notify: Callable[[], None] = lambda: None
        #: Passes of the loop so far (tests wait for it instead of sleeping).
        self.passes = 0

    def now_ms(self) -> int:
        return int(self._clock() * 1000)

    # --- the device API's side ---------------------------------------------------------

    def hand_over(self, shop_id: str, items: list[Item],
                  device_id: str | None = None) -> dict[str, Any]:
        """Store the items (a queued one with the same key is replaced: the desktop's text
        or time changed); the answer says what became of each key."""
        if self._box is None:
            raise ScheduleError("no_autopilot_key")
        now = self.now_ms()
        accepted: list[str] = []
        refused: list[dict[str, str]] = []
        settled: dict[str, str] = {}
        with self._store.write_transaction() as conn:
            state = conn.execute(select(autopilot.c.state).where(
                autopilot.c.shop_id == shop_id)).scalar()
            if state != "on":
                raise ScheduleError("autopilot_off" if state is None else "token_invalid")
            existing = {str(k): str(v) for k, v in conn.execute(
                select(sched.c.key, sched.c.state).where(
                    sched.c.shop_id == shop_id, sched.c.key.in_([i.key for i in items])))}
            for item in items:
                if item.due_at > now + HORIZON_MS:
                    refused.append({"key": item.key, "error": "beyond_horizon"})
                    continue
                sealed = self._box.seal(shop_id, item.key,
                                        {"to": item.to, "messages": item.messages})
                old = existing.get(item.key)
                if old is None:
                    conn.execute(insert(sched).values(
                        shop_id=shop_id, key=item.key, due_at=item.due_at, state=QUEUED,
                        sealed=sealed, retry_key=str(uuid.uuid4()), attempts=0,
                        created_at=now, hold_id=item.hold, device_id=device_id))
                elif old == QUEUED:
                    conn.execute(update(sched).where(
                        sched.c.shop_id == shop_id, sched.c.key == item.key,
                        sched.c.state == QUEUED).values(due_at=item.due_at, sealed=sealed,
                                                        hold_id=item.hold))
                else:
                    settled[item.key] = "sending" if old == CLAIMED else old
                    continue
                accepted.append(item.key)
        self.wake()
        return {"accepted": accepted, "refused": refused, "settled": settled}

    def withdraw(self, shop_id: str, keys: list[str]) -> dict[str, list[str]]:
        """Take items back; withdrawn ones are never sent by the relay."""
        out: dict[str, list[str]] = {"withdrawn": [], "sending": [], SENT: [], FAILED: [],
                                     UNKNOWN: [], DROPPED: []}
        with self._store.write_transaction() as conn:
            states = {str(k): str(v) for k, v in conn.execute(
                select(sched.c.key, sched.c.state).where(
                    sched.c.shop_id == shop_id, sched.c.key.in_(keys)))}
            gone = [k for k in keys if states.get(k) == QUEUED]
            if gone:
                conn.execute(delete(sched).where(sched.c.shop_id == shop_id,
                                                 sched.c.key.in_(gone),
                                                 sched.c.state == QUEUED))
            for k in keys:
                state = states.get(k, QUEUED)
                out["withdrawn" if state == QUEUED else
                    "sending" if state == CLAIMED else state].append(k)
        return out

    def status(self, shop_id: str, device_id: str | None = None) -> dict[str, Any]:
        """Counts; with ``device_id``, also the keys that device handed and that are still
        queued (a desktop withdraws those it no longer has: a deleted sequence, say)."""
        with self._store.read_transaction() as conn:
            counts: dict[str, int] = {str(k): int(v) for k, v in conn.execute(
                select(sched.c.state, func.count()).where(sched.c.shop_id == shop_id)
                .group_by(sched.c.state))}
            next_due = conn.execute(select(func.min(sched.c.due_at)).where(
                sched.c.shop_id == shop_id,
                sched.c.state.in_((QUEUED, CLAIMED)))).scalar()
            state = conn.execute(select(autopilot.c.state).where(
                autopilot.c.shop_id == shop_id)).scalar()
            pending = [] if device_id is None else [str(k) for k in conn.execute(
                select(sched.c.key).where(sched.c.shop_id == shop_id,
                                          sched.c.device_id == device_id,
                                          sched.c.state == QUEUED)).scalars()]
        return {"state": state or "off", "pending_keys": pending,
                "queued": int(counts.get(QUEUED, 0)),
                "sending": int(counts.get(CLAIMED, 0)), "sent": int(counts.get(SENT, 0)),
                "failed": int(counts.get(FAILED, 0)), "unknown": int(counts.get(UNKNOWN, 0)),
                "dropped": int(counts.get(DROPPED, 0)),
                "next_due_at": next_due}

    # --- the loop ----------------------------------------------------------------------

    def start(self, notify: Callable[[], None]) -> None:
        """Start the loop (on the event loop); ``notify`` wakes long-polling devices."""
        self._notify = notify
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self.run(), name="relay-autopilot-schedule")

    def wake(self) -> None:
        """Look for due items now (from any thread): items handed over, or a test that
        moved the clock."""
        loop, event = self._loop, self._wake
        if loop is not None and event is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

    async def run(self) -> None:
        assert self._wake is not None
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("the scheduled sends' pass failed; will try again")
            self.passes += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def run_once(self) -> int:
        """One pass: tidy, then push what is due; how many were sent."""
        from starlette.concurrency import run_in_threadpool

        if self._box is None:
            return 0
        reported = await run_in_threadpool(self._tidy)
        due = await run_in_threadpool(self._due)
        sent = 0
        tokens: dict[str, str | None] = {}
        for shop_id, key in due:
            if shop_id not in tokens:
                tokens[shop_id] = await run_in_threadpool(self._autopilot.token, shop_id)
            token = tokens[shop_id]
            if token is None:
                continue
            todo = await run_in_threadpool(self._claim, shop_id, key)
            if todo is None:
                continue
            retry_key, payload = todo
            outcome = await self._push(token, retry_key, payload)
            done = await run_in_threadpool(self._settle, shop_id, key, outcome)
            reported += done
            if outcome.state == SENT:
                sent += 1
            if outcome.state == "refused":
                await run_in_threadpool(self._autopilot.token_refused, shop_id)
                tokens[shop_id] = None
        if reported:
            self._notify()
        return sent

    def _tidy(self) -> int:
        """Queued items of shops whose autopilot is off are deleted (their texts must not
        stay); claims too old to retry settle as unknown. How many reports were queued."""
        now = self.now_ms()
        reports = 0
        with self._store.write_transaction() as conn:
            on = select(autopilot.c.shop_id)
            conn.execute(delete(sched).where(sched.c.state == QUEUED,
                                             sched.c.shop_id.not_in(on)))
            stale = conn.execute(select(sched.c.shop_id, sched.c.key).where(
                sched.c.state == CLAIMED,
                sched.c.claimed_at < now - KEY_LIFETIME_MS)).all()
            for shop_id, key in stale:
                self._settle_in(conn, shop_id, key, UNKNOWN, None, now)
                reports += 1
        if stale:
            log.warning("%d scheduled send(s) could not be confirmed within the retry key's "
                        "lifetime: not tried again (they may have arrived)", len(stale))
        return reports

    def _due(self) -> list[tuple[str, str]]:
        now = self.now_ms()
        with self._store.read_transaction() as conn:
            rows = conn.execute(select(sched.c.shop_id, sched.c.key).join(
                autopilot, and_(autopilot.c.shop_id == sched.c.shop_id,
                                autopilot.c.state == "on")).where(
                sched.c.state.in_((QUEUED, CLAIMED)), sched.c.due_at <= now,
                or_(sched.c.retry_at.is_(None), sched.c.retry_at <= now))
                .order_by(sched.c.due_at, sched.c.key).limit(BATCH)).all()
        return [(r.shop_id, r.key) for r in rows]

    def _claim(self, shop_id: str, key: str) -> tuple[str, dict[str, Any]] | None:
        """Claim the row (committed before the push); its retry key and contents."""
        assert self._box is not None
        now = self.now_ms()
        with self._store.write_transaction() as conn:
            row = conn.execute(select(sched).where(sched.c.shop_id == shop_id,
                                                   sched.c.key == key)).first()
            if row is None or row.state not in (QUEUED, CLAIMED) or row.sealed is None:
                return None
            payload = self._box.open(shop_id, key, row.sealed)
            if payload is None:
                log.warning("a scheduled send cannot be decrypted with this "
                            "RELAY_AUTOPILOT_KEY: settled as failed")
                self._settle_in(conn, shop_id, key, FAILED, None, now)
                return None
            if row.state == QUEUED and row.hold_id is not None and conn.execute(
                    select(booking_holds.c.state).where(
                        booking_holds.c.shop_id == shop_id,
                        booking_holds.c.hold_id == row.hold_id)).scalar() == RELEASED:
                self._settle_in(conn, shop_id, key, DROPPED, None, now)
                return None
            if row.state == QUEUED:
                conn.execute(update(sched).where(
                    sched.c.shop_id == shop_id, sched.c.key == key).values(
                    state=CLAIMED, claimed_at=now))
            return str(row.retry_key), payload

    async def _push(self, token: str, retry_key: str, payload: dict[str, Any]) -> Outcome:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=LINE_TIMEOUT_SECONDS)
        try:
            answer = await self._client.post(
                f"{self._base}/v2/bot/message/push",
                headers={"Authorization": f"Bearer {token}", "X-Line-Retry-Key": retry_key},
                json={"to": payload["to"], "messages": payload["messages"]})
        except httpx.HTTPError as exc:
            log.info("a scheduled push's outcome is unknown (%s): tried again with its key",
                     type(exc).__name__)
            return Outcome("again")
        status = answer.status_code
        if status == 200:
            return Outcome(SENT, answer.headers.get("x-line-request-id"))
        if status == 409:  # the key was accepted before: a try before a crash got there
            return Outcome(SENT, answer.headers.get("x-line-accepted-request-id"))
        if status == 401:
            log.warning("LINE refused the channel access token (401): scheduled sends wait "
                        "for the desktop to take them back")
            return Outcome("refused")
        if status == 429 or status >= 500:
            log.info("LINE answered %d to a scheduled push: tried again later", status)
            return Outcome("again")
        log.warning("LINE answered %d to a scheduled push: not sent", status)
        return Outcome(FAILED, answer.headers.get("x-line-request-id"))

    def _settle(self, shop_id: str, key: str, outcome: Outcome) -> int:
        now = self.now_ms()
        with self._store.write_transaction() as conn:
            if outcome.state == "refused":
                conn.execute(update(sched).where(
                    sched.c.shop_id == shop_id, sched.c.key == key,
                    sched.c.state == CLAIMED).values(state=QUEUED, claimed_at=None))
                return 0
            if outcome.state == "again":
                attempts = conn.execute(select(sched.c.attempts).where(
                    sched.c.shop_id == shop_id, sched.c.key == key)).scalar() or 0
                pause = PAUSE_MS[min(attempts, len(PAUSE_MS) - 1)]
                conn.execute(update(sched).where(
                    sched.c.shop_id == shop_id, sched.c.key == key).values(
                    attempts=attempts + 1, retry_at=now + pause))
                return 0
            self._settle_in(conn, shop_id, key, outcome.state, outcome.request_id, now)
            return 1

    def _settle_in(self, conn: Connection, shop_id: str, key: str, state: str,
                   request_id: str | None, now: int) -> None:
        """The contents are deleted; the record and the report stay."""
        conn.execute(update(sched).where(sched.c.shop_id == shop_id, sched.c.key == key)
                     .values(state=state, sealed=None, settled_at=now,
                             attempts=sched.c.attempts + 1))
        self._store.queue_items_in(conn, [report_item(key, state, now, request_id)], now,
                                   shop_id)


def schedule_routes(schedule: Schedule, authenticate: Any,
                    shop_of: Callable[[Any], str | None]) -> list[Any]:
    """``PUT|GET /v1/autopilot/scheduled`` and ``POST /v1/autopilot/scheduled/withdraw``."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from relay.responses import error, unauthorized
    from relay.webhook import BodyTooLarge, read_limited

    async def _body(request: Request) -> dict[str, Any] | None:
        try:
            data = json.loads(await read_limited(request.stream(), MAX_BODY_BYTES))
        except (BodyTooLarge, ClientDisconnect, ValueError, RecursionError):
            return None
        return data if isinstance(data, dict) else None

    async def put(request: Request) -> Response:
        shop = shop_of(request)
        device = None if shop is None else await authenticate(request)
        if shop is None or device is None:
            return unauthorized()
        data = await _body(request)
        if data is None:
            return error(400, "bad_json")
        try:
            items = parse_items(data.get("items"))
            answer = await run_in_threadpool(schedule.hand_over, shop, items, device)
        except ScheduleError as exc:
            code = str(exc)
            return error(409 if code in ("autopilot_off", "token_invalid",
                                         "no_autopilot_key") else 400, code)
        return JSONResponse(answer)

    async def withdraw(request: Request) -> Response:
        shop = shop_of(request)
        if shop is None or await authenticate(request) is None:
            return unauthorized()
        data = await _body(request)
        keys = None if data is None else data.get("keys")
        if not isinstance(keys, list) or len(keys) > MAX_KEYS or not all(
                isinstance(k, str) and _KEY.match(k) for k in keys):
            return error(400, "bad_keys")
        return JSONResponse(await run_in_threadpool(schedule.withdraw, shop,
                                                    list(dict.fromkeys(keys))))

    async def get(request: Request) -> Response:
        shop = shop_of(request)
        device = None if shop is None else await authenticate(request)
        if shop is None or device is None:
            return unauthorized()
        return JSONResponse(await run_in_threadpool(schedule.status, shop, device))

    return [Route("/v1/autopilot/scheduled", get, methods=["GET"]),
            Route("/v1/autopilot/scheduled", put, methods=["PUT"]),
            Route("/v1/autopilot/scheduled/withdraw", withdraw, methods=["POST"])]
