"""The bubbles of a LINE message being written: one editor for both composers.

The inbox composer (to one customer) and the broadcast composer (to many) write the same
thing: up to five bubbles, texts and photos in that order. :class:`BubblesEditor` holds
them and the row of tools under them:

* each text bubble (:class:`TextBubbleEditor`) counts its length live in UTF-16 units, as
  LINE does (😀 is 2), against 5,000; over that it says why it cannot be sent and offers
  to split it into bubbles at line and sentence ends, the bubbles after it moving down;
* ＋ 吹き出し adds a text bubble, × removes one (the first stays); photos are JPEG or PNG,
  checked when added by :mod:`ui.photos` and shown as thumbnails (a click removes one);
  photos count as bubbles, and at five both buttons are off;
* where the composer wants it, 名前・項目を差し込む inserts a placeholder (``{名前}``, a
  custom field) where the owner was writing.

The composer adds its own tools to the row (templates, the send button) and whatever it
says about the message between the photos and the tools; it hears ``changed`` after
every edit and ``problem(text)`` when a photo is refused (empty text: the last problem
no longer applies).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
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

from app import placeholders
from app.line.send import MAX_BUBBLES, MAX_TEXT_UNITS, ImageBubble, utf16_len
from app.line.send.split import split_text
from ui.photos import PhotoRefused, ask_photo_paths, check_photo, photo_button
from ui.widgets.note_label import ERROR_COLOUR, note_label

#: Built-in placeholders offered in the menu (what the core knows, app/placeholders.py).
BUILTIN_PLACEHOLDERS = ("{名前}", "{氏名}", "{ふりがな}", "{表示名}")
#: A photo's thumbnail in the row under the bubbles, and the larger one a preview shows (px).
ROW_THUMB_SIDE, PREVIEW_THUMB_SIDE = 64, 200


@dataclass
class PickedPhoto:
    """A photo checked and added as a bubble."""

    path: Path
    size: int
    # A JPEG preview for LINE, made only when the photo itself is over 1 MB.
    preview: bytes | None
    # For a preview of the message (the broadcast composer's).
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
        #: How many bubbles this one may become (set by the editor: the free places + 1).
        self.room: Callable[[], int] = lambda: MAX_BUBBLES
        self.too_long = note_label(self, "composerTooLong", ERROR_COLOUR)
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


class BubblesEditor(QWidget):
    """Up to five bubbles: :attr:`editors` (texts, in order) then :attr:`photos`.

    ``text_hint`` and ``text_height`` (the tallest a text bubble grows, px) suit the
    composer; ``photo_tip`` is the photo button's tooltip; ``field_names`` (the custom
    fields a placeholder can name, asked when the menu opens), when given, adds the
    placeholders menu.
    """

    changed = Signal()
    problem = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6,
                 text_hint: str | None = None, text_height: int | None = None,
                 photo_tip: str | None = None,
                 field_names: Callable[[], list[str]] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bubblesEditor")
        self.editors: list[TextBubbleEditor] = []
        self.photos: list[PickedPhoto] = []
        # Off once the message is stored (the broadcast composer): nothing can change.
        self.editable = True
        self._text_hint, self._text_height = text_hint, text_height
        self._field_names = field_names
        self._last_editor: TextBubbleEditor | None = None

        self.bubble_box = QVBoxLayout()
        self.bubble_box.setSpacing(spacing)
        self.photo_row = QHBoxLayout()
        self.photo_row.setSpacing(6)
        self.photo_row.addStretch(1)
        # What the composer says about the message, between the photos and the tools.
        self.notes = QVBoxLayout()
        self.notes.setSpacing(6)
        self.tools = QHBoxLayout()
        self.add_bubble_button = QToolButton(self)
        self.add_bubble_button.setObjectName("addBubble")
        self.add_bubble_button.setText(self.tr("+ Bubble"))
        self.add_bubble_button.setToolTip(self.tr("Add another speech bubble (up to 5)"))
        self.add_bubble_button.clicked.connect(lambda: self.add_bubble())
        self.photo_button = QToolButton(self)
        self.photo_button.setObjectName("addPhoto")
        self.photo_button.setText(self.tr("Photo…"))
        self.photo_button.setToolTip(photo_tip or self.tr("Add a JPEG or PNG photo"))
        self.photo_button.clicked.connect(self.pick_photos)
        self.tools.addWidget(self.add_bubble_button)
        self.tools.addWidget(self.photo_button)
        self.insert_button: QToolButton | None = None
        self.insert_menu: QMenu | None = None
        if field_names is not None:
            self._build_insert_menu()
        self._tools_end = self.tools.count()
        self.tools.addStretch(1)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addLayout(self.bubble_box)
        column.addLayout(self.photo_row)
        column.addLayout(self.notes)
        column.addLayout(self.tools)
        self.add_bubble()

    def _build_insert_menu(self) -> None:
        button = QToolButton(self)
        button.setObjectName("insertPlaceholder")
        # The menu's arrow is part of the text: Qt's own indicator of an instant-popup tool
        # button is drawn over the text's last character.
        button.setText(self.tr("Insert name or field") + "  ▾")
        button.setAccessibleName(self.tr("Insert name or field"))
        button.setStyleSheet(
            "QToolButton#insertPlaceholder::menu-indicator { image: none; width: 0px; }")
        button.setToolTip(self.tr(
            "Insert a placeholder: each customer reads their own name or value"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.insert_menu = QMenu(button)
        self.insert_menu.aboutToShow.connect(self.fill_insert_menu)
        button.setMenu(self.insert_menu)
        self.tools.addWidget(button)
        self.insert_button = button

    def add_tool(self, widget: QWidget, *, at_end: bool = False) -> None:
        """A composer's own tool: after the bubble tools, or at the row's far end."""
        if at_end:
            self.tools.addWidget(widget)
        else:
            self.tools.insertWidget(self._tools_end, widget)
            self._tools_end += 1

    # --- text bubbles -------------------------------------------------------------------------
    def full(self) -> bool:
        return len(self.editors) + len(self.photos) >= MAX_BUBBLES

    def add_bubble(self, text: str = "") -> TextBubbleEditor | None:
        if self.full():
            return None
        editor = TextBubbleEditor(removable=bool(self.editors), parent=self)
        editor.room = lambda: MAX_BUBBLES - len(self.editors) - len(self.photos) + 1
        if self._text_hint is not None:
            editor.edit.setPlaceholderText(self._text_hint)
        if self._text_height is not None:
            editor.edit.setMaximumHeight(self._text_height)
        editor.edit.setPlainText(text)
        editor.changed.connect(self._edited)
        editor.remove_requested.connect(self.remove_bubble)
        editor.split_requested.connect(self.split_bubble)
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

    def split_bubble(self, editor: TextBubbleEditor, parts: list[str]) -> bool:
        """Put ``parts`` where ``editor`` was, the bubbles after it moving down."""
        if editor not in self.editors:
            return False
        i = self.editors.index(editor)
        texts = self.texts()
        texts[i:i + 1] = parts
        while len(self.editors) < len(texts):
            if self.add_bubble() is None:
                return False
        for e, text in zip(self.editors, texts, strict=False):
            if e.edit.toPlainText() != text:
                e.edit.setPlainText(text)
        return True

    def texts(self) -> list[str]:
        return [e.edit.toPlainText() for e in self.editors]

    def set_text(self, text: str, index: int = 0) -> None:
        """The text of bubble ``index``, adding bubbles up to it (while there is room)."""
        while len(self.editors) <= index:
            if self.add_bubble() is None:
                return
        self.editors[index].edit.setPlainText(text)

    def current_editor(self) -> TextBubbleEditor:
        """Where the owner is writing: the bubble with the focus, else the one the cursor
        last moved in (the focus may be on a menu's button), else the last."""
        for e in self.editors:
            if e.edit.hasFocus():
                return e
        return self._last_editor if self._last_editor in self.editors else self.editors[-1]

    def over_limit(self) -> bool:
        """A text is longer than LINE takes in one bubble."""
        return any(e.units() > MAX_TEXT_UNITS for e in self.editors)

    def clear(self) -> None:
        """Back to one empty bubble and no photos."""
        for e in self.editors[1:]:
            self.remove_bubble(e)
        self.editors[0].edit.clear()
        self.photos.clear()
        while self.photo_row.count() > 1:
            item = self.photo_row.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        self._edited()

    # --- what is written -------------------------------------------------------------------
    def has_content(self) -> bool:
        return any(t.strip() for t in self.texts()) or bool(self.photos)

    def filled_texts(self) -> list[str]:
        return [t for t in self.texts() if t.strip()]

    def bubbles(self) -> list[Any]:
        """What is sent: the texts that are not blank, then the photos."""
        items: list[Any] = self.filled_texts()
        items += [ImageBubble(p.path, preview=p.preview) for p in self.photos]
        return items

    def set_editable(self, on: bool) -> None:
        self.editable = on
        for e in self.editors:
            e.edit.setReadOnly(not on)
            e.remove.setEnabled(on)
        self._update_tools()

    def _update_tools(self) -> None:
        room = self.editable and not self.full()
        self.add_bubble_button.setEnabled(room)
        self.photo_button.setEnabled(room)
        if self.insert_button is not None:
            self.insert_button.setEnabled(self.editable)

    def _edited(self) -> None:
        for e in self.editors:
            e.refresh_split()  # the places left changed
        self._update_tools()
        self.changed.emit()

    # --- photos ------------------------------------------------------------------------------
    def pick_photos(self) -> None:
        for path in ask_photo_paths(self):
            self.add_photo(path)

    def add_photo(self, path: Path) -> bool:
        """Check a photo and add it as a bubble; False (and ``problem`` said) if refused."""
        self.problem.emit("")
        if self.full():
            self.problem.emit(self.tr("A message has at most 5 bubbles."))
            return False
        try:
            checked = check_photo(path)
        except PhotoRefused as exc:
            self.problem.emit(str(exc))
            return False
        picked = PickedPhoto(path, checked.size, checked.preview,
                             checked.thumbnail(PREVIEW_THUMB_SIDE))
        self.photos.append(picked)
        holder = photo_button(self, checked.thumbnail(ROW_THUMB_SIDE), path,
                              lambda b: self.remove_photo(picked, b), name="composerPhoto")
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

    # --- placeholders ------------------------------------------------------------------------
    def insert_placeholder(self, placeholder: str) -> None:
        editor = self.current_editor()
        editor.edit.insertPlainText(placeholder)
        editor.edit.setFocus()

    def fill_insert_menu(self) -> None:
        menu = self.insert_menu
        if menu is None or self._field_names is None:
            return
        menu.clear()
        names = {"{名前}": self.tr("Name (full name, else LINE name)"),
                 "{氏名}": self.tr("Full name"), "{ふりがな}": self.tr("Furigana"),
                 "{表示名}": self.tr("LINE display name")}
        for placeholder in BUILTIN_PLACEHOLDERS:
            action = menu.addAction(f"{names[placeholder]}  {placeholder}")
            action.triggered.connect(lambda _c=False, p=placeholder: self.insert_placeholder(p))
        fields = self._field_names()
        if fields:
            menu.addSeparator()
        for name in fields:
            # The Japanese form, {項目:来店回数}: no English word in the owner's message.
            placeholder = placeholders.field_placeholder(name)
            action = menu.addAction(f"{name}  {placeholder}")
            action.triggered.connect(lambda _c=False, p=placeholder: self.insert_placeholder(p))
