"""Images a desktop uploads for LINE image messages: what is accepted and how it is named.

A LINE image message carries two HTTPS URLs, the original (JPEG or PNG, at most 10 MB) and
a preview (at most 1 MB), which LINE's servers and the customer's phone fetch. A desktop
has no public address, so it uploads the image to the relay, which serves it at
``{RELAY_PUBLIC_URL}/m/{token}`` for RELAY_MEDIA_DAYS days. The token is 256 random bits:
the URL is the only thing that grants access, because whoever fetches it (LINE, the
customer's phone) has no credentials to show.

Unlike webhook events these bytes are not sealed: the relay has to read them to serve
them. This module holds the rules (types, sizes, tokens); :mod:`relay.media_store` the
tables and :mod:`relay.media_http` the endpoints.
"""

from __future__ import annotations

import hashlib
import secrets
import string

JPEG = "image/jpeg"
PNG = "image/png"

#: LINE's limits say "10 MB" and "1 MB"; decimal megabytes are the stricter reading, so an
#: image the relay accepts is never one LINE refuses for its size.
MAX_ORIGINAL_BYTES = 10_000_000
MAX_PREVIEW_BYTES = 1_000_000
MEGABYTE = 1_000_000  # the unit of RELAY_MEDIA_MAX_MB, for the same reason

#: Stored and served in pieces of this size, so that serving a 10 MB image never holds more
#: than one piece in the relay's memory (a small VPS has 512 MB for everything).
CHUNK_BYTES = 512 * 1024

URL_TOKEN_BYTES = 32  # 256 bits, like device tokens: unguessable, so the URL is the key
URL_TOKEN_CHARS = 43  # URL-safe base64 of 32 bytes, without padding
_TOKEN_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")
MEDIA_ID_CHARS = 16

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Every PNG's first chunk is IHDR, 13 bytes long: checking it as well as the signature
# refuses a file that merely starts with the eight magic bytes.
_PNG_IHDR = b"\x00\x00\x00\x0dIHDR"
_JPEG_SOI = b"\xff\xd8\xff"  # start-of-image marker, then the first segment's marker


def declared_type(header: str | None) -> str | None:
    """The request's Content-Type when it is one LINE accepts for images, else None.

    Parameters (``; charset=...``) and letter case are ignored; ``image/jpg`` and other
    near-misses are refused, as LINE's documentation names exactly these two.
    """
    if not header:
        return None
    media_type = header.split(";", 1)[0].strip().lower()
    return media_type if media_type in (JPEG, PNG) else None


def sniffed_type(data: bytes) -> str | None:
    """What the bytes themselves say they are: JPEG, PNG, or None."""
    if data.startswith(_JPEG_SOI) and len(data) > len(_JPEG_SOI):
        return JPEG
    if data.startswith(_PNG_SIGNATURE + _PNG_IHDR):
        return PNG
    return None


def new_url_token() -> str:
    return secrets.token_urlsafe(URL_TOKEN_BYTES)


def hash_url_token(token: str) -> bytes | None:
    """SHA-256 of a URL token, or None when ``token`` cannot be one of ours.

    Only the hash is stored (like device tokens), so a copy of the database is not a set of
    links to the live relay. Malformed tokens are refused here, before any query.
    """
    if len(token) != URL_TOKEN_CHARS or not set(token) <= _TOKEN_ALPHABET:
        return None
    return hashlib.sha256(b"otokui-relay-media:" + token.encode("ascii")).digest()


def new_media_id() -> str:
    return secrets.token_hex(MEDIA_ID_CHARS // 2)


def is_media_id(value: str) -> bool:
    return len(value) == MEDIA_ID_CHARS and all(ch in "0123456789abcdef" for ch in value)


def media_url(public_url: str, token: str) -> str:
    """The public address of a stored image (``public_url`` has no trailing slash)."""
    return f"{public_url}/m/{token}"


def split_chunks(data: bytes) -> list[bytes]:
    return [data[start:start + CHUNK_BYTES] for start in range(0, len(data), CHUNK_BYTES)]
