"""Rekeying the book: a new key, written to a new file, verified, then swapped in.

Steps, each safe to interrupt:

1. ``sqlcipher_export`` the book into ``staging/rekey.db`` under the new key.
2. Verify the copy: integrity check, and the same number of rows in every table.
3. Record the new key as *pending*: the keyring entry ``book-key-next`` and/or the key file
   ``book.key.next`` with the passphrase slots of the new key.
4. Atomically rename the copy over ``book.db``.
5. Promote the pending key (manifest's key check, ``book.key.next`` over ``book.key``,
   keyring entry) and drop the old one.

A crash before 4 leaves the old book and old key working (the pending key is discarded on
the next open); a crash after 4 leaves the new book and a pending key that opens it, which
:func:`finish_interrupted` promotes.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from typing import TYPE_CHECKING

from app import fsutil, keys, profile_lock
from app.crypto import keywrap
from app.errors import DamagedBookError, NoKeyringError, WrongKeyError
from app.store.db import connect_raw

if TYPE_CHECKING:
    import sqlcipher3.dbapi2 as sqlcipher

    from app.book import Book
    from app.profile import Manifest, Profile

log = logging.getLogger("otokui.rekey")


def table_counts(conn: sqlcipher.Connection) -> dict[str, int]:
    """Row counts of every table (names come from sqlite_master, not from outside)."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'customer_fts_%'").fetchall()]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in sorted(names)}


def rekey(book: Book, passphrases: dict[str, str] | None = None) -> Book:
    """Re-encrypt ``book`` under a new random key and return the reopened book.

    ``passphrases`` maps slot labels ("passphrase", "recovery") to the passphrases that
    wrap the new key; slots not named are dropped, because the old key they wrap no longer
    opens anything. In keyring mode the new key goes to the keyring.

    The profile is held exclusively throughout: no other process, and no other book of
    this one than ``book``, may have it open (they would keep writing into the old file).
    The rekey is recorded in the new book's audit log.
    """
    from app.audit import AuditAction

    with profile_lock.exclusive(book.profile.root, books_allowed=1):
        rekeyed = _rekey_held(book, passphrases)
        rekeyed.audit.record(AuditAction.REKEY, target="book",
                             slots=sorted(passphrases or {}))
        return rekeyed


def _rekey_held(book: Book, passphrases: dict[str, str] | None) -> Book:
    profile = book.profile
    m = profile.manifest()
    passphrases = passphrases or {}
    for p in passphrases.values():
        keywrap.check_passphrase_strength(p)
    if m.key_source == "passphrase" and "passphrase" not in passphrases:
        raise WrongKeyError("a passphrase for the new key is needed")
    new_key = keys.new_book_key()

    fsutil.ensure_private_dir(profile.staging_dir)
    target = profile.staging_dir / "rekey.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            (profile.staging_dir / f"rekey.db{suffix}").unlink()
    fsutil.open_private(target, "xb").close()

    # 1. export under the new key
    book.db.checkpoint()
    src = book.db.raw_connection()
    try:
        expected = table_counts(src)
        src.execute("ATTACH DATABASE ? AS rekeyed KEY ?", (str(target), f"x'{new_key.hex()}'"))
        src.execute("PRAGMA rekeyed.cipher_compatibility = 4")
        src.execute("SELECT sqlcipher_export('rekeyed')")
        src.execute("DETACH DATABASE rekeyed")
    finally:
        src.close()

    # 2. verify
    check = connect_raw(target, new_key)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DamagedBookError("rekeyed copy failed its integrity check")
        if table_counts(check) != expected:
            raise DamagedBookError("rekeyed copy differs from the book")
        check.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        check.close()

    # 3. the new key, pending
    if passphrases:
        keywrap.KeyFile(version=1, book_id=m.book_id, slots=[
            keywrap.wrap_key(new_key, p, label=label, book_id=m.book_id)
            for label, p in passphrases.items()]).save(profile.pending_keyfile_path)
    if m.key_source == "keyring":
        keys.keyring_set(m.book_id, new_key, pending=True)

    # 4. swap
    book.close()
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            (profile.root / f"book.db{suffix}").unlink()
    target.replace(profile.db_path)
    fsutil.fsync_dir(profile.root)
    shutil.rmtree(profile.staging_dir, ignore_errors=True)

    # 5. promote
    _promote(profile, m, new_key)
    log.info("book rekeyed")
    return profile._open_with_key(profile.manifest(), new_key)


def _promote(profile: Profile, m: Manifest, new_key: bytes) -> None:
    if m.key_source == "keyring":
        keys.keyring_set(m.book_id, new_key)
    m.key_check = keys.key_check(new_key, m.book_id)
    # The manifest first: until book.key.next is renamed, its slots still open the book.
    profile.save_manifest(m)
    if profile.pending_keyfile_path.exists():
        profile.pending_keyfile_path.replace(profile.keyfile_path)
    else:  # the old slots wrap the old key, which opens nothing now
        with contextlib.suppress(FileNotFoundError):
            profile.keyfile_path.unlink()
    fsutil.fsync_dir(profile.root)
    if m.key_source == "keyring":
        with contextlib.suppress(NoKeyringError):
            keys.keyring_delete(m.book_id, pending=True)


def finish_interrupted(profile: Profile, m: Manifest, passphrase: str | None) -> None:
    """Complete or discard a rekey that a crash interrupted (see the module docstring)."""
    has_file = profile.pending_keyfile_path.exists()
    pending_key: bytes | None = None
    if m.key_source == "keyring":
        with contextlib.suppress(NoKeyringError):
            pending_key = keys.keyring_get(m.book_id, pending=True)
    if pending_key is None and has_file and passphrase is not None:
        with contextlib.suppress(WrongKeyError):
            pending_key, _ = keywrap.unwrap_any(
                profile.keyfile(m.book_id, profile.pending_keyfile_path), passphrase)
    if pending_key is None and not has_file:
        return
    if pending_key is not None:
        try:
            connect_raw(profile.db_path, pending_key, readonly=True).close()
            opens = True
        except (WrongKeyError, DamagedBookError):
            opens = False
        if opens:
            log.warning("finishing a rekey that was interrupted after the swap")
            _promote(profile, m, pending_key)
            return
    if pending_key is not None or passphrase is not None or m.key_source == "keyring":
        # The swap never happened: the old key still opens the book; forget the new one.
        log.warning("discarding a rekey that was interrupted before the swap")
        with contextlib.suppress(FileNotFoundError):
            profile.pending_keyfile_path.unlink()
        if m.key_source == "keyring":
            with contextlib.suppress(NoKeyringError):
                keys.keyring_delete(m.book_id, pending=True)
        shutil.rmtree(profile.staging_dir, ignore_errors=True)
