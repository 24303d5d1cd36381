"""The relay's autopilot: webhook in → reply call out, at a steady 200 events/s.

Run from the repository root::

    .venv/bin/python -m bench.autopilot                  # 200 events/s for 10 s a phase
    .venv/bin/python -m bench.autopilot --rate 200 --seconds 5

The relay runs as in production (``python -m relay serve``, SQLite, its own process) with
one paired device. A Messaging API stand-in (uvicorn + Starlette, in this process's event
loop) answers 200 to every reply call and notes when each arrives. The load is open-loop:
one signed webhook (a text message matching a keyword reply, its own reply token) every
1/rate seconds, whatever the answers do.

* ``autopilot``: latency from the webhook's send to the reply call's arrival at the API.
* ``baseline``: the same relay process, autopilot off (same run, interleaved phases):
  latency from the webhook's send to the relay's 200 (its events stored).

Target: autopilot p99 ≤ 300 ms at 200 events/s.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import uvicorn
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

REPO = Path(__file__).resolve().parents[1]
SECRET = b"0123456789abcdef0123456789abcdef"
KEY = "bench-autopilot-key-0123456789abcdef"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def _body(n: int, token: str) -> bytes:
    event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
             "webhookEventId": f"01BENCH{secrets.token_hex(8)}{n:08d}",
             "deliveryContext": {"isRedelivery": False}, "replyToken": token,
             "source": {"type": "user", "userId": "U" + secrets.token_hex(16)},
             "message": {"type": "text", "id": str(n), "text": "営業時間を教えてください"}}
    return json.dumps({"destination": "U" + "0" * 32, "events": [event]},
                      ensure_ascii=False).encode("utf-8")


def _sign(body: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET, body, hashlib.sha256).digest()).decode()


async def _phase(http: httpx.AsyncClient, arrivals: dict[str, float], rate: float,
                 seconds: float, autopilot: bool) -> list[float]:
    count = int(rate * seconds)
    sent_at: dict[str, float] = {}
    answered: list[float] = []

    async def one(n: int) -> None:
        token = secrets.token_hex(16)
        body = _body(n, token)
        start = time.perf_counter()
        sent_at[token] = start
        r = await http.post("/line/webhook", content=body,
                            headers={"x-line-signature": _sign(body),
                                     "content-type": "application/json"})
        assert r.status_code == 200, r.text
        answered.append(time.perf_counter() - start)

    start = time.perf_counter()
    tasks = []
    for n in range(count):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    if not autopilot:
        return answered
    deadline = time.perf_counter() + 30
    while any(t not in arrivals for t in sent_at) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    missing = sum(1 for t in sent_at if t not in arrivals)
    if missing:
        raise SystemExit(f"{missing} replies never arrived")
    return [arrivals[t] - sent_at[t] for t in sent_at]


async def main(rate: float, seconds: float, rounds: int) -> None:
    arrivals: dict[str, float] = {}

    async def reply(request: Request) -> Response:
        data = json.loads(await request.body())
        arrivals[data["replyToken"]] = time.perf_counter()
        return Response(b"{}", media_type="application/json")

    api_port = _free_port()
    api = uvicorn.Server(uvicorn.Config(
        Starlette(routes=[Route("/v2/bot/message/reply", reply, methods=["POST"])]),
        host="127.0.0.1", port=api_port, log_level="warning"))
    api_task = asyncio.create_task(api.serve())
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/relay.db"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RELAY_", "LINE_"))}
        env.update({"LINE_CHANNEL_SECRET": SECRET.decode(), "RELAY_DATABASE_URL": db,
                    "RELAY_AUTOPILOT_KEY": KEY, "PYTHONPATH": str(REPO),
                    "RELAY_LINE_API_BASE": f"http://127.0.0.1:{api_port}"})
        port = _free_port()
        proc = subprocess.Popen([sys.executable, "-m", "relay", "serve", "--port", str(port)],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            code = subprocess.run([sys.executable, "-m", "relay", "pair"], cwd=REPO, env=env,
                                  capture_output=True, text=True, check=True
                                  ).stdout.strip().splitlines()[-1]
            limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                         limits=limits) as http:
                for _ in range(200):
                    try:
                        if (await http.get("/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.05)
                key = X25519PrivateKey.generate().public_key().public_bytes_raw()
                paired = (await http.post("/v1/devices", json={
                    "pairing_code": code, "name": "bench",
                    "public_key": base64.b64encode(key).decode()})).json()
                auth = {"Authorization": f"Bearer {paired['token']}"}
                replies = [{"id": "k", "kind": "keyword", "keywords": ["営業時間"],
                            "text": "10時〜19時です。"}]
                results: dict[str, list[list[float]]] = {"baseline": [], "autopilot": []}
                for _ in range(rounds):
                    await http.delete("/v1/autopilot", headers=auth)
                    results["baseline"].append(
                        await _phase(http, arrivals, rate, seconds, autopilot=False))
                    r = await http.put("/v1/autopilot", headers=auth, json={
                        "access_token": "bench-token", "replies": replies})
                    assert r.status_code == 200, r.text
                    results["autopilot"].append(
                        await _phase(http, arrivals, rate, seconds, autopilot=True))
        finally:
            proc.terminate()
            proc.wait(30)
    api.should_exit = True
    await api_task
    print(f"{rate:.0f} events/s for {seconds:.0f} s a phase, {rounds} round(s); "
          "median over rounds, ms")
    for name, phases in results.items():
        p50 = statistics.median(_pct(p, 0.50) * 1000 for p in phases)
        p99 = statistics.median(_pct(p, 0.99) * 1000 for p in phases)
        worst = max(max(p) for p in phases) * 1000
        what = ("webhook → reply call" if name == "autopilot" else "webhook → 200 (stored)")
        print(f"  {name:9} {what:24} p50 {p50:6.1f}  p99 {p99:6.1f}  max {worst:6.1f}")
    ratio = statistics.median(_pct(a, 0.99) / _pct(b, 0.99) for a, b in
                              zip(results["autopilot"], results["baseline"], strict=True))
    print(f"  p99 autopilot / baseline: {ratio:.2f}  (target: autopilot p99 ≤ 300 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    a = parser.parse_args()
    asyncio.run(main(a.rate, a.seconds, a.rounds))
