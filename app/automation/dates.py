"""Date triggers: a rule whose When is a date (the birthday, or a date field), with an
offset in days and a time of day (Japan time).

Imported form (docs/automation.md)::

    {"kind": "date", "date": "birthday", "days": -3, "at": "10:00"}
    {"kind": "date", "date": "契約更新日", "days": 1, "at": "09:30", "yearly": false}

``days`` moves the firing day from the date (-3: three days before, 1: the day after);
``yearly`` repeats on the date's anniversary (always for the birthday; a date field's
default is once, on the date itself). Stored with the field by id (``custom:<id>``), so a
renamed field keeps the rule and a deleted one makes it broken.

**How it fires.** :func:`scan_due` (run by the same timers that send the step sequences,
and by ``rule run``) finds, for each enabled date rule, the customers whose date falls on
the day that fires today once the time of day has come, and emits one domain event
``date.reached`` per customer keyed ``date:<rule>:<customer>:<the date>``. The events go
through the engine like every other (once per event, SIGKILL-safe). The key is the
at-most-once: an occurrence that fired exists as an event for good, so a second scan, a
clock that jumps back and forward again, or a process killed after the scan committed
never fires it twice. A desktop that was off at the time fires later that same day; a
whole day missed is not caught up (as the birthday messages: a greeting days late reads
oddly). 29 February dates fire on 28 February in other years.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from app import domain_events as de
from app.automation import errors as E
from app.automation.actions import field_label, field_ref
from app.store.models import Customer, CustomField, DomainEvent, FieldValue
from app.store.models_rules import Rule

if TYPE_CHECKING:
    from app.book import Book

JST: Final = dt.timezone(dt.timedelta(hours=9))
BIRTHDAY: Final = "birthday"
MAX_DAYS: Final = 365
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def check(s: Session, raw: dict[str, Any]) -> dict[str, Any]:
    """The stored form of a date When (ValidationError naming what is wrong)."""
    date = raw.get("date")
    if not isinstance(date, str) or not date.strip():
        raise E.invalid("date", E.BAD_VALUE)
    days = raw.get("days", 0)
    if not isinstance(days, int) or isinstance(days, bool) or abs(days) > MAX_DAYS:
        raise E.invalid("days", E.BAD_VALUE)
    at = str(raw.get("at", "10:00"))
    m = _HHMM.match(at)
    if m is None:
        raise E.invalid(at, E.BAD_VALUE)
    at = f"{int(m.group(1)):02d}:{m.group(2)}"
    if date.strip() == BIRTHDAY:
        return {"kind": "date", "date": BIRTHDAY, "days": days, "at": at, "yearly": True}
    ref = field_ref(s, {"field": date})
    fld = s.get(CustomField, int(ref[7:])) if ref.startswith("custom:") else None
    if fld is None or fld.type not in ("date", "datetime"):
        raise E.invalid(date, E.NOT_A_DATE)
    return {"kind": "date", "date": ref, "days": days, "at": at,
            "yearly": bool(raw.get("yearly", False))}


def broken(s: Session, when: dict[str, Any]) -> str | None:
    ref = str(when.get("date", ""))
    if ref == BIRTHDAY:
        return None
    return None if ref.startswith("custom:") and field_label(s, ref) is not None \
        else E.BROKEN_FIELD


def describe(s: Session, when: dict[str, Any]) -> str:
    ref = str(when.get("date", ""))
    what = "誕生日" if ref == BIRTHDAY else f"項目「{field_label(s, ref) or '?'}」の日付"
    days = int(when.get("days", 0))
    shift = "当日" if days == 0 else (f"{-days}日前" if days < 0 else f"{days}日後")
    yearly = "毎年" if when.get("yearly") and ref != BIRTHDAY else ""
    return f"{yearly}{what}の{shift} {when.get('at', '')}"


def _in_year(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in another year
        return dt.date(year, 2, 28)


def _parse(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw[:10]) if raw else None
    except ValueError:
        return None


def _due_customers(s: Session, when: dict[str, Any], anchor: dt.date) -> list[int]:
    """The customers whose date (this year's anniversary when yearly) is ``anchor``."""
    ref = when["date"]
    months = {anchor.month} | ({2} if anchor.month == 2 else set())
    if ref == BIRTHDAY:
        rows: list[tuple[int, dt.date | None]] = [
            (int(cid), b) for cid, b in s.execute(select(Customer.id, Customer.birthday).where(
                Customer.birthday.is_not(None), extract("month", Customer.birthday).in_(months)))]
    else:
        q = select(FieldValue.customer_id, FieldValue.date_value).where(
            FieldValue.field_id == int(ref[7:]), FieldValue.date_value.is_not(None))
        if not when.get("yearly"):
            iso = anchor.isoformat()  # "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM" both sort here
            q = q.where(FieldValue.date_value >= iso, FieldValue.date_value < iso + "U")
        rows = [(int(cid), _parse(v)) for cid, v in s.execute(q)]
    if when.get("yearly"):
        return sorted(cid for cid, d in rows
                      if d is not None and _in_year(d, anchor.year) == anchor)
    return sorted(cid for cid, d in rows if d == anchor)


def scan_due(book: Book, now: dt.datetime) -> int:
    """Emit ``date.reached`` for every date rule's occurrence due at ``now`` (naive UTC)
    and not emitted before; how many were emitted. The engine (run_pending) acts on them."""
    from app.automation import model

    local = now.replace(tzinfo=dt.UTC).astimezone(JST)
    today, hhmm = local.date(), local.strftime("%H:%M")
    todo: list[tuple[str, int, dict[str, Any]]] = []
    with book.db.read() as s:
        for rule in s.scalars(select(Rule).where(Rule.enabled.is_(True)).order_by(Rule.id)):
            when = rule.spec.get("when", {})
            if when.get("kind") != "date" or hhmm < str(when.get("at", "")):
                continue
            if model.broken(s, rule.spec) is not None:
                continue
            anchor = today - dt.timedelta(days=int(when.get("days", 0)))
            on = anchor.isoformat()
            for cid in _due_customers(s, when, anchor):
                todo.append((f"date:{rule.id}:{cid}:{on}", cid, {"rule_id": rule.id, "on": on}))
        if not todo:
            return 0
        seen: set[str] = set()
        keys = [k for k, _, _ in todo]
        for start in range(0, len(keys), 500):
            seen.update(s.scalars(select(DomainEvent.key).where(
                DomainEvent.key.in_(keys[start:start + 500]))))
    fresh = [t for t in todo if t[0] not in seen]
    if not fresh:
        return 0
    emitted = 0
    with book.db.write() as s:
        for key, cid, data in fresh:
            emitted += de.emit(s, de.DATE_REACHED, key=key, customer_id=cid, data=data, at=now)
    return emitted
