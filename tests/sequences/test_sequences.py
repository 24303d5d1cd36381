"""Step sequences on a fake clock against the emulator: each step once, in order."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationError
from tests.sequences.conftest import T0, THREE_STEPS, Shop

STEP_TEXTS = ["1通目", "2通目", "3通目"]


def steps_received(shop: Shop, uid: str) -> list[str]:
    """Which steps reached ``uid``, in arrival order (one entry per request)."""
    out = []
    for texts in shop.received(uid):
        out += [s for s in STEP_TEXTS if any(s in t for t in texts)]
    return out


def pushes(shop: Shop) -> int:
    return sum(1 for r in shop.e.sent() if r["endpoint"] == "push")


def test_three_steps_reach_each_friend_once_in_order(friends: Shop) -> None:
    shop, b = friends, friends.book
    sid = b.sequences.import_json(THREE_STEPS)
    b.sequences.clock = lambda: T0
    ids = [cid for cid, _ in shop.friends]
    assert b.sequences.start(sid, ids, cause="test") == len(ids)
    assert b.sequences.start(sid, ids, cause="again") == 0  # running: not restarted
    gw = None
    assert b.sequences.due(T0) == []
    assert b.sequences.run_due(T0 + dt.timedelta(minutes=9), gw).sent == 0
    report = b.sequences.run_due(T0 + dt.timedelta(minutes=10), gw)
    assert report.sent == len(ids) and report.interrupted is None
    # Run again at the same time, and after the clock jumped back: nothing more.
    assert b.sequences.run_due(T0 + dt.timedelta(minutes=10), gw).sent == 0
    assert b.sequences.run_due(T0 - dt.timedelta(days=2), gw).sent == 0
    assert pushes(shop) == len(ids)
    # 2 days later: steps 2 and 3? Step 3 is day 3 at 10:00 JST (12-04 01:00 UTC): only 2.
    assert b.sequences.run_due(T0 + dt.timedelta(days=2), gw).sent == len(ids)
    assert b.sequences.run_due(dt.datetime(2026, 12, 4, 0, 59), gw).sent == 0
    done = b.sequences.run_due(dt.datetime(2026, 12, 4, 1, 0), gw)
    assert done.sent == len(ids) and done.finished == len(ids)
    assert b.sequences.run_due(dt.datetime(2027, 1, 1), gw).sent == 0
    assert pushes(shop) == 3 * len(ids)
    for cid, uid in shop.friends:
        assert steps_received(shop, uid) == STEP_TEXTS
        c = b.customers.get(cid)
        first = shop.received(uid)[0][0]
        assert first.startswith(f"{c.name or c.display_name}様")  # placeholder rendered
        kinds = [e.kind for e in b.audit.timeline(cid)]
        assert kinds.count("sequence_step_sent") == 3 and "sequence_started" in kinds
    info = b.sequences.get(sid)
    assert (info.running, info.done) == (0, len(ids))
    assert [p.steps_sent for p in b.sequences.progress(sid)] == [3] * len(ids)


def test_stop_conditions_tag_block_reply_and_by_hand(friends: Shop) -> None:
    shop, b = friends, friends.book
    tag = b.tags.create("予約済み")
    data = {**THREE_STEPS, "stop_on": {"tags": ["予約済み"], "block": True, "reply": True}}
    sid = b.sequences.import_json(data)
    b.sequences.clock = lambda: T0
    (c_tag, _), (c_block, u_block), (c_reply, u_reply), (c_hand, _), (c_on, u_on) = \
        shop.friends[:5]
    assert b.sequences.start(sid, [c_tag, c_block, c_reply, c_hand, c_on], cause="t") == 5
    b.tags.add([c_tag], [tag])
    shop.e.block(u_block)
    shop.e.send_text(u_reply, "予約したいです")
    shop.sync()
    assert b.sequences.stop(sid, [c_hand], cause="owner") == 1
    report = b.sequences.run_due(T0 + dt.timedelta(hours=1))
    assert (report.sent, report.stopped) == (1, 3)
    assert steps_received(shop, u_on) == ["1通目"]
    assert steps_received(shop, u_reply) == [] and steps_received(shop, u_block) == []
    reasons = {p.customer_id: p.stop_reason for p in b.sequences.progress(sid)}
    assert reasons == {c_tag: "tag", c_block: "blocked", c_reply: "reply", c_hand: "stopped",
                       c_on: None}
    # Started again after a stop: from the first step.
    b.sequences.clock = lambda: T0 + dt.timedelta(days=10)
    assert b.sequences.start(sid, [c_hand], cause="again") == 1
    b.sequences.run_due(T0 + dt.timedelta(days=10, minutes=10))
    assert steps_received(shop, dict(shop.friends)[c_hand]) == ["1通目"]


def test_editing_a_running_sequence_keeps_each_friends_place(friends: Shop) -> None:
    shop, b = friends, friends.book
    sid = b.sequences.import_json(THREE_STEPS)
    b.sequences.clock = lambda: T0
    cid, uid = shop.friends[0]
    b.sequences.start(sid, [cid], cause="t")
    b.sequences.run_due(T0 + dt.timedelta(minutes=10))
    edited = {**THREE_STEPS, "steps": [
        {"after": {"minutes": 10}, "text": "新1通目"},
        {"after": {"hours": 5}, "text": "新しい2通目"},
        {"after": {"days": 2}, "text": "新しい3通目"}]}
    assert b.sequences.import_json(edited) == sid  # same name: a new version
    assert b.sequences.get(sid).version == 2
    b.sequences.run_due(T0 + dt.timedelta(days=3))
    texts = [t[0] for t in shop.received(uid)]
    assert texts[1:] == ["新しい2通目", "新しい3通目"] and "1通目" in texts[0]


def test_accepted_but_answer_lost_is_sent_once(friends: Shop) -> None:
    shop, b = friends, friends.book
    sid = b.sequences.import_json(THREE_STEPS)
    b.sequences.clock = lambda: T0
    cid, uid = shop.friends[0]
    b.sequences.start(sid, [cid], cause="t")
    shop.e.inject_fault("push", "accept_then_drop")
    assert b.sequences.run_due(T0 + dt.timedelta(minutes=10)).sent == 1
    assert steps_received(shop, uid) == ["1通目"]


def test_quota_stops_and_resumes_later(friends: Shop) -> None:
    shop, b = friends, friends.book
    sid = b.sequences.import_json(THREE_STEPS)
    b.sequences.clock = lambda: T0
    ids = [cid for cid, _ in shop.friends[:4]]
    b.sequences.start(sid, ids, cause="t")
    shop.e.set_quota(type="limited", value=2, total_usage=0)
    r = b.sequences.run_due(T0 + dt.timedelta(minutes=10))
    assert (r.sent, r.interrupted) == (2, "quota")
    shop.e.set_quota(type="limited", value=100, total_usage=2)
    assert b.sequences.run_due(T0 + dt.timedelta(minutes=11)).sent == 2
    assert [steps_received(shop, u) for _, u in shop.friends[:4]] == [["1通目"]] * 4


@pytest.mark.parametrize("bad", [
    {"name": "x", "steps": []},
    {"name": "x", "steps": [{"after": {"weeks": 1}, "text": "a"}]},
    {"name": "x", "steps": [{"after": {"day": 1, "at": "25:00"}, "text": "a"}]},
    {"name": "x", "steps": [{"after": {"hours": 1}, "text": " "}]},
    {"name": "x", "steps": [{"after": {"hours": 1}, "text": "a"}], "stop_on": {"tags": ["無い"]}},
])
def test_bad_definitions_are_refused(friends: Shop, bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        friends.book.sequences.import_json(bad)
    assert friends.book.sequences.list() == []


def test_the_demo_sequence_runs_on_three_friends(friends: Shop) -> None:
    from app.sequences.demo import add_demo_sequence

    shop, b = friends, friends.book
    b.sequences.clock = lambda: T0
    sid = add_demo_sequence(b, [uid for _, uid in shop.friends])
    assert b.sequences.get(sid).running == 3
    assert b.sequences.run_due(T0 + dt.timedelta(minutes=3)).sent == 9
    assert b.sequences.get(sid).done == 3
