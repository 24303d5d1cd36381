"""Backups: round trip with attachments, and every kind of bad file refused up front."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import backup
from app.errors import BackupError, PassphraseRequiredError, WrongKeyError
from app.profile import Profile
from tests.core.conftest import PASSPHRASE, profile_bytes


def _book_with_attachments(book, tmp_path: Path) -> tuple[list[int], dict[int, bytes]]:
    ids = [book.customers.create(name=f"バックアップ {i}", phone=f"080-2222-{i:04d}")
           for i in range(30)]
    tag = book.tags.create("控え")
    book.tags.add(ids[:10], [tag])
    contents = {}
    for i, cid in enumerate(ids[:3]):
        src = tmp_path / f"doc{i}.pdf"
        data = b"%PDF-1.4 " + bytes([i]) * (300_000 + i)
        src.write_bytes(data)
        contents[book.attachments.add(cid, src)] = data
    return ids, contents


def test_backup_and_restore_round_trip(book, profile, tmp_path) -> None:
    _ids, contents = _book_with_attachments(book, tmp_path)
    target = tmp_path / "backup.otokui"
    header = backup.create_backup(book, target)
    assert header.customers == 30 and header.attachments == 3
    assert b"%PDF" not in target.read_bytes() and "バックアップ".encode() not in \
        target.read_bytes()
    book.close()

    # Restore on "another computer": a fresh profile, opened with the passphrase.
    other = Profile(tmp_path / "other")
    assert backup.inspect_backup(target).has_passphrase
    backup.restore_backup(other, target, passphrase=PASSPHRASE)
    with other.open(PASSPHRASE) as restored:
        assert restored.customers.count() == 30
        assert restored.tags.counts() == {1: 10}
        for att_id, data in contents.items():
            assert restored.attachments.read_bytes(att_id, audit=False) == data


def test_restore_over_an_existing_book_keeps_the_old_one_aside(book, profile, tmp_path) -> None:
    _book_with_attachments(book, tmp_path)
    target = tmp_path / "b.otokui"
    backup.create_backup(book, target)
    book.customers.create(name="バックアップ後の客")
    assert book.customers.count() == 31
    book.close()
    backup.restore_backup(profile, target, passphrase=PASSPHRASE)
    with profile.open(PASSPHRASE) as restored:
        assert restored.customers.count() == 30
    assert (profile.root / "before-restore" / "book.db").exists()


@pytest.mark.parametrize("damage", ["truncate", "flip_payload", "flip_header", "garbage",
                                    "empty"])
def test_bad_backups_change_nothing(book, profile, tmp_path, damage) -> None:
    _book_with_attachments(book, tmp_path)
    target = tmp_path / "b.otokui"
    backup.create_backup(book, target)
    book.close()
    data = bytearray(target.read_bytes())
    if damage == "truncate":
        data = data[: len(data) - 1000]
    elif damage == "flip_payload":
        data[len(data) // 2] ^= 0x01
    elif damage == "flip_header":
        start = data.index(b'"customers"')
        data[start + 14] ^= 0x01  # the count: informational, but bound to the payload key
    elif damage == "garbage":
        data = bytearray(b"not a backup at all" * 10)
    else:
        data = bytearray()
    target.write_bytes(bytes(data))
    before = profile_bytes(profile.root)
    with pytest.raises((BackupError, WrongKeyError, Exception)) as info:
        backup.restore_backup(profile, target, passphrase=PASSPHRASE)
    assert info.type.__module__.startswith("app.")  # a known error, not a crash
    assert profile_bytes(profile.root) == before
    assert not profile.staging_dir.exists() or not any(profile.staging_dir.iterdir())


def test_wrong_passphrase_and_no_passphrase(book, tmp_path) -> None:
    target = tmp_path / "b.otokui"
    backup.create_backup(book, target)
    book.close()
    fresh = Profile(tmp_path / "fresh")
    with pytest.raises(WrongKeyError):
        backup.restore_backup(fresh, target, passphrase="違うパスフレーズ")
    with pytest.raises(PassphraseRequiredError):
        backup.restore_backup(fresh, target)
    assert not fresh.exists()


def test_keyring_book_restores_on_the_same_machine(tmp_path, memory_keyring) -> None:
    profile = Profile(tmp_path / "p")
    with profile.create() as book:
        book.customers.create(name="鍵束")
        backup.create_backup(book, tmp_path / "b.otokui")
    assert not backup.inspect_backup(tmp_path / "b.otokui").has_passphrase
    backup.restore_backup(profile, tmp_path / "b.otokui")
    with profile.open() as again:
        assert again.customers.count() == 1


def test_cancelled_backup_leaves_no_file(book, tmp_path) -> None:
    from app.errors import CancelledError

    _book_with_attachments(book, tmp_path)
    target = tmp_path / "b.otokui"
    with pytest.raises(CancelledError):
        backup.create_backup(book, target, cancel=lambda: True)
    assert not target.exists()
    assert list(tmp_path.glob(".b.otokui*")) == []


@pytest.mark.parametrize("damage", ["truncate", "flip_payload"])
def test_a_damaged_backup_is_called_a_damaged_backup(book, profile, tmp_path, damage) -> None:
    """Not "the attachment file is damaged": the stream's words are about attachments."""
    _book_with_attachments(book, tmp_path)
    target = tmp_path / "b.otokui"
    backup.create_backup(book, target)
    book.close()
    data = bytearray(target.read_bytes())
    if damage == "truncate":
        data = data[: len(data) - 1000]
    else:
        data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(BackupError) as info:
        backup.restore_backup(profile, target, passphrase=PASSPHRASE)
    assert info.value.message == "The backup file is damaged or not an Otokui backup."
    assert "current customer book was not changed" in info.value.advice
