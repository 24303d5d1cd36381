"""Small drawing helpers shared by the table, the sidebar and the detail pane."""

from __future__ import annotations

import functools
import zlib

from PySide6.QtCore import QRectF, Qt
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
    """Draw one rounded tag chip at (x, y); returns its width."""
    width = chip_width(metrics, text)
    bg = QColor(colour)
    rect = QRectF(x, y, width, CHIP_HEIGHT)
    path = QPainterPath()
    path.addRoundedRect(rect, CHIP_HEIGHT / 2, CHIP_HEIGHT / 2)
    painter.fillPath(path, bg)
    painter.setPen(readable_on(bg))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    return width


def initial_of(*names: str | None) -> str:
    for name in names:
        if name and name.strip():
            return name.strip()[0].upper()
    return "?"


@functools.lru_cache(maxsize=512)
def initial_avatar(initial: str, key: int, size: int, ratio: float = 1.0) -> QPixmap:
    """A round avatar with an initial, for customers without a picture of their own."""
    colour = QColor(AVATAR_COLOURS[zlib.crc32(str(key).encode()) % len(AVATAR_COLOURS)])
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
