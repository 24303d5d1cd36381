"""Attachments encrypted at rest: a streaming, chunked AEAD format (like age's STREAM).

Every attachment file has its own random 32-byte key, which the caller keeps inside the
encrypted customer book. The file is::

    header  = b"OTKS" || version (1 byte, 1) || chunk size (u32, big-endian)
    chunk i = AES-256-GCM(key, nonce_i, plaintext_i, associated_data=header)   # ciphertext||tag
    nonce_i = i as 11-byte big-endian counter || 0x01 on the final chunk, else 0x00

Every chunk but the last holds exactly ``chunk size`` bytes of plaintext; the last holds
1..chunk size bytes, or 0 bytes only when the whole plaintext is empty (so an empty file
still has one, authenticated, final chunk). Because the position and the "final" flag are
in the nonce and the header is the associated data of every chunk, a reader detects:

* tampering with any byte, or the wrong key (the tag fails);
* reordered, duplicated or dropped chunks (the counter no longer matches);
* truncation at a chunk boundary (the last chunk read was not sealed as final);
* data appended after the final chunk;
* an edited header (chunk size or version), since it is authenticated by every chunk.

What cannot be told apart cryptographically: a file cut in the *middle* of its last chunk
versus a last chunk that was altered. Both fail the tag and are reported as
:class:`~app.errors.AttachmentDamagedError`; :class:`~app.errors.AttachmentTruncatedError`
(a subclass) is raised only when truncation is proven (a valid non-final chunk followed by
end of file, a file that ends inside the header or before any chunk).

Readers verify each chunk before releasing its plaintext, but a stream can only be known
whole at its end. So :func:`decrypt_stream` writes verified chunks to ``dst`` as it goes,
and a caller must discard ``dst`` when it raises (write to a temporary file and rename it
only on success); :func:`iter_plaintext` raises at the point of damage, after having
yielded the verified chunks before it.

Memory stays at a few chunk buffers whatever the file size. Chunk size 256 KiB was chosen
from ``bench/attachments.py`` (64 KiB, 256 KiB and 1 MiB measured; see
``docs/performance-attachments.md``). The reader takes the chunk size from the header, so
files written with another size (within bounds) stay readable.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import (
    AttachmentDamagedError,
    AttachmentTruncatedError,
    CancelledError,
    DiskFullError,
    ValidationError,
)
from app.fsutil import atomic_write
from app.i18n import QT_TRANSLATE_NOOP

MAGIC = b"OTKS"
VERSION = 1
_HEADER = struct.Struct(">4sBI")
HEADER_SIZE = _HEADER.size  # 9 bytes
KEY_SIZE = 32
TAG_SIZE = 16

#: Plaintext bytes per chunk for new files.
CHUNK_SIZE = 256 * 1024
#: Bounds accepted for the chunk size of a file. The upper bound stops a forged header from
#: making a reader allocate huge buffers before the first tag is checked.
MIN_CHUNK_SIZE = 64
MAX_CHUNK_SIZE = 16 * 1024 * 1024

_COUNTER_SIZE = 11
_MAX_CHUNKS = 1 << (8 * _COUNTER_SIZE)

Progress = Callable[[int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class StreamInfo:
    """What was encrypted or decrypted: plaintext size and hex SHA-256 of the plaintext."""

    size: int
    sha256: str


def new_key() -> bytes:
    """A fresh random key for one attachment file."""
    return os.urandom(KEY_SIZE)


# --- helpers ------------------------------------------------------------------------------

def _aead(key: bytes) -> AESGCM:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_SIZE:
        # A programming error, not something the owner can meet: no OtokuiError.
        raise ValueError("attachment key must be 32 bytes")
    return AESGCM(bytes(key))


def _nonce(counter: int, final: bool) -> bytes:
    if counter >= _MAX_CHUNKS:  # 2**88 chunks: unreachable, but never reuse a nonce
        raise ValueError("too many chunks for one attachment")
    return counter.to_bytes(_COUNTER_SIZE, "big") + (b"\x01" if final else b"\x00")


def _read_full(src: BinaryIO, buf: memoryview) -> int:
    """Fill ``buf`` from ``src`` unless the end comes first; return the bytes read.

    Loops because pipes, sockets and raw files may return fewer bytes than asked.
    """
    got = 0
    size = len(buf)
    readinto = getattr(src, "readinto", None)
    while got < size:
        if readinto is not None:
            n = readinto(buf[got:])
        else:
            piece = src.read(size - got)
            n = len(piece)
            buf[got:got + n] = piece
        if n is None:  # a non-blocking source with nothing ready: not end of data
            raise BlockingIOError("attachment streams must be blocking")
        if not n:
            break
        got += n
    return got


class Sink(Protocol):
    """Where decrypted bytes go: a binary file, or a counter that keeps nothing."""

    def write(self, data: memoryview, /) -> int | None: ...


def _write_all(dst: Sink, data: memoryview) -> None:
    """Write all of ``data``: raw (unbuffered) files may accept only part of it."""
    while data:
        n = dst.write(data)
        if n is None:
            raise BlockingIOError("attachment streams must be blocking")
        data = data[n:]


def _check_cancel(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise CancelledError()


# --- encryption ---------------------------------------------------------------------------

def encrypt_stream(src: BinaryIO, dst: BinaryIO, key: bytes, *,
                   progress: Progress | None = None, cancel: Cancel | None = None,
                   chunk_size: int = CHUNK_SIZE) -> StreamInfo:
    """Encrypt everything readable from ``src`` into ``dst``.

    ``progress`` gets the cumulative plaintext bytes after each chunk; ``cancel`` is asked
    before each chunk and :class:`~app.errors.CancelledError` is raised when it returns
    True (``dst`` then holds a partial file the caller must discard; :func:`encrypt_file`
    does that). ``chunk_size`` exists for the benchmark and tests; keep the default.
    """
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError("chunk size out of bounds")
    aead = _aead(key)
    header = _HEADER.pack(MAGIC, VERSION, chunk_size)
    _write_all(dst, memoryview(header))

    # Two plaintext buffers: the final flag of a full chunk is known only once the next
    # read comes back empty, so we always hold one chunk of look-ahead.
    cur = memoryview(bytearray(chunk_size))
    nxt = memoryview(bytearray(chunk_size))
    out = bytearray(chunk_size + TAG_SIZE)
    out_view = memoryview(out)
    digest = hashlib.sha256()
    total = 0
    counter = 0

    _check_cancel(cancel)
    cur_len = _read_full(src, cur)
    while True:
        next_len = _read_full(src, nxt) if cur_len == chunk_size else 0
        final = next_len == 0
        piece = cur[:cur_len]
        digest.update(piece)
        n = aead.encrypt_into(_nonce(counter, final), piece, header, out_view[:cur_len + TAG_SIZE])
        _write_all(dst, out_view[:n])
        total += cur_len
        counter += 1
        if progress is not None:
            progress(total)
        if final:
            break
        _check_cancel(cancel)
        cur, nxt = nxt, cur
        cur_len = next_len
    return StreamInfo(size=total, sha256=digest.hexdigest())


def encrypt_file(src_path: Path, dst_path: Path, key: bytes, *,
                 progress: Progress | None = None,
                 cancel: Cancel | None = None) -> StreamInfo:
    """Encrypt ``src_path`` into ``dst_path``, atomically and owner-only.

    On cancel (:class:`~app.errors.CancelledError`) or any error no ``dst_path`` is left
    behind (nor a temporary file); an existing ``dst_path`` is untouched. A full disk is
    reported as :class:`~app.errors.DiskFullError`.
    """
    try:
        with open(src_path, "rb") as src, atomic_write(Path(dst_path)) as dst:
            return encrypt_stream(src, dst, key, progress=progress, cancel=cancel)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFullError() from exc
        raise


def encrypt_bytes(data: bytes, key: bytes) -> bytes:
    """Encrypt a small ``data`` in memory; same format as the files."""
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, key)
    return out.getvalue()


# --- decryption ---------------------------------------------------------------------------

def _read_header(src: BinaryIO) -> tuple[bytes, int]:
    buf = bytearray(HEADER_SIZE)
    got = _read_full(src, memoryview(buf))
    if got < HEADER_SIZE:
        if MAGIC.startswith(bytes(buf[:min(got, len(MAGIC))])):
            raise AttachmentTruncatedError("header cut short")
        raise AttachmentDamagedError("not an Otokui attachment")
    magic, version, chunk_size = _HEADER.unpack(buf)
    if magic != MAGIC:
        raise AttachmentDamagedError("not an Otokui attachment")
    if version != VERSION:
        raise AttachmentDamagedError(f"unknown attachment format version {version}")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise AttachmentDamagedError("bad chunk size in header")
    return bytes(buf), chunk_size


def _damage(aead: AESGCM, counter: int, piece: memoryview, header: bytes,
            at_end: bool) -> AttachmentDamagedError:
    """Name the failure of chunk ``counter`` as precisely as the evidence allows.

    Called only after the tag failed. A chunk that opens with the *other* final flag tells
    us what happened: a non-final chunk at the end means the final chunk was cut off; a
    final chunk with data after it means something was appended.
    """
    try:
        aead.decrypt(_nonce(counter, not at_end), piece, header)
    except InvalidTag:
        return AttachmentDamagedError(f"chunk {counter} fails authentication")
    if at_end:
        return AttachmentTruncatedError(f"final chunk missing after chunk {counter}")
    return AttachmentDamagedError(f"data after the final chunk {counter}")


def _verified_chunks(src: BinaryIO, key: bytes,
                     cancel: Cancel | None = None) -> Iterator[memoryview]:
    """Yield each chunk's plaintext once its tag has been verified.

    The yielded view points into a buffer reused for the next chunk: use or copy it before
    asking for the next one. Never yields anything from a chunk that failed.
    """
    aead = _aead(key)
    header, chunk_size = _read_header(src)
    sealed = chunk_size + TAG_SIZE
    cur = memoryview(bytearray(sealed))
    nxt = memoryview(bytearray(sealed))
    out = memoryview(bytearray(chunk_size))
    counter = 0

    _check_cancel(cancel)
    cur_len = _read_full(src, cur)
    if cur_len == 0:
        raise AttachmentTruncatedError("no chunks after the header")
    while True:
        # Look ahead: only a full sealed chunk can have a successor.
        next_len = _read_full(src, nxt) if cur_len == sealed else 0
        at_end = next_len == 0
        if cur_len < TAG_SIZE:
            raise AttachmentTruncatedError(f"chunk {counter} cut short")
        piece = cur[:cur_len]
        try:
            # decrypt_into leaves unverified bytes in ``out`` when it fails: we never
            # release ``out`` on that path, we raise.
            n = aead.decrypt_into(_nonce(counter, at_end), piece, header,
                                  out[:cur_len - TAG_SIZE])
        except InvalidTag:
            raise _damage(aead, counter, piece, header, at_end) from None
        if at_end and n == 0 and counter > 0:
            # Our writer never seals an empty final chunk after data (the last full chunk
            # is final instead): refuse the non-canonical form rather than guess.
            raise AttachmentDamagedError("empty final chunk after data")
        yield out[:n]
        counter += 1
        if at_end:
            return
        _check_cancel(cancel)
        cur, nxt = nxt, cur
        cur_len = next_len


def decrypt_stream(src: BinaryIO, dst: Sink, key: bytes, *,
                   progress: Progress | None = None,
                   cancel: Cancel | None = None) -> StreamInfo:
    """Decrypt ``src`` into ``dst``; return the plaintext's size and SHA-256.

    Each chunk is verified before it is written, but whether the *whole* file is authentic
    (nothing cut off or appended) is known only when this returns. If it raises
    (:class:`~app.errors.AttachmentDamagedError`,
    :class:`~app.errors.AttachmentTruncatedError`, :class:`~app.errors.CancelledError`),
    ``dst`` holds a verified but possibly incomplete prefix: the caller must discard it,
    e.g. write to a temporary file and rename it into place only on success.
    """
    digest = hashlib.sha256()
    total = 0
    for plain in _verified_chunks(src, key, cancel):
        _write_all(dst, plain)
        digest.update(plain)
        total += len(plain)
        if progress is not None:
            progress(total)
    return StreamInfo(size=total, sha256=digest.hexdigest())


_TOO_LARGE = QT_TRANSLATE_NOOP("errors", "The attachment is too large to show here.")
_TOO_LARGE_ADVICE = QT_TRANSLATE_NOOP("errors", "Save a copy and open it with another program.")


def decrypt_to_bytes(src_path: Path, key: bytes, *, max_size: int | None = None) -> bytes:
    """Decrypt a whole attachment into memory (for previews: no plaintext file on disk).

    With ``max_size``, stops with :class:`~app.errors.ValidationError` as soon as the
    plaintext would exceed it, so a huge file never fills memory.
    """
    out = io.BytesIO()
    total = 0
    with open(src_path, "rb") as src:
        for plain in _verified_chunks(src, key):
            total += len(plain)
            if max_size is not None and total > max_size:
                raise ValidationError(f"more than {max_size} bytes",
                                      message=_TOO_LARGE, advice=_TOO_LARGE_ADVICE)
            out.write(plain)
    return out.getvalue()


def iter_plaintext(src_path: Path, key: bytes) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk, each verified before it is yielded.

    Damage raises at the chunk where it is found, truncation after the last chunk
    present; the chunks yielded before were authentic, but the consumer must not treat
    the content as complete until the iterator ends without error.
    """
    with open(src_path, "rb") as src:
        for plain in _verified_chunks(src, key):
            yield bytes(plain)  # a copy: the view's buffer is reused for the next chunk


def decrypt_bytes(blob: bytes, key: bytes) -> bytes:
    """Decrypt a small in-memory ``blob`` made by :func:`encrypt_bytes`."""
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(blob), out, key)
    return out.getvalue()
