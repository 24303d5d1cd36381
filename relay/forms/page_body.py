"""Reading a form page's POST body: url-encoded or multipart, streamed, with caps.

A browser posts a form without files as ``application/x-www-form-urlencoded`` and one with
files as ``multipart/form-data``. Both are read chunk by chunk as they arrive:

* the whole body may not pass ``max_body`` (then :class:`BodyTooLarge`, 413 page);
* a text value keeps at most ``MAX_TEXT_PART`` bytes (the form's own checks then say
  "too long" next to its item: a 100,000-character text is a clear problem, not a 413);
* a file keeps at most its item's ``max_bytes`` + 1 bytes: one more than allowed is
  enough to say "too large", and nothing beyond it is held.

Everything stays in memory (python-multipart's push parser, never Starlette's spooled
temporary files): an uploaded photo must not touch the relay's disk unsealed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header

#: Text values kept per part (a long text is at most 20,000 characters, 80 KB in UTF-8).
MAX_TEXT_PART = 256 * 1024
#: Text values, all together, and how many parts (names) a post may have.
MAX_TEXT_TOTAL = 1024 * 1024
MAX_PARTS = 1000
MAX_FILE_NAME = 255


class BodyTooLarge(Exception):
    """The body passed its cap."""


class BadBody(Exception):
    """Not a form post this page can read (wrong type, broken multipart, too many parts)."""


@dataclass
class Upload:
    name: str          # the file's name as the browser gave it (kept for the owner)
    data: bytearray
    truncated: bool = False  # more bytes came than its item may have


@dataclass
class PostedForm:
    fields: dict[str, list[str]] = field(default_factory=dict)
    uploads: dict[str, list[Upload]] = field(default_factory=dict)


async def read_form(content_type: str | None, chunks: AsyncIterator[bytes], *,
                    max_body: int, file_caps: Mapping[str, int]) -> PostedForm:
    """Read the post. ``file_caps``: the most bytes each file input may keep (its key)."""
    kind, params = parse_options_header(content_type or "")
    if kind == b"application/x-www-form-urlencoded":
        return _urlencoded(await _read(chunks, min(max_body, MAX_TEXT_TOTAL)))
    if kind != b"multipart/form-data" or not params.get(b"boundary"):
        raise BadBody("not a form post")
    reader = _Multipart(params[b"boundary"], file_caps)
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > max_body:
            raise BodyTooLarge
        reader.feed(chunk)
    return reader.finish()


async def _read(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        parts.append(chunk)
    return b"".join(parts)


def _urlencoded(body: bytes) -> PostedForm:
    try:
        text = body.decode("ascii")
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                          max_num_fields=MAX_PARTS)
    except (UnicodeDecodeError, ValueError):
        raise BadBody("not url-encoded UTF-8") from None
    posted = PostedForm()
    for name, value in pairs:
        posted.fields.setdefault(name, []).append(value)
    return posted


class _Multipart:
    def __init__(self, boundary: bytes, file_caps: Mapping[str, int]) -> None:
        self._caps = file_caps
        self.posted = PostedForm()
        self._parts = 0
        self._text_total = 0
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._filename: str | None = None
        self._buffer = bytearray()
        self._cap = 0
        self._truncated = False
        self._done = False
        self._parser = MultipartParser(boundary, {
            "on_part_begin": self._part_begin,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_header_field": self._header_field_data,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_end": self._end,
        })

    def feed(self, chunk: bytes) -> None:
        try:
            self._parser.write(chunk)
        except (BadBody, BodyTooLarge):
            raise
        except Exception:  # python-multipart's own errors for a broken body
            raise BadBody("broken multipart body") from None

    def finish(self) -> PostedForm:
        try:
            self._parser.finalize()
        except Exception:
            raise BadBody("broken multipart body") from None
        if not self._done:
            raise BadBody("multipart body ends early")
        return self.posted

    def _part_begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise BadBody("too many parts")
        self._headers = {}
        self._buffer = bytearray()
        self._truncated = False

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field = bytearray()
        self._header_value = bytearray()

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        try:
            self._name = params.get(b"name", b"").decode("utf-8")
            filename = params.get(b"filename")
            self._filename = None if filename is None else filename.decode("utf-8")
        except UnicodeDecodeError:
            raise BadBody("part name is not UTF-8") from None
        if self._filename is not None:
            self._cap = self._caps.get(self._name, 0) + 1
        else:
            self._cap = MAX_TEXT_PART

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        room = self._cap - len(self._buffer)
        piece = data[start:end]
        if len(piece) > room:
            piece = piece[:max(room, 0)]
            self._truncated = True
        self._buffer += piece
        if self._filename is None:
            self._text_total += len(piece)
            if self._text_total > MAX_TEXT_TOTAL:
                raise BodyTooLarge

    def _part_end(self) -> None:
        if self._filename is None:
            try:  # a value cut at its cap may end inside a character
                value = self._buffer.decode("utf-8", "ignore" if self._truncated else "strict")
            except UnicodeDecodeError:
                raise BadBody("text value is not UTF-8") from None
            self.posted.fields.setdefault(self._name, []).append(value)
            return
        if self._filename == "" and not self._buffer:
            return  # a file input left empty: browsers send an empty part
        name = self._filename.replace("\\", "/").rsplit("/", 1)[-1][:MAX_FILE_NAME] or "file"
        self.posted.uploads.setdefault(self._name, []).append(
            Upload(name, self._buffer, self._truncated))

    def _end(self) -> None:
        self._done = True
