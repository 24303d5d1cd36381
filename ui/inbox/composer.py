"""The composer: up to five bubbles of text or photos, templates, and the send button.

* The bubbles are :class:`ui.widgets.bubbles_editor.BubblesEditor`, the broadcast
  composer's too: each text counts its length live in UTF-16 units (as LINE does: 😀 is
  2) against 5,000 and offers to split a longer one; photos are JPEG or PNG, checked when
  added by :mod:`ui.photos` (type by their bytes, 10 MB at most, a preview made above
  1 MB), here also by dropping them on the composer.
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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError
from app.line.send import Draft
from ui.inbox.texts import failure_words
from ui.widgets.bubbles_editor import BubblesEditor
from ui.widgets.note_label import ERROR_COLOUR, WARNING_COLOUR, note_label
from ui.worker import RunningOps

if TYPE_CHECKING:
    from app.book import Book
    from app.line.send import OutgoingResult, Quota

log = logging.getLogger("otokui.ui.inbox")

#: A disabled send button's colours (contrast 5.9:1; the style sheet's other disabled
#: buttons use the same).
DISABLED_BACKGROUND = "#EEF1F3"
DISABLED_TEXT = "#5F6368"


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
        self.draft: Draft | None = None
        self.sending = False
        self.closes_at_ms: int | None = None
        self.quota: Quota | None = None
        self.quota_failed = False
        # Not a LINE friend, or blocked the shop: nothing can be sent.
        self.unreachable = False
        self._ops = RunningOps()
        # Epoch seconds; the core's clock by default, so tests that move it move this too.
        self.clock: Callable[[], float] = lambda: book.sending.clock()

        self.message = BubblesEditor(
            self, spacing=4, photo_tip=self.tr("Add a JPEG or PNG photo (or drop one here)"))
        self.notice = note_label(self, "composerNotice", WARNING_COLOUR)
        self.error = note_label(self, "composerError", ERROR_COLOUR)
        self.message.notes.addWidget(self.notice)
        self.message.notes.addWidget(self.error)
        self.message.add_tool(self._build_templates())
        self.message.add_tool(self._build_send_button(), at_end=True)
        self.blocked_note = note_label(self, "composerBlocked", "#80868B")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.blocked_note)
        layout.addWidget(self.message)
        self.setStyleSheet("QWidget#composer { background: #FFFFFF;"
                           " border-top: 1px solid #E3E6EA; }")

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.update_send_button)
        self.message.changed.connect(self._edited)
        self.message.problem.connect(self._say_error)
        self._edited()

    def _build_templates(self) -> QToolButton:
        self.template_button = QToolButton(self)
        self.template_button.setObjectName("templates")
        self.template_button.setText(self.tr("Templates"))
        self.template_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.template_menu = QMenu(self)
        self.template_menu.aboutToShow.connect(self._fill_templates)
        self.template_button.setMenu(self.template_menu)
        return self.template_button

    def _build_send_button(self) -> QPushButton:
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
        return self.send_button

    # --- bubbles -----------------------------------------------------------------------------
    def _edited(self) -> None:
        self.draft = None  # what is typed changed: a new message
        self.update_send_button()

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
            self.message.add_photo(p)

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
        self.message.current_editor().edit.insertPlainText(rendered.text)
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
            self.message.clear()
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

    def update_send_button(self) -> None:
        self.send_button.setText(self.send_text())
        left = self.seconds_left()
        if left < 2:
            self.closes_at_ms = None
        can = (self.customer_id is not None and not self.sending
               and self.message.has_content() and not self.message.over_limit()
               and not self.unreachable)
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
    def send(self) -> Any:
        """Send what is written, once; returns the background operation (or None)."""
        book, cid = self.book, self.customer_id
        if book is None or cid is None or self.sending or not self.message.has_content():
            return None
        self._say_error("")
        if self.draft is None or self.draft.customer_id != cid:
            try:
                self.draft = book.sending.compose(cid, self.message.bubbles())
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
            self.message.clear()
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
