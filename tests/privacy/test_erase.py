"""Deleting one person leaves no byte of them in the book, its files or later syncs."""

from __future__ import annotations

import time

from sqlalchemy import text

from app.privacy.erase import erase
from app.privacy.schema import personal_tables
from app.search import CustomerQuery
from app.store.models import Base
from app.sync.apply import EventApplier, Incoming
from tests.privacy.conftest import TwoPeople, decrypted_pages
from tests.sync.hostile import text_event


def _traces(p) -> list[bytes]:
    return [s.encode() for s in (p.name, p.phone, p.memo, p.said, p.uid)]


def test_the_decrypted_book_holds_no_byte_of_the_erased_person(people: TwoPeople) -> None:
    book, gone, stays = people.book, people.gone, people.stays
    book.db.checkpoint()
    before = decrypted_pages(book)
    # The decryption is right: both people are found before the deletion.
    for trace in _traces(gone) + _traces(stays):
        assert trace in before, trace

    blobs = {a.id: book.attachments.blob_path(a.blob_name)
             for a in book.attachments.list(gone.cid)}
    report = erase(book, gone.cid)

    assert report.rows["customer"] == 1 and report.rows["message"] >= 1
    assert report.attachments == 1
    after = decrypted_pages(book)
    for trace in _traces(gone):
        assert trace not in after, trace
    for trace in _traces(stays):  # the other customer is whole
        assert trace in after, trace
    assert not book.db.path.with_name(book.db.path.name + "-wal").exists() or \
        book.db.path.with_name(book.db.path.name + "-wal").stat().st_size == 0
    # The attachment's ciphertext is gone (its key went with its row).
    assert all(not path.exists() for path in blobs.values())
    # Not a row anywhere: every table the schema links to a customer is empty of them.
    with book.db.read() as s:
        for table in personal_tables(Base.metadata):
            sql = f"SELECT count(*) FROM {table.name} WHERE {table.where}"  # noqa: S608
            n = s.execute(text(sql),
                          {"cid": gone.cid, "uid": gone.uid}).scalar()
            assert n == 0, table.name
    assert book.customers.get(stays.cid).name == stays.name
    assert book.search.count(CustomerQuery(text="消去")) == 0
    assert book.search.count(CustomerQuery(text="残留")) == 1


def test_the_sync_drops_what_the_person_sent_before_the_deletion(people: TwoPeople) -> None:
    book, gone = people.book, people.gone
    sent_before = text_event(gone.uid, "削除前に送った言葉 PQRS")
    sent_before["timestamp"] = int(time.time() * 1000) - 60_000
    erase(book, gone.cid)
    report = EventApplier(book).apply_batch([Incoming(sent_before)])
    assert report.erased == 1 and report.applied == 0
    assert book.customers.by_line_user_id(gone.uid) is None
    book.db.checkpoint()
    assert b"PQRS" not in decrypted_pages(book)
    # Writing again after the deletion is new contact: it arrives like any friend's.
    later = text_event(gone.uid, "また連絡しました")
    later["timestamp"] = int(time.time() * 1000) + 60_000
    assert EventApplier(book).apply_batch([Incoming(later)]).applied == 1
    assert book.customers.by_line_user_id(gone.uid) is not None


def test_backups_that_still_hold_them_are_listed(people: TwoPeople, tmp_path) -> None:
    from app.backup import create_backup

    book = people.book
    create_backup(book, tmp_path / "before.otokui-backup")
    report = erase(book, people.gone.cid)
    assert len(report.backups) == 1
