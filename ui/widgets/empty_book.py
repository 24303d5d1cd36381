"""What an empty customer book shows instead of an empty table: the next steps.

Shown over the customer table while the book has no customers at all (not when a search
or a tag simply finds nobody): add a customer, import a CSV file, connect the LINE
Official Account (friends then arrive by themselves), and where tags are made.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyBookGuide(QWidget):
    add_requested = Signal()
    import_requested = Signal()
    line_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyBookGuide")
        title = QLabel(self.tr("Your customer book is empty"), self)
        title.setObjectName("emptyBookTitle")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        intro = QLabel(self.tr("Start in one of three ways:"), self)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.add_button = QPushButton(self.tr("Add a customer…"), self)
        self.import_button = QPushButton(self.tr("Import customers from a CSV file…"), self)
        self.line_button = QPushButton(self.tr("Connect your LINE Official Account…"), self)
        self.add_button.clicked.connect(self.add_requested)
        self.import_button.clicked.connect(self.import_requested)
        self.line_button.clicked.connect(self.line_requested)
        line_note = QLabel(self.tr(
            "Once connected, friends of your LINE account appear here by themselves."), self)
        tags_note = QLabel(self.tr(
            "Then sort them with tags: “＋ Tag” at the top of the list on the left."), self)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(6)
        for widget in (self.add_button, self.import_button, self.line_button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        for note in (line_note, tags_note):
            note.setWordWrap(True)
            note.setAlignment(Qt.AlignmentFlag.AlignCenter)
            note.setStyleSheet("color: #5B6573;")
            layout.addWidget(note)
        layout.addStretch(2)
