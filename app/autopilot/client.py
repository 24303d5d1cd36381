"""Switching the relay's autopilot on and off, and publishing the instant replies.

The replies are kept in the book's settings (``autopilot.replies``, the shop's own texts)
and published whole to the relay with ``PUT /v1/autopilot`` (docs/relay.md, "Autopilot").
Switching on hands the relay the channel access token: the relay then holds it, encrypted
with a key from its environment (RELAY_AUTOPILOT_KEY), and the replies' texts.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import ValidationError

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.autopilot")

KEY_REPLIES = "autopilot.replies"
KEY_ON = "autopilot.on"
#: A rule changed while the autopilot is on: the instant rules are published again by the
#: next background run (the sync's batch, the window's minute timer, the CLI), never by
#: the window's own thread (:func:`publish_if_needed`).
KEY_REPUBLISH = "autopilot.republish"
#: The relay takes at most this many replies (relay/autopilot.py: MAX_REPLIES).
MAX_REPLIES = 200
KINDS = ("follow", "keyword", "form")


@dataclass(frozen=True)
class AutopilotStatus:
    #: off, on, token_invalid (LINE refused the token: the relay stores, does not reply)
    state: str
    replies: int
    sent: int
    key_configured: bool


def check_replies(data: object) -> list[dict[str, Any]]:
    """The replies as the relay takes them; ValidationError on anything else (the relay
    checks again)."""
    if not isinstance(data, list):
        raise ValidationError("The replies must be a JSON list.")
    out: list[dict[str, Any]] = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict) or item.get("kind") not in KINDS:
            raise ValidationError(f"Reply {n}: kind must be follow, keyword or form.")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(f"Reply {n}: the text is empty.")
        if "{" in text.replace("{name}", ""):
            raise ValidationError(f"Reply {n}: only {{name}} may be filled in by the relay.")
        reply: dict[str, Any] = {"id": str(item.get("id") or n), "kind": item["kind"],
                                 "text": text}
        if item["kind"] == "keyword":
            words = item.get("keywords")
            if not isinstance(words, list) or not [w for w in words
                                                   if isinstance(w, str) and w.strip()]:
                raise ValidationError(f"Reply {n}: a keyword reply needs keywords.")
            reply["keywords"] = [w.strip() for w in words if isinstance(w, str) and w.strip()]
            reply["match"] = "all" if item.get("match") == "all" else "any"
        if item["kind"] == "form":
            reply["form_id"] = str(item.get("form_id") or "")
        out.append(reply)
    return out


def rules_changed(book: Book) -> None:
    """A rule was saved, switched or deleted: while the autopilot is on, its instant
    rules are published again by the next background run."""
    if book.settings.get(KEY_ON, False):
        book.settings.set(KEY_REPUBLISH, True)


def publish_if_needed(book: Book) -> bool:
    """Publish the instant replies again if a rule changed since; True when it did.
    Raises what the relay call raises (the mark stays: the next run tries again)."""
    if not book.settings.get(KEY_REPUBLISH, False):
        return False
    # Cleared first: a rule saved while this publishes marks it again.
    book.settings.set(KEY_REPUBLISH, False)
    try:
        AutopilotClient(book).publish()
    except BaseException:
        book.settings.set(KEY_REPUBLISH, True)
        raise
    return True


class AutopilotClient:
    def __init__(self, book: Book) -> None:
        self._book = book

    def replies(self) -> list[dict[str, Any]]:
        value = self._book.settings.get(KEY_REPLIES, [])
        return list(value) if isinstance(value, list) else []

    def published(self) -> list[dict[str, Any]]:
        """What the relay answers with: the shop's own replies, then the instant rules
        (app/automation/instant.py; the relay answers with the first that matches)."""
        from app.automation import instant

        out = self.replies() + instant.replies(self._book)
        if len(out) > MAX_REPLIES:
            log.warning("more than %d instant replies; the relay takes the first %d",
                        MAX_REPLIES, MAX_REPLIES)
        return out[:MAX_REPLIES]

    def set_replies(self, replies: list[dict[str, Any]]) -> None:
        """Keep the replies; publish them when the autopilot is on."""
        checked = check_replies(replies)
        self._book.settings.set(KEY_REPLIES, checked)
        self.publish()

    def publish(self) -> None:
        """Send the replies (the shop's and the instant rules') to the relay when the
        autopilot is on. Network: call it off the window's thread."""
        if self._book.settings.get(KEY_ON, False):
            self._call("PUT", "/v1/autopilot/replies", {"replies": self.published()})

    def import_file(self, path: Path) -> int:
        data = json.loads(path.read_text(encoding="utf-8"))
        replies = data.get("replies") if isinstance(data, dict) else data
        self.set_replies(check_replies(replies))
        return len(self.replies())

    def turn_on(self) -> None:
        token = self._book.line.access_token()
        self._call("PUT", "/v1/autopilot", {"access_token": token,
                                             "replies": self.published()})
        self._book.settings.set(KEY_ON, True)
        from app.autopilot import pages

        pages.publish(self._book)  # the pages' messages go out at once too

    def turn_off(self) -> None:
        """Scheduled sends handed to the relay come back first (those still unsent are
        the desktop's engines' again: app/autopilot/schedule.py)."""
        from app.autopilot.schedule import take_back_all

        take_back_all(self._book)
        from app.autopilot import pages

        pages.forget(self._book)
        self._call("DELETE", "/v1/autopilot", None)
        self._book.settings.set(KEY_ON, False)

    def status(self) -> AutopilotStatus:
        data = self._call("GET", "/v1/autopilot", None)
        return AutopilotStatus(str(data.get("state", "off")), int(data.get("replies", 0)),
                               int(data.get("sent", 0)), bool(data.get("key_configured")))

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        from app.sync.errors import RelayProtocolError

        with self._book.line.relay_client() as relay:
            kwargs: dict[str, Any] = {} if body is None else {"json": body}
            answer = relay._request(method, path, **kwargs)
            try:
                data = json.loads(answer.content or b"{}")
            except ValueError:
                data = {}
            if answer.status_code == 409 and data.get("error") == "no_autopilot_key":
                raise ValidationError("The relay has no RELAY_AUTOPILOT_KEY: its operator "
                                      "must set it before the autopilot can be switched on.")
            if answer.status_code != 200:
                raise RelayProtocolError(f"autopilot: HTTP {answer.status_code}")
            return data if isinstance(data, dict) else {}
