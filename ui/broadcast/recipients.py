"""Who receives a broadcast: a saved segment, a tag, the customers selected in the table,
or every friend (the broadcast composer's 送信先).

The segments and tags come from the book (again whenever one is asked for that was made
since); a segment that no longer checks out is not offered. ``changed`` whenever the
choice changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QComboBox, QGridLayout, QRadioButton, QWidget

from app.broadcast import Recipients
from ui.formatting import format_count

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.book import Book

SEGMENT, TAG, SELECTED, ALL = "segment", "tag", "selected", "all"


class RecipientsBox(QWidget):
    """The four choices; :meth:`recipients` is what the core takes."""

    changed = Signal()

    def __init__(self, book: Callable[[], Book | None], selected_ids: list[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recipientsBox")
        self._book = book
        self.selected_ids = list(dict.fromkeys(selected_ids))
        self.rb_segment = QRadioButton(self.tr("Segment"), self)
        self.rb_segment.setObjectName("toSegment")
        self.segment_combo = QComboBox(self)
        self.segment_combo.setObjectName("segmentChoice")
        self.rb_tag = QRadioButton(self.tr("Tag"), self)
        self.rb_tag.setObjectName("toTag")
        self.tag_combo = QComboBox(self)
        self.tag_combo.setObjectName("tagChoice")
        self.rb_selected = QRadioButton(self)
        self.rb_selected.setObjectName("toSelected")
        self._name_selected()
        self.rb_all = QRadioButton(self.tr("All friends"), self)
        self.rb_all.setObjectName("toAll")
        self.group = QButtonGroup(self)
        for rb in (self.rb_segment, self.rb_tag, self.rb_selected, self.rb_all):
            self.group.addButton(rb)
        self.fill_choices()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.addWidget(self.rb_segment, 0, 0)
        grid.addWidget(self.segment_combo, 0, 1)
        grid.addWidget(self.rb_tag, 1, 0)
        grid.addWidget(self.tag_combo, 1, 1)
        grid.addWidget(self.rb_selected, 2, 0, 1, 2)
        grid.addWidget(self.rb_all, 3, 0, 1, 2)
        grid.setColumnStretch(1, 1)

    def connect_changes(self) -> None:
        """From now on, a change of choice says ``changed`` (not while the composer sets
        its first choice)."""
        for rb in (self.rb_segment, self.rb_tag, self.rb_selected, self.rb_all):
            rb.toggled.connect(self._changed)
        self.segment_combo.currentIndexChanged.connect(self._choice_picked(self.rb_segment))
        self.tag_combo.currentIndexChanged.connect(self._choice_picked(self.rb_tag))

    def _changed(self, *_args: Any) -> None:
        self.changed.emit()

    def _name_selected(self) -> None:
        self.rb_selected.setText(self.tr("Customers selected in the table (%1)").replace(
            "%1", format_count(len(self.selected_ids))))
        self.rb_selected.setEnabled(bool(self.selected_ids))

    def fill_choices(self) -> None:
        """The saved segments and tags to choose from (again: keeping what was chosen)."""
        book = self._book()
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
                self.changed.emit()
            elif radio.isEnabled():
                radio.setChecked(True)  # toggled: says changed
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

    def choice(self) -> tuple[str, int | None]:
        """The kind chosen and, for a segment or a tag, which one (to choose it again)."""
        ident = None
        if self.rb_segment.isChecked():
            kind, ident = SEGMENT, self.segment_combo.currentData()
        elif self.rb_tag.isChecked():
            kind, ident = TAG, self.tag_combo.currentData()
        elif self.rb_selected.isChecked():
            kind = SELECTED
        else:
            kind = ALL
        return kind, None if ident is None else int(ident)

    def choose(self, kind: str, ident: int | None = None) -> None:
        if kind in (SEGMENT, TAG):
            combo, radio = (self.segment_combo, self.rb_segment) if kind == SEGMENT else (
                self.tag_combo, self.rb_tag)
            if combo.findData(ident) < 0:
                self.fill_choices()  # made since the composer opened
            if combo.findData(ident) < 0:
                return
            combo.setCurrentIndex(combo.findData(ident))
            radio.setChecked(True)
        elif kind == SELECTED:
            self.rb_selected.setChecked(True)
        else:
            self.rb_all.setChecked(True)

    def choose_first(self, segment_id: int | None, tag_id: int | None) -> None:
        """What the composer opens with: the segment or tag it was opened for, else the
        customers selected in the table, else every friend."""
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

    def set_selected(self, ids: list[int]) -> bool:
        """The table's selection changed; True if it is the choice."""
        self.selected_ids = list(dict.fromkeys(ids))
        self._name_selected()
        return self.rb_selected.isChecked()

    def set_editable(self, on: bool) -> None:
        for w in (self.rb_segment, self.rb_tag, self.rb_selected, self.rb_all,
                  self.segment_combo, self.tag_combo):
            w.setEnabled(on)
        if on:  # only what there is to choose
            self.rb_segment.setEnabled(self.segment_combo.itemData(0) is not None)
            self.segment_combo.setEnabled(self.rb_segment.isEnabled())
            self.rb_tag.setEnabled(self.tag_combo.itemData(0) is not None)
            self.tag_combo.setEnabled(self.rb_tag.isEnabled())
            self.rb_selected.setEnabled(bool(self.selected_ids))
