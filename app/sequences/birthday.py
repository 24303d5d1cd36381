"""Birthday messages (誕生日メッセージ): one step of a reserved sequence, started each year.

The setting (book setting ``birthday``): on the day or ``days_before`` days before, at
``at`` (HH:MM Japan time), the ``text`` (placeholders and ``{クーポン}`` allowed), a coupon
valid ``coupon_days`` days. It is kept as the sequence 「誕生日メッセージ」 with one step
``{"day": 0, "at": at}``; :func:`start_due` (called by every ``run_due``) starts the
customers whose birthday is that many days ahead, once a year (the run's cause is
``birthday:<year>``), at the beginning of the day Japan time, so the step is due at ``at``
and goes through the sequences' exactly-once sending. A desktop that was off at that time
sends it when it runs later that day; a whole day missed is not sent late (a birthday
message days after the birthday would read oddly). 29 February birthdays are greeted on
28 February in other years.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import extract, select

from app.errors import ValidationError
from app.sequences.model import JST, parse_after
from app.store.models import Customer
from app.store.models_sequences import SequenceRun

if TYPE_CHECKING:
    from app.book import Book

SETTING = "birthday"
NAME = "誕生日メッセージ"


@dataclass(frozen=True)
class BirthdaySettings:
    enabled: bool = False
    days_before: int = 0
    at: str = "10:00"
    text: str = "{名前}様、お誕生日おめでとうございます！\nクーポンコード：{クーポン}"
    coupon_days: int = 30


def settings(book: Book) -> BirthdaySettings:
    raw = book.settings.get(SETTING) or {}
    known = {k: v for k, v in raw.items() if k in BirthdaySettings.__dataclass_fields__}
    return BirthdaySettings(**known)


def save(book: Book, new: BirthdaySettings) -> int:
    """Store the setting and its sequence; the sequence's id."""
    if not 0 <= new.days_before <= 60:
        raise ValidationError("days_before: 0 to 60")
    at = parse_after({"day": 0, "at": new.at})["at"]
    step = {"after": {"day": 0, "at": at}, "text": new.text, "coupon_days": new.coupon_days}
    raw = book.settings.get(SETTING) or {}
    sid = raw.get("sequence_id")
    ids = {i.id for i in book.sequences.list()}
    if sid in ids:
        book.sequences.update(int(sid), steps=[step], stop_on={"block": True})
    else:
        sid = book.sequences.create(NAME, [step], stop_on={"block": True})
    book.settings.set(SETTING, {**asdict(new), "at": at, "sequence_id": sid})
    return int(sid)


def _birthday_in(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return dt.date(year, 2, 28)


def start_due(book: Book, now: dt.datetime, *, ahead_days: int = 0) -> int:
    """Start today's birthday messages (``now`` naive UTC); how many started. With
    ``ahead_days`` (the relay's autopilot: app/autopilot/schedule.py) also those of the
    next days, each started at the beginning of its own day, so their step can be handed
    to the relay before the desktop is closed."""
    today = now.replace(tzinfo=dt.UTC).astimezone(JST).date()
    return sum(_start_day(book, today + dt.timedelta(days=n)) for n in range(ahead_days + 1))


def _start_day(book: Book, today: dt.date) -> int:
    raw: dict[str, Any] = book.settings.get(SETTING) or {}
    if not raw.get("enabled") or raw.get("sequence_id") is None:
        return 0
    sid = int(raw["sequence_id"])
    target = today + dt.timedelta(days=int(raw.get("days_before", 0)))
    cause = f"birthday:{target.year}"
    months = {target.month} | ({2} if target.month == 2 else set())
    with book.db.read() as s:
        born = [(cid, b) for cid, b in s.execute(
            select(Customer.id, Customer.birthday).where(
                Customer.birthday.is_not(None), Customer.line_user_id.is_not(None),
                extract("month", Customer.birthday).in_(months)))
            if b is not None and _birthday_in(b, target.year) == target]
        done = set(s.scalars(select(SequenceRun.customer_id).where(
            SequenceRun.sequence_id == sid, SequenceRun.cause == cause)))
    todo = [cid for cid, _ in born if cid not in done]
    if not todo:
        return 0
    midnight = dt.datetime(today.year, today.month, today.day, tzinfo=JST)
    return book.sequences.start(sid, todo, cause=cause,
                                at=midnight.astimezone(dt.UTC).replace(tzinfo=None))
