"""The media tables: uploaded images, kept in the relay's database and served by token.

The database rather than a folder beside it: several relay instances may share one
PostgreSQL database and no disk, a container's disk may not persist, and a SQLite relay
keeps everything in one file to back up or move. Images are stored in pieces
(:data:`relay.media.CHUNK_BYTES`) so serving one reads a piece at a time.

Writes lock the uploading device's row first (``SELECT ... FOR UPDATE`` on PostgreSQL;
SQLite's ``BEGIN IMMEDIATE`` already serializes every write), so two uploads from one
device, even through two relay instances, cannot both pass the quota check, and an upload
racing a revocation is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select

from relay.media import (
    CHUNK_BYTES,
    MAX_PREVIEW_BYTES,
    hash_url_token,
    new_media_id,
    new_url_token,
    split_chunks,
)
from relay.schema import devices, media, media_chunks
from relay.store import Store

DAY_MS = 24 * 60 * 60 * 1000
ORIGINAL = "original"
PREVIEW = "preview"


class DeviceGone(Exception):
    """The device was revoked after it authenticated; nothing was stored."""


class QuotaExceeded(Exception):
    """Storing this image would take the device past RELAY_MEDIA_MAX_MB."""

    def __init__(self, used: int, quota: int) -> None:
        super().__init__(f"{used} of {quota} bytes in use")
        self.used = used
        self.quota = quota


class NoSuchMedia(Exception):
    """No live image of this device has that id (never existed, deleted or expired)."""


class PreviewExists(Exception):
    """The image already has a separate preview; its URL may already be in a message."""


@dataclass(frozen=True)
class StoredImage:
    media_id: str
    token: str                  # the URL token, known only now: just its hash is stored
    preview_token: str | None   # the token serving the preview, None until one is uploaded
    expires_at: int


@dataclass(frozen=True)
class StoredPreview:
    media_id: str
    token: str
    expires_at: int


@dataclass(frozen=True)
class ServedFile:
    content_type: str
    size: int
    chunks: int
    expires_at: int


@dataclass(frozen=True)
class MediaPurgeCounts:
    images: int  # originals
    files: int   # originals and separate previews
    bytes: int


class MediaStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add_original(self, device_id: str, content_type: str, data: bytes | list[bytes],
                     now_ms: int, *, days: int, quota_bytes: int) -> StoredImage:
        """Store an uploaded original (its bytes, or already in CHUNK_BYTES pieces). An
        original small enough for LINE's preview limit serves as its own preview (same
        URL); a larger one has none until the device uploads it with :meth:`add_preview`."""
        data = _pieces(data)
        media_id, token = new_media_id(), new_url_token()
        expires_at = now_ms + days * DAY_MS
        with self._store.write_transaction() as conn:
            self._lock_live_device(conn, device_id)
            self._check_quota(conn, device_id, _size(data), now_ms, quota_bytes)
            self._insert(conn, token, media_id, ORIGINAL, device_id, content_type, data,
                         now_ms, expires_at)
        preview = token if _size(data) <= MAX_PREVIEW_BYTES else None
        return StoredImage(media_id, token, preview, expires_at)

    def add_preview(self, device_id: str, media_id: str, content_type: str,
                    data: bytes | list[bytes], now_ms: int, *,
                    quota_bytes: int) -> StoredPreview:
        """Store the separate preview of one of the device's live originals, at a URL of its
        own, expiring with the original. Once only: a preview URL may already have gone out
        in a message, so it is never replaced."""
        token = new_url_token()
        data = _pieces(data)
        with self._store.write_transaction() as conn:
            self._lock_live_device(conn, device_id)
            rows = conn.execute(select(media.c.kind, media.c.expires_at).where(
                media.c.media_id == media_id, media.c.device_id == device_id,
                media.c.expires_at > now_ms)).all()
            kinds = {row.kind: row.expires_at for row in rows}
            if ORIGINAL not in kinds:
                raise NoSuchMedia
            if PREVIEW in kinds:
                raise PreviewExists
            self._check_quota(conn, device_id, _size(data), now_ms, quota_bytes)
            expires_at = kinds[ORIGINAL]
            self._insert(conn, token, media_id, PREVIEW, device_id, content_type, data,
                         now_ms, expires_at)
        return StoredPreview(media_id, token, expires_at)

    def find(self, token_hash: bytes, now_ms: int) -> ServedFile | None:
        """The live file behind a URL token's hash, or None (unknown or expired)."""
        with self._store.read_transaction() as conn:
            row = conn.execute(select(media.c.content_type, media.c.size, media.c.chunks,
                                      media.c.expires_at).where(
                media.c.token_hash == token_hash, media.c.expires_at > now_ms)).first()
        if row is None:
            return None
        return ServedFile(row.content_type, row.size, row.chunks, row.expires_at)

    def chunk(self, token_hash: bytes, n: int) -> bytes | None:
        """Piece ``n`` of a file; None when the file was deleted meanwhile."""
        with self._store.read_transaction() as conn:
            data = conn.execute(select(media_chunks.c.data).where(
                media_chunks.c.token_hash == token_hash, media_chunks.c.n == n)).scalar()
        return None if data is None else bytes(data)

    def delete(self, device_id: str, media_id: str) -> bool:
        """Remove one of the device's images (original and preview) now; False if none."""
        with self._store.write_transaction() as conn:
            hashes = select(media.c.token_hash).where(media.c.media_id == media_id,
                                                      media.c.device_id == device_id)
            conn.execute(delete(media_chunks).where(media_chunks.c.token_hash.in_(hashes)))
            removed = conn.execute(delete(media).where(
                media.c.media_id == media_id, media.c.device_id == device_id)).rowcount
        return removed > 0

    def usage(self, device_id: str, now_ms: int) -> int:
        """Bytes of live images the device has stored (what the quota counts)."""
        with self._store.read_transaction() as conn:
            return self._used(conn, device_id, now_ms)

    def purge(self, now_ms: int) -> MediaPurgeCounts:
        """Delete every image past its expiry, with its preview."""
        with self._store.write_transaction() as conn:
            expired = media.c.expires_at <= now_ms
            images, files, size = conn.execute(select(
                func.count(media.c.token_hash).filter(media.c.kind == ORIGINAL),
                func.count(media.c.token_hash),
                func.coalesce(func.sum(media.c.size), 0)).where(expired)).one()
            if files:
                conn.execute(delete(media_chunks).where(
                    media_chunks.c.token_hash.in_(select(media.c.token_hash).where(expired))))
                conn.execute(delete(media).where(expired))
        return MediaPurgeCounts(images=images, files=files, bytes=int(size))

    # --- inside a write transaction ------------------------------------------------------

    @staticmethod
    def _lock_live_device(conn: Connection, device_id: str) -> None:
        row = conn.execute(select(devices.c.id).where(
            devices.c.id == device_id, devices.c.revoked_at.is_(None))
            .with_for_update()).first()
        if row is None:
            raise DeviceGone

    def _check_quota(self, conn: Connection, device_id: str, adding: int, now_ms: int,
                     quota_bytes: int) -> None:
        used = self._used(conn, device_id, now_ms)
        if used + adding > quota_bytes:
            raise QuotaExceeded(used, quota_bytes)

    @staticmethod
    def _used(conn: Connection, device_id: str, now_ms: int) -> int:
        # Expired images no longer count, even before the hourly purge removes them.
        return int(conn.execute(select(func.coalesce(func.sum(media.c.size), 0)).where(
            media.c.device_id == device_id, media.c.expires_at > now_ms)).scalar_one())

    @staticmethod
    def _insert(conn: Connection, token: str, media_id: str, kind: str, device_id: str,
                content_type: str, pieces: list[bytes], now_ms: int,
                expires_at: int) -> None:
        token_hash = hash_url_token(token)
        assert token_hash is not None  # our own tokens always have the right form
        conn.execute(insert(media).values(
            token_hash=token_hash, media_id=media_id, kind=kind, device_id=device_id,
            content_type=content_type, size=_size(pieces), chunks=len(pieces),
            created_at=now_ms, expires_at=expires_at))
        conn.execute(insert(media_chunks), [{"token_hash": token_hash, "n": n, "data": piece}
                                            for n, piece in enumerate(pieces)])


def _pieces(data: bytes | list[bytes]) -> list[bytes]:
    """Bytes split into the stored pieces; a list is taken as already split (the HTTP
    layer reads uploads that way, so a 10 MB image is never held twice)."""
    if isinstance(data, bytes):
        return split_chunks(data)
    if any(len(piece) != CHUNK_BYTES for piece in data[:-1]) or \
            (data and not 0 < len(data[-1]) <= CHUNK_BYTES):
        raise ValueError("pieces must be CHUNK_BYTES long, the last one at most that")
    return data


def _size(pieces: list[bytes]) -> int:
    return sum(map(len, pieces))
