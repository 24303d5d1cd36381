"""Tag and points actions wait in the batch and are written in bulk
(app/automation/bulk.py); what the rules do must be what they did one by one: every
condition and every other action sees what earlier firings did."""

from __future__ import annotations

from sqlalchemy import select

from app import domain_events as de
from app.automation.engine import run_pending
from app.automation.service import RuleService
from app.segments.model import Group, TagCondition
from app.store.models import DomainEvent, PointsEntry
from app.store.models_rules import RuleSend


def _tags(book, cid: int) -> set[str]:
    names = {t.id: t.name for t in book.tags.list()}
    return {names[t] for t in book.customers.tag_ids_of(cid)}


def _events(book, kind: str) -> list[tuple[int | None, int]]:
    with book.db.read() as s:
        return [(e.customer_id, e.data["tag_id"]) for e in s.scalars(
            select(DomainEvent).where(DomainEvent.kind == kind).order_by(DomainEvent.id))]


def test_a_tag_added_then_removed_in_one_batch_ends_removed(book) -> None:
    rules = RuleService(book)
    fresh = book.customers.create(display_name="初めて 様")
    had = book.customers.create(display_name="常連 様")
    visit, trial = book.tags.create("来店"), book.tags.create("お試し")
    book.tags.add([had], [trial])
    rules.save({"name": "お試しを付ける", "enabled": True,
                "when": {"kind": "tag_added", "tag": "来店"},
                "then": [{"kind": "add_tag", "tag": "お試し"}]})
    rules.save({"name": "お試しを外す", "enabled": True,
                "when": {"kind": "tag_added", "tag": "来店"},
                "then": [{"kind": "remove_tag", "tag": "お試し"}]})
    run_pending(book, send=False)  # the earlier tag event: no rule for it
    book.tags.add([fresh, had], [visit])
    report = run_pending(book, send=False)
    assert report.fired == 4
    assert _tags(book, fresh) == {"来店"} and _tags(book, had) == {"来店"}
    # As one by one: the fresh customer got the tag and lost it (both happened), the
    # other already had it (no second "added") and lost it.
    assert (fresh, trial) in _events(book, de.TAG_ADDED)
    assert _events(book, de.TAG_ADDED).count((had, trial)) == 1  # the owner's, before
    assert {(fresh, trial), (had, trial)} <= set(_events(book, de.TAG_REMOVED))


def test_a_condition_sees_the_tag_an_earlier_rule_added(book) -> None:
    rules = RuleService(book)
    cid = book.customers.create(display_name="山田 様")
    visit, vip = book.tags.create("来店"), book.tags.create("VIP")
    book.segments.save("VIPの方", Group("and", (TagCondition("any", (vip,)),)))
    rules.save({"name": "VIPにする", "enabled": True,
                "when": {"kind": "tag_added", "tag": "来店"},
                "then": [{"kind": "add_tag", "tag": "VIP"}]})
    rules.save({"name": "VIPならお知らせ", "enabled": True,
                "when": {"kind": "tag_added", "tag": "来店"}, "if": {"segment": "VIPの方"},
                "then": [{"kind": "notify", "text": "VIPが来店"}]})
    run_pending(book, send=False)
    book.tags.add([cid], [visit])
    report = run_pending(book, send=False)
    assert report.notices == [(cid, "VIPが来店")]


def test_a_message_shows_points_added_earlier_in_the_batch(book) -> None:
    rules = RuleService(book)
    ids = [book.customers.create(display_name=f"客{i}") for i in range(3)]
    visit = book.tags.create("来店")
    points = book.fields.create("ポイント", "points")
    for n in (5, 2):
        rules.save({"name": f"{n}ポイント", "enabled": True,
                    "when": {"kind": "tag_added", "tag": "来店"},
                    "then": [{"kind": "add_points", "field": "ポイント", "points": n}]})
    rules.save({"name": "残高のお知らせ", "enabled": True,
                "when": {"kind": "tag_added", "tag": "来店"},
                "then": [{"kind": "send", "text": "ただいま{項目:ポイント}ポイントです"}]})
    run_pending(book, send=False)
    book.tags.add(ids, [visit])
    run_pending(book, send=False)
    with book.db.read() as s:
        texts = sorted(s.scalars(select(RuleSend.text)))
        entries = sorted((e.customer_id, e.delta) for e in s.scalars(select(PointsEntry)))
        changed = [e.customer_id for e in s.scalars(select(DomainEvent).where(
            DomainEvent.kind == de.FIELD_CHANGED))]
    assert texts == ["ただいま7ポイントです"] * 3
    assert entries == sorted((cid, n) for cid in ids for n in (5, 2))
    assert sorted(changed) == sorted(ids * 2)
    assert all(book.fields.values_of(cid)[points] == 7 for cid in ids)


def test_a_tag_removed_then_added_again_ends_added(book) -> None:
    """Order kept across customers: another customer's add waits in the batch when this
    one's remove and add come; the add after the remove must win."""
    rules = RuleService(book)
    first, second = (book.customers.create(display_name=n) for n in ("一番 様", "二番 様"))
    visit, again = book.tags.create("来店"), book.tags.create("再来")
    trial = book.tags.create("お試し")
    book.tags.add([second], [trial])
    rules.save({"name": "来店でお試し", "enabled": True,
                "when": {"kind": "tag_added", "tag": "来店"},
                "then": [{"kind": "add_tag", "tag": "お試し"}]})
    rules.save({"name": "再来で外す", "enabled": True,
                "when": {"kind": "tag_added", "tag": "再来"},
                "then": [{"kind": "remove_tag", "tag": "お試し"}]})
    rules.save({"name": "再来で付け直す", "enabled": True,
                "when": {"kind": "tag_added", "tag": "再来"},
                "then": [{"kind": "add_tag", "tag": "お試し"}]})
    run_pending(book, send=False)
    book.tags.add([first], [visit])
    book.tags.add([second], [again])
    assert run_pending(book, send=False).fired == 3
    assert _tags(book, first) == {"来店", "お試し"}
    assert _tags(book, second) == {"再来", "お試し"}
    assert (second, trial) in _events(book, de.TAG_REMOVED)


def test_the_rules_are_read_again_when_they_or_what_they_name_change(book) -> None:
    """The active rules are kept across a run's batches (_RulesMemo) only while nothing
    they depend on changed: a rule switched off, or a tag it names deleted, between two
    batches is seen by the next one."""
    from app.automation.engine import _RulesMemo

    rules = RuleService(book)
    book.tags.create("来店")
    gone = book.tags.create("消える")
    keep = rules.save({"name": "残る", "enabled": True,
                       "when": {"kind": "tag_added", "tag": "来店"},
                       "then": [{"kind": "notify", "text": "来店"}]})
    doomed = rules.save({"name": "壊れる", "enabled": True,
                         "when": {"kind": "tag_added", "tag": "来店"},
                         "then": [{"kind": "add_tag", "tag": "消える"}]})
    off = rules.save({"name": "止める", "enabled": True,
                      "when": {"kind": "follow", "new": True},
                      "then": [{"kind": "notify", "text": "ようこそ"}]})
    memo = _RulesMemo()

    def active() -> set[int]:
        with book.db.read() as s:
            return {r.id for kind in memo.get(s).values() for r in kind}

    assert active() == {keep, doomed, off}
    rules.set_enabled(off, False)
    assert active() == {keep, doomed}
    book.tags.delete(gone)
    assert active() == {keep}


def test_a_message_naming_no_field_reads_only_names(book) -> None:
    """A message whose placeholders are names only needs no field values and nothing
    waiting written first (placeholders.reads_fields); it says the same either way."""
    from app import placeholders

    cid = book.customers.create(display_name="はなこ", name="山田 花子")
    book.fields.create("ポイント", "points")
    for text in ("{名前}様", "{表示名}さん、{項目:ポイント}pt", "こんにちは {未知}"):
        with book.db.read() as s:
            full = placeholders.load_values(s, [cid])[cid]
            names = placeholders.load_values(s, [cid], fields=False)[cid]
        assert placeholders.reads_fields(text) == ("項目" in text)
        if not placeholders.reads_fields(text):
            assert (placeholders.render(text, names) == placeholders.render(text, full))
    rules = RuleService(book)
    visit = book.tags.create("来店")
    rules.save({"name": "印", "enabled": True, "when": {"kind": "tag_added", "tag": "来店"},
                "then": [{"kind": "add_tag", "tag": "印"},
                         {"kind": "send", "text": "{名前}様、ありがとうございます"}]})
    run_pending(book, send=False)
    book.tags.add([cid], [visit])
    run_pending(book, send=False)
    with book.db.read() as s:
        assert list(s.scalars(select(RuleSend.text))) == ["山田 花子様、ありがとうございます"]
    assert _tags(book, cid) == {"来店", "印"}
