"""Periods and buckets in the shop's local time (Japan: UTC+9, no daylight saving)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: The shop's clock. Japan has no daylight saving, so a fixed offset is exact and needs no
#: tz database (absent on Windows without the tzdata package).
JST = dt.timezone(dt.timedelta(hours=9))

GRAINS = ("day", "week", "month")


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in local dates."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before (for the comparison)."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Naive UTC [from, to) as the book stores times."""
        lo = dt.datetime.combine(self.start, dt.time(), JST)
        hi = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), JST)
        return (lo.astimezone(dt.UTC).replace(tzinfo=None),
                hi.astimezone(dt.UTC).replace(tzinfo=None))

    def ms_bounds(self) -> tuple[int, int]:
        lo, hi = self.utc_bounds()
        return utc_to_ms(lo), utc_to_ms(hi)

    @classmethod
    def this_week(cls, today: dt.date) -> Period:
        start = today - dt.timedelta(days=today.weekday())
        return cls(start, start + dt.timedelta(days=6))

    @classmethod
    def this_month(cls, today: dt.date) -> Period:
        start = today.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return cls(start, nxt - dt.timedelta(days=1))


_EPOCH = dt.datetime(1970, 1, 1)


def utc_to_ms(when: dt.datetime) -> int:
    return (when - _EPOCH) // dt.timedelta(milliseconds=1)


def local_date(utc_naive: dt.datetime) -> dt.date:
    return (utc_naive + dt.timedelta(hours=9)).date()


def local_date_ms(ms: int) -> dt.date:
    return local_date(_EPOCH + dt.timedelta(milliseconds=ms))


def bucket_of(day: dt.date, grain: str) -> dt.date:
    """The first day of the bucket ``day`` falls in (weeks start on Monday)."""
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown grain {grain!r}")


def buckets(period: Period, grain: str) -> list[dt.date]:
    """Every bucket the period touches, in order (empty ones too: a chart shows zeros)."""
    out: list[dt.date] = []
    day = period.start
    while day <= period.end:
        b = bucket_of(day, grain)
        if not out or out[-1] != b:
            out.append(b)
        day += dt.timedelta(days=1)
    return out
