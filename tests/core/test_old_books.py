"""Books written by earlier releases still open, migrate and read (SQLCipher 4 format)."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.profile import Profile
from app.search import CustomerQuery
from app.store import migrate
from tests.fixtures.make_book_v0_1 import ATTACHMENT, PASSPHRASE, TARGET


def test_release_0_1_book_opens_and_migrates(tmp_path: Path) -> None:
    copy = tmp_path / "book-v0.1"
    shutil.copytree(TARGET, copy)
    profile = Profile(copy)
    with profile.open(PASSPHRASE) as book:
        assert migrate.current_revision(book.db) == migrate.HEAD
        assert book.customers.count() == 2
        [taro] = book.search.ids(CustomerQuery(text="カコ"))
        assert book.customers.get(taro).phone == "090-0000-0001"
        assert book.tags.counts() == {1: 2}
        [att] = book.attachments.list(taro)
        assert book.attachments.read_bytes(att.id, audit=False) == ATTACHMENT
        # And it takes new writes under the new schema.
        book.customers.create(name="新規 三郎")
    with profile.open("ABCD-EFGH-JKLM") as book:  # the recovery passphrase of that release
        assert book.customers.count() == 3
