"""The book key wrapped by passphrases (app/crypto/keywrap.py).

Every Argon2id run costs about 0.1-0.3 s at the real parameters (64 MiB), and tests run at
those parameters because the floor refuses anything lower: slots are made once per module
and structural checks are done without running the KDF.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import sys
import unicodedata
from pathlib import Path

import pytest

from app.crypto.keywrap import (
    DEFAULT_M_KIB,
    DEFAULT_P,
    DEFAULT_T,
    KeyFile,
    KeySlot,
    check_passphrase_strength,
    unwrap_any,
    unwrap_key,
    wrap_key,
)
from app.errors import DamagedBookError, WeakPassphraseError, WrongKeyError

BOOK_ID = "b7c1d2e3-0000-4000-8000-000000000001"
BOOK_KEY = bytes.fromhex("00112233445566778899aabbccddeeff" * 2)
OWNER_PASS = "correct horse battery staple"
# Kana with dakuten/handakuten: NFC and NFD differ (が vs か + U+3099).
RECOVERY_PASS = "がぎぐげご・パピプペポ・お得意様"


@pytest.fixture(scope="module")
def owner_slot() -> KeySlot:
    return wrap_key(BOOK_KEY, OWNER_PASS, label="owner", book_id=BOOK_ID)


@pytest.fixture(scope="module")
def recovery_slot() -> KeySlot:
    # Wrapped with the decomposed (macOS-style) form on purpose.
    nfd = unicodedata.normalize("NFD", RECOVERY_PASS)
    assert nfd != RECOVERY_PASS
    return wrap_key(BOOK_KEY, nfd, label="recovery", book_id=BOOK_ID)


def copy(slot: KeySlot) -> KeySlot:
    return dataclasses.replace(slot)


def flip(data: bytes, index: int = 0) -> bytes:
    b = bytearray(data)
    b[index] ^= 0x01
    return bytes(b)


# --- wrap and unwrap ---------------------------------------------------------------------------

def test_round_trip_with_rfc9106_parameters(owner_slot: KeySlot) -> None:
    assert (owner_slot.kdf, owner_slot.t, owner_slot.m_kib, owner_slot.p) == (
        "argon2id", 3, 65536, 4)
    assert (DEFAULT_T, DEFAULT_M_KIB, DEFAULT_P) == (3, 65536, 4)
    assert len(owner_slot.salt) == 16 and len(owner_slot.nonce) == 12
    assert BOOK_KEY not in owner_slot.wrapped
    assert unwrap_key(owner_slot, OWNER_PASS, book_id=BOOK_ID) == BOOK_KEY


def test_each_slot_has_its_own_salt_and_nonce(owner_slot: KeySlot,
                                              recovery_slot: KeySlot) -> None:
    assert owner_slot.salt != recovery_slot.salt
    assert owner_slot.nonce != recovery_slot.nonce
    assert owner_slot.wrapped != recovery_slot.wrapped


def test_wrong_passphrase(owner_slot: KeySlot) -> None:
    with pytest.raises(WrongKeyError):
        unwrap_key(owner_slot, OWNER_PASS + "!", book_id=BOOK_ID)


@pytest.mark.parametrize("edit", [
    "wrapped", "wrapped tag", "salt", "nonce", "t raised", "label", "p lowered but valid",
])
def test_tampered_slot_does_not_open(owner_slot: KeySlot, edit: str) -> None:
    slot = copy(owner_slot)
    if edit == "wrapped":
        slot.wrapped = flip(slot.wrapped, 5)
    elif edit == "wrapped tag":
        slot.wrapped = flip(slot.wrapped, -1)
    elif edit == "salt":
        slot.salt = flip(slot.salt)
    elif edit == "nonce":
        slot.nonce = flip(slot.nonce)
    elif edit == "t raised":
        slot.t = owner_slot.t + 1
    elif edit == "label":
        slot.label = "recovery"  # label is only in the associated data, not the KEK
    elif edit == "p lowered but valid":
        slot.p = 1
    with pytest.raises(WrongKeyError):
        unwrap_key(slot, OWNER_PASS, book_id=BOOK_ID)


def test_slot_moved_to_another_book_does_not_open(owner_slot: KeySlot) -> None:
    with pytest.raises(WrongKeyError):
        unwrap_key(owner_slot, OWNER_PASS, book_id="another-book")


@pytest.mark.parametrize(("field", "value"), [
    ("m_kib", 32 * 1024), ("m_kib", 8), ("t", 0), ("t", -3), ("p", 0),
    ("m_kib", 1 << 40), ("t", 10_000),  # absurd costs from a forged file: refused too
    ("kdf", "pbkdf2"), ("salt", b"short"), ("nonce", b"x" * 24), ("wrapped", b"x" * 32),
    ("label", ""), ("t", True), ("m_kib", "65536"),
])
def test_malformed_or_downgraded_slot_is_refused_before_any_kdf(
        owner_slot: KeySlot, field: str, value: object) -> None:
    slot = dataclasses.replace(owner_slot, **{field: value})
    with pytest.raises(DamagedBookError):
        unwrap_key(slot, OWNER_PASS, book_id=BOOK_ID)
    with pytest.raises(DamagedBookError):
        KeySlot.from_json(slot.to_json())  # the same slot read from a file


def test_downgrade_message_is_clear(owner_slot: KeySlot) -> None:
    data = {**owner_slot.to_json(), "m_kib": 1024}
    with pytest.raises(DamagedBookError, match=r"below the minimum 65536.*downgrade"):
        KeySlot.from_json(data)


def test_wrap_refuses_weak_parameters_and_bad_keys() -> None:
    with pytest.raises(ValueError, match="m_kib"):
        wrap_key(BOOK_KEY, OWNER_PASS, label="owner", book_id=BOOK_ID, m_kib=1024)
    with pytest.raises(ValueError, match="32 bytes"):
        wrap_key(b"short", OWNER_PASS, label="owner", book_id=BOOK_ID)
    with pytest.raises(WeakPassphraseError):
        wrap_key(BOOK_KEY, "short", label="owner", book_id=BOOK_ID)


# --- passphrases ------------------------------------------------------------------------------

def test_japanese_passphrase_nfd_and_nfc_open_the_same_slot(recovery_slot: KeySlot) -> None:
    # Wrapped with NFD (macOS), opened with NFC (Windows).
    nfc = unicodedata.normalize("NFC", RECOVERY_PASS)
    assert unwrap_key(recovery_slot, nfc, book_id=BOOK_ID) == BOOK_KEY


def test_japanese_passphrase_differing_by_one_dakuten_fails(recovery_slot: KeySlot) -> None:
    near = RECOVERY_PASS.replace("が", "か", 1)
    with pytest.raises(WrongKeyError):
        unwrap_key(recovery_slot, near, book_id=BOOK_ID)


@pytest.mark.parametrize("p", ["", "1234567", "  abc    ", "お得意様の帳簿",
                               unicodedata.normalize("NFD", "がぎぐげござじ")])
def test_weak_passphrases(p: str) -> None:
    with pytest.raises(WeakPassphraseError):
        check_passphrase_strength(p)


@pytest.mark.parametrize("p", ["12345678", "パスワード七文字", "お得意様の顧客帳簿", OWNER_PASS,
                               unicodedata.normalize("NFD", "がぎぐげござじず")])
def test_strong_enough_passphrases(p: str) -> None:
    check_passphrase_strength(p)


# --- key file -------------------------------------------------------------------------------

@pytest.fixture
def keyfile(owner_slot: KeySlot, recovery_slot: KeySlot) -> KeyFile:
    return KeyFile(version=1, book_id=BOOK_ID, slots=[owner_slot, recovery_slot])


def test_keyfile_save_load_round_trip_and_unwrap_any(tmp_path: Path, keyfile: KeyFile) -> None:
    path = tmp_path / "book.keys"
    keyfile.save(path)
    loaded = KeyFile.load(path)
    assert loaded == keyfile
    key, slot = unwrap_any(loaded, RECOVERY_PASS)  # tries "owner" first, then "recovery"
    assert (key, slot.label) == (BOOK_KEY, "recovery")
    key, slot = unwrap_any(loaded, OWNER_PASS)
    assert (key, slot.label) == (BOOK_KEY, "owner")


def test_unwrap_any_wrong_passphrase(keyfile: KeyFile) -> None:
    with pytest.raises(WrongKeyError):
        unwrap_any(keyfile, "not the passphrase")


def test_unwrap_any_checks_the_book_id(keyfile: KeyFile) -> None:
    moved = KeyFile(version=1, book_id="another-book", slots=keyfile.slots[:1])
    with pytest.raises(WrongKeyError):
        unwrap_any(moved, OWNER_PASS)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_keyfile_is_owner_only(tmp_path: Path, keyfile: KeyFile) -> None:
    old = os.umask(0o022)
    try:
        keyfile.save(tmp_path / "book.keys")
    finally:
        os.umask(old)
    assert (tmp_path / "book.keys").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["book.keys"]  # no temporary left


def test_keyfile_never_contains_the_key_or_passphrases(tmp_path: Path,
                                                       keyfile: KeyFile) -> None:
    path = tmp_path / "book.keys"
    keyfile.save(path)
    raw = path.read_bytes()
    for secret in (BOOK_KEY, BOOK_KEY.hex().encode(), BOOK_KEY.hex().upper().encode(),
                   base64.b64encode(BOOK_KEY), base64.urlsafe_b64encode(BOOK_KEY),
                   OWNER_PASS.encode(), RECOVERY_PASS.encode(),
                   unicodedata.normalize("NFD", RECOVERY_PASS).encode(),
                   RECOVERY_PASS.encode("utf-16-le"), "お得意様".encode()):
        assert secret not in raw
    assert BOOK_ID.encode() in raw  # the file really was written with content


def _valid_doc(keyfile: KeyFile) -> dict:
    return json.loads(keyfile.to_bytes())


GARBAGE: dict[str, object] = {
    "empty": b"",
    "not json": b"hello",
    "binary": os.urandom(200),
    "utf-16": json.dumps({"a": 1}).encode("utf-16"),
    "json list": b"[]",
    "json null": b"null",
    "deep nesting": b"[" * 30_000 + b"]" * 30_000,  # under the size cap
    "huge": b" " * (1024 * 1024),
}


@pytest.mark.parametrize("name", list(GARBAGE))
def test_garbage_keyfile(tmp_path: Path, name: str) -> None:
    path = tmp_path / "book.keys"
    path.write_bytes(GARBAGE[name])  # type: ignore[arg-type]
    with pytest.raises(DamagedBookError):
        KeyFile.load(path)


@pytest.mark.parametrize("edit", [
    "wrong format", "version 0", "version string", "no book id", "empty book id",
    "no slots", "slots not a list", "too many slots", "slot not an object",
    "slot missing field", "slot extra field", "salt not base64", "salt number",
    "downgraded m_kib", "unknown top field", "duplicate key",
])
def test_malformed_keyfile(tmp_path: Path, keyfile: KeyFile, edit: str) -> None:
    doc = _valid_doc(keyfile)
    slot0 = doc["slots"][0]
    raw: bytes | None = None
    if edit == "wrong format":
        doc["format"] = "something-else"
    elif edit == "version 0":
        doc["version"] = 0
    elif edit == "version string":
        doc["version"] = "1"
    elif edit == "no book id":
        del doc["book_id"]
    elif edit == "empty book id":
        doc["book_id"] = ""
    elif edit == "no slots":
        doc["slots"] = []
    elif edit == "slots not a list":
        doc["slots"] = slot0
    elif edit == "too many slots":
        doc["slots"] = [slot0] * 9
    elif edit == "slot not an object":
        doc["slots"] = ["owner"]
    elif edit == "slot missing field":
        del slot0["nonce"]
    elif edit == "slot extra field":
        slot0["note"] = "x"
    elif edit == "salt not base64":
        slot0["salt"] = "!!!not base64!!!"
    elif edit == "salt number":
        slot0["salt"] = 12
    elif edit == "downgraded m_kib":
        slot0["m_kib"] = 1024
    elif edit == "unknown top field":
        doc["extra"] = True
    elif edit == "duplicate key":
        text = json.dumps(doc)
        raw = text.replace('"version": 1', '"version": 1, "version": 1').encode()
        assert raw != text.encode()
    path = tmp_path / "book.keys"
    path.write_bytes(raw if raw is not None else json.dumps(doc).encode())
    with pytest.raises(DamagedBookError):
        KeyFile.load(path)


def test_newer_keyfile_version_says_update(tmp_path: Path, keyfile: KeyFile) -> None:
    doc = _valid_doc(keyfile)
    doc["version"] = 2
    doc["new_field"] = {}
    path = tmp_path / "book.keys"
    path.write_text(json.dumps(doc))
    with pytest.raises(DamagedBookError) as err:
        KeyFile.load(path)
    assert "newer Otokui" in err.value.advice


def test_save_refuses_an_invalid_keyfile(tmp_path: Path) -> None:
    with pytest.raises(DamagedBookError):
        KeyFile(version=1, book_id=BOOK_ID, slots=[]).save(tmp_path / "book.keys")
    assert not (tmp_path / "book.keys").exists()


def test_slot_json_round_trip(owner_slot: KeySlot) -> None:
    data = owner_slot.to_json()
    assert json.loads(json.dumps(data)) == data
    assert KeySlot.from_json(data) == owner_slot


def test_full_width_and_half_width_passphrases_match() -> None:
    # A Japanese IME left in full-width mode must not lock the owner out.
    slot = wrap_key(BOOK_KEY, "ａｂｃ　合言葉１２３", label="passphrase", book_id=BOOK_ID)
    assert unwrap_key(slot, "abc 合言葉123", book_id=BOOK_ID) == BOOK_KEY
