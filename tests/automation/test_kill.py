"""SIGKILL while the rules run (a real ``main.py rule run`` subprocess killed by itself at
a chosen point, tests' hook): nothing is done twice and nothing is lost."""

from __future__ import annotations

import signal
from pathlib import Path

from sqlalchemy import func, select

from app.automation.engine import CRASH_HOOK_ENV
from app.automation.service import RuleService
from app.customers import CustomerService
from app.profile import Profile
from app.store.models import DomainEvent, FieldValue, PointsEntry
from tests.sync.support import PASSPHRASE
from tests.sync.test_durability import otokui

FRIENDS = 700  # more than one batch (500)


def _state(profile_dir: Path) -> tuple[int, int, list[float], int]:
    """(customers tagged 常連, unhandled events, distinct point balances, point entries)"""
    book = Profile(profile_dir).open(PASSPHRASE)
    try:
        regular = next(t.id for t in book.tags.list() if t.name == "常連")
        tagged = book.tags.counts().get(regular, 0)
        with book.db.read() as s:
            unhandled = int(s.scalar(select(func.count()).select_from(DomainEvent)
                                     .where(DomainEvent.handled_at.is_(None))) or 0)
            balances = sorted({float(v) for v in s.scalars(select(FieldValue.num_value))})
            entries = int(s.scalar(select(func.count()).select_from(PointsEntry)) or 0)
        return tagged, unhandled, balances, entries
    finally:
        book.close()


def test_killed_inside_and_between_batches_nothing_twice(tmp_path: Path) -> None:
    profile_dir = tmp_path / "profile"
    book = Profile(profile_dir).create(passphrase=PASSPHRASE)
    try:
        with book.db.write() as s:
            ids = [CustomerService.create_in(s, {"display_name": f"お客様 {i}"}).id
                   for i in range(FRIENDS)]
        visit = book.tags.create("来店")
        book.tags.create("常連")
        book.fields.create("ポイント", "points")
        RuleService(book).save({
            "name": "来店で常連とポイント", "enabled": True,
            "when": {"kind": "tag_added", "tag": "来店"},
            "then": [{"kind": "add_tag", "tag": "常連"},
                     {"kind": "add_points", "field": "ポイント", "points": 10}]})
        book.tags.add(ids, [visit])  # 700 tag.added events, one transaction
    finally:
        book.close()

    killed = otokui(profile_dir, "rule", "run", **{CRASH_HOOK_ENV: "in_batch"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _state(profile_dir) == (0, FRIENDS, [], 0)  # rolled back whole

    killed = otokui(profile_dir, "rule", "run", **{CRASH_HOOK_ENV: "after_batch"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    tagged, unhandled, balances, entries = _state(profile_dir)
    assert (tagged, balances, entries) == (500, [10.0], 500)
    assert unhandled >= FRIENDS - 500  # the rest, plus what the rule's tags emitted

    done = otokui(profile_dir, "rule", "run")
    assert done.returncode == 0, done.stderr
    assert _state(profile_dir) == (FRIENDS, 0, [10.0], FRIENDS)  # each once, none twice
    book = Profile(profile_dir).open(PASSPHRASE)
    try:
        [info] = RuleService(book).list()
        assert (info.fired, info.actions_done) == (FRIENDS, 2 * FRIENDS)
    finally:
        book.close()
