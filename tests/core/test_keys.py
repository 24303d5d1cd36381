"""Keys: keyring and passphrase modes, wrong keys, backend changes, passphrase change, rekey."""

from __future__ import annotations

import json
import stat

import keyring
import pytest

from app import keys, rekey
from app.errors import (
    BookExistsError,
    DamagedBookError,
    KeyMissingError,
    KeyringChangedError,
    NoKeyringError,
    PassphraseRequiredError,
    WeakPassphraseError,
    WrongKeyError,
)
from app.profile import Profile
from app.search import CustomerQuery
from tests.core.conftest import PASSPHRASE, profile_bytes
from tests.support.keyrings import OtherMemoryKeyring


def _fill(book, n: int = 20) -> list[int]:
    ids = [book.customers.create(name=f"顧客 {i}", furigana=f"こきゃく {i}",
                                 phone=f"090-1111-{i:04d}") for i in range(n)]
    tag = book.tags.create("常連")
    book.tags.add(ids[:5], [tag])
    return ids


def test_keyring_mode_opens_without_prompt(profile: Profile, memory_keyring) -> None:
    with profile.create() as book:
        _fill(book)
    m = profile.manifest()
    assert m.key_source == "keyring"
    assert m.keyring_backend == "tests.support.keyrings.MemoryKeyring"
    assert not profile.keyfile_path.exists()
    assert not profile.needs_passphrase()
    with profile.open() as book:
        assert book.customers.count() == 20


def test_no_keyring_means_passphrase(profile: Profile) -> None:
    previous = keyring.get_keyring()
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    try:
        assert keys.keyring_backend() is None
        with pytest.raises(NoKeyringError):
            profile.create()
        assert not profile.exists()
    finally:
        keyring.set_keyring(previous)


def test_wrong_passphrase_changes_no_byte(profile: Profile) -> None:
    with profile.create(passphrase=PASSPHRASE) as book:
        _fill(book)
    before = profile_bytes(profile.root)
    for wrong in ("違う合言葉です", PASSPHRASE + " ", ""):
        with pytest.raises(WrongKeyError):
            profile.open(wrong)
    with pytest.raises(PassphraseRequiredError):
        profile.open()
    assert profile_bytes(profile.root) == before
    with profile.open(PASSPHRASE) as book:
        assert book.customers.count() == 20


def test_wrong_raw_key_is_refused_without_touching_files(profile: Profile) -> None:
    with profile.create(passphrase=PASSPHRASE) as book:
        _fill(book)
    before = profile_bytes(profile.root)
    with pytest.raises(WrongKeyError):
        profile._open_with_key(profile.manifest(), keys.new_book_key())
    assert profile_bytes(profile.root) == before


def test_damaged_book_is_a_distinct_error(profile: Profile) -> None:
    with profile.create(passphrase=PASSPHRASE) as book:
        _fill(book)
    data = bytearray(profile.db_path.read_bytes())
    data[100:200] = bytes(100)  # inside the first page: its HMAC no longer matches
    profile.db_path.write_bytes(bytes(data))
    with pytest.raises(DamagedBookError):
        profile.open(PASSPHRASE)
    # A damaged manifest is reported as such, not as a wrong passphrase.
    profile.manifest_path.write_text("{not json")
    with pytest.raises(DamagedBookError):
        profile.open(PASSPHRASE)


def test_keyring_backend_change_is_refused(profile: Profile, memory_keyring) -> None:
    with profile.create() as book:
        _fill(book)
    before = profile_bytes(profile.root)
    other = OtherMemoryKeyring()
    other.entries = dict(memory_keyring.entries)  # even holding the same key
    keyring.set_keyring(other)
    with pytest.raises(KeyringChangedError):
        profile.open()
    assert profile_bytes(profile.root) == before
    assert profile.exists()  # never replaced by a new, empty book


def test_key_missing_from_keyring_is_refused_and_recovery_opens(
        profile: Profile, memory_keyring) -> None:
    with profile.create(recovery_passphrase="recovery-ABCD-EFGH") as book:
        _fill(book)
    memory_keyring.entries.clear()
    with pytest.raises(KeyMissingError):
        profile.open()
    with profile.open("recovery-ABCD-EFGH") as book:
        assert book.customers.count() == 20


def test_create_refuses_existing_book_and_weak_passphrase(profile: Profile) -> None:
    with pytest.raises(WeakPassphraseError):
        profile.create(passphrase="short")
    assert not profile.exists()
    profile.create(passphrase=PASSPHRASE).close()
    with pytest.raises(BookExistsError):
        profile.create(passphrase=PASSPHRASE)


def test_change_passphrase_rewraps_without_reencrypting(profile: Profile) -> None:
    with profile.create(passphrase=PASSPHRASE) as book:
        ids = _fill(book)
    db_before = profile.db_path.read_bytes()
    assert profile.change_passphrase(PASSPHRASE, "新しい合言葉 2027") == "passphrase"
    assert profile.db_path.read_bytes() == db_before  # the book itself is untouched
    with pytest.raises(WrongKeyError):
        profile.open(PASSPHRASE)
    with profile.open("新しい合言葉 2027") as book:
        assert sorted(book.search.ids(CustomerQuery())) == sorted(ids)
    with pytest.raises(WrongKeyError):
        profile.change_passphrase("not the passphrase", "whatever 12345")


@pytest.mark.parametrize("mode", ["keyring", "passphrase"])
def test_rekey_keeps_every_record(profile: Profile, memory_keyring, mode: str) -> None:
    book = profile.create() if mode == "keyring" else profile.create(passphrase=PASSPHRASE)
    ids = _fill(book)
    from app.message_search import search_conversations
    from app.store.models import Message

    with book.db.write() as s:  # the message search index (kept by triggers) goes along
        s.add(Message(customer_id=ids[0], direction="in", type="text",
                      text="予約の変更をお願いします",
                      payload={}, at_ms=1_700_000_000_000))
    doc = profile.root.parent / "contract.pdf"
    doc.write_bytes(b"%PDF-1.4 contract body")
    att = book.attachments.add(ids[0], doc)
    old_check = profile.manifest().key_check
    old_db = profile.db_path.read_bytes()
    passphrases = {} if mode == "keyring" else {"passphrase": "rekeyed passphrase 1"}
    book = rekey.rekey(book, passphrases)
    try:
        assert book.customers.count() == 20
        assert book.tags.counts() == {1: 5}
        assert book.attachments.read_bytes(att, audit=False) == b"%PDF-1.4 contract body"
        assert search_conversations(book, "予約の変更").customer_ids == [ids[0]]
        assert search_conversations(book, "変更").customer_ids == [ids[0]]
    finally:
        book.close()
    assert profile.manifest().key_check != old_check
    assert profile.db_path.read_bytes()[:16] != old_db[:16]  # a new salt: a new file
    assert not profile.pending_keyfile_path.exists()
    if mode == "keyring":
        with profile.open() as again:
            assert again.customers.count() == 20
    else:
        with pytest.raises(WrongKeyError):
            profile.open(PASSPHRASE)
        with profile.open("rekeyed passphrase 1") as again:
            assert again.customers.count() == 20


def test_rekey_interrupted_after_swap_is_finished_on_open(
        profile: Profile, memory_keyring, monkeypatch) -> None:
    book = profile.create()
    _fill(book)

    def crash(*args, **kwargs):
        raise SystemExit("simulated crash between swap and promotion")

    monkeypatch.setattr(rekey, "_promote", crash)
    with pytest.raises(SystemExit):
        rekey.rekey(book, {})
    monkeypatch.undo()
    # The old key no longer opens the swapped file; the pending key does and is promoted.
    with profile.open() as again:
        assert again.customers.count() == 20
    assert keys.keyring_get(profile.manifest().book_id, pending=True) is None


def test_rekey_interrupted_before_swap_keeps_the_old_key(
        profile: Profile, memory_keyring, monkeypatch) -> None:
    book = profile.create()
    _fill(book)
    real_replace = type(profile.db_path).replace

    def crash_on_swap(self, target):
        if str(target).endswith("book.db"):
            raise SystemExit("simulated crash before the swap")
        return real_replace(self, target)

    monkeypatch.setattr(type(profile.db_path), "replace", crash_on_swap)
    with pytest.raises(SystemExit):
        rekey.rekey(book, {})
    monkeypatch.undo()
    with profile.open() as again:
        assert again.customers.count() == 20
    assert keys.keyring_get(profile.manifest().book_id, pending=True) is None


def test_switch_between_keyring_and_passphrase(profile: Profile, memory_keyring) -> None:
    with profile.create() as book:
        _fill(book)
    key = profile.unlock_key()
    profile.use_passphrase(key, "only a passphrase now")
    assert profile.needs_passphrase()
    assert memory_keyring.entries == {}
    with profile.open("only a passphrase now") as book:
        assert book.customers.count() == 20
    profile.use_keyring(key)
    assert not profile.needs_passphrase()
    with profile.open() as book:
        assert book.customers.count() == 20


def test_profile_files_are_owner_only(profile: Profile, memory_keyring) -> None:
    with profile.create(passphrase=PASSPHRASE) as book:
        cid = book.customers.create(name="権限 確認")
        doc = profile.root.parent / "photo.png"
        doc.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
        book.attachments.add(cid, doc)
        files = [p for p in profile.root.rglob("*") if p.is_file()]
        names = {p.name for p in files}
        assert {"book.db", "book.db-wal", "book.db-shm", "book.key", "otokui.json"} <= names
        for p in files:
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
        for d in (profile.root, profile.attachments_dir):
            assert stat.S_IMODE(d.stat().st_mode) == 0o700


def test_manifest_never_holds_the_key(profile: Profile, memory_keyring) -> None:
    with profile.create():
        pass
    key = profile.unlock_key()
    raw = profile.manifest_path.read_text()
    assert key.hex() not in raw
    assert set(json.loads(raw)) >= {"book_id", "key_source", "key_check"}


def test_change_a_named_slot_with_the_recovery_passphrase(profile: Profile) -> None:
    with profile.create(passphrase=PASSPHRASE, recovery_passphrase="回復用の合言葉 9999"):
        pass
    assert profile.change_passphrase("回復用の合言葉 9999", "新しい本人の合言葉",
                                     label="passphrase") == "passphrase"
    with pytest.raises(WrongKeyError):
        profile.open(PASSPHRASE)  # the owner's old passphrase is replaced …
    profile.open("新しい本人の合言葉").close()
    profile.open("回復用の合言葉 9999").close()  # … and the recovery one still works
