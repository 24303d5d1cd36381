"""The book key wrapped by passphrases (Argon2id + ChaCha20-Poly1305), in LUKS-like slots.

The customer book is encrypted by SQLCipher with a random 32-byte raw key. That key is
never stored in the clear: each passphrase that may open the book (the owner's, a recovery
passphrase) has a *slot* holding the key encrypted under a key-encryption key (KEK)
derived from the passphrase::

    KEK     = Argon2id(NFC(passphrase) as UTF-8, salt, t, m, p) -> 32 bytes
    wrapped = ChaCha20-Poly1305(KEK, nonce, book key, associated_data=AD)
    AD      = "otokui-keyslot/1" and, length-prefixed, the book id, the slot's label,
              kdf name, t, m_kib, p and salt

Binding the slot's parameters, label and the book id into AD means a slot copied into
another book's key file, or with its label or parameters edited, fails to open like a
wrong passphrase; edits of t, m, p or salt also change the KEK. Parameters below the
floor (RFC 9106's second recommendation, 64 MiB) are refused before any work with
:class:`~app.errors.DamagedBookError`, so a forged key file cannot silently downgrade the
cost of guessing. Parameters are stored per slot, so new slots can use stronger ones.

The AEAD cannot tell a wrong passphrase from an edited salt, nonce or ciphertext: both
raise :class:`~app.errors.WrongKeyError`. A key file that is not structurally valid raises
:class:`~app.errors.DamagedBookError`.

Passphrases are normalised to NFC (macOS input methods may produce decomposed kana such
as か + ゙ where Windows produces が); nothing else is changed (no trimming, no
width folding), so what the owner typed is what is hashed.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import struct
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from app.errors import DamagedBookError, WeakPassphraseError, WrongKeyError
from app.fsutil import write_private_bytes
from app.i18n import QT_TRANSLATE_NOOP

KDF_ARGON2ID = "argon2id"
KEY_SIZE = 32
SALT_SIZE = 16
NONCE_SIZE = 12
WRAPPED_SIZE = KEY_SIZE + 16  # key + Poly1305 tag

# RFC 9106 section 4, second recommended option: t=3, p=4, m=64 MiB.
DEFAULT_T = 3
DEFAULT_M_KIB = 64 * 1024
DEFAULT_P = 4
# Floors (downgrade protection) and ceilings (a forged file must not make us allocate
# terabytes or spin for hours before the passphrase is even checked).
MIN_T, MAX_T = 1, 64
MIN_M_KIB, MAX_M_KIB = 64 * 1024, 4 * 1024 * 1024
MIN_P, MAX_P = 1, 64
MIN_SALT, MAX_SALT = 16, 64
MAX_LABEL = 64

KEYFILE_FORMAT = "otokui-keyfile"
KEYFILE_VERSION = 1
MAX_SLOTS = 8
MAX_KEYFILE_BYTES = 64 * 1024

MIN_PASSPHRASE_CHARS = 8

_AD_DOMAIN = b"otokui-keyslot/1"

_NEWER_ADVICE = QT_TRANSLATE_NOOP(
    "errors", "This key file was written by a newer Otokui. Update Otokui and try again.")


def normalize_passphrase(passphrase: str) -> str:
    """The form that is hashed: NFKC.

    Composed and decomposed kana match (macOS and Windows type them differently), and so do
    full-width and half-width forms: a Japanese IME left in full-width mode types ａｂｃ１２３
    for abc123, and the owner should not be locked out by that. Fixed before the first
    release: changing it later would lock out existing slots.
    """
    if not isinstance(passphrase, str):
        raise TypeError("passphrase must be str")
    return unicodedata.normalize("NFKC", passphrase)


def check_passphrase_strength(p: str) -> None:
    """Raise :class:`~app.errors.WeakPassphraseError` if ``p`` has fewer than 8 characters.

    Characters, not bytes: 8 kana are as acceptable as 8 letters. Counted after NFC (a
    decomposed が is one character) and without surrounding spaces.
    """
    if len(normalize_passphrase(p).strip()) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphraseError(f"fewer than {MIN_PASSPHRASE_CHARS} characters")


# --- slots --------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise DamagedBookError(f"key slot field {name} is not text")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise DamagedBookError(f"key slot field {name} is not base64") from None


def _int(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise DamagedBookError(f"field {name} is not a whole number")
    return value


def _str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise DamagedBookError(f"field {name} is not text")
    return value


@dataclass
class KeySlot:
    """One way to open the book: the book key wrapped under one passphrase."""

    label: str
    kdf: str
    t: int
    m_kib: int
    p: int
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def validate(self) -> None:
        """Raise :class:`~app.errors.DamagedBookError` unless the slot is well formed and
        its parameters are at or above the floor."""
        if not isinstance(self.label, str) or not 0 < len(self.label) <= MAX_LABEL:
            raise DamagedBookError("key slot label missing or too long")
        if self.kdf != KDF_ARGON2ID:
            raise DamagedBookError("unknown key derivation in key slot")
        for name, value, low, high in (("t", self.t, MIN_T, MAX_T),
                                       ("m_kib", self.m_kib, MIN_M_KIB, MAX_M_KIB),
                                       ("p", self.p, MIN_P, MAX_P)):
            _int(value, name)
            if value < low:
                raise DamagedBookError(
                    f"key slot {name}={value} is below the minimum {low} (downgrade refused)")
            if value > high:
                raise DamagedBookError(f"key slot {name}={value} is above the maximum {high}")
        blobs: tuple[tuple[str, object, int, int], ...] = (
            ("salt", self.salt, MIN_SALT, MAX_SALT),
            ("nonce", self.nonce, NONCE_SIZE, NONCE_SIZE),
            ("wrapped", self.wrapped, WRAPPED_SIZE, WRAPPED_SIZE))
        for name, blob, low, high in blobs:
            # object: a slot read from JSON may hold anything here.
            if not isinstance(blob, bytes) or not low <= len(blob) <= high:
                raise DamagedBookError(f"key slot field {name} has the wrong length")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (binary fields in base64)."""
        return {"label": self.label, "kdf": self.kdf, "t": self.t, "m_kib": self.m_kib,
                "p": self.p, "salt": _b64(self.salt), "nonce": _b64(self.nonce),
                "wrapped": _b64(self.wrapped)}

    @classmethod
    def from_json(cls, obj: Any) -> KeySlot:
        """Parse and validate a dict made by :meth:`to_json`; DamagedBookError otherwise."""
        if not isinstance(obj, dict):
            raise DamagedBookError("key slot is not an object")
        expected = {"label", "kdf", "t", "m_kib", "p", "salt", "nonce", "wrapped"}
        if set(obj) != expected:
            raise DamagedBookError("key slot fields missing or unknown")
        slot = cls(label=_str(obj["label"], "label"), kdf=_str(obj["kdf"], "kdf"),
                   t=_int(obj["t"], "t"), m_kib=_int(obj["m_kib"], "m_kib"),
                   p=_int(obj["p"], "p"), salt=_unb64(obj["salt"], "salt"),
                   nonce=_unb64(obj["nonce"], "nonce"),
                   wrapped=_unb64(obj["wrapped"], "wrapped"))
        slot.validate()
        return slot


def _lp(data: bytes) -> bytes:
    """Length-prefixed, so no two different field lists encode to the same bytes."""
    return struct.pack(">I", len(data)) + data


def _associated_data(slot: KeySlot, book_id: str) -> bytes:
    return b"".join((_AD_DOMAIN, _lp(book_id.encode("utf-8")), _lp(slot.label.encode("utf-8")),
                     _lp(slot.kdf.encode("ascii")),
                     struct.pack(">III", slot.t, slot.m_kib, slot.p), _lp(slot.salt)))


def _kek(passphrase: str, slot: KeySlot) -> bytes:
    secret = normalize_passphrase(passphrase).encode("utf-8")
    try:
        return hash_secret_raw(secret, slot.salt, time_cost=slot.t, memory_cost=slot.m_kib,
                               parallelism=slot.p, hash_len=KEY_SIZE, type=Type.ID)
    except HashingError as exc:  # e.g. memory for m could not be allocated
        raise DamagedBookError("key derivation failed") from exc


def _check_book_id(book_id: str) -> None:
    if not isinstance(book_id, str) or not book_id:
        raise ValueError("book_id must be a non-empty string")


def wrap_key(key: bytes, passphrase: str, *, label: str, book_id: str,
             t: int = DEFAULT_T, m_kib: int = DEFAULT_M_KIB, p: int = DEFAULT_P) -> KeySlot:
    """Wrap the book ``key`` under ``passphrase`` in a new slot with a fresh salt and nonce.

    Refuses a weak passphrase (:class:`~app.errors.WeakPassphraseError`) so no slot is
    ever made for one. ``t``/``m_kib``/``p`` may be raised above the defaults, not
    lowered below the floor.
    """
    if not isinstance(key, bytes) or len(key) != KEY_SIZE:
        raise ValueError("book key must be 32 bytes")
    _check_book_id(book_id)
    check_passphrase_strength(passphrase)
    slot = KeySlot(label=label, kdf=KDF_ARGON2ID, t=t, m_kib=m_kib, p=p,
                   salt=os.urandom(SALT_SIZE), nonce=os.urandom(NONCE_SIZE),
                   wrapped=bytes(WRAPPED_SIZE))
    try:
        slot.validate()
    except DamagedBookError as exc:  # the caller's arguments, not a file, are wrong here
        raise ValueError(exc.detail) from None
    slot.wrapped = ChaCha20Poly1305(_kek(passphrase, slot)).encrypt(
        slot.nonce, key, _associated_data(slot, book_id))
    return slot


def unwrap_key(slot: KeySlot, passphrase: str, *, book_id: str) -> bytes:
    """Return the book key, or raise :class:`~app.errors.WrongKeyError`.

    A malformed or downgraded slot raises :class:`~app.errors.DamagedBookError` before the
    passphrase is used.
    """
    _check_book_id(book_id)
    slot.validate()
    try:
        key = ChaCha20Poly1305(_kek(passphrase, slot)).decrypt(
            slot.nonce, slot.wrapped, _associated_data(slot, book_id))
    except InvalidTag:
        raise WrongKeyError() from None
    return key


# --- key file -----------------------------------------------------------------------------

def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise DamagedBookError("duplicate field in key file")
    return obj


@dataclass
class KeyFile:
    """The slots of one book, stored as JSON next to it (owner-only, written atomically)."""

    version: int
    book_id: str
    slots: list[KeySlot] = field(default_factory=list)

    def validate(self) -> None:
        if _int(self.version, "version") > KEYFILE_VERSION:
            raise DamagedBookError(f"key file version {self.version}", advice=_NEWER_ADVICE)
        if self.version != KEYFILE_VERSION:
            raise DamagedBookError(f"unknown key file version {self.version}")
        if not isinstance(self.book_id, str) or not self.book_id:
            raise DamagedBookError("key file has no book id")
        if not isinstance(self.slots, list) or not 0 < len(self.slots) <= MAX_SLOTS:
            raise DamagedBookError("key file must hold 1 to 8 slots")
        for slot in self.slots:
            slot.validate()

    def to_bytes(self) -> bytes:
        self.validate()
        doc = {"format": KEYFILE_FORMAT, "version": self.version, "book_id": self.book_id,
               "slots": [s.to_json() for s in self.slots]}
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def save(self, path: Path) -> None:
        """Write atomically with owner-only permissions (refuses an invalid key file)."""
        write_private_bytes(Path(path), self.to_bytes())

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyFile:
        if len(raw) > MAX_KEYFILE_BYTES:
            raise DamagedBookError("key file too large")
        try:
            doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise DamagedBookError("key file is not JSON") from None
        if not isinstance(doc, dict) or doc.get("format") != KEYFILE_FORMAT:
            raise DamagedBookError("not an Otokui key file")
        version = _int(doc.get("version"), "version")
        if version > KEYFILE_VERSION:  # a newer layout may have other fields: say so first
            raise DamagedBookError(f"key file version {version}", advice=_NEWER_ADVICE)
        if set(doc) != {"format", "version", "book_id", "slots"}:
            raise DamagedBookError("key file fields missing or unknown")
        slots = doc["slots"]
        if not isinstance(slots, list):
            raise DamagedBookError("key file slots are not a list")
        if len(slots) > MAX_SLOTS:  # before parsing each one
            raise DamagedBookError("key file must hold 1 to 8 slots")
        keyfile = cls(version=version,
                      book_id=_str(doc["book_id"], "book_id"),
                      slots=[KeySlot.from_json(s) for s in slots])
        keyfile.validate()
        return keyfile

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        """Read and validate; :class:`~app.errors.DamagedBookError` on anything malformed.

        A missing file raises :class:`FileNotFoundError` (the caller knows whether the book
        is expected to exist).
        """
        with open(path, "rb") as f:
            raw = f.read(MAX_KEYFILE_BYTES + 1)
        return cls.from_bytes(raw)


def unwrap_any(keyfile: KeyFile, passphrase: str) -> tuple[bytes, KeySlot]:
    """Open the first slot that ``passphrase`` opens; :class:`WrongKeyError` if none does.

    Each slot tried costs one Argon2id run (about 0.1-0.3 s).
    """
    keyfile.validate()
    for slot in keyfile.slots:
        try:
            return unwrap_key(slot, passphrase, book_id=keyfile.book_id), slot
        except WrongKeyError:
            continue
    raise WrongKeyError()
