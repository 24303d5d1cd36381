"""The rules' notices to the owner (a rule's ``notify`` action: "tell the owner").

A notice *is* the ``rule_action`` line the action writes in the friend's timeline
(``"action": "notify"``), so it is written in the engine's transaction for the event:
exactly once per event, whichever ran the rules (the sync worker, the window after the
owner's edits, ``rule run`` / ``sync --once`` headless), and it goes with the customer
when they are deleted. A partial index (``ix_timeline_notice``, migration 0034) keeps
reading them cheap among all the rules' other lines.

What the owner has seen is one number in the book's settings: the id of the newest line
seen (``rules.notices_seen_through``). Lines only get larger ids, so "unseen" is "after
that id"; marking a notice seen marks the older ones with it, never one that arrived
after it was shown.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select, text

from app.store.models import NOTICE_WHERE, BookSetting

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.book import Book

#: The book setting: the id of the newest notice the owner has seen (0: none).
SEEN_KEY: Final = "rules.notices_seen_through"
#: What ``book.announce`` says when notices were fired or marked seen.
CHANGE_KIND: Final = "notices"


@dataclass(frozen=True)
class Notice:
    id: int  #: the timeline line's id (larger: newer)
    at: dt.datetime  #: UTC, naive (as the book stores times)
    rule: str  #: the rule's name when it fired
    customer_id: int
    customer: str  #: the name, else the LINE name (as the window's lists show them)
    text: str
    seen: bool


def _seen_through(s: Session) -> int:
    value = s.scalar(select(BookSetting.value).where(BookSetting.key == SEEN_KEY))
    # Anything else (a damaged setting) counts as nothing seen: better shown twice than lost.
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def seen_through(book: Book) -> int:
    with book.db.read() as s:
        return _seen_through(s)


# Named (INDEXED BY): without statistics SQLite preferred the index on the kind, i.e.
# every rule line; and a query naming it fails if the index were gone.
_NOTICES: Final = f"FROM timeline_event INDEXED BY ix_timeline_notice WHERE {NOTICE_WHERE}"


def listing(book: Book, *, unseen_only: bool = True, limit: int = 200,
            oldest_first: bool = False) -> list[Notice]:
    """The notices, newest first (``oldest_first``: the longest waiting first), at most
    ``limit``; only those not seen yet unless ``unseen_only`` is False."""
    order = "ASC" if oldest_first else "DESC"
    # NOTICE_WHERE and the order are constants of ours, never input.
    sql = (f"SELECT t.id, t.at, t.customer_id, t.data, c.name, c.display_name FROM ("  # noqa: S608
           f"SELECT id, at, customer_id, data {_NOTICES}"
           f" AND id > :after ORDER BY id {order} LIMIT :limit) AS t"
           f" JOIN customer AS c ON c.id = t.customer_id ORDER BY t.id {order}")
    with book.db.read() as s:
        seen = _seen_through(s)
        rows = s.execute(text(sql), {"after": seen if unseen_only else 0,
                                     "limit": limit}).all()
    return [_notice(row, seen) for row in rows]


def _notice(row: Any, seen: int) -> Notice:
    nid, at, cid, data, name, line_name = row
    info = json.loads(data) if isinstance(data, str) else (data or {})
    when = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
    return Notice(nid, when, str(info.get("rule", "")), cid, name or line_name or "",
                  str(info.get("text", "")), nid <= seen)


def unseen_count(book: Book) -> int:
    with book.db.read() as s:
        return int(s.scalar(text(f"SELECT count(*) {_NOTICES} AND id > :after"),
                            {"after": _seen_through(s)}) or 0)


def newest_id(book: Book) -> int:
    """The newest notice's id, seen or not (0: there is none)."""
    with book.db.read() as s:
        return int(s.scalar(text(f"SELECT max(id) {_NOTICES}")) or 0)


def mark_seen(book: Book, through_id: int) -> None:
    """The owner has seen the notices up to ``through_id`` (a :attr:`Notice.id`, usually
    the newest they were shown): those and every older one. Never goes back, so a window
    and ``rule notices --seen`` marking at the same time cannot unsee anything."""
    with book.db.write() as s:
        if through_id <= _seen_through(s):
            return
        s.merge(BookSetting(key=SEEN_KEY, value=int(through_id)))
    book.announce(CHANGE_KIND)
