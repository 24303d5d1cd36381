"""A three-step sequence run by ``python main.py sequence run-due`` on a fake clock, the
process SIGKILLed in the middle of a step: every friend gets every step once, in order."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from app.profile import Profile
from tests.sequences.conftest import T0, THREE_STEPS, Shop
from tests.sequences.test_sequences import STEP_TEXTS, pushes, steps_received
from tests.sync.support import PASSPHRASE, wait_until

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(ROOT)}


def otokui(profile: Profile, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", "--profile", str(profile.root), *args],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)


def run_due_killed(shop: Shop, profile: Profile, now: dt.datetime, step: int) -> None:
    """run-due killed while LINE holds its first push of ``step`` (delayed): LINE accepts it
    after the sender died, so only the retry with the same key can tell it was sent."""
    shop.e.inject_fault("push", "delay", count=1, seconds=6)
    log = profile.logs_dir / "otokui.log"
    seen = log.read_text(encoding="utf-8").count(": trying") if log.exists() else 0
    before = pushes(shop)
    proc = subprocess.Popen(
        [sys.executable, "main.py", "--profile", str(profile.root), "sequence", "run-due",
         "--now", now.isoformat()], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        def trying() -> bool:
            assert proc.poll() is None, proc.communicate()
            # Logged "trying" and the push reached LINE (which took the delay fault): a
            # kill right after the log line could land before the request left.
            return log.exists() and log.read_text(encoding="utf-8").count(": trying") > seen \
                and not shop.e.faults.pending()

        wait_until(trying, timeout=60, what="a step being sent")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    wait_until(lambda: pushes(shop) == before + 1, timeout=30, what="LINE took the push")
    got = [len(steps_received(shop, uid)) for _, uid in shop.friends]
    assert sorted(got) == [step - 1] * (len(got) - 1) + [step], got


def test_killed_during_and_between_steps(friends: Shop, profile: Profile,
                                         tmp_path: Path) -> None:
    shop = friends
    b = shop.book
    b.sequences.clock = lambda: T0
    path = tmp_path / "seq.json"
    path.write_text(json.dumps(THREE_STEPS, ensure_ascii=False), encoding="utf-8")
    tag = b.tags.create("来店")
    b.tags.add([cid for cid, _ in shop.friends], [tag])
    n = len(shop.friends)
    with shop.closed():
        imported = otokui(profile, "sequence", "import", str(path))
        assert imported.returncode == 0, imported.stderr
        sid = imported.stdout.strip().splitlines()[-1]
    shop.book.sequences.clock = lambda: T0
    assert shop.book.sequences.start(int(sid), [c for c, _ in shop.friends], cause="t") == n
    times = [T0 + dt.timedelta(minutes=10), T0 + dt.timedelta(days=1, minutes=1),
             dt.datetime(2026, 12, 4, 2, 0)]
    with shop.closed():
        for step, now in enumerate(times, start=1):
            run_due_killed(shop, profile, now, step)
            # Between steps: the process is gone; a later run finishes the step.
            done = otokui(profile, "sequence", "run-due", "--now", now.isoformat())
            assert done.returncode == 0, done.stderr
            assert [len(steps_received(shop, u)) for _, u in shop.friends] == [step] * n
            # The clock jumping back sends nothing.
            back = otokui(profile, "sequence", "run-due", "--now",
                          (now - dt.timedelta(days=5)).isoformat())
            assert back.returncode == 0, back.stderr
            assert back.stdout.strip().splitlines()[-1] == "0", back.stdout
        listed = otokui(profile, "sequence", "list")
    assert f"{sid}\t3 steps\t0 running\t{n} done\t0 stopped\t{THREE_STEPS['name']}" \
        in listed.stdout
    for _, uid in shop.friends:
        assert steps_received(shop, uid) == STEP_TEXTS
    assert pushes(shop) == 3 * n
