"""Dates, times and counts as the owner reads them: 2026年11月29日, 12,345人.

Stored times are UTC; they are shown in the computer's local time.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QLocale

from ui.i18n import current_language


def local_time(value: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) time in the computer's time zone, still naive."""
    return value.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_time(value).date()
    if current_language() == "ja":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.strftime("%b %d, %Y").replace(" 0", " ")


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = local_time(value)
    return f"{format_date(local.date())} {local:%H:%M}"


def format_number(value: float | int) -> str:
    return QLocale().toString(value) if isinstance(value, int) else QLocale().toString(
        float(value), "g", 12)


def format_count(n: int) -> str:
    """A number of customers: "12,345人" in Japanese, "12,345 customers" in English."""
    return QCoreApplication.translate("formatting", "%Ln customer(s)", None, n)
