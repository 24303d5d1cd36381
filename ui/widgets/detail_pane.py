"""The selected customer: profile, fields, tags, attachments and timeline.

Every field saves itself when the owner finishes editing it (leaves the field, presses
Enter, picks a date or a choice), through the core, which validates. A refused value
stays exactly as typed with the reason under it; it is also kept if the owner selects
another customer and comes back (a draft per customer and field), so nothing typed is
lost. Changes made elsewhere (a sync, a bulk tagging) refresh the pane without touching
the field being edited.

Files dropped from the file manager onto the pane are attached to the shown customer.
Attachments are listed with thumbnails decrypted in memory (never to a file) and open in
a preview window from memory as well.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import NotFoundError, OtokuiError
from ui.errors import show_error, translate_error
from ui.formatting import format_date, format_datetime
from ui.privacy.consent_line import ConsentLine
from ui.privacy.consent_line import row_label as consent_row_label
from ui.resources import icon
from ui.thumbnails import decrypt_thumbnail
from ui.widgets.attach import (
    AttachDialog,
    encrypt_files,
    human_size,
    kind_label,
    usable_files,
)
from ui.widgets.field_editors import (
    DateEditor,
    FieldEditor,
    LongTextEditor,
    PointsEditor,
    PointsHistory,
    TextEditor,
    editor_for,
)
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.painting import initial_avatar, initial_of, readable_on
from ui.widgets.wheel_guard import install_wheel_guard
from ui.worker import RunningOps

if TYPE_CHECKING:
    from app.book import Book
    from ui.worker import BackgroundOp

log = logging.getLogger("otokui.ui.detail")

THUMB = 48
#: Images above this size get a generic icon instead of a decrypted thumbnail.
THUMB_LIMIT = 12 * 1024 * 1024
ATTACHMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class TagChip(QFrame):
    removed = Signal(int)

    def __init__(self, tag_id: int, name: str, colour: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tagChip")
        self.tag_id = tag_id
        from PySide6.QtGui import QColor

        fg = readable_on(QColor(colour)).name()
        self.setStyleSheet(f"#tagChip {{ background: {colour}; border-radius: 11px; }}"
                           f"#tagChip QLabel, #tagChip QToolButton {{ color: {fg}; }}")
        label = QLabel(name, self)
        close = QToolButton(self)
        close.setObjectName("chipRemove")
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Remove the tag “%1”").replace("%1", name))
        close.clicked.connect(lambda: self.removed.emit(self.tag_id))
        self.remove_button = close
        row = QHBoxLayout(self)
        row.setContentsMargins(9, 1, 2, 1)
        row.setSpacing(0)
        row.addWidget(label)
        row.addWidget(close)


class TagEditor(QWidget):
    """The customer's tags as chips, with a field to add one (completion from all tags)."""

    add_requested = Signal(str)
    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips_box = QWidget(self)
        self.flow = FlowLayout(self.chips_box, spacing=5)
        self.input = QLineEdit(self)
        self.input.setObjectName("tagInput")
        self.input.setPlaceholderText(self.tr("Add a tag…"))
        self.names = QStringListModel(self)
        self.completer = QCompleter(self.names, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.input.setCompleter(self.completer)
        self.input.returnPressed.connect(self._submit)
        self.completer.activated.connect(lambda _t: self._submit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chips_box)
        layout.addWidget(self.input)
        self.chips: list[TagChip] = []

    def _submit(self) -> None:
        name = self.input.text().strip()
        if name:
            self.add_requested.emit(name)
        self.input.clear()

    def set_tags(self, tags: list[tuple[int, str, str]], all_names: list[str]) -> None:
        for chip in self.chips:
            self.flow.removeWidget(chip)
            chip.hide()  # at once: until Qt deletes it, it would sit over the new chips
            chip.deleteLater()
        self.chips = []
        for tag_id, name, colour in tags:
            chip = TagChip(tag_id, name, colour, self.chips_box)
            chip.removed.connect(self.remove_requested)
            self.flow.addWidget(chip)
            chip.show()
            self.chips.append(chip)
        self.chips_box.setVisible(bool(tags))
        self.names.setStringList([n for n in all_names if n not in {t[1] for t in tags}])
        # Placed now, not after the next round of the event loop: no frame is drawn with
        # the new chips piled at the box's corner.
        self.flow.activate()
        self.chips_box.updateGeometry()


def _section(title: str, parent: QWidget) -> QLabel:
    label = QLabel(title, parent)
    label.setObjectName("sectionTitle")
    return label


class DetailPane(QWidget):
    # Files were attached: (customer id, how many, the customer name), to confirm.
    files_attached = Signal(int, int, str)

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAcceptDrops(True)
        self.setMinimumWidth(340)
        install_wheel_guard()  # the wheel scrolls the pane; it never edits a field
        self.book: Book | None = book
        self.customer_id: int | None = None
        self._drafts: dict[int, dict[str, tuple[Any, str]]] = {}
        self._thumbs: dict[int, QPixmap] = {}
        self._ops = RunningOps()
        self.previews: list[QWidget] = []
        self.last_attach_dialog: AttachDialog | None = None
        self.last_note: QMessageBox | None = None

        self.stack = QStackedWidget(self)
        self.empty_page = QLabel(self.tr("Choose a customer to see their details."), self)
        self.empty_page.setObjectName("emptyDetail")
        self.empty_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_page.setWordWrap(True)
        self.many_page = QLabel(self)
        self.many_page.setObjectName("emptyDetail")
        self.many_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.many_page.setWordWrap(True)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.page = QWidget(self.scroll_area)
        self.page.setObjectName("detailPage")
        self.scroll_area.setWidget(self.page)
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(self.many_page)
        self.stack.addWidget(self.scroll_area)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        body = QVBoxLayout(self.page)
        body.setContentsMargins(16, 14, 16, 16)
        body.setSpacing(10)
        body.addLayout(self._build_header())
        body.addWidget(_section(self.tr("Details"), self.page))
        self.builtin_form = QFormLayout()
        self.builtin_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        body.addLayout(self.builtin_form)
        self.builtin: dict[str, FieldEditor] = {}
        self._build_builtin()
        self.custom_title = _section(self.tr("Custom fields"), self.page)
        body.addWidget(self.custom_title)
        self.custom_box = QWidget(self.page)
        self.custom_form = QFormLayout(self.custom_box)
        self.custom_form.setContentsMargins(0, 0, 0, 0)
        self.custom_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        body.addWidget(self.custom_box)
        self.required_legend = QLabel(self.tr("* required: it cannot be left empty"),
                                      self.page)
        self.required_legend.setObjectName("requiredLegend")
        body.addWidget(self.required_legend)
        self.custom: dict[int, FieldEditor] = {}
        self._field_types: dict[int, str] = {}
        self._build_custom()

        body.addWidget(_section(self.tr("Tags"), self.page))
        self.tags = TagEditor(self.page)
        self.tags.add_requested.connect(self.add_tag)
        self.tags.remove_requested.connect(self.remove_tag)
        body.addWidget(self.tags)
        from ui.automation.coupons import CouponsBox

        self.coupons = CouponsBox(self.page)  # with its 使う buttons; hidden when none
        body.addWidget(self.coupons)

        body.addWidget(_section(self.tr("Attachments"), self.page))
        body.addWidget(self._build_attachments())
        body.addWidget(_section(self.tr("Timeline"), self.page))
        self.timeline = QListWidget(self.page)
        self.timeline.setObjectName("timeline")
        self.timeline.setMinimumHeight(120)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.timeline.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Old → new values make lines long: wrapped, never cut at the edge.
        self.timeline.setWordWrap(True)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline.setResizeMode(QListWidget.ResizeMode.Adjust)
        body.addWidget(self.timeline)
        body.addStretch(1)
        self.stack.setCurrentWidget(self.empty_page)

    # --- building --------------------------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        self.avatar = QLabel(self.page)
        self.avatar.setFixedSize(56, 56)
        self.title = QLabel(self.page)
        self.title.setObjectName("customerTitle")
        self.title.setWordWrap(True)
        self.subtitle = QLabel(self.page)
        self.subtitle.setObjectName("customerSubtitle")
        self.status = QLabel(self.page)
        self.status.setObjectName("statusBadge")
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status)
        status_row.addStretch(1)
        texts.addLayout(status_row)
        row.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        return row

    def builtin_label(self, name: str) -> str:
        return {
            "name": self.tr("Name"), "furigana": self.tr("Furigana"), "phone": self.tr("Phone"),
            "email": self.tr("Email"), "postal_code": self.tr("Postal code"),
            "address": self.tr("Address"), "birthday": self.tr("Birthday"),
            "memo": self.tr("Memo"), "display_name": self.tr("LINE name"),
            "followed_at": self.tr("Friend since"), "blocked_at": self.tr("Blocked on"),
        }.get(name, name)

    def _form_label(self, text: str) -> QLabel:
        # One label width for both forms, so built-in and custom fields line up.
        label = QLabel(text, self.page)
        label.setMinimumWidth(96)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return label

    def _build_builtin(self) -> None:
        placeholders = {"phone": "090-1234-5678", "email": "name@example.jp",
                        "postal_code": "150-0001"}
        for name in ("name", "furigana", "phone", "email", "postal_code", "address",
                     "birthday", "memo"):
            editor: FieldEditor
            if name == "birthday":
                editor = DateEditor(self.page)
            elif name == "memo":
                editor = LongTextEditor(self.page)
            else:
                editor = TextEditor(self.page, placeholder=placeholders.get(name, ""))
            editor.setObjectName(f"field_{name}")
            editor.committed.connect(lambda v, n=name: self.save_builtin(n, v))
            self.builtin[name] = editor
            self.builtin_form.addRow(self._form_label(self.builtin_label(name)), editor)
        self.line_name = QLabel(self.page)
        self.line_name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.followed = QLabel(self.page)
        self.builtin_form.addRow(self._form_label(self.builtin_label("display_name")),
                                 self.line_name)
        self.builtin_form.addRow(self._form_label(self.builtin_label("followed_at")),
                                 self.followed)
        self.consent = ConsentLine(self.page)
        self.builtin_form.addRow(self._form_label(consent_row_label()), self.consent)

    def _build_custom(self) -> None:
        while self.custom_form.rowCount():
            self.custom_form.removeRow(0)
        self.custom.clear()
        self._field_types.clear()
        if self.book is None:
            return
        for f in self.book.fields.list():
            editor = editor_for(f, self.custom_box)
            if editor is None:
                continue
            editor.setObjectName(f"custom_{f.id}")
            self._field_types[f.id] = f.type
            if isinstance(editor, PointsEditor):
                editor.points_added.connect(
                    lambda d, r, fid=f.id: self.add_points(fid, d, r))
                editor.history_requested.connect(
                    lambda fid=f.id, name=f.name: self.show_points_history(fid, name))
            else:
                editor.committed.connect(lambda v, fid=f.id: self.save_custom(fid, v))
            self.custom[f.id] = editor
            label = f.name + (" *" if f.required else "")
            self.custom_form.addRow(self._form_label(label), editor)
        self.custom_title.setVisible(bool(self.custom))
        self.custom_box.setVisible(bool(self.custom))
        self.required_legend.setVisible(any(f.required for f in self.book.fields.list()
                                            if f.id in self.custom))

    def _build_attachments(self) -> QWidget:
        box = QWidget(self.page)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.attachments = QListWidget(box)
        self.attachments.setObjectName("attachmentList")
        self.attachments.setIconSize(QSize(THUMB, THUMB))
        self.attachments.setMinimumHeight(2 * (THUMB + 12))
        self.attachments.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.attachments.itemDoubleClicked.connect(lambda _i: self.open_selected())
        self.attachments.currentRowChanged.connect(lambda _r: self._update_attachment_buttons())
        self.drop_hint = QLabel(self.tr("Drop files here to attach them (contracts, ID "
                                        "documents, photos)."), box)
        self.drop_hint.setObjectName("dropHint")
        self.drop_hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        self.add_files_button = self._button(box, "attach", self.tr("Add files…"),
                                             self.ask_files)
        self.open_button = self._button(box, "preview", self.tr("Open"), self.open_selected)
        self.save_button = self._button(box, "save", self.tr("Save a copy…"),
                                        self.save_selected)
        self.edit_button = self._button(box, "edit", self.tr("Details…"), self.edit_selected)
        self.delete_button = self._button(box, "delete", self.tr("Delete…"),
                                          self.delete_selected)
        for b in (self.add_files_button, self.open_button, self.save_button, self.edit_button,
                  self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addWidget(self.attachments)
        layout.addLayout(buttons)
        layout.addWidget(self.drop_hint)
        return box

    @staticmethod
    def _button(parent: QWidget, icon_name: str, text: str, slot: Any) -> QToolButton:
        b = QToolButton(parent)
        b.setIcon(icon(icon_name))
        b.setText(text)
        b.setToolTip(text)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        b.clicked.connect(slot)
        return b

    # --- showing ---------------------------------------------------------------------------------
    def show_customer(self, customer_id: int | None) -> None:
        if customer_id == self.customer_id and customer_id is not None and \
                self.stack.currentWidget() is self.scroll_area:
            return
        self._keep_drafts()
        self.customer_id = customer_id
        if customer_id is None or self.book is None:
            self.stack.setCurrentWidget(self.empty_page)
            return
        if not self._load(force=True):
            self.customer_id = None
            self.stack.setCurrentWidget(self.empty_page)
            return
        self._apply_drafts()
        self.stack.setCurrentWidget(self.scroll_area)
        self.scroll_area.verticalScrollBar().setValue(0)

    def show_many(self, count: int) -> None:
        self._keep_drafts()
        self.customer_id = None
        from ui.formatting import format_count

        self.many_page.setText(self.tr(
            "%1 selected.\n\nUse “Add tag” or “Remove tag” in the toolbar, drag them onto a "
            "tag on the left, or export them.").replace("%1", format_count(count)))
        self.stack.setCurrentWidget(self.many_page)

    def _load(self, *, force: bool) -> bool:
        """Fill the pane from the book; False when the customer no longer exists."""
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return False
        try:
            c = book.customers.get(cid)
        except NotFoundError:
            return False
        self._fill_header(c)
        for name, editor in self.builtin.items():
            editor.set_value(getattr(c, name), force=force)
        self.line_name.setText(c.display_name or "—")
        self.followed.setText(format_datetime(c.followed_at) if c.followed_at else "—")
        self.consent.show_for(book, cid)
        values = book.fields.values_of(cid)
        for fid, editor in self.custom.items():
            editor.set_value(values.get(fid), force=force)
        self._fill_tags()
        self.coupons.show_for(book, cid)
        self._fill_attachments()
        self._fill_timeline()
        return True

    def _fill_header(self, c: Any) -> None:
        self.avatar.setPixmap(initial_avatar(initial_of(c.display_name, c.name), c.id, 56,
                                             self.devicePixelRatioF()))
        self.title.setText(c.name or c.display_name or self.tr("(no name)"))
        sub = []
        if c.furigana:
            sub.append(c.furigana)
        if c.display_name and c.name:
            sub.append(self.tr("LINE: %1").replace("%1", c.display_name))
        self.subtitle.setText("  ·  ".join(sub))
        self.subtitle.setVisible(bool(sub))
        if not c.line_user_id:
            status, text = "not_on_line", self.tr("Not on LINE")
        elif c.blocked_at:
            status, text = "blocked", self.tr("Blocked")
        else:
            status, text = "friend", self.tr("Friend")
        self.status.setText(text)
        self.status.setProperty("status", status)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def _fill_tags(self) -> None:
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return
        all_tags = book.tags.list()
        by_id = {t.id: t for t in all_tags}
        mine = [(t, by_id[t].name, by_id[t].color) for t in book.customers.tag_ids_of(cid)
                if t in by_id]
        mine.sort(key=lambda x: (by_id[x[0]].position, x[0]))
        self.tags.set_tags(mine, [t.name for t in all_tags])

    def _fill_attachments(self) -> None:
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return
        current = self.selected_attachment_id()
        self.attachments.clear()
        for att in book.attachments.list(cid):
            details = [kind_label(att.kind), human_size(att.size)]
            if att.labelled_date:
                label = att.date_label or self.tr("Date")
                details.insert(1, f"{label} {format_date(att.labelled_date)}")
            item = QListWidgetItem(f"{att.file_name}\n" + " · ".join(details))
            item.setData(ATTACHMENT_ID_ROLE, att.id)
            item.setToolTip(att.file_name)
            if att.id in self._thumbs:
                item.setIcon(QIcon(self._thumbs[att.id]))
            else:
                item.setIcon(icon("file-pdf" if att.mime_type == "application/pdf"
                                  else "file-image" if att.mime_type.startswith("image/")
                                  else "file"))
                if att.mime_type.startswith("image/") and att.size <= THUMB_LIMIT:
                    self._load_thumbnail(att.id)
            self.attachments.addItem(item)
            if att.id == current:
                self.attachments.setCurrentItem(item)
        self._update_attachment_buttons()

    def _load_thumbnail(self, attachment_id: int) -> None:
        from ui.worker import run_in_background

        book = self.book
        if book is None:
            return

        def work(_p: Any) -> QImage:
            return decrypt_thumbnail(book, attachment_id, THUMB * 2)

        def done(image: QImage) -> None:
            if image.isNull():
                return
            self._thumbs[attachment_id] = QPixmap.fromImage(image)
            for i in range(self.attachments.count()):
                item = self.attachments.item(i)
                if item.data(ATTACHMENT_ID_ROLE) == attachment_id:
                    item.setIcon(QIcon(self._thumbs[attachment_id]))

        self._track(run_in_background(self, work, on_success=done,
                                      on_failure=lambda e: log.info(
                                          "no thumbnail (%s)", type(e).__name__)))

    def _fill_timeline(self) -> None:
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return
        self.timeline.clear()
        fields = {f.name for f in book.fields.list()}
        for event in book.audit.timeline(cid, limit=200):
            self.timeline.addItem(f"{format_datetime(event.at)}   "
                                  f"{self.timeline_text(event.kind, event.data or {}, fields)}")

    def timeline_text(self, kind: str, data: dict[str, Any], custom_fields: set[str]) -> str:
        if kind == "created":
            return self.tr("Added to the customer book")
        if kind == "field_changed":
            name = str(data.get("field", ""))
            label = name if name in custom_fields else self.builtin_label(name)
            if "old" not in data and "new" not in data:  # entries from before the values
                return self.tr("Changed: %1").replace("%1", label)
            empty = self.tr("(empty)")
            return self.tr("Changed: %1: %2 → %3").replace("%1", label).replace(
                "%2", str(data.get("old") or empty)).replace("%3", str(data.get("new") or empty))
        if kind == "tag_added":
            return self.tr("Tag added: %1").replace("%1", str(data.get("tag", "")))
        if kind == "tag_removed":
            return self.tr("Tag removed: %1").replace("%1", str(data.get("tag", "")))
        if kind == "attachment_added":
            attached = data.get("attachment_kind", data.get("kind", "other"))
            return self.tr("File attached: %1").replace("%1", kind_label(str(attached)))
        if kind == "attachment_deleted":
            return self.tr("Attachment deleted")
        if kind == "points":
            delta = int(data.get("delta", 0))
            return self.tr("%1: %2 points").replace("%1", str(data.get("field", ""))).replace(
                "%2", f"{delta:+,}")
        if kind == "imported":
            return self.tr("Imported from a CSV file")
        if kind == "form_answered":
            return self.tr("Answered the form: %1").replace("%1", str(data.get("form", "")))
        if kind == "autopilot_sent":  # the relay's autopilot sent a page's message at once
            return {"form": self.tr("The relay sent the form's thank-you in LINE"),
                    "order": self.tr("The relay sent the order confirmation in LINE"),
                    "booking": self.tr("The relay sent the booking confirmation in LINE"),
                    }.get(str(data.get("what")), self.tr("The relay sent a message in LINE"))
        if kind.startswith("line_"):
            return self.line_event_text(kind.removeprefix("line_"))
        if kind == "conversation_status":
            return self.tr("Conversation marked: %1").replace(
                "%1", self.status_label(str(data.get("status", ""))))
        from ui.automation.timeline import timeline_text

        return timeline_text(kind, data) or kind  # rules, step sequences, coupons

    def line_event_text(self, what: str) -> str:
        """What a customer did on LINE (the sync's ``line_*`` timeline entries)."""
        texts = {
            "followed": self.tr("Added the shop as a LINE friend"),
            "unblocked": self.tr("Unblocked the shop on LINE"),
            "blocked": self.tr("Blocked the shop on LINE"),
            "account_link": self.tr("Linked their LINE account"),
            "membership_joined": self.tr("Joined the membership"),
            "membership_left": self.tr("Left the membership"),
            "membership_renewed": self.tr("Renewed the membership"),
            "beacon_enter": self.tr("Came within the shop's beacon"),
            "beacon_banner": self.tr("Tapped the shop's beacon banner"),
            "video_watched": self.tr("Watched the video to the end"),
        }
        return texts.get(what, self.tr("LINE: %1").replace("%1", what))

    @staticmethod
    def status_label(status: str) -> str:
        from PySide6.QtCore import QCoreApplication

        from app.messages import STATUS_LABELS, ConversationStatus

        try:
            source = STATUS_LABELS[ConversationStatus(status)]
        except ValueError:
            return status
        return QCoreApplication.translate("messages", source)

    # --- drafts: what was typed but refused, per customer ----------------------------------------
    def _editors(self) -> dict[str, FieldEditor]:
        editors = {f"b:{k}": e for k, e in self.builtin.items()}
        editors.update({f"c:{k}": e for k, e in self.custom.items()})
        return editors

    def _keep_drafts(self) -> None:
        if self.customer_id is None:
            return
        drafts = {key: (e.value(), e.error_label.text())
                  for key, e in self._editors().items() if e.has_error}
        if drafts:
            self._drafts[self.customer_id] = drafts
        else:
            self._drafts.pop(self.customer_id, None)

    def _apply_drafts(self) -> None:
        drafts = self._drafts.get(self.customer_id or -1, {})
        editors = self._editors()
        for key, (value, error) in drafts.items():
            if key in editors:
                editors[key].set_value(value, force=True)
                editors[key].show_error(error)

    def draft_count(self) -> int:
        return sum(len(d) for d in self._drafts.values())

    # --- saving ----------------------------------------------------------------------------------
    def _refused(self, editor: FieldEditor, exc: BaseException) -> None:
        if isinstance(exc, OtokuiError):
            message, _advice = translate_error(exc)
            editor.show_error(message.split("\n")[0])
        else:
            show_error(self, exc)

    def save_builtin(self, name: str, value: Any) -> bool:
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return False
        editor = self.builtin[name]
        try:
            book.customers.update(cid, **{name: value})
            stored = getattr(book.customers.get(cid), name)
        except Exception as exc:
            self._refused(editor, exc)
            return False
        editor.saved(stored)
        return True

    def save_custom(self, field_id: int, value: Any) -> bool:
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return False
        editor = self.custom[field_id]
        try:
            stored = book.fields.set_value(cid, field_id, value)
        except Exception as exc:
            self._refused(editor, exc)
            return False
        editor.saved(stored)
        return True

    def add_points(self, field_id: int, delta: int, reason: str) -> bool:
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return False
        editor = self.custom[field_id]
        try:
            balance = book.fields.add_points(cid, field_id, delta, reason)
        except Exception as exc:
            self._refused(editor, exc)
            return False
        editor.saved(balance)
        return True

    def show_points_history(self, field_id: int, name: str) -> PointsHistory | None:
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return None
        dialog = PointsHistory(name, book.fields.points_history(cid, field_id), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def add_tag(self, name: str) -> int | None:
        """Tag the customer with ``name``, making the tag first if it is new."""
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return None
        try:
            existing = {t.name: t.id for t in book.tags.list()}
            tag_id = existing.get(name.strip())
            if tag_id is None:
                tag_id = book.tags.create(name)
            book.tags.add([cid], [tag_id])
        except Exception as exc:
            show_error(self, exc)
            return None
        self._fill_tags()
        self._fill_timeline()
        return tag_id

    def remove_tag(self, tag_id: int) -> None:
        book, cid = self.book, self.customer_id
        if book is None or cid is None:
            return
        try:
            book.tags.remove([cid], [tag_id])
        except Exception as exc:
            show_error(self, exc)
            return
        self._fill_tags()
        self._fill_timeline()

    # --- changes from elsewhere ------------------------------------------------------------------
    def book_changed(self, kinds: set[str], ids: dict[str, set[int] | None]) -> None:
        if self.book is None:
            return
        if "fields" in kinds:
            self._keep_drafts()
            self._build_custom()
            if self.customer_id is not None:
                self._load(force=True)
                self._apply_drafts()
            return
        if self.customer_id is None:
            return
        touched = ids.get("customers", set()) if "customers" in kinds else set()
        if touched is None or self.customer_id in touched or "tags" in kinds:
            if not self._load(force=False):
                self.customer_id = None
                self.stack.setCurrentWidget(self.empty_page)
        elif "attachments" in kinds:
            self._fill_attachments()

    # --- attachments -----------------------------------------------------------------------------
    def selected_attachment_id(self) -> int | None:
        item = self.attachments.currentItem()
        attachment_id: int | None = item.data(ATTACHMENT_ID_ROLE) if item is not None else None
        return attachment_id

    def _update_attachment_buttons(self) -> None:
        chosen = self.selected_attachment_id() is not None
        for b in (self.open_button, self.save_button, self.edit_button, self.delete_button):
            b.setEnabled(chosen)

    def _track(self, op: BackgroundOp) -> BackgroundOp:
        return self._ops.track(op)

    @property
    def busy(self) -> bool:
        return self._ops.busy

    def ask_files(self) -> None:
        if self.customer_id is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach files"), str(Path.home()))
        if paths:
            self.attach_files(self.customer_id, [Path(p) for p in paths])

    def attach_files(self, customer_id: int, paths: list[Path]) -> AttachDialog | None:
        """Ask kind and date for ``paths``, then encrypt them into the book (background)."""
        files, not_files, empty = usable_files(paths)
        if not_files or empty:
            # Said without blocking: the files that can be attached still go ahead.
            lines = []
            if not_files:
                lines.append(self.tr("Folders and missing files cannot be attached; %1 left "
                                     "out.").replace("%1", str(len(not_files))))
            if empty:
                lines.append(self.tr("Empty files (0 bytes) hold nothing to keep; left out: "
                                     "%1").replace("%1", "、".join(p.name for p in empty)))
            note = QMessageBox(QMessageBox.Icon.Information, self.tr("Attach files"),
                               "\n".join(lines), QMessageBox.StandardButton.Ok, self)
            note.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            note.open()
            self.last_note = note
        if not files or self.book is None:
            return None
        name = self.customer_name(customer_id)
        dialog = AttachDialog(self, files=files, customer_name=name)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_attach_dialog = dialog

        def accepted() -> None:
            book = self.book
            if book is None:
                return
            self._track(encrypt_files(
                self, book, customer_id, files, kind=dialog.kind(), kinds=dialog.kinds(),
                date_label=dialog.date_label(), labelled_date=dialog.labelled_date(),
                on_done=lambda ids: self._attached(customer_id, ids, name)))

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def customer_name(self, customer_id: int) -> str:
        """The name the owner knows the customer by (the one the table shows)."""
        if self.book is None:
            return ""
        try:
            c = self.book.customers.get(customer_id)
        except NotFoundError:
            return ""
        return c.name or c.display_name or self.tr("(no name)")

    def _attached(self, customer_id: int, ids: list[int], name: str = "") -> None:
        self.files_attached.emit(customer_id, len(ids), name)
        if customer_id == self.customer_id:
            self._fill_attachments()
            self._fill_timeline()
            for i in range(self.attachments.count()):
                if self.attachments.item(i).data(ATTACHMENT_ID_ROLE) == ids[-1]:
                    self.attachments.setCurrentRow(i)

    def open_selected(self) -> None:
        att = self.selected_attachment_id()
        if att is not None:
            self.open_attachment(att)

    def open_attachment(self, attachment_id: int) -> None:
        from ui.preview import open_preview

        if self.book is None:
            return
        try:
            open_preview(self, self.book, attachment_id, on_open=self.previews.append)
        except Exception as exc:
            show_error(self, exc)

    def save_selected(self) -> None:
        att_id = self.selected_attachment_id()
        if att_id is None or self.book is None:
            return
        att = self.book.attachments.get(att_id)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save a copy"),
                                              str(Path.home() / att.file_name))
        if path:
            self.save_copy(att_id, Path(path))

    def save_copy(self, attachment_id: int, destination: Path) -> BackgroundOp | None:
        from ui.worker import run_in_background

        book = self.book
        if book is None:
            return None
        size = book.attachments.get(attachment_id).size
        label = self.tr("Saving a copy…") if size > 4 * 1024 * 1024 else None
        return self._track(run_in_background(
            self, lambda p: book.attachments.save_copy(
                attachment_id, destination, progress=lambda n: p(n, size),
                cancel=p.cancelled), label=label))

    def edit_selected(self) -> None:
        att_id = self.selected_attachment_id()
        if att_id is None or self.book is None:
            return
        att = self.book.attachments.get(att_id)
        dialog = AttachDialog(self, kind=att.kind, date_label=att.date_label,
                              labelled_date=att.labelled_date)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.update_attachment(att_id, dialog.kind(), dialog.date_label(),
                                   dialog.labelled_date())

    def update_attachment(self, attachment_id: int, kind: str, date_label: str,
                          labelled_date: Any) -> None:
        if self.book is None:
            return
        try:
            self.book.attachments.update(attachment_id, kind=kind, date_label=date_label,
                                         labelled_date=labelled_date)
        except Exception as exc:
            show_error(self, exc)
            return
        self._fill_attachments()

    def delete_selected(self) -> None:
        att_id = self.selected_attachment_id()
        if att_id is None or self.book is None:
            return
        name = self.book.attachments.get(att_id).file_name
        answer = QMessageBox.warning(
            self, self.tr("Delete attachment"),
            self.tr("Delete “%1”? The encrypted file is removed from this computer. "
                    "This cannot be undone.").replace("%1", name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_attachment(att_id)

    def delete_attachment(self, attachment_id: int) -> None:
        if self.book is None:
            return
        try:
            self.book.attachments.delete(attachment_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self._thumbs.pop(attachment_id, None)
        self._fill_attachments()
        self._fill_timeline()

    # --- files dropped from the file manager -----------------------------------------------------
    @staticmethod
    def _local_files(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.customer_id is not None and self._local_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.dragEnterEvent(event)  # type: ignore[arg-type]

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._local_files(event)
        if self.customer_id is None or not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.attach_files(self.customer_id, files)

    # --- focus and release -----------------------------------------------------------------------
    def focus_first_field(self) -> None:
        if self.stack.currentWidget() is self.scroll_area:
            self.builtin["name"].setFocus(Qt.FocusReason.OtherFocusReason)

    def release(self) -> None:
        """The book is closing: close previews, forget thumbnails and drafts' values."""
        for window in self.previews:
            with contextlib.suppress(RuntimeError):  # already deleted by Qt
                window.close()
        self.previews.clear()
        self._thumbs.clear()
        self.book = None
        self.customer_id = None
