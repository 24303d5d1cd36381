"""A form answer end to end, all real: LINE emulator → relay → sealed items → sync → book.

The relay's side of a page (checking the link and the answer, sealing them) is done here
with the very functions the relay's pages call: links.verify_token with the MAC key the
relay stored at publish, validate_answer on the definition the relay stored, and
relay.forms.store.queue_answer. The desktop then pulls with its real sync worker.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import select

from app.store.models import LineEvent
from relay.forms import links
from relay.forms.items import ANSWER_MAGIC, AnswerItem, FileItem, sniff_content_type
from relay.forms.schema import FileRef, validate_answer
from relay.forms.store import queue_answer
from tests.relay.harness import assert_nothing_personal, stored_bytes
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker

PHOTO = b"\xff\xd8\xff\xe0" + b"a real enough JPEG, bytes the relay must not keep " * 40
DEFINITION: dict[str, Any] = {
    "title": "初回問診票", "one_answer_per_friend": True, "tags_on_answer": ["問診票回答済み"],
    "items": [
        {"key": "name", "type": "name", "label": "お名前", "required": True, "to": "name",
         "furigana": True},
        {"key": "phone", "type": "phone", "label": "電話番号", "required": True, "to": "phone"},
        {"key": "concern", "type": "choice", "multiple": True, "label": "気になること",
         "choices": [{"label": "くせ毛", "tags": ["くせ毛"]}, "白髪"]},
        {"key": "note", "type": "long_text", "label": "ご要望", "to": "memo"},
        {"key": "photo", "type": "file", "label": "今の髪型", "accept": ["photo"],
         "to": "field:髪型の写真"},
        {"key": "consent", "type": "consent", "label": "同意します", "required": True}]}
POSTED = {"name": ["鈴木 一郎"], "name.furigana": ["すずき いちろう"],
          "phone": ["080-5555-6666"], "concern": ["くせ毛"],
          "note": ["前髪は短めが好みです"], "consent": ["on"]}


def test_an_answer_through_the_relay_fills_the_friends_record(connected: Connected) -> None:
    book, e, relay = connected.book, connected.emulator, connected.relay
    uid = e.add_user("いちろう")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None

    info = book.forms.create(DEFINITION)
    book.forms.publish(info.form_id)
    assert book.forms.upload(info.form_id) == 1
    url = book.forms.link(info.form_id, uid, days=7)
    token = url.rsplit("/", 1)[1]

    # --- the relay's page, as it will run it ------------------------------------------------
    published = relay.service.forms.get(info.form_id)
    assert published is not None and published.link_mac_key is not None
    claims = links.verify_token(token, info.form_id, published.link_mac_key,
                                int(relay.clock()))
    answer_id, file_id = secrets.token_hex(16), secrets.token_hex(16)
    assert sniff_content_type(PHOTO) == "image/jpeg"
    ref = FileRef(file_id, "IMG_0001.jpg", "image/jpeg", len(PHOTO),
                  hashlib.sha256(PHOTO).hexdigest())
    checked = validate_answer(published.definition, POSTED, {"photo": [ref]})
    assert checked.ok, checked.problems
    answer = AnswerItem(answer_id, info.form_id, published.version,
                        int(relay.clock() * 1000), {"kind": "link", "token": token},
                        POSTED, {"photo": [ref]})
    photo = FileItem(file_id, answer_id, info.form_id, "photo", "IMG_0001.jpg", "image/jpeg",
                     PHOTO)
    seqs = queue_answer(relay.store, answer, [photo], int(relay.clock() * 1000))
    assert seqs is not None and len(seqs) == 2
    assert claims.friend_ref  # the relay's key for "one answer per friend"
    # A hostile or broken item in the same queue does not stop anything:
    relay.store.queue_items([ANSWER_MAGIC + b'{"answer_id": "nope"}'],
                            int(relay.clock() * 1000))

    # --- the desktop pulls -------------------------------------------------------------------
    report = fast_worker(book).run_once()
    assert report.unreadable == 1
    c = book.customers.get(cid)
    assert (c.name, c.furigana, c.phone, c.memo) == (
        "鈴木 一郎", "すずき いちろう", "080-5555-6666", "前髪は短めが好みです")
    tags = {t.id: t.name for t in book.tags.list()}
    assert sorted(tags[t] for t in book.customers.tag_ids_of(cid)) == ["くせ毛", "問診票回答済み"]
    [attachment] = book.attachments.list(cid)
    assert book.attachments.read_bytes(attachment.id, audit=False) == PHOTO
    assert attachment.field_id == book.fields.by_name()["髪型の写真"].id
    [stored] = book.forms.answers(info.form_id)
    assert stored.status == "applied" and stored.customer_id == cid
    with book.db.read() as s:
        kept = s.scalars(select(LineEvent.status)).all()
    assert "unreadable" in kept
    # Pulling again finds nothing new; the relay's queue is empty.
    assert fast_worker(book).run_once().applied == 0
    assert relay.queue_depth() == 0

    # Nothing the friend wrote or uploaded is readable in the relay's database or log.
    secrets_of_friend = ["鈴木 一郎", "すずき いちろう", "080-5555-6666", "前髪は短めが好みです",
                         uid, "a real enough JPEG"]
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url),
                            secrets_of_friend)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), secrets_of_friend)
