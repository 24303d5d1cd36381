"""The device API for reservations: a desktop publishes free capacity per slot.

* ``PUT /v1/booking/availability``  device token; body ``{"slots": {"<key>": <free>, …}}``
  replaces the device's shop's slots (relay.booking.holds.publish); answers
  ``{"slots": <how many kept>}``. A slot key is ``menu|staff|YYYY-MM-DDTHH:MM`` (staff
  ``-`` for none), or ``*|staff|YYYY-MM-DDTHH:MM`` for one step of one resource (a staff
  member, ``-`` for the shop's seats): the shop's own ids and times, nothing personal.
  Optional in the same body: ``config`` (menus, staff names, step, rules: what the pages
  show, relay.booking.front.parse_config), ``link_key`` (base64, 32 bytes: verifies
  per-friend booking links), ``acked`` and ``closed`` (hold ids the book applied, and
  bookings it cancelled), all in one transaction; ``unwait`` (waiters the owner took off
  a waitlist), before the freed times are given to the waiters.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from relay.booking import front, holds
from relay.booking.front import ConfigError, parse_config
from relay.forms.schema import JST
from relay.responses import error, unauthorized
from relay.schema import devices
from relay.store import Store
from relay.webhook import BodyTooLarge, read_limited

Authenticate = Callable[[Request], Awaitable[str | None]]
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_SLOTS = 50_000
SLOT_KEY = re.compile(
    r"(?:[A-Za-z0-9_-]{1,64}|\*)\|[A-Za-z0-9_-]{1,64}\|\d{4}-\d\d-\d\dT\d\d:\d\d")
HOLD_ID = re.compile(r"[0-9a-f]{32}")
MAX_IDS = 10_000


def booking_routes(store: Store, now_ms: Callable[[], int],
                   authenticate: Authenticate) -> list[Route]:

    def shop_of(device_id: str) -> str | None:
        with store.read_transaction() as conn:
            shop = conn.execute(select(devices.c.shop_id).where(
                devices.c.id == device_id)).scalar()
        return None if shop is None else str(shop)

    async def publish(request: Request) -> Response:
        device_id = await authenticate(request)
        if device_id is None:
            return unauthorized()
        try:
            data = json.loads(await read_limited(request.stream(), MAX_BODY_BYTES))
        except BodyTooLarge:
            return error(413, "body_too_large")
        except (ClientDisconnect, ValueError, RecursionError):
            return error(400, "bad_json")
        slots = data.get("slots") if isinstance(data, dict) else None
        if not isinstance(slots, dict) or len(slots) > MAX_SLOTS or not all(
                isinstance(k, str) and SLOT_KEY.fullmatch(k) and isinstance(v, int)
                and not isinstance(v, bool) and 0 <= v <= 10_000 for k, v in slots.items()):
            return error(400, "bad_slots")
        config = data.get("config")
        if config is not None:
            try:
                parse_config(config)
            except ConfigError:
                return error(400, "bad_config")
        link_key: bytes | None = None
        if data.get("link_key") is not None:
            try:
                link_key = base64.b64decode(str(data["link_key"]), validate=True)
            except (binascii.Error, ValueError):
                link_key = b""
            if len(link_key) != 32:
                return error(400, "bad_link_key")
        ids: dict[str, list[str]] = {}
        for name in ("acked", "closed", "unwait"):
            got = data.get(name, [])
            if not isinstance(got, list) or len(got) > MAX_IDS or not all(
                    isinstance(h, str) and HOLD_ID.fullmatch(h) for h in got):
                return error(400, f"bad_{name}")
            ids[name] = got
        shop = await run_in_threadpool(shop_of, device_id)
        if shop is None:
            return unauthorized()
        if ids["unwait"]:  # taken off a waitlist by the owner: no freed time for them
            await run_in_threadpool(front.unwait, store, shop, ids["unwait"])
        kept = await run_in_threadpool(lambda: holds.publish(
            store, shop, slots, now_ms(),
            config=None if config is None else json.dumps(config, ensure_ascii=False),
            link_mac_key=link_key, acked=ids["acked"], closed=ids["closed"]))
        # Capacity the owner gave back (a cancellation in the book) goes to the waiters.
        when = dt.datetime.fromtimestamp(now_ms() / 1000, JST).replace(tzinfo=None)
        with contextlib.suppress(front.NoDevice):  # none to seal for: they keep waiting
            await run_in_threadpool(front.promote, store, shop, when, now_ms())
        return JSONResponse({"slots": kept})

    return [Route("/v1/booking/availability", publish, methods=["PUT"])]
