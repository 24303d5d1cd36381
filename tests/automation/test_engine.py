"""The rules engine on a real book: once per event, chains bounded, loops refused at
save, broken rules do not run, try changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.automation.engine import run_pending
from app.automation.service import RuleService
from app.errors import ValidationError
from app.store.models import DomainEvent, TimelineEvent


def _tags(book, cid: int) -> set[str]:
    names = {t.id: t.name for t in book.tags.list()}
    return {names[t] for t in book.customers.tag_ids_of(cid)}


def _unhandled(book) -> int:
    with book.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(DomainEvent)
                            .where(DomainEvent.handled_at.is_(None))) or 0)


def test_tag_added_chains_to_another_rule_once(book) -> None:
    rules = RuleService(book)
    cid = book.customers.create(display_name="佐藤 花子")
    book.tags.create("来店")
    r1 = rules.save({"name": "来店でポイント", "enabled": True,
                     "when": {"kind": "tag_added", "tag": "来店"},
                     "then": [{"kind": "add_tag", "tag": "常連候補"},
                              {"kind": "set_status", "status": "in_progress"}]})
    r2 = rules.save({"name": "常連候補に通知", "enabled": True,
                     "when": {"kind": "tag_added", "tag": "常連候補"},
                     "then": [{"kind": "notify", "text": "常連候補が増えました"}]})
    book.tags.add([cid], [next(t.id for t in book.tags.list() if t.name == "来店")])
    report = run_pending(book, send=False)
    assert _tags(book, cid) == {"来店", "常連候補"}
    assert report.fired == 2 and report.notices == [(cid, "常連候補が増えました")]
    assert book.messages.conversation(cid).status == "in_progress"
    assert _unhandled(book) == 0
    counts = {r.id: (r.fired, r.actions_done) for r in rules.list()}
    assert counts == {r1: (1, 2), r2: (1, 1)}
    with book.db.read() as s:
        lines = [t.data for t in s.scalars(select(TimelineEvent).where(
            TimelineEvent.customer_id == cid, TimelineEvent.kind == "rule_action"))]
    assert {"rule": "来店でポイント", "rule_id": r1, "action": "add_tag",
            "tag": "常連候補"} in lines
    # Again: nothing pending, nothing done twice.
    assert run_pending(book, send=False).fired == 0
    assert {r.id: (r.fired, r.actions_done) for r in rules.list()} == counts


def test_loops_are_refused_when_saved(book) -> None:
    rules = RuleService(book)
    rules.save({"name": "A", "when": {"kind": "tag_added", "tag": "a"},
                "then": [{"kind": "add_tag", "tag": "b"}]})
    with pytest.raises(ValidationError) as info:
        rules.save({"name": "B", "when": {"kind": "tag_added", "tag": "b"},
                    "then": [{"kind": "add_tag", "tag": "a"}]})
    assert "loop" in info.value.one_line()
    with pytest.raises(ValidationError):  # itself
        rules.save({"name": "C", "when": {"kind": "tag_added", "tag": "c"},
                    "then": [{"kind": "remove_tag", "tag": "x"},
                             {"kind": "add_tag", "tag": "c"}]})
    assert [r.name for r in rules.list()] == ["A"]


def test_bad_rules_are_refused(book) -> None:
    rules = RuleService(book)
    for bad in (
        {"name": "k", "when": {"kind": "keyword", "words": []}, "then": [
            {"kind": "add_tag", "tag": "x"}]},
        {"name": "k", "when": {"kind": "keyword", "words": [" ", ""]}, "then": [
            {"kind": "add_tag", "tag": "x"}]},
        {"name": "k", "when": {"kind": "follow"}, "then": []},
        {"name": "k", "when": {"kind": "sunrise"}, "then": [{"kind": "add_tag", "tag": "x"}]},
        {"name": "k", "when": {"kind": "follow"}, "then": [{"kind": "explode"}]},
        {"name": "k", "when": {"kind": "follow"}, "if": {"segment": "ない"},
         "then": [{"kind": "add_tag", "tag": "x"}]},
        {"name": "k", "when": {"kind": "follow"},
         "then": [{"kind": "add_points", "field": "ない", "points": 3}]},
        {"name": "", "when": {"kind": "follow"}, "then": [{"kind": "add_tag", "tag": "x"}]},
    ):
        with pytest.raises(ValidationError):
            rules.save(bad)
    assert rules.list() == []


def test_a_rule_using_a_deleted_tag_is_broken_and_does_not_run(book) -> None:
    rules = RuleService(book)
    cid = book.customers.create(display_name="佐藤 花子")
    book.tags.create("来店")
    rid = rules.save({"name": "r", "enabled": True, "when": {"kind": "tag_added", "tag": "来店"},
                      "then": [{"kind": "add_tag", "tag": "消える"}]})
    assert rules.get(rid).broken is None
    book.tags.delete(next(t.id for t in book.tags.list() if t.name == "消える"))
    assert rules.get(rid).broken == "A tag it uses was deleted."
    book.tags.add([cid], [next(t.id for t in book.tags.list() if t.name == "来店")])
    assert run_pending(book, send=False).fired == 0
    assert _tags(book, cid) == {"来店"}
    assert _unhandled(book) == 0


def test_condition_and_try_change_nothing(book) -> None:
    rules = RuleService(book)
    vip = book.customers.create(display_name="VIP 様")
    other = book.customers.create(display_name="一見 様")
    tid = book.tags.create("VIP")
    book.tags.add([vip], [tid])
    book.segments.save("VIPの方", _tag_condition(tid))
    rid = rules.save({"name": "VIPに名前", "enabled": True,
                      "when": {"kind": "field_changed", "field": "memo"},
                      "if": {"segment": "VIPの方"},
                      "then": [{"kind": "add_tag", "tag": "要対応"}]})
    run_pending(book, send=False)  # the tag event above: no rule for it
    before = book.audit.timeline(vip)
    tried = rules.try_on(rid, vip)
    assert tried.condition_holds and tried.actions == ("ルール「VIPに名前」でタグ「要対応」を追加",)
    assert not rules.try_on(rid, other).condition_holds
    assert [t.id for t in book.audit.timeline(vip)] == [t.id for t in before]
    assert _unhandled(book) == 0
    book.customers.update(vip, memo="よく来る")
    book.customers.update(other, memo="初めて")
    run_pending(book, send=False)
    assert "要対応" in _tags(book, vip) and "要対応" not in _tags(book, other)


def _tag_condition(tid: int):
    from app.segments.model import Group, TagCondition

    return Group("and", (TagCondition("any", (tid,)),))
