"""What the composer sends: up to five bubbles of text or image, checked before anything goes.

LINE's rules (docs/inbox.md): 1-5 message objects per request; text up to 5,000 UTF-16 code
units (an emoji outside the BMP counts two; the SDK does not check this, LINE answers 400);
images JPEG or PNG on public HTTPS URLs, the original at most 10 MB, the preview at most
1 MB. Megabytes are read as decimal (10,000,000 bytes), the stricter reading and the one the
relay enforces, so an image accepted here is never refused there.

Previews: the core has no imaging library (and must not import Qt). An original of at most
1 MB is its own preview (the relay serves both URLs from the same bytes); a larger one needs
a preview from the caller (the inbox window scales it with ``QImage``), else it is refused
with :class:`PreviewNeededError`.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import OtokuiError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP

_CTX = "sending"

MAX_BUBBLES = 5
MAX_TEXT_UNITS = 5000
MAX_ORIGINAL_BYTES = 10_000_000
MAX_PREVIEW_BYTES = 1_000_000
JPEG = "image/jpeg"
PNG = "image/png"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Every PNG's first chunk is IHDR (13 bytes): the relay checks it too, so a file that only
# starts with the eight magic bytes is refused here already.
_PNG_IHDR = b"\x00\x00\x00\x0dIHDR"
_JPEG_SOI = b"\xff\xd8\xff"


def utf16_len(text: str) -> int:
    """Length as LINE counts it: UTF-16 code units (😀 counts 2, あ and A count 1).

    For the composer's live counter ("4,998 / 5,000").
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def image_type(data: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` from the bytes themselves, else None."""
    if data.startswith(_JPEG_SOI) and len(data) > len(_JPEG_SOI):
        return JPEG
    if data.startswith(_PNG_SIGNATURE + _PNG_IHDR):
        return PNG
    return None


class PreviewNeededError(OtokuiError):
    code = "image-preview-needed"
    message = QT_TRANSLATE_NOOP(
        _CTX, "This image is larger than 1 MB, so LINE needs a smaller preview of it.")
    advice = QT_TRANSLATE_NOOP(
        _CTX, "Send it from the inbox window (which makes the preview), or choose a smaller "
        "image.")


def _invalid(message: str, detail: str = "") -> ValidationError:
    return ValidationError(detail, message=message)


@dataclass(frozen=True)
class TextBubble:
    text: str


@dataclass(frozen=True)
class ImageBubble:
    """An image to send: a file path or the bytes, and optionally a preview (path or bytes).

    Nothing is read until the draft is composed.
    """

    source: bytes | str | os.PathLike[str]
    preview: bytes | str | os.PathLike[str] | None = None


Bubble = TextBubble | ImageBubble


@dataclass(frozen=True)
class CheckedImage:
    data: bytes = field(repr=False)
    content_type: str
    #: None: the original is its own preview (at most 1 MB).
    preview: bytes | None = field(default=None, repr=False)
    preview_type: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Draft:
    """Bubbles checked and ready to send to one customer.

    ``draft_id`` makes sending idempotent: sending the same draft twice (a double click)
    sends it once. ``fingerprint`` identifies the content, for the short duplicate guard
    that protects callers who send bare bubbles.
    """

    customer_id: int
    items: tuple[str | CheckedImage, ...]
    draft_id: str
    fingerprint: str

    @property
    def text_units(self) -> tuple[int, ...]:
        return tuple(utf16_len(i) if isinstance(i, str) else 0 for i in self.items)


def _read(source: bytes | str | os.PathLike[str], limit: int, what: str) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            # The size first: a 2 GB video picked by mistake is refused without reading it.
            if path.stat().st_size > limit:
                raise _too_large(what)
            data = path.read_bytes()
        except OSError as exc:
            raise _invalid(QT_TRANSLATE_NOOP(_CTX, "The image file cannot be read."),
                           path.name) from exc
    if len(data) > limit:
        raise _too_large(what)
    return data


def _too_large(what: str) -> ValidationError:
    if what == "preview":
        return _invalid(QT_TRANSLATE_NOOP(_CTX, "The preview image is larger than 1 MB."))
    return _invalid(QT_TRANSLATE_NOOP(
        _CTX, "The image is larger than 10 MB, LINE's limit. Choose a smaller one."))


def check_image(bubble: ImageBubble) -> CheckedImage:
    data = _read(bubble.source, MAX_ORIGINAL_BYTES, "original")
    ctype = image_type(data)
    if ctype is None:
        raise _invalid(QT_TRANSLATE_NOOP(
            _CTX, "LINE can send only JPEG and PNG images; this file is neither."))
    if bubble.preview is None:
        if len(data) > MAX_PREVIEW_BYTES:
            raise PreviewNeededError(f"{len(data)} bytes")
        return CheckedImage(data, ctype)
    preview = _read(bubble.preview, MAX_PREVIEW_BYTES, "preview")
    ptype = image_type(preview)
    if ptype is None:
        raise _invalid(QT_TRANSLATE_NOOP(_CTX, "The preview must be a JPEG or PNG image."))
    if len(data) <= MAX_PREVIEW_BYTES:
        # Small enough to be its own preview: the relay serves it under both URLs and
        # takes no separate preview for it.
        return CheckedImage(data, ctype)
    return CheckedImage(data, ctype, preview, ptype)


def check_text(text: str) -> str:
    if not isinstance(text, str):
        raise _invalid(QT_TRANSLATE_NOOP(_CTX, "A message text must be text."))
    # Normalise line ends (a pasted Windows text) so the count shown is the count sent.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _invalid(QT_TRANSLATE_NOOP(_CTX, "An empty message cannot be sent."))
    units = utf16_len(text)
    if units > MAX_TEXT_UNITS:
        raise _invalid(QT_TRANSLATE_NOOP(
            _CTX, "A message can be at most 5,000 characters long (as LINE counts them; an "
            "emoji counts as two)."), f"{units} / {MAX_TEXT_UNITS}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: LINE would refuse the JSON
        raise _invalid(QT_TRANSLATE_NOOP(
            _CTX, "The message contains a broken character.")) from None
    return text


def check_bubbles(customer_id: int, bubbles: list[Bubble] | tuple[Bubble, ...]) -> Draft:
    """Every check LINE would make, before anything is stored or sent."""
    if isinstance(bubbles, TextBubble | ImageBubble | str):
        bubbles = [bubbles]
    bubbles = list(bubbles or [])
    if not 1 <= len(bubbles) <= MAX_BUBBLES:
        raise _invalid(QT_TRANSLATE_NOOP(
            _CTX, "A message has one to five bubbles (LINE's limit)."), str(len(bubbles)))
    items: list[str | CheckedImage] = []
    digest = hashlib.sha256(f"customer:{int(customer_id)}\n".encode())
    for bubble in bubbles:
        if isinstance(bubble, str):
            bubble = TextBubble(bubble)
        if isinstance(bubble, TextBubble):
            text = check_text(bubble.text)
            items.append(text)
            digest.update(b"text:" + hashlib.sha256(text.encode("utf-8")).digest())
        elif isinstance(bubble, ImageBubble):
            image = check_image(bubble)
            items.append(image)
            digest.update(b"image:" + bytes.fromhex(image.sha256))
        else:
            raise _invalid(QT_TRANSLATE_NOOP(_CTX, "Only text and images can be sent."))
    return Draft(int(customer_id), tuple(items), str(uuid.uuid4()), digest.hexdigest())
