"""The rules as the owner (or a script) sees them: save with checks, list, switch, try."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.automation import errors as E
from app.automation import images, model
from app.automation.actions import ACTIONS
from app.errors import NotFoundError
from app.store.models import Customer, utcnow
from app.store.models_rules import Rule

if TYPE_CHECKING:
    from app.book import Book


@dataclass(frozen=True)
class RuleInfo:
    id: int
    name: str
    enabled: bool
    when: str
    fired: int
    actions_done: int
    #: Why it cannot run (something it uses was deleted); None when it can.
    broken: str | None
    spec: dict[str, Any]


@dataclass(frozen=True)
class TryResult:
    """What a rule would do for one customer, nothing done."""

    customer_id: int
    #: The If holds for this customer (or there is none).
    condition_holds: bool
    broken: str | None
    #: One line per action, as the timeline would say it.
    actions: tuple[str, ...]


def _cycle(s: Session, spec: dict[str, Any], rule_id: int | None) -> bool:
    """Whether saving ``spec`` makes a loop among the rules (on or off: switching one on
    must never make a loop)."""
    specs: dict[int, dict[str, Any]] = {r.id: r.spec for r in s.scalars(select(Rule))}
    me = rule_id if rule_id is not None else 0
    specs[me] = spec
    edges: dict[int, set[int]] = {}
    for a, sa in specs.items():
        causes = {e for act in sa.get("then", [])
                  for e in ACTIONS[act["kind"]].emits(act)} if all(
            act.get("kind") in ACTIONS for act in sa.get("then", [])) else set()
        edges[a] = {b for b, sb in specs.items()
                    if model.trigger_sig(sb.get("when", {})) in causes}
    seen: set[int] = set()
    stack = [me]
    while stack:  # is ``me`` reachable from itself?
        for nxt in edges.get(stack.pop(), ()):
            if nxt == me:
                return True
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


class RuleService:
    def __init__(self, book: Book) -> None:
        self._book = book

    def save(self, raw: dict[str, Any], *, rule_id: int | None = None,
             base_dir: Path | None = None) -> int:
        """Check and store a rule (imported form, docs/automation.md); returns its id.
        Refused (ValidationError): an unknown When/action, a keyword rule without
        keywords, a tag/field/segment that does not exist, a loop with other rules, a
        photo LINE would refuse. ``base_dir``: where relative photo paths start (the rule
        file's folder). Nothing is kept of a refused rule (its photos neither)."""
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise E.invalid("name", E.NO_NAME)
        name = name.strip()[:100]
        # The photos are read, checked and encrypted before the write transaction (file
        # reads and encryption do not hold the book's lock), recorded inside it.
        then, new = images.prepare(self._book, raw.get("then"), base_dir)
        try:
            rid = self._save(name, {**raw, "then": then}, rule_id, new)
        except BaseException:
            images.discard(self._book, new)
            raise
        self._changed()
        self._book.announce("rules", [rid])
        return rid

    def _save(self, name: str, raw: dict[str, Any], rule_id: int | None,
              new: list[images.NewImage]) -> int:
        with self._book.db.write() as s:
            images.record_in(s, new)
            spec = model.check_spec(s, raw)
            taken = s.scalar(select(Rule.id).where(Rule.name == name))
            if taken is not None and taken != rule_id:
                raise E.invalid(name, E.NAME_TAKEN)
            if _cycle(s, spec, rule_id):
                raise E.invalid(name, E.CYCLE)
            if rule_id is None:
                rule = Rule(name=name, enabled=bool(raw.get("enabled", False)), spec=spec,
                            created_at=utcnow(), updated_at=utcnow())
                s.add(rule)
                s.flush()
            else:
                found = s.get(Rule, rule_id)
                if found is None:
                    raise NotFoundError(f"rule {rule_id}")
                rule = found
                rule.name, rule.spec, rule.updated_at = name, spec, utcnow()
                if "enabled" in raw:
                    rule.enabled = bool(raw["enabled"])
            rid = rule.id
            s.flush()
            gone = images.prune(s)
        # After the commit: a photo replaced (or never used) is no longer needed.
        self._book.attachments.remove_blobs(gone)
        return rid

    def set_enabled(self, rule_id: int, enabled: bool) -> None:
        with self._book.db.write() as s:
            rule = s.get(Rule, rule_id)
            if rule is None:
                raise NotFoundError(f"rule {rule_id}")
            rule.enabled, rule.updated_at = enabled, utcnow()
        self._changed()
        self._book.announce("rules", [rule_id])

    def delete(self, rule_id: int) -> None:
        with self._book.db.write() as s:
            rule = s.get(Rule, rule_id)
            if rule is None:
                raise NotFoundError(f"rule {rule_id}")
            s.delete(rule)
            s.flush()
            # Its photos go, unless a message it stored is still to be sent (then the
            # engine's prune after sending removes them).
            gone = images.prune(s)
        self._book.attachments.remove_blobs(gone)
        self._changed()
        self._book.announce("rules", [rule_id])

    def _changed(self) -> None:
        # The relay's copy of the instant rules is brought up to date in the background.
        from app.autopilot.client import rules_changed

        rules_changed(self._book)

    def any_enabled(self) -> bool:
        """Whether a rule is on (one indexed read: the window asks after each edit)."""
        with self._book.db.read() as s:
            return s.scalar(select(Rule.id).where(Rule.enabled.is_(True)).limit(1)) is not None

    def list(self) -> list[RuleInfo]:
        with self._book.db.read() as s:
            return [RuleInfo(r.id, r.name, r.enabled, model.describe_when(s, r.spec["when"]),
                             r.fired, r.actions_done, model.broken(s, r.spec), r.spec)
                    for r in s.scalars(select(Rule).order_by(Rule.id))]

    def get(self, rule_id: int) -> RuleInfo:
        for info in self.list():
            if info.id == rule_id:
                return info
        raise NotFoundError(f"rule {rule_id}")

    def try_on(self, rule_id: int, customer_id: int) -> TryResult:
        """What the rule would do for this customer if its When happened now (its If is
        checked against the book); nothing is changed or sent."""
        from app.automation.engine import condition_holds

        with self._book.db.read() as s:
            rule = s.get(Rule, rule_id)
            if rule is None:
                raise NotFoundError(f"rule {rule_id}")
            if s.get(Customer, customer_id) is None:
                raise NotFoundError(f"customer {customer_id}")
            why = model.broken(s, rule.spec)
            holds = why is None and condition_holds(self._book, s, rule.spec.get("if"),
                                                    customer_id)
            lines = tuple(f"ルール「{rule.name}」で" + ACTIONS[a["kind"]].describe(s, a)
                          for a in rule.spec["then"] if a.get("kind") in ACTIONS)
        return TryResult(customer_id, holds, why, lines if holds else ())
