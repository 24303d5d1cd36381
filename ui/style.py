"""The app's Qt style: Fusion (the same on every system, takes the style sheet well),
without the old theme icons Fusion puts on dialog buttons.

Fusion draws a folder on 開く, a red cross on キャンセル and a tick on OK in every
QDialogButtonBox and QMessageBox (and Qt's own file dialog): icons of another era beside
the flat, text-only buttons of the style sheet. :class:`OtokuiStyle` says buttons have no
icons; everything else is Fusion's.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleFactory


class OtokuiStyle(QProxyStyle):
    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def styleHint(self, hint: QStyle.StyleHint, option: Any = None, widget: Any = None,
                  returnData: Any = None) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returnData)
