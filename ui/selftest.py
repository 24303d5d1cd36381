"""The window's part of ``self-test``: Qt with its PDF module, and the translations."""

from __future__ import annotations

import os
from pathlib import Path


def check_qt() -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtCore, QtPdf, QtPdfWidgets, QtWidgets  # noqa: F401

    translations = Path(QtCore.QLibraryInfo.path(
        QtCore.QLibraryInfo.LibraryPath.TranslationsPath))
    has_ja = (translations / "qtbase_ja.qm").exists()
    own = Path(__file__).resolve().parent.parent / "resources" / "translations"
    own_qm = sorted(p.name for p in own.glob("*_ja.qm")) if own.exists() else []
    if not has_ja:
        raise RuntimeError("Qt's own Japanese translations (qtbase_ja.qm) are missing")
    return (f"Qt {QtCore.qVersion()} with QtPdf; qtbase_ja.qm found"
            f"; Otokui translations: {', '.join(own_qm) or 'none compiled'}")
