"""ヘルプ → はじめての方へ: the owner's first steps (create the book, add customers or import
a CSV file, tags, connect LINE, chat, broadcast, back up).

The guide is a bundled HTML page per language (``resources/guide/first-steps.<lang>.html``)
shown in a text browser: it works offline and is easy to edit without touching code.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ui.i18n import current_language
from ui.resources import resources_dir


def guide_path(language: str | None = None) -> Path:
    """The guide in ``language`` (the UI's by default), English when there is none."""
    folder = resources_dir() / "guide"
    page = folder / f"first-steps.{language or current_language()}.html"
    return page if page.exists() else folder / "first-steps.en.html"


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideDialog")
        self.setWindowTitle(self.tr("First steps"))
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guideText")
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(guide_path().read_text(encoding="utf-8"))
        self.browser.document().setDocumentMargin(16)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(680, 720)
