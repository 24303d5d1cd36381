"""Words the broadcast windows share: states, results, reasons, how recipients were chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from app.errors import OtokuiError
from ui.formatting import format_count

if TYPE_CHECKING:
    from app.book import Book

_CTX = "Broadcast"


def _t(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def state_label(state: str) -> str:
    labels = {
        "scheduled": _t("Scheduled"),
        "ready": _t("Waiting to send"),
        "sending": _t("Sending"),
        "done": _t("Sent"),
        "stopped": _t("Stopped (monthly limit)"),
        "cancelled": _t("Cancelled"),
    }
    return labels.get(state, state)


def result_label(state: str) -> str:
    labels = {
        "sent": _t("Sent"),
        "failed": _t("Failed"),
        "skipped": _t("Skipped"),
        "not_sent": _t("Not sent"),
        "pending": _t("Waiting"),
        "sending": _t("Waiting"),
    }
    return labels.get(state, state)


def reason_words(reason: str | None) -> str:
    """Why a recipient did not get it, in the owner's words (LINE's own text otherwise)."""
    if not reason:
        return ""
    words = {
        "quota": _t("This month's LINE message limit was reached"),
        "cancelled": _t("The broadcast was cancelled"),
        "blocked": _t("Blocked your account since it was planned"),
        "not_on_line": _t("No longer a LINE friend"),
        "unknown": _t("Otokui could not confirm it; it may have arrived"),
        "images_expired": _t("Its photos were no longer available to LINE"),
    }
    if reason in words:
        return words[reason]
    from ui.inbox.texts import sending_words

    return sending_words(reason)


def audience_words(book: Book | None, audience: dict[str, Any]) -> str:
    """How the recipients were chosen, e.g. "タグ「VIP」" or "すべての友だち"."""
    kind = audience.get("kind")
    if kind == "all":
        return _t("All friends")
    if kind == "customers":
        return _t("Selected customers (%1)").replace(
            "%1", format_count(int(audience.get("selected", 0))))
    if kind == "condition":
        return _t("Customers matching conditions")
    name = ""
    if book is not None:
        try:
            if kind == "segment":
                name = book.segments.get(int(audience["segment_id"])).name
            elif kind == "tag":
                name = book.tags.get(int(audience["tag_id"])).name
        except (OtokuiError, KeyError, ValueError):
            name = ""
    if kind == "segment":
        return _t("Segment “%1”").replace("%1", name) if name else _t("A deleted segment")
    if kind == "tag":
        return _t("Tag “%1”").replace("%1", name) if name else _t("A deleted tag")
    return str(kind or "")


def bubble_words(info: Any, separator: str = " / ", *, one_line: bool = True) -> str:
    """A stored broadcast's bubbles as text; a photo as "[Photo]"."""
    parts = []
    for bubble in (getattr(info, "bubbles", ()) or info.texts):
        text = bubble if isinstance(bubble, str) else _t("[Photo]")
        parts.append(text.replace("\n", " ") if one_line else text)
    return separator.join(parts)


def _words(text: str, contexts: tuple[str, ...]) -> str:
    for ctx in contexts:
        translated = QCoreApplication.translate(ctx, text)
        if translated != text:
            return translated
    return text


def owner_words(exc: OtokuiError) -> str:
    """A known error as one sentence or two: what happened, then what to do."""
    from ui.errors import translate_error

    message, advice = translate_error(exc)
    if message.startswith(exc.message):  # not one of the window's: the engine's own words
        message = _words(exc.message, ("broadcasts", "sending", "line")) \
            + message[len(exc.message):]
    if exc.advice and advice == exc.advice:
        advice = _words(exc.advice, ("broadcasts", "sending", "line"))
    return f"{message} {advice}".strip()
