"""The relay's webhook path: throughput and latency against a bare endpoint, same run.

Run from the repository root::

    .venv/bin/python -m bench.relay                      # 5000 webhooks a phase, 5 rounds
    .venv/bin/python -m bench.relay --requests 3000 --rounds 1 --devices 2

What is measured:

* The relay runs as it does in production (``relay.server.build_server``: Starlette on
  uvicorn, SQLite in WAL with ``synchronous=FULL``, the group-commit writer), in its own
  process on 127.0.0.1, with a temporary database and ``--devices`` paired devices.
* A load generator in another process sends signed LINE webhooks, one realistic text
  message event each with a unique ``webhookEventId``, over ``--concurrency`` keep-alive
  connections, as fast as the answers come back (closed loop). Its HTTP client is a few
  lines of asyncio on raw sockets, so the client costs as little as possible of the 2 cores.
* ``relay``: ``POST /line/webhook``: verify the signature, parse, seal for every device,
  store durably, answer 200 (and only then).
* ``bare``: the baseline, ``POST /bench/bare`` added to the *same* app in the same server
  process: it reads the same bodies and answers 200, nothing else. It is the ceiling of the
  server stack (uvicorn + Starlette) on this machine.

Latency is per request, from the first byte sent to the last byte of the answer. The rounds
are interleaved (bare, relay, bare, relay, ...) so load from elsewhere on the machine hits
both alike; each figure is the median over the rounds, and the ratio is the median of each
round's relay/bare ratio. ``server CPU`` is the relay
process's user + system time per request, and ``per CPU-s`` its inverse: the requests one
fully available core would serve (steadier than wall-clock figures on a shared, loaded
machine). After the run every webhook sent to the relay must be in its queue.

Targets: at least 1,500 events/s, p99 within 50 ms, and at least 40% of the bare
endpoint's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import multiprocessing as mp
import os
import platform
import secrets
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder would come first on sys.path and shadow the `relay`
# package with this very module; make sure the repository's package is the one imported.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET_EVENTS_PER_S = 1500
TARGET_P99_MS = 50.0
TARGET_RATIO = 0.40
SECRET = secrets.token_hex(16).encode()
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TEXTS = ["明日の15時に2名で予約できますか？", "営業時間を教えてください。",
          "先日はありがとうございました！また伺います。", "駐車場はありますか",
          "Is there a vegetarian menu?", "キャンセルをお願いします。予約番号は",
          "テイクアウトの注文をしたいです🍱"]


# --- the relay process -------------------------------------------------------------------

def _serve(db_url: str, secret: bytes, conn: Any) -> None:
    import logging

    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from relay.app import RelayService
    from relay.config import Settings
    from relay.server import build_server
    from relay.store import Store

    logging.basicConfig(level=logging.WARNING)
    service = RelayService(Settings(channel_secret=secret, database_url=db_url),
                           Store.open(db_url))
    # IPPROTO_TCP spelled out, as uvicorn's own sockets have it: asyncio turns Nagle off
    # (TCP_NODELAY) on accepted connections only then; otherwise each answer waits ~40 ms.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = build_server(service, "127.0.0.1", sock.getsockname()[1], log_level="warning")

    async def bare(request: Request) -> Response:
        await request.body()
        return Response(b"{}", media_type="application/json")

    server.config.app.router.routes.insert(0, Route("/bench/bare", bare, methods=["POST"]))
    conn.send(sock.getsockname()[1])
    server.run(sockets=[sock])


# --- the load generator process ----------------------------------------------------------

def _ulid() -> str:
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def _webhook(destination: str) -> bytes:
    event = {
        "type": "message",
        "message": {"type": "text", "id": str(secrets.randbelow(10**18)),
                    "quoteToken": secrets.token_urlsafe(60),
                    "markAsReadToken": secrets.token_urlsafe(45),
                    "text": secrets.choice(_TEXTS)},
        "webhookEventId": _ulid(),
        "deliveryContext": {"isRedelivery": False},
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": "U" + secrets.token_hex(16)},
        "replyToken": secrets.token_hex(16),
        "mode": "active",
    }
    return json.dumps({"destination": destination, "events": [event]},
                      ensure_ascii=False).encode()


def _request(path: str, body: bytes, secret: bytes) -> bytes:
    signature = base64.b64encode(hmac.digest(secret, body, hashlib.sha256))
    return (b"POST " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nUser-Agent: LineBotWebhook/2.0\r\n"
            b"x-line-signature: " + signature + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


async def _drive(port: int, requests: list[bytes], concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    index = iter(range(len(requests)))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for i in index:
                started = time.perf_counter()
                writer.write(requests[i])
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                status = int(head[9:12])
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": latencies, "statuses": statuses}


def _load(port: int, path: str, count: int, concurrency: int, secret: bytes,
          conn: Any) -> None:
    destination = "U" + secrets.token_hex(16)
    requests = [_request(path, _webhook(destination), secret) for _ in range(count)]
    conn.send(asyncio.run(_drive(port, requests, concurrency)))


# --- the run -----------------------------------------------------------------------------

def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _phase(ctx: Any, server_pid: int, port: int, path: str, count: int,
           concurrency: int) -> dict[str, Any]:
    parent, child = ctx.Pipe()
    cpu_before = _cpu_seconds(server_pid)
    proc = ctx.Process(target=_load, args=(port, path, count, concurrency, SECRET, child))
    proc.start()
    result = parent.recv()
    proc.join()
    result["server_cpu"] = _cpu_seconds(server_pid) - cpu_before
    lat = sorted(result.pop("latencies"))
    result.update(
        count=len(lat), rate=len(lat) / result["elapsed"],
        p50=lat[len(lat) // 2] * 1000, p99=lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
        cpu_us=result["server_cpu"] / max(1, len(lat)) * 1e6)
    return result


def _pair(base: str, db_url: str, devices: int) -> list[Any]:
    import httpx
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from relay.sealing import encode_public_key
    from relay.store import Store

    paired = []
    for n in range(devices):
        store = Store.open(db_url)
        code = store.create_pairing_code(int(time.time() * 1000))
        store.close()
        key = X25519PrivateKey.generate()
        response = httpx.post(f"{base}/v1/devices", json={
            "pairing_code": code, "name": f"bench {n + 1}",
            "public_key": encode_public_key(key.public_key())}, timeout=30)
        response.raise_for_status()
        paired.append((response.json()["token"], key))
    return paired


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="webhooks per phase")
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--devices", type=int, default=1, help="paired devices (seals each)")
    args = parser.parse_args()

    import httpx

    from relay.sealing import open_sealed_bytes, split_delivery

    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="otokui-bench-relay-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'relay.db'}"
        from relay.store import Store
        Store.open(db_url).close()
        parent, child = ctx.Pipe()
        server = ctx.Process(target=_serve, args=(db_url, SECRET, child), daemon=True)
        server.start()
        port = parent.recv()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the relay did not start")
            time.sleep(0.05)
        try:
            devices = _pair(base, db_url, args.devices)
            # Warm-up: imports, connection pools, SQLite's page cache, uvicorn's first paths.
            for path in ("/bench/bare", "/line/webhook"):
                _phase(ctx, server.pid, port, path, 500, args.concurrency)
            results: dict[str, list[dict[str, Any]]] = {"bare": [], "relay": []}
            for _ in range(args.rounds):
                results["bare"].append(_phase(ctx, server.pid, port, "/bench/bare",
                                              args.requests, args.concurrency))
                results["relay"].append(_phase(ctx, server.pid, port, "/line/webhook",
                                               args.requests, args.concurrency))
            expected = 500 + args.rounds * args.requests
            depth = httpx.get(f"{base}/healthz", timeout=30).json()["queue_depth"]
            token, key = devices[-1]
            pulled = httpx.get(f"{base}/v1/events", params={"limit": 1},
                               headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
            _sig, body = split_delivery(open_sealed_bytes(
                base64.b64decode(pulled["events"][0]["sealed"]), key))
            opened = json.loads(body)["events"][0]
        finally:
            server.terminate()
            server.join(30)

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    bad = {name: [r["statuses"] for r in rs if set(r["statuses"]) != {200}]
           for name, rs in results.items()}
    rows = [(name, median(name, "rate"), median(name, "p50"), median(name, "p99"),
             median(name, "cpu_us")) for name in ("bare", "relay")]
    # The ratio is taken within each round (bare and relay ran back to back, under the same
    # outside load), then the median over rounds.
    ratio = statistics.median(relay["rate"] / bare["rate"]
                              for bare, relay in zip(results["bare"], results["relay"],
                                                     strict=True))
    print(f"Relay webhook benchmark: {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} cores, {args.requests} webhooks x "
          f"{args.rounds} rounds, {args.concurrency} connections, {args.devices} device(s), "
          "SQLite WAL synchronous=FULL")
    print()
    print(f"{'endpoint':<22}{'events/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'server CPU/req':>17}"
          f"{'per CPU-s':>12}")
    labels = {"bare": "bare (answers 200)", "relay": "relay /line/webhook"}
    for name, rate, p50, p99, cpu in rows:
        print(f"{labels[name]:<22}{rate:>10,.0f}{p50:>9.1f}{p99:>9.1f}{cpu:>14,.0f} us"
              f"{1e6 / cpu:>12,.0f}")
    print()
    print(f"ratio relay / bare throughput: {ratio:.0%} (median of the rounds' ratios; per "
          f"server CPU-second: {rows[0][4] / rows[1][4]:.0%})")
    per_round = {name: ", ".join(f"{r['rate']:,.0f}" for r in rs)
                 for name, rs in results.items()}
    print(f"per round, events/s: relay {per_round['relay']}; bare {per_round['bare']}")
    print(f"stored: {depth:,} of {expected:,} webhooks sent to the relay are in its queue; "
          f"the last one opens as a '{opened['type']}' event")
    checks = [
        (f"throughput >= {TARGET_EVENTS_PER_S:,} events/s", rows[1][1] >= TARGET_EVENTS_PER_S),
        (f"p99 <= {TARGET_P99_MS:.0f} ms", rows[1][3] <= TARGET_P99_MS),
        (f"ratio >= {TARGET_RATIO:.0%} of bare", ratio >= TARGET_RATIO),
        ("every webhook answered 200", not any(bad.values())),
        ("every webhook stored", depth == expected),
    ]
    for label, ok in checks:
        print(f"  [{'met' if ok else 'MISSED'}] {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
