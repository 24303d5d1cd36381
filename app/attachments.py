"""Attachments: contracts, IDs and photos kept with a customer, encrypted at rest.

Each file is encrypted in chunks with its own random key (:mod:`app.crypto.stream`); the
key lives in the book, the ciphertext in ``attachments/`` under a random name. Opening a
preview decrypts into memory only; saving a copy decrypts to a temporary file next to the
destination and renames it only when every chunk proved authentic. Opening and saving are
audited.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import logging
import mimetypes
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import fsutil
from app.audit import AuditAction, AuditService
from app.crypto import stream
from app.errors import DiskFullError, NotFoundError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP
from app.store.models import Attachment, Customer, utcnow
from app.values import parse_date

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.attachments")
_CTX = "attachments"
#: A file of 0 bytes (a download that failed, a file being written): nothing to keep.
EMPTY_FILE = QT_TRANSLATE_NOOP(_CTX, "This file is empty (0 bytes): there is nothing to "
                                     "attach.")
EMPTY_FILE_ADVICE = QT_TRANSLATE_NOOP(
    _CTX, "Check the file opens on this computer, then attach it again.")
#: Previews are decrypted into memory; larger files are only saved elsewhere.
PREVIEW_LIMIT = 200 * 1024 * 1024


class AttachmentKind(StrEnum):
    CONTRACT = "contract"
    ID = "id"
    PHOTO = "photo"
    OTHER = "other"


KIND_LABELS = {
    AttachmentKind.CONTRACT: QT_TRANSLATE_NOOP(_CTX, "Contract"),
    AttachmentKind.ID: QT_TRANSLATE_NOOP(_CTX, "ID document"),
    AttachmentKind.PHOTO: QT_TRANSLATE_NOOP(_CTX, "Photo"),
    AttachmentKind.OTHER: QT_TRANSLATE_NOOP(_CTX, "Other"),
}

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_mime(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(16)
    return sniff_mime_bytes(head, path.name)


def sniff_mime_bytes(head: bytes, file_name: str = "") -> str:
    """The type from a file's first bytes, else from its name."""
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return mimetypes.guess_type(file_name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class StoredBlob:
    """A ciphertext written into the attachments folder, not yet recorded in the book."""

    blob_name: str
    key: bytes
    size: int
    sha256: str


def guess_kind(mime: str) -> AttachmentKind:
    if mime.startswith("image/"):
        return AttachmentKind.PHOTO
    if mime == "application/pdf":
        return AttachmentKind.CONTRACT
    return AttachmentKind.OTHER


class AttachmentService:
    def __init__(self, book: Book) -> None:
        self._book = book

    @property
    def folder(self) -> Path:
        return self._book.profile.attachments_dir

    def blob_path(self, blob_name: str) -> Path:
        return self.folder / blob_name

    def add(self, customer_id: int, source: Path, *, kind: AttachmentKind | str | None = None,
            date_label: str = "", labelled_date: dt.date | str | None = None, note: str = "",
            field_id: int | None = None, file_name: str | None = None,
            progress: Callable[[int], None] | None = None,
            cancel: Callable[[], bool] | None = None) -> int:
        """Encrypt ``source`` into the profile and attach it to the customer."""
        source = Path(source)
        if not source.is_file():
            raise ValidationError(source.name, message=QT_TRANSLATE_NOOP(
                _CTX, "This is not a file that can be attached."))
        if source.stat().st_size == 0:
            raise ValidationError(source.name, message=EMPTY_FILE, advice=EMPTY_FILE_ADVICE)
        mime = sniff_mime(source)
        kind = AttachmentKind(kind) if kind else guess_kind(mime)
        when = parse_date(labelled_date)
        with self._book.db.read() as s:
            if s.get(Customer, customer_id) is None:
                raise NotFoundError(f"customer {customer_id}")
        fsutil.ensure_private_dir(self.folder)
        key = stream.new_key()
        blob_name = secrets.token_hex(16) + ".otk"
        info = stream.encrypt_file(source, self.blob_path(blob_name), key,
                                   progress=progress, cancel=cancel)
        try:
            with self._book.db.write() as s:
                att = Attachment(customer_id=customer_id, field_id=field_id, kind=kind.value,
                                 file_name=file_name or source.name, mime_type=mime,
                                 size=info.size, sha256=info.sha256, added_at=utcnow(),
                                 date_label=date_label, labelled_date=when, note=note,
                                 blob_name=blob_name, file_key=key)
                s.add(att)
                s.flush()
                att_id = att.id
                AuditService.timeline_add(s, customer_id, "attachment_added",
                                          attachment=att_id, attachment_kind=kind.value)
                s.execute(text("UPDATE customer SET updated_at = :at WHERE id = :c"),
                          {"at": utcnow(), "c": customer_id})
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                self.blob_path(blob_name).unlink()
            raise
        log.info("attachment %d added (%d bytes)", att_id, info.size)
        self._book.announce("attachments", [att_id])
        self._book.announce("customers", [customer_id])
        return att_id

    def add_bytes(self, customer_id: int, data: bytes, *, file_name: str,
                  mime_type: str | None = None, kind: AttachmentKind | str | None = None,
                  date_label: str = "", labelled_date: dt.date | str | None = None,
                  note: str = "", field_id: int | None = None) -> int:
        """Encrypt ``data`` (held in memory) into the profile and attach it to the customer.

        For content that never was a file here (a photo downloaded from LINE): no
        plaintext is written to disk, not even to a temporary file.
        """
        return self.add_stream(customer_id, io.BytesIO(data), file_name=file_name,
                               mime_type=mime_type or sniff_mime_bytes(data[:16], file_name),
                               kind=kind, date_label=date_label, labelled_date=labelled_date,
                               note=note, field_id=field_id)

    def add_stream(self, customer_id: int, source: BinaryIO, *, file_name: str,
                   mime_type: str = "application/octet-stream",
                   kind: AttachmentKind | str | None = None, date_label: str = "",
                   labelled_date: dt.date | str | None = None, note: str = "",
                   field_id: int | None = None,
                   progress: Callable[[int], None] | None = None,
                   cancel: Callable[[], bool] | None = None) -> int:
        """Encrypt everything readable from ``source`` (a blocking binary stream) and attach it.

        The plaintext goes straight from ``source`` through the cipher into the attachments
        folder; only ciphertext touches the disk.
        """
        kind = AttachmentKind(kind) if kind else guess_kind(mime_type)
        when = parse_date(labelled_date)
        with self._book.db.read() as s:
            if s.get(Customer, customer_id) is None:
                raise NotFoundError(f"customer {customer_id}")
        blob = self.store_stream(source, progress=progress, cancel=cancel)
        try:
            with self._book.db.write() as s:
                att_id = self.insert_in(s, customer_id, blob, file_name=file_name,
                                        mime_type=mime_type, kind=kind, date_label=date_label,
                                        labelled_date=when, note=note, field_id=field_id)
        except BaseException:
            self.remove_blobs([blob.blob_name])
            raise
        log.info("attachment %d added (%d bytes)", att_id, blob.size)
        self._book.announce("attachments", [att_id])
        self._book.announce("customers", [customer_id])
        return att_id

    def store_stream(self, source: BinaryIO, *,
                     progress: Callable[[int], None] | None = None,
                     cancel: Callable[[], bool] | None = None) -> StoredBlob:
        """Encrypt ``source`` into a new ciphertext file; record it with :meth:`insert_in`.

        The two halves let a caller (the LINE sync) write the ciphertext first and record
        it inside its own write transaction. The file is written atomically (a partial one
        never appears under its name); if the caller's transaction fails it must remove the
        file with :meth:`remove_blobs` (:meth:`remove_orphans` is the safety net).
        """
        fsutil.ensure_private_dir(self.folder)
        key = stream.new_key()
        blob_name = secrets.token_hex(16) + ".otk"
        try:
            with fsutil.atomic_write(self.blob_path(blob_name)) as dst:
                info = stream.encrypt_stream(source, dst, key, progress=progress,
                                             cancel=cancel)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFullError() from exc
            raise
        return StoredBlob(blob_name=blob_name, key=key, size=info.size, sha256=info.sha256)

    @staticmethod
    def insert_in(s: Session, customer_id: int, blob: StoredBlob, *, file_name: str,
                  mime_type: str, kind: AttachmentKind | str | None = None,
                  date_label: str = "", labelled_date: dt.date | None = None, note: str = "",
                  field_id: int | None = None, timeline: bool = True) -> int:
        """Record ``blob`` as an attachment inside the caller's write transaction."""
        kind = AttachmentKind(kind) if kind else guess_kind(mime_type)
        att = Attachment(customer_id=customer_id, field_id=field_id, kind=kind.value,
                         file_name=file_name, mime_type=mime_type, size=blob.size,
                         sha256=blob.sha256, added_at=utcnow(), date_label=date_label,
                         labelled_date=labelled_date, note=note, blob_name=blob.blob_name,
                         file_key=blob.key)
        s.add(att)
        s.flush()
        if timeline:
            AuditService.timeline_add(s, customer_id, "attachment_added",
                                      attachment=att.id, attachment_kind=kind.value)
            s.execute(text("UPDATE customer SET updated_at = :at WHERE id = :c"),
                      {"at": utcnow(), "c": customer_id})
        return att.id

    def list(self, customer_id: int) -> list[Attachment]:
        with self._book.db.read() as s:
            rows = list(s.scalars(select(Attachment).where(Attachment.customer_id == customer_id)
                                  .order_by(Attachment.added_at.desc(), Attachment.id.desc())))
            for r in rows:
                s.expunge(r)
            return rows

    def get(self, attachment_id: int) -> Attachment:
        with self._book.db.read() as s:
            att = s.get(Attachment, attachment_id)
            if att is None:
                raise NotFoundError(f"attachment {attachment_id}")
            s.expunge(att)
            return att

    def update(self, attachment_id: int, *, kind: str | None = None,
               date_label: str | None = None, labelled_date: object = ...,
               note: str | None = None) -> None:
        with self._book.db.write() as s:
            att = s.get(Attachment, attachment_id)
            if att is None:
                raise NotFoundError(f"attachment {attachment_id}")
            if kind is not None:
                att.kind = AttachmentKind(kind).value
            if date_label is not None:
                att.date_label = date_label
            if labelled_date is not ...:
                att.labelled_date = parse_date(labelled_date)
            if note is not None:
                att.note = note
        self._book.announce("attachments", [attachment_id])

    def read_bytes(self, attachment_id: int, *, audit: bool = True) -> bytes:
        """The plaintext, in memory only (for previews). Verified before it is returned."""
        att = self.get(attachment_id)
        if att.size > PREVIEW_LIMIT:
            raise ValidationError(att.file_name, message=QT_TRANSLATE_NOOP(
                _CTX, "This file is too large to preview. Save a copy to open it."))
        data = stream.decrypt_to_bytes(self.blob_path(att.blob_name), att.file_key,
                                       max_size=PREVIEW_LIMIT)
        if audit:
            self._book.audit.record(AuditAction.ATTACHMENT_OPENED, target=f"attachment:{att.id}")
        return data

    def iter_plaintext(self, attachment_id: int) -> Iterator[bytes]:
        att = self.get(attachment_id)
        return stream.iter_plaintext(self.blob_path(att.blob_name), att.file_key)

    def save_copy(self, attachment_id: int, destination: Path, *,
                  progress: Callable[[int], None] | None = None,
                  cancel: Callable[[], bool] | None = None) -> Path:
        """Decrypt to ``destination`` (a place the owner chose), audited.

        The plaintext goes to a temporary file beside the destination, renamed over it only
        after the last chunk proved authentic; on any error nothing is left behind.
        """
        att = self.get(attachment_id)
        destination = Path(destination)
        tmp = fsutil.temp_sibling(destination)
        try:
            with open(self.blob_path(att.blob_name), "rb") as src, fsutil.open_private(
                    tmp, "xb") as dst:
                stream.decrypt_stream(src, dst, att.file_key, progress=progress, cancel=cancel)
            tmp.replace(destination)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        self._book.audit.record(AuditAction.ATTACHMENT_SAVED, target=f"attachment:{att.id}")
        return destination

    def verify(self, attachment_id: int) -> None:
        """Decrypt and check the content's SHA-256; raises if damaged."""
        att = self.get(attachment_id)
        with open(self.blob_path(att.blob_name), "rb") as src:
            info = stream.decrypt_stream(src, _NullSink(), att.file_key)
        if info.sha256 != att.sha256:
            from app.errors import AttachmentDamagedError

            raise AttachmentDamagedError(f"attachment {att.id}")

    def delete(self, attachment_id: int) -> None:
        with self._book.db.write() as s:
            att = s.get(Attachment, attachment_id)
            if att is None:
                raise NotFoundError(f"attachment {attachment_id}")
            blob, cid = att.blob_name, att.customer_id
            s.delete(att)
            AuditService.add(s, AuditAction.ATTACHMENT_DELETED,
                             target=f"attachment:{attachment_id}")
            AuditService.timeline_add(s, cid, "attachment_deleted", attachment=attachment_id)
        self.remove_blobs([blob])
        self._book.announce("attachments", [attachment_id])
        self._book.announce("customers", [cid])

    def remove_blobs(self, blob_names: Iterable[str]) -> None:
        for name in blob_names:
            with contextlib.suppress(FileNotFoundError):
                self.blob_path(name).unlink()

    def remove_orphans(self, older_than_s: float = 3600) -> int:
        """Delete ciphertexts no attachment refers to (left by a crash mid-add)."""
        if not self.folder.exists():
            return 0
        from app.automation.images import blob_names

        with self._book.db.read() as s:
            # A rule's photos are ciphertexts here too (app/automation/images.py).
            known = set(s.scalars(select(Attachment.blob_name))) | blob_names(s)
        removed = 0
        cutoff = time.time() - older_than_s
        for path in self.folder.iterdir():
            if path.name not in known and path.stat().st_mtime < cutoff:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        if removed:
            log.info("removed %d orphaned attachment files", removed)
        return removed


class _NullSink:
    def write(self, data: memoryview, /) -> int:
        return len(data)
