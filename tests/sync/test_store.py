"""The message store under the sync: migration from a first-version book, deletion, blobs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.book import Book
from app.errors import NotFoundError
from app.profile import Profile
from app.store import migrate
from app.store.db import Database
from app.store.models import Attachment, Conversation, LineEvent, Message
from tests.sync.conftest import Connected
from tests.sync.support import PASSPHRASE, fast_worker


def test_a_first_version_book_is_upgraded_and_keeps_its_customers(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    profile = Profile(tmp_path / "profile")
    book = profile.create(passphrase=PASSPHRASE)
    cid = book.customers.create(name="古い 台帳", line_user_id="U" + "a" * 32)
    key = book.db._key
    book.close()
    # Take the book back to revision 0001, as books made before the sync were.
    db = Database(profile.db_path, key)
    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS))
    with db._write_lock, db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert migrate.current_revision(db) == "0001"
    db.close()

    book = profile.open(PASSPHRASE)
    try:
        assert migrate.current_revision(book.db) == migrate.HEAD
        assert book.customers.get(cid).name == "古い 台帳"
        assert book.messages.count() == 0 and book.messages.conversation_ids() == []
    finally:
        book.close()


def test_deleting_a_customer_deletes_their_messages_events_and_content(
        connected: Connected) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("削除 依頼")
    e.send_text(uid, "個人情報を消してください")
    e.send_image(uid)
    other = e.add_user("残る 人")
    e.send_text(other, "こちらは残ります")
    e.wait_for_deliveries(10)
    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    blob = book.attachments.get(book.messages.messages(cid)[2].attachment_id).blob_name
    assert book.attachments.blob_path(blob).exists()

    assert book.customers.delete([cid]) == 1
    with book.db.read() as s:
        for model in (Message, LineEvent, Conversation, Attachment):
            left = s.scalar(select(func.count()).select_from(model)
                            .where(model.customer_id == cid))
            assert left == 0, model.__name__
    assert not book.attachments.blob_path(blob).exists()
    assert book.messages.count(book.customers.by_line_user_id(other)) == 2


def test_attachments_from_bytes_or_a_stream_never_touch_the_disk_in_plaintext(
        book: Book, tmp_path: Path) -> None:
    cid = book.customers.create(name="添付 テスト")
    secret = b"%PDF-1.4 " + "契約書の本文".encode() * 2000
    att = book.attachments.add_bytes(cid, secret, file_name="契約書.pdf")
    assert book.attachments.get(att).mime_type == "application/pdf"
    assert book.attachments.get(att).kind == "contract"
    assert book.attachments.read_bytes(att, audit=False) == secret
    book.db.checkpoint()
    for path in [*book.profile.root.rglob("*"), *tmp_path.rglob("*")]:
        if path.is_file():
            assert secret[:64] not in path.read_bytes(), path.name
    streamed = book.attachments.add_stream(cid, io.BytesIO(b"GIF89a" + bytes(5000)),
                                           file_name="a.gif", mime_type="image/gif")
    assert book.attachments.get(streamed).kind == "photo"
    with pytest.raises(NotFoundError):
        book.attachments.add_bytes(cid + 99, b"x", file_name="x.txt")

    class Broken(io.RawIOBase):
        def readinto(self, buffer: memoryview) -> int:
            raise OSError("the source went away")

    before = sorted(p.name for p in book.attachments.folder.iterdir())
    with pytest.raises(OSError, match="went away"):
        book.attachments.add_stream(cid, Broken(), file_name="x.bin")  # type: ignore[arg-type]
    assert sorted(p.name for p in book.attachments.folder.iterdir()) == before
    with book.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM attachment")).scalar_one() == 2
