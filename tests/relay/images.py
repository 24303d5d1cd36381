"""Real JPEG and PNG files of exact sizes for the media tests, without an imaging library.

Both are valid images a viewer opens: the JPEG is a tiny 8x8 picture written by Qt, grown
with comment segments; the PNG is built here, grown with a private ancillary chunk that
decoders skip. The padding is random (from ``seed``), so two images never share bytes.
"""

from __future__ import annotations

import base64
import random
import struct
import zlib

#: 8x8 pixels, orange, written once by Qt (QImage.save(..., "JPEG", 80)).
TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEAZABkAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUf"
    "GhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgo"
    "KCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAIAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEB"
    "AQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKB"
    "kaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1"
    "dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl"
    "5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcF"
    "BAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5"
    "OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0"
    "tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDVooor88P0"
    "c//Z")

_MAX_SEGMENT_PAYLOAD = 65533  # a JPEG segment's 16-bit length counts itself (2 bytes)


def jpeg(size: int | None = None, *, seed: int = 0) -> bytes:
    """A valid JPEG of exactly ``size`` bytes (the tiny one plus comment segments)."""
    pad = random.Random(seed)
    if size is None:
        size = len(TINY_JPEG) + 64
    extra = size - len(TINY_JPEG)
    segments = -(-extra // (_MAX_SEGMENT_PAYLOAD + 4))  # as few as fit, each 4..65537 bytes
    if extra < 0 or extra < 4 * segments:
        raise ValueError("no JPEG of that size can be made this way")
    payload = extra - 4 * segments
    parts = [TINY_JPEG[:2]]  # SOI; comments may follow it directly
    for _ in range(segments):
        length = min(_MAX_SEGMENT_PAYLOAD, payload)
        payload -= length
        parts.append(b"\xff\xfe" + struct.pack(">H", length + 2) + pad.randbytes(length))
    parts.append(TINY_JPEG[2:])
    data = b"".join(parts)
    assert len(data) == size
    return data


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(size: int | None = None, *, seed: int = 0) -> bytes:
    """A valid 2x2 PNG of exactly ``size`` bytes (padded with a private chunk)."""
    pad = random.Random(seed)
    rows = b"".join(b"\x00" + pad.randbytes(6) for _ in range(2))  # filter 0, 2 RGB pixels
    head = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(rows)))
    end = _chunk(b"IEND", b"")
    if size is None:
        return head + end
    filler = size - len(head) - len(end) - 12
    if filler < 0:
        raise ValueError("too small for a padded PNG")
    # "otPd": ancillary, private, safe to copy: every decoder may skip it.
    data = head + _chunk(b"otPd", pad.randbytes(filler)) + end
    assert len(data) == size
    return data
