"""After writing known names, phones and a PDF, none of it appears in any file on disk."""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.logs import setup_logging
from app.profile import Profile
from app.search import CustomerQuery
from tests.core.conftest import PASSPHRASE

NAME = "秘密野 花子"
FURIGANA = "ひみつの はなこ"
PHONE = "090-9876-5432"
EMAIL = "hanako.himitsuno@example.jp"
MEMO = "アレルギー: そば"
PDF_MARKER = b"CONTRACT-MARKER-7f3a9c"


def _needles() -> list[bytes]:
    out = []
    for text in (NAME, FURIGANA, PHONE, EMAIL, MEMO, "09098765432", "秘密野", "himitsuno"):
        out += [text.encode("utf-8"), text.encode("utf-16-le")]
    out.append(PDF_MARKER)
    return out


def _scan(root: Path, since: float | None = None) -> list[str]:
    found = []
    for path in root.rglob("*"):
        try:
            if not path.is_file() or (since is not None and path.stat().st_mtime < since):
                continue
            data = path.read_bytes()
        except (PermissionError, FileNotFoundError, OSError):
            continue
        for needle in _needles():
            if needle in data:
                found.append(f"{path}: {needle[:20]!r}")
    return found


def test_nothing_personal_in_the_profile_or_temp(tmp_path: Path, monkeypatch) -> None:
    # Our own temp folder, so that we can scan everything written there during the test.
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    profile = Profile(tmp_path / "profile")
    setup_logging(profile.logs_dir, verbose=False)
    try:
        book = profile.create(passphrase=PASSPHRASE)
        field = book.fields.create("メモ2", "long_text", show_in_list=True)
        cids = []
        for i in range(300):  # enough rows to make SQLite spill pages and use its WAL
            cids.append(book.customers.create(
                name=f"{NAME}{i}", furigana=FURIGANA, phone=PHONE, email=EMAIL, memo=MEMO))
        book.fields.set_value(cids[0], field, MEMO * 10)
        tag = book.tags.create("要注意")
        book.tags.add(cids, [tag])
        pdf = tmp_path / "outside" / "contract.pdf"
        pdf.parent.mkdir()
        pdf.write_bytes(b"%PDF-1.4\n" + PDF_MARKER * 1000 + b"\n%%EOF\n")
        att = book.attachments.add(cids[0], pdf, kind="contract", labelled_date="2026-11-29")
        assert PDF_MARKER in book.attachments.read_bytes(att)
        assert len(book.search.ids(CustomerQuery(text="ヒミツノ"))) == 300
        assert book.search.ids(CustomerQuery(text="０９０-9876")) != []
        book.customers.update(cids[1], memo=MEMO + " 追記")
        book.db.checkpoint()
        leaks = _scan(profile.root) + _scan(temp)
        book.close()
        leaks += _scan(profile.root) + _scan(temp)
        assert leaks == []
        # The scan can find them: the same needles are in the plaintext source we wrote.
        assert _scan(pdf.parent) != []
    finally:
        setup_logging(None)
