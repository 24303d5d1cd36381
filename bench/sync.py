"""The desktop's sync: 10,000 events pulled, opened and applied to the book, against a baseline.

Run from the repository root::

    .venv/bin/python -m bench.sync                  # 10,000 events, 3 rounds
    .venv/bin/python -m bench.sync --events 2000 --rounds 1

What is measured, each round on fresh books:

* The events are real-format LINE webhook events made by the LINE emulator (``--users``
  friends: one ``follow`` each, then text messages and a sticker now and then), so the
  sync also creates the customers and fetches their profiles from the emulator over HTTP,
  as it would from LINE.
* The relay runs as ``python -m relay serve`` in its own process (SQLite in WAL,
  ``synchronous=FULL``), with one paired desktop. Its queue is pre-loaded by posting
  signed webhooks to it (100 events a webhook) before the clock starts.
* ``sync``: :meth:`app.sync.worker.SyncWorker.run_once` on a freshly paired,
  encrypted book: ``GET /v1/events`` (500 a pull), HPKE-open every event, apply each batch
  in one write transaction with its cursor, ``POST /v1/events/ack``, until the queue is
  empty.
* Desktop CPU is this process's user + system time (it also serves the emulator's
  profile answers); steadier than wall-clock figures on a shared machine.
* ``direct``: the baseline, the same events applied by the same
  :class:`app.sync.apply.EventApplier` to another fresh book in batches of 500, with no
  relay and no sealing: the cost of the book itself.

Target: the 10,000 events synced within 5 s. The ratio says what the relay round trips
and the opening add on top of applying.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder would come first on sys.path and ``bench/relay.py``
# would shadow the ``relay`` package; make sure the repository's packages are imported.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from app.demo_names import MESSAGES, STICKERS  # noqa: E402

TARGET_SECONDS = 5.0
PASSPHRASE = "ベンチマーク用の合言葉 2026"  # noqa: S105 - a throwaway benchmark book


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_events(count: int, users: int, seed: int) -> tuple[Any, list[dict[str, Any]]]:
    """Real-format events from the emulator (not delivered): follows, texts, stickers."""
    import random

    from emulator import run_in_thread

    rng = random.Random(seed)
    line = run_in_thread(channel_secret="0123456789abcdef" * 2, access_token="bench-token",  # noqa: S106
                         quota=None, seed=seed)
    e = line.emulator
    uids = [e.add_user(f"ベンチ 客{i:04d}", language="ja") for i in range(users)]
    for n in range(count - users):
        uid = uids[n % users]
        if n % 25 == 24:
            package, sticker, keywords = rng.choice(STICKERS)
            e.send_sticker(uid, package, sticker, keywords=keywords)
        else:
            e.send_text(uid, rng.choice(MESSAGES))
    events = e.events()
    assert len(events) == count
    return line, events


class RelayProcess:
    def __init__(self, folder: Path, secret: str) -> None:
        self.db_url = f"sqlite:///{folder / 'relay.db'}"
        self.port = _free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("RELAY_", "LINE_"))}
        self.env.update(LINE_CHANNEL_SECRET=secret, RELAY_DATABASE_URL=self.db_url,
                        PYTHONPATH=str(REPO))
        self.log = open(folder / "relay.log", "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "relay", "serve", "--port", str(self.port)], cwd=REPO,
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(base_url=self.base_url, timeout=60)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.http.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the relay did not start")
            time.sleep(0.05)

    def pairing_code(self) -> str:
        out = subprocess.run([sys.executable, "-m", "relay", "pair"], cwd=REPO, env=self.env,
                             capture_output=True, text=True, check=True, timeout=60)
        return out.stdout.strip().splitlines()[-1]

    def preload(self, secret: str, destination: str, events: list[dict[str, Any]],
                per_webhook: int = 100) -> None:
        for start in range(0, len(events), per_webhook):
            body = json.dumps({"destination": destination,
                               "events": events[start:start + per_webhook]},
                              ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            signature = base64.b64encode(hmac.digest(secret.encode(), body,
                                                     hashlib.sha256)).decode()
            response = self.http.post("/line/webhook", content=body, headers={
                "x-line-signature": signature, "content-type": "application/json"})
            response.raise_for_status()

    def queue_depth(self) -> int:
        return int(self.http.get("/healthz").json()["queue_depth"])

    def stop(self) -> None:
        self.http.close()
        self.proc.terminate()
        self.proc.wait(30)
        self.log.close()


def one_round(folder: Path, events: list[dict[str, Any]], line: Any) -> dict[str, float]:
    from app.line.gateway import LineGateway
    from app.profile import Profile
    from app.sync.apply import EventApplier, Incoming
    from app.sync.pairing import connect
    from app.sync.worker import SyncWorker

    e = line.emulator
    secret = e.channel_secret
    relay = RelayProcess(folder, secret)
    try:
        synced = Profile(folder / "synced").create(passphrase=PASSPHRASE)
        connect(synced, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
                access_token=e.access_token, api_base=line.base_url,
                data_base=line.data_url, check_token=False, channel_secret=secret)
        relay.preload(secret, e.bot_user_id, events)
        depth = relay.queue_depth()
        deliveries = -(-len(events) // 100)  # one sealed item per webhook of 100 events
        assert depth == deliveries, f"relay queue holds {depth} of {deliveries} deliveries"

        worker = SyncWorker(synced)
        start, cpu = time.perf_counter(), time.process_time()
        report = worker.run_once()
        sync_s = time.perf_counter() - start
        sync_cpu = time.process_time() - cpu
        assert report.applied == len(events) and report.failed == report.unreadable == 0
        assert relay.queue_depth() == 0
        messages = synced.messages.count()
        customers = synced.customers.count()
        synced.close()
    finally:
        relay.stop()

    direct = Profile(folder / "direct").create(passphrase=PASSPHRASE)
    gateway = LineGateway(e.access_token, api_base=line.base_url, data_base=line.data_url)
    applier = EventApplier(direct, gateway)
    plain = [{**ev, "destination": e.bot_user_id} for ev in events]
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(plain), 500):
        applier.apply_batch([Incoming(ev) for ev in plain[i:i + 500]])
    direct_s = time.perf_counter() - start
    direct_cpu = time.process_time() - cpu
    assert direct.messages.count() == messages and direct.customers.count() == customers
    gateway.close()
    direct.close()
    return {"sync": sync_s, "direct": direct_s, "sync_cpu": sync_cpu, "direct_cpu": direct_cpu,
            "messages": messages, "customers": customers}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

    import linebot.v3.messaging  # noqa: F401 - imported before the clock, as the app does

    line, events = make_events(args.events, args.users, args.seed)
    print(f"bench/sync.py: {len(events):,} events ({args.users} follows, the rest texts and "
          f"stickers) on {platform.machine()} {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}")
    rounds = []
    try:
        for n in range(args.rounds):
            folder = Path(tempfile.mkdtemp(prefix="otokui-bench-sync-"))
            try:
                r = one_round(folder, events, line)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            rounds.append(r)
            print(f"  round {n + 1}: sync {r['sync']:.2f} s ({len(events) / r['sync']:,.0f} "
                  f"events/s, desktop CPU {r['sync_cpu']:.2f} s), direct apply "
                  f"{r['direct']:.2f} s ({len(events) / r['direct']:,.0f} events/s, CPU "
                  f"{r['direct_cpu']:.2f} s); {int(r['messages']):,} messages, "
                  f"{int(r['customers'])} customers")
    finally:
        line.stop()
    sync_s = statistics.median(r["sync"] for r in rounds)
    direct_s = statistics.median(r["direct"] for r in rounds)
    print(f"median sync (pull + open + apply + ack): {sync_s:.2f} s = "
          f"{len(events) / sync_s:,.0f} events/s")
    print(f"median direct apply (baseline):          {direct_s:.2f} s = "
          f"{len(events) / direct_s:,.0f} events/s")
    sync_cpu = statistics.median(r["sync_cpu"] for r in rounds)
    direct_cpu = statistics.median(r["direct_cpu"] for r in rounds)
    print(f"ratio sync / direct: {sync_s / direct_s:.2f}x wall clock, "
          f"{sync_cpu / direct_cpu:.2f}x desktop CPU "
          f"(relay round trips and HPKE opening on top of applying)")
    print(f"load average during the run: {os.getloadavg()[0]:.2f} (1 min)")
    ok = sync_s <= TARGET_SECONDS * len(events) / 10_000
    print(f"target {TARGET_SECONDS:.0f} s for 10,000 events: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
