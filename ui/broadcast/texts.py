"""Words the broadcast windows share: states, results, reasons, how recipients were chosen."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from app.errors import OtokuiError
from ui.formatting import format_count

if TYPE_CHECKING:
    from app.book import Book



def state_label(state: str) -> str:
    labels = {
        "scheduled": QCoreApplication.translate(
            "Broadcast", "Scheduled"),
        "ready": QCoreApplication.translate(
            "Broadcast", "Waiting to send"),
        "sending": QCoreApplication.translate(
            "Broadcast", "Sending"),
        "done": QCoreApplication.translate(
            "Broadcast", "Sent"),
        "stopped": QCoreApplication.translate(
            "Broadcast", "Stopped (monthly limit)"),
        "cancelled": QCoreApplication.translate(
            "Broadcast", "Cancelled"),
    }
    return labels.get(state, state)


def result_label(state: str) -> str:
    labels = {
        "sent": QCoreApplication.translate(
            "Broadcast", "Sent"),
        "failed": QCoreApplication.translate(
            "Broadcast", "Failed"),
        "skipped": QCoreApplication.translate(
            "Broadcast", "Skipped"),
        "not_sent": QCoreApplication.translate(
            "Broadcast", "Not sent"),
        "pending": QCoreApplication.translate(
            "Broadcast", "Waiting"),
        "sending": QCoreApplication.translate(
            "Broadcast", "Waiting"),
    }
    return labels.get(state, state)


def reason_words(reason: str | None) -> str:
    """Why a recipient did not get it, in the owner's words (LINE's own text otherwise)."""
    if not reason:
        return ""
    words = {
        "quota": QCoreApplication.translate(
            "Broadcast", "This month's LINE message limit was reached"),
        "cancelled": QCoreApplication.translate(
            "Broadcast", "The broadcast was cancelled"),
        "blocked": QCoreApplication.translate(
            "Broadcast", "Blocked your account since it was planned"),
        "not_on_line": QCoreApplication.translate(
            "Broadcast", "No longer a LINE friend"),
        "unknown": QCoreApplication.translate(
            "Broadcast", "Otokui could not confirm it; it may have arrived"),
        "images_expired": QCoreApplication.translate(
            "Broadcast", "Its photos were no longer available to LINE"),
    }
    if reason in words:
        return words[reason]
    from ui.inbox.texts import sending_words

    return sending_words(reason)


def cost_words(info: Any) -> str:
    """The history's 通数: what a broadcast used, or what it will use while it waits."""
    if info.planned:
        return QCoreApplication.translate("Broadcast", "%1 (planned)").replace(
            "%1", f"{info.cost:,}")
    return f"{info.used:,}"


def audience_words(book: Book | None, audience: dict[str, Any]) -> str:
    """How the recipients were chosen, e.g. "タグ「VIP」" or "すべての友だち"."""
    kind = audience.get("kind")
    if kind == "all":
        return QCoreApplication.translate(
            "Broadcast", "All friends")
    if kind == "customers":
        return QCoreApplication.translate(
            "Broadcast", "Selected customers (%1)").replace(
            "%1", format_count(int(audience.get("selected", 0))))
    if kind == "condition":
        return QCoreApplication.translate(
            "Broadcast", "Customers matching conditions")
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
        if not name:
            return QCoreApplication.translate("Broadcast", "A deleted segment")
        return QCoreApplication.translate("Broadcast", "Segment “%1”").replace("%1", name)
    if kind == "tag":
        if not name:
            return QCoreApplication.translate("Broadcast", "A deleted tag")
        return QCoreApplication.translate("Broadcast", "Tag “%1”").replace("%1", name)
    return str(kind or "")


def bubble_words(info: Any, separator: str = " / ", *, one_line: bool = True) -> str:
    """A stored broadcast's bubbles as text; a photo as "[Photo]"."""
    parts = []
    for bubble in (getattr(info, "bubbles", ()) or info.texts):
        text = bubble if isinstance(bubble, str) else QCoreApplication.translate(
            "Broadcast", "[Photo]")
        parts.append(text.replace("\n", " ") if one_line else text)
    return separator.join(parts)


# A Japanese sentence or clause ends here: the next one follows without a space.
_JAPANESE_ENDS = ("。", "！", "？", "」", "』", "）")


def sentences(*parts: str) -> str:
    """Sentences one after another: a space after an English one, none after 。 (Japanese
    runs its sentences together)."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not out.endswith(_JAPANESE_ENDS):
            out += " "
        out += part
    return out


def japanese_spacing(text: str) -> str:
    """Text joined elsewhere with English spacing, without the space after 。！？."""
    return re.sub(r"(?<=[。！？]) +", "", text)


def listing(parts: list[str]) -> str:
    """Counts in a row: "Sent: 5, not sent: 45" / "送信：5、未送信：45"."""
    return QCoreApplication.translate("Broadcast", ", ", "between the items of a list, as "
                                      "in “Sent: 5, not sent: 45”").join(parts)


def owner_words(exc: OtokuiError) -> str:
    """A known error as one sentence or two: what happened, then what to do."""
    from ui.errors import translate_error

    message, advice = translate_error(exc)
    return sentences(message, advice)
