"""Parsing and formatting values as owners type them (and as Excel writes them).

Dates accept 2026-11-29, 2026/11/29, 2026.11.29 and 2026年11月29日 (full-width digits too);
numbers accept 1,234 and １２３４.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from app.errors import ValidationError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "values"
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATETIME = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[ T]+(\d{1,2})[:時](\d{2})(?:[:分](\d{2}))?秒?"
    r"(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE.match(_nfkc(str(value)))
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ValidationError(str(value)[:40], message=QT_TRANSLATE_NOOP(
        _CTX, "This is not a valid date (for example 2026-11-29)."))


def parse_datetime(value: object) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = _nfkc(str(value))
    m = _DATETIME.match(text)
    if m:
        try:
            result = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]),
                                 int(m[6] or 0))
            if m[7]:
                tz = m[7]
                if tz == "Z":
                    return result
                sign = 1 if tz[0] == "+" else -1
                hh, mm = int(tz[1:3]), int(tz[-2:])
                return result - sign * dt.timedelta(hours=hh, minutes=mm)
            return result
        except ValueError:
            pass
    try:
        day = parse_date(text)
        if day is not None:
            return dt.datetime.combine(day, dt.time())  # a bare date is midnight
    except ValidationError:
        pass
    raise ValidationError(str(value)[:40], message=QT_TRANSLATE_NOOP(
        _CTX, "This is not a valid date and time (for example 2026-11-29 14:30)."))


def parse_number(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(str(value))
    if isinstance(value, int | float):
        return float(value)
    text = _nfkc(str(value)).replace(",", "").replace("円", "")
    try:
        return float(text)
    except ValueError:
        raise ValidationError(str(value)[:40], message=QT_TRANSLATE_NOOP(
            _CTX, "This is not a number.")) from None


def parse_int(value: object) -> int | None:
    number = parse_number(value)
    if number is None:
        return None
    if number != int(number):
        raise ValidationError(str(value)[:40], message=QT_TRANSLATE_NOOP(
            _CTX, "This must be a whole number."))
    return int(number)


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else repr(value)
