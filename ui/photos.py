"""Photos the owner picks to send on LINE: checked once, the same way everywhere.

The inbox composer (one customer) and the broadcast composer (many) both take JPEG or
PNG photos. LINE's rules are checked here, when a photo is added, so the owner hears at
once what is wrong rather than after pressing send: the type is read from the bytes (not
the file name), 10 MB at most, and a photo over 1 MB gets a preview of at most 1 MB made
here with QImage (the Qt-free core has no imaging library).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFileDialog, QToolButton, QWidget

from app.line.send.bubbles import image_type

MAX_IMAGE_BYTES = 10_000_000
MAX_PREVIEW_BYTES = 1_000_000
PREVIEW_SIDE = 1024


class PhotoRefused(Exception):
    """A photo LINE would not take; ``str()`` is the owner's words (translated)."""


@dataclass
class CheckedPhoto:
    path: Path
    size: int
    # A JPEG preview for LINE, made only when the photo itself is over 1 MB.
    preview: bytes | None
    image: QImage

    def thumbnail(self, side: int) -> QPixmap:
        """The photo scaled to fit ``side`` × ``side`` px, for the composer's row."""
        return QPixmap.fromImage(self.image.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))


def make_preview(data: bytes) -> bytes:
    """A JPEG of at most :data:`PREVIEW_SIDE` px a side and 1 MB, for LINE's preview URL."""
    image = QImage.fromData(data)
    if image.isNull():
        raise ValueError("not an image")
    scaled = image.scaled(PREVIEW_SIDE, PREVIEW_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    for quality in (85, 70, 55, 40):
        buffer = QByteArray()
        device = QBuffer(buffer)
        device.open(QIODevice.OpenModeFlag.WriteOnly)
        # The stub types the format as bytes; PySide6 6.11 itself accepts only str here.
        scaled.convertToFormat(QImage.Format.Format_RGB32).save(  # type: ignore[call-overload]
            device, "JPEG", quality)
        device.close()
        if buffer.size() <= MAX_PREVIEW_BYTES:
            return bytes(buffer.data())
    raise ValueError("preview too large")


def _refused(text: str, path: Path) -> PhotoRefused:
    return PhotoRefused(text.replace("%1", path.name))


def check_photo(path: Path) -> CheckedPhoto:
    """Read and check a photo for LINE; raises :class:`PhotoRefused` saying why not."""
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise _refused(QCoreApplication.translate(
                "Photos", "“%1” is larger than 10 MB. LINE does not accept it: "
                "choose a smaller photo."), path)
        data = path.read_bytes()
    except OSError as exc:
        raise _refused(QCoreApplication.translate("Photos", "“%1” could not be read."),
                       path) from exc
    if image_type(data) is None:
        raise _refused(QCoreApplication.translate(
            "Photos", "“%1” is not a JPEG or PNG photo. LINE only takes those."), path)
    image = QImage.fromData(data)
    if image.isNull():
        raise _refused(QCoreApplication.translate(
            "Photos", "“%1” is damaged and cannot be sent."), path)
    preview = None
    if size > MAX_PREVIEW_BYTES:
        try:
            preview = make_preview(data)
        except ValueError as exc:
            raise _refused(QCoreApplication.translate(
                "Photos", "No preview could be made of “%1”."), path) from exc
    return CheckedPhoto(path, size, preview, image)


def ask_photo_paths(parent: QWidget) -> list[Path]:
    """The owner picks photos in a file dialog (none if cancelled)."""
    paths, _filter = QFileDialog.getOpenFileNames(
        parent, QCoreApplication.translate("Photos", "Add a photo"), "",
        QCoreApplication.translate("Photos", "Photos (*.jpg *.jpeg *.png)"))
    return [Path(p) for p in paths]


def photo_button(parent: QWidget, thumb: QPixmap, path: Path,
                 on_remove: Callable[[QToolButton], None], *, name: str) -> QToolButton:
    """A photo in a composer's row: its thumbnail; a click asks ``on_remove(button)``."""
    button = QToolButton(parent)
    button.setObjectName(name)
    button.setIcon(thumb)
    button.setIconSize(thumb.size())
    button.setToolTip(QCoreApplication.translate("Photos", "%1 — click to remove").replace(
        "%1", path.name))
    button.clicked.connect(lambda: on_remove(button))
    return button
