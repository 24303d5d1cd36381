"""LINE messages owed after something arrived from the relay's pages, through the
broadcasts' exactly-once engine: "連携しました" after a member link, the order
confirmation after an online payment (app/purchases/online.py).

Linking (app/members/linking.py) records, in the transaction that links, that the message
is owed (setting ``members.link_messages``). :func:`send_pending` turns each owed message
into a one-recipient broadcast named after the request and runs it: the engine's retry
keys make a message sent at most once across retries and crashes, and a run cut short is
resumed (here, or by ``broadcast --resume`` / the window). A crash between storing the
broadcast and noting its id is covered by finding it again by its name.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.members")

TEXT: Final = "会員情報とLINEを連携しました。今後ともよろしくお願いいたします。"
NAME_PREFIX: Final = "会員連携 "


def owe_in(s: Any, key: str, customer_id: int, text: str, name: str) -> None:
    """Record, inside the caller's write transaction, that ``text`` is owed to the
    customer (sent by :func:`send_pending`, once, as the broadcast ``name``)."""
    from app.members.linking import MESSAGES_KEY
    from app.store.models import BookSetting

    row = s.get(BookSetting, MESSAGES_KEY)
    entries = list(row.value) if row is not None and isinstance(row.value, list) else []
    entries.append({"request_id": key, "customer_id": customer_id, "text": text,
                    "name": name[:100]})
    s.merge(BookSetting(key=MESSAGES_KEY, value=entries))


def _entries(book: Book) -> list[dict[str, Any]]:
    from app.members.linking import MESSAGES_KEY
    from app.store.models import BookSetting

    with book.db.read() as s:
        row = s.get(BookSetting, MESSAGES_KEY)
        return [dict(e) for e in (row.value if row is not None and
                                  isinstance(row.value, list) else [])]


def _update(book: Book, request_id: str, broadcast_id: int | None, done: bool) -> None:
    from app.members.linking import MESSAGES_KEY
    from app.store.models import BookSetting

    with book.db.write() as s:
        row = s.get(BookSetting, MESSAGES_KEY)
        entries = [dict(e) for e in (row.value if row is not None and
                                     isinstance(row.value, list) else [])]
        out = []
        for e in entries:
            if e.get("request_id") == request_id:
                if done:
                    continue
                e["broadcast_id"] = broadcast_id
            out.append(e)
        s.merge(BookSetting(key=MESSAGES_KEY, value=out))


def pending_count(book: Book) -> int:
    """How many messages are owed (cheap: one setting read)."""
    return len(_entries(book))


def send_pending(book: Book) -> int:
    """Send every owed message; how many were sent now. Problems (LINE unreachable, quota)
    are logged and leave the message owed for the next call."""
    from app.broadcast import Recipients
    from app.errors import OtokuiError

    sent = 0
    for entry in _entries(book):
        request_id, cid = str(entry["request_id"]), int(entry["customer_id"])
        name = str(entry.get("name") or (NAME_PREFIX + request_id))[:100]
        text = str(entry.get("text") or TEXT)
        try:
            bid = entry.get("broadcast_id")
            if bid is None:
                bid = next((b.id for b in book.broadcasts.list() if b.name == name), None)
            if bid is None:
                plan = book.broadcasts.plan(text, Recipients.customers([cid]), name=name)
                if not plan.targets:  # blocked us, or gone: nothing to send
                    _update(book, request_id, None, done=True)
                    continue
                bid = book.broadcasts.create(plan)
                _update(book, request_id, bid, done=False)
            report = book.broadcasts.run(int(bid))
        except OtokuiError as exc:
            log.warning("the member-link message is not sent yet: %s", exc.code)
            continue
        if report.finished:
            _update(book, request_id, None, done=True)
            sent += report.counts.sent
    return sent
