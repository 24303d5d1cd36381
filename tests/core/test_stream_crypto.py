"""The attachment format (app/crypto/stream.py) on real files: round trips and every way a
file can be cut, reordered, edited or extended."""

from __future__ import annotations

import hashlib
import io
import os
import random
import struct
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.crypto.stream import (
    CHUNK_SIZE,
    HEADER_SIZE,
    TAG_SIZE,
    StreamInfo,
    decrypt_bytes,
    decrypt_stream,
    decrypt_to_bytes,
    encrypt_bytes,
    encrypt_file,
    encrypt_stream,
    iter_plaintext,
    new_key,
)
from app.errors import (
    AttachmentDamagedError,
    AttachmentTruncatedError,
    CancelledError,
    ValidationError,
)

SEALED = CHUNK_SIZE + TAG_SIZE


def chunk_offsets(n_chunks: int) -> list[int]:
    """Start offsets of the sealed chunks of a file written with the default chunk size."""
    return [HEADER_SIZE + i * SEALED for i in range(n_chunks)]


@pytest.fixture
def key() -> bytes:
    return new_key()


def write_encrypted(tmp_path: Path, data: bytes, key: bytes) -> tuple[Path, StreamInfo]:
    src = tmp_path / "plain.bin"
    src.write_bytes(data)
    dst = tmp_path / "attachment.otks"
    info = encrypt_file(src, dst, key)
    src.unlink()
    return dst, info


# --- round trips ---------------------------------------------------------------------------

@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1,
                                  3 * CHUNK_SIZE, 5 * 1024 * 1024 + 12345])
def test_file_round_trip_every_reader(tmp_path: Path, key: bytes, size: int) -> None:
    data = os.urandom(size)
    path, info = write_encrypted(tmp_path, data, key)

    assert info == StreamInfo(size=size, sha256=hashlib.sha256(data).hexdigest())
    # Layout: header, then one tag per chunk; an empty plaintext still has one chunk.
    n_chunks = max(1, -(-size // CHUNK_SIZE))
    assert path.stat().st_size == HEADER_SIZE + size + n_chunks * TAG_SIZE
    assert path.read_bytes()[:HEADER_SIZE] == b"OTKS" + bytes([1]) + struct.pack(">I",
                                                                                 CHUNK_SIZE)

    assert decrypt_to_bytes(path, key) == data
    chunks = list(iter_plaintext(path, key))
    assert b"".join(chunks) == data
    assert all(len(c) == CHUNK_SIZE for c in chunks[:-1])
    out = io.BytesIO()
    with open(path, "rb") as src:
        assert decrypt_stream(src, out, key) == info
    assert out.getvalue() == data


def test_bytes_helpers_share_the_file_format(tmp_path: Path, key: bytes) -> None:
    data = os.urandom(CHUNK_SIZE + 7)
    blob = encrypt_bytes(data, key)
    path = tmp_path / "a.otks"
    path.write_bytes(blob)
    assert decrypt_to_bytes(path, key) == data
    assert decrypt_bytes(blob, key) == data


def test_same_plaintext_same_key_is_deterministic_but_keys_differ(key: bytes) -> None:
    # Each file has its own key, so a deterministic nonce per chunk is safe; two keys
    # give unrelated ciphertexts.
    data = b"x" * 1000
    assert encrypt_bytes(data, key) == encrypt_bytes(data, key)
    assert encrypt_bytes(data, key) != encrypt_bytes(data, new_key())
    assert new_key() != new_key()
    assert len(new_key()) == 32


class TrickleReader(io.RawIOBase):
    """A source that returns at most a few bytes per read, like a slow pipe."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        piece = self._buf.read(min(len(b), 997))
        b[:len(piece)] = piece
        return len(piece)


class TrickleWriter(io.RawIOBase):
    """A raw sink that accepts only part of each write, as unbuffered files may."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        piece = bytes(b[:1500])
        self.data += piece
        return len(piece)


class NotReadyReader(io.RawIOBase):
    """A non-blocking source with nothing ready yet (readinto returns None)."""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> None:  # type: ignore[override]
        return None


def test_short_reads_and_writes_do_not_change_the_result(key: bytes) -> None:
    data = os.urandom(2 * CHUNK_SIZE + 5)
    out = TrickleWriter()
    encrypt_stream(TrickleReader(data), out, key)
    assert bytes(out.data) == encrypt_bytes(data, key)
    back = TrickleWriter()
    decrypt_stream(TrickleReader(bytes(out.data)), back, key)
    assert bytes(back.data) == data


def test_non_blocking_source_is_not_mistaken_for_the_end(key: bytes) -> None:
    # Treating "nothing ready" as end of data would seal a silently truncated file.
    out = io.BytesIO()
    with pytest.raises(BlockingIOError):
        encrypt_stream(NotReadyReader(), out, key)


def test_progress_is_cumulative_plaintext(tmp_path: Path, key: bytes) -> None:
    size = 2 * CHUNK_SIZE + 100
    src = tmp_path / "p"
    src.write_bytes(os.urandom(size))
    seen: list[int] = []
    encrypt_file(src, tmp_path / "c", key, progress=seen.append)
    assert seen == [CHUNK_SIZE, 2 * CHUNK_SIZE, size]
    seen_back: list[int] = []
    with open(tmp_path / "c", "rb") as f:
        decrypt_stream(f, io.BytesIO(), key, progress=seen_back.append)
    assert seen_back == seen


# --- at rest: permissions, no plaintext --------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_encrypted_file_is_owner_only(tmp_path: Path, key: bytes) -> None:
    old = os.umask(0o022)  # a permissive umask must not leak into the file mode
    try:
        path, _ = write_encrypted(tmp_path, b"hello", key)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600


def test_plaintext_never_appears_in_the_file(tmp_path: Path, key: bytes) -> None:
    marker = "顧客メモ-OTOKUI-PLAINTEXT-MARKER-0123456789".encode()
    data = marker * (3 * CHUNK_SIZE // len(marker))
    path, _ = write_encrypted(tmp_path, data, key)
    raw = path.read_bytes()
    assert marker not in raw
    assert marker[:16] not in raw
    assert key not in raw


# --- cancel --------------------------------------------------------------------------------

def test_cancel_leaves_no_file(tmp_path: Path, key: bytes) -> None:
    src = tmp_path / "p"
    src.write_bytes(os.urandom(4 * CHUNK_SIZE))
    dst = tmp_path / "out" / "c.otks"
    dst.parent.mkdir()
    seen: list[int] = []
    with pytest.raises(CancelledError):
        encrypt_file(src, dst, key, progress=seen.append, cancel=lambda: len(seen) >= 2)
    assert seen == [CHUNK_SIZE, 2 * CHUNK_SIZE]  # it really stopped part-way
    assert list(dst.parent.iterdir()) == []  # neither the file nor a temporary one


def test_cancel_keeps_an_existing_file(tmp_path: Path, key: bytes) -> None:
    dst, _ = write_encrypted(tmp_path, b"old content", key)
    before = dst.read_bytes()
    src = tmp_path / "p"
    src.write_bytes(os.urandom(CHUNK_SIZE * 2))
    with pytest.raises(CancelledError):
        encrypt_file(src, dst, key, cancel=lambda: True)
    assert dst.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([dst.name, "p"])


def test_cancel_decrypt(tmp_path: Path, key: bytes) -> None:
    path, _ = write_encrypted(tmp_path, os.urandom(3 * CHUNK_SIZE), key)
    calls: list[int] = []
    with open(path, "rb") as f, pytest.raises(CancelledError):
        decrypt_stream(f, io.BytesIO(), key, progress=calls.append,
                       cancel=lambda: bool(calls))
    assert calls == [CHUNK_SIZE]


# --- wrong key, tampering ------------------------------------------------------------------

def test_wrong_key(tmp_path: Path, key: bytes) -> None:
    path, _ = write_encrypted(tmp_path, b"secret", key)
    with pytest.raises(AttachmentDamagedError) as err:
        decrypt_to_bytes(path, new_key())
    assert not isinstance(err.value, AttachmentTruncatedError)


def test_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        encrypt_bytes(b"x", b"short")


THREE_CHUNKS = 2 * CHUNK_SIZE + 1000


@pytest.mark.parametrize(("name", "offset"), [
    ("magic", 0),
    ("version", 4),
    ("chunk size high byte", 5),
    ("chunk size low byte", 8),
    ("first body byte", HEADER_SIZE),
    ("middle of chunk 1", HEADER_SIZE + SEALED + CHUNK_SIZE // 2),
    ("tag of chunk 0", HEADER_SIZE + SEALED - 1),
    ("tag of final chunk", -1),
    ("first byte of final chunk", HEADER_SIZE + 2 * SEALED),
])
def test_flipped_bit_is_detected(tmp_path: Path, key: bytes, name: str, offset: int) -> None:
    data = os.urandom(THREE_CHUNKS)
    path, _ = write_encrypted(tmp_path, data, key)
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0x04
    path.write_bytes(raw)
    with pytest.raises(AttachmentDamagedError) as err:
        decrypt_to_bytes(path, key)
    assert not isinstance(err.value, AttachmentTruncatedError), name
    with pytest.raises(AttachmentDamagedError):
        decrypt_bytes(bytes(raw), key)


def test_header_chunk_size_swapped_for_another_valid_size(key: bytes) -> None:
    # The chunk size is authenticated: claiming 128 KiB makes every tag fail.
    blob = bytearray(encrypt_bytes(os.urandom(THREE_CHUNKS), key))
    blob[5:9] = struct.pack(">I", CHUNK_SIZE // 2)
    with pytest.raises(AttachmentDamagedError):
        decrypt_bytes(bytes(blob), key)


def test_forged_huge_chunk_size_is_refused_before_allocating(key: bytes) -> None:
    blob = bytearray(encrypt_bytes(b"abc", key))
    blob[5:9] = struct.pack(">I", 0xFFFFFFFF)
    with pytest.raises(AttachmentDamagedError, match="chunk size"):
        decrypt_bytes(bytes(blob), key)


def test_other_files_are_not_attachments(tmp_path: Path, key: bytes) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(5000))
    with pytest.raises(AttachmentDamagedError, match="not an Otokui attachment"):
        decrypt_to_bytes(path, key)


# --- truncation, reordering, extension -----------------------------------------------------

def test_final_chunk_dropped_at_chunk_boundary(tmp_path: Path, key: bytes) -> None:
    data = os.urandom(THREE_CHUNKS)
    path, _ = write_encrypted(tmp_path, data, key)
    raw = path.read_bytes()
    path.write_bytes(raw[:chunk_offsets(3)[2]])  # two whole, valid, non-final chunks
    with pytest.raises(AttachmentTruncatedError):
        decrypt_to_bytes(path, key)


def test_full_final_chunk_dropped(tmp_path: Path, key: bytes) -> None:
    # The plaintext is an exact multiple of the chunk size: the last full chunk is final.
    path, _ = write_encrypted(tmp_path, os.urandom(3 * CHUNK_SIZE), key)
    raw = path.read_bytes()
    path.write_bytes(raw[:-SEALED])
    with pytest.raises(AttachmentTruncatedError):
        decrypt_to_bytes(path, key)


@pytest.mark.parametrize("cut", [
    HEADER_SIZE + SEALED + 5,            # inside a non-final chunk
    HEADER_SIZE + 2 * SEALED + 500,      # inside the final chunk
    -1,                                  # last byte of the tag missing
])
def test_truncated_mid_chunk(tmp_path: Path, key: bytes, cut: int) -> None:
    path, _ = write_encrypted(tmp_path, os.urandom(THREE_CHUNKS), key)
    raw = path.read_bytes()
    path.write_bytes(raw[:cut])
    with pytest.raises(AttachmentDamagedError):
        decrypt_to_bytes(path, key)


@pytest.mark.parametrize("length", [0, 3, HEADER_SIZE - 1, HEADER_SIZE, HEADER_SIZE + 15])
def test_cut_inside_header_or_first_tag(tmp_path: Path, key: bytes, length: int) -> None:
    path, _ = write_encrypted(tmp_path, b"", key)
    raw = path.read_bytes()
    assert len(raw) == HEADER_SIZE + TAG_SIZE
    path.write_bytes(raw[:length])
    with pytest.raises(AttachmentTruncatedError):
        decrypt_to_bytes(path, key)


def test_swapped_chunks(tmp_path: Path, key: bytes) -> None:
    path, _ = write_encrypted(tmp_path, os.urandom(THREE_CHUNKS), key)
    raw = path.read_bytes()
    a, b, c = chunk_offsets(3)
    swapped = raw[:a] + raw[b:c] + raw[a:b] + raw[c:]
    assert len(swapped) == len(raw)
    path.write_bytes(swapped)
    with pytest.raises(AttachmentDamagedError) as err:
        decrypt_to_bytes(path, key)
    assert not isinstance(err.value, AttachmentTruncatedError)


def test_duplicated_chunk(key: bytes) -> None:
    raw = encrypt_bytes(os.urandom(THREE_CHUNKS), key)
    a, b, _ = chunk_offsets(3)
    with pytest.raises(AttachmentDamagedError):
        decrypt_bytes(raw[:b] + raw[a:b] + raw[b:], key)


@pytest.mark.parametrize("size", [100, 3 * CHUNK_SIZE])  # short final chunk / full final chunk
@pytest.mark.parametrize("garbage", [b"\x00", os.urandom(16), os.urandom(SEALED + 3)])
def test_appended_garbage(tmp_path: Path, key: bytes, size: int, garbage: bytes) -> None:
    path, _ = write_encrypted(tmp_path, os.urandom(size), key)
    with open(path, "ab") as f:
        f.write(garbage)
    with pytest.raises(AttachmentDamagedError) as err:
        decrypt_to_bytes(path, key)
    assert not isinstance(err.value, AttachmentTruncatedError)


def test_appended_copy_of_a_chunk(key: bytes) -> None:
    raw = encrypt_bytes(os.urandom(3 * CHUNK_SIZE), key)
    a, b, _ = chunk_offsets(3)
    with pytest.raises(AttachmentDamagedError, match="after the final chunk"):
        decrypt_bytes(raw + raw[a:b], key)


def test_empty_final_chunk_after_data_is_refused(key: bytes) -> None:
    # Only a key holder can build this; our writer never does (the last full chunk is
    # final). Refusing it keeps one encoding per plaintext.
    header = b"OTKS" + bytes([1]) + struct.pack(">I", 64)
    aead = AESGCM(key)
    body = aead.encrypt(bytes(11) + b"\x00", b"a" * 64, header)
    final = aead.encrypt((1).to_bytes(11, "big") + b"\x01", b"", header)
    with pytest.raises(AttachmentDamagedError, match="empty final chunk"):
        decrypt_bytes(header + body + final, key)
    # The canonical encoding of the same plaintext opens.
    assert decrypt_bytes(encrypt_bytes_with_chunk(b"a" * 64, key, 64), key) == b"a" * 64


def encrypt_bytes_with_chunk(data: bytes, key: bytes, chunk_size: int) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, key, chunk_size=chunk_size)
    return out.getvalue()


# --- damage seen by streaming consumers ------------------------------------------------------

def test_iter_plaintext_raises_at_the_point_of_damage(tmp_path: Path, key: bytes) -> None:
    data = os.urandom(4 * CHUNK_SIZE)
    path, _ = write_encrypted(tmp_path, data, key)
    raw = bytearray(path.read_bytes())
    raw[chunk_offsets(4)[2] + 10] ^= 1  # damage chunk 2
    path.write_bytes(raw)
    got: list[bytes] = []
    with pytest.raises(AttachmentDamagedError, match="chunk 2"):
        for piece in iter_plaintext(path, key):
            got.append(piece)
    assert got == [data[:CHUNK_SIZE], data[CHUNK_SIZE:2 * CHUNK_SIZE]]


def test_iter_plaintext_reports_truncation_after_the_last_present_chunk(
        tmp_path: Path, key: bytes) -> None:
    data = os.urandom(THREE_CHUNKS)
    path, _ = write_encrypted(tmp_path, data, key)
    path.write_bytes(path.read_bytes()[:chunk_offsets(3)[2]])
    it = iter_plaintext(path, key)
    assert next(it) == data[:CHUNK_SIZE]
    # Chunk 1 is authentic but cannot be proven non-final-and-complete until we know it
    # has a successor: the reader looks ahead, so truncation surfaces here.
    with pytest.raises(AttachmentTruncatedError):
        next(it)


def test_decrypt_stream_writes_only_verified_chunks(tmp_path: Path, key: bytes) -> None:
    data = os.urandom(3 * CHUNK_SIZE)
    blob = bytearray(encrypt_bytes(data, key))
    blob[chunk_offsets(3)[1] + 3] ^= 0x80
    dst = io.BytesIO()
    with pytest.raises(AttachmentDamagedError):
        decrypt_stream(io.BytesIO(bytes(blob)), dst, key)
    # Only chunk 0 was released; the damaged chunk's (unverified) bytes never were.
    assert dst.getvalue() == data[:CHUNK_SIZE]


def test_decrypt_to_bytes_max_size(tmp_path: Path, key: bytes) -> None:
    data = os.urandom(2 * CHUNK_SIZE + 1)
    path, _ = write_encrypted(tmp_path, data, key)
    assert decrypt_to_bytes(path, key, max_size=len(data)) == data
    with pytest.raises(ValidationError, match="too large"):
        decrypt_to_bytes(path, key, max_size=len(data) - 1)


# --- properties ------------------------------------------------------------------------------

SMALL_CHUNK = 64


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(min_size=0, max_size=700),
       chunk_size=st.sampled_from([SMALL_CHUNK, 100, 256]))
def test_round_trip_random_sizes(data: bytes, chunk_size: int) -> None:
    key = bytes(range(32))
    blob = encrypt_bytes_with_chunk(data, key, chunk_size)
    n_chunks = max(1, -(-len(data) // chunk_size))
    assert len(blob) == HEADER_SIZE + len(data) + n_chunks * TAG_SIZE
    assert decrypt_bytes(blob, key) == data


@settings(max_examples=200, deadline=None)
@given(size=st.integers(0, 8 * SMALL_CHUNK),
       how=st.sampled_from(["flip", "cut", "cut at chunk boundary"]), draw=st.data())
def test_any_cut_or_flip_is_detected(size: int, how: str, draw: st.DataObject) -> None:
    key = bytes(range(32))
    data = random.Random(size).randbytes(size)  # content is irrelevant here, length is not
    blob = bytearray(encrypt_bytes_with_chunk(data, key, SMALL_CHUNK))
    n_chunks = max(1, -(-size // SMALL_CHUNK))
    if how == "flip":
        pos = draw.draw(st.integers(0, len(blob) - 1))
        blob[pos] ^= 1 << draw.draw(st.integers(0, 7))
        damaged = bytes(blob)
    elif how == "cut":
        damaged = bytes(blob[:draw.draw(st.integers(0, len(blob) - 1))])
    else:
        # Uniform cuts rarely land exactly between chunks, the case only the final flag
        # catches: aim for it.
        k = draw.draw(st.integers(0, n_chunks - 1))
        damaged = bytes(blob[:HEADER_SIZE + k * (SMALL_CHUNK + TAG_SIZE)])
    with pytest.raises(AttachmentDamagedError):
        decrypt_bytes(damaged, key)

