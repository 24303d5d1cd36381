"""The broadcast composer: up to five bubbles to many customers, priced before it goes.

The dialog puts together parts that each live in their own module:

* :class:`ui.broadcast.recipients.RecipientsBox`: a saved segment, a tag, the customers
  selected in the table, or every friend.
* :class:`ui.widgets.bubbles_editor.BubblesEditor`: the bubbles, the inbox composer's own
  editor (the live UTF-16 counter, the split of a long text, photos checked by
  :mod:`ui.photos`), here with the 差し込み menu of placeholders (the customer's name,
  custom fields); a placeholder the core does not know is pointed out under it.
* :class:`ui.broadcast.schedule_box.ScheduleBox`: now, or at a time.
* :class:`ui.broadcast.plan_box.PlanBox`: whenever the content or the choice changes,
  ``book.broadcasts.plan()`` runs off the GUI thread (it asks LINE for the month's quota)
  and the box says how many receive it, what it costs and what remains; over the quota it
  says so and offers to send only to as many as remain (``create(..., trim_to_quota=True)``).
* :class:`ui.broadcast.preview.BroadcastPreview`: the bubbles as one chosen recipient
  reads them.

送信 plans again (the numbers are fresh), stores the job and hands it to the window's
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

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import fields as fieldmod
from app.broadcast import BroadcastPlan, NoOwnerError, QuotaExceededError
from app.errors import OtokuiError
from ui.broadcast import confirm
from ui.broadcast.plan_box import PlanBox
from ui.broadcast.preview import BroadcastPreview
from ui.broadcast.recipients import SELECTED, RecipientsBox
from ui.broadcast.runner import Runner
from ui.broadcast.schedule_box import ScheduleBox
from ui.broadcast.texts import japanese_spacing, listing, owner_words, sentences
from ui.formatting import format_count, format_datetime
from ui.inbox.texts import failure_words
from ui.widgets.bubbles_editor import BubblesEditor
from ui.widgets.note_label import ERROR_COLOUR, WARNING_COLOUR, note_label
from ui.worker import BackgroundOp, RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.broadcast import BroadcastReport
    from app.line.send import OutgoingResult

log = logging.getLogger("otokui.ui.broadcast")

PLAN_DELAY_MS = 400
# The form's smallest size (px) beside the preview: see _lay_out.
FORM_MIN_WIDTH, FORM_MIN_HEIGHT = 440, 520
# The dialog's margins and the summary box's padding around its wrapped messages (px).
WRAP_MARGIN = 2 * 16 + 2 * 12 + 2
#: A plan older than this is asked again before sending (the quota moves).
PLAN_FRESH_S = 60
#: Recipients offered in the preview's list (the first ones by id).
PREVIEW_CHOICES = 1000


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
        self._error_from_plan = False
        self._ops = RunningOps()

        self._build_name()
        self.recipients_box = RecipientsBox(lambda: self.book, selected_ids or [], self)
        self.recipients_box.choose_first(segment_id, tag_id)
        self._build_message()
        self.schedule_box = ScheduleBox(self)
        self.plan_box = PlanBox(self)
        self._build_notes()
        self._build_buttons()
        self.preview = BroadcastPreview(book, self)
        self._lay_out()
        self._connect()
        self._edited()

    # --- the parts ---------------------------------------------------------------------------
    def _build_name(self) -> None:
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

    def _build_message(self) -> None:
        self.message = BubblesEditor(
            self, text_hint=self.tr("Write a message… {名前} becomes each customer's name"),
            text_height=96, field_names=self._field_names)
        self.placeholder_warning = note_label(self, "placeholderWarning", WARNING_COLOUR)

    def _field_names(self) -> list[str]:
        """The custom fields a placeholder can name (not the attachments)."""
        book = self.book
        return [f.name for f in book.fields.list() if fieldmod.FieldType(f.type)
                not in fieldmod.ATTACHMENT_TYPES] if book is not None else []

    def _build_notes(self) -> None:
        """Errors, notices and the progress of sending, under the summary."""
        self.error = note_label(self, "composerError", ERROR_COLOUR)
        self.notice = note_label(self, "composerNotice", "#137333")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("sendProgress")
        self.progress.setFormat("%v / %m")
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Stop sending"), self)
        self.cancel_button.setObjectName("cancelSending")
        self.cancel_button.clicked.connect(self.cancel_sending)
        self.cancel_button.hide()

    def _build_buttons(self) -> None:
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

    def _build_form(self) -> QScrollArea:
        """The form on the left: name, recipients, message, when; it scrolls down."""
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
        form.addWidget(self.recipients_box)
        form.addWidget(_section(self.tr("Message"), left))
        form.addWidget(self.message)
        form.addWidget(self.placeholder_warning)
        form.addWidget(_section(self.tr("When", "the time a broadcast is sent"), left))
        form.addWidget(self.schedule_box)
        form.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("composerForm")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(left)
        # The dialog's smallest size keeps the form readable beside the preview: the
        # recipients, a bubble and its tools without scrolling sideways (what is longer,
        # more bubbles or photos, scrolls down).
        bar = scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(max(FORM_MIN_WIDTH, left.minimumSizeHint().width() + bar))
        return scroll

    def _lay_out(self) -> None:
        self.form_scroll = self._build_form()
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        rl.addWidget(self.preview, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.form_scroll)
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
        layout.addWidget(self.plan_box)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addLayout(progress_row)
        layout.addLayout(buttons)
        self.resize(1120, 720)

    def _connect(self) -> None:
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(PLAN_DELAY_MS)
        self._plan_timer.timeout.connect(self.replan)
        self.recipients_box.connect_changes()
        self.recipients_box.changed.connect(self._recipients_changed)
        self.message.changed.connect(self._edited)
        self.message.problem.connect(self._say_error)
        self.schedule_box.toggled.connect(self._when_changed)
        self.schedule_box.time_picked.connect(self._time_picked)
        self.plan_box.trim_check.toggled.connect(self._trim_toggled)
        self.runner.progressed.connect(self._progressed)
        self.runner.finished.connect(self._run_finished)
        self.runner.failed.connect(self._run_failed)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.send)

    # --- recipients --------------------------------------------------------------------------
    def choose_recipients(self, kind: str, ident: int | None = None) -> None:
        """Pick who receives it (the sidebar's "配信…" entries, tests)."""
        self.recipients_box.choose(kind, ident)

    def set_selected(self, ids: list[int]) -> None:
        """The table's selection changed since the composer opened (while still editable)."""
        if self.editable and self.recipients_box.set_selected(ids):
            self._schedule_plan()

    def _recipients_changed(self) -> None:
        self._input_changed()
        self._schedule_plan()

    # --- the message -------------------------------------------------------------------------
    def _edited(self) -> None:
        self._input_changed()
        book = self.book
        unknown: list[str] = []
        if book is not None:
            for text in self.message.texts():
                unknown += [p for p in book.templates.unknown_placeholders(text)
                            if p not in unknown]
        self.placeholder_warning.setText(self.tr(
            "Not recognised, sent exactly as written to everyone: %1").replace(
            "%1", "、".join(unknown)) if unknown else "")
        self.placeholder_warning.setVisible(bool(unknown))
        self.preview.set_content(self.message.filled_texts(),
                                 [p.thumb for p in self.message.photos])
        self._update_send_button()
        self._schedule_plan()

    # --- over a lock ---------------------------------------------------------------------------
    def keep(self) -> KeptDraft | None:
        """What was written and chosen, if anything is still to send (None once sent)."""
        if not self.editable or not (self.message.has_content()
                                     or self.name_edit.text().strip()):
            return None
        kind, ident = self.recipients_box.choice()
        return KeptDraft(self.name_edit.text(), tuple(self.message.texts()),
                         tuple(p.path for p in self.message.photos), kind, ident,
                         tuple(self.recipients_box.selected_ids), self.schedule_box.at())

    def put_back(self, draft: KeptDraft) -> None:
        """Fill a fresh composer with a :class:`KeptDraft` (a photo gone since is said so)."""
        self.name_edit.setText(draft.name)
        for i, text in enumerate(draft.texts):
            self.message.set_text(text, i)
        for path in draft.photos:
            self.message.add_photo(path)
        if draft.kind == SELECTED:
            self.set_selected(list(draft.selected_ids))
        self.choose_recipients(draft.kind, draft.ident)
        if draft.at is not None:
            self.schedule_box.set_at(draft.at)

    # --- when --------------------------------------------------------------------------------
    def _when_changed(self, _later: bool) -> None:
        self._input_changed()
        self._update_send_button()
        self._schedule_plan()

    def _time_picked(self) -> None:
        self._input_changed()
        self._update_send_button()

    # --- the plan ----------------------------------------------------------------------------
    def _key(self) -> tuple[Any, ...]:
        return (tuple(self.bubbles_key()), self.recipients_box.recipients(),
                self.schedule_box.rb_later.isChecked())

    def plan_is_current(self) -> bool:
        """The summary shows the plan of exactly what is on screen now."""
        return not self.planning and self.plan is not None and self.plan_key == self._key()

    def plan_is_fresh(self) -> bool:
        """Current, and counted recently enough to ask the owner about its numbers: friends
        follow and block while the composer stays open."""
        return self.plan_is_current() and time.monotonic() - self.plan_time <= PLAN_FRESH_S

    def bubbles_key(self) -> list[Any]:
        return self.message.filled_texts() + [str(p.path) for p in self.message.photos]

    def _schedule_plan(self) -> None:
        if self.editable:
            self._plan_timer.start()

    def replan(self) -> BackgroundOp | None:
        """Ask the core for who receives it and what it costs (in the background)."""
        self._plan_timer.stop()
        book, recipients = self.book, self.recipients_box.recipients()
        if book is None or not self.editable:
            return None
        self._plan_gen += 1
        gen = self._plan_gen
        if recipients is None or not self.message.has_content():
            self.plan, self.plan_key = None, None
            self.plan_box.summary.setText(self.tr(
                "Write a message and choose who receives it: the number of recipients and "
                "the cost show here."))
            self._show_quota(None)
            self._update_send_button()
            return None
        bubbles, key, at = self.message.bubbles(), self._key(), self.schedule_box.at()
        self.planning = True
        self.plan_box.summary.setText(self.tr(
            "Counting recipients and asking LINE for this month's messages…"))
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
            self.plan_box.summary.setText(self.tr(
                "The recipients and the cost could not be worked out."))
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
        return 0 if plan is None else self.plan_box.sending(plan)

    def _show_plan(self, plan: BroadcastPlan) -> None:
        self._show_quota(plan)
        self.plan_box.show_summary(plan)

    def _show_quota(self, plan: BroadcastPlan | None) -> None:
        self.plan_box.show_quota(plan)
        self._fit_messages()

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
            self.plan_box.show_summary(self.plan)
        self._update_send_button()

    # --- sending -----------------------------------------------------------------------------
    @property
    def editable(self) -> bool:
        return self.broadcast_id is None and not self.busy_storing

    def _update_send_button(self) -> None:
        later = self.schedule_box.rb_later.isChecked()
        self.send_button.setText(self.tr("Schedule") if later else self.tr("Send now"))
        writable = self.message.has_content() and not self.message.over_limit()
        over = self.plan is not None and self.plan.exceeds_quota and \
            not self.plan_box.trim_check.isChecked()
        ready = (self.editable and writable
                 and self.recipients_box.recipients() is not None and not over
                 and not (self.plan is not None and self.plan.count == 0))
        self.send_button.setEnabled(ready)
        self.test_button.setEnabled(writable and self.book is not None)

    def send(self) -> BackgroundOp | None:
        """Plan again, store the job (trimmed if chosen) and send it now or keep it for later."""
        book, recipients = self.book, self.recipients_box.recipients()
        if book is None or recipients is None or not self.editable \
                or not self.message.has_content() or not self.send_button.isEnabled():
            return None
        at = self.schedule_box.at()
        if at is not None and at <= dt.datetime.now():
            self._say_error(self.tr("Choose a time in the future to schedule it."))
            self.show_field(self.schedule_box.at_edit)
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
        bubbles, name = self.message.bubbles(), self.name_edit.text()
        trim = self.plan_box.trim_check.isChecked()
        self.busy_storing = True
        self._set_editing(False)
        self.plan_box.summary.setText(self.tr("Checking the recipients and the quota once "
                                              "more…"))

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
        if self.recipients_box.rb_all.isChecked() and count == self.plan.count:
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
        self.plan_box.quota_message.hide()
        self.plan_box.trim_check.setEnabled(False)
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
        if book is None or not self.message.has_content():
            return None
        self._say_error("")
        self.test_button.setEnabled(False)
        bubbles = self.message.bubbles()

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
        self.message.set_editable(on)
        self.recipients_box.set_editable(on)
        self.schedule_box.set_editable(on)
        self.name_edit.setEnabled(on)
        self.plan_box.trim_check.setEnabled(on)
        self._update_send_button()

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
        for label in (self.plan_box.quota_message, self.error, self.notice):
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
