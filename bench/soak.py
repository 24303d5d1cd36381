"""Relay soak: webhooks at a steady rate for minutes, a desktop syncing, slow clients attached.

Run from the repository root::

    .venv/bin/python -m bench.soak                     # 1,000 events/s for 10 minutes
    .venv/bin/python -m bench.soak --minutes 1         # a shorter run
    .venv/bin/python -m bench.soak --rate 500 --slow 100 --minutes 2

What runs, each in its own process unless said otherwise:

* **the relay**: ``python -m relay serve`` exactly as on a shop's server (SQLite in WAL,
  ``synchronous=FULL``, the default timeouts and connection cap of relay.config);
* **LINE**: a load generator sending signed webhooks (one text message event each, from
  ``--users`` friends of the bot) at ``--rate`` per second on a fixed schedule (open loop:
  a slow relay does not slow the schedule down; latency is measured from the moment each
  webhook was due). A webhook not answered 200 is sent again a second later with the same
  ``webhookEventId``, as LINE's redelivery does;
* **slow clients**: ``--slow`` connections (half sending their headers a byte every two
  seconds, half a body the same way), each reconnecting as soon as the relay closes it, so
  that that many are attached all the time;
* **the desktop** (in this process): the real :class:`app.sync.worker.SyncWorker` on an
  encrypted book, long-polling the relay, opening, applying and acknowledging, and
  fetching the friends' profiles from the LINE emulator (in a thread of this process).

Every second the relay's resident memory (VmRSS) and the CPU time of each process are
sampled from /proc; the relay's queue depth every five seconds (``/healthz``).

Figures are given for the **first** and the **last** window of the run (a minute each on
a 10-minute run; a quarter of the run on shorter ones, at least 10 s), and the ratio
last/first: the baseline is the same relay earlier in the same run.

Checks (exit status 1 if one fails):

* zero loss: every event sent is in the book once (as many messages as events, and the
  relay's queue empty at the end), once the desktop has caught up;
* the relay's memory is flat: the last window's mean RSS within 20 % of the first's;
* the achieved rate in the last window is within 5 % of ``--rate`` (the relay kept up).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import bisect
import hashlib
import hmac
import json
import multiprocessing as mp
import os
import platform
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder would come first on sys.path and ``bench/relay.py``
# would shadow the ``relay`` package; make sure the repository's packages are imported.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

PASSPHRASE = "ソーク試験用の合言葉 2026"  # noqa: S105 - a throwaway benchmark book
MEMORY_TOLERANCE = 0.20
RATE_TOLERANCE = 0.05
CONNECTIONS = 32  # LINE's side: keep-alive connections sending webhooks
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


# --- LINE: the load generator process ------------------------------------------------------

def _event_id(n: int, salt: int) -> str:
    """A ULID-shaped webhookEventId, unique per ``n`` within a run."""
    value = (int(time.time() * 1000) << 80) | (salt << 40) | n
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def _webhook(destination: str, user_id: str, event_id: str, text: str) -> bytes:
    event = {
        "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": event_id, "deliveryContext": {"isRedelivery": False},
        "replyToken": secrets.token_hex(16),
        "message": {"id": str(secrets.randbelow(10**18)), "type": "text",
                    "quoteToken": secrets.token_urlsafe(48), "text": text,
                    "markAsReadToken": secrets.token_urlsafe(36)},
    }
    return json.dumps({"destination": destination, "events": [event]},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _request(body: bytes, secret: bytes) -> bytes:
    signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest())
    return (b"POST /line/webhook HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n"
            b"User-Agent: LineBotWebhook/2.0\r\nx-line-signature: " + signature
            + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


async def _send_at_rate(port: int, secret: bytes, destination: str, users: list[str],
                        texts: list[str], rate: float, seconds: float,
                        start: float) -> dict[str, Any]:
    total = int(rate * seconds)
    due: asyncio.Queue[tuple[int, float, bytes]] = asyncio.Queue()
    salt = secrets.randbits(40)
    rng = random.Random(salt)
    # Per webhook: when it was due (s from start) and its latency (s); NaN if never 200.
    latency = array("d", [float("nan")]) * total
    scheduled = array("d", [0.0]) * total
    counts = {"resent": 0, "non_200": 0, "connection_errors": 0}
    done = asyncio.Event()
    remaining = [total]

    async def schedule() -> None:
        for n in range(total):
            at = start + n / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            body = _webhook(destination, rng.choice(users), _event_id(n, salt),
                            rng.choice(texts))
            scheduled[n] = at - start
            due.put_nowait((n, at, _request(body, secret)))

    async def resend_later(item: tuple[int, float, bytes]) -> None:
        counts["resent"] += 1
        await asyncio.sleep(1.0)  # LINE redelivers later; a second stands in for that
        due.put_nowait(item)

    async def connection() -> None:
        reader = writer = None
        while not done.is_set():
            item = await due.get()
            if item[0] < 0:
                break
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                assert reader is not None
                writer.write(item[2])
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                status = int(head[9:12])
                if b"connection: close" in head.lower():
                    writer.close()
                    reader = writer = None
            except (OSError, asyncio.IncompleteReadError, ValueError):
                counts["connection_errors"] += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                asyncio.get_running_loop().create_task(resend_later(item))
                continue
            if status != 200:
                counts["non_200"] += 1
                asyncio.get_running_loop().create_task(resend_later(item))
                continue
            latency[item[0]] = time.perf_counter() - item[1]
            remaining[0] -= 1
            if remaining[0] == 0:
                done.set()
                for _ in range(CONNECTIONS):
                    due.put_nowait((-1, 0.0, b""))
        if writer is not None:
            writer.close()

    await asyncio.gather(schedule(), *(connection() for _ in range(CONNECTIONS)))
    return {"latency": latency.tobytes(), "scheduled": scheduled.tobytes(), **counts,
            "elapsed": time.perf_counter() - start}


def _load_process(port: int, secret: bytes, destination: str, users: list[str],
                  texts: list[str], rate: float, seconds: float, start: float,
                  conn: Any) -> None:
    # ``start`` is a time.perf_counter() value of the parent: CLOCK_MONOTONIC, the same
    # clock in every process on Linux, so both sides measure from one instant.
    conn.send(asyncio.run(_send_at_rate(port, secret, destination, users, texts, rate,
                                        seconds, start)))


# --- slow clients process -------------------------------------------------------------------

async def _slow_clients(port: int, count: int, stop: Any) -> dict[str, Any]:
    """``count`` slow connections, each replaced when closed, until ``stop`` is set (a
    multiprocessing Event: the load is over, however long it took)."""
    closed_after: list[float] = []
    attached = [0]

    async def one(kind: int) -> None:
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.5)
                continue
            opened = time.monotonic()
            attached[0] += 1
            try:
                if kind:  # headers complete, then a body a byte at a time
                    writer.write(b"POST /line/webhook HTTP/1.1\r\nHost: relay\r\n"
                                 b"x-line-signature: c2xvdw==\r\nContent-Length: 100000\r\n\r\n")
                else:  # headers a byte at a time
                    writer.write(b"POST /line/webhook HTTP/1.1\r\nHost: relay\r\n")
                while not stop.is_set():
                    writer.write(b"x" if kind else b"X")
                    await writer.drain()
                    try:
                        data = await asyncio.wait_for(reader.read(1024), 2.0)
                    except TimeoutError:
                        continue
                    if not data:
                        break  # closed by the relay
                else:
                    return
                closed_after.append(time.monotonic() - opened)
            except OSError:
                closed_after.append(time.monotonic() - opened)
            finally:
                attached[0] -= 1
                writer.close()

    await asyncio.gather(*(one(n % 2) for n in range(count)))
    return {"closed": len(closed_after),
            "median_life": statistics.median(closed_after) if closed_after else None}


def _slow_process(port: int, count: int, stop: Any, conn: Any) -> None:
    conn.send(asyncio.run(_slow_clients(port, count, stop)))


# --- the relay process and what is sampled ---------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    at: float          # seconds since the load started
    rss_mb: float
    cpu_s: float       # the relay's
    load_cpu_s: float  # LINE's (the load generator's)
    desktop_cpu_s: float  # this process's: the desktop, the emulator, the sampler
    applied: int       # events the desktop has applied so far
    depth: int | None  # the relay's queue depth


@dataclass
class Sampler:
    pid: int
    load_pid: int
    base_url: str
    worker: Any
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self, started: float) -> None:
        with httpx.Client(base_url=self.base_url, timeout=10) as http:
            n = 0
            while not self._stop.wait(1.0):
                n += 1
                depth = None
                # Every 5 s only: counting a queue of 100,000 rows costs the relay real CPU,
                # which would be charged to the events in the figures.
                if n % 5 == 0:
                    try:
                        depth = int(http.get("/healthz").json()["queue_depth"])
                    except (httpx.HTTPError, ValueError, KeyError):
                        depth = None
                try:
                    load_cpu = _cpu_seconds(self.load_pid)
                except FileNotFoundError:  # the load is over and its process gone
                    load_cpu = self.samples[-1].load_cpu_s if self.samples else 0.0
                self.samples.append(Sample(
                    time.perf_counter() - started, _rss_mb(self.pid), _cpu_seconds(self.pid),
                    load_cpu, _cpu_seconds(os.getpid()), self.worker.status.events_applied,
                    depth))

    def stop(self) -> None:
        self._stop.set()


# --- the run ----------------------------------------------------------------------------------

def _pairing_code(env: dict[str, str]) -> str:
    return subprocess.run([sys.executable, "-m", "relay", "pair"], cwd=REPO, env=env,
                          capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip().splitlines()[-1]


def _refused_uploads(base_url: str, env: dict[str, str], pid: int,
                     count: int) -> dict[str, Any] | None:
    """Image uploads far over the device's quota (RELAY_MEDIA_MAX_MB=1), the relay's
    memory before and after: what issue 10 measured (12 of them took a relay that read
    each whole before checking the quota from 124 to 228 MB)."""
    if not count:
        return None
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from relay.sealing import encode_public_key

    with httpx.Client(base_url=base_url, timeout=120) as http:
        paired = http.post("/v1/devices", json={
            "pairing_code": _pairing_code(env), "name": "uploader",
            "public_key": encode_public_key(X25519PrivateKey.generate().public_key())})
        paired.raise_for_status()
        token = paired.json()["token"]
        image = b"\xff\xd8\xff\xe0" + os.urandom(9_900_000)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"}
        before = _rss_mb(pid)
        statuses: dict[int, int] = {}
        for n in range(count):
            if n % 2:
                content: Any = (image[i:i + 65536] for i in range(0, len(image), 65536))
            else:
                content = image
            try:
                status = http.put("/v1/media", content=content, headers=headers).status_code
            except httpx.HTTPError:
                status = 0  # the relay stopped reading and closed: refused all the same
            statuses[status] = statuses.get(status, 0) + 1
        after = _rss_mb(pid)
        # The uploader is revoked so that only the desktop is sealed for during the load.
        http.delete(f"/v1/devices/{paired.json()['device_id']}",
                    headers={"Authorization": f"Bearer {token}"}).raise_for_status()
    return {"before": before, "after": after, "statuses": statuses}


def _window_figures(lat: list[float], sched: list[float], samples: list[Sample],
                    lo: float, hi: float) -> dict[str, float]:
    """Figures for webhooks due in [lo, hi) and samples taken then (s from the start)."""
    inside = sorted(lat[i] for i in range(len(lat)) if lo <= sched[i] < hi and lat[i] == lat[i])
    done = sorted(sched[i] + lat[i] for i in range(len(lat)) if lat[i] == lat[i])
    win = [s for s in samples if lo <= s.at < hi]
    if not inside or len(win) < 2:
        raise SystemExit("a window is empty: run longer (--minutes)")
    span = win[-1].at - win[0].at
    answered_in_span = bisect.bisect_left(done, win[-1].at) - bisect.bisect_left(done, win[0].at)
    return {
        "rate": (bisect.bisect_left(done, hi) - bisect.bisect_left(done, lo)) / (hi - lo),
        "p50_ms": inside[len(inside) // 2] * 1000,
        "p99_ms": inside[min(len(inside) - 1, int(len(inside) * 0.99))] * 1000,
        "rss_mb": statistics.mean(s.rss_mb for s in win),
        "rss_max_mb": max(s.rss_mb for s in win),
        "cpu_per_event_us": (win[-1].cpu_s - win[0].cpu_s) / max(1, answered_in_span) * 1e6,
        "applied_per_s": (win[-1].applied - win[0].applied) / span,
        "relay_cores": (win[-1].cpu_s - win[0].cpu_s) / span,
        "load_cores": (win[-1].load_cpu_s - win[0].load_cpu_s) / span,
        "desktop_cores": (win[-1].desktop_cpu_s - win[0].desktop_cpu_s) / span,
        "depth_max": max((s.depth or 0) for s in win),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=1000.0, help="webhooks (events) per s")
    parser.add_argument("--slow", type=int, default=300, help="slow clients attached")
    parser.add_argument("--users", type=int, default=200, help="friends sending messages")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--refused-uploads", type=int, default=12,
                        help="image uploads over the quota sent before the load (0: none)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

    import linebot.v3.messaging  # noqa: F401 - imported before the clock, as the app does

    from app.demo_names import MESSAGES
    from app.profile import Profile
    from app.sync.pairing import connect
    from app.sync.worker import SyncState, SyncWorker
    from emulator import run_in_thread

    seconds = args.minutes * 60
    window = max(10.0, min(60.0, seconds / 4))
    ctx = mp.get_context("spawn")
    folder = Path(tempfile.mkdtemp(prefix="otokui-bench-soak-"))
    secret = secrets.token_hex(16)
    line = run_in_thread(channel_secret=secret, access_token="soak-token",  # noqa: S106
                         quota=None, seed=args.seed)
    e = line.emulator
    users = [e.add_user(f"ソーク 客{i:04d}", language="ja") for i in range(args.users)]
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELAY_", "LINE_"))}
    env.update(LINE_CHANNEL_SECRET=secret, RELAY_DATABASE_URL=f"sqlite:///{folder / 'relay.db'}",
               PYTHONPATH=str(REPO), RELAY_PUBLIC_URL=f"http://127.0.0.1:{port}",
               RELAY_MEDIA_MAX_MB="1")  # for the refused uploads before the load
    log = open(folder / "relay.log", "ab")  # noqa: SIM115 - closed below
    relay = subprocess.Popen([sys.executable, "-m", "relay", "serve", "--port", str(port)],
                             cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    worker = None
    print(f"bench/soak.py: {args.rate:,.0f} events/s for {args.minutes:g} min, "
          f"{args.slow} slow clients, 1 desktop syncing; {platform.machine()} "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}", flush=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if relay.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the relay did not start")
            time.sleep(0.05)
        refused = _refused_uploads(base_url, env, relay.pid, args.refused_uploads)
        code = _pairing_code(env)
        book = Profile(folder / "book").create(passphrase=PASSPHRASE)
        # The desktop checks LINE's signature on every event itself (it trusts no relay):
        # without the channel secret it applies nothing and the soak measures no desktop.
        connect(book, relay_url=base_url, pairing_code=code, access_token=e.access_token,
                api_base=line.base_url, check_token=False, channel_secret=secret)
        worker = SyncWorker(book)
        worker.start()
        # A desktop that cannot sync (no secret, refused token) would make every later
        # figure about the relay alone: stop here instead of reporting a loss at the end.
        ready = time.monotonic() + 30
        while worker.status.state not in (SyncState.CONNECTED, SyncState.SYNCING):
            if time.monotonic() > ready:
                raise SystemExit(f"the desktop cannot sync: {worker.status.state} "
                                 f"({worker.status.detail})")
            time.sleep(0.1)

        slow_parent, slow_child = ctx.Pipe()
        slow_stop = ctx.Event()
        slow = ctx.Process(target=_slow_process, args=(port, args.slow, slow_stop, slow_child))
        slow.start()
        time.sleep(3)  # the slow clients attach before the load begins
        load_parent, load_child = ctx.Pipe()
        started = time.perf_counter() + 5.0  # time for the load process to start up
        load = ctx.Process(target=_load_process, args=(
            port, secret.encode(), e.bot_user_id, users, list(MESSAGES), args.rate, seconds,
            started, load_child))
        load.start()
        sampler = Sampler(relay.pid, load.pid, base_url, worker)
        sampling = threading.Thread(target=sampler.run, args=(started,), daemon=True)
        sampling.start()
        result = load_parent.recv()
        load.join()
        slow_stop.set()  # the slow clients stay attached for as long as the load lasted
        sent_done = time.perf_counter()
        total = int(args.rate * seconds)
        # The desktop catches up: every event applied, the relay's queue empty.
        catch_up_deadline = time.monotonic() + 600
        while worker.status.events_applied < total and time.monotonic() < catch_up_deadline:
            time.sleep(0.2)
        caught_up_s = time.perf_counter() - sent_done
        sampler.stop()
        sampling.join()
        slow_result = slow_parent.recv()
        slow.join()
        worker.stop()
        worker = None
        depth = httpx.get(f"{base_url}/healthz", timeout=10).json()["queue_depth"]
        messages = book.messages.count()
        customers = book.customers.count()
        book.close()
    finally:
        if worker is not None:
            worker.stop()
        relay.terminate()
        relay.wait(30)
        log.close()
        line.stop()
        shutil.rmtree(folder, ignore_errors=True)

    lat = array("d")
    lat.frombytes(result["latency"])
    sched = array("d")
    sched.frombytes(result["scheduled"])
    samples = sampler.samples
    first = _window_figures(list(lat), list(sched), samples, 0.0, window)
    last = _window_figures(list(lat), list(sched), samples, seconds - window, seconds)
    answered = sum(1 for x in lat if x == x)
    if refused:
        print(f"refused image uploads: {args.refused_uploads} uploads of 9.9 MB over a 1 MB "
              f"quota (half with Content-Length, half chunked) answered "
              f"{refused['statuses']}; relay RSS {refused['before']:.1f} MB before, "
              f"{refused['after']:.1f} MB after ({refused['after'] / refused['before']:.2f}x)")
    print(f"sent {total:,} webhooks (1 event each) over {result['elapsed']:.0f} s; answered "
          f"200: {answered:,}; resent after a non-200 or a dropped connection: "
          f"{result['resent']:,} ({result['non_200']:,} non-200, "
          f"{result['connection_errors']:,} connection errors)")
    print(f"slow clients: {args.slow} attached throughout; the relay closed "
          f"{slow_result['closed']:,} of their connections (median life "
          f"{slow_result['median_life'] or 0:.1f} s)")
    print(f"desktop: {messages:,} messages from {customers} customers in the book; caught up "
          f"{caught_up_s:.1f} s after the last webhook; relay queue at the end: {depth}")
    head = f"{'':<24}{'first ' + format(window, '.0f') + ' s':>14}{'last':>14}{'last/first':>12}"
    print(head)
    rows = [("events/s answered 200", "rate", "{:,.0f}"),
            ("webhook p50 ms", "p50_ms", "{:.1f}"), ("webhook p99 ms", "p99_ms", "{:.1f}"),
            ("relay RSS MB (mean)", "rss_mb", "{:.1f}"), ("relay RSS MB (max)", "rss_max_mb",
                                                           "{:.1f}"),
            ("relay CPU µs/event", "cpu_per_event_us", "{:.0f}"),
            ("desktop applied/s", "applied_per_s", "{:,.0f}"),
            ("CPU cores: relay", "relay_cores", "{:.2f}"),
            ("CPU cores: LINE (load)", "load_cores", "{:.2f}"),
            ("CPU cores: desktop+emu", "desktop_cores", "{:.2f}"),
            ("relay queue depth max", "depth_max", "{:,.0f}")]
    for label, key, fmt in rows:
        ratio = last[key] / first[key] if first[key] else float("nan")
        print(f"{label:<24}{fmt.format(first[key]):>14}{fmt.format(last[key]):>14}"
              f"{ratio:>11.2f}x")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (1 min)")

    lossless = messages == total and answered == total and depth == 0
    flat = abs(last["rss_mb"] / first["rss_mb"] - 1) <= MEMORY_TOLERANCE
    kept_up = last["rate"] >= args.rate * (1 - RATE_TOLERANCE)
    print(f"zero loss: {'yes' if lossless else 'NO'}; relay memory flat (±20%): "
          f"{'yes' if flat else 'NO'}; rate kept in the last window (≥95%): "
          f"{'yes' if kept_up else 'NO'}")
    return 0 if lossless and flat and kept_up else 1


if __name__ == "__main__":
    sys.exit(main())
