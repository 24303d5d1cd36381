"""Instant rules (app/automation/instant.py) on a real book: what may be instant, what the
relay is given, and how a rule's message waiting for the relay is decided."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from app.automation import instant
from app.automation.engine import run_pending
from app.automation.service import RuleService
from app.autopilot.client import KEY_ON, KEY_REPUBLISH, AutopilotClient
from app.errors import ValidationError
from app.store.models import utcnow
from app.store.models_autopilot import AutopilotSent
from app.store.models_rules import RuleSend

GREETING: dict[str, Any] = {
    "name": "あいさつ", "enabled": True, "instant": True, "when": {"kind": "follow"},
    "then": [{"kind": "send", "text": "{表示名}さん、ようこそ!"},
             {"kind": "add_tag", "tag": "新しい友だち"}]}


def _rule(**changes: Any) -> dict[str, Any]:
    return {**GREETING, **changes}


@pytest.mark.parametrize("raw", [
    _rule(when={"kind": "tag_added", "tag": "新しい友だち"},
          then=[{"kind": "send", "text": "x"}]),
    _rule(when={"kind": "follow", "unblocked": False}),
    _rule(when={"kind": "keyword", "words": [f"語{i}" for i in range(21)]}),
    _rule(**{"if": {"condition": {"version": 1, "root": {"group": "and", "items": []}}}}),
    _rule(then=[{"kind": "add_tag", "tag": "新しい友だち"}]),
    _rule(then=[{"kind": "send", "text": "一通目"}, {"kind": "send", "text": "二通目"}]),
    _rule(then=[{"kind": "send", "text": "{名前}様、ようこそ"}]),
    _rule(then=[{"kind": "send", "text": "{項目:会員番号}"}]),
    _rule(then=[{"kind": "send", "text": "記号 {なにか} は送れない"}]),
], ids=["tag-trigger", "follow-new-only", "21-keywords", "if", "no-send", "two-sends",
        "name-placeholder", "field-placeholder", "unknown-brace"])
def test_what_the_relay_cannot_answer_alone_is_refused(book, raw: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        RuleService(book).save(raw)
    assert RuleService(book).list() == []


def test_instant_rules_become_the_relays_replies(book) -> None:
    rules = RuleService(book)
    greet = rules.save(GREETING)
    hours = rules.save({"name": "営業時間", "enabled": True, "instant": True,
                        "when": {"kind": "keyword", "words": ["営業時間", "何時"],
                                 "match": "any"},
                        "then": [{"kind": "send", "text": "10時〜19時です。{LINE名}さん"}]})
    rules.save({"name": "ふつうのルール", "enabled": True,
                "when": {"kind": "keyword", "words": ["予約"]},
                "then": [{"kind": "send", "text": "{名前}様、ご予約ですね"}]})
    off = rules.save({**GREETING, "name": "止めたあいさつ", "enabled": False})
    assert rules.get(greet).spec["instant"] is True
    assert instant.replies(book) == [
        {"id": f"rule-{greet}", "kind": "follow", "text": "{name}さん、ようこそ!"},
        {"id": f"rule-{hours}", "kind": "keyword", "text": "10時〜19時です。{name}さん",
         "keywords": ["営業時間", "何時"], "match": "any"}]
    # The shop's own replies come first; the relay answers with the first that matches.
    book.settings.set("autopilot.replies", [{"id": "own", "kind": "follow", "text": "どうも"}])
    assert [r["id"] for r in AutopilotClient(book).published()] == [
        "own", f"rule-{greet}", f"rule-{hours}"]
    assert f"rule-{off}" not in {r["id"] for r in instant.replies(book)}


def test_a_rule_change_marks_the_relays_copy_stale_only_while_the_autopilot_is_on(book):
    rules = RuleService(book)
    rid = rules.save(GREETING)
    assert not book.settings.get(KEY_REPUBLISH, False)
    book.settings.set(KEY_ON, True)
    rules.set_enabled(rid, False)
    assert book.settings.get(KEY_REPUBLISH, False) is True


def _follow_with_greeting(book, *, autopilot: bool) -> tuple[int, str]:
    """A friend follows (a LINE event, as the sync emits it); the rules run."""
    from app import domain_events

    book.settings.set(KEY_ON, autopilot)
    RuleService(book).save(GREETING)
    cid = book.customers.create(display_name="ゆきこ")
    with book.db.write() as s:
        domain_events.emit(s, domain_events.FRIEND_FOLLOWED, key="line:WEBHOOKEVENT1",
                           customer_id=cid, data={"again": False})
    run_pending(book, send=False)
    with book.db.read() as s:
        row = s.scalars(select(RuleSend)).one()
        return row.id, row.state


def _state(book, rid: int) -> str:
    with book.db.read() as s:
        send = s.get(RuleSend, rid)
        assert send is not None
        return send.state


def _relay_said(book, state: str, reply_id: str | None) -> None:
    with book.db.write() as s:
        s.add(AutopilotSent(webhook_event_id="WEBHOOKEVENT1", line_user_id=None, state=state,
                            reply_id=reply_id, text="", at_ms=0, applied=False))


def test_without_the_autopilot_the_message_is_pending_as_any_other(book) -> None:
    _rid, state = _follow_with_greeting(book, autopilot=False)
    assert state == "pending"


@pytest.mark.parametrize(("word", "expected"), [
    (("sent", "ours"), instant.SENT_BY_RELAY),
    (("unknown", "ours"), instant.SENT_BY_RELAY),
    (("unknown", None), instant.SENT_BY_RELAY),  # the relay lost which: never risk two
    (("failed", "ours"), "pending"),
    (("sent", "own"), "pending"),  # the relay answered with the shop's own reply
])
def test_the_relays_word_decides_who_sends(book, word: tuple[str, str | None],
                                           expected: str) -> None:
    rid, state = _follow_with_greeting(book, autopilot=True)
    assert state == instant.WAITING
    rule_id = RuleService(book).list()[0].id
    reply = {"ours": instant.reply_id(rule_id), "own": "own", None: None}[word[1]]
    _relay_said(book, word[0], reply)
    assert instant.settle(book) == 1
    assert _state(book, rid) == expected


def test_no_word_from_the_relay_in_time_the_desktop_sends(book) -> None:
    rid, _ = _follow_with_greeting(book, autopilot=True)
    soon = utcnow() + instant.RELAY_WAIT - dt.timedelta(seconds=5)
    assert instant.settle(book, soon) == 0
    assert _state(book, rid) == instant.WAITING
    assert instant.settle(book, utcnow() + instant.RELAY_WAIT) == 1
    assert _state(book, rid) == "pending"
    # A word arriving later changes nothing: the desktop has it now.
    _relay_said(book, "sent", instant.reply_id(RuleService(book).list()[0].id))
    assert instant.settle(book) == 0
    assert _state(book, rid) == "pending"


def test_an_event_the_relay_never_saw_is_not_left_to_it(book) -> None:
    """A follow added by hand (not from LINE): the relay cannot have answered it."""
    from app import domain_events

    book.settings.set(KEY_ON, True)
    RuleService(book).save(GREETING)
    cid = book.customers.create(display_name="手入力")
    with book.db.write() as s:
        domain_events.emit(s, domain_events.FRIEND_FOLLOWED, key="manual:1",
                           customer_id=cid)
    run_pending(book, send=False)
    with book.db.read() as s:
        assert s.scalars(select(RuleSend.state)).one() == "pending"


def test_the_command_line_imports_and_lists_an_instant_rule(tmp_path) -> None:
    import json

    from tests.core.test_cli import otokui

    profile = tmp_path / "profile"
    assert otokui(profile, "init").returncode == 0
    path = tmp_path / "greeting.json"
    path.write_text(json.dumps(GREETING, ensure_ascii=False), "utf-8")
    imported = otokui(profile, "rule", "import", str(path))
    assert imported.returncode == 0, imported.stderr
    rid = imported.stdout.strip().splitlines()[-1]
    listed = otokui(profile, "rule", "list")
    assert listed.stdout.startswith(f"{rid}\ton (instant)\t0 fired"), listed.stdout
