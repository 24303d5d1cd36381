"""Deletion on request: no byte of the person left in the book file (its pages decrypted
here with the book's key and scanned), its WAL, the attachments folder or the search
indexes; audited; events pulled later but dated before the deletion are dropped."""

from __future__ import annotations

import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from app.book import Book
from app.messages import IN
from app.privacy.disclose import customer_tables
from app.privacy.erase import erase_customer
from app.search import CustomerQuery
from app.store.models import Message
from app.sync.apply import EventApplier, Incoming

PAGE, RESERVE = 4096, 80  # SQLCipher 4 defaults: IV (16) + HMAC-SHA512 (64) per page
NAME, PHONE, MEMO = "削除 太郎", "090-7777-3131", "左耳の古傷について"
UID = "U" + "0a1b2c3d4e5f6789" * 2


def book_plaintext(book: Book) -> bytes:
    """Every page of the book file (and its WAL's pages), decrypted with the book's key."""
    key = book.db._key
    out = bytearray()
    raw = Path(book.db.path).read_bytes()
    for n in range(len(raw) // PAGE):
        page = raw[n * PAGE:(n + 1) * PAGE]
        start = 16 if n == 0 else 0  # page 1 begins with the salt
        iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
        d = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out += d.update(page[start:PAGE - RESERVE]) + d.finalize()
    wal = Path(str(book.db.path) + "-wal")
    if wal.exists():
        out += wal.read_bytes()  # encrypted frames; after a checkpoint it is empty
    return bytes(out)


def traces(data: bytes) -> list[str]:
    return [t for t in (NAME, PHONE, MEMO, "09077773131", "左耳", UID)
            if t.encode("utf-8") in data]


def test_nothing_of_the_person_is_left(book: Book) -> None:
    keep = book.customers.create(name="残る 花子", phone="080-1111-0000", memo="残すメモ")
    cid = book.customers.create(name=NAME, phone=PHONE, memo=MEMO, line_user_id=UID,
                                display_name="たろう")
    book.customers.update(cid, memo=MEMO + "（追記）")  # an old version of the row, too
    att = book.attachments.add_bytes(cid, f"{NAME} {PHONE} {MEMO}".encode() * 50,
                                     file_name=f"{NAME}.txt")
    with book.db.write() as s:
        s.add(Message(customer_id=cid, direction=IN, type="text", text=f"{NAME}です。{MEMO}",
                      at_ms=1_700_000_000_000))
    book.db.checkpoint()
    before = book_plaintext(book)
    assert b"CREATE TABLE" in before  # the pages really are decrypted
    assert traces(before)  # and the person is there to find
    folder = book.attachments.folder
    blobs_before = {p for p in folder.rglob("*") if p.is_file()}
    assert att

    done = erase_customer(book, cid)
    assert done.files == 1 and done.rows.get("message") == 1
    after = book_plaintext(book)
    assert traces(after) == []
    assert "残る 花子".encode() in after  # the others are untouched
    blobs_after = {p for p in folder.rglob("*") if p.is_file()}
    assert len(blobs_before - blobs_after) == 1
    for p in blobs_after:
        assert NAME.encode() not in p.read_bytes()
    assert book.search.ids(CustomerQuery(text="削除")) == []
    assert book.search.ids(CustomerQuery(text="残る")) == [keep]
    entry = book.audit.entries()[0]
    assert entry.action == "privacy_deleted" and entry.target == f"customer:{cid}"
    assert NAME not in str(entry.detail)
    # every table referring to a customer holds nothing of them
    with book.db.read() as s:
        from sqlalchemy import text
        for name, how in customer_tables().items():
            if not how.startswith("via:"):
                n = s.execute(text(f"SELECT count(*) FROM {name} WHERE {how} = :c"),  # noqa: S608
                              {"c": cid}).scalar_one()
                assert n == 0, name
    assert book.customers.count() == 1 and keep


def _follow(ts_ms: int, key: str) -> Incoming:
    event = {"type": "follow", "timestamp": ts_ms, "webhookEventId": key,
             "source": {"type": "user", "userId": UID}, "mode": "active",
             "deliveryContext": {"isRedelivery": False}, "replyToken": "r" * 32,
             "follow": {"isUnblocked": False}}
    return Incoming(seq=None, event=event, received_ms=ts_ms)


def test_a_later_sync_does_not_bring_them_back(book: Book) -> None:
    cid = book.customers.create(name=NAME, phone=PHONE, line_user_id=UID)
    erase_customer(book, cid)
    now_ms = int(time.time() * 1000)
    applier = EventApplier(book, None)
    # pulled after the deletion, but happened before it: dropped
    applier.apply_batch([_follow(now_ms - 60_000, "01OLDOLDOLDOLDOLDOLDOLDOLD")])
    assert book.customers.by_line_user_id(UID) is None
    # a new follow after the deletion is a new friend
    applier.apply_batch([_follow(now_ms + 60_000, "01NEWNEWNEWNEWNEWNEWNEWNEW")])
    assert book.customers.by_line_user_id(UID) is not None


def test_cli_delete_needs_yes_and_names_backups(book: Book, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from app.backup import create_backup
    from tests.sync.conftest import PASSPHRASE

    cid = book.customers.create(name=NAME, phone=PHONE)
    create_backup(book, tmp_path / "before.otokui-backup")
    root = book.profile.root
    book.close()
    env = {**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE}
    cmd = [sys.executable, "main.py", "--profile", str(root), "privacy", "delete",
           "--customer", str(cid)]
    cwd = Path(__file__).parents[2]
    asked = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd, env=env,
                           stdin=subprocess.DEVNULL)
    assert asked.returncode == 1 and "--yes" in asked.stderr
    done = subprocess.run([*cmd, "--yes"], capture_output=True, text=True, check=False,
                          cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    assert "still hold them" in done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(cid)
