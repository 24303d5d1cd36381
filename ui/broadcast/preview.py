"""The preview "as a chosen recipient sees it": LINE-like bubbles, placeholders filled in.

The bubbles are the inbox's own (:class:`ui.inbox.bubbles.MessageBubble`, as a message
received: white, on the left, on LINE's blue-grey), so the preview looks like the chat.
The recipient is picked from the plan's recipients (a combo box that can be searched by
typing); the texts are rendered for that customer by the core (``book.templates.render``,
the inbox's rendering), so what is shown is what that customer gets.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError
from app.messages import IN, MessageRow
from ui.inbox.bubbles import CANVAS_STYLE, MessageBubble

if TYPE_CHECKING:
    from app.book import Book

# What a bubble's row takes besides its text: the row's margins, the bubble's padding and
# the time beside it (px).
BUBBLE_CHROME = 110


def preview_row(text: str, index: int) -> MessageRow:
    """A received text message as the bubble widget takes it (nothing stored)."""
    return MessageRow(
        id=-(index + 1), customer_id=0, direction=IN, type="text", text=text, payload={},
        at_ms=int(time.time() * 1000), line_message_id=None, attachment_id=None,
        content_state=None, unsent=False, edited=False, quote_token=None,
        mark_as_read_token=None, reply_token=None, reply_token_received_ms=None,
        reply_token_used=False, state=None, error=None)


class _ImageBubble(QWidget):
    def __init__(self, thumb: QPixmap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewImage")
        frame = QFrame(self)
        frame.setObjectName("bubble")
        frame.setProperty("tone", "media")
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(6, 6, 6, 6)
        label = QLabel(frame)
        label.setObjectName("imageThumb")
        label.setPixmap(thumb)
        inner.addWidget(label)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 3, 12, 3)
        row.addWidget(frame)
        row.addStretch(1)


class BroadcastPreview(QWidget):
    """``recipient_changed(customer id or None)`` when another recipient is picked."""

    recipient_changed = Signal(object)

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("broadcastPreview")
        self.book: Book | None = book
        self.texts: list[str] = []
        self.images: list[QPixmap] = []
        self.bubbles: list[QWidget] = []
        #: The texts as the chosen recipient reads them (what the preview shows).
        self.shown: list[str] = []
        self.recipient = QComboBox(self)
        self.recipient.setObjectName("previewRecipient")
        self.recipient.setEditable(True)
        self.recipient.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.recipient.setMinimumContentsLength(14)
        edit, completer = self.recipient.lineEdit(), self.recipient.completer()
        assert edit is not None and completer is not None  # an editable combo box has both
        edit.setPlaceholderText(self.tr("Type a name to search"))
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.recipient.currentIndexChanged.connect(self._picked)
        self.recipient.installEventFilter(self)
        title = QLabel(self.tr("Preview as"), self)
        title.setObjectName("previewTitle")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(self.recipient, 1)

        self.canvas = QWidget()
        self.canvas.setObjectName("messageCanvas")
        self.canvas.setStyleSheet(CANVAS_STYLE)
        self.column = QVBoxLayout(self.canvas)
        self.column.setContentsMargins(0, 10, 0, 10)
        self.column.setSpacing(2)
        self.column.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setMinimumWidth(340)
        self.scroll_area.viewport().installEventFilter(self)
        self.note = QLabel(self)
        self.note.setObjectName("previewNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #B06000;")
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.note)

    # --- who ---------------------------------------------------------------------------------
    def set_candidates(self, candidates: list[tuple[int, str]]) -> None:
        """The recipients one can preview as: (customer id, how the owner knows them)."""
        keep = self.customer_id()
        self.recipient.blockSignals(True)
        self.recipient.clear()
        for cid, label in candidates:
            self.recipient.addItem(label, cid)
        index = self.recipient.findData(keep) if keep is not None else -1
        self.recipient.setCurrentIndex(index if index >= 0 else (0 if candidates else -1))
        self.recipient.blockSignals(False)
        self.refresh()
        if self.customer_id() != keep:
            self.recipient_changed.emit(self.customer_id())

    def customer_id(self) -> int | None:
        data = self.recipient.currentData()
        return int(data) if data is not None else None

    def choose(self, customer_id: int) -> bool:
        index = self.recipient.findData(customer_id)
        if index >= 0:
            self.recipient.setCurrentIndex(index)
        return index >= 0

    def _picked(self, _index: int) -> None:
        self.refresh()
        self.recipient_changed.emit(self.customer_id())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            self._fit()
        # Leaving the search box with text that names nobody: show who is previewed.
        if watched is self.recipient and event.type() == QEvent.Type.FocusOut:
            index = self.recipient.currentIndex()
            if index >= 0 and self.recipient.currentText() != self.recipient.itemText(index):
                self.recipient.setEditText(self.recipient.itemText(index))
        return super().eventFilter(watched, event)

    # --- what --------------------------------------------------------------------------------
    def set_content(self, texts: list[str], images: list[QPixmap]) -> None:
        self.texts = list(texts)
        self.images = list(images)
        self.refresh()

    def refresh(self) -> None:
        for bubble in self.bubbles:
            self.column.removeWidget(bubble)
            bubble.hide()  # gone now, not when the event loop gets to deleting it
            bubble.deleteLater()
        self.bubbles = []
        self.shown = []
        book, cid = self.book, self.customer_id()
        empty: list[str] = []
        for i, text in enumerate(self.texts):
            shown = text
            if book is not None and cid is not None:
                try:
                    rendered = book.templates.render(text, cid)
                except OtokuiError:  # deleted meanwhile: shown as written
                    rendered = None
                if rendered is not None:
                    shown = rendered.text
                    empty += [p for p in rendered.empty if p not in empty]
            self.shown.append(shown)
            bubble = MessageBubble(preview_row(shown, i), self.canvas)
            self.bubbles.append(bubble)
        for thumb in self.images:
            self.bubbles.append(_ImageBubble(thumb, self.canvas))
        for bubble in self.bubbles:
            self.column.insertWidget(self.column.count() - 1, bubble)
        self._fit()
        self.note.setText(self.tr("Empty for this customer: %1").replace(
            "%1", "、".join(empty)) if empty else "")
        self.note.setVisible(bool(empty))

    def _fit(self) -> None:
        """Wrap the texts in a narrow preview instead of running off to the side.

        The inbox's bubbles ask for the width of their longest line (up to the bubble's
        limit), right for the chat's wide column; here each asks for at most what the
        preview has room for.
        """
        room = max(120, self.scroll_area.viewport().width() - BUBBLE_CHROME)
        for bubble in self.bubbles:
            for label in bubble.findChildren(QLabel, "bubbleText"):
                natural = label.property("naturalWidth")
                if natural is None:
                    natural = label.minimumWidth()
                    label.setProperty("naturalWidth", natural)
                label.setMinimumWidth(min(int(natural), room))

    def release(self) -> None:
        self.book = None
