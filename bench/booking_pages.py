"""The booking pages: latency with 50 friends at once.

Run from the repository root::

    .venv/bin/python -m bench.booking_pages            # 3 rounds

The relay runs as in production (``relay.app`` on uvicorn, SQLite in WAL) in its own
process (bench.forms' server, with its bare page), one device paired, and the availability
of ``bench.reservations``' salon (5 staff, 10 menus, 15-minute step, 60 days ahead)
published per resource and step as ``booking publish`` sends it.

* ``days``: 50 friends load the heaviest page at once, again and again: a menu's days and
  times with 指名なし (every day of the horizon checked for a free window with any of
  the 5 staff, the first day's times listed); p50/p95 per request.
* ``menus``: the first page (the menu list).
* ``bare``: a bare page on the same app, same run (the stack's own floor).

Target (issue 14): booking page p95 ≤ 100 ms with 50 friends at once.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from app.booking.availability import resource_steps  # noqa: E402
from app.booking.service import BOOKING_LINK_ID, public_config, step_key  # noqa: E402
from app.booking.setup import parse_setup  # noqa: E402
from bench.forms import _load, _load_raw, _p, _serve  # noqa: E402
from bench.reservations import salon  # noqa: E402
from relay.forms import links  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--friends", type=int, default=50)
    parser.add_argument("--loads", type=int, default=10, help="page loads per friend a round")
    parser.add_argument("--httpx", action="store_true",
                        help="load the pages with httpx (as before) instead of the raw client")
    args = parser.parse_args()
    run(args.rounds, args.friends, args.loads, args.httpx)


def run(rounds: int = 3, friends: int = 50, loads: int = 10, use_httpx: bool = False) -> None:
    """Print the pages' p50/p95 at ``friends`` at once, and the bare page's, same run.

    The friends are a minimal keep-alive HTTP/1.1 client (bench.forms' ``_load_raw``):
    httpx costs this process more CPU per request than the relay spends on the page, so on
    2 shared cores its figures measured the load generator (``--httpx`` to compare)."""
    args = argparse.Namespace(rounds=rounds, friends=friends, loads=loads)
    load = _load if use_httpx else _load_raw
    setup = parse_setup({**salon(), "book_ahead_days": 60, "min_notice_minutes": 60})
    today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=9)).date()
    slots = {step_key(s, w): f for (s, w), f in
             resource_steps(setup, [], today, setup.book_ahead_days + 2).items()}
    secret = os.urandom(32)
    import base64

    mac = base64.b64encode(links.keys_for(secret, BOOKING_LINK_ID)[0]).decode()
    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(str(Path(tmp) / "relay.db"), child),
                           daemon=True)
        proc.start()
        base, code = parent.recv()
        try:
            http = httpx.Client(base_url=base, timeout=30)
            while True:
                try:
                    http.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

            from relay.sealing import encode_public_key
            key = X25519PrivateKey.generate()
            dev = http.post("/v1/devices", json={"pairing_code": code, "name": "bench",
                                                 "public_key": encode_public_key(
                                                     key.public_key())}).json()
            auth = {"Authorization": f"Bearer {dev['token']}"}
            put = http.put("/v1/booking/availability", headers=auth, json={
                "slots": slots, "config": public_config(setup), "link_key": mac})
            assert put.status_code == 200, put.text
            token = links.make_token(secret, BOOKING_LINK_ID, "U" + "a" * 32,
                                     int(time.time()) + 86400)
            days_path, menus_path = f"/b/{token}/m/m5/any", f"/b/{token}"
            assert "空き時間" in http.get(days_path).text
            days, menus, bares = [], [], []
            load_before = os.getloadavg()[0]
            for _ in range(args.rounds):
                bares.append(asyncio.run(load(base, "/bench/bare", args.friends, args.loads)))
                days.append(asyncio.run(load(base, days_path, args.friends, args.loads)))
                menus.append(asyncio.run(load(base, menus_path, args.friends, args.loads)))
        finally:
            proc.terminate()
            proc.join(30)

    def p(runs: list[list[float]], q: float) -> float:
        return statistics.median(_p(t, q) for t in runs)

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          f"(before: {load_before:.1f}); {len(slots)} steps published; load generator: "
          f"{'httpx' if use_httpx else 'raw keep-alive client'}")
    print(f"days  (指名なし, {args.friends} at once): p50 {p(days, 0.5):.1f} ms, "
          f"p95 {p(days, 0.95):.1f} ms (target ≤ 100)")
    print(f"menus ({args.friends} at once): p50 {p(menus, 0.5):.1f} ms, "
          f"p95 {p(menus, 0.95):.1f} ms")
    print(f"bare  ({args.friends} at once): p50 {p(bares, 0.5):.1f} ms, "
          f"p95 {p(bares, 0.95):.1f} ms; days/bare p95 {p(days, 0.95) / p(bares, 0.95):.2f}")


if __name__ == "__main__":
    main()
