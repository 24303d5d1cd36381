"""Words the inbox shows in several places: status names, times, message kinds."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

from app.messages import ConversationStatus
from ui.i18n import current_language

STATUS_COLOURS = {
    ConversationStatus.OPEN.value: "#EA4335",
    ConversationStatus.IN_PROGRESS.value: "#F9AB00",
    ConversationStatus.DONE.value: "#34A853",
}



def status_label(status: str) -> str:
    labels = {
        ConversationStatus.OPEN.value: QCoreApplication.translate("Inbox", "Not handled"),
        ConversationStatus.IN_PROGRESS.value: QCoreApplication.translate("Inbox", "In progress"),
        ConversationStatus.DONE.value: QCoreApplication.translate("Inbox", "Done"),
    }
    return labels.get(status, status)


def local_from_ms(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000)


def list_time(ms: int | None, today: dt.date | None = None) -> str:
    """The list's time: 14:05 today, 11月28日 earlier this year, 2025年11月28日 before."""
    if ms is None:
        return ""
    when = local_from_ms(ms)
    today = today or dt.date.today()
    if when.date() == today:
        return f"{when:%H:%M}"
    if current_language() == "ja":
        if when.year == today.year:
            return f"{when.month}月{when.day}日"
        return f"{when.year}年{when.month}月{when.day}日"
    if when.year == today.year:
        return when.strftime("%b %d").replace(" 0", " ")
    return when.strftime("%b %d, %Y").replace(" 0", " ")


def day_label(day: dt.date) -> str:
    """A day separator: 2026年11月29日 (日)."""
    if current_language() == "ja":
        weekday = "月火水木金土日"[day.weekday()]
        return f"{day.year}年{day.month}月{day.day}日 ({weekday})"
    return day.strftime("%a, %b %d, %Y").replace(" 0", " ")


def kind_preview(mtype: str | None, direction: str | None) -> str:
    """The list's one line for a last message that is not text."""
    names = {
        "image": QCoreApplication.translate("Inbox", "Sent a photo"),
        "video": QCoreApplication.translate("Inbox", "Sent a video"),
        "audio": QCoreApplication.translate("Inbox", "Sent a voice message"),
        "file": QCoreApplication.translate("Inbox", "Sent a file"),
        "location": QCoreApplication.translate("Inbox", "Sent a location"),
        "sticker": QCoreApplication.translate("Inbox", "Sent a sticker"),
        "postback": QCoreApplication.translate("Inbox", "Tapped a button"),
        "system": QCoreApplication.translate("Inbox", "Friend status changed"),
        "unsent": QCoreApplication.translate("Inbox", "A message was unsent"),
    }
    if mtype is None:
        return ""
    text = names.get(mtype, QCoreApplication.translate("Inbox", "Sent a message"))
    if direction == "out" and mtype == "image":
        return QCoreApplication.translate("Inbox", "You sent a photo")
    return text


def sending_words(text: str) -> str:
    """A sentence of the sending core (English source, perhaps stored in the book, perhaps
    with LINE's reason in brackets) in the owner's language, in its own catalog context."""
    from ui.errors import translate_text

    return translate_text(text)


def failure_words(code: str | None, error: str | None) -> str:
    """Why a send failed and what to do, in the owner's words (from the core's code)."""
    from app.line.send import errors as send_errors

    text = sending_words(error) if error else ""
    cls = send_errors.FAILURES.get(code or "")
    advice = getattr(cls, "advice", "") if cls is not None else ""
    if advice:
        text = f"{text} {sending_words(advice)}".strip()
    return text
