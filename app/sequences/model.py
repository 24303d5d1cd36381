"""A sequence's steps: when each one is due, and how they are written in JSON.

A step waits ``after`` its friend's start, in one of these forms::

    {"minutes": 30}   {"hours": 2}   {"days": 3}
    {"day": 1, "at": "10:00"}   # the day after the start day, 10:00 Japan time

``{"day": 0, "at": "HH:MM"}`` is the start day itself; a time already past when the friend
starts means "at once" (a step is never due before the start). Japan has no daylight
saving time, so Japan time is UTC+9 all year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from app.errors import ValidationError

JST = dt.timezone(dt.timedelta(hours=9))
UNITS = ("minutes", "hours", "days")
#: LINE takes at most five message objects in one push.
MAX_TEXTS = 5
MAX_STEPS = 100
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Step:
    after: dict[str, Any]
    texts: tuple[str, ...]
    #: A ``{クーポン}`` in the texts issues a coupon valid this many days (None: no expiry).
    coupon_days: int | None = None

    def due(self, started_at: dt.datetime) -> dt.datetime:
        """When this step is due for a friend started at ``started_at`` (naive UTC)."""
        if "day" in self.after:
            hh, mm = (int(x) for x in str(self.after["at"]).split(":"))
            local = started_at.replace(tzinfo=dt.UTC).astimezone(JST)
            day = local.date() + dt.timedelta(days=int(self.after["day"]))
            at = dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=JST)
            return max(started_at, at.astimezone(dt.UTC).replace(tzinfo=None))
        unit, n = next((u, int(self.after[u])) for u in UNITS if u in self.after)
        return started_at + dt.timedelta(**{unit: n})

    def describe(self) -> str:
        """The wait in the owner's words (Japanese, as the rest of the book's data)."""
        if "day" in self.after:
            return f"{self.after['day']}日後 {self.after['at']}"
        labels = {"minutes": "分後", "hours": "時間後", "days": "日後"}
        unit = next(u for u in UNITS if u in self.after)
        return f"{self.after[unit]}{labels[unit]}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"after": dict(self.after), "texts": list(self.texts)}
        if self.coupon_days is not None:
            out["coupon_days"] = self.coupon_days
        return out


def parse_after(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValidationError(f"after: {raw!r}")
    if "day" in raw:
        day, at = raw.get("day"), str(raw.get("at", ""))
        if not isinstance(day, int) or day < 0 or day > 3650 or not _HHMM.match(at) \
                or set(raw) != {"day", "at"}:
            raise ValidationError(f"after: {raw!r} (day N >= 0 with at HH:MM)")
        hh, mm = at.split(":")
        return {"day": day, "at": f"{int(hh):02d}:{mm}"}
    units = [u for u in UNITS if u in raw]
    if len(units) != 1 or len(raw) != 1:
        raise ValidationError(f"after: {raw!r} (one of minutes, hours, days)")
    n = raw[units[0]]
    if not isinstance(n, int) or isinstance(n, bool) or n < 0 or n > 3650 * 24 * 60:
        raise ValidationError(f"after: {raw!r}")
    return {units[0]: n}


def parse_step(raw: Any) -> Step:
    if not isinstance(raw, dict):
        raise ValidationError(f"step: {raw!r}")
    texts = raw.get("texts", [raw["text"]] if "text" in raw else [])
    if not isinstance(texts, list) or not texts or len(texts) > MAX_TEXTS \
            or not all(isinstance(t, str) and t.strip() for t in texts):
        raise ValidationError(f"step texts: 1 to {MAX_TEXTS} non-empty texts")
    if any(len(t) > 5000 for t in texts):
        raise ValidationError("step text: at most 5,000 characters (LINE's limit)")
    days = raw.get("coupon_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool)
                             or not 0 <= days <= 3650):
        raise ValidationError(f"coupon_days: {days!r}")
    return Step(parse_after(raw.get("after")), tuple(texts), days)


def parse_steps(raw: Any) -> list[Step]:
    if not isinstance(raw, list) or not raw or len(raw) > MAX_STEPS:
        raise ValidationError(f"steps: 1 to {MAX_STEPS} steps")
    return [parse_step(r) for r in raw]


@dataclass(frozen=True)
class SequenceInfo:
    id: int
    name: str
    version: int
    steps: tuple[Step, ...]
    stop_tags: tuple[int, ...]
    stop_on_block: bool
    stop_on_reply: bool
    running: int
    done: int
    stopped: int


@dataclass(frozen=True)
class Progress:
    """One friend's place in a sequence."""

    customer_id: int
    name: str
    state: str
    steps_sent: int
    started_at: dt.datetime
    next_due: dt.datetime | None
    stop_reason: str | None


@dataclass
class RunReport:
    sent: int = 0
    failed: int = 0
    stopped: int = 0
    finished: int = 0
    #: Why the run ended early ("quota", "unreachable", "token"), None when all went.
    interrupted: str | None = None
    #: LINE's last answer then (verdict and HTTP status), for the log and the CLI.
    detail: str = ""
