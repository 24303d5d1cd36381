"""The demo's rules (``python main.py --demo``): a greeting for every friend who follows
and a keyword reply for booking questions, both on.

They only send messages (and note the keyword in the timeline): no tag or field changes,
so the demo's customers and segment counts (常連・VIP …) stay as they are
(tests/sync/test_demo.py). They act when the sync brings the events, as in real use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.automation.service import RuleService

if TYPE_CHECKING:
    from app.book import Book

GREETING: dict[str, Any] = {
    "name": "友だち追加のあいさつ", "enabled": True,
    "when": {"kind": "follow", "new": True, "unblocked": True},
    "then": [{"kind": "send",
              "text": "{名前}様、友だち追加ありがとうございます！\n"
                      "ご予約・ご質問はこのトークでお気軽にどうぞ。"}],
}
BOOKING_KEYWORDS: dict[str, Any] = {
    "name": "予約の問い合わせに自動返信", "enabled": True,
    "when": {"kind": "keyword", "words": ["予約", "よやく"], "match": "any"},
    "then": [{"kind": "send",
              "text": "ご予約のお問い合わせありがとうございます。担当より折り返しご連絡します。"},
             {"kind": "notify", "text": "予約の問い合わせがありました"}],
}


def add_demo_rules(book: Book) -> list[int]:
    """The two rules, switched on; their ids."""
    rules = RuleService(book)
    return [rules.save(GREETING), rules.save(BOOKING_KEYWORDS)]
