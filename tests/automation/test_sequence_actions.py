"""Rule actions that start and stop a step sequence: the start commits with the rule's
handling of its event (exactly once, even with the process SIGKILLed inside the batch),
a running friend is not restarted, a deleted sequence makes the rule broken."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.automation.engine import CRASH_HOOK_ENV, run_pending
from app.automation.service import RuleService
from app.customers import CustomerService
from app.errors import ValidationError
from app.profile import Profile
from app.store.models import TimelineEvent
from app.store.models_sequences import SequenceRun
from tests.sync.support import PASSPHRASE
from tests.sync.test_durability import otokui

STEPS = [{"after": {"minutes": 10}, "text": "ありがとうございました"},
         {"after": {"days": 1}, "text": "その後いかがですか？"}]


def _friend(book, n: int = 1) -> int:
    return book.customers.create(display_name=f"友だち{n}", line_user_id=f"U{n:032x}")


def _runs(book, sid: int) -> list[tuple[int, str, int, str]]:
    with book.db.read() as s:
        return [(r.customer_id, r.state, r.round, r.cause) for r in s.scalars(
            select(SequenceRun).where(SequenceRun.sequence_id == sid))]


def test_a_tag_starts_the_sequence_once_and_another_stops_it(book) -> None:
    rules = RuleService(book)
    sid = book.sequences.create("ご来店後フォロー", STEPS)
    cid = _friend(book)
    visit, booked = book.tags.create("来店"), book.tags.create("予約済み")
    start = rules.save({"name": "来店でフォロー開始", "enabled": True,
                        "when": {"kind": "tag_added", "tag": "来店"},
                        "then": [{"kind": "start_sequence", "sequence": "ご来店後フォロー"}]})
    stop = rules.save({"name": "予約でフォロー停止", "enabled": True,
                       "when": {"kind": "tag_added", "tag": "予約済み"},
                       "then": [{"kind": "stop_sequence", "sequence_id": sid}]})
    assert rules.get(start).spec["then"] == [{"kind": "start_sequence", "sequence_id": sid}]
    book.tags.add([cid], [visit])
    assert run_pending(book, send=False).fired == 1
    assert _runs(book, sid) == [(cid, "running", 1, f"rule:{start}")]
    assert run_pending(book, send=False).fired == 0  # handled: not started again
    # The tag again (removed, added): the rule fires, the running friend is not restarted.
    book.tags.remove([cid], [visit])
    book.tags.add([cid], [visit])
    assert run_pending(book, send=False).fired == 1
    assert _runs(book, sid) == [(cid, "running", 1, f"rule:{start}")]
    [p] = book.sequences.progress(sid)
    assert p.state == "running" and p.steps_sent == 0
    book.tags.add([cid], [booked])
    run_pending(book, send=False)
    assert _runs(book, sid)[0][1] == "stopped"
    with book.db.read() as s:
        lines = [t.data for t in s.scalars(select(TimelineEvent).where(
            TimelineEvent.customer_id == cid, TimelineEvent.kind == "rule_action"))]
    assert {"rule": "来店でフォロー開始", "rule_id": start, "action": "start_sequence",
            "sequence": "ご来店後フォロー", "done": 1} in lines
    assert {"rule": "予約でフォロー停止", "rule_id": stop, "action": "stop_sequence",
            "sequence": "ご来店後フォロー", "done": 1} in lines
    assert rules.try_on(start, cid).actions == (
        "ルール「来店でフォロー開始」でステップ配信「ご来店後フォロー」を開始",)


def test_unknown_sequence_refused_and_deleted_one_breaks_the_rule(book) -> None:
    rules = RuleService(book)
    with pytest.raises(ValidationError) as info:
        rules.save({"name": "x", "when": {"kind": "follow"},
                    "then": [{"kind": "start_sequence", "sequence": "ない"}]})
    assert info.value.message == "There is no step sequence with this name."
    sid = book.sequences.create("消える", STEPS)
    rid = rules.save({"name": "x", "enabled": True, "when": {"kind": "tag_added", "tag": "t"},
                      "then": [{"kind": "start_sequence", "sequence_id": sid}]})
    book.sequences.delete(sid)
    assert rules.get(rid).broken == "The step sequence it uses was deleted."
    cid = _friend(book, 2)
    book.tags.add([cid], [next(t.id for t in book.tags.list() if t.name == "t")])
    assert run_pending(book, send=False).fired == 0  # a broken rule does not run


def _started(profile_dir: Path) -> tuple[int, int]:
    """(runs of the sequence, friends' rule_action lines)"""
    book = Profile(profile_dir).open(PASSPHRASE)
    try:
        with book.db.read() as s:
            runs = int(s.scalar(select(func.count()).select_from(SequenceRun)) or 0)
            lines = int(s.scalar(select(func.count()).select_from(TimelineEvent).where(
                TimelineEvent.kind == "rule_action")) or 0)
        return runs, lines
    finally:
        book.close()


def test_killed_inside_the_batch_nothing_started_then_each_once(tmp_path: Path) -> None:
    profile_dir = tmp_path / "profile"
    book = Profile(profile_dir).create(passphrase=PASSPHRASE)
    friends = 600  # more than one batch (500)
    try:
        with book.db.write() as s:
            ids = [CustomerService.create_in(s, {"display_name": f"お客様 {i}",
                                                 "line_user_id": f"U{i:032x}"}).id
                   for i in range(friends)]
        book.sequences.create("ご来店後フォロー", STEPS)
        visit = book.tags.create("来店")
        RuleService(book).save({"name": "来店でフォロー", "enabled": True,
                                "when": {"kind": "tag_added", "tag": "来店"},
                                "then": [{"kind": "start_sequence",
                                          "sequence": "ご来店後フォロー"}]})
        book.tags.add(ids, [visit])
    finally:
        book.close()
    killed = otokui(profile_dir, "rule", "run", **{CRASH_HOOK_ENV: "in_batch"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _started(profile_dir) == (0, 0)  # rolled back with the event's handling
    killed = otokui(profile_dir, "rule", "run", **{CRASH_HOOK_ENV: "after_batch"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _started(profile_dir) == (500, 500)
    done = otokui(profile_dir, "rule", "run")
    assert done.returncode == 0, done.stderr
    assert _started(profile_dir) == (friends, friends)  # each once, none twice
