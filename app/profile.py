"""The profile folder: where a book, its key material, attachments and logs live.

Layout (all owner-only)::

    otokui.json     manifest: book id, where the key is kept, keyring backend, key check
    book.db         the SQLCipher database (+ book.db-wal, book.db-shm)
    book.key        passphrase slots wrapping the key (passphrase mode, recovery passphrase)
    attachments/    one encrypted file per attachment
    logs/           otokui.log (no personal data, no secrets)
    otokui.lock     empty; its OS lock makes one process the owner (app/profile_lock.py)

The default folder is the OS's per-user data folder (``platformdirs``); ``--profile DIR``
chooses another.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app import fsutil, keys, profile_lock
from app.crypto import keywrap
from app.errors import (
    BookExistsError,
    DamagedBookError,
    KeyMissingError,
    KeyringChangedError,
    NoBookError,
    NoKeyringError,
    PassphraseRequiredError,
    WrongKeyError,
)
from app.store import migrate
from app.store.db import Database, create_empty

if TYPE_CHECKING:
    from app.book import Book
    from app.profile_lock import Claim

log = logging.getLogger("otokui.profile")

MANIFEST_FORMAT = 1
PASSPHRASE_LABEL = "passphrase"  # noqa: S105 - a slot's label, not a secret
RECOVERY_LABEL = "recovery"


def default_profile_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("Otokui", appauthor=False, roaming=True))


@dataclass
class Manifest:
    book_id: str
    key_source: str  # "keyring" or "passphrase"
    key_check: str
    keyring_backend: str | None = None
    format: int = MANIFEST_FORMAT
    created_at: str = ""

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            fields = {k: raw[k] for k in ("book_id", "key_source", "key_check")}
            return cls(**fields, keyring_backend=raw.get("keyring_backend"),
                       format=int(raw.get("format", 1)), created_at=raw.get("created_at", ""))
        except (ValueError, KeyError, TypeError):
            raise DamagedBookError("otokui.json") from None


class Profile:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # --- paths -------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / "otokui.json"

    @property
    def db_path(self) -> Path:
        return self.root / "book.db"

    @property
    def keyfile_path(self) -> Path:
        return self.root / "book.key"

    @property
    def pending_keyfile_path(self) -> Path:
        """Slots for the new key while a rekey is under way (see app/rekey.py)."""
        return self.root / "book.key.next"

    @property
    def attachments_dir(self) -> Path:
        return self.root / "attachments"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def staging_dir(self) -> Path:
        """Work space for restores and rekeys, on the same disk so renames are atomic."""
        return self.root / "staging"

    def exists(self) -> bool:
        return self.manifest_path.exists()

    def ensure_dirs(self) -> None:
        for d in (self.root, self.attachments_dir, self.logs_dir):
            fsutil.ensure_private_dir(d)

    # --- manifest and key file -------------------------------------------------------------
    def manifest(self) -> Manifest:
        try:
            return Manifest.from_json(self.manifest_path.read_bytes())
        except FileNotFoundError:
            raise NoBookError() from None

    def save_manifest(self, manifest: Manifest) -> None:
        fsutil.write_private_bytes(self.manifest_path, manifest.to_json())

    def keyfile(self, book_id: str, path: Path | None = None) -> keywrap.KeyFile:
        path = path or self.keyfile_path
        if not path.exists():
            return keywrap.KeyFile(version=1, book_id=book_id, slots=[])
        kf = keywrap.KeyFile.load(path)
        if kf.book_id != book_id:
            raise DamagedBookError("book.key belongs to another book")
        return kf

    def save_keyfile(self, kf: keywrap.KeyFile) -> None:
        if kf.slots:
            kf.save(self.keyfile_path)
        else:
            with contextlib.suppress(FileNotFoundError):
                self.keyfile_path.unlink()

    def has_passphrase(self) -> bool:
        """Whether some passphrase (own or recovery) can open the book."""
        try:
            return bool(self.keyfile(self.manifest().book_id).slots)
        except (NoBookError, DamagedBookError):
            return False

    # --- creating and opening ------------------------------------------------------------
    def create(self, *, passphrase: str | None = None,
               recovery_passphrase: str | None = None) -> Book:
        """Create a new, empty book.

        With ``passphrase`` the key is wrapped by it (passphrase mode); without, it goes to
        the OS keyring, and :class:`NoKeyringError` says when there is none.
        ``recovery_passphrase`` adds a slot that opens the book anywhere.
        """
        if self.exists() or self.db_path.exists():
            raise BookExistsError()
        for p in (passphrase, recovery_passphrase):
            if p is not None:
                keywrap.check_passphrase_strength(p)
        backend = None
        if passphrase is None:
            backend = keys.keyring_backend()
            if backend is None:
                raise NoKeyringError()
        self.ensure_dirs()
        claim = profile_lock.claim(self.root, book=True)
        try:
            return self._create(passphrase, recovery_passphrase, backend, claim)
        except BaseException:
            claim.release()
            raise

    def _create(self, passphrase: str | None, recovery_passphrase: str | None,
                backend: str | None, claim: Claim) -> Book:
        if self.exists() or self.db_path.exists():  # made by another process meanwhile
            raise BookExistsError()
        book_id = str(uuid.uuid4())
        key = keys.new_book_key()
        slots: list[keywrap.KeySlot] = []
        if passphrase is not None:
            slots.append(keywrap.wrap_key(key, passphrase, label=PASSPHRASE_LABEL,
                                          book_id=book_id))
        if recovery_passphrase is not None:
            slots.append(keywrap.wrap_key(key, recovery_passphrase, label=RECOVERY_LABEL,
                                          book_id=book_id))
        if backend is not None:
            keys.keyring_set(book_id, key)
        self.save_keyfile(keywrap.KeyFile(version=1, book_id=book_id, slots=slots))
        create_empty(self.db_path, key)
        manifest = Manifest(
            book_id=book_id,
            key_source="keyring" if backend else "passphrase",
            key_check=keys.key_check(key, book_id),
            keyring_backend=backend,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        # The manifest is written last: a profile without one is not a book yet, and a
        # crash before this point leaves nothing that could be mistaken for one.
        self.save_manifest(manifest)
        log.info("created a book (key in %s)", manifest.key_source)
        return self._open_with_key(manifest, key, claim)

    def needs_passphrase(self) -> bool:
        m = self.manifest()
        return m.key_source != "keyring"

    def unlock_key(self, passphrase: str | None = None) -> bytes:
        """Find the book key: from ``passphrase`` if given, else from the keyring."""
        m = self.manifest()
        if passphrase is not None:
            kf = self.keyfile(m.book_id)
            if not kf.slots:
                raise WrongKeyError("this book has no passphrase")
            key, _slot = keywrap.unwrap_any(kf, passphrase)
            return key
        if m.key_source != "keyring":
            raise PassphraseRequiredError()
        backend = keys.keyring_backend()
        if backend != m.keyring_backend:
            log.warning("keyring backend changed since the book was created; refusing")
            raise KeyringChangedError()
        stored = keys.keyring_get(m.book_id)
        if stored is None:
            raise KeyMissingError()
        return stored

    def open(self, passphrase: str | None = None) -> Book:
        """Unlock and open the book. Wrong key: WrongKeyError, nothing touched."""
        if not self.exists():
            raise NoBookError()
        # Claimed before anything is read: finishing an interrupted rekey writes, and no
        # other process may swap the book under this one (see app/profile_lock.py).
        claim = profile_lock.claim(self.root, book=True)
        try:
            m = self.manifest()
            from app import rekey

            rekey.finish_interrupted(self, m, passphrase)
            m = self.manifest()
            key = self.unlock_key(passphrase)
            return self._open_with_key(m, key, claim)
        except BaseException:
            claim.release()
            raise

    def _open_with_key(self, m: Manifest, key: bytes, claim: Claim | None = None) -> Book:
        """Open the book file; ``claim`` (this process's hold on the profile) goes to the
        book, which releases it when closed; without one, a new claim is made."""
        own = claim or profile_lock.claim(self.root, book=True)
        try:
            return self._open_claimed(m, key, own)
        except BaseException:
            own.release()
            raise

    def _open_claimed(self, m: Manifest, key: bytes, claim: Claim) -> Book:
        if not self.db_path.exists():
            raise DamagedBookError("book.db is missing")
        if keys.key_check(key, m.book_id) != m.key_check:
            raise WrongKeyError()
        try:
            db = Database(self.db_path, key)
        except WrongKeyError:
            # The key is the right one (the check matched), so the file is what is wrong.
            raise DamagedBookError("book.db") from None
        try:
            migrate.upgrade(db)
        except Exception:
            db.close()
            raise
        from app.book import Book

        return Book(self, db, m, claim)

    # --- passphrases -----------------------------------------------------------------------
    def change_passphrase(self, old: str, new: str, *, label: str | None = None) -> str:
        """Re-wrap the key under ``new``; the book itself is untouched.

        ``old`` is any passphrase that opens the book (own or recovery). The slot changed
        is ``label`` when given (e.g. "passphrase": the owner's, even if they typed the
        recovery passphrase to prove who they are), else the slot ``old`` opened.
        Returns the label of the changed slot.
        """
        keywrap.check_passphrase_strength(new)
        # Another process that owns the profile may be re-writing book.key (a rekey, a
        # restore): refused rather than racing it.
        with profile_lock.claim(self.root):
            m = self.manifest()
            kf = self.keyfile(m.book_id)
            key, opened = keywrap.unwrap_any(kf, old)
            target = label or opened.label
            new_slot = keywrap.wrap_key(key, new, label=target, book_id=m.book_id)
            kf.slots = [s for s in kf.slots if s.label != target] + [new_slot]
            self.save_keyfile(kf)
        log.info("passphrase slot %s changed", target)
        return target

    def set_passphrase_slot(self, key: bytes, passphrase: str, label: str) -> None:
        """Add or replace the slot ``label`` (the owner proved access with ``key``)."""
        keywrap.check_passphrase_strength(passphrase)
        m = self.manifest()
        if keys.key_check(key, m.book_id) != m.key_check:
            raise WrongKeyError()
        kf = self.keyfile(m.book_id)
        kf.slots = [s for s in kf.slots if s.label != label]
        kf.slots.append(keywrap.wrap_key(key, passphrase, label=label, book_id=m.book_id))
        self.save_keyfile(kf)

    def remove_passphrase_slot(self, label: str) -> None:
        m = self.manifest()
        kf = self.keyfile(m.book_id)
        kf.slots = [s for s in kf.slots if s.label != label]
        self.save_keyfile(kf)

    def use_keyring(self, key: bytes) -> None:
        """Move the key into the OS keyring; the passphrase slot is removed."""
        m = self.manifest()
        if keys.key_check(key, m.book_id) != m.key_check:
            raise WrongKeyError()
        backend = keys.keyring_backend()
        if backend is None:
            raise NoKeyringError()
        keys.keyring_set(m.book_id, key)
        m.key_source, m.keyring_backend = "keyring", backend
        self.save_manifest(m)
        self.remove_passphrase_slot(PASSPHRASE_LABEL)

    def use_passphrase(self, key: bytes, passphrase: str) -> None:
        """Protect the key with a passphrase only; it is removed from the keyring."""
        self.set_passphrase_slot(key, passphrase, PASSPHRASE_LABEL)
        m = self.manifest()
        was_keyring = m.key_source == "keyring"
        m.key_source, m.keyring_backend = "passphrase", None
        self.save_manifest(m)
        if was_keyring:
            with contextlib.suppress(NoKeyringError):
                keys.keyring_delete(m.book_id)


def open_flags_private() -> None:
    """Make every file this process creates owner-only by default (belt and braces)."""
    if os.name != "nt":
        os.umask(0o077)

