"""The demo's inflow routes (流入経路): カウンターQR, Instagram and チラシ, with arrivals.

The routes are created and published to the demo relay like an owner would
(:class:`~app.routes.service.RouteService`). Then a few phones "scan" them through the
relay's real page (``GET /r/{slug}``): the demo relay has no LIFF, so these arrivals are
anonymous (counted, nobody known), sealed by the relay and brought by the sync. The
friends known to have come by a route are the demo's history: arrival items as the LIFF
page seals them, applied to the book directly over the past two months (the demo has no
LINE Login to verify an ID token with). The routes add no tags (the demo's tag tree and
segments stay the salon's) and no customer is added: only the demo's existing friends
arrive.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from typing import TYPE_CHECKING, Final

import httpx

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.demo")

#: No tags: the demo's tag tree is the salon's own (tests/sync/test_demo.py checks it).
ROUTES: Final[tuple[tuple[str, list[str]], ...]] = (
    ("カウンターQR", []), ("Instagram", []), ("チラシ", []))
#: Where the demo's route pages send friends (nothing fetches it in the demo).
ADD_FRIEND_URL: Final = "https://line.me/R/ti/p/%40otokui-demo"
#: Anonymous scans through the relay's page, per route (the demo relay has no LIFF).
SCANS: Final = (4, 2, 1)
#: Share of the demo's friends known to have come by a route.
KNOWN_SHARE: Final = 0.4


def set_up_routes(book: Book, friends: list[str], rng: random.Random) -> int:
    """Create and publish the routes, scan them, file the known arrivals; how many
    arrivals were filed directly (the scans come with the sync)."""
    from app.routes.arrivals import apply, arrival_plaintext
    from app.routes.service import RouteService

    service = RouteService(book)
    made = [service.add(name, list(tags)) for name, tags in ROUTES]
    service.publish(ADD_FRIEND_URL)
    with httpx.Client(timeout=10.0) as http:
        for info, scans in zip(made, SCANS, strict=True):
            url = service.url(info.id)
            for _ in range(scans):
                http.get(url)  # 303 to the add-friend page, not followed
    now = dt.datetime.now(dt.UTC)
    filed = 0
    for uid in friends:
        if rng.random() >= KNOWN_SHARE:
            continue
        route = rng.choices(made, weights=(5, 3, 2))[0]
        at = now - dt.timedelta(days=rng.uniform(0, 60))
        item = arrival_plaintext(f"{rng.getrandbits(128):032x}", route.slug,
                                 int(at.timestamp() * 1000), uid)
        if apply(book, item) == "arrived":
            filed += 1
    log.info("demo routes: %d known arrivals, %d scans", filed, sum(SCANS))
    return filed
