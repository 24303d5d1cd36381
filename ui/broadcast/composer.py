"""The broadcast composer: up to five bubbles to many customers, priced before it goes.

* Bubbles are the inbox composer's editors (:class:`ui.inbox.composer.TextBubbleEditor`,
  with its live UTF-16 counter); placeholders (the customer's name, custom fields) come
  from the 差し込み menu; photos are checked as the inbox checks them (:mod:`ui.photos`).
* Recipients: a saved segment, a tag, the customers selected in the table, or every
  friend. Whenever the content or the choice changes, ``book.broadcasts.plan()`` runs off
  the GUI thread (it asks LINE for the month's quota) and the summary says how many
  receive it, what it costs and what remains; over the quota it says so and offers to
  send only to as many as remain (``create(..., trim_to_quota=True)``).
* The preview shows the bubbles as one chosen recipient reads them.
* 送信 plans again (the numbers are fresh), stores the job and hands it to the window's
  :class:`ui.broadcast.runner.Runner` (progress, cancel); or it is scheduled. Once stored,
  the composer turns read-only, so the same broadcast cannot be sent twice from it. Any
  error leaves what was typed as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import fields as fieldmod
from app import placeholders
from app.broadcast import BroadcastPlan, NoOwnerError, QuotaExceededError, Recipients
from app.errors import OtokuiError
from app.line.send import MAX_BUBBLES, MAX_TEXT_UNITS, ImageBubble
from ui.broadcast import confirm
from ui.broadcast.preview import BroadcastPreview
from ui.broadcast.runner import Runner
from ui.broadcast.texts import japanese_spacing, listing, owner_words, sentences
from ui.formatting import format_count, format_datetime
from ui.inbox.composer import TextBubbleEditor, split_editor
from ui.inbox.texts import failure_words
from ui.photos import PhotoRefused, ask_photo_paths, check_photo, photo_button
from ui.worker import BackgroundOp, RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.broadcast import BroadcastReport
    from app.line.send import OutgoingResult

log = logging.getLogger("otokui.ui.broadcast")

PLAN_DELAY_MS = 400
# The form's smallest size (px) beside the preview: see the layout in __init__.
FORM_MIN_WIDTH, FORM_MIN_HEIGHT = 440, 520
# The dialog's margins and the summary box's padding around its wrapped messages (px).
WRAP_MARGIN = 2 * 16 + 2 * 12 + 2
#: A plan older than this is asked again before sending (the quota moves).
PLAN_FRESH_S = 60
#: Recipients offered in the preview's list (the first ones by id).
PREVIEW_CHOICES = 1000
SEGMENT, TAG, SELECTED, ALL = "segment", "tag", "selected", "all"
#: Built-in placeholders offered in the menu (what the core knows, app/placeholders.py).
BUILTIN_PLACEHOLDERS = ("{名前}", "{氏名}", "{ふりがな}", "{表示名}")


@dataclass
class PickedPhoto:
    path: Path
    preview: bytes | None
    thumb: QPixmap


@dataclass(frozen=True)
class KeptDraft:
    """What the owner had written when the book locked, to put back after unlocking.

    In memory only, never on disk; photos by their path (read and checked again).
    """

    name: str
    texts: tuple[str, ...]
    photos: tuple[Path, ...]
    kind: str
    ident: int | None
    selected_ids: tuple[int, ...]
    at: dt.datetime | None


def pick_photo(path: Path) -> PickedPhoto:
    """Check a photo as the inbox does (:func:`ui.photos.check_photo`); raises
    :class:`ui.photos.PhotoRefused` with the owner's words."""
    checked = check_photo(path)
    return PickedPhoto(path, checked.preview, checked.thumbnail(200))


def _section(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("sectionTitle")
    label.setStyleSheet("font-weight: bold; color: #3C4043; padding-top: 6px;")
    return label


class BroadcastComposer(QDialog):
    """``planned(plan)`` when the summary shows a new plan; ``stored(id)`` once the job is
    kept; ``finished(report)`` when sending ended; ``test_sent(result)``."""

    planned = Signal(object)
    plan_failed = Signal(object)
    stored = Signal(int)
    finished = Signal(object)
    test_sent = Signal(object)
    history_requested = Signal(int)

    def __init__(self, book: Book, runner: Runner | None = None, parent: QWidget | None = None,
                 *, selected_ids: list[int] | None = None, segment_id: int | None = None,
                 tag_id: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("broadcastComposer")
        self.setWindowTitle(self.tr("New broadcast"))
        self.book: Book | None = book
        self.runner = runner if runner is not None else Runner(book, self)
        self.selected_ids = list(dict.fromkeys(selected_ids or []))
        self.editors: list[TextBubbleEditor] = []
        self.photos: list[PickedPhoto] = []
        self.plan: BroadcastPlan | None = None
        self.plan_key: tuple[Any, ...] | None = None
        self.plan_time = 0.0
        self.planning = False
        # The owner pressed send while the numbers on screen were old or being counted:
        # ask once the fresh plan is in.
        self._send_after_plan = False
        self._plan_gen = 0
        self.busy_storing = False
        self.broadcast_id: int | None = None
        self.report: BroadcastReport | None = None
        self._last_editor: TextBubbleEditor | None = None
        self._error_from_plan = False
        self._ops = RunningOps()

        # --- name and recipients -------------------------------------------------------
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("broadcastName")
        self.name_edit.setPlaceholderText(self.tr("Shown in the history (optional), e.g. "
                                                  "Winter sale"))
        self.name_edit.setMaxLength(100)
        # A label, not only a placeholder: once a name is typed the field still says what
        # it is.
        self.name_label = QLabel(self.tr("Broadcast &name"), self)
        self.name_label.setObjectName("broadcastNameLabel")
        self.name_label.setStyleSheet("font-weight: bold; color: #3C4043;")
        self.name_label.setBuddy(self.name_edit)
        self.rb_segment = QRadioButton(self.tr("Segment"), self)
        self.rb_segment.setObjectName("toSegment")
        self.segment_combo = QComboBox(self)
        self.segment_combo.setObjectName("segmentChoice")
        self.rb_tag = QRadioButton(self.tr("Tag"), self)
        self.rb_tag.setObjectName("toTag")
        self.tag_combo = QComboBox(self)
        self.tag_combo.setObjectName("tagChoice")
        self.rb_selected = QRadioButton(self.tr("Customers selected in the table (%1)").replace(
            "%1", format_count(len(self.selected_ids))), self)
        self.rb_selected.setObjectName("toSelected")
        self.rb_selected.setEnabled(bool(self.selected_ids))
        self.rb_all = QRadioButton(self.tr("All friends"), self)
        self.rb_all.setObjectName("toAll")
        self.recipient_group = QButtonGroup(self)
        for rb in (self.rb_segment, self.rb_tag, self.rb_selected, self.rb_all):
            self.recipient_group.addButton(rb)
        self._fill_choices()
        if segment_id is not None and self.segment_combo.findData(segment_id) >= 0:
            self.segment_combo.setCurrentIndex(self.segment_combo.findData(segment_id))
            self.rb_segment.setChecked(True)
        elif tag_id is not None and self.tag_combo.findData(tag_id) >= 0:
            self.tag_combo.setCurrentIndex(self.tag_combo.findData(tag_id))
            self.rb_tag.setChecked(True)
        elif self.selected_ids:
            self.rb_selected.setChecked(True)
        else:
            self.rb_all.setChecked(True)

        # --- bubbles -------------------------------------------------------------------
        self.bubble_box = QVBoxLayout()
        self.bubble_box.setSpacing(6)
        self.photo_row = QHBoxLayout()
        self.photo_row.setSpacing(6)
        self.photo_row.addStretch(1)
        self.add_bubble_button = QToolButton(self)
        self.add_bubble_button.setObjectName("addBubble")
        self.add_bubble_button.setText(self.tr("+ Bubble"))
        self.add_bubble_button.setToolTip(self.tr("Add another speech bubble (up to 5)"))
        self.add_bubble_button.clicked.connect(lambda: self.add_bubble())
        self.photo_button = QToolButton(self)
        self.photo_button.setObjectName("addPhoto")
        self.photo_button.setText(self.tr("Photo…"))
        self.photo_button.setToolTip(self.tr("Add a JPEG or PNG photo"))
        self.photo_button.clicked.connect(self.pick_photos)
        self.insert_button = QToolButton(self)
        self.insert_button.setObjectName("insertPlaceholder")
        # The menu's arrow is part of the text: Qt's own indicator of an instant-popup tool
        # button is drawn over the text's last character.
        self.insert_button.setText(self.tr("Insert name or field") + "  ▾")
        self.insert_button.setAccessibleName(self.tr("Insert name or field"))
        self.insert_button.setStyleSheet(
            "QToolButton#insertPlaceholder::menu-indicator { image: none; width: 0px; }")
        self.insert_button.setToolTip(self.tr(
            "Insert a placeholder: each customer reads their own name or value"))
        self.insert_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.insert_menu = QMenu(self.insert_button)
        self.insert_menu.aboutToShow.connect(self._fill_insert_menu)
        self.insert_button.setMenu(self.insert_menu)
        self.placeholder_warning = QLabel(self)
        self.placeholder_warning.setObjectName("placeholderWarning")
        self.placeholder_warning.setWordWrap(True)
        self.placeholder_warning.setStyleSheet("color: #B06000;")
        self.placeholder_warning.hide()

        # --- when ----------------------------------------------------------------------
        self.rb_now = QRadioButton(self.tr("Send now"), self)
        self.rb_now.setObjectName("whenNow")
        self.rb_later = QRadioButton(self.tr("Schedule for"), self)
        self.rb_later.setObjectName("whenLater")
        self.when_group = QButtonGroup(self)
        self.when_group.addButton(self.rb_now)
        self.when_group.addButton(self.rb_later)
        self.rb_now.setChecked(True)
        self.at_edit = QDateTimeEdit(self)
        self.at_edit.setObjectName("scheduleAt")
        self.at_edit.setCalendarPopup(True)
        self.at_edit.setDisplayFormat("yyyy/MM/dd HH:mm")
        next_hour = QDateTime.currentDateTime().addSecs(3600)
        next_hour.setTime(QTime(next_hour.time().hour(), 0))
        self.at_edit.setDateTime(next_hour)
        self.at_edit.setEnabled(False)
        self._adjusting_time = False
        # No past times on offer: the earliest is now, brought up to date whenever the
        # field or its calendar is opened (the composer may stay open for hours).
        self._earliest_now()
        self.at_edit.installEventFilter(self)
        self.at_edit.calendarWidget().installEventFilter(self)

        # --- summary, errors, progress ---------------------------------------------------
        self.summary = QLabel(self)
        self.summary.setObjectName("planSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setStyleSheet("font-size: 14px;")
        self.quota_message = QLabel(self)
        self.quota_message.setObjectName("quotaMessage")
        self.quota_message.setWordWrap(True)
        self.quota_message.setStyleSheet("color: #C5221F; font-weight: bold;")
        self.quota_message.hide()
        self.trim_check = QCheckBox(self)
        self.trim_check.setObjectName("trimToQuota")
        self.trim_check.hide()
        summary_box = QFrame(self)
        summary_box.setObjectName("planBox")
        summary_box.setStyleSheet("QFrame#planBox { background: #F1F8F3; border: 1px solid "
                                  "#CDE8D4; border-radius: 8px; }")
        sb = QVBoxLayout(summary_box)
        sb.setContentsMargins(12, 8, 12, 8)
        sb.addWidget(self.summary)
        sb.addWidget(self.quota_message)
        sb.addWidget(self.trim_check)
        self.error = QLabel(self)
        self.error.setObjectName("composerError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C5221F;")
        self.error.hide()
        self.notice = QLabel(self)
        self.notice.setObjectName("composerNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #137333;")
        self.notice.hide()
        self.progress = QProgressBar(self)
        self.progress.setObjectName("sendProgress")
        self.progress.setFormat("%v / %m")
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Stop sending"), self)
        self.cancel_button.setObjectName("cancelSending")
        self.cancel_button.clicked.connect(self.cancel_sending)
        self.cancel_button.hide()

        # --- buttons ---------------------------------------------------------------------
        self.test_button = QPushButton(self.tr("Test send to my LINE"), self)
        self.test_button.setObjectName("testSend")
        self.test_button.setToolTip(self.tr(
            "Send it only to your own LINE account (the customer marked as you)"))
        self.test_button.clicked.connect(self.test_send)
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("sendBroadcast")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        self.history_button = QPushButton(self.tr("Open the history"), self)
        self.history_button.setObjectName("openHistory")
        self.history_button.clicked.connect(
            lambda: self.history_requested.emit(self.broadcast_id or 0))
        self.history_button.hide()
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setObjectName("closeComposer")
        self.close_button.clicked.connect(self.close)

        self.preview = BroadcastPreview(book, self)

        # --- layout ----------------------------------------------------------------------
        left = QWidget(self)
        form = QVBoxLayout(left)
        form.setContentsMargins(0, 0, 8, 0)
        form.setSpacing(6)
        name_row = QHBoxLayout()
        name_row.setSpacing(10)
        name_row.addWidget(self.name_label)
        name_row.addWidget(self.name_edit, 1)
        form.addLayout(name_row)
        form.addWidget(_section(self.tr("Recipients"), left))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.addWidget(self.rb_segment, 0, 0)
        grid.addWidget(self.segment_combo, 0, 1)
        grid.addWidget(self.rb_tag, 1, 0)
        grid.addWidget(self.tag_combo, 1, 1)
        grid.addWidget(self.rb_selected, 2, 0, 1, 2)
        grid.addWidget(self.rb_all, 3, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        form.addLayout(grid)
        form.addWidget(_section(self.tr("Message"), left))
        form.addLayout(self.bubble_box)
        form.addLayout(self.photo_row)
        tools = QHBoxLayout()
        tools.addWidget(self.add_bubble_button)
        tools.addWidget(self.photo_button)
        tools.addWidget(self.insert_button)
        tools.addStretch(1)
        form.addLayout(tools)
        form.addWidget(self.placeholder_warning)
        form.addWidget(_section(self.tr("When", "the time a broadcast is sent"), left))
        when = QHBoxLayout()
        when.addWidget(self.rb_now)
        when.addSpacing(12)
        when.addWidget(self.rb_later)
        when.addWidget(self.at_edit)
        when.addStretch(1)
        form.addLayout(when)
        form.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("composerForm")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(left)
        self.form_scroll = scroll
        # The dialog's smallest size keeps the form readable beside the preview: the
        # recipients, a bubble and its tools without scrolling sideways (what is longer,
        # more bubbles or photos, scrolls down).
        bar = scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(max(FORM_MIN_WIDTH, left.minimumSizeHint().width() + bar))

        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        rl.addWidget(self.preview, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        # On the splitter, not the form: when a wrapped message below takes a line more
        # than the dialog's minimum counted on, the form scrolls instead of being cut.
        splitter.setMinimumHeight(FORM_MIN_HEIGHT)
        self.splitter = splitter

        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.history_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.send_button)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(splitter, 1)
        layout.addWidget(summary_box)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addLayout(progress_row)
        layout.addLayout(buttons)
        self.resize(1120, 720)

        # --- wiring ----------------------------------------------------------------------
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(PLAN_DELAY_MS)
        self._plan_timer.timeout.connect(self.replan)
        for rb in (self.rb_segment, self.rb_tag, self.rb_selected, self.rb_all):
            rb.toggled.connect(self._recipients_changed)
        self.segment_combo.currentIndexChanged.connect(self._choice_picked(self.rb_segment))
        self.tag_combo.currentIndexChanged.connect(self._choice_picked(self.rb_tag))
        self.rb_later.toggled.connect(self._when_changed)
        self.at_edit.dateTimeChanged.connect(self._at_changed)
        self.trim_check.toggled.connect(self._trim_toggled)
        self.runner.progressed.connect(self._progressed)
        self.runner.finished.connect(self._run_finished)
        self.runner.failed.connect(self._run_failed)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.send)
        self.add_bubble()
        self._update_send_button()

    # --- recipients --------------------------------------------------------------------------
    def _fill_choices(self) -> None:
        """The saved segments and tags to choose from (again: keeping what was chosen)."""
        book = self.book
        if book is None:
            return
        segments = [(seg.name, seg.id) for seg in book.segments.list() if seg.valid]
        tags = [(tag.name, tag.id) for tag in book.tags.list()]
        for combo, radio, items, none in (
                (self.segment_combo, self.rb_segment, segments,
                 self.tr("No saved segments yet")),
                (self.tag_combo, self.rb_tag, tags, self.tr("No tags yet"))):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for name, ident in items:
                combo.addItem(name, ident)
            if not items:
                combo.addItem(none, None)
            combo.setCurrentIndex(max(0, combo.findData(keep)) if keep is not None else 0)
            combo.blockSignals(False)
            radio.setEnabled(bool(items))
            combo.setEnabled(bool(items))

    def _choice_picked(self, radio: QRadioButton) -> Any:
        def picked(_index: int) -> None:
            if radio.isChecked():
                self._recipients_changed()
            elif radio.isEnabled():
                radio.setChecked(True)  # toggled: plans again
        return picked

    def recipients(self) -> Recipients | None:
        if self.rb_segment.isChecked() and self.segment_combo.currentData() is not None:
            return Recipients.segment(int(self.segment_combo.currentData()))
        if self.rb_tag.isChecked() and self.tag_combo.currentData() is not None:
            return Recipients.tag(int(self.tag_combo.currentData()))
        if self.rb_selected.isChecked() and self.selected_ids:
            return Recipients.customers(self.selected_ids)
        if self.rb_all.isChecked():
            return Recipients.all_friends()
        return None

    def choose_recipients(self, kind: str, ident: int | None = None) -> None:
        """Pick who receives it (the sidebar's "配信…" entries, tests)."""
        if kind in (SEGMENT, TAG):
            combo, radio = (self.segment_combo, self.rb_segment) if kind == SEGMENT else (
                self.tag_combo, self.rb_tag)
            if combo.findData(ident) < 0:
                self._fill_choices()  # made since the composer opened
            if combo.findData(ident) < 0:
                return
            combo.setCurrentIndex(combo.findData(ident))
            radio.setChecked(True)
        elif kind == SELECTED:
            self.rb_selected.setChecked(True)
        else:
            self.rb_all.setChecked(True)

    def set_selected(self, ids: list[int]) -> None:
        """The table's selection changed since the composer opened (while still editable)."""
        if not self.editable:
            return
        self.selected_ids = list(dict.fromkeys(ids))
        self.rb_selected.setText(self.tr("Customers selected in the table (%1)").replace(
            "%1", format_count(len(self.selected_ids))))
        self.rb_selected.setEnabled(bool(self.selected_ids))
        if self.rb_selected.isChecked():
            self._schedule_plan()

    def _recipients_changed(self, *_args: Any) -> None:
        self._input_changed()
        self._schedule_plan()

    # --- bubbles -----------------------------------------------------------------------------
    def add_bubble(self, text: str = "") -> TextBubbleEditor | None:
        if len(self.editors) + len(self.photos) >= MAX_BUBBLES:
            return None
        editor = TextBubbleEditor(removable=bool(self.editors), parent=self)
        editor.room = lambda: MAX_BUBBLES - len(self.editors) - len(self.photos) + 1
        editor.split_requested.connect(
            lambda e, parts: split_editor(self.editors, self.add_bubble, e, parts))
        editor.edit.setPlaceholderText(self.tr("Write a message… {名前} becomes each "
                                               "customer's name"))
        editor.edit.setMaximumHeight(96)
        editor.edit.setPlainText(text)
        editor.changed.connect(self._edited)
        editor.remove_requested.connect(self.remove_bubble)
        editor.edit.cursorPositionChanged.connect(
            lambda e=editor: setattr(self, "_last_editor", e))
        self.editors.append(editor)
        self.bubble_box.addWidget(editor)
        self._last_editor = editor
        self._edited()
        return editor

    def remove_bubble(self, editor: TextBubbleEditor) -> None:
        if editor in self.editors and len(self.editors) > 1:
            self.editors.remove(editor)
            self.bubble_box.removeWidget(editor)
            editor.deleteLater()
            if self._last_editor is editor:
                self._last_editor = self.editors[-1]
            self._edited()

    def texts(self) -> list[str]:
        return [e.edit.toPlainText() for e in self.editors]

    def set_text(self, text: str, index: int = 0) -> None:
        while len(self.editors) <= index:
            if self.add_bubble() is None:
                return
        self.editors[index].edit.setPlainText(text)

    def insert_placeholder(self, placeholder: str) -> None:
        editor = self._last_editor if self._last_editor in self.editors else self.editors[-1]
        editor.edit.insertPlainText(placeholder)
        editor.edit.setFocus()

    def _fill_insert_menu(self) -> None:
        self.insert_menu.clear()
        names = {"{名前}": self.tr("Name (full name, else LINE name)"),
                 "{氏名}": self.tr("Full name"), "{ふりがな}": self.tr("Furigana"),
                 "{表示名}": self.tr("LINE display name")}
        for placeholder in BUILTIN_PLACEHOLDERS:
            action = self.insert_menu.addAction(f"{names[placeholder]}  {placeholder}")
            action.triggered.connect(lambda _c=False, p=placeholder: self.insert_placeholder(p))
        book = self.book
        fields = [f for f in book.fields.list() if fieldmod.FieldType(f.type)
                  not in fieldmod.ATTACHMENT_TYPES] if book is not None else []
        if fields:
            self.insert_menu.addSeparator()
        for f in fields:
            # The Japanese form, {項目:来店回数}: no English word in the owner's message.
            placeholder = placeholders.field_placeholder(f.name)
            action = self.insert_menu.addAction(f"{f.name}  {placeholder}")
            action.triggered.connect(lambda _c=False, p=placeholder: self.insert_placeholder(p))

    def _edited(self) -> None:
        for e in self.editors:
            e.refresh_split()  # the places left changed
        self._input_changed()
        full = len(self.editors) + len(self.photos) >= MAX_BUBBLES
        self.add_bubble_button.setEnabled(not full and self.editable)
        self.photo_button.setEnabled(not full and self.editable)
        book = self.book
        unknown: list[str] = []
        if book is not None:
            for text in self.texts():
                unknown += [p for p in book.templates.unknown_placeholders(text)
                            if p not in unknown]
        self.placeholder_warning.setText(self.tr(
            "Not recognised, sent exactly as written to everyone: %1").replace(
            "%1", "、".join(unknown)) if unknown else "")
        self.placeholder_warning.setVisible(bool(unknown))
        self.preview.set_content([t for t in self.texts() if t.strip()],
                                 [p.thumb for p in self.photos])
        self._update_send_button()
        self._schedule_plan()

    # --- photos ------------------------------------------------------------------------------
    def pick_photos(self) -> None:
        for path in ask_photo_paths(self):
            self.add_photo(path)

    def add_photo(self, path: Path) -> bool:
        self._say_error("")
        if len(self.editors) + len(self.photos) >= MAX_BUBBLES:
            self._say_error(self.tr("A message has at most 5 bubbles."))
            return False
        try:
            picked = pick_photo(path)
        except PhotoRefused as exc:
            self._say_error(str(exc))
            return False
        self.photos.append(picked)
        small = picked.thumb.scaled(64, 64, Qt.AspectRatioMode.KeepAspectRatio)
        holder = photo_button(self, small, path, lambda b: self.remove_photo(picked, b),
                              name="composerPhoto")
        self.photo_row.insertWidget(self.photo_row.count() - 1, holder)
        self._edited()
        return True

    def remove_photo(self, picked: PickedPhoto, holder: QWidget) -> None:
        if not self.editable:
            return
        if picked in self.photos:
            self.photos.remove(picked)
        self.photo_row.removeWidget(holder)
        holder.deleteLater()
        self._edited()

    def bubbles(self) -> list[Any]:
        items: list[Any] = [t for t in self.texts() if t.strip()]
        items += [ImageBubble(p.path, preview=p.preview) for p in self.photos]
        return items

    def has_content(self) -> bool:
        return any(t.strip() for t in self.texts()) or bool(self.photos)

    # --- over a lock ---------------------------------------------------------------------------
    def keep(self) -> KeptDraft | None:
        """What was written and chosen, if anything is still to send (None once sent)."""
        if not self.editable or not (self.has_content() or self.name_edit.text().strip()):
            return None
        kind, ident = ALL, None
        if self.rb_segment.isChecked():
            kind, ident = SEGMENT, self.segment_combo.currentData()
        elif self.rb_tag.isChecked():
            kind, ident = TAG, self.tag_combo.currentData()
        elif self.rb_selected.isChecked():
            kind = SELECTED
        return KeptDraft(self.name_edit.text(), tuple(self.texts()),
                         tuple(p.path for p in self.photos), kind,
                         None if ident is None else int(ident), tuple(self.selected_ids),
                         self.at())

    def put_back(self, draft: KeptDraft) -> None:
        """Fill a fresh composer with a :class:`KeptDraft` (a photo gone since is said so)."""
        self.name_edit.setText(draft.name)
        for i, text in enumerate(draft.texts):
            self.set_text(text, i)
        for path in draft.photos:
            self.add_photo(path)
        if draft.kind == SELECTED:
            self.set_selected(list(draft.selected_ids))
        self.choose_recipients(draft.kind, draft.ident)
        if draft.at is not None:
            self.set_at(draft.at)

    # --- when --------------------------------------------------------------------------------
    def _when_changed(self, later: bool) -> None:
        if later:
            self._earliest_now()
        self._input_changed()
        self.at_edit.setEnabled(later and self.editable)
        self._update_send_button()
        self._schedule_plan()

    def at(self) -> dt.datetime | None:
        """The chosen time (this computer's local time, naive), or None to send now."""
        if not self.rb_later.isChecked():
            return None
        return self.at_edit.dateTime().toPython().replace(second=0, microsecond=0)

    def set_at(self, when: dt.datetime) -> None:
        self.rb_later.setChecked(True)
        self.at_edit.setDateTime(QDateTime(when))

    # --- the plan ----------------------------------------------------------------------------
    def _key(self) -> tuple[Any, ...]:
        return (tuple(self.bubbles_key()), self.recipients(), self.rb_later.isChecked())

    def plan_is_current(self) -> bool:
        """The summary shows the plan of exactly what is on screen now."""
        return not self.planning and self.plan is not None and self.plan_key == self._key()

    def plan_is_fresh(self) -> bool:
        """Current, and counted recently enough to ask the owner about its numbers: friends
        follow and block while the composer stays open."""
        return self.plan_is_current() and time.monotonic() - self.plan_time <= PLAN_FRESH_S

    def bubbles_key(self) -> list[Any]:
        return [t for t in self.texts() if t.strip()] + [str(p.path) for p in self.photos]

    def _schedule_plan(self) -> None:
        if self.editable:
            self._plan_timer.start()

    def replan(self) -> BackgroundOp | None:
        """Ask the core for who receives it and what it costs (in the background)."""
        self._plan_timer.stop()
        book, recipients = self.book, self.recipients()
        if book is None or not self.editable:
            return None
        self._plan_gen += 1
        gen = self._plan_gen
        if recipients is None or not self.has_content():
            self.plan, self.plan_key = None, None
            self.summary.setText(self.tr("Write a message and choose who receives it: the "
                                         "number of recipients and the cost show here."))
            self._show_quota(None)
            self._update_send_button()
            return None
        bubbles, key, at = self.bubbles(), self._key(), self.at()
        self.planning = True
        self.summary.setText(self.tr("Counting recipients and asking LINE for this "
                                     "month's messages…"))
        self._update_send_button()

        def work(_p: Any) -> tuple[BroadcastPlan, list[tuple[int, str]]]:
            plan = book.broadcasts.plan(bubbles, recipients, at=at)
            ids = [cid for cid, _uid in plan.targets[:PREVIEW_CHOICES]]
            rows = book.customers.rows(ids)
            choices = []
            for cid in ids:
                row = rows.get(cid)
                if row is not None:
                    label = row.name or row.display_name or f"#{cid}"
                    if row.name and row.display_name and row.display_name != row.name:
                        label += f"（{row.display_name}）"
                    choices.append((cid, label))
            return plan, choices

        def done(result: tuple[BroadcastPlan, list[tuple[int, str]]]) -> None:
            if gen != self._plan_gen:
                return
            self.planning = False
            self.plan, self.plan_key, self.plan_time = result[0], key, time.monotonic()
            if self._error_from_plan:  # that problem is gone; others stay until read
                self._say_error("")
            self.preview.set_candidates(result[1])
            self._show_plan(result[0])
            self._update_send_button()
            self.planned.emit(result[0])
            if self._send_after_plan:
                self._send_after_plan = False
                self.send()

        def failed(exc: BaseException) -> None:
            if gen != self._plan_gen:
                return
            self._send_after_plan = False
            self.planning = False
            self.plan, self.plan_key = None, None
            self.summary.setText(self.tr("The recipients and the cost could not be "
                                         "worked out."))
            self._show_quota(None)
            self._show_failure(exc)
            self._error_from_plan = True
            self._update_send_button()
            self.plan_failed.emit(exc)

        return self._track(run_in_background(self, work, on_success=done, on_failure=failed))

    def sending_count(self, plan: BroadcastPlan | None = None) -> int:
        """How many the plan would actually send to: everyone, or only as many as remain
        this month when the owner ticked the trim option over the quota."""
        plan = plan if plan is not None else self.plan
        return 0 if plan is None else plan.sending(self.trim_check.isChecked())

    def _show_plan(self, plan: BroadcastPlan) -> None:
        self._show_quota(plan)
        self._show_summary(plan)

    def _show_summary(self, plan: BroadcastPlan) -> None:
        """Recipients, the cost of what will actually be sent and what remains; over the
        month's limit (not trimmed), how many messages are missing rather than "0 after"."""
        sending = self.sending_count(plan)
        # One message per recipient per request, whatever the number of bubbles.
        cost = plan.cost if sending == plan.count else sending
        lines = [self.tr("Recipients: %1").replace("%1", format_count(plan.count))]
        if sending != plan.count:
            lines.append(self.tr("Cost: %1 messages (sent to %2 only)").replace(
                "%1", f"{cost:,}").replace("%2", format_count(sending)))
        else:
            lines.append(self.tr("Cost: %1 messages").replace("%1", f"{cost:,}"))
        if plan.quota_remaining is None:
            lines.append(self.tr("This month: no limit on messages"))
        elif cost > plan.quota_remaining:
            lines.append(self.tr("Left this month: %1 messages (%2 short)").replace(
                "%1", f"{plan.quota_remaining:,}").replace(
                "%2", f"{cost - plan.quota_remaining:,}"))
        else:
            lines.append(self.tr("Left this month: %1 messages (%2 after this one)").replace(
                "%1", f"{plan.quota_remaining:,}").replace(
                "%2", f"{plan.quota_remaining - cost:,}"))
        self.summary.setText("    ".join(lines))
        tip = self.tr("Personalised: sent one by one") if plan.personal else self.tr(
            "The same for everyone: sent in batches of up to 500")
        self.summary.setToolTip(tip)

    def _show_quota(self, plan: BroadcastPlan | None) -> None:
        over = plan is not None and plan.exceeds_quota
        if over and plan is not None:
            remaining = int(plan.quota_remaining or 0)
            self.quota_message.setText(self.tr(
                "This broadcast needs %1 messages but only %2 remain this month, so it cannot "
                "be sent to everyone. Choose fewer customers, or send it only to as many as "
                "remain.").replace("%1", f"{plan.cost:,}").replace("%2", f"{remaining:,}"))
            # The core keeps the first by customer id: the order they joined the book (the
            # owner never sees customer numbers).
            self.trim_check.setText(self.tr(
                "Send it only to the first %1 (oldest registered first); the others are "
                "recorded as not sent").replace("%1", format_count(remaining)))
            self.trim_check.setEnabled(remaining > 0)
        else:
            self.trim_check.setChecked(False)
        self.quota_message.setVisible(over)
        self.trim_check.setVisible(over)
        self._fit_messages()

    def _at_changed(self, _when: QDateTime) -> None:
        if not self._adjusting_time:  # the owner's choice, not the earliest moving on
            self._input_changed()
        self._update_send_button()

    def _earliest_now(self) -> None:
        """The picker offers nothing before now (a time it had that is now past moves up
        to now; sending still says so if the minute has passed by then)."""
        self._adjusting_time = True
        try:
            self.at_edit.setMinimumDateTime(QDateTime.currentDateTime())
        finally:
            self._adjusting_time = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress,
                            QEvent.Type.Show) and (
                watched is self.at_edit or watched is self.at_edit.calendarWidget()):
            self._earliest_now()
        return super().eventFilter(watched, event)

    def show_field(self, widget: QWidget) -> None:
        """Bring the field an error is about into view (the form scrolls with five
        bubbles) and put the cursor there."""
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the error just shown takes its room first
        self.form_scroll.ensureWidgetVisible(widget, 8, 8)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _trim_toggled(self, _checked: bool) -> None:
        self._input_changed()
        # The cost and what remains follow the choice: only as many as remain are sent.
        if self.plan is not None and self.editable:
            self._show_summary(self.plan)
        self._update_send_button()

    # --- sending -----------------------------------------------------------------------------
    @property
    def editable(self) -> bool:
        return self.broadcast_id is None and not self.busy_storing

    def _update_send_button(self) -> None:
        later = self.rb_later.isChecked()
        self.send_button.setText(self.tr("Schedule") if later else self.tr("Send now"))
        too_long = any(e.units() > MAX_TEXT_UNITS for e in self.editors)
        over = self.plan is not None and self.plan.exceeds_quota and \
            not self.trim_check.isChecked()
        ready = (self.editable and self.has_content() and not too_long
                 and self.recipients() is not None and not over
                 and not (self.plan is not None and self.plan.count == 0))
        self.send_button.setEnabled(ready)
        self.test_button.setEnabled(self.has_content() and not too_long and self.book is not None)

    def send(self) -> BackgroundOp | None:
        """Plan again, store the job (trimmed if chosen) and send it now or keep it for later."""
        book, recipients = self.book, self.recipients()
        if book is None or recipients is None or not self.editable or not self.has_content() \
                or not self.send_button.isEnabled():
            return None
        at = self.at()
        if at is not None and at <= dt.datetime.now():
            self._say_error(self.tr("Choose a time in the future to schedule it."))
            self.show_field(self.at_edit)
            return None
        if at is None and not self.plan_is_fresh():
            # Count again first, so the question below shows today's numbers.
            self._send_after_plan = True
            self.replan()
            return None
        if at is None and not self.confirm_send():
            return None
        confirmed = self.sending_count() if at is None else None
        self._say_error("")
        bubbles, name, trim = self.bubbles(), self.name_edit.text(), self.trim_check.isChecked()
        self.busy_storing = True
        self._set_editing(False)
        self.summary.setText(self.tr("Checking the recipients and the quota once more…"))

        def work(_p: Any) -> tuple[BroadcastPlan, int]:
            plan = book.broadcasts.plan(bubbles, recipients, name=name, at=at)
            return plan, book.broadcasts.create(plan, trim_to_quota=trim, confirmed=confirmed)

        return self._track(run_in_background(self, work, on_success=self._stored,
                                             on_failure=self._store_failed))

    def confirm_send(self) -> bool:
        """Sending now cannot be undone: ask, with how many receive it and what it uses
        (from the fresh plan on screen; the job is stored only if a last count agrees)."""
        if self.plan is None:
            return False
        count = self.sending_count()
        who = format_count(count)
        if self.rb_all.isChecked() and count == self.plan.count:
            who = self.tr("all friends (%1)").replace("%1", who)
        question = self.tr("Send this broadcast to %1 now?").replace("%1", who)
        detail = self.tr("Cost: %1. Once sent, it cannot be "
                         "taken back.").replace("%1", self.tr("%1 messages").replace(
                             "%1", f"{count:,}"))
        return confirm.ask(self, self.tr("Send the broadcast"), question,
                           self.tr("Send"), self.tr("Don't send"), detail)

    def _stored(self, result: tuple[BroadcastPlan, int]) -> None:
        plan, bid = result
        self.busy_storing = False
        self.broadcast_id = bid
        self.plan = plan
        self._show_plan(plan)
        self.quota_message.hide()
        self.trim_check.setEnabled(False)
        self._set_editing(False)
        self.history_button.show()
        sending = self.sending_count(plan)
        self.stored.emit(bid)
        if plan.at is not None:
            self._say_notice(self.tr("Scheduled for %1 to %2. Otokui sends it at that time "
                                     "while it is open.").replace(
                "%1", format_datetime(plan.at.astimezone().astimezone(dt.UTC).replace(
                    tzinfo=None))).replace("%2", format_count(sending)))
            self.send_button.hide()
            return
        self.progress.setRange(0, max(1, sending))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.send_button.hide()
        self._say_notice(self.tr("Sending to %1…").replace("%1", format_count(sending)))
        self.runner.run(bid)

    def _store_failed(self, exc: BaseException) -> None:
        self.busy_storing = False
        self._set_editing(True)
        if isinstance(exc, QuotaExceededError):
            self.plan = None
            self._schedule_plan()  # fresh numbers for the summary and the trim option
        else:
            self.replan()
        self._show_failure(exc)

    def _progressed(self, bid: int, settled: int, total: int) -> None:
        if bid != self.broadcast_id:
            return
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(min(settled, total))

    def _run_finished(self, bid: int, report: BroadcastReport) -> None:
        if bid != self.broadcast_id:
            return
        self.report = report
        self.cancel_button.hide()
        c = report.counts
        self.progress.setRange(0, max(1, c.recipients))
        self.progress.setValue(c.sent + c.failed + c.skipped + c.not_sent)
        parts = [self.tr("Sent: %1").replace("%1", f"{c.sent:,}")]
        if c.failed:
            parts.append(self.tr("failed: %1").replace("%1", f"{c.failed:,}"))
        if c.skipped:
            parts.append(self.tr("skipped: %1").replace("%1", f"{c.skipped:,}"))
        if c.not_sent:
            parts.append(self.tr("not sent: %1").replace("%1", f"{c.not_sent:,}"))
        head = {
            "done": self.tr("The broadcast was sent."),
            "cancelled": self.tr("The broadcast was stopped."),
            "stopped": self.tr("This month's LINE messages ran out: the rest was not sent."),
        }.get(report.state, self.tr("LINE could not be reached: the rest is sent when Otokui "
                                    "starts next, or from the history."))
        text = sentences(head, listing(parts))
        if report.state in ("done", "cancelled"):
            self._say_notice(text)
        else:
            self._say_error(text)
        self.finished.emit(report)

    def _run_failed(self, bid: int, exc: BaseException) -> None:
        if bid != self.broadcast_id:
            return
        self.cancel_button.hide()
        self._show_failure(exc)
        self.finished.emit(None)

    def cancel_sending(self) -> None:
        if self.broadcast_id is not None:
            self.cancel_button.setEnabled(False)
            self._say_notice(self.tr("Stopping after the messages already on their way…"))
            self.runner.cancel(self.broadcast_id)

    # --- test send ---------------------------------------------------------------------------
    def test_send(self) -> BackgroundOp | None:
        book = self.book
        if book is None or not self.has_content():
            return None
        self._say_error("")
        self.test_button.setEnabled(False)
        bubbles = self.bubbles()

        def done(result: OutgoingResult) -> None:
            self._update_send_button()
            if result.ok:
                self._say_notice(self.tr("Test sent to your own LINE account."))
            else:
                # The inbox's words, joined the English way: no space after 。.
                self._say_error(japanese_spacing(failure_words(result.error_code, result.error))
                                or self.tr("The test could not be sent."))
            self.test_sent.emit(result)

        def failed(exc: BaseException) -> None:
            self._update_send_button()
            self._show_failure(exc)
            self.test_sent.emit(exc)

        return self._track(run_in_background(
            self, lambda _p: book.broadcasts.test_send(bubbles), on_success=done,
            on_failure=failed))

    # --- helpers -----------------------------------------------------------------------------
    def _set_editing(self, on: bool) -> None:
        for e in self.editors:
            e.edit.setReadOnly(not on)
            e.remove.setEnabled(on)
        for w in (self.add_bubble_button, self.photo_button, self.insert_button,
                  self.rb_segment, self.rb_tag, self.rb_selected, self.rb_all,
                  self.segment_combo, self.tag_combo, self.rb_now, self.rb_later,
                  self.name_edit, self.trim_check):
            w.setEnabled(on)
        if on:
            self._fill_enabled()
        self.at_edit.setEnabled(on and self.rb_later.isChecked())
        self._update_send_button()

    def _fill_enabled(self) -> None:
        self.rb_segment.setEnabled(self.segment_combo.itemData(0) is not None)
        self.segment_combo.setEnabled(self.rb_segment.isEnabled())
        self.rb_tag.setEnabled(self.tag_combo.itemData(0) is not None)
        self.tag_combo.setEnabled(self.rb_tag.isEnabled())
        self.rb_selected.setEnabled(bool(self.selected_ids))
        full = len(self.editors) + len(self.photos) >= MAX_BUBBLES
        self.add_bubble_button.setEnabled(not full)
        self.photo_button.setEnabled(not full)

    def _show_failure(self, exc: BaseException) -> None:
        if isinstance(exc, OtokuiError):
            text = owner_words(exc)
            if isinstance(exc, NoOwnerError):
                text = sentences(text, self.tr(
                    "In the customer table, right-click yourself and choose “This is my own "
                    "LINE account”."))
            self._say_error(text)
        else:
            from ui.errors import show_error

            self._say_error(self.tr("Something went wrong. What you wrote is kept."))
            show_error(self, exc)

    def _input_changed(self) -> None:
        """What was typed or chosen changed: an error about the previous inputs (a time in
        the past, the quota, a refused test) no longer applies. A problem that is still
        there is found again by the next plan or send."""
        if self.editable and self.error.isVisible():
            self._say_error("")

    def _say_error(self, text: str) -> None:
        self._error_from_plan = False
        self.error.setText(text)
        self.error.setVisible(bool(text))
        if text:
            self.notice.hide()
        self._fit_messages()

    def _say_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self._fit_messages()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_messages()

    def _fit_messages(self) -> None:
        """Make room for every line of the wrapped messages under the form.

        A dialog's smallest height does not follow the lines a wrapped label needs at the
        width it has, so a long message (over the quota, an error) would overlap the form
        at the smallest size; each asks for its lines' height at the dialog's width.
        """
        width = max(100, self.width() - WRAP_MARGIN)
        for label in (self.quota_message, self.error, self.notice):
            need = label.heightForWidth(width) if label.isVisibleTo(self) else 0
            if label.minimumHeight() != max(0, need):
                label.setMinimumHeight(max(0, need))

    def _track(self, op: BackgroundOp) -> BackgroundOp:
        return self._ops.track(op)

    @property
    def busy(self) -> bool:
        return self.busy_storing or self._ops.busy

    def release(self) -> None:
        """The book is closing: forget it (what runs in the background finishes alone).

        A plan still in flight then fails on the closed book: its result is dropped, not
        shown (and never as a crash)."""
        self._plan_timer.stop()
        self._plan_gen += 1
        self.planning = False
        self.book = None
        self.preview.release()
