"""The app icon in every form the installers want, drawn from resources/icons/otokui.svg.

    python -m release.icons OUTDIR     # otokui-{16..1024}.png, otokui.ico, otokui.icns

Rendered with Qt's SVG renderer; the ICO and ICNS containers (a directory of PNG images
each) are written here, since Qt's writers put one image per file. The same command works
on the Linux, Windows and macOS release runners with nothing but the project's virtualenv.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "otokui.svg"
#: PNG sizes: the freedesktop hicolor theme's usual ones, and what ICO/ICNS hold.
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(size: int):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SOURCE}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def _png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    render(size).save(buffer, "PNG")
    return bytes(data)


def ico(sizes: tuple[int, ...] = ICO_SIZES) -> bytes:
    """A Windows icon holding PNG images (read by Windows Vista and later)."""
    images = [_png(size) for size in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, data in zip(sizes, images, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + entries + b"".join(images)


#: ICNS element types holding PNG data, by pixel size (Apple's icns format).
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08",
              512: b"ic09", 1024: b"ic10"}


def icns(sizes: tuple[int, ...] = ICNS_SIZES) -> bytes:
    """A macOS icon family: one PNG element per size."""
    body = b""
    for size in sizes:
        data = _png(size)
        body += ICNS_TYPES[size] + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_all(outdir: Path) -> list[Path]:
    # No application object: QImage, QPainter and the SVG renderer need none for a
    # text-free SVG, and one made here (a QGuiApplication) would be the wrong kind for a
    # widget test that runs later in the same process.
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in PNG_SIZES:
        path = outdir / f"otokui-{size}.png"
        if not render(size).save(str(path), "PNG"):
            raise SystemExit(f"cannot write {path}")
        written.append(path)
    for name, make in (("otokui.ico", ico), ("otokui.icns", icns)):
        (outdir / name).write_bytes(make())
        written.append(outdir / name)
    return written


if __name__ == "__main__":
    for path in make_all(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")):
        print(path)
