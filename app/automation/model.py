"""A rule's JSON: its When (trigger), If (condition) and Then (actions).

Imported form (names, as an owner writes it; docs/automation.md)::

    {"name": "あいさつ", "enabled": true,
     "when": {"kind": "keyword", "words": ["予約"], "match": "any"},
     "if": {"segment": "常連"},
     "then": [{"kind": "add_tag", "tag": "予約希望"}, {"kind": "send", "text": "…"}]}

Stored form (``rule.spec``): the same with tags, fields and segments by id, so renaming
keeps the rule and deleting makes it *broken* (:func:`broken`).
"""

from __future__ import annotations

import functools
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import domain_events as de
from app import textnorm
from app.automation import dates
from app.automation import errors as E
from app.automation.actions import ACTIONS, field_label, field_ref, tag_id_of, tag_name
from app.store.models import Form, SavedSegment

#: When kinds → the domain event each one listens to.
TRIGGERS: Final[dict[str, str]] = {
    "follow": de.FRIEND_FOLLOWED, "block": de.FRIEND_BLOCKED,
    "keyword": de.MESSAGE_RECEIVED, "postback": de.POSTBACK, "form": de.FORM_ANSWERED,
    "tag_added": de.TAG_ADDED, "tag_removed": de.TAG_REMOVED,
    "field_changed": de.FIELD_CHANGED, "date": de.DATE_REACHED,
}
MAX_KEYWORDS = 50
#: Folding is the cost of keyword rules (each message against every rule's words): the
#: words repeat for every message and a message for every rule, so both are cached.
#: Text folded as search folds it (full-width, kana): keywords match what friends type.
fold = functools.lru_cache(maxsize=4096)(textnorm.normalize)
MAX_ACTIONS = 20


def check_when(s: Session, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("kind") not in TRIGGERS:
        raise E.invalid(str(raw)[:40], E.UNKNOWN_TRIGGER)
    kind = raw["kind"]
    if kind == "follow":
        return {"kind": kind, "new": bool(raw.get("new", True)),
                "unblocked": bool(raw.get("unblocked", True))}
    if kind == "block":
        return {"kind": kind}
    if kind == "keyword":
        words = raw.get("words")
        if not isinstance(words, list):
            raise E.invalid("words", E.EMPTY_KEYWORDS)
        clean = [w.strip() for w in words if isinstance(w, str) and textnorm.normalize(w)]
        if not clean:
            raise E.invalid("words", E.EMPTY_KEYWORDS)
        match = raw.get("match", "any")
        if match not in ("any", "all"):
            raise E.invalid(str(match), E.BAD_VALUE)
        return {"kind": kind, "words": clean[:MAX_KEYWORDS], "match": match}
    if kind == "postback":
        data = raw.get("data")
        if not isinstance(data, str) or not data:
            raise E.invalid("data", E.BAD_VALUE)
        return {"kind": kind, "data": data}
    if kind == "form":
        form_id = raw.get("form_id")
        if not isinstance(form_id, str) or s.scalar(
                select(Form.id).where(Form.form_id == form_id)) is None:
            raise E.invalid(str(form_id), E.BAD_VALUE)
        choice = raw.get("choice")
        return {"kind": kind, "form_id": form_id,
                "choice": choice if isinstance(choice, str) and choice else None}
    if kind in ("tag_added", "tag_removed"):
        return {"kind": kind, "tag_id": tag_id_of(s, raw)}
    if kind == "date":
        return dates.check(s, raw)
    return {"kind": kind, "field": field_ref(s, raw)}


def check_if(s: Session, raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise E.invalid("if", E.BAD_VALUE)
    if "segment_id" in raw or "segment" in raw:
        sid = raw.get("segment_id")
        if not isinstance(sid, int):
            sid = s.scalar(select(SavedSegment.id).where(SavedSegment.name == raw.get("segment")))
        if sid is None or s.get(SavedSegment, sid) is None:
            raise E.invalid(str(raw.get("segment")), E.UNKNOWN_SEGMENT)
        return {"segment_id": sid}
    if "condition" in raw:
        from app.segments import from_json

        try:
            from_json(raw["condition"])
        except Exception:
            raise E.invalid("condition", E.BAD_VALUE) from None
        return {"condition": raw["condition"]}
    raise E.invalid("if", E.BAD_VALUE)


def check_then(s: Session, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise E.invalid("then", E.NO_ACTIONS)
    out = []
    for item in raw[:MAX_ACTIONS]:
        if not isinstance(item, dict) or item.get("kind") not in ACTIONS:
            raise E.invalid(str(item)[:40], E.UNKNOWN_ACTION)
        out.append(ACTIONS[item["kind"]].check(s, item))
    return out


def check_spec(s: Session, raw: dict[str, Any]) -> dict[str, Any]:
    """The stored form of an imported rule; ValidationError naming what is wrong."""
    from app.automation import instant

    when, cond, then = (check_when(s, raw.get("when")), check_if(s, raw.get("if")),
                        check_then(s, raw.get("then")))
    spec: dict[str, Any] = {"when": when, "if": cond, "then": then}
    if raw.get("instant"):
        instant.check(when, cond, then)
        spec["instant"] = True
    return spec


def broken(s: Session, spec: dict[str, Any]) -> str | None:
    """Why a stored rule cannot run (something it uses was deleted), or None."""
    when = spec.get("when", {})
    if when.get("kind") in ("tag_added", "tag_removed") and tag_name(
            s, when.get("tag_id")) is None:
        return E.BROKEN_TAG
    if when.get("kind") == "field_changed" and field_label(s, when.get("field", "")) is None:
        return E.BROKEN_FIELD
    if when.get("kind") == "date" and dates.broken(s, when):
        return E.BROKEN_FIELD
    if when.get("kind") == "form" and s.scalar(
            select(Form.id).where(Form.form_id == when.get("form_id"))) is None:
        return E.BROKEN_FORM
    cond = spec.get("if") or {}
    if "segment_id" in cond and s.get(SavedSegment, cond["segment_id"]) is None:
        return E.BROKEN_SEGMENT
    if "condition" in cond or "segment_id" in cond:
        from app.segments import from_json

        raw = (cond["condition"] if "condition" in cond
               else s.get(SavedSegment, cond["segment_id"]).condition)  # type: ignore[union-attr]
        try:
            root = from_json(raw)
        except Exception:
            return E.BROKEN_SEGMENT
        why = _condition_broken(s, root)
        if why:
            return why
    for action in spec.get("then", []):
        kind = ACTIONS.get(action.get("kind"))
        if kind is None:
            return E.UNKNOWN_ACTION
        why = kind.broken(s, action)
        if why:
            return why
    return None


def _condition_broken(s: Session, root: Any) -> str | None:
    """A segment condition naming a deleted tag or field."""
    from app.segments.service import SegmentService

    try:
        SegmentService._check(root, SegmentService._facts(s))
    except Exception:
        return E.BROKEN_SEGMENT
    return None


def trigger_sig(when: dict[str, Any]) -> tuple[str, Any] | None:
    """What a rule-caused event must be to trigger this When (None: no rule action can)."""
    kind = when.get("kind")
    if kind in ("tag_added", "tag_removed"):
        return (TRIGGERS[kind], when.get("tag_id"))
    if kind == "field_changed":
        return (de.FIELD_CHANGED, when.get("field"))
    return None


def matches(when: dict[str, Any], kind: str, data: dict[str, Any], text: str | None,
            rule_id: int | None = None) -> bool:
    """Whether an event (its kind, data, and for a message its text) fires this When
    (a date event names the one rule whose scan emitted it: ``rule_id``)."""
    if TRIGGERS.get(when.get("kind", "")) != kind:
        return False
    wk = when["kind"]
    if wk == "follow":
        return bool(when.get("unblocked") if data.get("again") else when.get("new"))
    if wk == "block":
        return True
    if wk == "keyword":
        if not text:
            return False
        hay = fold(text)
        found = [fold(w) in hay for w in when["words"]]
        return all(found) if when.get("match") == "all" else any(found)
    if wk == "postback":
        return bool(data.get("data") == when.get("data"))
    if wk == "form":
        if data.get("form_id") != when.get("form_id"):
            return False
        return when.get("choice") is None or when["choice"] in data.get("choices", [])
    if wk in ("tag_added", "tag_removed"):
        return bool(data.get("tag_id") == when.get("tag_id"))
    if wk == "date":
        return rule_id is not None and data.get("rule_id") == rule_id
    return bool(data.get("field") == when.get("field"))


def describe_when(s: Session, when: dict[str, Any]) -> str:
    wk = when.get("kind")
    if wk == "follow":
        return "友だち追加" if not when.get("unblocked") else "友だち追加・ブロック解除"
    if wk == "block":
        return "ブロック"
    if wk == "keyword":
        joiner = "すべて" if when.get("match") == "all" else "どれか"
        return f"メッセージに「{'」「'.join(when.get('words', []))}」の{joiner}"
    if wk == "postback":
        return f"ボタン(postback)「{when.get('data')}」"
    if wk == "form":
        return f"フォーム回答 {when.get('form_id')}" + (
            f"「{when['choice']}」" if when.get("choice") else "")
    if wk in ("tag_added", "tag_removed"):
        verb = "追加" if wk == "tag_added" else "外す"
        return f"タグ「{tag_name(s, when.get('tag_id')) or '?'}」を{verb}"
    if wk == "date":
        return dates.describe(s, when)
    return f"項目「{field_label(s, when.get('field', '')) or '?'}」が変わった"
