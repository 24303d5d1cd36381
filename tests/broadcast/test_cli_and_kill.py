"""``python main.py broadcast``: end to end, and killed with SIGKILL midway then resumed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from app.profile import Profile
from tests.broadcast.conftest import FRIENDS, Shop
from tests.sync.support import PASSPHRASE, wait_until

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(ROOT)}
TEXT = "臨時休業のお知らせ：12月30日はお休みします"


def otokui(profile: Profile, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", "--profile", str(profile.root), *args],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("text", "endpoint"), [
    (TEXT, "multicast"),
    ("{名前}様 " + TEXT, "push"),
], ids=["multicast", "personalised-push"])
def test_killed_midway_and_resumed_everyone_gets_it_once(
        shop: Shop, profile: Profile, text: str, endpoint: str) -> None:
    e = shop.e
    # LINE's limit held very low for now, so the kill lands in the middle of the job
    # (the sender rides the 429s out until it is killed).
    e.configure_rate_limits({endpoint: [3, 60.0]})
    with shop.closed():
        proc = subprocess.Popen(
            [sys.executable, "main.py", "--profile", str(profile.root), "broadcast", "--all",
             "--text", text], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: any(r["endpoint"] == endpoint for r in e.sent()), timeout=60,
                       what="a first accepted request")
            time.sleep(0.2)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        before = Counter(shop.times_received(TEXT).values())
        assert before[1] >= 1 and before[0] >= 1 and set(before) == {0, 1}

        e.configure_rate_limits({endpoint: [200 if endpoint == "multicast" else 2000, 1.0]})
        done = otokui(profile, "broadcast", "--resume")
    assert done.returncode == 0, done.stderr
    assert f"done: {FRIENDS} recipients, {FRIENDS} sent, 0 failed, 0 skipped, 0 not sent" \
        in done.stdout
    assert set(shop.times_received(TEXT).values()) == {1}
    assert e.quota()["totalUsage"] == FRIENDS
    # Nothing left: resuming again sends nothing.
    assert shop.book.broadcasts.resume_all() == []
    assert set(shop.times_received(TEXT).values()) == {1}


def test_cli_by_tag_scheduled_and_bad_input(small_shop: Shop, profile: Profile) -> None:
    shop = small_shop
    b = shop.book
    tag = b.tags.create("常連")
    regulars = [cid for cid, _ in shop.friends[:25]]
    b.tags.add(regulars, [tag])
    uids = dict(shop.friends)

    with shop.closed():
        run = otokui(profile, "broadcast", "--tag", "常連", "--text", TEXT, "--text",
                     "{名前}様")
    assert run.returncode == 0, run.stderr
    assert "25 recipients, cost 25 messages" in run.stdout
    assert "done: 25 recipients, 25 sent, 0 failed, 0 skipped, 0 not sent." in run.stdout
    for cid in regulars:
        c = shop.book.customers.get(cid)
        assert shop.received(uids[cid]) == [[TEXT, f"{c.name or c.display_name}様"]]

    with shop.closed():
        later = otokui(profile, "broadcast", "--all", "--text", TEXT, "--at",
                       "2099-01-01T09:00")
    assert later.returncode == 0, later.stderr
    assert "scheduled for 2099-01-01T09:00" in later.stdout
    assert shop.book.broadcasts.list()[0].state == "scheduled"

    with shop.closed():
        for args, said in (
                (["--segment", "ない", "--text", TEXT], "(segment)"),
                (["--all", "--text", TEXT, "--at", "明日"], "ISO")):
            bad = otokui(profile, "broadcast", *args)
            assert bad.returncode == 1, (args, bad.stdout)
            assert said in bad.stderr
    e_sent = [r for r in shop.e.sent() if r["endpoint"] in ("push", "multicast")]
    assert len(e_sent) == 25
