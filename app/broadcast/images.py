"""Images in a broadcast: uploaded to the relay once, before the job is stored.

LINE takes an image message as two public HTTPS URLs, which the relay serves for
``RELAY_MEDIA_DAYS``. A broadcast uploads each image once (original, and a separate
preview when the original is over 1 MB) in :meth:`BroadcastService.create`, before
anything is stored, and keeps the URLs in the job's content: every request of the job,
every retry and every resumed run sends the same message objects. An upload that fails
leaves nothing behind (what was uploaded is taken down again).

The checks (JPEG/PNG, sizes, the preview rule) are the inbox's own
(:func:`app.line.send.bubbles.check_bubbles`); the HTTP calls are the relay client's, so its
errors (:class:`RelayMediaUnavailableError`, :class:`RelayMediaFullError`, ...) are what the
owner sees.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.line.send.bubbles import CheckedImage, check_bubbles
from app.line.send.service import IMAGE_MARGIN_MS

if TYPE_CHECKING:
    from app.book import Book
    from app.sync.relay_client import MediaRef

log = logging.getLogger("otokui.broadcasts")

#: A scheduled broadcast with images must leave the relay's copy this long after its time,
#: so customers who open LINE days later still see the pictures. With the relay's default
#: of 14 days, a broadcast with images can be scheduled up to 7 days ahead.
KEPT_AFTER_SEND = dt.timedelta(days=7)
#: Not started when an image expires sooner than this (as the inbox refuses a retry).
SEND_MARGIN_MS = IMAGE_MARGIN_MS

Item = str | CheckedImage


def check(bubbles: Any) -> tuple[Item, ...]:
    """1-5 bubbles checked as the inbox checks them: texts, and images read and checked."""
    return check_bubbles(0, bubbles).items


@dataclass(frozen=True)
class Uploaded:
    """One image of the broadcast on the relay."""

    position: int
    image: CheckedImage = field(repr=False)
    media: MediaRef


def upload(book: Book, items: Sequence[Item]) -> list[Uploaded]:
    """Upload every image of ``items`` once (and its preview when needed).

    On any failure the images already uploaded are taken down and the error (the relay
    client's own) is raised: nothing is left half made.
    """
    if all(isinstance(i, str) for i in items):
        return []
    done: list[Uploaded] = []
    client = book.line.relay_client()
    try:
        for position, item in enumerate(items):
            if isinstance(item, str):
                continue
            media = client.upload_media(item.data, item.content_type)
            done.append(Uploaded(position, item, media))
            if media.preview_url is None:
                assert item.preview is not None and item.preview_type is not None
                media = client.upload_preview(media, item.preview, item.preview_type)
                done[-1] = Uploaded(position, item, media)
    except BaseException:
        take_down(book, done)
        raise
    finally:
        client.close()
    log.info("broadcast images uploaded: %d", len(done))
    return done


def take_down(book: Book, uploaded: Sequence[Uploaded]) -> None:
    """Delete images of a broadcast that was never stored (best effort: they expire)."""
    if not uploaded:
        return
    try:
        with book.line.relay_client() as client:
            for u in uploaded:
                client.delete_media(u.media.media_id)
    except Exception as exc:
        log.info("could not take unused broadcast images off the relay: %s",
                 type(exc).__name__)


def expires_at_ms(uploaded: Sequence[Uploaded]) -> int | None:
    return min((u.media.expires_at_ms for u in uploaded), default=None)


def latest_time(uploaded: Sequence[Uploaded]) -> dt.datetime | None:
    """The latest time (UTC, naive) such a broadcast may be scheduled for."""
    ends = expires_at_ms(uploaded)
    if ends is None:
        return None
    return (dt.datetime.fromtimestamp(ends / 1000, dt.UTC).replace(tzinfo=None)
            - KEPT_AFTER_SEND)


def content(items: Sequence[Item], uploaded: Sequence[Uploaded]) -> dict[str, Any]:
    """The job's stored content: the texts as written and every bubble in order, images
    with their relay URLs (what each request sends) and what the history shows."""
    by_position = {u.position: u for u in uploaded}
    bubbles: list[dict[str, Any]] = []
    for position, item in enumerate(items):
        if isinstance(item, str):
            bubbles.append({"type": "text", "text": item})
            continue
        u = by_position[position]
        bubbles.append({
            "type": "image", "url": u.media.url, "preview_url": u.media.preview_url,
            "media_id": u.media.media_id, "expires_at_ms": u.media.expires_at_ms,
            "content_type": item.content_type, "size": len(item.data),
            "sha256": item.sha256})
    return {"texts": [i for i in items if isinstance(i, str)], "bubbles": bubbles}


def stored_bubbles(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The bubbles of a stored job (jobs stored before images had texts only)."""
    bubbles = content.get("bubbles")
    if isinstance(bubbles, list):
        return bubbles
    return [{"type": "text", "text": t} for t in content.get("texts") or []]


def line_message(bubble: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    """The LINE message object of a stored bubble (``text``: the rendered text)."""
    if bubble.get("type") == "image":
        return {"type": "image", "originalContentUrl": bubble["url"],
                "previewImageUrl": bubble["preview_url"]}
    return {"type": "text", "text": bubble["text"] if text is None else text}


def line_messages(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [line_message(b) for b in stored_bubbles(content)]


def stored_expiry_ms(content: dict[str, Any]) -> int | None:
    """When the first of a stored job's images stops being served (None: no images)."""
    return min((int(b.get("expires_at_ms") or 0) for b in stored_bubbles(content)
                if b.get("type") == "image"), default=None)
