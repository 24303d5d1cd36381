"""The demo's first-visit questionnaire (初回問診票), answered by a few simulated friends.

The demo publishes the questionnaire to its relay like an owner would (``book.forms``:
create, publish, upload), then a few friends fill it in **through the relay's real page**,
as a phone's browser does without JavaScript: GET their per-friend link, keep the hidden
inputs the page holds (the post token), POST the answers. The relay checks and seals each
answer; the sync then fills the friends' cards (furigana, phone, tags) and the フォーム
window's responses have something to show. Nothing here reaches into the relay's code.

The answers add tags of their own (問診票回答済み and the concerns), never the salon's tags
that the demo's saved segments count, and fill no field the demo's cards already use.
"""

from __future__ import annotations

import logging
import random
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

import httpx

from app.demo_names import GIVEN, SURNAMES

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.demo")

TITLE: Final = "初回問診票"
QUESTIONNAIRE: Final[dict[str, Any]] = {
    "title": TITLE,
    "description": "ご来店前にご記入ください。所要時間は1分ほどです。",
    "one_answer_per_friend": True,
    "tags_on_answer": ["問診票回答済み"],
    "thank_you": "ご回答ありがとうございました。ご来店をお待ちしております。",
    "items": [
        {"key": "name", "type": "name", "label": "お名前", "required": True, "to": "name",
         "furigana": True},
        {"key": "phone", "type": "phone", "label": "電話番号", "required": True, "to": "phone"},
        {"key": "concern", "type": "choice", "multiple": True, "label": "髪のお悩み",
         "choices": [{"label": "くせ毛", "tags": ["くせ毛"]}, {"label": "白髪", "tags": ["白髪"]},
                     {"label": "乾燥・ダメージ", "tags": ["ダメージ"]}, "特になし"]},
        {"key": "how", "type": "choice", "display": "dropdown", "label": "当店を知ったきっかけ",
         "choices": ["ご紹介", "Instagram", "チラシ", "通りがかり"]},
        {"key": "note", "type": "long_text", "label": "ご要望", "max_length": 500,
         "help": "髪のお悩みなど、ご自由にどうぞ"},
        {"key": "consent", "type": "consent", "label": "プライバシーポリシーに同意します",
         "required": True}]}
CONCERNS: Final = ["くせ毛", "白髪", "乾燥・ダメージ"]
#: How many friends answer when the demo starts.
ANSWERING: Final = 6
NOTES: Final = ("前髪は短めが好みです", "肌が弱いのでやさしい薬剤でお願いします", "",
                "子どもと一緒に伺うかもしれません", "", "ヘッドスパに興味があります")
_READINGS: Final = dict(SURNAMES) | dict(GIVEN)


class _HiddenInputs(HTMLParser):
    """The hidden inputs of a page's form: what a browser posts back unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.pairs.append((found["name"] or "", found.get("value") or ""))


def _furigana(name: str) -> str:
    return " ".join(_READINGS.get(part, "") for part in name.split(" ")).strip()


def fill_in(url: str, answers: list[tuple[str, str]], *, timeout: float = 10.0) -> int:
    """Fill in the form at ``url`` as a browser without JavaScript does; the HTTP status
    of the post (200: accepted and thanked)."""
    with httpx.Client(timeout=timeout, follow_redirects=False) as http:
        page = http.get(url)
        page.raise_for_status()
        hidden = _HiddenInputs()
        hidden.feed(page.text)
        body = urlencode(hidden.pairs + answers)  # repeated keys: one per chosen label
        return http.post(url, content=body, headers={
            "content-type": "application/x-www-form-urlencoded"}).status_code


def set_up_questionnaire(book: Book, friends: list[tuple[str, str]],
                         rng: random.Random) -> str:
    """Publish the questionnaire and let :data:`ANSWERING` of ``friends`` (LINE user id,
    name) answer it; the form's id. The answers wait on the relay for the next sync."""
    info = book.forms.create(QUESTIONNAIRE)
    book.forms.publish(info.form_id)
    book.forms.upload(info.form_id)
    accepted = 0
    for n, (uid, name) in enumerate(rng.sample(friends, min(ANSWERING, len(friends)))):
        concerns = rng.sample(CONCERNS, rng.randint(0, 2)) or ["特になし"]
        answers = [("name", name), ("name.furigana", _furigana(name)),
                   ("phone", f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"),
                   *(("concern", c) for c in concerns),
                   ("how", rng.choice(["ご紹介", "Instagram", "チラシ", "通りがかり"])),
                   ("note", NOTES[n % len(NOTES)]), ("consent", "on")]
        status = fill_in(book.forms.link(info.form_id, uid, days=7), answers)
        if status == 200:
            accepted += 1
        else:  # the demo goes on; the log says which step of the page refused
            log.warning("demo questionnaire: an answer was refused (HTTP %d)", status)
    log.info("demo questionnaire published; %d friends answered", accepted)
    return info.form_id
