"""The segment builder: conditions grouped with AND / OR, a live count, who matches.

The owner names the segment, adds conditions and groups, and sees at once how many
customers it selects (without the blocked ones, counted apart) and the first of them.
Saving stores it with ``book.segments.save`` (or ``update`` when editing one); problems,
whether a row is incomplete or the core refuses it, are shown next to the count and on the
row concerned, and nothing typed is lost.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError
from app.segments import MAX_NAME, ConditionError, Group, SegmentCounts
from ui.errors import show_error, translate_error
from ui.formatting import format_count
from ui.segments.conditions import ERROR_COLOUR, HINT_COLOUR, BookChoices, ConditionRow, GroupBox
from ui.segments.live_count import PREVIEW_LIMIT, LiveCounter
from ui.segments.preview import PreviewModel

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.ui.segments")


def problem_text(exc: BaseException) -> str:
    """A known problem in the owner's language (the core's segment messages included)."""
    if not isinstance(exc, OtokuiError):
        return QCoreApplication.translate(
            "SegmentBuilder", "The count could not be made. Try again in a moment.")
    translated = QCoreApplication.translate("segments", exc.message)
    if translated != exc.message:
        return translated
    return translate_error(exc)[0].split("\n(")[0]


class SegmentBuilderDialog(QDialog):
    """New segment (``segment_id`` None, starting from ``initial`` conditions if given) or
    editing a saved one; ``saved(id)`` on save."""

    saved = Signal(int)

    def __init__(self, book: Book, segment_id: int | None = None,
                 parent: QWidget | None = None, *, initial: Group | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("segmentBuilder")
        self.book = book
        self.segment_id = segment_id
        self.last_counts: SegmentCounts | None = None
        self.setWindowTitle(self.tr("New segment") if segment_id is None
                            else self.tr("Edit segment"))
        # Wide enough for the widest row (a date range) beside the count panel.
        self.resize(1120, 660)
        self.setMinimumSize(960, 500)

        self.name = QLineEdit(self)
        self.name.setObjectName("segmentName")
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText(self.tr("For example: VIP customers in Tokyo"))
        name_row = QHBoxLayout()
        name_row.setSpacing(8)
        name_label = QLabel(self.tr("Name", "of a segment"), self)
        name_label.setBuddy(self.name)
        name_row.addWidget(name_label)
        name_row.addWidget(self.name, 1)

        self.root = GroupBox(BookChoices.of(book), 1)
        holder = QWidget()
        holder.setObjectName("segmentConditions")
        holder_box = QVBoxLayout(holder)
        holder_box.setContentsMargins(12, 12, 12, 12)
        holder_box.addWidget(self.root)
        holder_box.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(holder)
        self.scroll_area.setFrameShape(QFrame.Shape.StyledPanel)

        # The right-hand panel: the count, the blocked ones, problems, who matches.
        side = QFrame(self)
        side.setObjectName("segmentCountPanel")
        side.setFixedWidth(300)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("segmentCount")
        big = QFont(self.count_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.5)
        big.setBold(True)
        self.count_label.setFont(big)
        self.blocked_label = QLabel(self)
        self.blocked_label.setObjectName("segmentBlocked")
        self.blocked_label.setWordWrap(True)
        self.blocked_label.setStyleSheet("color: #6B7280;")
        self.blocked_label.hide()
        self.message_label = QLabel(self)
        self.message_label.setObjectName("segmentProblem")
        self.message_label.setWordWrap(True)
        self._set_severity("error")
        self.message_label.hide()
        self.preview_caption = QLabel(self)
        self.preview_caption.setWordWrap(True)
        self.preview_caption.setStyleSheet("color: #6B7280;")
        self.preview_model = PreviewModel(self)
        self.preview = QListView(self)
        self.preview.setObjectName("segmentPreview")
        self.preview.setModel(self.preview_model)
        self.preview.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.preview.setUniformItemSizes(True)
        self.preview.setSpacing(1)
        side_box = QVBoxLayout(side)
        side_box.setContentsMargins(4, 0, 0, 0)
        side_box.setSpacing(6)
        side_box.addWidget(self.count_label)
        side_box.addWidget(self.blocked_label)
        side_box.addWidget(self.message_label)
        side_box.addSpacing(6)
        side_box.addWidget(self.preview_caption)
        side_box.addWidget(self.preview, 1)

        middle = QHBoxLayout()
        middle.setSpacing(12)
        middle.addWidget(self.scroll_area, 1)
        middle.addWidget(side)

        self.save_problem = QLabel(self)
        self.save_problem.setObjectName("segmentSaveProblem")
        self.save_problem.setStyleSheet("color: #C5221F;")
        self.save_problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_problem, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(name_row)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.save)

        self.counter = LiveCounter(book, self)
        self.counter.counted.connect(self._counted)
        self.counter.failed.connect(self._count_failed)
        self.root.changed.connect(self.conditions_changed)
        self.count_label.setText(self.tr("Matching: …"))

        if segment_id is not None:
            self._load(segment_id)
        elif initial is not None:
            self.root.set_group(initial)
        else:
            self.root.add_condition()
        self.conditions_changed()
        self.name.setFocus()

    # --- loading -------------------------------------------------------------------------
    def _load(self, segment_id: int) -> None:
        info = self.book.segments.get(segment_id)
        self.name.setText(info.name)
        if info.condition is not None:
            self.root.set_group(info.condition)
        else:
            self.message_label.setText(self.tr(
                "The saved conditions could not be read. Set them again and save."))
            self.message_label.show()

    # --- the live count --------------------------------------------------------------------
    def condition(self) -> Group:
        """The conditions as they stand; ConditionError for an incomplete row."""
        return self.root.group()

    def conditions_changed(self) -> None:
        self.root.clear_problems()
        self.save_problem.clear()
        try:
            cond = self.condition()
        except ConditionError as exc:
            self.counter.cancel()
            self._show_problem(exc, incomplete=True)
            return
        self.counter.request(cond)

    def _set_severity(self, severity: str) -> None:
        self.message_label.setProperty("severity", severity)
        self.message_label.setStyleSheet(
            f"color: {HINT_COLOUR if severity == 'hint' else ERROR_COLOUR};")

    def _show_problem(self, exc: BaseException, *, incomplete: bool = False) -> None:
        """No count for these conditions: say why, by the count and on the row concerned.

        A row the owner has not touched yet that still needs something (``incomplete``,
        read from the widgets) is a calm hint, not an error; what the core refuses, and
        anything once Save was pressed, is red.
        """
        message = problem_text(exc)
        self.last_counts = None
        self.count_label.setText(self.tr("Matching: —"))
        self.blocked_label.hide()
        # The names of the last count are not who these conditions match.
        self.preview_model.set_rows([])
        self.preview_caption.setText(self.tr(
            "Complete the conditions to see who matches."))
        path = exc.path if isinstance(exc, ConditionError) else ()
        where = self.root.at(path) if path else None
        hint = incomplete and isinstance(where, ConditionRow) and not where.touched
        if where is not None:
            if isinstance(where, ConditionRow):
                where.show_problem(message, hint=hint)
            else:
                where.show_problem(message)
            numbers = ".".join(str(i + 1) for i in path)
            message = self.tr("Condition %1: %2").replace("%1", numbers).replace("%2", message)
        self._set_severity("hint" if hint else "error")
        self.message_label.setText(message)
        self.message_label.show()

    def _counted(self, counts: SegmentCounts, rows: list[Any]) -> None:
        self.last_counts = counts
        self.message_label.hide()
        self.count_label.setText(self.tr("Matching: %1").replace(
            "%1", format_count(counts.recipients)))
        if counts.blocked:
            self.blocked_label.setText(self.tr(
                "%1 more match but blocked the shop: they never receive broadcasts.").replace(
                    "%1", format_count(counts.blocked)))
        self.blocked_label.setVisible(bool(counts.blocked))
        self.preview_model.set_rows(rows)
        if counts.recipients > PREVIEW_LIMIT:
            self.preview_caption.setText(self.tr("The first %1 of them").replace(
                "%1", str(PREVIEW_LIMIT)))
        else:
            self.preview_caption.setText(self.tr("Who matches") if rows else "")

    def _count_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, OtokuiError):
            log.warning("a segment count failed: %s", type(exc).__name__)
        self.last_counts = None
        self.preview_model.set_rows([])
        self._show_problem(exc)

    # --- saving ----------------------------------------------------------------------------
    def save(self) -> int | None:
        """Save (or update) the segment; its id, or None when a problem is shown."""
        name = self.name.text().strip()
        if not name:
            self.save_problem.setText(self.tr("Give the segment a name."))
            self.name.setFocus()
            return None
        try:
            cond = self.condition()
            if self.segment_id is None:
                segment_id = self.book.segments.save(name, cond)
            else:
                self.book.segments.update(self.segment_id, name=name, cond=cond)
                segment_id = self.segment_id
        except ConditionError as exc:
            self.root.touch_all()
            self.root.clear_problems()
            self._show_problem(exc)
            self.save_problem.setText(self.tr("Correct the condition marked in red."))
            return None
        except OtokuiError as exc:
            self.save_problem.setText(problem_text(exc))
            return None
        except Exception as exc:
            show_error(self, exc)
            return None
        self.segment_id = segment_id
        self.saved.emit(segment_id)
        self.accept()
        return segment_id

    def done(self, result: int) -> None:
        self.counter.cancel()
        super().done(result)
