"""Small, valid media files made without any imaging library.

The desktop thumbnails the images LINE serves, so the emulator must serve real
image bytes. PNG is easy (zlib does the work). For JPEG the emulator draws a mosaic of
solid 8x8 tiles: a solid tile's DCT has only the DC term, so a baseline JPEG encoder
needs no DCT and stays a few dozen lines, yet any decoder reads the result as a normal
JPEG. Video and audio are well-formed ISO-BMFF box sequences (ftyp, free, mdat), enough
for the desktop to store and label, not to play.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

Rgb = tuple[int, int, int]


def pattern_color(seed: int) -> Callable[[int, int], Rgb]:
    """A colourful, recognisable pattern (gradient with a diagonal band) per seed."""
    base = (seed * 97) % 256

    def color(x: int, y: int) -> Rgb:
        r = (base + x * 3) % 256
        g = (base // 2 + y * 3) % 256
        b = 255 - (x + y) % 256
        if abs(x - y) < 6:
            return (255, 255, 255)
        return (r, g, b)

    return color


# --- PNG ----------------------------------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width: int, height: int, color: Callable[[int, int], Rgb]) -> bytes:
    """An 8-bit RGB PNG of ``width`` x ``height`` pixels."""
    if not (1 <= width <= 4096 and 1 <= height <= 4096):
        raise ValueError("image size must be 1..4096 pixels a side")
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type None
        for x in range(width):
            rows.extend(color(x, y))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + _png_chunk(b"IEND", b""))


# --- JPEG (baseline, 4:4:4, solid 8x8 tiles) -------------------------------------------------

# Annex K.3 table K.3: luminance DC code lengths (counts per length 1..16) and symbols.
_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_VALS = tuple(range(12))
# Every tile is solid, so the only AC symbol ever written is end-of-block (0x00).
_AC_BITS = (1,) + (0,) * 15
_AC_VALS = (0,)


def _huffman_codes(bits: tuple[int, ...], vals: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    codes: dict[int, tuple[int, int]] = {}
    code = 0
    k = 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


_DC_CODES = _huffman_codes(_DC_BITS, _DC_VALS)
_AC_CODES = _huffman_codes(_AC_BITS, _AC_VALS)


class _BitWriter:
    def __init__(self) -> None:
        self.out = bytearray()
        self._acc = 0
        self._n = 0

    def write(self, value: int, length: int) -> None:
        self._acc = (self._acc << length) | (value & ((1 << length) - 1))
        self._n += length
        while self._n >= 8:
            self._n -= 8
            byte = (self._acc >> self._n) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0x00)  # byte stuffing
        self._acc &= (1 << self._n) - 1

    def flush(self) -> bytes:
        if self._n:
            self.write((1 << (8 - self._n)) - 1, 8 - self._n)  # pad with 1-bits
        return bytes(self.out)


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _ycc(rgb: Rgb) -> tuple[int, int, int]:
    r, g, b = rgb
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
    cr = 0.5 * r - 0.418688 * g - 0.081312 * b + 128
    return tuple(max(0, min(255, round(v))) for v in (y, cb, cr))  # type: ignore[return-value]


def jpeg(width: int, height: int, color: Callable[[int, int], Rgb]) -> bytes:
    """A baseline JPEG; ``color`` is sampled once per 8x8 tile (at the tile's centre)."""
    if not (1 <= width <= 8192 and 1 <= height <= 8192):
        raise ValueError("image size must be 1..8192 pixels a side")
    app0 = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    # One quantisation table of 1s: the DC term then carries the exact tile colour.
    dqt = _segment(0xDB, b"\x00" + b"\x01" * 64)
    sof = _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3)
                   + b"\x01\x11\x00" + b"\x02\x11\x00" + b"\x03\x11\x00")
    dht = _segment(0xC4, b"\x00" + bytes(_DC_BITS) + bytes(_DC_VALS)
                   + b"\x10" + bytes(_AC_BITS) + bytes(_AC_VALS))
    sos = _segment(0xDA, b"\x03" + b"\x01\x00" + b"\x02\x00" + b"\x03\x00" + b"\x00\x3f\x00")
    writer = _BitWriter()
    predictors = [0, 0, 0]
    eob_code, eob_len = _AC_CODES[0]
    for by in range((height + 7) // 8):
        for bx in range((width + 7) // 8):
            cx = min(bx * 8 + 4, width - 1)
            cy = min(by * 8 + 4, height - 1)
            for comp, level in enumerate(_ycc(color(cx, cy))):
                dc = 8 * (level - 128)  # F(0,0) of a solid block of this level
                diff = dc - predictors[comp]
                predictors[comp] = dc
                size = abs(diff).bit_length()
                code, length = _DC_CODES[size]
                writer.write(code, length)
                if size:
                    writer.write(diff if diff > 0 else diff - 1, size)
                writer.write(eob_code, eob_len)
    return (b"\xff\xd8" + app0 + dqt + sof + dht + sos + writer.flush() + b"\xff\xd9")


def image(fmt: str, width: int, height: int, seed: int = 0) -> tuple[bytes, str]:
    """Image bytes and their content type; ``fmt`` is ``png`` or ``jpeg``."""
    color = pattern_color(seed)
    if fmt == "png":
        return png(width, height, color), "image/png"
    if fmt in ("jpeg", "jpg"):
        return jpeg(width, height, color), "image/jpeg"
    raise ValueError("image format must be png or jpeg")


def sniff_image_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


# --- video / audio / file ---------------------------------------------------------------------

def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(duration_ms: int, *, audio_only: bool = False) -> tuple[bytes, str]:
    """A small ISO-BMFF file: ``ftyp`` + ``free`` + ``mdat`` (sized by the duration)."""
    if audio_only:
        ftyp = _box(b"ftyp", b"M4A " + struct.pack(">I", 0) + b"M4A mp42isom")
        content_type = "audio/x-m4a"
    else:
        ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
        content_type = "video/mp4"
    note = _box(b"free", b"otokui LINE emulator media; duration_ms=%d" % duration_ms)
    body = bytes((i * 31) & 0xFF for i in range(min(4096, 64 + duration_ms // 10)))
    return ftyp + note + _box(b"mdat", body), content_type


def file_bytes(size: int) -> bytes:
    """``size`` bytes of a recognisable repeating pattern."""
    unit = b"otokui-emulator-file "
    return (unit * (size // len(unit) + 1))[:size]
