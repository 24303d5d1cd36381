"""Broadcast sending against the emulator enforcing LINE's real rate limits.

Run from the repository root::

    .venv/bin/python -m bench.broadcast                       # 100,000 and 10,000
    .venv/bin/python -m bench.broadcast --friends 20000 --personal 2000

The emulator runs as its own process (``python -m emulator``, LINE's default rate limits:
multicast 200 requests/s, push 2,000/s; no monthly limit), so its work does not share
this process's interpreter lock. ``--friends`` LINE friends are added to it (no follow
webhooks) and inserted into a new encrypted book with their LINE ids.

Measured, each in the same run:

* **multicast, engine**: ``book.broadcasts.plan`` + ``create`` + ``run`` of one text to
  every friend (``--friends`` / 500 multicast calls), end to end: recipients resolved, the
  job and one row per recipient stored with the batches' retry keys, the requests sent
  under the token bucket, every batch and recipient settled in the book;
* **multicast, bare**: the same number of multicast calls of 500 ids through the same SDK
  client (``LineGateway``) on the same threads and token bucket, with no book at all: the
  floor set by LINE's rate limit and the HTTP calls;
* **push, engine / bare**: the same for ``--personal`` personalised texts ({名前}), one
  push per recipient.

Afterwards the emulator's record of accepted requests is checked: every friend got the
broadcast exactly once per run (engine and bare send different texts). The emulator's
resident memory is printed before and after, since it keeps every inbox entry.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import insert, select

from app.broadcast import Recipients, TokenBucket
from app.line.gateway import LineGateway
from app.line.send.delivery import Verdict, new_retry_key
from app.profile import Profile
from app.store.models import Customer

TOKEN = "bench-access-token"  # noqa: S105 - the emulator's made-up token
SECRET = "bench-channel-secret"  # noqa: S105
PASSPHRASE = "ベンチマーク用の合言葉 2026"  # noqa: S105


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0", "--channel-secret", SECRET,
         "--access-token", TOKEN, "--quota", "none", "--seed", "1", "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "listening on " in line:
            return proc, line.strip().split("listening on ", 1)[1]
    raise SystemExit("the emulator did not start")


def control(base: str, path: str, body: object | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + "/_emulator" + path, data=data,  # noqa: S310
                                 headers={"content-type": "application/json"},
                                 method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=600) as r:  # noqa: S310 - loopback
        return json.loads(r.read())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Cpu:
    """CPU seconds spent by the emulator and by this process during a block."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def __enter__(self) -> Cpu:
        self.e0, self.m0 = cpu_s(self.pid), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.emulator = cpu_s(self.pid) - self.e0
        self.me = time.process_time() - self.m0

    def __str__(self) -> str:
        return f"CPU: emulator {self.emulator:.2f} s, this process {self.me:.2f} s"


def add_friends(base: str, n: int) -> list[str]:
    uids: list[str] = []
    for start in range(0, n, 5000):
        got = control(base, "/users", {"users": [
            {"displayName": f"友だち{i}", "notify": False}
            for i in range(start, min(n, start + 5000))]})
        uids += [u["userId"] for u in got["users"]]
    return uids


def bare(sender: LineGateway, endpoint: str, groups: list[list[str]], text: str,
         threads: int, bucket: TokenBucket) -> float:
    """The same requests with no book: SDK calls paced by the same token bucket."""
    def one(to: list[str]) -> None:
        key = new_retry_key()
        while True:
            bucket.acquire()
            if endpoint == "multicast":
                answer = sender.multicast(to, [{"type": "text", "text": text}], key)
            else:
                answer = sender.push(to[0], [{"type": "text", "text": f"{to[0][-4:]}様 {text}"}],
                                     key)
            if answer.verdict.sent:
                return
            if answer.verdict is not Verdict.RATE_LIMITED:
                raise SystemExit(f"bare {endpoint}: {answer.verdict} {answer.reason}")
            time.sleep(0.05)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, groups))
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--friends", type=int, default=100_000)
    ap.add_argument("--personal", type=int, default=10_000)
    args = ap.parse_args()

    proc, base = start_emulator()
    try:
        run(base, proc.pid, args.friends, args.personal)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run(base: str, pid: int, n: int, n_personal: int) -> None:
    print(f"emulator at {base}; RSS {rss_mb(pid):.0f} MB")
    t0 = time.perf_counter()
    uids = add_friends(base, n)
    print(f"{n:,} friends added to the emulator in {time.perf_counter() - t0:.1f} s; "
          f"RSS {rss_mb(pid):.0f} MB")

    tmp = Path(tempfile.mkdtemp(prefix="otokui-bench-broadcast-"))
    book = Profile(tmp / "profile").create(passphrase=PASSPHRASE)
    book.line.set_access_token(TOKEN, use_keyring=False)
    book.line.set_api_base(base)
    now = dt.datetime(2026, 1, 1)
    with book.db.write() as s:
        s.execute(insert(Customer), [
            {"line_user_id": uid, "display_name": f"友だち{i}", "name": f"顧客 {i}",
             "followed_at": now, "created_at": now, "updated_at": now}
            for i, uid in enumerate(uids)])
        ids = dict(s.execute(select(Customer.line_user_id, Customer.id)).all())
    casts = book.broadcasts
    with LineGateway(TOKEN, api_base=base) as warm:  # the SDK's imports, once, untimed
        warm.quota()
    results: list[tuple[str, float, float]] = []

    # --- multicast ---------------------------------------------------------------------------
    text = "年末セールのお知らせ：12月28日まで全品10%オフ"
    t0 = time.perf_counter()
    plan = casts.plan(text, Recipients.all_friends())
    t1 = time.perf_counter()
    bid = casts.create(plan)
    t2 = time.perf_counter()
    with Cpu(pid) as cpu:
        report = casts.run(bid)
    t3 = time.perf_counter()
    assert report.state == "done" and report.counts.sent == n, report
    engine_mc = t3 - t0
    print(f"multicast engine: {n:,} recipients, {plan.batches} calls: {engine_mc:.2f} s "
          f"(plan {t1 - t0:.2f}, create {t2 - t1:.2f}, send+record {t3 - t2:.2f}; "
          f"{cpu}); emulator RSS {rss_mb(pid):.0f} MB")
    time.sleep(1.1)  # LINE's window: the bare run starts with a full allowance too
    groups = [uids[i:i + 500] for i in range(0, n, 500)]
    with LineGateway(TOKEN, api_base=base) as sender, Cpu(pid) as cpu:
        bare_mc = bare(sender, "multicast", groups, "bare " + text,
                       casts.threads["multicast"], TokenBucket(casts.rates["multicast"]))
    print(f"multicast bare:   {len(groups)} calls: {bare_mc:.2f} s ({cpu}); "
          f"emulator RSS {rss_mb(pid):.0f} MB")
    results.append(("multicast", engine_mc, bare_mc))

    # --- personalised push ---------------------------------------------------------------------
    chosen = random.Random(1).sample(sorted(ids.values()), n_personal)
    ptext = "{名前}様、いつもありがとうございます。年末セールのご案内です"
    time.sleep(1.1)
    t0 = time.perf_counter()
    plan = casts.plan(ptext, Recipients.customers(chosen))
    t1 = time.perf_counter()
    bid = casts.create(plan)
    t2 = time.perf_counter()
    with Cpu(pid) as cpu:
        report = casts.run(bid)
    t3 = time.perf_counter()
    assert report.state == "done" and report.counts.sent == n_personal, report
    engine_push = t3 - t0
    print(f"push engine: {n_personal:,} personalised: {engine_push:.2f} s (plan {t1 - t0:.2f}, "
          f"create {t2 - t1:.2f}, send+record {t3 - t2:.2f}; {cpu})")
    time.sleep(1.1)
    by_id = {v: k for k, v in ids.items()}
    with LineGateway(TOKEN, api_base=base) as sender, Cpu(pid) as cpu:
        bare_push = bare(sender, "push", [[by_id[c]] for c in chosen], "bare",
                         casts.threads["push"], TokenBucket(casts.rates["push"]))
    print(f"push bare:   {n_personal:,} calls: {bare_push:.2f} s ({cpu}); "
          f"emulator RSS {rss_mb(pid):.0f} MB")
    results.append(("push", engine_push, bare_push))

    # --- exactly once, from the emulator's record ----------------------------------------------
    sent = control(base, "/sent")
    per_text: dict[str, int] = {}
    for r in sent["sent"]:
        first = r["messages"][0]["text"]
        key = "multicast" if first == text else "multicast-bare" if first == "bare " + text \
            else "push-bare" if "bare" in first else "push"
        per_text[key] = per_text.get(key, 0) + r["recipients"]
    print(f"recipients per run, from the emulator: {per_text}")
    assert per_text.get("multicast") == n and per_text.get("push") == n_personal
    sample = random.Random(2).sample(uids, 200)
    sizes = {control(base, f"/users/{u}")["inboxSize"] for u in sample}
    print(f"inbox sizes of 200 random friends: {sorted(sizes)}")

    print()
    print("| run | engine (s) | bare calls (s) | ratio |")
    print("|---|---|---|---|")
    for name, engine, floor in results:
        print(f"| {name} | {engine:.2f} | {floor:.2f} | {engine / floor:.2f} |")
    book.close()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
