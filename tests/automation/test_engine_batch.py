"""The engine's batch: one savepoint for all its firings, and when an action fails, the
batch run again one firing per savepoint so that only the failing firing is left out
(its timeline line and stored message with it)."""

from __future__ import annotations

from sqlalchemy import select

from app.automation.engine import run_pending
from app.automation.service import RuleService
from app.store.models import FieldValue, PointsEntry, TimelineEvent
from app.store.models_rules import RuleSend


def _lines(book) -> list[tuple[int, str, str]]:
    with book.db.read() as s:
        return sorted((t.customer_id, t.data["rule"], t.data["action"]) for t in s.scalars(
            select(TimelineEvent).where(TimelineEvent.kind == "rule_action")))


def test_a_failing_action_leaves_out_its_firing_only(book) -> None:
    rules = RuleService(book)
    ids = [book.customers.create(display_name=f"客{i}") for i in range(3)]
    visit = book.tags.create("来店")
    size = book.fields.create("サイズ", "single_choice", choices=["S", "M"])
    book.fields.create("ポイント", "points")
    bad = rules.save({"name": "サイズをSに", "enabled": True,
                      "when": {"kind": "tag_added", "tag": "来店"},
                      "then": [{"kind": "send", "text": "S サイズですね"},
                               {"kind": "set_field", "field": "サイズ", "value": "S"}]})
    good = rules.save({"name": "来店ポイント", "enabled": True,
                       "when": {"kind": "tag_added", "tag": "来店"},
                       "then": [{"kind": "add_points", "field": "ポイント", "points": 5},
                                {"kind": "send", "text": "5ポイント"}]})
    book.fields.update(size, choices=["M"])  # "S" is refused from now on, when it runs
    book.tags.add(ids, [visit])
    report = run_pending(book, send=False)
    assert (report.fired, report.failed) == (3, 3)
    assert _lines(book) == sorted(
        [(cid, "来店ポイント", a) for cid in ids for a in ("add_points", "send")])
    with book.db.read() as s:
        assert sorted((r.customer_id, r.text) for r in s.scalars(select(RuleSend))) == \
            [(cid, "5ポイント") for cid in ids]
        assert sorted(s.scalars(select(FieldValue.num_value))) == [5.0] * 3
        assert len(list(s.scalars(select(PointsEntry)))) == 3
    counts = {r.id: (r.fired, r.actions_done) for r in rules.list()}
    assert counts == {bad: (0, 0), good: (3, 6)}
    # Points added twice in one batch (two rules) land on the one balance.
    rules.save({"name": "来店ポイント2", "enabled": True,
                "when": {"kind": "tag_added", "tag": "来店"},
                "then": [{"kind": "add_points", "field": "ポイント", "points": 2}]})
    book.tags.remove(ids[:1], [visit])
    book.tags.add(ids[:1], [visit])
    run_pending(book, send=False)
    assert book.fields.values_of(ids[0])[book.fields.by_name()["ポイント"].id] == 12
