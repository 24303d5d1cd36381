"""One line of a conversation as widgets: a bubble (in on the left, out on the right, in
LINE's green), a day separator, or a grey system line.

Received pictures are attachments of the customer (the sync stores them so, see
docs/sync.md); the bubble shows a thumbnail decrypted in memory, never to a file, and a
click opens :mod:`ui.preview`. Other media can be saved (a decrypted copy where the owner
chooses). An outgoing message shows its state under the bubble; a failed one says why
and offers to retry or discard it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import quote

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.messages import IN, MessageRow
from ui.inbox.texts import local_from_ms, sending_words

if TYPE_CHECKING:
    pass

THUMB = 220
MAX_BUBBLE_WIDTH = 420
# One style sheet for the whole conversation (set on its canvas): parsing a sheet per
# widget cost more than building the 200 bubbles themselves (bench/inbox.py).
CANVAS_STYLE = """
QWidget#messageCanvas { background: #DCE6F0; }
QFrame#bubble { border-radius: 14px; }
QFrame#bubble[tone="in"] { background: #FFFFFF; border: 1px solid #E3E6EA; }
QFrame#bubble[tone="out"] { background: #8DE055; }
QFrame#bubble[tone="media"] { background: #F1F3F4; border: 1px solid #E3E6EA; }
QFrame#bubble[tone="failed"] { background: #FDECEA; border: 1px solid #F4B4AE; }
QLabel#bubbleMeta, QLabel#bubbleState { color: #80868B; font-size: 11px; }
QLabel#unsentText { color: #80868B; font-style: italic; }
QLabel#stickerPlaceholder { color: #5F6368; font-size: 15px; border: 2px dashed #C4C9CF;
                            border-radius: 10px; }
QLabel#stickerKeywords { color: #5F6368; font-size: 12px; }
QLabel#imageThumb { background: #E8EBEF; border-radius: 8px; }
QLabel#locationTitle { font-weight: bold; }
QLabel#mediaState { color: #80868B; }
QLabel#failReason { color: #C5221F; font-size: 12px; }
QLabel#daySeparator { color: #FFFFFF; background: #A9B4C2; border-radius: 10px;
                      padding: 2px 12px; margin: 8px; }
QLabel#systemLine { color: #5F6368; background: #E8EBEF; border-radius: 10px;
                    padding: 3px 12px; margin: 2px 40px; }
QLabel#olderHint { color: #5F6368; padding: 6px; }
"""


def system_text(row: MessageRow) -> str:
    """The grey line for a system event or a postback."""
    if row.type == "postback":
        data = str(row.payload.get("data", "") or "")
        if not data:
            return QCoreApplication.translate("Bubble", "Tapped a button")
        return QCoreApplication.translate("Bubble", "Tapped a button: %1").replace("%1", data)
    event = row.payload.get("event")
    texts = {
        "followed": QCoreApplication.translate("Bubble", "Added you as a friend"),
        "unblocked": QCoreApplication.translate("Bubble", "Unblocked your account"),
        "blocked": QCoreApplication.translate("Bubble", "Blocked your account"),
        "account_link": QCoreApplication.translate("Bubble", "Linked their account"),
        "membership_joined": QCoreApplication.translate("Bubble", "Joined the membership"),
        "membership_left": QCoreApplication.translate("Bubble", "Left the membership"),
        "membership_renewed": QCoreApplication.translate("Bubble", "Renewed the membership"),
        "beacon_enter": QCoreApplication.translate("Bubble", "Came within the shop's beacon"),
        "beacon_banner": QCoreApplication.translate("Bubble",
                                                    "Tapped the shop's beacon banner"),
        "video_watched": QCoreApplication.translate("Bubble", "Watched the video to the end"),
        "tag_added": QCoreApplication.translate("Bubble", "Tag added: %1").replace(
            "%1", str(row.payload.get("tag", ""))),
    }
    text = texts.get(str(event),
                     QCoreApplication.translate("Bubble", "Friend status changed"))
    tracking = row.payload.get("tracking_id")
    if event == "video_watched" and isinstance(tracking, str) and tracking:
        text += f" ({tracking})"
    return text


def chat_mark(row: MessageRow) -> str:
    """「グループで」/「複数人トークで」 for a message written in a group or room."""
    chat = row.payload.get("chat")
    kind = chat.get("type") if isinstance(chat, dict) else None
    if kind == "group":
        return QCoreApplication.translate("Bubble", "In a group")
    if kind == "room":
        return QCoreApplication.translate("Bubble", "In a multi-person chat")
    return ""


def map_url(latitude: object, longitude: object) -> str:
    return ("https://www.google.com/maps/search/?api=1&query="
            + quote(f"{latitude},{longitude}"))


def human_size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1000:
        return f"{n / 1000:.0f} KB"
    return f"{n} B"


class DaySeparator(QLabel):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("daySeparator")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)


class SystemLine(QLabel):
    def __init__(self, row: MessageRow, parent: QWidget | None = None) -> None:
        time = f"{local_from_ms(row.at_ms):%H:%M}"
        super().__init__(f"{system_text(row)}  {time}", parent)
        self.message_id = row.id
        self.setObjectName("systemLine")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)


class MessageBubble(QWidget):
    """A received or sent message. Signals carry the message id."""

    open_image = Signal(int)       # attachment id
    save_media = Signal(int)       # attachment id
    keep_image = Signal(int)       # message id
    retry = Signal(int)
    discard = Signal(int)

    def __init__(self, row: MessageRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.message_id = row.id
        self.setObjectName("messageBubble")
        self.outgoing = row.direction != IN
        self.thumb: QLabel | None = None
        self.retry_button: QPushButton | None = None
        self.discard_button: QPushButton | None = None
        self.state_label: QLabel | None = None
        self.bubble = QFrame(self)
        self.bubble.setObjectName("bubble")
        self.bubble.setMaximumWidth(MAX_BUBBLE_WIDTH)
        inner = QVBoxLayout(self.bubble)
        inner.setContentsMargins(12, 8, 12, 8)
        inner.setSpacing(4)
        self.body = inner
        tone = "out" if self.outgoing else "in"
        if row.type in ("sticker", "video", "audio", "file", "location") and not row.unsent:
            tone = "media"
        if row.state == "failed":
            tone = "failed"
        self.bubble.setProperty("tone", tone)
        self._fill(row)

        meta = QVBoxLayout()
        meta.setSpacing(0)
        meta.addStretch(1)
        marks = []
        if chat_mark(row):
            marks.append(chat_mark(row))
        if row.edited:
            marks.append(QCoreApplication.translate("Bubble", "Edited"))
        marks.append(f"{local_from_ms(row.at_ms):%H:%M}")
        self.meta_label = QLabel(" ".join(marks), self)
        self.meta_label.setObjectName("bubbleMeta")
        if self.outgoing:
            self.state_label = QLabel(self.state_text(row), self)
            self.state_label.setObjectName("bubbleState")
            meta.addWidget(self.state_label, 0, Qt.AlignmentFlag.AlignRight)
        meta.addWidget(self.meta_label, 0, Qt.AlignmentFlag.AlignRight if self.outgoing
                       else Qt.AlignmentFlag.AlignLeft)

        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(6)
        if self.outgoing:
            line.addStretch(1)
            line.addLayout(meta)
            line.addWidget(self.bubble)
        else:
            line.addWidget(self.bubble)
            line.addLayout(meta)
            line.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 3, 12, 3)
        outer.setSpacing(2)
        outer.addLayout(line)
        if row.state == "failed":
            outer.addLayout(self._failed_row(row))

    @staticmethod
    def state_text(row: MessageRow) -> str:
        if row.state == "sending":
            return QCoreApplication.translate("Bubble", "Sending…")
        if row.state == "sent":
            return QCoreApplication.translate("Bubble", "Sent")
        if row.state == "failed":
            return QCoreApplication.translate("Bubble", "Not sent",
                                              "a message that failed")
        return ""

    def _label(self, text: str, *, selectable: bool = True) -> QLabel:
        label = QLabel(text, self.bubble)
        label.setObjectName("bubbleText")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        if selectable:
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A wrapped label asks for little width: give it what its longest line needs, so
        # a bubble is as wide as its text (up to the bubble's limit), as in LINE.
        metrics = label.fontMetrics()
        longest = max((metrics.horizontalAdvance(line) for line in text.split("\n")),
                      default=0)
        label.setMinimumWidth(min(MAX_BUBBLE_WIDTH - 26, longest + 4))
        self.body.addWidget(label)
        return label

    def _button(self, text: str) -> QPushButton:
        button = QPushButton(text, self.bubble)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.body.addWidget(button)
        return button

    def _fill(self, row: MessageRow) -> None:
        if row.unsent:
            unsent = QCoreApplication.translate("Bubble", "This message was unsent.")
            label = self._label(unsent, selectable=False)
            label.setObjectName("unsentText")
            return
        t, p = row.type, row.payload
        if t == "text":
            self._label(row.text)
        elif t == "sticker":
            box = self._label(QCoreApplication.translate("Bubble", "Sticker"), selectable=False)
            box.setObjectName("stickerPlaceholder")
            box.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.setMinimumSize(120, 72)
            raw = p.get("keywords")
            keywords = [str(k) for k in raw if isinstance(k, str)][:6] \
                if isinstance(raw, list) else []
            if row.text:
                keywords.insert(0, row.text)
            if keywords:
                kw = self._label("、".join(keywords))
                kw.setObjectName("stickerKeywords")
        elif t == "image":
            self._fill_media_state(row, QCoreApplication.translate("Bubble", "Photo"))
            if row.attachment_id is not None:
                self.thumb = QLabel(QCoreApplication.translate("Bubble", "Photo"), self.bubble)
                self.thumb.setObjectName("imageThumb")
                self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.thumb.setMinimumSize(160, 120)
                self.thumb.setCursor(Qt.CursorShape.PointingHandCursor)
                self.thumb.setToolTip(QCoreApplication.translate("Bubble", "Click to view"))
                self.thumb.mousePressEvent = lambda _e: self.open_image.emit(  # type: ignore
                    row.attachment_id)
                self.body.addWidget(self.thumb)
                if not self.outgoing:
                    keep = self._button(QCoreApplication.translate("Bubble", "Keep as attachment"))
                    keep.setObjectName("keepImage")
                    keep.setFlat(True)
                    keep.clicked.connect(lambda: self.keep_image.emit(row.id))
        elif t in ("video", "audio", "file"):
            what = {"video": QCoreApplication.translate("Bubble", "Video"),
                    "audio": QCoreApplication.translate("Bubble", "Voice message"),
                    "file": QCoreApplication.translate("Bubble", "File")}[t]
            title = what
            if t == "file":
                title = f"{p.get('fileName') or what}"
                if isinstance(p.get("fileSize"), int):
                    title += f"  ({human_size(p['fileSize'])})"
            elif isinstance(p.get("duration"), int):
                seconds = p["duration"] // 1000
                title += f"  {seconds // 60}:{seconds % 60:02d}"
            self._label(title)
            self._fill_media_state(row, what)
            if row.attachment_id is not None:
                save = self._button(QCoreApplication.translate("Bubble", "Save…"))
                save.setObjectName("saveMedia")
                save.clicked.connect(lambda: self.save_media.emit(row.attachment_id))
        elif t == "location":
            title = str(p.get("title") or QCoreApplication.translate("Bubble", "Location"))
            self._label(title).setObjectName("locationTitle")
            if p.get("address"):
                self._label(str(p["address"]))
            if p.get("latitude") is not None and p.get("longitude") is not None:
                link = QLabel(f'<a href="{map_url(p["latitude"], p["longitude"])}">'
                              f'{QCoreApplication.translate("Bubble", "Open the map")}</a>',
                              self.bubble)
                link.setObjectName("mapLink")
                link.setTextFormat(Qt.TextFormat.RichText)
                link.setOpenExternalLinks(True)
                self.body.addWidget(link)
        else:
            self._label(row.text or QCoreApplication.translate(
                "Bubble", "A message of a kind Otokui cannot show yet (open LINE to see it)."))

    def _fill_media_state(self, row: MessageRow, _what: str) -> None:
        if row.content_state == "pending":
            self._label(QCoreApplication.translate("Bubble", "Downloading…"),
                        selectable=False).setObjectName("mediaState")
        elif row.content_state == "unavailable":
            self._label(QCoreApplication.translate("Bubble", "LINE no longer has this content."),
                        selectable=False).setObjectName("mediaState")

    def set_thumbnail(self, pixmap: QPixmap) -> None:
        if self.thumb is not None:
            self.thumb.setPixmap(pixmap)
            self.thumb.setText("")
            self.thumb.setMinimumSize(pixmap.size() / max(1.0, pixmap.devicePixelRatio()))

    def _failed_row(self, row: MessageRow) -> QHBoxLayout:
        box = QHBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.addStretch(1)
        reason = QLabel(sending_words(row.error) if row.error else
                        QCoreApplication.translate("Bubble", "This message could not be sent."),
                        self)
        reason.setObjectName("failReason")
        reason.setWordWrap(True)
        reason.setMaximumWidth(MAX_BUBBLE_WIDTH)
        self.retry_button = QPushButton(QCoreApplication.translate("Bubble", "Retry"), self)
        self.retry_button.setObjectName("retryButton")
        self.retry_button.clicked.connect(lambda: self.retry.emit(row.id))
        self.discard_button = QPushButton(QCoreApplication.translate("Bubble", "Discard"), self)
        self.discard_button.setObjectName("discardButton")
        self.discard_button.clicked.connect(lambda: self.discard.emit(row.id))
        box.addWidget(reason, 1)
        box.addWidget(self.retry_button)
        box.addWidget(self.discard_button)
        return box


def day_of(row: MessageRow) -> dt.date:
    return local_from_ms(row.at_ms).date()
