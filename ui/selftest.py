"""The window's part of ``self-test``: Qt with its PDF module, and the translations."""

from __future__ import annotations

import functools
import os
import sys
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
            f"; Otokui translations: {', '.join(own_qm) or 'none compiled'}; {_check_text()}")


def _check_text() -> str:
    """Japanese collation and codecs work: on Linux they come from ICU, whose data the
    bundle carries slimmed to Japanese and English (release/icu_data.py)."""
    from PySide6 import QtCore

    collator = QtCore.QCollator(QtCore.QLocale(QtCore.QLocale.Language.Japanese,
                                               QtCore.QLocale.Country.Japan))
    words = sorted(["き", "カ", "か", "あ"], key=functools.cmp_to_key(collator.compare))
    # Code-point order would be あかきカ: Japanese collation puts カ beside か (before or
    # after it, depending on the system's collation rules), so き comes last.
    if words[0] != "あ" or words[-1] != "き":
        raise RuntimeError(f"Japanese collation is not available (sorted {words})")
    codecs = [name for name in ("Shift_JIS", "EUC-JP", "ISO-2022-JP")
              if not QtCore.QStringEncoder(name).isValid()]
    if codecs and sys.platform.startswith("linux"):  # ICU supplies them on Linux
        raise RuntimeError(f"Qt lacks the Japanese codecs {', '.join(codecs)}")
    return "Japanese collation" + ("" if codecs else " and codecs")
