"""One conversation: a header (name, status), the bubbles, paged from the newest.

Opening shows the newest :data:`PAGE` messages (one query) and scrolls to the end;
scrolling to the top loads the :data:`PAGE` before them, keeping what the owner looked
at in place. Opening marks the conversation read in Otokui at once and, when the owner
turned it on (``book.sending.mark_read_on_line_enabled``), on LINE in the background.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import NotFoundError
from app.messages import ConversationStatus, MessageRow
from app.tag_lines import merged, tag_rows
from ui.inbox.bubbles import CANVAS_STYLE, THUMB, DaySeparator, MessageBubble, SystemLine, day_of
from ui.inbox.texts import STATUS_COLOURS, day_label, status_label
from ui.thumbnails import decrypt_thumbnail
from ui.worker import BackgroundOp, RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.ui.inbox")

PAGE = 200
# Bubbles built before the first paint; the rest of the page follows in chunks.
FIRST_CHUNK = 30
CHUNK = 40
_SYSTEM_TYPES = ("system", "postback")


class ConversationView(QWidget):
    """Shows :attr:`customer_id`'s messages; ``status_changed`` after the owner sets one."""

    retry_requested = Signal(int)
    # A short word to the owner (shown under the conversation).
    notice = Signal(str)
    discard_requested = Signal(int)

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationPane")
        self.book: Book | None = book
        self.customer_id: int | None = None
        self.rows: list[MessageRow] = []
        self.has_older = False
        self.widgets: list[QWidget] = []
        self.bubbles: dict[int, MessageBubble] = {}
        self._thumbs: dict[int, QPixmap] = {}
        self._ops = RunningOps()
        self.previews: list[QWidget] = []

        self.title = QLabel(self)
        self.title.setObjectName("conversationTitle")
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.status = QComboBox(self)
        self.status.setObjectName("conversationStatus")
        for s in ConversationStatus:
            self.status.addItem(status_label(s.value), s.value)
        self.status.activated.connect(self._status_chosen)
        header = QHBoxLayout()
        header.setContentsMargins(16, 10, 16, 8)
        header.addWidget(self.title, 1)
        header.addWidget(self.status)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("messageScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.canvas = QWidget()
        self.canvas.setObjectName("messageCanvas")
        self.canvas.setStyleSheet(CANVAS_STYLE)
        self.lines = QVBoxLayout(self.canvas)
        self.lines.setContentsMargins(0, 8, 0, 8)
        self.lines.setSpacing(2)
        self.older = QLabel(self.tr("Scroll up for earlier messages"), self.canvas)
        self.older.setObjectName("olderHint")
        self.older.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lines.addWidget(self.older)
        self.lines.addStretch(1)
        self.scroll_area.setWidget(self.canvas)
        self._stick = True
        self._anchor: tuple[int, int] | None = None
        # Loaded rows (at the start of ``rows``) without bubbles yet.
        self._pending = 0
        self._more = QTimer(self)
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(self._build_more)
        self.scroll_area.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.scroll_area.verticalScrollBar().rangeChanged.connect(self._range_changed)

        self.placeholder = QLabel(self.tr("Choose a conversation on the left."), self)
        self.placeholder.setObjectName("conversationPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #80868B; background: #DCE6F0;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.placeholder, 1)
        self._show_placeholder(True)

    # --- opening -----------------------------------------------------------------------------
    def _show_placeholder(self, on: bool) -> None:
        self.placeholder.setVisible(on)
        self.scroll_area.setVisible(not on)
        self.title.setVisible(not on)
        self.status.setVisible(not on)

    def open(self, customer_id: int | None, *, mark_read: bool = True) -> None:
        self.customer_id = customer_id
        self._clear()
        if customer_id is None or self.book is None:
            self._show_placeholder(True)
            return
        self._show_placeholder(False)
        self._fill_header()
        self.rows = self._load(customer_id, PAGE, None)
        self._show_newest()
        if mark_read:
            self.mark_read()

    def _load(self, cid: int, limit: int, before: MessageRow | None) -> list[MessageRow]:
        """A page of messages (older than ``before``) with the tag lines of its time."""
        assert self.book is not None
        rows = self.book.messages.messages(
            cid, limit=limit, before=None if before is None else (before.at_ms, before.id))
        self.has_older = len(rows) == limit
        after = rows[0].at_ms - 1 if rows and self.has_older else None
        tags = tag_rows(self.book, cid, after_ms=after,
                        before_ms=None if before is None else before.at_ms - 1)
        return merged(rows, tags)

    def mark_read(self) -> None:
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return
        conv = book.messages.conversation(cid)
        if conv is not None and conv.unread_count:
            book.messages.mark_read(cid)
        if book.sending.mark_read_on_line_enabled():
            self._track(run_in_background(
                self, lambda _p: book.sending.mark_read_on_line(cid),
                on_failure=lambda e: log.info("read mark on LINE failed (%s)",
                                              type(e).__name__)))

    def _fill_header(self) -> None:
        assert self.book is not None and self.customer_id is not None
        conv = self.book.messages.conversation(self.customer_id)
        if conv is None:
            try:
                c = self.book.customers.get(self.customer_id)
                name = c.name or c.display_name
            except NotFoundError:
                name = ""
            status = ConversationStatus.OPEN.value
        else:
            name = conv.name or conv.display_name
            status = conv.status
        self.title.setText(name or "—")
        self.status.setCurrentIndex(max(0, self.status.findData(status)))
        colour = STATUS_COLOURS.get(status, "#9AA0A6")
        self.status.setStyleSheet(f"QComboBox {{ color: {colour}; font-weight: bold; }}")

    def _status_chosen(self, index: int) -> None:
        if self.book is not None and self.customer_id is not None:
            self.book.messages.set_status(self.customer_id, self.status.itemData(index))

    # --- building ----------------------------------------------------------------------------
    def _clear(self) -> None:
        for w in self.widgets:
            self.lines.removeWidget(w)
            w.deleteLater()
        self.widgets.clear()
        self.bubbles.clear()
        self.rows = []
        self._pending = 0
        self._more.stop()
        self.older.hide()

    def _make(self, rows: list[MessageRow], previous: MessageRow | None) -> list[QWidget]:
        made: list[QWidget] = []
        last_day = day_of(previous) if previous is not None else None
        for row in rows:
            day = day_of(row)
            if day != last_day:
                sep = DaySeparator(day_label(day), self.canvas)
                made.append(sep)
                last_day = day
            if row.type in _SYSTEM_TYPES:
                made.append(SystemLine(row, self.canvas))
                continue
            bubble = MessageBubble(row, self.canvas)
            bubble.open_image.connect(self.open_image)
            bubble.save_media.connect(self.save_media)
            bubble.keep_image.connect(self.keep_image)
            bubble.retry.connect(self.retry_requested)
            bubble.discard.connect(self.discard_requested)
            self.bubbles[row.id] = bubble
            if bubble.thumb is not None and row.attachment_id is not None:
                if row.attachment_id in self._thumbs:
                    bubble.set_thumbnail(self._thumbs[row.attachment_id])
                else:
                    self._load_thumbnail(row.attachment_id)
            made.append(bubble)
        return made

    def _show_newest(self) -> None:
        """Bubbles for the newest rows at once (a screenful and more), the rest just after
        the first paint, a chunk at a time (building 200 bubbles takes longer than the
        owner should wait to see the latest message)."""
        first = self.rows[-FIRST_CHUNK:]
        self._pending = len(self.rows) - len(first)
        self._build(first, at_top=False)
        self._scroll_to_end()
        if self._pending:
            self._more.start()

    def _build_more(self) -> None:
        """The next older chunk of loaded rows into bubbles, above what is shown."""
        if not self._pending:
            return
        n = min(CHUNK, self._pending)
        chunk = self.rows[self._pending - n:self._pending]
        shown = self.rows[self._pending] if self._pending < len(self.rows) else None
        self._pending -= n
        bar = self.scroll_area.verticalScrollBar()
        if not self._stick and self._anchor is None:
            self._anchor = (bar.maximum(), bar.value())
        self._build(chunk, at_top=True, first_shown=shown)
        if self._pending:
            self._more.start()

    def flush_pending(self) -> None:
        """Build every loaded row now (tests, and before an older page comes in)."""
        self._more.stop()
        while self._pending:
            self._build_more()
        self._more.stop()

    def _build(self, rows: list[MessageRow], *, at_top: bool,
               first_shown: MessageRow | None = None) -> None:
        self.canvas.setUpdatesEnabled(False)
        try:
            if at_top:
                # The older page: separators restart; drop the first one already shown
                # when the older page ends on the same day.
                made = self._make(rows, None)
                if self.widgets and isinstance(self.widgets[0], DaySeparator) and rows and \
                        first_shown is not None and day_of(rows[-1]) == day_of(first_shown):
                    first = self.widgets.pop(0)
                    self.lines.removeWidget(first)
                    first.deleteLater()
                start = 1  # after the "older" hint
                for i, w in enumerate(made):
                    self.lines.insertWidget(start + i, w)
                self.widgets[:0] = made
            else:
                made = self._make(rows, None)
                base = self.lines.count() - 1  # before the stretch
                for i, w in enumerate(made):
                    self.lines.insertWidget(base + i, w)
                self.widgets.extend(made)
            self.older.setVisible(self.has_older or bool(self._pending))
        finally:
            self.canvas.setUpdatesEnabled(True)

    def _scroll_to_end(self) -> None:
        self._stick = True
        self._anchor = None
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        # The layout settles after the widgets were added: keep the end in view, or what
        # was on screen before an older page came in.
        bar = self.scroll_area.verticalScrollBar()
        if self._anchor is not None:
            old_max, old_value = self._anchor
            if maximum != old_max:
                self._anchor = None
                bar.setValue(old_value + maximum - old_max)
        elif self._stick:
            bar.setValue(maximum)

    def _scrolled(self, value: int) -> None:
        bar = self.scroll_area.verticalScrollBar()
        if self._anchor is None:
            self._stick = value >= bar.maximum() - 4
        if value == 0 and self._anchor is None and self.rows and \
                (self.has_older or self._pending):
            QTimer.singleShot(0, self, self.load_older)

    def load_older(self) -> int:
        """The page before the oldest shown; returns how many rows came."""
        if self._pending:
            self._build_more()  # loaded rows first; they are already at hand
            return 0
        if self.book is None or self.customer_id is None or not self.rows or \
                not self.has_older:
            return 0
        first = next((r for r in self.rows if r.id > 0), None)
        if first is None:
            return 0
        older = self._load(self.customer_id, PAGE, first)
        if not older:
            self.older.hide()
            return 0
        self._stick = False
        self.rows[:0] = older
        self._pending = len(older)
        self._build_more()
        return len(older)

    def reload(self) -> None:
        """The conversation changed (a new message, a send settled): show it again."""
        if self.book is None or self.customer_id is None:
            return
        bar = self.scroll_area.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 40
        keep = max(PAGE, len(self.rows))
        cid = self.customer_id
        self._clear()
        self._fill_header()
        self.rows = self._load(cid, keep, None)
        if at_end:
            self._show_newest()
        else:  # the owner is reading further up: everything where it was
            value = bar.value()
            self._stick, self._anchor = False, None
            self._build(self.rows, at_top=False)
            bar.setValue(value)

    def book_changed(self, kinds: set[str], ids: dict[str, set[int] | None]) -> None:
        if self.customer_id is None:
            return
        if kinds & {"messages", "customers", "tags"}:
            changed = ids.get("messages") if "messages" in kinds else ids.get("customers")
            if "tags" in kinds or changed is None or self.customer_id in changed \
                    or not changed:
                self.reload()

    # --- media -------------------------------------------------------------------------------
    def _track(self, op: BackgroundOp) -> BackgroundOp:
        return self._ops.track(op)

    @property
    def busy(self) -> bool:
        return self._ops.busy

    def _load_thumbnail(self, attachment_id: int) -> None:
        book = self.book
        if book is None:
            return

        def work(_p: Any) -> QImage:
            return decrypt_thumbnail(book, attachment_id, THUMB)

        def done(image: QImage) -> None:
            if image.isNull() or self.book is None:
                return
            pixmap = QPixmap.fromImage(image)
            self._thumbs[attachment_id] = pixmap
            for bubble in self.bubbles.values():
                if bubble.row.attachment_id == attachment_id:
                    bubble.set_thumbnail(pixmap)

        self._track(run_in_background(self, work, on_success=done, on_failure=lambda e: log.info(
            "no thumbnail (%s)", type(e).__name__)))

    def open_image(self, attachment_id: int) -> None:
        if self.book is None:
            return
        from ui.preview import open_preview

        open_preview(self, self.book, attachment_id, on_open=self.previews.append)

    def save_media(self, attachment_id: int) -> None:
        if self.book is None:
            return
        att = self.book.attachments.get(attachment_id)
        path, _f = QFileDialog.getSaveFileName(self, self.tr("Save a copy"), att.file_name)
        if path:
            self.save_media_to(attachment_id, Path(path))

    def save_media_to(self, attachment_id: int, path: Path) -> BackgroundOp | None:
        book = self.book
        if book is None:
            return None
        return self._track(run_in_background(
            self, lambda _p: book.attachments.save_copy(attachment_id, path)))

    def keep_image(self, message_id: int) -> None:
        """Keep a received photo among the customer's attachments (添付ファイルとして保存).

        The sync already stored it as the customer's attachment (kind "photo"); keeping it
        labels it with the day it was received, so it stands out in the detail pane and
        stays when the conversation is cleared.
        """
        if self.book is None:
            return
        row = self.book.messages.get(message_id)
        if row.attachment_id is None:
            return
        self.book.attachments.update(row.attachment_id, kind="photo",
                                     date_label=self.tr("Received on LINE"),
                                     labelled_date=day_of(row))
        self.notice.emit(self.tr("The photo is kept among this customer's attachments."))

    def release(self) -> None:
        for window in self.previews:
            with contextlib.suppress(RuntimeError):  # already deleted by Qt
                window.close()
        self.previews.clear()
        self._thumbs.clear()
        self._clear()
        self.book = None
        self.customer_id = None
