"""Backups: one encrypted file holding the book and its attachments.

File layout::

    b"OTKB" | version (1 byte) | header length (u32, big-endian) | header (JSON)
    | payload: a tar archive (book.db snapshot + attachments/*) encrypted with
      app.crypto.stream under a key derived from the book key

The header is readable without a key: book id, time, counts, the key check, and the book's
passphrase slots (which are themselves Argon2id-protected), so the recovery passphrase
opens the backup on another computer. The payload key is
HKDF-SHA256(book key, salt, info = "otokui backup v1" + SHA-256(header)), which binds the
header: change one byte of it and the payload no longer decrypts.

Everything inside the payload is encrypted twice over (the snapshot is a SQLCipher file
under the book key; attachments are their own ciphertexts), so the temporary tar written
in the profile's staging folder holds no plaintext either.

Restore verifies the whole file first (every chunk, the database's integrity check, every
attachment's SHA-256) and only then swaps it in; the replaced book is kept in
``before-restore/`` until the next restore.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import re
import shutil
import struct
import tarfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app import __version__, fsutil, keys, profile_lock
from app.crypto import keywrap, stream
from app.errors import (
    AttachmentDamagedError,
    BackupError,
    CancelledError,
    PassphraseRequiredError,
    WrongKeyError,
)
from app.store.db import connect_raw

if TYPE_CHECKING:
    from app.book import Book
    from app.profile import Profile

log = logging.getLogger("otokui.backup")

MAGIC = b"OTKB"
VERSION = 1
_PREFIX = struct.Struct(">4sBI")
MAX_HEADER = 1 << 20
_BLOB_NAME = re.compile(r"^[0-9a-f]{32}\.otk$")

Progress = Callable[[int, int], None] | None
Cancel = Callable[[], bool] | None


@dataclass
class BackupHeader:
    book_id: str
    created_at: str
    key_check: str
    salt: str
    customers: int = 0
    attachments: int = 0
    app_version: str = __version__
    slots: list[dict[str, Any]] = field(default_factory=list)
    format: int = VERSION

    @property
    def has_passphrase(self) -> bool:
        return bool(self.slots)

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> BackupHeader:
        try:
            data = json.loads(raw)
            return cls(**{k: data[k] for k in (
                "book_id", "created_at", "key_check", "salt", "customers", "attachments",
                "app_version", "slots", "format")})
        except (ValueError, KeyError, TypeError):
            raise BackupError("header") from None


def _payload_key(book_key: bytes, header_bytes: bytes, salt: bytes) -> bytes:
    info = b"otokui backup v1" + hashlib.sha256(header_bytes).digest()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(book_key)


def _check_cancel(cancel: Cancel) -> None:
    if cancel is not None and cancel():
        raise CancelledError()


def create_backup(book: Book, destination: Path, *, progress: Progress = None,
                  cancel: Cancel = None) -> BackupHeader:
    """Write a backup of ``book`` to ``destination`` (atomically)."""
    import secrets

    from sqlalchemy import select

    from app.audit import AuditAction
    from app.store.models import Attachment

    profile = book.profile
    manifest = profile.manifest()
    staging = fsutil.ensure_private_dir(profile.staging_dir / f"backup-{secrets.token_hex(4)}")
    try:
        snapshot = staging / "book.db"
        fsutil.open_private(snapshot, "xb").close()
        src = book.db.raw_connection()
        try:
            dst = connect_raw(snapshot, book.db._key)
            try:
                src.backup(dst)  # SQLite's online backup: a consistent copy while in use
                dst.execute("PRAGMA journal_mode = DELETE")
                customers = dst.execute("SELECT count(*) FROM customer").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        from app.automation.images import blob_names

        with book.db.read() as s:
            blobs = list(s.scalars(select(Attachment.blob_name)))
            attachments = len(blobs)
            # Rules' photos are ciphertexts in the same folder (app/automation/images.py).
            blobs += sorted(blob_names(s))
        _check_cancel(cancel)

        tar_path = staging / "payload.tar"
        total = snapshot.stat().st_size + sum(
            (profile.attachments_dir / b).stat().st_size for b in blobs
            if (profile.attachments_dir / b).exists())
        done = 0
        with fsutil.open_private(tar_path, "xb") as raw, tarfile.open(
                fileobj=raw, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            tar.add(snapshot, arcname="book.db")
            done += snapshot.stat().st_size
            for name in blobs:
                path = profile.attachments_dir / name
                if not path.exists():
                    log.warning("attachment file missing at backup time")
                    continue
                tar.add(path, arcname=f"attachments/{name}")
                done += path.stat().st_size
                if progress:
                    progress(done, total * 2)
                _check_cancel(cancel)

        salt = secrets.token_bytes(16)
        kf = profile.keyfile(manifest.book_id)
        header = BackupHeader(
            book_id=manifest.book_id,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            key_check=manifest.key_check, salt=salt.hex(), customers=customers,
            attachments=attachments, slots=[s.to_json() for s in kf.slots])
        header_bytes = header.to_bytes()
        key = _payload_key(book.db._key, header_bytes, salt)
        destination = Path(destination)
        with fsutil.atomic_write(destination) as out, open(tar_path, "rb") as tar_in:
            out.write(_PREFIX.pack(MAGIC, VERSION, len(header_bytes)))
            out.write(header_bytes)
            stream.encrypt_stream(
                tar_in, out, key, cancel=cancel,
                progress=(lambda n: progress(total + n, total * 2)) if progress else None)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    book.audit.record(AuditAction.BACKUP, target="backup", count=customers)
    log.info("backup written (%d customers, %d attachments)", customers, attachments)
    return header


def read_header(path: Path) -> tuple[BackupHeader, bytes, int]:
    """The header, its exact bytes, and the payload's offset."""
    try:
        with open(path, "rb") as f:
            prefix = f.read(_PREFIX.size)
            if len(prefix) != _PREFIX.size:
                raise BackupError("too short")
            magic, version, length = _PREFIX.unpack(prefix)
            if magic != MAGIC or version != VERSION or length > MAX_HEADER:
                raise BackupError("not an Otokui backup")
            header_bytes = f.read(length)
            if len(header_bytes) != length:
                raise BackupError("too short")
    except OSError as exc:
        raise BackupError(type(exc).__name__) from None
    return BackupHeader.from_bytes(header_bytes), header_bytes, _PREFIX.size + length


def inspect_backup(path: Path) -> BackupHeader:
    return read_header(Path(path))[0]


def _book_key_for(profile: Profile, header: BackupHeader, passphrase: str | None) -> bytes:
    if passphrase is not None:
        if not header.slots:
            raise WrongKeyError("this backup has no passphrase")
        slots = [keywrap.KeySlot.from_json(s) for s in header.slots]
        key, _ = keywrap.unwrap_any(
            keywrap.KeyFile(version=1, book_id=header.book_id, slots=slots), passphrase)
    else:
        found: bytes | None = None
        if profile.exists() and profile.manifest().book_id == header.book_id:
            with contextlib.suppress(Exception):
                found = profile.unlock_key()
        if found is None:
            found = keys.keyring_get(header.book_id) if keys.keyring_backend() else None
        if found is None:
            raise PassphraseRequiredError()
        key = found
    if keys.key_check(key, header.book_id) != header.key_check:
        raise WrongKeyError()
    return key


def restore_backup(profile: Profile, source: Path, *, passphrase: str | None = None,
                   progress: Progress = None, cancel: Cancel = None) -> None:
    """Replace the profile's book with the backup in ``source``, verified first.

    The profile is held exclusively throughout (:func:`app.profile_lock.exclusive`): no
    other process, and no other book of this one, may have the book open, or it would go on
    writing into the copy set aside. The restore is recorded in the restored book's audit
    log.
    """
    with profile_lock.exclusive(profile.root):
        header, book_key = _restore_held(profile, Path(source), passphrase, progress, cancel)
        _record_restore(profile, header, book_key)


def _restore_held(profile: Profile, source: Path, passphrase: str | None,
                  progress: Progress, cancel: Cancel) -> tuple[BackupHeader, bytes]:
    import secrets

    header, header_bytes, offset = read_header(source)
    book_key = _book_key_for(profile, header, passphrase)
    key = _payload_key(book_key, header_bytes, bytes.fromhex(header.salt))

    fsutil.ensure_private_dir(profile.root)
    staging = fsutil.ensure_private_dir(profile.staging_dir / f"restore-{secrets.token_hex(4)}")
    try:
        tar_path = staging / "payload.tar"
        size = source.stat().st_size
        with open(source, "rb") as src, fsutil.open_private(tar_path, "xb") as out:
            src.seek(offset)
            try:
                stream.decrypt_stream(src, out, key, cancel=cancel, progress=(
                    lambda n: progress(n, size)) if progress else None)
            except AttachmentDamagedError as exc:
                # The stream's own words are about attachments; here it is the backup file
                # that is cut short or changed.
                raise BackupError(f"payload: {exc.code}") from None
        unpacked = fsutil.ensure_private_dir(staging / "book")
        fsutil.ensure_private_dir(unpacked / "attachments")
        with tarfile.open(tar_path, mode="r:") as tar:
            for member in tar:
                _check_cancel(cancel)
                name = member.name
                ok = name == "book.db" or (
                    name.startswith("attachments/") and _BLOB_NAME.match(name[12:]))
                if not ok or not member.isfile():
                    raise BackupError("unexpected entry")
                extracted = tar.extractfile(member)
                if extracted is None:
                    raise BackupError("unreadable entry")
                with fsutil.open_private(unpacked / name, "xb") as out:
                    shutil.copyfileobj(extracted, out, 1 << 20)
        tar_path.unlink()
        _verify_unpacked(unpacked, book_key, header)
        _swap_in(profile, unpacked, header, book_key)
    except tarfile.TarError:
        raise BackupError("archive") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("backup restored (%d customers)", header.customers)
    return header, book_key


def _record_restore(profile: Profile, header: BackupHeader, book_key: bytes) -> None:
    """Write the restore into the audit log of the book now in place."""
    from app.audit import AuditAction

    try:
        with profile._open_with_key(profile.manifest(), book_key) as book:
            book.audit.record(AuditAction.RESTORE, target="backup", count=header.customers,
                              backup_created_at=header.created_at,
                              attachments=header.attachments)
    except Exception as exc:
        # The book is restored and opens; only its audit entry is missing. Say so in the
        # log rather than report a restore that worked as failed.
        log.error("backup restored, but its audit entry was not written (%s)",
                  type(exc).__name__)


def _verify_unpacked(unpacked: Path, book_key: bytes, header: BackupHeader) -> None:
    db = unpacked / "book.db"
    if not db.exists():
        raise BackupError("no book in the backup")
    conn = connect_raw(db, book_key)
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the book in the backup is damaged")
        rows = conn.execute("SELECT blob_name, file_key, sha256 FROM attachment").fetchall()
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'rule_image'").fetchone():
            # A rule's photos (books from before them have no such table).
            rows += conn.execute("SELECT blob_name, file_key, sha256 FROM rule_image"
                                 ).fetchall()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    for blob, file_key, sha in rows:
        path = unpacked / "attachments" / blob
        if not path.exists():
            raise BackupError("an attachment is missing from the backup")
        with open(path, "rb") as f:
            try:
                info = stream.decrypt_stream(f, _Null(), file_key)
            except AttachmentDamagedError:
                raise BackupError("an attachment in the backup is damaged") from None
        if info.sha256 != sha:
            raise BackupError("an attachment in the backup is damaged")


def _swap_in(profile: Profile, unpacked: Path, header: BackupHeader, book_key: bytes) -> None:
    from app.profile import Manifest

    old_source = profile.manifest().key_source if profile.exists() else None
    slots = [keywrap.KeySlot.from_json(s) for s in header.slots]
    backend = keys.keyring_backend()
    use_keyring = backend is not None and (old_source in (None, "keyring") or not slots)
    if not use_keyring and not slots:
        raise BackupError("no way to keep the key on this computer")
    if use_keyring:
        keys.keyring_set(header.book_id, book_key)

    previous = profile.root / "before-restore"
    shutil.rmtree(previous, ignore_errors=True)
    fsutil.ensure_private_dir(previous)
    # Move the current book aside; manifest first, so a crash from here on leaves a
    # profile that says "no book" rather than a mix of two books.
    for name in ("otokui.json", "book.db", "book.db-wal", "book.db-shm", "book.key",
                 "attachments"):
        path = profile.root / name
        if path.exists():
            path.replace(previous / name)
    (unpacked / "attachments").replace(profile.attachments_dir)
    (unpacked / "book.db").replace(profile.db_path)
    profile.save_keyfile(keywrap.KeyFile(version=1, book_id=header.book_id, slots=slots))
    profile.save_manifest(Manifest(
        book_id=header.book_id, key_source="keyring" if use_keyring else "passphrase",
        key_check=header.key_check, keyring_backend=backend if use_keyring else None,
        created_at=header.created_at))
    fsutil.fsync_dir(profile.root)


class _Null:
    def write(self, data: memoryview, /) -> int:
        return len(data)
