"""Where the app's own resources are: style sheet, icons, translations.

From a source checkout they sit in ``resources/`` beside ``ui/``; in a PyInstaller bundle
they are unpacked under ``sys._MEIPASS``.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from PySide6.QtGui import QIcon


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def translations_dir() -> Path:
    return resources_dir() / "translations"


@functools.cache
def icon(name: str) -> QIcon:
    """An icon drawn for Otokui (``resources/icons/<name>.svg``); empty if missing."""
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def style_sheet() -> str:
    path = resources_dir() / "style.qss"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    # url(icons/x.svg) in the sheet is relative to resources/, wherever that is.
    return text.replace("url(icons/", f"url({(resources_dir() / 'icons').as_posix()}/")
