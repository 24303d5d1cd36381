"""Thumbnails of encrypted attachments, decrypted into memory only (never a temp file)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

if TYPE_CHECKING:
    from app.book import Book


def decrypt_thumbnail(book: Book, attachment_id: int, size: int) -> QImage:
    """The image scaled to fit ``size``×``size`` (a null image if it is not one).

    Runs on a worker thread. A thumbnail is not an "opening" of the document, so it is not
    audited as one.
    """
    data = book.attachments.read_bytes(attachment_id, audit=False)
    image = QImage.fromData(data)
    del data
    if image.isNull():
        return image
    return image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)
