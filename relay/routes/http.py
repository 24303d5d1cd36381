"""The device API for inflow routes: a desktop publishes its routes.

* ``PUT /v1/routes``  device token; body ``{"add_friend_url": "https://…", "routes":
  ["<slug>", …]}`` replaces the device's shop's routes; answers ``{"routes": <count>}``.
  A slug is 8-32 of ``A-Z a-z 0-9 _ -`` (random, chosen by the desktop): nothing personal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from relay.responses import error, unauthorized
from relay.routes import store as route_store
from relay.store import Store
from relay.webhook import BodyTooLarge, read_limited

Authenticate = Callable[[Request], Awaitable[str | None]]
MAX_BODY_BYTES = 256 * 1024
MAX_ROUTES = 1000
SLUG = re.compile(r"[A-Za-z0-9_-]{8,32}")
MAX_URL = 500


def is_slug(text: object) -> bool:
    return isinstance(text, str) and SLUG.fullmatch(text) is not None


def good_add_friend_url(url: object) -> bool:
    """An https address without spaces or control characters (the page redirects there)."""
    return (isinstance(url, str) and url.startswith("https://") and len(url) <= MAX_URL
            and url.isascii() and not any(c.isspace() or ord(c) < 32 or ord(c) == 127
                                          for c in url))


def route_api(store: Store, now_ms: Callable[[], int],
              authenticate: Authenticate) -> list[Route]:

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
        if not isinstance(data, dict) or set(data) - {"add_friend_url", "routes"}:
            return error(400, "bad_json")
        slugs = data.get("routes")
        if not isinstance(slugs, list) or len(slugs) > MAX_ROUTES \
                or not all(is_slug(s) for s in slugs) or len(set(slugs)) != len(slugs):
            return error(400, "bad_routes")
        if not good_add_friend_url(data.get("add_friend_url")):
            return error(400, "bad_add_friend_url")
        shop = await run_in_threadpool(route_store.shop_of, store, device_id)
        if shop is None:
            return unauthorized()
        try:
            kept = await run_in_threadpool(route_store.publish, store, shop, slugs,
                                           data["add_friend_url"], now_ms())
        except route_store.SlugTaken:
            return error(409, "route_taken")
        return JSONResponse({"routes": kept})

    return [Route("/v1/routes", publish, methods=["PUT"])]
