"""A form's thank-you in LINE: the friend who answers through their link gets the shop's
message once, by the broadcasts' exactly-once engine, after the sync applied the answer;
pulling again sends nothing more; a form without one sends nothing."""

from __future__ import annotations

import secrets
from typing import Any

from relay.forms.items import AnswerItem
from relay.forms.schema import parse_definition, validate_answer
from relay.forms.store import queue_answer
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker

THANKS = "ご回答ありがとうございました！ご来店をお待ちしております。"
DEFINITION: dict[str, Any] = {
    "title": "アンケート", "line_thank_you": THANKS,
    "items": [{"key": "note", "type": "long_text", "label": "ご感想", "to": "memo"}]}


def _texts(e: Any, uid: str) -> list[str]:
    return [m["text"] for sent in e.inbox(uid) for m in sent["messages"]
            if m["type"] == "text"]


def _answer(connected: Connected, form_id: str, uid: str, note: str) -> None:
    book, relay = connected.book, connected.relay
    token = book.forms.link(form_id, uid, days=7).rsplit("/", 1)[1]
    published = relay.service.forms.get(form_id)
    assert published is not None
    posted = {"note": [note]}
    assert validate_answer(published.definition, posted, {}).ok
    queue_answer(relay.store, AnswerItem(secrets.token_hex(16), form_id, published.version,
                                         int(relay.clock() * 1000),
                                         {"kind": "link", "token": token}, posted, {}),
                 [], int(relay.clock() * 1000))


def test_the_friend_gets_the_thank_you_once(connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    assert parse_definition(DEFINITION).line_thank_you == THANKS
    # Without it the form's canonical form (and so its digest) is what it always was.
    assert "line_thank_you" not in parse_definition(
        {**DEFINITION, "line_thank_you": ""}).to_json()
    uid = e.add_user("はなこ")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    form = book.forms.create(DEFINITION)
    book.forms.publish(form.form_id)
    book.forms.upload(form.form_id)
    plain = book.forms.create({**DEFINITION, "title": "お礼なし", "line_thank_you": ""})
    book.forms.publish(plain.form_id)
    book.forms.upload(plain.form_id)

    _answer(connected, form.form_id, uid, "とても良かったです")
    _answer(connected, plain.form_id, uid, "また来ます")
    fast_worker(book).run_once()
    assert _texts(e, uid) == [THANKS]
    assert book.customers.get(book.customers.by_line_user_id(uid)).memo
    fast_worker(book).run_once()  # nothing new, nothing sent twice
    assert _texts(e, uid) == [THANKS]
