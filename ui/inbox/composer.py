"""The composer: up to five bubbles of text or photos, templates, and the send button.

* Each text bubble counts its length live in UTF-16 units (as LINE does: 😀 is 2)
  against 5,000; photos are JPEG or PNG, checked when added by :mod:`ui.photos` (type by
  their bytes, 10 MB at most, a preview made above 1 MB), as the broadcast composer does.
* The send button says what sending costs: "無料で返信できます あと 38 秒", counted
  down each second while the customer's reply window is open, else "プッシュ送信（今月の残り
  123 通）" from the quota (asked in the background, cached by the core).
* One :class:`app.line.send.Draft` per message: the button is disabled while it is sent,
  and a second click, or the same draft sent again, sends nothing more (the core knows
  the draft). What was typed stays until LINE accepted it.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError
from app.line.send import MAX_BUBBLES, MAX_TEXT_UNITS, Draft, ImageBubble, utf16_len
from app.line.send.split import split_text
from ui.inbox.texts import failure_words
from ui.photos import PhotoRefused, ask_photo_paths, check_photo, photo_button
from ui.worker import RunningOps

if TYPE_CHECKING:
    from app.book import Book
    from app.line.send import OutgoingResult, Quota

log = logging.getLogger("otokui.ui.inbox")

#: A disabled send button's colours (contrast 5.9:1; the style sheet's other disabled
#: buttons use the same).
DISABLED_BACKGROUND = "#EEF1F3"
DISABLED_TEXT = "#5F6368"


@dataclass
class PickedImage:
    path: Path
    size: int
    preview: bytes | None
    thumb: QPixmap


class TextBubbleEditor(QWidget):
    """One text bubble: the text, its live count, and, over LINE's limit, why it cannot be
    sent and a button that splits it into bubbles (``split_requested(editor, parts)``)."""

    changed = Signal()
    remove_requested = Signal(object)
    split_requested = Signal(object, list)

    def __init__(self, removable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bubbleEditor")
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("composerText")
        self.edit.setPlaceholderText(self.tr("Write a message…"))
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(48)
        self.edit.setMaximumHeight(72)
        self.counter = QLabel(self)
        self.counter.setObjectName("composerCounter")
        self.remove = QToolButton(self)
        self.remove.setText("×")
        self.remove.setToolTip(self.tr("Remove this bubble"))
        self.remove.setVisible(removable)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        #: How many bubbles this one may become (set by the composer: the free places + 1).
        self.room: Callable[[], int] = lambda: MAX_BUBBLES
        self.too_long = QLabel(self)
        self.too_long.setObjectName("composerTooLong")
        self.too_long.setWordWrap(True)
        self.too_long.setStyleSheet("color: #C5221F;")
        self.too_long.hide()
        self.split_button = QPushButton(self)
        self.split_button.setObjectName("splitBubble")
        self.split_button.hide()
        self.split_button.clicked.connect(self._split)
        self._parts: list[str] | None = None
        side = QVBoxLayout()
        side.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignRight)
        side.addStretch(1)
        side.addWidget(self.counter, 0, Qt.AlignmentFlag.AlignRight)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addLayout(side)
        problem = QHBoxLayout()
        problem.setContentsMargins(0, 0, 0, 0)
        problem.addWidget(self.too_long, 1)
        problem.addWidget(self.split_button, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addLayout(problem)
        self.edit.textChanged.connect(self._update)
        self._update()

    def units(self) -> int:
        return utf16_len(self.edit.toPlainText())

    def _update(self) -> None:
        n = self.units()
        self.counter.setText(f"{n:,} / {MAX_TEXT_UNITS:,}")
        self.counter.setStyleSheet("color: #C5221F; font-weight: bold;" if n > MAX_TEXT_UNITS
                                   else "color: #80868B;")
        self.refresh_split()
        self.changed.emit()

    def refresh_split(self) -> None:
        """Over the limit: say why sending is off, and offer the split if it fits."""
        n = self.units()
        over = n > MAX_TEXT_UNITS
        self._parts = split_text(self.edit.toPlainText(), max_parts=max(1, self.room())) \
            if over else None
        if not over:
            self.too_long.hide()
            self.split_button.hide()
            return
        why = self.tr("LINE takes at most %1 characters in a bubble; this one has %2.").replace(
            "%1", f"{MAX_TEXT_UNITS:,}").replace("%2", f"{n:,}")
        if self._parts is not None:
            advice = self.tr("Shorten it, or split it into bubbles at line and sentence ends.")
            self.split_button.setText(self.tr("Split into %n bubbles", "", len(self._parts)))
        else:
            advice = self.tr("It does not fit in the bubbles left (5 at most): shorten it.")
        # Japanese sentences run on without a space after 。 (English ones keep theirs).
        self.too_long.setText(re.sub(r"(?<=[。！？]) +", "", f"{why} {advice}"))
        self.too_long.show()
        self.split_button.setVisible(self._parts is not None)

    def _split(self) -> None:
        if self._parts:
            self.split_requested.emit(self, list(self._parts))


def split_editor(editors: list[TextBubbleEditor], add_bubble: Callable[[], Any],
                 editor: TextBubbleEditor, parts: list[str]) -> bool:
    """Put ``parts`` where ``editor`` was, the bubbles after it moving down (both composers)."""
    if editor not in editors:
        return False
    i = editors.index(editor)
    texts = [e.edit.toPlainText() for e in editors]
    texts[i:i + 1] = parts
    while len(editors) < len(texts):
        if add_bubble() is None:
            return False
    for e, text in zip(editors, texts, strict=False):
        if e.edit.toPlainText() != text:
            e.edit.setPlainText(text)
    return True


class Composer(QWidget):
    """Writes to :attr:`customer_id`. ``sent(result)`` after LINE's verdict."""

    sent = Signal(object)
    manage_templates = Signal()

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAcceptDrops(True)
        self.book: Book | None = book
        self.customer_id: int | None = None
        self.editors: list[TextBubbleEditor] = []
        self.images: list[PickedImage] = []
        self.draft: Draft | None = None
        self.sending = False
        self.closes_at_ms: int | None = None
        self.quota: Quota | None = None
        self.quota_failed = False
        # Not a LINE friend, or blocked the shop: nothing can be sent.
        self.unreachable = False
        self._ops = RunningOps()
        # Epoch seconds; the core's clock by default, so tests that move it move this too.
        self.clock = lambda: book.sending.clock()

        self.bubble_box = QVBoxLayout()
        self.bubble_box.setSpacing(4)
        self.image_row = QHBoxLayout()
        self.image_row.setSpacing(6)
        self.image_row.addStretch(1)
        self.notice = QLabel(self)
        self.notice.setObjectName("composerNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #B06000;")
        self.notice.hide()
        self.error = QLabel(self)
        self.error.setObjectName("composerError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C5221F;")
        self.error.hide()

        self.add_bubble_button = QToolButton(self)
        self.add_bubble_button.setObjectName("addBubble")
        self.add_bubble_button.setText(self.tr("+ Bubble"))
        self.add_bubble_button.setToolTip(self.tr("Add another speech bubble (up to 5)"))
        self.add_bubble_button.clicked.connect(lambda: self.add_bubble())
        self.image_button = QToolButton(self)
        self.image_button.setObjectName("addImage")
        self.image_button.setText(self.tr("Photo…"))
        self.image_button.setToolTip(self.tr("Add a JPEG or PNG photo (or drop one here)"))
        self.image_button.clicked.connect(self.pick_images)
        self.template_button = QToolButton(self)
        self.template_button.setObjectName("templates")
        self.template_button.setText(self.tr("Templates"))
        self.template_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.template_menu = QMenu(self)
        self.template_menu.aboutToShow.connect(self._fill_templates)
        self.template_button.setMenu(self.template_menu)
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(True)
        self.send_button.setShortcut("Ctrl+Return")
        self.send_button.setMinimumHeight(34)
        self.send_button.clicked.connect(self.send)
        # Disabled, it still says what sending would cost: dark grey on light grey, readable
        # (white on pale green was not).
        self.send_button.setStyleSheet(
            "QPushButton#sendButton { background: #06C755; color: white; border: none;"
            " border-radius: 6px; padding: 6px 16px; font-weight: bold; }"
            f"QPushButton#sendButton:disabled {{ background: {DISABLED_BACKGROUND};"
            f" color: {DISABLED_TEXT}; border: 1px solid #D5DADF; }}")
        self.blocked_note = QLabel(self)
        self.blocked_note.setObjectName("composerBlocked")
        self.blocked_note.setWordWrap(True)
        self.blocked_note.setStyleSheet("color: #80868B;")
        self.blocked_note.hide()

        tools = QHBoxLayout()
        tools.addWidget(self.add_bubble_button)
        tools.addWidget(self.image_button)
        tools.addWidget(self.template_button)
        tools.addStretch(1)
        tools.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.blocked_note)
        layout.addLayout(self.bubble_box)
        layout.addLayout(self.image_row)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addLayout(tools)
        self.setStyleSheet("QWidget#composer { background: #FFFFFF;"
                           " border-top: 1px solid #E3E6EA; }")

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.update_send_button)
        self.add_bubble()

    # --- bubbles -----------------------------------------------------------------------------
    def add_bubble(self, text: str = "") -> TextBubbleEditor | None:
        if len(self.editors) + len(self.images) >= MAX_BUBBLES:
            return None
        editor = TextBubbleEditor(removable=bool(self.editors), parent=self)
        editor.room = lambda: MAX_BUBBLES - len(self.editors) - len(self.images) + 1
        editor.edit.setPlainText(text)
        editor.changed.connect(self._edited)
        editor.remove_requested.connect(self.remove_bubble)
        editor.split_requested.connect(self.split_bubble)
        self.editors.append(editor)
        self.bubble_box.addWidget(editor)
        self._edited()
        return editor

    def remove_bubble(self, editor: TextBubbleEditor) -> None:
        if editor in self.editors and len(self.editors) > 1:
            self.editors.remove(editor)
            self.bubble_box.removeWidget(editor)
            editor.deleteLater()
            self._edited()

    def split_bubble(self, editor: TextBubbleEditor, parts: list[str]) -> None:
        split_editor(self.editors, self.add_bubble, editor, parts)

    def texts(self) -> list[str]:
        return [e.edit.toPlainText() for e in self.editors]

    def set_text(self, text: str, index: int = 0) -> None:
        self.editors[index].edit.setPlainText(text)

    def current_editor(self) -> TextBubbleEditor:
        for e in self.editors:
            if e.edit.hasFocus():
                return e
        return self.editors[-1]

    def _edited(self) -> None:
        self.draft = None  # what is typed changed: a new message
        for e in self.editors:
            e.refresh_split()  # the places left changed
        full = len(self.editors) + len(self.images) >= MAX_BUBBLES
        self.add_bubble_button.setEnabled(not full)
        self.image_button.setEnabled(not full)
        self.update_send_button()

    # --- images ------------------------------------------------------------------------------
    def pick_images(self) -> None:
        for path in ask_photo_paths(self):
            self.add_image(path)

    def add_image(self, path: Path) -> bool:
        """Check a photo and add it as a bubble; False (and the reason shown) if refused."""
        self._say_error("")
        if len(self.editors) + len(self.images) >= MAX_BUBBLES:
            self._say_error(self.tr("A message has at most 5 bubbles."))
            return False
        try:
            checked = check_photo(path)
        except PhotoRefused as exc:
            self._say_error(str(exc))
            return False
        thumb = checked.thumbnail(64)
        picked = PickedImage(path, checked.size, checked.preview, thumb)
        self.images.append(picked)
        holder = photo_button(self, thumb, path, lambda b: self.remove_image(picked, b),
                              name="composerImage")
        self.image_row.insertWidget(self.image_row.count() - 1, holder)
        self._edited()
        return True

    def remove_image(self, picked: PickedImage, holder: QWidget) -> None:
        if picked in self.images:
            self.images.remove(picked)
        self.image_row.removeWidget(holder)
        holder.deleteLater()
        self._edited()

    def _clear_images(self) -> None:
        self.images.clear()
        while self.image_row.count() > 1:
            item = self.image_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    @staticmethod
    def _local_images(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls()
                if u.isLocalFile() and u.toLocalFile().lower().endswith((".jpg", ".jpeg",
                                                                         ".png"))]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.customer_id is not None and self._local_images(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._local_images(event)
        if not paths or self.customer_id is None:
            event.ignore()
            return
        event.acceptProposedAction()
        for p in paths:
            self.add_image(p)

    # --- templates ---------------------------------------------------------------------------
    def _fill_templates(self) -> None:
        self.template_menu.clear()
        book = self.book
        if book is not None:
            templates = book.templates.list()
            for t in templates:
                action = self.template_menu.addAction(t.title)
                action.triggered.connect(lambda _c=False, text=t.text: self.insert_template(text))
            if not templates:
                none = self.template_menu.addAction(self.tr("No templates yet"))
                none.setEnabled(False)
        self.template_menu.addSeparator()
        self.template_menu.addAction(self.tr("Manage templates…"),
                                     self.manage_templates.emit)

    def insert_template(self, template_text: str) -> None:
        if self.book is None or self.customer_id is None:
            return
        rendered = self.book.templates.render(template_text, self.customer_id)
        self.current_editor().edit.insertPlainText(rendered.text)
        problems = []
        if rendered.unknown:
            problems.append(self.tr("Not recognised, left as written: %1").replace(
                "%1", "、".join(rendered.unknown)))
        if rendered.empty:
            problems.append(self.tr("Empty for this customer: %1").replace(
                "%1", "、".join(rendered.empty)))
        self._say_notice("\n".join(problems))

    # --- the customer ------------------------------------------------------------------------
    def set_customer(self, customer_id: int | None) -> None:
        if customer_id != self.customer_id:
            for e in self.editors[1:]:
                self.remove_bubble(e)
            if self.editors:
                self.editors[0].edit.clear()
            self._clear_images()
            self._say_error("")
            self._say_notice("")
        self.customer_id = customer_id
        self.draft = None
        self.refresh_window()
        self._refresh_quota()

    def refresh_window(self) -> None:
        book, cid = self.book, self.customer_id
        self.closes_at_ms = None
        self.unreachable = False
        if book is not None and cid is not None:
            window = book.sending.reply_window(cid)
            self.closes_at_ms = window.closes_at_ms if window.available else None
            c = book.customers.get(cid)
            note = ""
            if not c.line_user_id:
                note = self.tr("This customer is not a LINE friend: messages cannot be sent.")
            elif c.blocked_at is not None:
                note = self.tr("This customer has blocked your account: messages cannot be "
                               "sent.")
            self.unreachable = bool(note)
            self.blocked_note.setText(note)
            self.blocked_note.setVisible(bool(note))
        self._tick.start()
        self.update_send_button()

    def _refresh_quota(self, *, refresh: bool = False) -> None:
        book = self.book
        if book is None or not book.line.is_paired():
            return
        from ui.worker import run_in_background

        def got(q: Quota) -> None:
            self.quota, self.quota_failed = q, False
            self.update_send_button()

        def failed(exc: BaseException) -> None:
            self.quota_failed = True
            log.info("quota unknown (%s)", type(exc).__name__)
            self.update_send_button()

        op = run_in_background(self, lambda _p: book.sending.quota(refresh=refresh),
                               on_success=got, on_failure=failed)
        self._ops.track(op)

    def seconds_left(self) -> int:
        if self.closes_at_ms is None:
            return 0
        left = (self.closes_at_ms - self.clock() * 1000) / 1000
        return max(0, math.floor(left))

    def send_text(self) -> str:
        if self.sending:
            return self.tr("Sending…")
        left = self.seconds_left()
        if left >= 2:
            return self.tr("Free reply — %1 s left").replace("%1", str(left))
        if self.quota is not None and self.quota.remaining is not None:
            return self.tr("Push (%1 left this month)").replace(
                "%1", f"{self.quota.remaining:,}")
        if self.quota is not None:
            return self.tr("Push (no monthly limit)")
        return self.tr("Push (uses the monthly quota)")

    def has_content(self) -> bool:
        return any(t.strip() for t in self.texts()) or bool(self.images)

    def update_send_button(self) -> None:
        self.send_button.setText(self.send_text())
        left = self.seconds_left()
        if left < 2:
            self.closes_at_ms = None
        too_long = any(e.units() > MAX_TEXT_UNITS for e in self.editors)
        can = (self.customer_id is not None and not self.sending and self.has_content()
               and not too_long and not self.unreachable)
        self.send_button.setEnabled(can)
        self.send_button.setToolTip(self.tr(
            "Replies within a minute of the customer's message are free. Later messages "
            "are pushed and count against the month's messages.") if left < 2 else self.tr(
            "Sent as a reply: free of charge."))

    def _say_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _say_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # --- sending -----------------------------------------------------------------------------
    def bubbles(self) -> list[Any]:
        items: list[Any] = [t for t in self.texts() if t.strip()]
        items += [ImageBubble(i.path, preview=i.preview) for i in self.images]
        return items

    def send(self) -> Any:
        """Send what is written, once; returns the background operation (or None)."""
        book, cid = self.book, self.customer_id
        if book is None or cid is None or self.sending or not self.has_content():
            return None
        self._say_error("")
        if self.draft is None or self.draft.customer_id != cid:
            try:
                self.draft = book.sending.compose(cid, self.bubbles())
            except OtokuiError as exc:
                self._say_error(self._owner_words(exc))
                return None
        draft = self.draft
        self.sending = True
        self.update_send_button()
        from ui.worker import run_in_background

        op = run_in_background(self, lambda _p: book.sending.send(cid, draft),
                               on_success=self._sent, on_failure=self._refused)
        return self._ops.track(op)

    @staticmethod
    def _owner_words(exc: OtokuiError) -> str:
        from ui.errors import translate_error

        message, advice = translate_error(exc)
        return f"{message} {advice}".strip()

    def _sent(self, result: OutgoingResult) -> None:
        self.sending = False
        if result.state != "failed":
            # Accepted (or waiting for the next start): what was typed goes.
            for e in self.editors[1:]:
                self.remove_bubble(e)
            self.editors[0].edit.clear()
            self._clear_images()
            self._say_notice("")
            if result.via == "push" or result.fell_back:
                self._say_notice(self.tr("Sent as a push: 1 message of the month's quota.")
                                 if result.ok else "")
        else:
            self._say_error(failure_words(result.error_code, result.error)
                            or self.tr("The message could not be sent."))
        self.draft = None
        self.refresh_window()
        if result.via == "push":
            self._refresh_quota(refresh=True)
        self.sent.emit(result)

    def _refused(self, exc: BaseException) -> None:
        self.sending = False
        self.draft = None
        if isinstance(exc, OtokuiError):
            self._say_error(self._owner_words(exc))
        else:
            from ui.errors import show_error

            show_error(self, exc)
        self.update_send_button()

    @property
    def busy(self) -> bool:
        return self._ops.busy

    def release(self) -> None:
        self._tick.stop()
        self.book = None
        self.customer_id = None
