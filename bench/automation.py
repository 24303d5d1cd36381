"""Automation rules applied along with the sync: 10,000 events through 50 rules.

Run from the repository root::

    .venv/bin/python -m bench.automation                   # 10,000 events, 3 rounds
    .venv/bin/python -m bench.automation --events 2000 --rounds 1

The same real-format LINE events (bench/sync.py's: 200 follows, texts, stickers) are
synced twice in one run, each time into a fresh encrypted book through a real relay
process (``SyncWorker.run_once``, which runs the rules after each batch):

* ``sync alone``: no rule on (the engine marks the events handled in one UPDATE);
* ``sync + rules``: 50 rules on: a follow greeting (a message sent back to each of the
  200 new friends through the LINE emulator, as a free reply), 40 keyword rules (any of
  two words, folded like search; 20 on words the friends write, one word each, 20 on
  words nobody writes) adding tags, 9 rules on those tags adding points.

Each round runs both, alone first, on fresh books; the figures judged are the medians of
the rounds (as bench/sync.py does: one run on this shared 2-CPU machine varies by up to
half again).

Target: the run with rules within 5 s for 10,000 events (median); the ratio says what the
rules add.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.sync import PASSPHRASE, RelayProcess, make_events  # noqa: E402

TARGET_SECONDS = 5.0
WORDS = ["予約", "キャンセル", "営業時間", "駐車場", "ありがとう", "カット", "カラー", "ポイント",
         "テイクアウト", "土曜日", "日曜日", "明日", "時間", "お願い", "満足", "体調",
         "何分", "次回", "2名", "15時"]


def rules() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{
        "name": "あいさつ", "enabled": True, "when": {"kind": "follow"},
        "then": [{"kind": "send", "text": "{表示名}さん、友だち追加ありがとうございます!"}]}]
    for i in range(40):
        # Half listen for words the friends write (each word in one rule: a message
        # fires one or two of them, as in a shop), half for words nobody writes.
        words = [WORDS[i], f"キャンペーン{i}"] if i < len(WORDS) else [f"合言葉{i}", f"暗号{i}"]
        out.append({"name": f"キーワード{i:02d}", "enabled": True,
                    "when": {"kind": "keyword", "words": words, "match": "any"},
                    "then": [{"kind": "add_tag", "tag": f"話題{i:02d}"}]})
    for i in range(9):
        out.append({"name": f"ポイント{i}", "enabled": True,
                    "when": {"kind": "tag_added", "tag": f"話題{i:02d}"},
                    "then": [{"kind": "add_points", "field": "ポイント", "points": 1}]})
    return out


def one_run(folder: Path, events: list[dict[str, Any]], line: Any, with_rules: bool
            ) -> dict[str, Any]:
    from app.automation.service import RuleService
    from app.profile import Profile
    from app.sync.pairing import connect
    from app.sync.worker import SyncWorker

    e = line.emulator
    relay = RelayProcess(folder, e.channel_secret)
    try:
        book = Profile(folder / "book").create(passphrase=PASSPHRASE)
        connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
                access_token=e.access_token, api_base=line.base_url,
                data_base=line.data_url, check_token=False, channel_secret=e.channel_secret)
        if with_rules:
            book.fields.create("ポイント", "points")
            service = RuleService(book)
            for rule in rules():
                service.save(rule)
        relay.preload(e.channel_secret, e.bot_user_id, events)
        sent_before = len(e.sent())
        start, cpu = time.perf_counter(), time.process_time()
        report = SyncWorker(book).run_once()
        took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
        assert report.applied == len(events)
        info = RuleService(book).list()
        out = {"s": took, "cpu": took_cpu, "fired": sum(r.fired for r in info),
               "actions": sum(r.actions_done for r in info),
               "sent": len(e.sent()) - sent_before}
        book.close()
        return out
    finally:
        relay.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

    import linebot.v3.messaging  # noqa: F401 - imported before the clock, as the app does

    print(f"bench/automation.py: {args.events:,} events, {len(rules())} rules, on "
          f"{platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}")
    rounds: list[dict[bool, dict[str, Any]]] = []
    for n in range(args.rounds):
        # The same events each round, from a fresh emulator: a reply token is good for one
        # reply and a minute, so a later round on the first round's would send pushes.
        line, events = make_events(args.events, args.users, args.seed)
        results = {}
        try:
            for with_rules in (False, True):
                folder = Path(tempfile.mkdtemp(prefix="otokui-bench-rules-"))
                try:
                    results[with_rules] = one_run(folder, events, line, with_rules)
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
        finally:
            line.stop()
        rounds.append(results)
        alone, ruled = results[False], results[True]
        print(f"  round {n + 1}: sync alone {alone['s']:.2f} s (CPU {alone['cpu']:.2f} s), "
              f"sync + rules {ruled['s']:.2f} s (CPU {ruled['cpu']:.2f} s)")
    ruled = rounds[-1][True]

    def median(with_rules: bool, key: str) -> float:
        return statistics.median(r[with_rules][key] for r in rounds)

    alone_s, ruled_s = median(False, "s"), median(True, "s")
    alone_cpu, ruled_cpu = median(False, "cpu"), median(True, "cpu")
    print(f"sync alone:   {alone_s:.2f} s median (desktop CPU {alone_cpu:.2f} s)")
    print(f"sync + rules: {ruled_s:.2f} s median (desktop CPU {ruled_cpu:.2f} s); "
          f"{ruled['fired']:,} rule firings, {ruled['actions']:,} actions, "
          f"{ruled['sent']} messages sent (each round)")
    print(f"ratio: {ruled_s / alone_s:.2f}x wall clock, {ruled_cpu / alone_cpu:.2f}x desktop CPU")
    print(f"load average during the run: {os.getloadavg()[0]:.2f} (1 min)")
    assert all(r[True]["fired"] == ruled["fired"] and r[True]["sent"] == ruled["sent"]
               for r in rounds)
    ok = ruled_s <= TARGET_SECONDS * args.events / 10_000
    print(f"target {TARGET_SECONDS:.0f} s for 10,000 events with rules (median): "
          f"{'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
