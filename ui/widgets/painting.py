"""Small drawing helpers shared by the table, the sidebar and the detail pane."""

from __future__ import annotations

import functools
import zlib

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPixmap

#: Calm avatar backgrounds (initial avatars are coloured by a stable hash of the id).
AVATAR_COLOURS = ("#5B8DEF", "#43A27A", "#E0A030", "#D9645A", "#8E6CCB", "#3AA6B9",
                  "#D66A9C", "#8C7A6B")
CHIP_HEIGHT = 20
CHIP_PAD = 8
CHIP_GAP = 4


def readable_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    r, g, b = background.redF(), background.greenF(), background.blueF()
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return QColor("#1F2328") if luminance > 0.6 else QColor("#FFFFFF")


def chip_width(metrics: QFontMetrics, text: str) -> int:
    return metrics.horizontalAdvance(text) + 2 * CHIP_PAD


def paint_chip(painter: QPainter, x: float, y: float, text: str, colour: str,
               metrics: QFontMetrics) -> float:
    """Draw one rounded tag chip at (x, y); returns its width.

    Chips are drawn once per tag, font and screen into a cached pixmap: a table shows
    the same few tags on thousands of rows.
    """
    device = painter.device()
    ratio = device.devicePixelRatioF() if device is not None else 1.0
    font = painter.font()
    chip = _chip(text, colour, font.key(), ratio, font)
    painter.drawPixmap(QPointF(x, y), chip)
    return chip.width() / ratio


_chips: dict[tuple[str, str, str, float], QPixmap] = {}


def _chip(text: str, colour: str, font_key: str, ratio: float, font: QFont) -> QPixmap:
    key = (text, colour, font_key, ratio)
    cached = _chips.get(key)
    if cached is not None:
        return cached
    if len(_chips) > 4096:
        _chips.clear()
    metrics = QFontMetrics(font)
    width = chip_width(metrics, text)
    px = QPixmap(int(width * ratio), int(CHIP_HEIGHT * ratio))
    px.setDevicePixelRatio(ratio)
    px.fill(Qt.GlobalColor.transparent)
    p = QPainter(px)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(font)
    bg = QColor(colour)
    rect = QRectF(0, 0, width, CHIP_HEIGHT)
    path = QPainterPath()
    path.addRoundedRect(rect, CHIP_HEIGHT / 2, CHIP_HEIGHT / 2)
    p.fillPath(path, bg)
    p.setPen(readable_on(bg))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    p.end()
    _chips[key] = px
    return px


def initial_of(*names: str | None) -> str:
    for name in names:
        if name and name.strip():
            return name.strip()[0].upper()
    return "?"


def initial_avatar(initial: str, key: int, size: int, ratio: float = 1.0) -> QPixmap:
    """A round avatar with an initial, for customers without a picture of their own.

    The colour comes from a stable hash of ``key`` (the customer id); pixmaps are shared
    by initial and colour, so a table of 100,000 customers draws from a few hundred.
    """
    return _avatar(initial, zlib.crc32(str(key).encode()) % len(AVATAR_COLOURS), size, ratio)


@functools.lru_cache(maxsize=2048)
def _avatar(initial: str, colour_index: int, size: int, ratio: float) -> QPixmap:
    colour = QColor(AVATAR_COLOURS[colour_index])
    px = QPixmap(int(size * ratio), int(size * ratio))
    px.setDevicePixelRatio(ratio)
    px.fill(Qt.GlobalColor.transparent)
    painter = QPainter(px)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(QRectF(0, 0, size, size))
    font = QFont(painter.font())
    font.setPixelSize(max(8, int(size * 0.46)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#FFFFFF"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, initial)
    painter.end()
    return px
