"""Books with two customers who each left a trace everywhere the book keeps things."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from app.book import Book
from app.fields import FieldType
from app.profile import Profile
from app.sync.apply import EventApplier, Incoming
from tests.sync.hostile import event, text_event

PASSPHRASE = "しっかりした合言葉 2026"
#: SQLCipher 4's page: 4096 bytes, of which the last 80 are the IV (16) and the HMAC (64);
#: the first page starts with the 16-byte salt.
PAGE, RESERVE, SALT = 4096, 80, 16


@dataclass
class Person:
    cid: int
    uid: str
    name: str
    phone: str
    memo: str
    said: str
    photo: bytes


def _person(book: Book, n: int, *, name: str, phone: str, memo: str, said: str) -> Person:
    uid = "U" + f"{n:x}" * 32
    uid = uid[:33]
    applier = EventApplier(book)
    applier.apply_batch([Incoming(event("follow", uid, replyToken="r" * 32))])
    applier.apply_batch([Incoming(text_event(uid, said))])
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None
    book.customers.update(cid, name=name, phone=phone, memo=memo)
    tag = book.tags.create(f"常連{n}")
    book.tags.add([cid], [tag])
    fields = book.fields.by_name()
    field = fields["担当"].id if "担当" in fields else book.fields.create("担当", FieldType.TEXT)
    book.fields.set_value(cid, field, f"担当者{n}")
    photo = b"\xff\xd8\xff\xe0" + f"PHOTO-BYTES-OF-{n}-".encode() * 50
    book.attachments.add_bytes(cid, photo, file_name=f"写真{n}.jpg")
    return Person(cid, uid, name, phone, memo, said, photo)


@dataclass
class TwoPeople:
    book: Book
    gone: Person
    stays: Person


@pytest.fixture
def people(tmp_path: Path) -> Iterator[TwoPeople]:
    book = Profile(tmp_path / "profile").create(passphrase=PASSPHRASE)
    try:
        gone = _person(book, 1, name="消去 対象子", phone="090-1357-2468",
                       memo="けしてほしいメモ ZQXJ", said="予約を取り消したい KVWP")
        stays = _person(book, 2, name="残留 花子", phone="080-9753-1864",
                        memo="のこるメモ MNBV", said="また伺います LKJH")
        yield TwoPeople(book, gone, stays)
    finally:
        book.close()


def decrypted_pages(book: Book) -> bytes:
    """Every page of the book file, decrypted with the book's key (as SQLCipher stores
    them): free pages, old index segments and all, not only the rows a query can see."""
    key = book.db._key
    raw = book.db.path.read_bytes()
    out = bytearray()
    for start in range(0, len(raw), PAGE):
        page = raw[start:start + PAGE]
        first = start == 0
        data = page[SALT if first else 0:PAGE - RESERVE]
        iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out += decryptor.update(data) + decryptor.finalize()
    return bytes(out)
