"""A pulled batch's form items go into the book in one write transaction, each isolated:
a bad item is set aside (kept sealed) and the others stay applied, in order."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from app.book import Book
from app.sync.apply import Incoming
from app.sync.front_items import apply_front_items
from relay.forms.items import ANSWER_MAGIC, FileItem, file_plaintext
from tests.forms.test_apply import GOOD, JPEG, USER, answer, link_token, published


def _front(seq: int, plaintext: bytes) -> Incoming:
    return Incoming(None, seq=seq, received_ms=1_700_000_000_000 + seq,
                    sealed=f"sealed-{seq}", front=plaintext)


def _answer_bytes(item: dict[str, Any]) -> bytes:
    return ANSWER_MAGIC + json.dumps(item, ensure_ascii=False).encode("utf-8")


def test_a_batch_applies_together_and_sets_bad_items_aside(book: Book,
                                                           example: dict[str, Any]) -> None:
    form_id = published(book, example)
    photo_form = published(book, {"title": "写真", "items": [
        {"key": "photo", "type": "file", "label": "写真", "accept": ["photo"]}]})
    friend = book.customers.create(line_user_id=USER, display_name="はなこ")
    first = answer(form_id, GOOD, token=link_token(book, form_id))
    other = "U" + "fedcba9876543210" * 2
    second = answer(form_id, GOOD, token=link_token(book, form_id, user=other))
    disguised = FileItem(secrets.token_hex(16), secrets.token_hex(16), photo_form, "photo",
                         "virus.jpg", "image/jpeg", b"MZ\x90\x00 not a photo" * 10)
    good_file = FileItem(secrets.token_hex(16), secrets.token_hex(16), photo_form, "photo",
                         "髪.jpg", "image/jpeg", JPEG)
    assert hashlib.sha256(good_file.data).hexdigest() == good_file.sha256
    event = Incoming({"type": "follow"}, seq=7)
    batch = [
        _front(1, _answer_bytes(first)),
        _front(2, ANSWER_MAGIC + b"{not json"),          # malformed: set aside
        _front(3, file_plaintext(disguised)),            # an .exe named .jpg: set aside
        event,                                           # a LINE event: passed on
        _front(4, _answer_bytes(second)),
        _front(5, _answer_bytes(first)),                 # the same answer again: skipped
        _front(6, file_plaintext(good_file)),
    ]
    rest = apply_front_items(book, batch)
    assert [(r.seq, r.event is None) for r in rest] == [(2, True), (3, True), (7, False)]
    assert rest[0].sealed == "sealed-2" and "not a form item" in (rest[0].error or "")
    assert "not a form item" in (rest[1].error or "")
    assert rest[2] is event
    answers = {a.answer_id: a for a in book.forms.answers(form_id)}
    assert set(answers) == {first["answer_id"], second["answer_id"]}
    assert {a.status for a in answers.values()} == {"applied"}
    assert book.customers.get(friend).name == "山田 花子"
    kinds = [e.kind for e in book.audit.timeline(friend)]
    assert kinds.count("form_answered") == 1
    # Pulled again after a crash before the acknowledgement: nothing changes.
    again = apply_front_items(book, batch)
    assert [r.seq for r in again] == [2, 3, 7]
    assert len(book.forms.answers(form_id)) == 2
    assert [e.kind for e in book.audit.timeline(friend)] == kinds


def test_one_answer_alone_is_the_same_path(book: Book, example: dict[str, Any]) -> None:
    """The per-item API (apply_form_answer) and the batch agree: one answer, applied."""
    form_id = published(book, example)
    item = answer(form_id, GOOD, token=link_token(book, form_id))
    assert apply_front_items(book, [_front(1, _answer_bytes(item))]) == []
    assert [a.status for a in book.forms.answers(form_id)] == ["applied"]


def test_refused_answers_beyond_the_cap_are_only_counted(book: Book) -> None:
    """A relay in the wrong hands cannot fill the book with answers that fill nothing."""
    from sqlalchemy import func, select

    from app.forms.apply import KEY_REFUSED_OVERFLOW, apply_form_answer_in
    from app.store.models import BookSetting, FormAnswer
    from app.sync.front_items import FrontEffects

    outcomes = []
    with book.db.write() as s:
        for _ in range(4):  # answers for a form this book does not have: refused
            item = answer("f" * 16, {"x": ["1"]})
            outcomes.append(apply_form_answer_in(book, s, item, FrontEffects(),
                                                 max_refused=2).status)
    assert outcomes == ["refused", "refused", "overflow", "overflow"]
    with book.db.read() as s:
        assert s.scalar(select(func.count()).select_from(FormAnswer)) == 2
        setting = s.get(BookSetting, KEY_REFUSED_OVERFLOW)
        assert setting is not None and setting.value["count"] == 2


def test_a_batch_ends_as_the_answers_one_by_one(book: Book) -> None:
    """Two answers of one friend in one batch (the second removes the tag the first
    added, and overwrites) and another friend's: the tags, fields, timeline and events
    are those of applying them one at a time, in order."""
    from sqlalchemy import func, select

    from app.forms.apply import apply_form_answer
    from app.store.models import DomainEvent

    form = {"title": "好み", "items": [
        {"key": "mood", "type": "choice", "label": "気分", "choices": [
            {"label": "元気", "tags": ["元気"], "remove_tags": ["お疲れ"]},
            {"label": "お疲れ", "tags": ["お疲れ"], "remove_tags": ["元気"]}]},
        {"key": "note", "type": "text", "label": "ひとこと", "to": "memo", "overwrite": True},
        {"key": "visits", "type": "number", "label": "回数", "to": "field:回数",
         "overwrite": True}]}
    other = "U" + "fedcba9876543210" * 2
    results = []
    for together in (True, False):
        form_id = published(book, form)
        friend = book.customers.create(line_user_id=USER if together else USER[:-1] + "9",
                                       display_name="はなこ")
        user = USER if together else USER[:-1] + "9"
        second_user = other if together else other[:-1] + "1"
        book.customers.create(line_user_id=second_user, display_name="たろう")
        items = [answer(form_id, {"mood": ["元気"], "note": ["一回目"], "visits": ["1"]},
                        token=link_token(book, form_id, user)),
                 answer(form_id, {"mood": ["お疲れ"], "visits": ["2"]},
                        token=link_token(book, form_id, second_user)),
                 answer(form_id, {"mood": ["お疲れ"], "note": ["二回目"], "visits": ["2"]},
                        token=link_token(book, form_id, user))]
        with book.db.read() as s:
            events_before = s.scalar(select(func.count()).select_from(DomainEvent))
        if together:
            assert apply_front_items(book, [_front(n, _answer_bytes(i))
                                            for n, i in enumerate(items)]) == []
        else:
            assert [apply_form_answer(book, i).status for i in items] == ["applied"] * 3
        with book.db.read() as s:
            events = sorted(kind for (kind,) in s.execute(
                select(DomainEvent.kind).order_by(DomainEvent.id).offset(events_before)))
        customer = book.customers.get(friend)
        tag_names = {t.id: t.name for t in book.tags.list()}
        results.append((sorted(tag_names[t] for t in book.customers.tag_ids_of(friend)),
                        customer.memo, sorted(book.fields.values_of(friend).values()),
                        sorted(e.kind for e in book.audit.timeline(friend)), events))
    assert results[0] == results[1]
    assert results[0][0] == ["お疲れ"] and results[0][1] == "二回目"


def test_refused_answers_beyond_the_cap_in_one_batch(book: Book) -> None:
    """The same cap when a pulled batch holds them (the batch's own savepoints)."""
    from sqlalchemy import func, select

    from app.forms.apply import KEY_REFUSED_OVERFLOW, MAX_REFUSED_ANSWERS
    from app.store.models import BookSetting, FormAnswer

    items = [_front(n, _answer_bytes(answer("f" * 16, {"x": ["1"]})))
             for n in range(MAX_REFUSED_ANSWERS + 3)]
    assert apply_front_items(book, items) == []
    with book.db.read() as s:
        assert s.scalar(select(func.count()).select_from(FormAnswer)) == MAX_REFUSED_ANSWERS
        setting = s.get(BookSetting, KEY_REFUSED_OVERFLOW)
        assert setting is not None and setting.value["count"] == 3


def test_public_answers_in_one_batch_see_what_earlier_ones_did(book: Book) -> None:
    """Set-based, a batch's rows are written at its end: a public answer still matches
    the phone an earlier answer of the same batch gave (a friend's, or a new customer's),
    exactly as the answers applied one by one."""
    from app.forms.apply import apply_form_answer

    form = {"title": "連絡先", "items": [
        {"key": "name", "type": "name", "label": "お名前", "to": "name"},
        {"key": "phone", "type": "phone", "label": "電話", "required": True, "to": "phone"},
        {"key": "visits", "type": "number", "label": "回数", "to": "field:回数"}]}
    outcomes = []
    for together, (known, fresh) in ((True, ("090-1111-0001", "090-2222-0001")),
                                     (False, ("090-1111-0002", "090-2222-0002"))):
        form_id = published(book, form)
        user = USER if together else USER[:-1] + "9"
        friend = book.customers.create(line_user_id=user, display_name="はなこ")
        items = [answer(form_id, {"name": ["山田 花子"], "phone": [known], "visits": ["1"]},
                        token=link_token(book, form_id, user)),
                 answer(form_id, {"phone": [known], "visits": ["2"]}),
                 answer(form_id, {"name": ["新井 一郎"], "phone": [fresh], "visits": ["5"]}),
                 answer(form_id, {"phone": [fresh], "visits": ["6"]})]
        if together:
            assert apply_front_items(book, [_front(n, _answer_bytes(i))
                                            for n, i in enumerate(items)]) == []
        else:
            assert [apply_form_answer(book, i).status for i in items] == ["applied"] * 4
        rows = {a.answer_id: a for a in book.forms.answers(form_id)}
        owners = [rows[i["answer_id"]].customer_id for i in items]
        assert owners[0] == owners[1] == friend
        assert owners[2] == owners[3] and owners[2] != friend
        newcomer = book.customers.get(owners[2])
        assert (newcomer.name, newcomer.phone) == ("新井 一郎", fresh)
        assert book.customers.get(friend).phone == known
        outcomes.append((
            [[n.get("code") for n in rows[i["answer_id"]].notes] for i in items],
            sorted(book.fields.values_of(friend).values()),
            sorted(book.fields.values_of(owners[2]).values()),
            sorted(e.kind for e in book.audit.timeline(owners[2]))))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == [[], ["kept"], ["new_customer"], ["kept"]]
