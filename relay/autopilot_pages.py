"""The autopilot's instant page messages: the public pages' LINE messages, sent by the relay
the moment it accepts an answer, a payment or a booking.

Without the autopilot (relay.autopilot) the relay cannot send anything, and a form's
thank-you, an order's confirmation or a booking's confirmation waits for the desktop's next
sync. With it on, the desktop also publishes here (``PUT /v1/autopilot/pages``) what the
relay needs to learn **who** to send to: the ``friend_key`` of each of its per-friend link
pages (relay.forms.links: the key that opens the LINE user id inside a link's token). They
are stored sealed (AES-256-GCM, shop id as associated data) with a key derived from
``RELAY_AUTOPILOT_KEY``, like the channel access token; never readable in the database. A
LIFF page needs nothing: the relay verified the friend's ID token.

The texts are the shop's (non-personal): a form's ``line_thank_you`` (already in its
published definition), the order confirmation (made from the published products), the
booking confirmation template (published with the availability). A text is sent instantly
only if the relay can write exactly what the desktop would: its only placeholders are the
LINE display name (``{表示名}``, ``{LINE名}``, ``{display_name}``, fetched from LINE at send
time) and, for a booking, ``{日時}``, ``{メニュー}``, ``{担当}``. A text with the book's own
placeholders (``{名前}``: the name the shop typed) is left to the desktop, as without the
autopilot.

Exactly once, in this order:

1. :meth:`InstantPages.plan` (before the answer is stored): the autopilot is on, the
   recipient is known, the text can be written. The answer / order / booking item is then
   sealed with ``"instant": true``: the desktop will not send it itself, it waits for …
2. the **claim** row (``relay_autopilot_page_sends``, keyed by ``form:<answer id>`` …),
   written by :meth:`InstantPages.claim_in` in the very transaction that stores the item:
   the claim exists if and only if the item does. It holds the recipient and text sealed
   with the environment key until the outcome is known.
3. :meth:`InstantPages.push`: ``POST /v2/bot/message/push`` with ``X-Line-Retry-Key``
   derived from the claim's key (a UUID), retried with the same key on a timeout or 5xx;
   409 (LINE took that key already) counts as sent. A relay killed mid-push finds the
   claim at start (:meth:`InstantPages.recover`) and pushes again with the same key: LINE
   answers 409 if the first one arrived. Never twice.
4. The outcome: the claim becomes ``sent`` or ``failed``, its sealed recipient and text are
   deleted, and a companion item (``otokui-instant/1``) is sealed to every device::

       {"key": "form:<answer id>", "state": "sent" | "failed", "text": "<sent text>" | null,
        "at": <ms>}

   ``sent``: the desktop puts the message in the friend's timeline and sends nothing.
   ``failed`` (token refused, autopilot switched off meanwhile, LINE down after retries):
   the desktop sends it as it does without the autopilot.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Connection, delete, insert, select, update

from relay.autopilot import TokenBox
from relay.autopilot_pages_schema import autopilot_page_sends, autopilot_pages
from relay.forms import links
from relay.schema import autopilot
from relay.store import Store

log = logging.getLogger("relay.autopilot")

ITEM_MAGIC = b"otokui-instant/1\n"
MAX_PAGES = 500
FRIEND_KEY_BYTES = 64
#: The display-name placeholders the relay fills from the friend's LINE profile.
DISPLAY_NAMES = frozenset({"表示名", "LINE名", "display_name"})
_PLACEHOLDER = re.compile(r"[{｛]([^{}｛｝\r\n]{1,80})[}｝]")
_DISPLAY = "\x00display\x00"  # where the display name goes, in a pending text
LINE_TIMEOUT_SECONDS = 5.0
#: The texts a device may publish (the others are in what the relay has already).
TEXT_NAMES = frozenset({"booking_confirmation"})
MAX_TEXT_CHARS = 5000
TRIES = 3


class PagesBox(TokenBox):
    """The friend keys and pending pushes, sealed with RELAY_AUTOPILOT_KEY (another
    derived key than the token's)."""

    _INFO = b"otokui relay autopilot pages v1"


def retry_key(shop_id: str, send_key: str) -> str:
    """The push's ``X-Line-Retry-Key``: the same for every try of one message, on every
    relay instance and after any restart."""
    digest = hashlib.sha256(b"otokui instant retry v1\0" + shop_id.encode() + b"\0"
                            + send_key.encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def writable(template: str, values: Mapping[str, str] | None = None) -> str | None:
    """The text with ``values`` filled in and display names marked, or None when it has a
    placeholder only the desktop can fill."""
    if not template.strip():
        return None
    given = dict(values or {})
    unknown = False

    def fill(m: re.Match[str]) -> str:
        nonlocal unknown
        name = unicodedata.normalize("NFKC", m.group(1)).strip()
        if name in given:
            return given[name]
        if name in DISPLAY_NAMES:
            return _DISPLAY
        unknown = True
        return m.group(0)

    text = _PLACEHOLDER.sub(fill, template)
    return None if unknown else text


@dataclass(frozen=True)
class Plan:
    """A message the relay will send once the item it is about is stored."""

    shop_id: str
    send_key: str
    user_id: str
    text: str


class InstantPages:
    def __init__(self, store: Store, env_key: bytes | None, line_api_base: str,
                 clock: Callable[[], float]) -> None:
        self._store = store
        self._box = PagesBox(env_key) if env_key else None
        self._token_box = TokenBox(env_key) if env_key else None
        self._base = line_api_base.rstrip("/")
        self._clock = clock

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    # --- the device API's side ----------------------------------------------------------
    def publish(self, shop_id: str, pages: Mapping[str, bytes],
                texts: Mapping[str, str] | None = None) -> None:
        """Keep the friend keys of the shop's link pages and the texts the relay does not
        have otherwise (the booking confirmation), replacing the last ones."""
        if self._box is None:
            raise ValueError("no_autopilot_key")
        sealed = self._box.seal(shop_id, json.dumps(
            {"pages": {p: base64.b64encode(k).decode("ascii") for p, k in pages.items()},
             "texts": dict(texts or {})}, ensure_ascii=False))
        with self._store.write_transaction() as conn:
            conn.execute(delete(autopilot_pages).where(autopilot_pages.c.shop_id == shop_id))
            conn.execute(insert(autopilot_pages).values(shop_id=shop_id, sealed=sealed,
                                                        updated_at=self._now_ms()))

    def forget(self, shop_id: str) -> None:
        with self._store.write_transaction() as conn:
            conn.execute(delete(autopilot_pages).where(autopilot_pages.c.shop_id == shop_id))

    # --- planning -----------------------------------------------------------------------
    def _token(self, conn: Connection, shop_id: str) -> str | None:
        """The channel access token while the shop's autopilot is on."""
        row = conn.execute(select(autopilot.c.token, autopilot.c.state).where(
            autopilot.c.shop_id == shop_id)).first()
        if row is None or row.state != "on" or self._token_box is None:
            return None
        return self._token_box.open(shop_id, bytes(row.token))

    def _published(self, conn: Connection, shop_id: str) -> dict[str, Any]:
        if self._box is None:
            return {}
        row = conn.execute(select(autopilot_pages.c.sealed).where(
            autopilot_pages.c.shop_id == shop_id)).first()
        opened = self._box.open(shop_id, bytes(row.sealed)) if row is not None else None
        data = json.loads(opened) if opened is not None else None
        return data if isinstance(data, dict) else {}

    def _friend_key(self, conn: Connection, shop_id: str, page_id: str) -> bytes | None:
        key = self._published(conn, shop_id).get("pages", {}).get(page_id)
        return base64.b64decode(key) if isinstance(key, str) else None

    def published_text(self, shop_id: str, name: str) -> str | None:
        """A text the desktop published (``booking_confirmation``), while the autopilot
        is on. Blocking."""
        with self._store.read_transaction() as conn:
            if self._token(conn, shop_id) is None:
                return None
            text = self._published(conn, shop_id).get("texts", {}).get(name)
        return text if isinstance(text, str) and text.strip() else None

    def plan(self, shop_id: str, send_key: str, template: str, *, page_id: str,
             token: str | None = None, user_id: str | None = None,
             values: Mapping[str, str] | None = None) -> Plan | None:
        """What the relay will send for this page's accepted post, or None (autopilot off,
        friend unknown, no text, or a text only the desktop can write). Blocking."""
        text = writable(template, values)
        if text is None or (token is None and user_id is None):
            return None
        with self._store.read_transaction() as conn:
            if self._token(conn, shop_id) is None:
                return None
            if user_id is None:
                friend_key = self._friend_key(conn, shop_id, page_id)
                if friend_key is None or token is None:
                    return None
                try:
                    user_id = links.friend_with_key(token, page_id, friend_key)
                except links.LinkError:
                    return None
        return Plan(shop_id, send_key, user_id, text)

    def claim_in(self, conn: Connection, plan: Plan) -> None:
        """The claim, in the transaction that stores the item it is about."""
        assert self._box is not None
        pending = self._box.seal(plan.shop_id, json.dumps(
            {"to": plan.user_id, "text": plan.text}, ensure_ascii=False))
        conn.execute(insert(autopilot_page_sends).values(
            shop_id=plan.shop_id, send_key=plan.send_key, state="claimed", pending=pending,
            claimed_at=self._now_ms()))

    # --- sending ------------------------------------------------------------------------
    def push(self, shop_id: str, send_key: str) -> str:
        """Send a claimed message; its outcome (``sent``, ``failed``; ``gone`` if it was
        not claimed or is done). Blocking (a worker thread)."""
        with self._store.read_transaction() as conn:
            row = conn.execute(select(autopilot_page_sends.c.pending).where(
                autopilot_page_sends.c.shop_id == shop_id,
                autopilot_page_sends.c.send_key == send_key,
                autopilot_page_sends.c.state == "claimed")).first()
            token = self._token(conn, shop_id)
        if row is None or row.pending is None or self._box is None:
            return "gone"
        opened = self._box.open(shop_id, bytes(row.pending))
        pending = json.loads(opened) if opened is not None else None
        state, sent_text, token_refused = "failed", None, False
        if token is None or pending is None:
            log.info("an instant page message is left to the desktop (autopilot off)")
        else:
            with httpx.Client(timeout=LINE_TIMEOUT_SECONDS) as client:
                text = str(pending["text"])
                if _DISPLAY in text:
                    text = text.replace(_DISPLAY, _display_name(client, self._base, token,
                                                                str(pending["to"])))
                state, token_refused = _push(client, self._base, token, str(pending["to"]),
                                             text, retry_key(shop_id, send_key))
                sent_text = text if state == "sent" else None
        item = ITEM_MAGIC + json.dumps({"key": send_key, "state": state, "text": sent_text,
                                        "at": self._now_ms()},
                                       ensure_ascii=False).encode("utf-8")
        with self._store.write_transaction() as conn:
            conn.execute(update(autopilot_page_sends).where(
                autopilot_page_sends.c.shop_id == shop_id,
                autopilot_page_sends.c.send_key == send_key).values(state=state,
                                                                    pending=None))
            if token_refused:
                conn.execute(update(autopilot).where(autopilot.c.shop_id == shop_id)
                             .values(state="token_invalid", updated_at=self._now_ms()))
            self._store.queue_items_in(conn, [item], self._now_ms(), shop_id)
        return state

    async def push_soon(self, plan: Plan | None) -> None:
        """:meth:`push` from a request, never raising (the item is stored already; a
        message left claimed is pushed again at the next start)."""
        if plan is None:
            return
        from starlette.concurrency import run_in_threadpool

        try:
            await run_in_threadpool(self.push, plan.shop_id, plan.send_key)
        except Exception:
            log.exception("an instant page message failed; it is retried at the next start")

    def recover(self) -> int:
        """At start: messages claimed by a relay that stopped before it knew the outcome;
        each is pushed again with its retry key (LINE answers 409 if it had it)."""
        with self._store.read_transaction() as conn:
            rows = conn.execute(select(autopilot_page_sends.c.shop_id,
                                       autopilot_page_sends.c.send_key).where(
                autopilot_page_sends.c.state == "claimed")).all()
        for row in rows:
            try:
                self.push(row.shop_id, row.send_key)
            except Exception:
                log.exception("an instant page message could not be recovered")
        if rows:
            log.warning("%d instant page message(s) were cut off by a restart: pushed again "
                        "with their retry keys", len(rows))
        return len(rows)


def _display_name(client: httpx.Client, base: str, token: str, user_id: str) -> str:
    try:
        got = client.get(f"{base}/v2/bot/profile/{user_id}",
                         headers={"Authorization": f"Bearer {token}"})
        if got.status_code == 200:
            return str(got.json().get("displayName", ""))
    except (httpx.HTTPError, ValueError):
        pass
    return ""


def _push(client: httpx.Client, base: str, token: str, to: str, text: str,
          key: str) -> tuple[str, bool]:
    """(state, token refused): every try carries the same retry key."""
    for _ in range(TRIES):
        try:
            answer = client.post(f"{base}/v2/bot/message/push", headers={
                "Authorization": f"Bearer {token}", "X-Line-Retry-Key": key},
                json={"to": to, "messages": [{"type": "text", "text": text}]})
        except httpx.HTTPError as exc:
            log.warning("an instant page message: LINE did not answer (%s); trying again "
                        "with the same retry key", type(exc).__name__)
            continue
        if answer.status_code in (200, 409):  # 409: LINE took this retry key already
            return "sent", False
        if answer.status_code >= 500:
            continue
        if answer.status_code == 401:
            log.warning("LINE refused the channel access token (401): the desktop sends "
                        "the page messages")
            return "failed", True
        log.warning("LINE answered %d to an instant page message", answer.status_code)
        return "failed", False
    return "failed", False


def _texts(data: Any) -> dict[str, str]:
    texts = data.get("texts", {}) if isinstance(data, dict) else None
    if not isinstance(texts, dict) or set(texts) - TEXT_NAMES or not all(
            isinstance(v, str) and len(v) <= MAX_TEXT_CHARS for v in texts.values()):
        raise ValueError("bad_texts")
    return dict(texts)


def _friend_keys(data: Any) -> dict[str, bytes]:
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, list) or len(pages) > MAX_PAGES:
        raise ValueError("bad_pages")
    out: dict[str, bytes] = {}
    for page in pages:
        if not isinstance(page, dict) or not links.is_form_id(page.get("page_id", "")):
            raise ValueError("bad_page_id")
        try:
            key = base64.b64decode(str(page.get("friend_key")), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("bad_friend_key") from None
        if len(key) != FRIEND_KEY_BYTES:
            raise ValueError("bad_friend_key")
        out[page["page_id"]] = key
    return out


def instant_routes(pages: InstantPages, authenticate: Any,
                   shop_of: Callable[[Any], str | None]) -> list[Any]:
    """``PUT|DELETE /v1/autopilot/pages`` (device API)."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from relay.responses import error, ok, unauthorized

    async def put(request: Request) -> Response:
        shop = shop_of(request)
        if shop is None or await authenticate(request) is None:
            return unauthorized()
        try:
            data = json.loads(await request.body())
            keys, texts = _friend_keys(data), _texts(data)
        except ValueError as exc:
            return error(400, str(exc) if str(exc).startswith("bad_") else "bad_json")
        try:
            await run_in_threadpool(pages.publish, shop, keys, texts)
        except ValueError:
            return error(409, "no_autopilot_key")
        return ok()

    async def delete_(request: Request) -> Response:
        shop = shop_of(request)
        if shop is None or await authenticate(request) is None:
            return unauthorized()
        await run_in_threadpool(pages.forget, shop)
        return ok()

    return [Route("/v1/autopilot/pages", put, methods=["PUT"]),
            Route("/v1/autopilot/pages", delete_, methods=["DELETE"])]
