"""Attachments in the book: encrypted at rest, verified, audited, removed with the row."""

from __future__ import annotations

import pytest

from app.errors import AttachmentDamagedError, AttachmentTruncatedError

SECRET = b"PASSPORT-NUMBER-TK1234567"


@pytest.fixture
def attached(book, tmp_path):
    cid = book.customers.create(name="添付 太郎")
    src = tmp_path / "id card.png"
    src.write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET * 20000)
    att = book.attachments.add(cid, src, labelled_date="2026-11-29", date_label="確認日")
    return cid, att, src.read_bytes()


def test_attachment_is_encrypted_and_listed(book, attached) -> None:
    cid, att_id, data = attached
    [att] = book.attachments.list(cid)
    assert (att.kind, att.mime_type, att.size, att.file_name) == (
        "photo", "image/png", len(data), "id card.png")
    blob = book.attachments.blob_path(att.blob_name).read_bytes()
    assert SECRET not in blob
    assert book.attachments.read_bytes(att_id) == data
    book.attachments.verify(att_id)
    assert book.audit.entries()[0].action == "attachment_opened"


def test_tampered_or_truncated_attachments_are_rejected(book, attached, tmp_path) -> None:
    _cid, att_id, data = attached
    path = book.attachments.blob_path(book.attachments.get(att_id).blob_name)
    original = path.read_bytes()
    from app.crypto import stream

    # Cut at a chunk boundary: every chunk left is authentic, but the final one is missing.
    path.write_bytes(original[:stream.HEADER_SIZE + stream.CHUNK_SIZE + stream.TAG_SIZE])
    with pytest.raises(AttachmentTruncatedError):
        book.attachments.read_bytes(att_id)
    path.write_bytes(original[:-100])  # cut inside the last chunk
    with pytest.raises(AttachmentDamagedError):
        book.attachments.read_bytes(att_id)
    damaged = bytearray(original)
    damaged[5000] ^= 0x40
    path.write_bytes(bytes(damaged))
    with pytest.raises(AttachmentDamagedError):
        book.attachments.read_bytes(att_id)
    # Saving a copy of a damaged file leaves nothing at the destination.
    dest = tmp_path / "copy.png"
    with pytest.raises(AttachmentDamagedError):
        book.attachments.save_copy(att_id, dest)
    assert not dest.exists() and list(tmp_path.glob(".copy.png*")) == []
    path.write_bytes(original)
    book.attachments.save_copy(att_id, dest)
    assert dest.read_bytes() == data
    assert book.audit.entries()[0].action == "attachment_saved"


def test_deleting_removes_the_ciphertext(book, attached) -> None:
    cid, att_id, _ = attached
    path = book.attachments.blob_path(book.attachments.get(att_id).blob_name)
    book.attachments.delete(att_id)
    assert not path.exists()
    assert book.attachments.list(cid) == []
    # Deleting the customer removes the rest.
    second = book.attachments.add(cid, path.parent.parent.parent / "id card.png")
    blob = book.attachments.blob_path(book.attachments.get(second).blob_name)
    book.customers.delete([cid])
    assert not blob.exists()


def test_orphans_from_a_crash_are_cleaned(book, attached) -> None:
    stray = book.attachments.folder / ("0" * 32 + ".otk")
    stray.write_bytes(b"left by a crash")
    assert book.attachments.remove_orphans(older_than_s=-1) == 1
    assert not stray.exists()
    _cid, att_id, data = attached
    assert book.attachments.read_bytes(att_id, audit=False) == data


def test_an_empty_file_is_refused_and_nothing_is_kept(book, tmp_path) -> None:
    from app.attachments import EMPTY_FILE
    from app.errors import ValidationError

    cid = book.customers.create(name="空 ファイル")
    empty = tmp_path / "scan.pdf"
    empty.write_bytes(b"")
    before = list(book.attachments.folder.glob("*.otk")) if book.attachments.folder.exists() \
        else []
    with pytest.raises(ValidationError) as raised:
        book.attachments.add(cid, empty)
    assert raised.value.message == EMPTY_FILE and raised.value.detail == "scan.pdf"
    assert book.attachments.list(cid) == []
    after = list(book.attachments.folder.glob("*.otk")) if book.attachments.folder.exists() \
        else []
    assert after == before
