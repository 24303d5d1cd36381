"""The relay's autopilot (opt-in): instant replies with LINE's free reply token.

Without it the relay cannot send anything: it has no channel access token. A shop that
switches it on hands the relay (``PUT /v1/autopilot``) its channel access token and its
**instant replies**: a follow greeting, keyword replies and form thank-yous, texts the shop
wrote, with at most ``{name}`` (the friend's LINE display name, fetched from LINE when a
reply uses it). The token is stored encrypted (AES-256-GCM) with a key derived from
``RELAY_AUTOPILOT_KEY``, which lives in the relay's environment and never in its database;
without that variable the relay refuses to switch the autopilot on.

Order on a webhook: the delivery is stored (sealed) first and LINE is answered 200; only
then does :meth:`Autopilot.handle` look for events to answer, so storing never depends on
replying. Exactly once: before calling LINE, the relay commits a claim row keyed by the
event's ``webhookEventId``; a claimed event is never replied to again, even by a relay
killed mid-call and restarted (at most once; a reply token is single-use at LINE anyway,
so a second try could only fail). After the call, a sealed companion item
(``otokui-autopilot/1``) tells every device what was sent, or that the token was used and
the outcome is unknown, so the desktop shows the reply and does not offer the token again.

A 401 from LINE (the token was reissued or revoked) puts the autopilot in the
``token_invalid`` state: the relay keeps storing every event, stops replying, and
``GET /v1/autopilot`` says so.
"""

from __future__ import annotations

import json
import logging
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from relay.group_commit import GroupCommit
from relay.schema import autopilot, autopilot_sends
from relay.store import Store

log = logging.getLogger("relay.autopilot")

#: The first line of the sealed companion items (the desktop tells them apart by it).
ITEM_MAGIC = b"otokui-autopilot/1\n"
MAX_REPLIES = 200
MAX_TEXT_CHARS = 5000  # LINE's limit for one text message
MAX_KEYWORDS = 20
MIN_KEY_CHARS = 16
NAME_PLACEHOLDER = "{name}"
#: How long one call to LINE may take before the reply is given up (the token's window is
#: a minute; a reply later than this is worse than none).
LINE_TIMEOUT_SECONDS = 10.0


class AutopilotError(ValueError):
    """Bad replies or token from a device; the message is a fixed, non-personal code."""


class TokenBox:
    """Encrypts the channel access token at rest with a key from RELAY_AUTOPILOT_KEY;
    the shop id is associated data so a stored token cannot be moved to another shop."""

    _INFO = b"otokui relay autopilot token v1"

    def __init__(self, env_key: bytes) -> None:
        if len(env_key) < MIN_KEY_CHARS:
            raise ValueError("RELAY_AUTOPILOT_KEY is too short")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=self._INFO).derive(env_key)
        self._aead = AESGCM(key)

    def seal(self, shop_id: str, token: str) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, token.encode("utf-8"), shop_id.encode())

    def open(self, shop_id: str, sealed: bytes) -> str | None:
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], shop_id.encode()).decode()
        except (InvalidTag, ValueError):
            return None


def fold(text: str) -> str:
    """Width, case and kana folded, as the desktop's search folds (app/textnorm.py; the
    relay may not import app/, so this is its own copy of the rule): NFKC (full-width
    ASCII and half-width katakana), casefold, katakana → hiragana."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


@dataclass(frozen=True)
class Reply:
    """One instant reply. ``kind``: ``follow``, ``keyword`` or ``form``."""

    id: str
    kind: str
    text: str
    keywords: tuple[str, ...] = ()
    match: str = "any"  # keyword: "any" or "all"
    form_id: str | None = None

    def matches_text(self, text: str) -> bool:
        folded = fold(text)
        hits = [fold(k) in folded for k in self.keywords]
        return all(hits) if self.match == "all" else any(hits)


def parse_replies(data: object) -> list[Reply]:
    """Check a device's replies (see docs/relay.md, "Autopilot")."""
    if not isinstance(data, list) or len(data) > MAX_REPLIES:
        raise AutopilotError("bad_replies")
    out: list[Reply] = []
    for item in data:
        if not isinstance(item, dict):
            raise AutopilotError("bad_replies")
        rid, kind, text = item.get("id"), item.get("kind"), item.get("text")
        if not isinstance(rid, str) or not 0 < len(rid) <= 64:
            raise AutopilotError("bad_reply_id")
        if not isinstance(text, str) or not 0 < len(text) <= MAX_TEXT_CHARS:
            raise AutopilotError("bad_reply_text")
        # Only {name} may be filled in: the relay knows nothing else about a friend.
        if "{" in text.replace(NAME_PLACEHOLDER, ""):
            raise AutopilotError("bad_placeholder")
        if kind == "follow":
            out.append(Reply(rid, kind, text))
        elif kind == "keyword":
            keywords = item.get("keywords")
            match = item.get("match", "any")
            if (not isinstance(keywords, list) or not 0 < len(keywords) <= MAX_KEYWORDS
                    or not all(isinstance(k, str) and k.strip() for k in keywords)):
                raise AutopilotError("bad_keywords")
            if match not in ("any", "all"):
                raise AutopilotError("bad_match")
            out.append(Reply(rid, kind, text, tuple(k.strip() for k in keywords), match))
        elif kind == "form":
            form_id = item.get("form_id")
            if not isinstance(form_id, str) or not 0 < len(form_id) <= 16:
                raise AutopilotError("bad_form_id")
            out.append(Reply(rid, kind, text, form_id=form_id))
        else:
            raise AutopilotError("bad_reply_kind")
    return out


def _replies_json(replies: Sequence[Reply]) -> bytes:
    return json.dumps([{"id": r.id, "kind": r.kind, "text": r.text,
                        "keywords": list(r.keywords), "match": r.match,
                        "form_id": r.form_id} for r in replies],
                      ensure_ascii=False).encode("utf-8")


def choose(replies: Sequence[Reply], event: dict[str, Any]) -> Reply | None:
    """The reply an event gets, if any: the first that matches, in the shop's order."""
    etype = event.get("type")
    for reply in replies:
        if reply.kind == "follow" and etype == "follow":
            return reply
        if reply.kind == "keyword" and etype == "message":
            message = event.get("message")
            if isinstance(message, dict) and message.get("type") == "text" \
                    and isinstance(message.get("text"), str) \
                    and reply.matches_text(message["text"]):
                return reply
    return None


@dataclass(frozen=True)
class Status:
    state: str  # "off", "on", "token_invalid"
    replies: int
    sent: int
    key_configured: bool

    def as_json(self) -> dict[str, object]:
        return {"state": self.state, "replies": self.replies, "sent": self.sent,
                "key_configured": self.key_configured}


class Autopilot:
    """The autopilot's state (per shop, in the relay's database) and its replies."""

    def __init__(self, store: Store, env_key: bytes | None, line_api_base: str,
                 clock: Callable[[], float]) -> None:
        self._store = store
        self._box = TokenBox(env_key) if env_key else None
        self._base = line_api_base.rstrip("/")
        self._clock = clock
        self._client: httpx.AsyncClient | None = None
        #: shop -> (token, replies) while on; dropped on every change.
        self._cache: dict[str, tuple[str, list[Reply]] | None] = {}
        #: Claims and outcomes, many per durable commit (relay/group_commit.py).
        self._writes = GroupCommit(store, "relay-autopilot-writes")

    @property
    def key_configured(self) -> bool:
        return self._box is not None

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    # --- the device API's side ---------------------------------------------------------

    def enable(self, shop_id: str, token: str, replies: list[Reply]) -> None:
        if self._box is None:
            raise AutopilotError("no_autopilot_key")
        if not token or len(token) > 1000 or not token.isascii() or not token.isprintable():
            raise AutopilotError("bad_access_token")
        sealed = self._box.seal(shop_id, token)
        with self._store.write_transaction() as conn:
            conn.execute(delete(autopilot).where(autopilot.c.shop_id == shop_id))
            conn.execute(insert(autopilot).values(
                shop_id=shop_id, token=sealed, replies=_replies_json(replies), state="on",
                updated_at=self._now_ms()))
        self._cache.pop(shop_id, None)

    def set_replies(self, shop_id: str, replies: list[Reply]) -> bool:
        with self._store.write_transaction() as conn:
            done = conn.execute(update(autopilot).where(autopilot.c.shop_id == shop_id).values(
                replies=_replies_json(replies), updated_at=self._now_ms())).rowcount
        self._cache.pop(shop_id, None)
        return bool(done)

    def disable(self, shop_id: str) -> None:
        """Forget the token and the replies (the claims stay: they only hold event ids)."""
        with self._store.write_transaction() as conn:
            conn.execute(delete(autopilot).where(autopilot.c.shop_id == shop_id))
        self._cache.pop(shop_id, None)

    def status(self, shop_id: str) -> Status:
        with self._store.read_transaction() as conn:
            row = conn.execute(select(autopilot.c.state, autopilot.c.replies).where(
                autopilot.c.shop_id == shop_id)).first()
            sent = conn.execute(select(autopilot_sends.c.event_id).where(
                autopilot_sends.c.shop_id == shop_id,
                autopilot_sends.c.state == "sent")).all()
        if row is None:
            return Status("off", 0, len(sent), self.key_configured)
        return Status(row.state, len(json.loads(row.replies)), len(sent), self.key_configured)

    def token(self, shop_id: str) -> str | None:
        """The shop's access token while the autopilot is on (relay.autopilot_schedule)."""
        active = self._active(shop_id)
        return active[0] if active is not None else None

    def token_refused(self, shop_id: str) -> None:
        """LINE answered 401 to a scheduled push: as for a reply, state token_invalid."""
        with self._store.write_transaction() as conn:
            conn.execute(update(autopilot).where(autopilot.c.shop_id == shop_id)
                         .values(state="token_invalid", updated_at=self._now_ms()))
        self._cache.pop(shop_id, None)

    # --- replying ----------------------------------------------------------------------

    def _active(self, shop_id: str) -> tuple[str, list[Reply]] | None:
        if shop_id in self._cache:
            return self._cache[shop_id]
        with self._store.read_transaction() as conn:
            row = conn.execute(select(autopilot).where(autopilot.c.shop_id == shop_id)).first()
        active: tuple[str, list[Reply]] | None = None
        if row is not None and row.state == "on" and self._box is not None:
            token = self._box.open(shop_id, row.token)
            if token is None:
                log.warning("the stored access token cannot be decrypted with this "
                            "RELAY_AUTOPILOT_KEY: not replying")
            else:
                active = (token, parse_replies(json.loads(row.replies)))
        self._cache[shop_id] = active
        return active

    async def _claim(self, shop_id: str, event_id: str) -> bool:
        """Record, durably, that this event's reply is being sent; False if it already was
        (by this relay before a restart, or by another instance)."""
        try:
            await self._writes.run(lambda conn: conn.execute(insert(autopilot_sends).values(
                shop_id=shop_id, event_id=event_id, state="claimed",
                claimed_at=self._now_ms())))
        except IntegrityError:
            return False
        return True

    def _finish_in(self, conn: Connection, shop_id: str, event_id: str, state: str,
                   item: bytes | None, token_invalid: bool) -> None:
        conn.execute(update(autopilot_sends).where(
            autopilot_sends.c.shop_id == shop_id,
            autopilot_sends.c.event_id == event_id).values(state=state))
        if token_invalid:
            conn.execute(update(autopilot).where(autopilot.c.shop_id == shop_id)
                         .values(state="token_invalid", updated_at=self._now_ms()))
        if item is not None:
            self._store.queue_items_in(conn, [item], self._now_ms(), shop_id)

    async def _finish(self, shop_id: str, event_id: str, state: str, item: bytes | None,
                      token_invalid: bool) -> None:
        await self._writes.run(lambda conn: self._finish_in(
            conn, shop_id, event_id, state, item, token_invalid))
        if token_invalid:
            self._cache.pop(shop_id, None)

    def recover(self) -> int:
        """At start: replies claimed by a relay that died before it learnt LINE's answer.
        They are never sent again (the token may have been used); each device is told the
        token is used and the outcome unknown. With several instances on one database, a
        reply still in flight elsewhere may be reported unknown first (the desktop keeps
        the first report)."""
        with self._store.write_transaction() as conn:
            rows = conn.execute(select(autopilot_sends.c.shop_id, autopilot_sends.c.event_id)
                                .where(autopilot_sends.c.state == "claimed")).all()
            for row in rows:
                conn.execute(update(autopilot_sends).where(
                    autopilot_sends.c.shop_id == row.shop_id,
                    autopilot_sends.c.event_id == row.event_id).values(state="unknown"))
                item = ITEM_MAGIC + json.dumps({
                    "webhook_event_id": row.event_id, "reply_token": None, "user_id": None,
                    "reply_id": None, "state": "unknown", "messages": [],
                    "at": self._now_ms()}).encode("utf-8")
                self._store.queue_items_in(conn, [item], self._now_ms(), row.shop_id)
        if rows:
            log.warning("%d autopilot repl(ies) were cut off by a restart: not sent again",
                        len(rows))
        return len(rows)

    async def handle(self, shop_id: str, body: bytes) -> int:
        """Answer the events of a stored delivery that an instant reply matches; returns
        how many replies were sent. Never raises (the delivery is already stored)."""
        from starlette.concurrency import run_in_threadpool

        try:
            active = await run_in_threadpool(self._active, shop_id)
            if active is None:
                return 0
            token, replies = active
            events = json.loads(body).get("events", [])
            sent = 0
            for event in events:
                reply = choose(replies, event)
                reply_token = event.get("replyToken")
                event_id = event.get("webhookEventId")
                if reply is None or not isinstance(reply_token, str) \
                        or not isinstance(event_id, str):
                    continue
                if not await self._claim(shop_id, event_id):
                    continue
                sent += await self._reply(shop_id, token, event, reply, reply_token)
                if self._cache.get(shop_id) is None:
                    break  # the token was refused: stop replying
            return sent
        except Exception:
            log.exception("the autopilot failed on a delivery (it is stored all the same)")
            return 0

    async def _reply(self, shop_id: str, token: str, event: dict[str, Any], reply: Reply,
                     reply_token: str) -> int:
        client = self._http()
        headers = {"Authorization": f"Bearer {token}"}
        text = reply.text
        source = event.get("source")
        user_id = source.get("userId") if isinstance(source, dict) else None
        if NAME_PLACEHOLDER in text:
            name = ""
            if isinstance(user_id, str):
                try:
                    got = await client.get(f"{self._base}/v2/bot/profile/{user_id}",
                                           headers=headers)
                    if got.status_code == 200:
                        name = str(got.json().get("displayName", ""))
                except httpx.HTTPError:
                    pass
            text = text.replace(NAME_PLACEHOLDER, name)
        state, token_invalid = "unknown", False
        try:
            answer = await client.post(
                f"{self._base}/v2/bot/message/reply", headers=headers,
                json={"replyToken": reply_token, "messages": [{"type": "text", "text": text}]})
            if answer.status_code == 200:
                state = "sent"
            elif answer.status_code == 401:
                state, token_invalid = "failed", True
                log.warning("LINE refused the channel access token (401): the autopilot "
                            "stops replying; events are still stored")
            else:
                state = "failed"
                log.warning("LINE answered %d to an autopilot reply", answer.status_code)
        except httpx.HTTPError as exc:
            # The request may or may not have reached LINE: the token counts as used.
            log.warning("an autopilot reply's outcome is unknown (%s)", type(exc).__name__)
        item = ITEM_MAGIC + json.dumps({
            "webhook_event_id": event.get("webhookEventId"), "reply_token": reply_token,
            "user_id": user_id, "reply_id": reply.id, "state": state,
            "messages": [{"type": "text", "text": text}],
            "at": self._now_ms()}, ensure_ascii=False).encode("utf-8")
        await self._finish(shop_id, event["webhookEventId"], state, item, token_invalid)
        return 1 if state == "sent" else 0

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=LINE_TIMEOUT_SECONDS)
        return self._client

    async def close(self) -> None:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(self._writes.stop)
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def autopilot_routes(service_autopilot: Autopilot, authenticate: Any,
                     shop_of: Callable[[Any], str | None]) -> list[Any]:
    """``GET|PUT|DELETE /v1/autopilot`` and ``PUT /v1/autopilot/replies`` (device API)."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from relay.responses import error, ok, unauthorized

    async def _body(request: Request) -> dict[str, Any] | None:
        try:
            data = json.loads(await request.body())
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    async def put(request: Request) -> Response:
        shop = shop_of(request)
        if shop is None or await authenticate(request) is None:
            return unauthorized()
        if not service_autopilot.key_configured:
            return error(409, "no_autopilot_key", message="set RELAY_AUTOPILOT_KEY on the "
                         "relay to switch the autopilot on")
        data = await _body(request)
        if data is None:
            return error(400, "bad_json")
        try:
            replies = parse_replies(data.get("replies", []))
            token = data.get("access_token")
            if not isinstance(token, str):
                raise AutopilotError("bad_access_token")
            await run_in_threadpool(service_autopilot.enable, shop, token, replies)
        except AutopilotError as exc:
            return error(400, str(exc))
        return ok()

    async def put_replies(request: Request) -> Response:
        shop = shop_of(request)
        if shop is None or await authenticate(request) is None:
            return unauthorized()
        data = await _body(request)
        if data is None:
            return error(400, "bad_json")
        try:
            replies = parse_replies(data.get("replies"))
        except AutopilotError as exc:
            return error(400, str(exc))
        if not await run_in_threadpool(service_autopilot.set_replies, shop, replies):
            return error(409, "autopilot_off")
        return ok()

    async def delete_(request: Request) -> Response:
        shop = shop_of(request)
        if shop is None or await authenticate(request) is None:
            return unauthorized()
        await run_in_threadpool(service_autopilot.disable, shop)
        return ok()

    async def get(request: Request) -> Response:
        shop = shop_of(request)
        if shop is None or await authenticate(request) is None:
            return unauthorized()
        status = await run_in_threadpool(service_autopilot.status, shop)
        return JSONResponse(status.as_json())

    return [Route("/v1/autopilot", get, methods=["GET"]),
            Route("/v1/autopilot", put, methods=["PUT"]),
            Route("/v1/autopilot", delete_, methods=["DELETE"]),
            Route("/v1/autopilot/replies", put_replies, methods=["PUT"])]
