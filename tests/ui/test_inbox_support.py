"""Helpers for the inbox tests (no tests here): messages written into a book as the sync
would leave them, each kind the conversation view shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from app.book import Book
from app.messages import recompute_summary
from app.store.models import Message

#: 2026-11-27 10:00 local time: a day the view separates from the next.
BASE = dt.datetime(2026, 11, 27, 10, 0)


def ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def image_bytes(width: int = 80, height: int = 60, colour: str = "#4C8BF5",
                fmt: str = "PNG") -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(device, fmt)
    device.close()
    return buffer.data()


def add_messages(book: Book, customer_id: int, specs: list[dict[str, Any]]) -> list[int]:
    """Write messages (dicts of Message columns; ``at`` a local datetime) in one go."""
    ids = []
    with book.db.write() as s:
        for spec in specs:
            spec = dict(spec)
            at = spec.pop("at", None)
            spec.setdefault("at_ms", ms(at) if at is not None else ms(BASE))
            spec.setdefault("direction", "in")
            spec.setdefault("type", "text")
            spec.setdefault("text", "")
            spec.setdefault("payload", {})
            m = Message(customer_id=customer_id, **spec)
            s.add(m)
            s.flush()
            ids.append(m.id)
        recompute_summary(s, customer_id)
    book.announce("messages", [customer_id])
    return ids


def every_kind(book: Book, customer_id: int) -> dict[str, int]:
    """One message of every kind the view draws, over two days; ids by name."""
    photo = book.attachments.add_bytes(customer_id, image_bytes(), file_name="LINE_image_1.png",
                                       kind="photo")
    video = book.attachments.add_bytes(customer_id, b"\x00\x00\x00\x18ftypmp42" + b"0" * 64,
                                       file_name="LINE_video_2.mp4", mime_type="video/mp4")
    doc = book.attachments.add_bytes(customer_id, b"%PDF-1.4\n%%EOF\n", file_name="menu.pdf")
    d1, d2 = BASE, BASE + dt.timedelta(days=1)
    names = ["followed", "text", "emoji", "sticker", "image", "video", "audio_pending", "file",
             "location", "postback", "unsent", "edited", "sent", "sending", "failed",
             "blocked"]
    specs: list[dict[str, Any]] = [
        {"type": "system", "payload": {"event": "followed"}, "at": d1},
        {"text": "明日の15時に予約できますか", "at": d1 + dt.timedelta(minutes=1)},
        {"text": "ありがとう (love)", "at": d1 + dt.timedelta(minutes=2),
         "payload": {"emojis": [{"index": 6, "length": 6, "productId": "p", "emojiId": "1"}]}},
        {"type": "sticker", "payload": {"packageId": "446", "stickerId": "1988",
                                        "keywords": ["OK", "了解"]},
         "at": d1 + dt.timedelta(minutes=3)},
        {"type": "image", "attachment_id": photo, "content_state": "stored",
         "at": d1 + dt.timedelta(minutes=4)},
        {"type": "video", "attachment_id": video, "content_state": "stored",
         "payload": {"duration": 65000}, "at": d1 + dt.timedelta(minutes=5)},
        {"type": "audio", "content_state": "pending", "payload": {"duration": 3000},
         "at": d1 + dt.timedelta(minutes=6)},
        {"type": "file", "attachment_id": doc, "content_state": "stored",
         "payload": {"fileName": "menu.pdf", "fileSize": 15},
         "at": d1 + dt.timedelta(minutes=7)},
        {"type": "location", "payload": {"title": "渋谷店", "address": "東京都渋谷区道玄坂1-2-3",
                                         "latitude": 35.658, "longitude": 139.7016},
         "at": d2},
        {"type": "postback", "payload": {"data": "action=reserve"},
         "at": d2 + dt.timedelta(minutes=1)},
        {"text": "", "unsent_at_ms": ms(d2 + dt.timedelta(minutes=3)),
         "at": d2 + dt.timedelta(minutes=2)},
        {"text": "16時に変更できますか", "edited_at_ms": ms(d2 + dt.timedelta(minutes=4)),
         "at": d2 + dt.timedelta(minutes=3)},
        {"direction": "out", "text": "はい、16時で承りました。", "state": "sent",
         "at": d2 + dt.timedelta(minutes=5)},
        {"direction": "out", "text": "お待ちしております。", "state": "sending",
         "at": d2 + dt.timedelta(minutes=6)},
        {"direction": "out", "text": "駐車場もございます。", "state": "failed",
         "error": "LINE refused the message; it was not sent.",
         "at": d2 + dt.timedelta(minutes=7)},
        {"type": "system", "payload": {"event": "blocked"}, "at": d2 + dt.timedelta(minutes=8)},
    ]
    ids = add_messages(book, customer_id, specs)
    return dict(zip(names, ids, strict=True))
