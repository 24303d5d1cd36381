"""Instant rules end to end (app/automation/instant.py): a real book, the real relay with
its autopilot on loopback, the LINE emulator. Exactly one side sends a rule's message:
the relay when it answered the event, else the desktop."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.automation import instant
from app.automation.engine import send_pending
from app.automation.service import RuleService
from app.autopilot.client import AutopilotClient, publish_if_needed
from app.store.models import utcnow
from app.store.models_rules import RuleSend
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker, wait_until
from tests.sync.test_autopilot import emu_port, line, relay  # noqa: F401 - the fixtures

GREETING: dict[str, Any] = {
    "name": "あいさつ", "enabled": True, "instant": True, "when": {"kind": "follow"},
    "then": [{"kind": "send", "text": "{表示名}さん、ようこそ!"},
             {"kind": "add_tag", "tag": "新しい友だち"}]}


def _count(connected: Connected, endpoint: str) -> int:
    return sum(1 for s in connected.line.emulator.sent() if s.get("endpoint") == endpoint)


def _sends(connected: Connected) -> list[tuple[str, str | None]]:
    with connected.book.db.read() as s:
        return [(r.state, r.via) for r in s.scalars(select(RuleSend).order_by(RuleSend.id))]


def _out_texts(connected: Connected, cid: int) -> list[str]:
    return [m.text for m in connected.book.messages.messages(cid) if m.direction == "out"]


def test_the_relay_greets_and_the_desktop_does_the_rest(connected: Connected) -> None:
    book = connected.book
    RuleService(book).save(GREETING)
    client = AutopilotClient(book)
    client.turn_on()
    assert client.status().replies == 1  # the instant rule, published

    # The desktop is closed: the relay greets by the free reply.
    user = connected.line.emulator.add_user("ゆきこ")
    wait_until(lambda: _count(connected, "reply") == 1, what="the relay's greeting")
    wait_until(lambda: connected.relay.queue_depth() >= 2, what="the event and its reply")

    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(user)
    assert cid is not None
    # The rule's message was the relay's to send: the desktop sent nothing more ...
    assert _sends(connected) == [(instant.SENT_BY_RELAY, "relay")]
    assert (_count(connected, "reply"), _count(connected, "push")) == (1, 0)
    assert _out_texts(connected, cid) == ["ゆきこさん、ようこそ!"]
    # ... and did the rule's other action.
    names = {t.id: t.name for t in book.tags.list()}
    assert {names[t] for t in book.customers.tag_ids_of(cid)} == {"新しい友だち"}

    # Switched off in the book: the relay's copy follows at the next background run.
    RuleService(book).set_enabled(RuleService(book).list()[0].id, False)
    assert publish_if_needed(book) is True
    assert client.status().replies == 0
    client.turn_off()


def test_a_rule_the_relay_did_not_have_yet_is_sent_by_the_desktop(
        connected: Connected) -> None:
    book = connected.book
    client = AutopilotClient(book)
    client.turn_on()
    RuleService(book).save(GREETING)  # saved after: not published until a background run
    assert client.status().replies == 0

    user = connected.line.emulator.add_user("たかし")
    wait_until(lambda: connected.relay.queue_depth() >= 1, what="the follow stored")
    fast_worker(book).run_once()  # publishes the rule (for the next friends), handles this one
    assert client.status().replies == 1
    assert _sends(connected) == [(instant.WAITING, None)]
    assert _count(connected, "reply") == 0

    # No word from the relay about this event: after the wait, the desktop sends it.
    assert instant.settle(book, utcnow() + instant.RELAY_WAIT) == 1
    send_pending(book)
    cid = book.customers.by_line_user_id(user)
    assert cid is not None
    assert [state for state, _ in _sends(connected)] == ["sent"]
    assert _count(connected, "reply") + _count(connected, "push") == 1
    assert _out_texts(connected, cid) == ["たかしさん、ようこそ!"]
    client.turn_off()
