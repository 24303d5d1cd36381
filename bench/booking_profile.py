"""Where a booking page's time goes, per request, in one process (no network, no load).

Run from the repository root::

    .venv/bin/python -m bench.booking_profile            # 200 requests per figure

The relay's SQLite store holds ``bench.reservations``' salon published for 60 days, as
``bench.booking_pages`` does. Each step the days page (指名なし, the heaviest) does is
timed on its own, the same calls the handler makes (relay/booking/pages.py):

* ``config``: the published menus and link key read and parsed (``front.published``);
* ``link``: the per-friend token checked (HMAC);
* ``generation``: the aggregate query telling whether the free index must be rebuilt;
* ``index``: the free index rebuilt (only after a publish, hold or release);
* ``scan``: the horizon walked for days with free times and the first day's times;
* ``render``: the Jinja2 template;
* ``csrf``: a post token issued (the confirm page's; the days page has none);
* ``whole``: the whole request through the ASGI app in-process (httpx ASGITransport).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.booking.availability import resource_steps
from app.booking.service import BOOKING_LINK_ID, public_config, step_key
from app.booking.setup import parse_setup
from bench.reservations import salon

DEFAULT_SHOP = "default"


def _median_ms(fn: Callable[[], Any], n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def profile(n: int = 200) -> dict[str, float]:
    import json

    import httpx

    from relay.app import RelayService, create_app
    from relay.booking import front, holds
    from relay.booking.pages import DAYS_SHOWN, LINK_ID, render
    from relay.config import Settings
    from relay.forms import links
    from relay.forms.page_guard import PageLimits, PostTokens, Rate
    from relay.schema import DEFAULT_SHOP as SHOP
    from relay.store import Store

    setup = parse_setup({**salon(), "book_ahead_days": 60, "min_notice_minutes": 60})
    today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=9)).date()
    slots = {step_key(s, w): f for (s, w), f in
             resource_steps(setup, [], today, setup.book_ahead_days + 2).items()}
    secret = os.urandom(32)
    mac = links.keys_for(secret, BOOKING_LINK_ID)[0]
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'relay.db'}"
        store = Store.open(url)
        holds.publish(store, SHOP, slots, int(time.time() * 1000),
                      config=json.dumps(public_config(setup), ensure_ascii=False),
                      link_mac_key=mac)
        token = links.make_token(secret, BOOKING_LINK_ID, "U" + "a" * 32,
                                 int(time.time()) + 86400)
        pub = front.published(store, SHOP)
        assert pub is not None
        config, menu = pub.config, pub.config.menu("m5")
        assert menu is not None
        out["config"] = _median_ms(lambda: front.published(store, SHOP), n)
        out["link"] = _median_ms(
            lambda: links.verify_token(token, LINK_ID, mac, int(time.time())), n)
        out["generation"] = _median_ms(lambda: front.generation(store, SHOP), n)
        index = front.FreeIndex(front.free_keys(store, SHOP), config.step)
        out["index"] = _median_ms(
            lambda: front.FreeIndex(front.free_keys(store, SHOP), config.step), max(5, n // 20))
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=9)

        def scan() -> tuple[list[tuple[dt.date, int]], list[dt.datetime]]:
            found: list[tuple[dt.date, int]] = []
            for offset in range(config.book_ahead_days + 1):
                d = now.date() + dt.timedelta(days=offset)
                k = len(front.free_starts(config, index, menu, None, d, now))
                if k:
                    found.append((d, k))
                if len(found) >= DAYS_SHOWN:
                    break
            times = [t for t, _ in front.free_starts(config, index, menu, None, found[0][0],
                                                     now)]
            return found, times

        out["scan"] = _median_ms(scan, n)
        found, times = scan()
        base = f"/b/{token}"
        out["render"] = _median_ms(lambda: render(
            "days", base=base, menu=menu, days=found, day=found[0][0], times=times,
            here=f"{base}/m/m5/any", staff_name="指名なし"), n)
        tokens = PostTokens(b"0" * 32)
        out["csrf"] = _median_ms(lambda: tokens.issue(LINK_ID, base + "/m/m5/any/x",
                                                      int(time.time())), n)
        store.close() if hasattr(store, "close") else None

        settings = Settings(channel_secret=b"0" * 32, database_url=url)
        service = RelayService(settings, Store.open(url))
        many = Rate(1e9, 1e9)
        import dataclasses
        service.pages = dataclasses.replace(service.pages, limits=PageLimits(many, many, many))
        app = create_app(service)

        async def whole() -> float:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                assert (await http.get(f"{base}/m/m5/any")).status_code == 200  # warm
                ts = []
                for _ in range(n):
                    t = time.perf_counter()
                    r = await http.get(f"{base}/m/m5/any")
                    ts.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200
                return statistics.median(ts)

        out["whole"] = asyncio.run(whole())
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    n = ap.parse_args(argv).requests
    got = profile(n)
    print(f"load average {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores); "
          f"median per request, {n} requests:")
    for k in ("config", "link", "generation", "index", "scan", "render", "csrf", "whole"):
        print(f"  {k:<10} {got[k]:8.3f} ms")
    parts = sum(got[k] for k in ("config", "link", "generation", "render"))
    print(f"  a days page's own parts without the scan (cached by the page per index, menu, "
          f"staff, day and first bookable step): {parts:.2f} ms; whole request "
          f"{got['whole']:.2f} ms (the rest: Starlette, thread-pool hops)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
