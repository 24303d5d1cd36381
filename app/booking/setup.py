"""The reservation setup (``booking setup FILE.json``): menus, staff, classes, hours, rules.

Parsed strictly (unknown keys refused, so a typo is reported, not ignored) into frozen
dataclasses; times are minutes of the day. The format is documented with a complete
example in docs/reservations.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.booking.errors import BookingSetupError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STEPS = (5, 10, 15, 30, 60)

Span = tuple[int, int]  # [start, end) in minutes of the day


@dataclass(frozen=True)
class Menu:
    id: str
    name: str
    duration: int
    price: int = 0
    buffer_before: int = 0
    buffer_after: int = 0
    #: The staff who may do it; empty means every staff member.
    staff: tuple[str, ...] = ()
    #: Form items (the forms feature's format) asked before confirming.
    questions: tuple[Mapping[str, Any], ...] = ()
    shown: bool = True


@dataclass(frozen=True)
class Staff:
    id: str
    name: str
    shifts: Mapping[int, tuple[Span, ...]]  # weekday (0 = Monday) → spans
    days_off: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class ClassSession:
    """A class or event: a fixed time with N seats, on weekdays and/or dates."""

    id: str
    name: str
    start: int
    duration: int
    seats: int
    price: int = 0
    weekdays: frozenset[int] = frozenset()
    dates: frozenset[dt.date] = frozenset()
    questions: tuple[Mapping[str, Any], ...] = ()
    shown: bool = True


@dataclass(frozen=True)
class Reminder:
    """A reminder: ``days_before`` at ``at`` (minutes of the day), or ``hours_before``."""

    text: str
    days_before: int | None = None
    at: int = 0
    hours_before: int | None = None

    def due(self, start: dt.datetime) -> dt.datetime:
        if self.days_before is not None:
            return dt.datetime.combine(start.date() - dt.timedelta(days=self.days_before),
                                       dt.time()) + dt.timedelta(minutes=self.at)
        return start - dt.timedelta(hours=self.hours_before or 0)


@dataclass(frozen=True)
class Messages:
    """The friend's LINE messages about a booking (templates with {名前}, {日時},
    {メニュー}, {担当}); an empty text is not sent."""

    confirmation: str = ""
    reminders: tuple[Reminder, ...] = ()
    thank_you: str = ""
    thank_you_hours_after: int = 2
    change: str = ""
    cancellation: str = ""


@dataclass(frozen=True)
class Setup:
    hours: Mapping[int, tuple[Span, ...]]
    menus: tuple[Menu, ...]
    staff: tuple[Staff, ...] = ()
    #: Seats/rooms when there is no staff (each booking takes one).
    seats: int = 1
    classes: tuple[ClassSession, ...] = ()
    japan_holidays: bool = True
    closed_dates: frozenset[dt.date] = frozenset()
    slot_step: int = 15
    book_ahead_days: int = 60
    #: A friend books at least this many minutes before the start.
    min_notice_minutes: int = 60
    cancel_deadline_hours: int = 24
    max_open_per_friend: int = 3
    approval: bool = False
    messages: Messages = Messages()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def menu(self, menu_id: str) -> Menu | None:
        return next((m for m in self.menus if m.id == menu_id), None)

    def klass(self, class_id: str) -> ClassSession | None:
        return next((c for c in self.classes if c.id == class_id), None)

    def staff_for(self, menu: Menu) -> tuple[Staff, ...]:
        if not self.staff:
            return ()
        if not menu.staff:
            return self.staff
        return tuple(s for s in self.staff if s.id in menu.staff)


_TOP = frozenset({"hours", "menus", "staff", "seats", "classes", "holidays", "slot_step",
                  "book_ahead_days", "min_notice_minutes", "cancel_deadline_hours",
                  "max_open_per_friend", "approval", "messages"})
_MESSAGES = frozenset({"confirmation", "reminders", "thank_you", "change", "cancellation"})
_REMINDER = frozenset({"days_before", "at", "hours_before", "text"})
_THANKS = frozenset({"hours_after", "text"})
_MENU = frozenset({"id", "name", "duration", "price", "buffer_before", "buffer_after",
                   "staff", "questions", "shown"})
_STAFF = frozenset({"id", "name", "shifts", "days_off"})
_CLASS = frozenset({"id", "name", "start", "duration", "seats", "price", "weekdays", "dates",
                    "questions", "shown"})
_HOLIDAYS = frozenset({"japan", "dates"})


def parse_setup(data: Any) -> Setup:
    """Read a setup (a parsed JSON object, or its text); raise :class:`BookingSetupError`."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise BookingSetupError(f"not JSON ({exc})") from None
    obj = _obj("setup", data, _TOP)
    hours = _week("hours", obj.get("hours"))
    staff: list[Staff] = []
    for n, raw in enumerate(_list("staff", obj.get("staff", [])), start=0):
        where = f"staff[{n}]"
        s = _obj(where, raw, _STAFF)
        staff.append(Staff(id=_id(where, s), name=_str(where, s, "name"),
                           shifts=_week(f"{where}.shifts", s.get("shifts")),
                           days_off=frozenset(_dates(f"{where}.days_off",
                                                     s.get("days_off", [])))))
    staff_ids = [s.id for s in staff]
    _unique("staff", staff_ids)
    menus: list[Menu] = []
    for n, raw in enumerate(_list("menus", obj.get("menus", [])), start=0):
        where = f"menus[{n}]"
        m = _obj(where, raw, _MENU)
        allowed = tuple(_list(f"{where}.staff", m.get("staff", [])))
        for sid in allowed:
            if sid not in staff_ids:
                raise BookingSetupError(f'{where}.staff: no staff member "{sid}"')
        menus.append(Menu(
            id=_id(where, m), name=_str(where, m, "name"),
            duration=_int(where, m, "duration", 5, 24 * 60, required=True),
            price=_int(where, m, "price", 0, 10_000_000),
            buffer_before=_int(where, m, "buffer_before", 0, 240),
            buffer_after=_int(where, m, "buffer_after", 0, 240),
            staff=tuple(str(x) for x in allowed),
            questions=_questions(where, m.get("questions", []), _str(where, m, "name")),
            shown=_bool(where, m, "shown", True)))
    classes: list[ClassSession] = []
    for n, raw in enumerate(_list("classes", obj.get("classes", [])), start=0):
        where = f"classes[{n}]"
        c = _obj(where, raw, _CLASS)
        weekdays = frozenset(_weekday(f"{where}.weekdays", w)
                             for w in _list(f"{where}.weekdays", c.get("weekdays", [])))
        dates = frozenset(_dates(f"{where}.dates", c.get("dates", [])))
        if not weekdays and not dates:
            raise BookingSetupError(f"{where}: give weekdays or dates")
        classes.append(ClassSession(
            id=_id(where, c), name=_str(where, c, "name"),
            start=_time(f"{where}.start", c.get("start")),
            duration=_int(where, c, "duration", 5, 24 * 60, required=True),
            seats=_int(where, c, "seats", 1, 10_000, required=True),
            price=_int(where, c, "price", 0, 10_000_000), weekdays=weekdays, dates=dates,
            questions=_questions(where, c.get("questions", []), _str(where, c, "name")),
            shown=_bool(where, c, "shown", True)))
    _unique("menus and classes", [m.id for m in menus] + [c.id for c in classes])
    if not menus and not classes:
        raise BookingSetupError("menus: at least one menu or class")
    holidays = _obj("holidays", obj.get("holidays", {}), _HOLIDAYS)
    step = _int("setup", obj, "slot_step", 5, 60) or 15
    if "slot_step" in obj and step not in STEPS:
        raise BookingSetupError(f"slot_step: one of {', '.join(map(str, STEPS))}")
    return Setup(
        hours=hours, menus=tuple(menus), staff=tuple(staff),
        seats=_int("setup", obj, "seats", 1, 10_000) or 1, classes=tuple(classes),
        japan_holidays=_bool("holidays", holidays, "japan", True),
        closed_dates=frozenset(_dates("holidays.dates", holidays.get("dates", []))),
        slot_step=step,
        book_ahead_days=_int("setup", obj, "book_ahead_days", 1, 366, default=60),
        min_notice_minutes=_int("setup", obj, "min_notice_minutes", 0, 14 * 24 * 60,
                                default=60),
        cancel_deadline_hours=_int("setup", obj, "cancel_deadline_hours", 0, 24 * 60,
                                   default=24),
        max_open_per_friend=_int("setup", obj, "max_open_per_friend", 1, 100, default=3),
        approval=_bool("setup", obj, "approval", False),
        messages=_messages(obj.get("messages", {})), raw=obj)


def _text(where: str, raw: Any) -> str:
    if not isinstance(raw, str) or len(raw) > 5000:
        raise BookingSetupError(f"{where}: a text of up to 5000 characters")
    return raw.strip()


def _messages(raw: Any) -> Messages:
    obj = _obj("messages", raw, _MESSAGES)
    reminders: list[Reminder] = []
    for n, item in enumerate(_list("messages.reminders", obj.get("reminders", []))):
        where = f"messages.reminders[{n}]"
        r = _obj(where, item, _REMINDER)
        text = _text(f"{where}.text", r.get("text"))
        if ("days_before" in r) == ("hours_before" in r):
            raise BookingSetupError(f"{where}: give days_before (with at) or hours_before")
        if "days_before" in r:
            reminders.append(Reminder(
                text, days_before=_int(where, r, "days_before", 0, 60, required=True),
                at=_time(f"{where}.at", r.get("at"))))
        else:
            if "at" in r:
                raise BookingSetupError(f"{where}.at: only with days_before")
            reminders.append(Reminder(
                text, hours_before=_int(where, r, "hours_before", 1, 24 * 14, required=True)))
    thanks = _obj("messages.thank_you", obj.get("thank_you", {"text": ""}), _THANKS)
    return Messages(
        confirmation=_text("messages.confirmation", obj.get("confirmation", "")),
        reminders=tuple(reminders),
        thank_you=_text("messages.thank_you.text", thanks.get("text", "")),
        thank_you_hours_after=_int("messages.thank_you", thanks, "hours_after", 0, 24 * 14,
                                   default=2),
        change=_text("messages.change", obj.get("change", "")),
        cancellation=_text("messages.cancellation", obj.get("cancellation", "")))


# --- small readers -----------------------------------------------------------------------
def _obj(where: str, raw: Any, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BookingSetupError(f"{where}: must be an object")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise BookingSetupError(f'{where}: unknown property "{unknown[0]}"')
    return raw


def _list(where: str, raw: Any) -> list[Any]:
    if not isinstance(raw, list):
        raise BookingSetupError(f"{where}: must be a list")
    return raw


def _str(where: str, data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        raise BookingSetupError(f'{where}.{name}: text of 1-100 characters')
    return value.strip()


def _id(where: str, data: Mapping[str, Any]) -> str:
    value = _str(where, data, "id")
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in value) or len(value) > 64:
        raise BookingSetupError(f"{where}.id: letters, digits, - and _ only")
    return value


def _int(where: str, data: Mapping[str, Any], name: str, low: int, high: int, *,
         required: bool = False, default: int = 0) -> int:
    value = data.get(name)
    if value is None:
        if required:
            raise BookingSetupError(f"{where}.{name}: required")
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BookingSetupError(f"{where}.{name}: a whole number from {low} to {high}")
    return value


def _bool(where: str, data: Mapping[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise BookingSetupError(f"{where}.{name}: true or false")
    return value


def _unique(where: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise BookingSetupError(f'{where}: the id "{i}" is used twice')
        seen.add(i)


def _time(where: str, raw: Any) -> int:
    try:
        if not isinstance(raw, str):
            raise ValueError
        h, m = raw.split(":")
        minutes = int(h) * 60 + int(m)
        if not (0 <= int(m) < 60 and 0 <= minutes <= 24 * 60):
            raise ValueError
    except ValueError:
        raise BookingSetupError(f'{where}: a time such as "10:30"') from None
    return minutes


def _weekday(where: str, raw: Any) -> int:
    if raw not in WEEKDAYS:
        raise BookingSetupError(f"{where}: one of {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(raw)


def _dates(where: str, raw: Any) -> list[dt.date]:
    out: list[dt.date] = []
    for value in _list(where, raw):
        try:
            out.append(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            raise BookingSetupError(f'{where}: dates such as "2026-12-31"') from None
    return out


def _week(where: str, raw: Any) -> dict[int, tuple[Span, ...]]:
    """``{"mon": [["10:00", "19:00"]], …}``; ``"daily"`` sets every day not named."""
    if not isinstance(raw, dict):
        raise BookingSetupError(f'{where}: an object such as {{"daily": [["10:00", "19:00"]]}}')
    unknown = sorted(set(raw) - set(WEEKDAYS) - {"daily"})
    if unknown:
        raise BookingSetupError(f'{where}: unknown day "{unknown[0]}"')
    week: dict[int, tuple[Span, ...]] = {}
    for n, day in enumerate(WEEKDAYS):
        spans_raw = raw.get(day, raw.get("daily", []))
        spans: list[Span] = []
        for span in _list(f"{where}.{day}", spans_raw):
            if not isinstance(span, list) or len(span) != 2:
                raise BookingSetupError(f'{where}.{day}: spans such as ["10:00", "19:00"]')
            a, b = _time(f"{where}.{day}", span[0]), _time(f"{where}.{day}", span[1])
            if b <= a:
                raise BookingSetupError(f"{where}.{day}: a span ends after it starts")
            spans.append((a, b))
        week[n] = tuple(sorted(spans))
    return week


def _questions(where: str, raw: Any, title: str) -> tuple[Mapping[str, Any], ...]:
    """Form items, checked by the forms feature's own parser (one format, one checker)."""
    from relay.forms.schema import DefinitionError, parse_definition

    items = _list(f"{where}.questions", raw)
    if not items:
        return ()
    try:
        parse_definition({"title": title, "items": items})
    except DefinitionError as exc:
        raise BookingSetupError(f"{where}.questions: {exc}") from None
    return tuple(items)
