"""Instant rules: a rule's reply sent by the relay's autopilot, at once, also while the
desktop sleeps (issue 13; docs/automation.md, "Instant rules").

A rule marked ``"instant": true`` (a follow greeting or a keyword reply, no If, one text
message naming at most the friend's LINE name) is published to the relay with the
shop's own instant replies while the autopilot is on (:func:`replies`, used by
app/autopilot/client.py). The relay answers a matching event with its free reply token
and seals what it did; the desktop records it in ``autopilot_sent`` with the reply's id
(app/autopilot/sync.py).

Exactly one side sends. The engine handles the event as any other (the rule's other
actions, tags and so on, run on the desktop) but stores the rule's message as ``relay``
(waiting for the relay's word) instead of ``pending``. :func:`settle`, called before the
rules' messages are sent, then decides for each:

* the relay answered the event with this rule's reply (``sent``; or ``unknown``: it may
  have arrived, and a reply is never risked twice) → ``relay_sent``: the desktop sends
  nothing, the chat shows the relay's reply;
* the relay answered the event with another reply, or LINE refused the relay's → back to
  ``pending``: the desktop sends it (as a push: the free token is used);
* no word from the relay :data:`RELAY_WAIT` after the desktop handled the event (the rule
  was not published yet, the relay's autopilot was off or had no valid token) →
  ``pending``: the desktop sends it.

The relay's word comes in the same queue as the event, right after it: a desktop that was
asleep finds both in one pull; an awake one gets the word seconds later.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select, update

from app import placeholders
from app.automation import errors as E
from app.store.models import utcnow
from app.store.models_autopilot import AutopilotSent
from app.store.models_rules import Rule, RuleSend

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.automation")

#: How long a rule's message waits for the relay's word before the desktop sends it.
RELAY_WAIT: Final = dt.timedelta(minutes=2)
#: RuleSend states of this module: waiting for the relay; sent by the relay.
WAITING: Final = "relay"
SENT_BY_RELAY: Final = "relay_sent"
#: The relay's reply id of a published rule (relay ids: 1-64 characters).
REPLY_PREFIX: Final = "rule-"
#: What the relay takes (relay/autopilot.py: MAX_TEXT_CHARS, MAX_KEYWORDS, NAME_PLACEHOLDER).
RELAY_MAX_TEXT: Final = 5000
RELAY_MAX_KEYWORDS: Final = 20
RELAY_NAME: Final = "{name}"
#: When kinds the relay can answer by itself.
KINDS: Final = ("follow", "keyword")


def reply_id(rule_id: int) -> str:
    return f"{REPLY_PREFIX}{rule_id}"


def relay_text(text: str) -> str | None:
    """The send's text as the relay fills it in (``{name}``), or None when it names
    anything the relay cannot know (only the friend's LINE name is allowed)."""
    out, end = [], 0
    for p in placeholders.find(text):
        if p.kind is not placeholders.Kind.DISPLAY_NAME:
            return None
        out += [text[end:p.start], RELAY_NAME]
        end = p.end
    out.append(text[end:])
    filled = "".join(out)
    # The relay fills in {name} and refuses any other brace.
    if "{" in filled.replace(RELAY_NAME, "") or "}" in filled.replace(RELAY_NAME, ""):
        return None
    return filled


def check(when: dict[str, Any], cond: dict[str, Any] | None,
          then: list[dict[str, Any]]) -> None:
    """Refuse (ValidationError) an instant rule the relay could not answer alone."""
    if when["kind"] not in KINDS or (
            when["kind"] == "follow" and not (when["new"] and when["unblocked"])) or (
            when["kind"] == "keyword" and len(when["words"]) > RELAY_MAX_KEYWORDS):
        raise E.invalid("instant", E.INSTANT_WHEN)
    if cond:
        raise E.invalid("instant", E.INSTANT_IF)
    sends = [a for a in then if a["kind"] == "send"]
    if len(sends) != 1:
        raise E.invalid("instant", E.INSTANT_ONE_SEND)
    send = sends[0]
    text = send.get("text", "")
    if send.get("images") or not text.strip() or len(text) > RELAY_MAX_TEXT \
            or relay_text(text) is None:
        raise E.invalid("instant", E.INSTANT_TEXT)


def replies(book: Book) -> list[dict[str, Any]]:
    """The instant rules that are on and not broken, as the relay's replies (in rule
    order, after the shop's own replies: the relay answers with the first that matches)."""
    from app.automation import model

    out: list[dict[str, Any]] = []
    with book.db.read() as s:
        for rule in s.scalars(select(Rule).where(Rule.enabled.is_(True)).order_by(Rule.id)):
            spec = rule.spec
            if not spec.get("instant") or model.broken(s, spec) is not None:
                continue
            send = next(a for a in spec["then"] if a["kind"] == "send")
            text = relay_text(send["text"])
            assert text is not None  # checked when the rule was saved
            when = spec["when"]
            reply: dict[str, Any] = {"id": reply_id(rule.id), "kind": when["kind"],
                                     "text": text}
            if when["kind"] == "keyword":
                reply["keywords"] = list(when["words"])
                reply["match"] = when.get("match", "any")
            out.append(reply)
    return out


def send_state(instant: bool, event_key: str) -> str:
    """How the engine stores an instant rule's message: waiting for the relay when the
    rule is instant, the autopilot on and the event came from LINE (the relay only sees
    those), else pending as any other."""
    return WAITING if instant and event_key.startswith("line:") else "pending"


def settle(book: Book, now: dt.datetime | None = None) -> int:
    """Decide the messages waiting for the relay (see the module's docstring); how many
    were decided."""
    now = now or utcnow()
    with book.db.read() as s:  # nearly always none: no write transaction then
        if s.scalar(select(RuleSend.id).where(RuleSend.state == WAITING).limit(1)) is None:
            return 0
    decided = 0
    with book.db.write() as s:
        rows = s.execute(select(RuleSend.id, RuleSend.key, RuleSend.rule_id,
                                RuleSend.created_at).where(RuleSend.state == WAITING)).all()
        events = {row.id: _webhook_event_id(row.key) for row in rows}
        answered = {a.webhook_event_id: a for a in s.scalars(select(AutopilotSent).where(
            AutopilotSent.webhook_event_id.in_([e for e in events.values() if e])))}
        for row in rows:
            word = answered.get(events[row.id] or "")
            if word is not None:
                by_relay = word.state != "failed" and (
                    word.reply_id == reply_id(row.rule_id or 0)
                    # An outcome the relay lost names no reply: it may have sent ours.
                    or (word.reply_id is None and word.state == "unknown"))
                state = SENT_BY_RELAY if by_relay else "pending"
            elif now - row.created_at >= RELAY_WAIT:
                log.info("no word from the relay's autopilot; the desktop sends a rule's "
                         "message itself")
                state = "pending"
            else:
                continue
            s.execute(update(RuleSend).where(RuleSend.id == row.id,
                                             RuleSend.state == WAITING)
                      .values(state=state, via="relay" if state == SENT_BY_RELAY else None)
                      .execution_options(synchronize_session=False))
            decided += 1
    return decided


def _webhook_event_id(key: str) -> str | None:
    """The LINE event of a rule's message key (``line:<webhookEventId>|rule|action``)."""
    event = key.split("|", 1)[0]
    return event[5:] if event.startswith("line:") else None
