"""The demo's step sequence: 「ご来店後フォロー」 started on a few simulated friends.

The steps are a minute apart so the owner sees them go out: ``sequence run-due`` (or, once
built, the window's timer) sends each when due. Nobody is added to the book (the demo's
counts of friends and segments stay as they are).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.book import Book

DEMO_SEQUENCE = {
    "name": "ご来店後フォロー",
    "steps": [
        {"after": {"minutes": 1}, "text": "{名前}様、ご来店ありがとうございました！"},
        {"after": {"minutes": 2},
         "text": "仕上がりはいかがですか？気になる点があればお知らせください。"},
        {"after": {"minutes": 3}, "text": "次回ご予約で使えるクーポンです：{クーポン}",
         "coupon_days": 30},
    ],
    # Not stopped by a reply: the demo's friends write all the time (their opening
    # messages come right after the start), which would stop every run before step 1.
    "stop_on": {"block": True, "reply": False},
}


def add_demo_sequence(book: Book, line_user_ids: list[str], *, friends: int = 3) -> int:
    """The sequence, started on the first ``friends`` of the demo's friends; its id."""
    sid = book.sequences.import_json(DEMO_SEQUENCE)
    ids = [cid for uid in line_user_ids[:friends]
           if (cid := book.customers.by_line_user_id(uid)) is not None]
    book.sequences.start(sid, ids, cause="demo")
    return sid
