"""Disclosure (開示請求): everything about one customer, and nothing about another; every
table that refers to a customer is in the zip, found from the schema itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from app.book import Book
from app.messages import IN
from app.privacy.disclose import customer_tables, disclose
from app.store.models import Base, Message

PHOTO = b"\xff\xd8\xff\xe0" + b"the person's own photo " * 100


def _person(book: Book, name: str, phone: str, memo: str) -> int:
    cid = book.customers.create(name=name, phone=phone, memo=memo, line_user_id=None)
    found = [t.id for t in book.tags.list() if t.name == "常連"]
    book.tags.add([cid], found or [book.tags.create("常連")])
    book.attachments.add_bytes(cid, PHOTO + name.encode(), file_name="写真.jpg")
    with book.db.write() as s:
        s.add(Message(customer_id=cid, direction=IN, type="text", text=f"{name}です、予約を",
                      at_ms=1_700_000_000_000))
    return cid


def test_every_table_referring_to_a_customer_is_disclosed(book: Book, tmp_path: Path) -> None:
    cid = _person(book, "田中 太郎", "090-1111-2222", "左耳に古傷")
    other = _person(book, "別人 花子", "080-9999-8888", "他人のメモ")
    out = tmp_path / "chosen" / "disclosure.zip"
    done = disclose(book, cid, out)
    # From the schema, independently of the code under test: every table with a foreign
    # key to customer.id, or a customer_id column, or a foreign key to such a table.
    referring = set()
    for t in Base.metadata.sorted_tables:
        if any(fk.column.table.name == "customer" for fk in t.foreign_keys) \
                or ("customer_id" in t.c and t.name != "customer"):
            referring.add(t.name)
    second = {t.name for t in Base.metadata.sorted_tables
              if any(fk.column.table.name in referring for fk in t.foreign_keys)}
    expected = referring | second | {"customer"}
    assert expected <= set(customer_tables()) | {"customer"}
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        missing = {t for t in expected if f"data/{t}.csv" not in names}
        assert not missing, f"tables left out of the disclosure: {missing}"
        data = json.loads(z.read("data.json"))
        assert expected <= set(data)
        summary = z.read("summary.html").decode()
        assert "田中 太郎" in summary and "左耳に古傷" in summary and "常連" in summary
        assert "田中 太郎です、予約を" in summary
        everything = b"".join(z.read(n) for n in names)
        assert "別人 花子".encode() not in everything and "他人のメモ".encode() not in everything
        photos = [n for n in names if n.startswith("files/")]
        assert len(photos) == 1 and z.read(photos[0]) == PHOTO + "田中 太郎".encode()
        assert "file_key" not in json.dumps(data)  # keys are not personal data
    assert done.files == 1 and done.tables["message"] == 1
    assert other != cid
    assert book.audit.entries()[0].action == "privacy_disclosed"
    # nothing but the chosen file was written
    assert sorted(p.name for p in (tmp_path / "chosen").iterdir()) == ["disclosure.zip"]


def test_cli_disclose_warns_about_personal_data(book: Book, tmp_path: Path) -> None:
    from tests.sync.conftest import PASSPHRASE

    cid = _person(book, "田中 太郎", "090-1111-2222", "左耳に古傷")
    root = book.profile.root
    book.close()
    out = tmp_path / "d.zip"
    done = subprocess.run(
        [sys.executable, "main.py", "--profile", str(root), "privacy", "disclose",
         "--customer", str(cid), str(out)], capture_output=True, text=True, check=False,
        cwd=Path(__file__).parents[2], env={**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 0, done.stderr
    assert "personal data" in done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(out)
    missing = subprocess.run(
        [sys.executable, "main.py", "--profile", str(root), "privacy", "disclose",
         "--customer", "999", str(tmp_path / "x.zip")], capture_output=True, text=True,
        check=False, cwd=Path(__file__).parents[2],
        env={**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE})
    assert missing.returncode == 1 and not (tmp_path / "x.zip").exists()
