"""The action kinds a rule's Then can hold: a registry (name → :class:`ActionSpec`).

Another feature adds a kind with one line, e.g. step sequences::

    ACTIONS["start_sequence"] = ActionSpec(check=..., broken=..., run=..., describe=...)

Every action runs inside the engine's write transaction for the event (``Ctx.s``), so
it is done exactly when the event is marked handled. An action that sends a message only
*stores* the send (``rule_send``); the engine sends it after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app import domain_events
from app.automation import errors as E
from app.automation.bulk import BatchWrites
from app.store.models import Customer, CustomField, Tag, utcnow
from app.store.models_rules import RuleSend

if TYPE_CHECKING:
    from app.book import Book


@dataclass
class Ctx:
    """What an action runs with: the transaction, the customer, the rule, the event."""

    book: Book
    s: Session
    customer_id: int
    rule_id: int
    rule_name: str
    event_key: str
    #: The depth of the events this action causes (the triggering event's + 1).
    depth: int
    index: int
    notices: list[tuple[int, str]] = field(default_factory=list)
    #: Rows the firing writes, inserted by the engine in bulk (one statement for many
    #: firings: ORM rows added one by one were flushed at every savepoint and query, the
    #: bulk of the engine's cost): timeline lines and stored messages.
    timeline: list[dict[str, Any]] = field(default_factory=list)
    sends: list[dict[str, Any]] = field(default_factory=list)
    #: Tag and points writes, shared by the batch's firings and written in bulk by the
    #: engine (:mod:`app.automation.bulk`).
    writes: BatchWrites = field(default_factory=BatchWrites)
    #: The rule is instant and the autopilot is on: its message waits for the relay's
    #: word (app/automation/instant.py).
    instant: bool = False


#: (event kind, what) an action can cause: for refusing cycles when a rule is saved.
Emits = list[tuple[str, Any]]


@dataclass(frozen=True)
class ActionSpec:
    #: Check and resolve the imported form (names) into the stored form (ids).
    check: Callable[[Session, dict[str, Any]], dict[str, Any]]
    #: Why a stored action cannot run any more (None: it can).
    broken: Callable[[Session, dict[str, Any]], str | None]
    #: Do it (inside ``ctx.s``); returns the timeline's data for it.
    run: Callable[[Ctx, dict[str, Any]], dict[str, Any]]
    #: What it would do, for ``try`` and the list (plain words, no change made).
    describe: Callable[[Session, dict[str, Any]], str]
    emits: Callable[[dict[str, Any]], Emits] = lambda _a: []
    #: It only writes, through ``ctx.writes`` (written when the engine flushes them, before
    #: any condition or action that is not deferred): see :mod:`app.automation.bulk`.
    deferred: bool = False
    #: For an action that is not deferred: whether it reads what deferred actions write
    #: (then the engine writes those first). None: it may, always write them first.
    reads_waiting: Callable[[dict[str, Any]], bool] | None = None


# --- helpers ---------------------------------------------------------------------------------

def tag_id_of(s: Session, raw: dict[str, Any]) -> int:
    """``tag_id``, or ``tag`` by name (created when missing: importing a rule that tags
    is how an owner starts a new tag)."""
    from app.tags import TagService

    if isinstance(raw.get("tag_id"), int):
        if s.get(Tag, raw["tag_id"]) is None:
            raise E.invalid(str(raw["tag_id"]), E.UNKNOWN_TAG)
        return int(raw["tag_id"])
    name = raw.get("tag")
    if not isinstance(name, str) or not name.strip():
        raise E.invalid("tag", E.BAD_VALUE)
    return next(iter(TagService.ensure_in(s, [name.strip()])))


#: Session.info key of the engine batch's tag-name memo (see tag_name).
TAG_NAMES = "otokui.rules.tag_names"
#: Session.info key of the points fields' (type, name) memo (see _points_run).
FIELD_MEMO = "otokui.rules.fields"


def tag_name(s: Session, tag_id: Any) -> str | None:
    # No autoflush: a tag's name does not depend on the rows the actions have pending,
    # and flushing them before each lookup cost more than the lookup.
    # Within an engine batch (which sets TAG_NAMES on its session: no tag is renamed or
    # deleted by a rule), rules name the same few tags thousands of times: remembered.
    names: dict[Any, str | None] | None = s.info.get(TAG_NAMES)
    if names is not None and tag_id in names:
        return names[tag_id]
    with s.no_autoflush:
        name = s.scalar(select(Tag.name).where(Tag.id == tag_id))
    if names is not None:
        names[tag_id] = name
    return name


def field_ref(s: Session, raw: dict[str, Any]) -> str:
    """A field as stored: a built-in name (``name``, ``phone`` …) or ``custom:<id>``;
    imported as ``field`` (a built-in name or a custom field's name)."""
    from app.customers import EDITABLE

    ref = raw.get("field")
    if not isinstance(ref, str) or not ref.strip():
        raise E.invalid("field", E.BAD_VALUE)
    ref = ref.strip()
    if ref.startswith("custom:") and ref[7:].isdigit():
        if s.get(CustomField, int(ref[7:])) is None:
            raise E.invalid(ref, E.UNKNOWN_FIELD)
        return ref
    if ref in EDITABLE:
        return ref
    fid = s.scalar(select(CustomField.id).where(CustomField.name == ref))
    if fid is None:
        raise E.invalid(ref, E.UNKNOWN_FIELD)
    return f"custom:{fid}"


def field_label(s: Session, ref: str) -> str | None:
    if ref.startswith("custom:"):
        return s.scalar(select(CustomField.name).where(CustomField.id == int(ref[7:])))
    return ref


def _timeline(ctx: Ctx, action: str, **data: Any) -> dict[str, Any]:
    """The firing's line in the customer's timeline (written by the engine with the
    batch: :func:`write_rows`)."""
    out = {"rule": ctx.rule_name, "rule_id": ctx.rule_id, "action": action, **data}
    ctx.timeline.append({"customer_id": ctx.customer_id, "kind": "rule_action", "data": out,
                         "at": utcnow()})
    return out


def write_rows(s: Session, timeline: list[dict[str, Any]], sends: list[dict[str, Any]]
               ) -> None:
    """Insert what firings collected (:attr:`Ctx.timeline`, :attr:`Ctx.sends`): one
    executemany each, inside the engine's transaction for the events."""
    from app.store.models import TimelineEvent

    if timeline:
        s.connection().execute(insert(TimelineEvent), timeline)
    if sends:
        # The key (event × rule × action) is unique; an event is handled once, so a
        # conflict cannot happen, but if it did the message must not be stored twice.
        s.connection().execute(sqlite_insert(RuleSend).on_conflict_do_nothing(
            index_elements=["key"]), sends)


# --- tags ------------------------------------------------------------------------------------

def _tag_check(s: Session, raw: dict[str, Any]) -> dict[str, Any]:
    return {"kind": raw["kind"], "tag_id": tag_id_of(s, raw)}


def _tag_broken(s: Session, a: dict[str, Any]) -> str | None:
    return None if tag_name(s, a.get("tag_id")) is not None else E.BROKEN_TAG


def _tag_run(add: bool) -> Callable[[Ctx, dict[str, Any]], dict[str, Any]]:
    def run(ctx: Ctx, a: dict[str, Any]) -> dict[str, Any]:
        name = tag_name(ctx.s, a["tag_id"]) or ""
        ctx.writes.tag(ctx.s, ctx.customer_id, a["tag_id"], name, add=add, depth=ctx.depth)
        return _timeline(ctx, "add_tag" if add else "remove_tag", tag=name)
    return run


def _tag_describe(add: bool) -> Callable[[Session, dict[str, Any]], str]:
    def describe(s: Session, a: dict[str, Any]) -> str:
        name = tag_name(s, a.get("tag_id")) or "?"
        return f"タグ「{name}」を追加" if add else f"タグ「{name}」を外す"
    return describe


# --- fields ----------------------------------------------------------------------------------

def _field_check(s: Session, raw: dict[str, Any]) -> dict[str, Any]:
    ref = field_ref(s, raw)
    if "value" not in raw:
        raise E.invalid("value", E.BAD_VALUE)
    value = raw["value"]
    if ref.startswith("custom:"):
        from app.fields import validate

        fld = s.get(CustomField, int(ref[7:]))
        assert fld is not None  # field_ref checked it
        try:
            validate(fld, value)
        except Exception:
            raise E.invalid(ref, E.BAD_VALUE) from None
    return {"kind": "set_field", "field": ref, "value": value}


def _field_broken(s: Session, a: dict[str, Any]) -> str | None:
    return None if field_label(s, a.get("field", "")) is not None else E.BROKEN_FIELD


def _set_field_run(ctx: Ctx, a: dict[str, Any]) -> dict[str, Any]:
    ref = a["field"]
    if ref.startswith("custom:"):
        ctx.book.fields.set_value_in(ctx.s, ctx.customer_id, int(ref[7:]), a["value"],
                                     depth=ctx.depth)
    else:
        from app.customers import apply_fields
        from app.fields import emit_field_changed

        customer = ctx.s.get(Customer, ctx.customer_id)
        assert customer is not None
        if apply_fields(customer, {ref: a["value"]}):
            customer.updated_at = utcnow()
            emit_field_changed(ctx.s, ctx.customer_id, ref, depth=ctx.depth)
    return _timeline(ctx, "set_field", field=field_label(ctx.s, ref) or ref)


def _points_check(s: Session, raw: dict[str, Any]) -> dict[str, Any]:
    ref = field_ref(s, raw)
    fld = s.get(CustomField, int(ref[7:])) if ref.startswith("custom:") else None
    if fld is None or fld.type not in ("points", "number"):
        raise E.invalid(str(raw.get("field")), E.NOT_POINTS)
    points = raw.get("points")
    if not isinstance(points, int) or isinstance(points, bool) or points == 0:
        raise E.invalid("points", E.BAD_VALUE)
    return {"kind": "add_points", "field": ref, "points": points}


def _points_run(ctx: Ctx, a: dict[str, Any]) -> dict[str, Any]:
    fid = int(a["field"][7:])
    # The field's type and name, remembered for the batch (the session holds its rows
    # weakly: a get per firing went back to the database).
    memo: dict[int, tuple[str, str]] = ctx.s.info.setdefault(FIELD_MEMO, {})
    if fid not in memo:
        fld = ctx.s.get(CustomField, fid)
        assert fld is not None  # a broken rule does not run
        memo[fid] = (fld.type, fld.name)
    ftype, fname = memo[fid]
    ctx.writes.add_points(ctx.customer_id, a["field"], points=a["points"], ftype=ftype,
                          reason=f"ルール「{ctx.rule_name}」", depth=ctx.depth)
    return _timeline(ctx, "add_points", field=fname, points=a["points"])


# --- messages, status, notices ---------------------------------------------------------------

def _send_check(s: Session, raw: dict[str, Any]) -> dict[str, Any]:
    from app.automation import images

    text = raw.get("text", "")
    if not isinstance(text, str):
        raise E.invalid("text", E.EMPTY_TEXT)
    photos = images.check_refs(s, raw.get("images"))
    images.check_count(text, len(photos))
    if not photos:  # stored as before photos existed: a text-only send has no "images"
        return {"kind": "send", "text": text}
    return {"kind": "send", "text": text, "images": photos}


def _reads_fields(text: str) -> bool:
    from app import placeholders

    return placeholders.reads_fields(text)


def _send_run(ctx: Ctx, a: dict[str, Any]) -> dict[str, Any]:
    from app import placeholders
    from app.automation import instant

    values = placeholders.load_values(ctx.s, [ctx.customer_id], fields=placeholders.reads_fields(
        a["text"]))[ctx.customer_id]
    text = placeholders.render(a["text"], values).text
    ctx.sends.append({"key": f"{ctx.event_key}|{ctx.rule_id}|{ctx.index}"[:240],
                      "rule_id": ctx.rule_id, "customer_id": ctx.customer_id, "text": text,
                      # The photos as the rule says them now (one executemany: every row
                      # has the key).
                      "images": a.get("images") or None,
                      "state": instant.send_state(ctx.instant, ctx.event_key),
                      "created_at": utcnow()})
    return _timeline(ctx, "send")


def _send_describe(s: Session, a: dict[str, Any]) -> str:
    from app.automation import images

    photos = images.describe(a.get("images"))
    if not a.get("text", "").strip():
        return f"メッセージを送る:写真{len(a.get('images') or [])}枚"
    return f"メッセージを送る:「{a['text']}」{photos}"


def _status_check(s: Session, raw: dict[str, Any]) -> dict[str, Any]:
    from app.messages import ConversationStatus

    if raw.get("status") not in {c.value for c in ConversationStatus}:
        raise E.invalid(str(raw.get("status")), E.BAD_STATUS)
    return {"kind": "set_status", "status": raw["status"]}


def _status_run(ctx: Ctx, a: dict[str, Any]) -> dict[str, Any]:
    from app.messages import ensure_conversation, now_ms

    conv = ensure_conversation(ctx.s, ctx.customer_id)
    if conv.status != a["status"]:
        conv.status, conv.status_at_ms, conv.updated_at = a["status"], now_ms(), utcnow()
    return _timeline(ctx, "set_status", status=a["status"])


def _notify_check(s: Session, raw: dict[str, Any]) -> dict[str, Any]:
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise E.invalid("text", E.EMPTY_TEXT)
    return {"kind": "notify", "text": text.strip()[:200]}


def _notify_run(ctx: Ctx, a: dict[str, Any]) -> dict[str, Any]:
    ctx.notices.append((ctx.customer_id, a["text"]))
    return _timeline(ctx, "notify", text=a["text"])


# --- step sequences (app/sequences) ---------------------------------------------------------

def _sequence_check(s: Session, raw: dict[str, Any]) -> dict[str, Any]:
    """``sequence_id``, or ``sequence`` by name."""
    from app.store.models_sequences import StepSequence

    sid = raw.get("sequence_id")
    if not isinstance(sid, int) or isinstance(sid, bool):
        sid = s.scalar(select(StepSequence.id).where(
            StepSequence.name == str(raw.get("sequence", "")).strip()))
    if sid is None or s.get(StepSequence, sid) is None:
        raise E.invalid(str(raw.get("sequence", raw.get("sequence_id")))[:40],
                        E.UNKNOWN_SEQUENCE)
    return {"kind": raw["kind"], "sequence_id": int(sid)}


def sequence_name(s: Session, sequence_id: Any) -> str | None:
    from app.store.models_sequences import StepSequence

    return s.scalar(select(StepSequence.name).where(StepSequence.id == sequence_id))


def _sequence_broken(s: Session, a: dict[str, Any]) -> str | None:
    return None if sequence_name(s, a.get("sequence_id")) is not None else E.BROKEN_SEQUENCE


def _sequence_run(start: bool) -> Callable[[Ctx, dict[str, Any]], dict[str, Any]]:
    def run(ctx: Ctx, a: dict[str, Any]) -> dict[str, Any]:
        # In the engine's transaction: the start (or stop) commits with the event's
        # handling, so it happens exactly once per event, whatever is killed when.
        seqs = ctx.book.sequences
        cause = f"rule:{ctx.rule_id}"
        if start:
            n = len(seqs.start_in(ctx.s, a["sequence_id"], [ctx.customer_id], cause=cause))
        else:
            n = seqs.stop_in(ctx.s, a["sequence_id"], [ctx.customer_id], cause=cause)
        ctx.book.announce("sequences", [a["sequence_id"]])
        return _timeline(ctx, "start_sequence" if start else "stop_sequence",
                         sequence=sequence_name(ctx.s, a["sequence_id"]) or "", done=n)
    return run


def _sequence_describe(start: bool) -> Callable[[Session, dict[str, Any]], str]:
    def describe(s: Session, a: dict[str, Any]) -> str:
        name = sequence_name(s, a.get("sequence_id")) or "?"
        return f"ステップ配信「{name}」を開始" if start else f"ステップ配信「{name}」を停止"
    return describe


def _never_broken(_s: Session, _a: dict[str, Any]) -> str | None:
    return None


ACTIONS: dict[str, ActionSpec] = {
    "add_tag": ActionSpec(_tag_check, _tag_broken, _tag_run(True), _tag_describe(True),
                          lambda a: [(domain_events.TAG_ADDED, a["tag_id"])], deferred=True),
    "remove_tag": ActionSpec(_tag_check, _tag_broken, _tag_run(False), _tag_describe(False),
                             lambda a: [(domain_events.TAG_REMOVED, a["tag_id"])],
                             deferred=True),
    "set_field": ActionSpec(
        _field_check, _field_broken, _set_field_run,
        lambda s, a: f"項目「{field_label(s, a['field']) or '?'}」を「{a['value']}」にする",
        lambda a: [(domain_events.FIELD_CHANGED, a["field"])]),
    "add_points": ActionSpec(
        _points_check, _field_broken, _points_run,
        lambda s, a: f"項目「{field_label(s, a['field']) or '?'}」に {a['points']} を足す",
        lambda a: [(domain_events.FIELD_CHANGED, a["field"])], deferred=True),
    "send": ActionSpec(_send_check, _never_broken, _send_run,
                       _send_describe,
                       # Names only (no field placeholder): nothing waiting can change them.
                       reads_waiting=lambda a: _reads_fields(a.get("text", ""))),
    "set_status": ActionSpec(_status_check, _never_broken, _status_run,
                             lambda s, a: f"チャットの状態を {a['status']} にする"),
    "notify": ActionSpec(_notify_check, _never_broken, _notify_run,
                         lambda s, a: f"お知らせ:「{a['text']}」"),
    "start_sequence": ActionSpec(_sequence_check, _sequence_broken, _sequence_run(True),
                                 _sequence_describe(True)),
    "stop_sequence": ActionSpec(_sequence_check, _sequence_broken, _sequence_run(False),
                                _sequence_describe(False)),
}

