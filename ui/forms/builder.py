"""The form builder: title, description, settings, the items in order, each item's details,
the definition's checks next to the item they are about, and a phone-width preview.

The builder edits a working copy of the definition (plain JSON, as ``docs/forms.md``
describes it) and checks it with :func:`relay.forms.schema.parse_definition` after every
change, the same check the relay runs. Saving writes the draft with ``book.forms.update``
only when it passes; otherwise the problem is shown next to its item and everything typed
stays in the builder (nothing is reset, nothing is lost).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError
from relay.forms.schema import (
    DESTINATION_TYPES,
    DESTINATIONS,
    FIELD_ITEM_TYPES,
    ITEM_TYPES,
    DefinitionError,
    parse_definition,
)
from ui.errors import show_error
from ui.forms.browser_preview import PreviewServer
from ui.forms.preview import FormPreview
from ui.forms.texts import destination_label, explain, type_label, where_item

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.ui.forms")

#: Custom field types an item of each kind may fill (app.forms.apply._compatible).
FIELD_TYPES_FOR: dict[str, tuple[str, ...]] = {
    "text": ("text", "long_text"), "long_text": ("long_text", "text"),
    "phone": ("text", "long_text"), "email": ("text", "long_text"),
    "name": ("text", "long_text"), "address": ("text", "long_text"),
    "number": ("number",), "date": ("date", "datetime"), "birthday": ("date", "datetime"),
    "file": ("image", "file"),
}
_TYPES_WITH_DEFAULT = ("text", "long_text", "number", "choice", "date")
_LENGTH_CEILING = {"text": 1000, "long_text": 20000}
_TAG_SPLIT = re.compile(r"[,、，]")
NEW_FIELD = "\x00new"  # the destination entry "a new custom field named like the item"


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in _TAG_SPLIT.split(text) if t.strip()]


def starter_definition(title: str, label: str) -> dict[str, Any]:
    """A new form: a title and one short text item, valid as it is."""
    return {"title": title, "items": [{"key": "q1", "type": "text", "label": label}]}


def _new_item(kind: str, key: str, label: str) -> dict[str, Any]:
    item: dict[str, Any] = {"key": key, "type": kind, "label": label}
    if kind == "choice":
        item["choices"] = [{"label": "1", "tags": [], "remove_tags": []}]
    if kind == "file":
        item["accept"] = ["photo"]
    return item


class FormBuilder(QWidget):
    """Edits one form's draft. ``saved`` carries the form's number after a save."""

    saved = Signal(int)
    #: Whether the working copy differs from what is saved.
    dirty_changed = Signal(bool)

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formBuilder")
        self.book: Book | None = book
        self.form_pk: int | None = None
        self.data: dict[str, Any] = {"title": "", "items": []}
        self._saved_json = ""
        self._loading = False
        #: The check's result: (item index or None for the form, translated text), or None.
        self.error: tuple[int | None, str] | None = None
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self.refresh_preview)

        # --- left: title, description, items ---------------------------------------------
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("formTitle")
        self.title_edit.setPlaceholderText(self.tr("e.g. First-visit questionnaire"))
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setObjectName("formDescription")
        self.description_edit.setPlaceholderText(self.tr("Shown under the title"))
        self.description_edit.setFixedHeight(70)
        self.items_list = QListWidget(self)
        self.items_list.setObjectName("formItems")
        self.items_list.currentRowChanged.connect(self._item_chosen)
        self.add_button = QToolButton(self)
        self.add_button.setObjectName("addItem")
        self.add_button.setText(self.tr("Add a question"))
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        add_menu = QMenu(self.add_button)
        for kind in ITEM_TYPES:
            action = add_menu.addAction(type_label(kind))
            action.setObjectName(f"add_{kind}")
            action.triggered.connect(lambda _c=False, k=kind: self.add_item(k))
        self.add_button.setMenu(add_menu)
        self.up_button = QPushButton(self.tr("Up"), self)
        self.up_button.setObjectName("itemUp")
        self.up_button.clicked.connect(lambda: self.move_item(-1))
        self.down_button = QPushButton(self.tr("Down"), self)
        self.down_button.setObjectName("itemDown")
        self.down_button.clicked.connect(lambda: self.move_item(1))
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.setObjectName("itemRemove")
        self.remove_button.clicked.connect(self.remove_item)
        item_buttons = QHBoxLayout()
        item_buttons.addWidget(self.add_button)
        item_buttons.addStretch(1)
        item_buttons.addWidget(self.up_button)
        item_buttons.addWidget(self.down_button)
        item_buttons.addWidget(self.remove_button)
        left = QWidget(self)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(QLabel(self.tr("Title"), left))
        left_column.addWidget(self.title_edit)
        left_column.addWidget(QLabel(self.tr("Description"), left))
        left_column.addWidget(self.description_edit)
        left_column.addWidget(QLabel(self.tr("Questions, in order"), left))
        left_column.addWidget(self.items_list, 1)
        left_column.addLayout(item_buttons)

        # --- middle: the item's details, the settings -----------------------------------
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("builderTabs")
        self.item_page = self._make_item_editor()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.item_page)
        self.tabs.addTab(scroll, self.tr("Question"))
        settings_scroll = QScrollArea(self)
        settings_scroll.setWidgetResizable(True)
        settings_scroll.setWidget(self._make_settings())
        self.tabs.addTab(settings_scroll, self.tr("Settings"))

        # --- right: the preview ---------------------------------------------------------
        self.preview = FormPreview(self)
        preview_box = QWidget(self)
        preview_column = QVBoxLayout(preview_box)
        preview_column.setContentsMargins(0, 0, 0, 0)
        preview_note = QLabel(self.tr("Preview (a phone's width)"), preview_box)
        preview_column.addWidget(preview_note)
        preview_column.addWidget(self.preview, 1)
        # The page exactly as the relay serves it, in the owner's browser (Qt cannot lay
        # out its CSS): see ui/forms/browser_preview.py.
        self.browser_preview = PreviewServer()
        self.browser_button = QPushButton(self.tr("Open the page in the browser"), preview_box)
        self.browser_button.setObjectName("openPreviewInBrowser")
        self.browser_button.setToolTip(self.tr(
            "Shows the page exactly as friends will get it, at a phone's width, from this "
            "computer only. Reload it after editing; nothing sent from it is kept."))
        self.browser_button.clicked.connect(self.open_in_browser)
        preview_column.addWidget(self.browser_button)

        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.addWidget(preview_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 0)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([250, 480, self.preview.width()])
        self.splitter = splitter

        self.form_error = QLabel(self)
        self.form_error.setObjectName("formError")
        self.form_error.setWordWrap(True)
        self.form_error.setStyleSheet("color: #B3261E;")
        self.form_error.hide()
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("saveForm")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Undo changes"), self)
        self.revert_button.setObjectName("revertForm")
        self.revert_button.clicked.connect(self.revert)
        bottom = QHBoxLayout()
        bottom.addWidget(self.form_error, 1)
        bottom.addStretch(0)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self.title_edit.textChanged.connect(self._form_edited)
        self.description_edit.textChanged.connect(self._form_edited)
        self._update_buttons()

    # --- the item editor ---------------------------------------------------------------
    def _make_item_editor(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("itemEditor")
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.item_form = form
        self.item_error = QLabel(page)
        self.item_error.setObjectName("itemError")
        self.item_error.setWordWrap(True)
        self.item_error.setStyleSheet("color: #B3261E; font-weight: bold;")
        self.item_error.hide()
        form.addRow(self.item_error)
        self.type_label = QLabel(page)
        self.type_label.setObjectName("itemType")
        form.addRow(self.tr("Kind"), self.type_label)
        self.label_edit = QLineEdit(page)
        self.label_edit.setObjectName("itemLabel")
        form.addRow(self.tr("Question"), self.label_edit)
        self.help_edit = QPlainTextEdit(page)
        self.help_edit.setObjectName("itemHelp")
        self.help_edit.setFixedHeight(56)
        self.help_edit.setPlaceholderText(self.tr("A hint under the question (optional)"))
        form.addRow(self.tr("Help"), self.help_edit)
        self.required_check = QCheckBox(self.tr("Must be answered"), page)
        self.required_check.setObjectName("itemRequired")
        self.hidden_check = QCheckBox(self.tr("Hidden (sends its default)"), page)
        self.hidden_check.setObjectName("itemHidden")
        flags = QHBoxLayout()
        flags.addWidget(self.required_check)
        flags.addWidget(self.hidden_check)
        flags.addStretch(1)
        self.flags_row = QWidget(page)
        self.flags_row.setLayout(flags)
        flags.setContentsMargins(0, 0, 0, 0)
        form.addRow("", self.flags_row)
        self.default_edit = QLineEdit(page)
        self.default_edit.setObjectName("itemDefault")
        self.default_edit.setPlaceholderText(self.tr("Filled in beforehand (optional)"))
        form.addRow(self.tr("Default"), self.default_edit)
        # Limits.
        self.min_length = self._spin(page, "itemMinLength", 20000)
        self.max_length = self._spin(page, "itemMaxLength", 20000)
        form.addRow(self.tr("Shortest length"), self.min_length)
        form.addRow(self.tr("Longest length"), self.max_length)
        self.min_number = QLineEdit(page)
        self.min_number.setObjectName("itemMin")
        self.max_number = QLineEdit(page)
        self.max_number.setObjectName("itemMax")
        for edit in (self.min_number, self.max_number):
            edit.setPlaceholderText(self.tr("No limit"))
        form.addRow(self.tr("Smallest"), self.min_number)
        form.addRow(self.tr("Largest"), self.max_number)
        self.integer_check = QCheckBox(self.tr("Whole numbers only"), page)
        self.integer_check.setObjectName("itemInteger")
        form.addRow("", self.integer_check)
        self.min_date = QLineEdit(page)
        self.min_date.setObjectName("itemMinDate")
        self.max_date = QLineEdit(page)
        self.max_date.setObjectName("itemMaxDate")
        for edit in (self.min_date, self.max_date):
            edit.setPlaceholderText(self.tr("e.g. 2026-12-01 (no limit when empty)"))
        form.addRow(self.tr("Earliest date"), self.min_date)
        form.addRow(self.tr("Latest date"), self.max_date)
        # Choices.
        self.multiple_check = QCheckBox(self.tr("More than one may be chosen"), page)
        self.multiple_check.setObjectName("itemMultiple")
        form.addRow("", self.multiple_check)
        self.display_combo = QComboBox(page)
        self.display_combo.setObjectName("itemDisplay")
        self.display_combo.addItem(self.tr("Buttons (all shown)"), "radio")
        self.display_combo.addItem(self.tr("Drop-down list"), "dropdown")
        form.addRow(self.tr("Shown as"), self.display_combo)
        self.choices_table = QTableWidget(0, 3, page)
        self.choices_table.setObjectName("itemChoices")
        self.choices_table.setHorizontalHeaderLabels(
            [self.tr("Choice"), self.tr("Tags added"), self.tr("Tags removed")])
        self.choices_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.choices_table.verticalHeader().setVisible(False)
        self.choices_table.setMinimumHeight(150)
        self.choices_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.choices_table.setToolTip(self.tr("Tags: separate several with 、 or ,"))
        self.add_choice_button = QPushButton(self.tr("Add a choice"), page)
        self.add_choice_button.setObjectName("addChoice")
        self.add_choice_button.clicked.connect(self.add_choice)
        self.remove_choice_button = QPushButton(self.tr("Remove the choice"), page)
        self.remove_choice_button.setObjectName("removeChoice")
        self.remove_choice_button.clicked.connect(self.remove_choice)
        choices_box = QWidget(page)
        choices_column = QVBoxLayout(choices_box)
        choices_column.setContentsMargins(0, 0, 0, 0)
        choices_column.addWidget(self.choices_table)
        choice_buttons = QHBoxLayout()
        choice_buttons.addWidget(self.add_choice_button)
        choice_buttons.addWidget(self.remove_choice_button)
        choice_buttons.addStretch(1)
        choices_column.addLayout(choice_buttons)
        self.choices_box = choices_box
        form.addRow(self.tr("Choices"), choices_box)
        self.min_choices = self._spin(page, "itemMinChoices", 100)
        self.max_choices = self._spin(page, "itemMaxChoices", 100)
        form.addRow(self.tr("Fewest choices"), self.min_choices)
        form.addRow(self.tr("Most choices"), self.max_choices)
        # Other kinds.
        self.furigana_check = QCheckBox(self.tr("Ask the furigana too"), page)
        self.furigana_check.setObjectName("itemFurigana")
        form.addRow("", self.furigana_check)
        self.link_edit = QLineEdit(page)
        self.link_edit.setObjectName("itemLink")
        self.link_edit.setPlaceholderText("https://")
        form.addRow(self.tr("Privacy policy page"), self.link_edit)
        self.photo_check = QCheckBox(self.tr("Photos (JPEG, PNG)"), page)
        self.photo_check.setObjectName("itemPhoto")
        self.pdf_check = QCheckBox(self.tr("PDF"), page)
        self.pdf_check.setObjectName("itemPdf")
        accept = QHBoxLayout()
        accept.setContentsMargins(0, 0, 0, 0)
        accept.addWidget(self.photo_check)
        accept.addWidget(self.pdf_check)
        accept.addStretch(1)
        self.accept_row = QWidget(page)
        self.accept_row.setLayout(accept)
        form.addRow(self.tr("Files taken"), self.accept_row)
        self.max_files = QSpinBox(page)
        self.max_files.setObjectName("itemMaxFiles")
        self.max_files.setRange(1, 5)
        form.addRow(self.tr("Number of files"), self.max_files)
        # Where the answer goes.
        self.to_combo = QComboBox(page)
        self.to_combo.setObjectName("itemTo")
        form.addRow(self.tr("Goes into"), self.to_combo)
        self.overwrite_combo = QComboBox(page)
        self.overwrite_combo.setObjectName("itemOverwrite")
        self.overwrite_combo.addItem(self.tr("Keep a value the customer already has"), False)
        self.overwrite_combo.addItem(self.tr("Replace it with the answer"), True)
        form.addRow(self.tr("When filled already"), self.overwrite_combo)
        self.key_edit = QLineEdit(page)
        self.key_edit.setObjectName("itemKey")
        self.key_edit.setToolTip(self.tr("The name of the answer in files and in the CSV "
                                         "(letters and digits)"))
        form.addRow(self.tr("Key"), self.key_edit)

        for edit in (self.label_edit, self.default_edit, self.min_number, self.max_number,
                     self.min_date, self.max_date, self.link_edit, self.key_edit):
            edit.textChanged.connect(self._item_edited)
        self.help_edit.textChanged.connect(self._item_edited)
        for box in (self.required_check, self.hidden_check, self.integer_check,
                    self.multiple_check, self.furigana_check, self.photo_check,
                    self.pdf_check):
            box.toggled.connect(self._item_edited)
        for spin in (self.min_length, self.max_length, self.min_choices, self.max_choices,
                     self.max_files):
            spin.valueChanged.connect(self._item_edited)
        for combo in (self.display_combo, self.to_combo, self.overwrite_combo):
            combo.currentIndexChanged.connect(self._item_edited)
        self.choices_table.itemChanged.connect(self._item_edited)
        return page

    def _spin(self, parent: QWidget, name: str, top: int) -> QSpinBox:
        spin = QSpinBox(parent)
        spin.setObjectName(name)
        spin.setRange(0, top)
        spin.setSpecialValueText(self.tr("No limit"))
        return spin

    # --- the settings ----------------------------------------------------------------------
    def _make_settings(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("formSettings")
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.from_check = QCheckBox(self.tr("Open from"), page)
        self.from_check.setObjectName("openFromOn")
        self.from_edit = QDateTimeEdit(page)
        self.from_edit.setObjectName("openFrom")
        self.until_check = QCheckBox(self.tr("Open until"), page)
        self.until_check.setObjectName("openUntilOn")
        self.until_edit = QDateTimeEdit(page)
        self.until_edit.setObjectName("openUntil")
        for edit in (self.from_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setDateTime(QDateTime.currentDateTime())
        form.addRow(self.from_check, self.from_edit)
        form.addRow(self.until_check, self.until_edit)
        self.one_answer_check = QCheckBox(self.tr("One answer per friend"), page)
        self.one_answer_check.setObjectName("oneAnswer")
        self.one_answer_check.setToolTip(self.tr("A per-friend link takes one answer"))
        form.addRow("", self.one_answer_check)
        self.may_edit_check = QCheckBox(self.tr("The friend may change their last answer"),
                                        page)
        self.may_edit_check.setObjectName("mayEdit")
        form.addRow("", self.may_edit_check)
        self.max_answers = QSpinBox(page)
        self.max_answers.setObjectName("maxAnswers")
        self.max_answers.setRange(0, 1_000_000)
        self.max_answers.setSpecialValueText(self.tr("No limit"))
        form.addRow(self.tr("Maximum answers"), self.max_answers)
        self.thank_you_edit = QPlainTextEdit(page)
        self.thank_you_edit.setObjectName("thankYou")
        self.thank_you_edit.setFixedHeight(80)
        self.thank_you_edit.setPlaceholderText(self.tr("Shown after the friend sends"))
        form.addRow(self.tr("Thank-you text"), self.thank_you_edit)
        self.line_thanks_edit = QPlainTextEdit(page)
        self.line_thanks_edit.setObjectName("lineThankYou")
        self.line_thanks_edit.setFixedHeight(60)
        self.line_thanks_edit.setPlaceholderText(self.tr(
            "Sent to the friend in LINE after the answer arrives (empty: none)"))
        form.addRow(self.tr("Thank-you in LINE"), self.line_thanks_edit)
        self.tags_edit = QLineEdit(page)
        self.tags_edit.setObjectName("tagsOnAnswer")
        self.tags_edit.setPlaceholderText(self.tr("Separate several with 、 or ,"))
        form.addRow(self.tr("Tags on answer"), self.tags_edit)
        for box in (self.from_check, self.until_check, self.one_answer_check,
                    self.may_edit_check):
            box.toggled.connect(self._form_edited)
        for edit in (self.from_edit, self.until_edit):
            edit.dateTimeChanged.connect(self._form_edited)
        self.max_answers.valueChanged.connect(self._form_edited)
        self.thank_you_edit.textChanged.connect(self._form_edited)
        self.line_thanks_edit.textChanged.connect(self._form_edited)
        self.tags_edit.textChanged.connect(self._form_edited)
        return page

    # --- loading ---------------------------------------------------------------------------
    def load(self, form_pk: int) -> None:
        """Edit the saved draft of form ``form_pk``."""
        assert self.book is not None
        info = self.book.forms.get(form_pk)
        self.form_pk = info.id
        self._set_data(info.draft.to_json())
        self._saved_json = self._json()
        self.dirty_changed.emit(False)
        self._update_buttons()

    def put_back(self, data: dict[str, Any]) -> None:
        """Edits kept over a lock, on top of the loaded draft (unsaved, so dirty)."""
        self._set_data(data)
        self.dirty_changed.emit(self.dirty)
        self._update_buttons()
        self.refresh_preview()

    def _set_data(self, data: dict[str, Any]) -> None:
        self.data = copy.deepcopy(data)
        self.data.setdefault("items", [])
        self._loading = True
        try:
            self.title_edit.setText(str(self.data.get("title") or ""))
            self.description_edit.setPlainText(str(self.data.get("description") or ""))
            for check, edit, name in ((self.from_check, self.from_edit, "open_from"),
                                      (self.until_check, self.until_edit, "open_until")):
                value = self.data.get(name)
                check.setChecked(bool(value))
                if value:
                    when = dt.datetime.fromisoformat(str(value))
                    edit.setDateTime(QDateTime(QDate(when.year, when.month, when.day),
                                               QTime(when.hour, when.minute)))
            self.one_answer_check.setChecked(bool(self.data.get("one_answer_per_friend")))
            self.may_edit_check.setChecked(bool(self.data.get("may_edit_last_answer")))
            self.max_answers.setValue(int(self.data.get("max_answers") or 0))
            self.thank_you_edit.setPlainText(str(self.data.get("thank_you") or ""))
            self.line_thanks_edit.setPlainText(str(self.data.get("line_thank_you") or ""))
            self.tags_edit.setText("、".join(self.data.get("tags_on_answer") or []))
        finally:
            self._loading = False
        self._fill_list(0 if self.data["items"] else -1)
        self._check()

    def revert(self) -> None:
        if self.form_pk is not None:
            self.load(self.form_pk)

    # --- the working copy ------------------------------------------------------------------
    def definition(self) -> dict[str, Any]:
        """The working definition as JSON (what is saved when it passes the check)."""
        return copy.deepcopy(self.data)

    def _json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True)

    @property
    def dirty(self) -> bool:
        return self.form_pk is not None and self._json() != self._saved_json

    def _form_edited(self, *_args: Any) -> None:
        if self._loading:
            return
        d = self.data
        d["title"] = self.title_edit.text()
        d["description"] = self.description_edit.toPlainText()
        d["open_from"] = _iso(self.from_edit.dateTime()) if self.from_check.isChecked() \
            else None
        d["open_until"] = _iso(self.until_edit.dateTime()) if self.until_check.isChecked() \
            else None
        self.from_edit.setEnabled(self.from_check.isChecked())
        self.until_edit.setEnabled(self.until_check.isChecked())
        d["one_answer_per_friend"] = self.one_answer_check.isChecked()
        d["may_edit_last_answer"] = self.may_edit_check.isChecked()
        d["max_answers"] = self.max_answers.value() or None
        d["thank_you"] = self.thank_you_edit.toPlainText()
        if self.line_thanks_edit.toPlainText().strip():
            d["line_thank_you"] = self.line_thanks_edit.toPlainText()
        else:
            d.pop("line_thank_you", None)
        d["tags_on_answer"] = split_tags(self.tags_edit.text())
        self._changed()

    def _changed(self) -> None:
        self._check()
        self._preview_timer.start()
        self.dirty_changed.emit(self.dirty)
        self._update_buttons()

    # --- items -----------------------------------------------------------------------------
    @property
    def items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.data["items"]
        return items

    def current_index(self) -> int:
        return self.items_list.currentRow()

    def _row_text(self, n: int, item: dict[str, Any]) -> str:
        label = str(item.get("label") or "").strip() or self.tr("(no question yet)")
        text = f"{n + 1}. {label}  — {type_label(str(item.get('type')))}"
        if item.get("required"):
            text += " ※"
        if item.get("hidden"):
            text += " " + self.tr("(hidden)")
        return text

    def _fill_list(self, current: int) -> None:
        self.items_list.blockSignals(True)
        self.items_list.clear()
        for n, item in enumerate(self.items):
            QListWidgetItem(self._row_text(n, item), self.items_list)
        self.items_list.blockSignals(False)
        self.items_list.setCurrentRow(current)
        self._item_chosen(current)

    def _refresh_rows(self) -> None:
        bad = self.error[0] if self.error else None
        # Only the rows the list has (item() past its end would be None).
        for n, item in enumerate(self.items[:self.items_list.count()]):
            row = self.items_list.item(n)
            text = self._row_text(n, item)
            row.setText(("⚠ " + text) if n == bad else text)
            row.setForeground(QColor("#B3261E") if n == bad else QColor())

    def _next_key(self) -> str:
        used = {str(i.get("key")) for i in self.items}
        n = len(self.items) + 1
        while f"q{n}" in used:
            n += 1
        return f"q{n}"

    def add_item(self, kind: str) -> None:
        label = "" if kind != "consent" else self.tr("I agree to the privacy policy")
        at = self.current_index() + 1 if self.current_index() >= 0 else len(self.items)
        self.items.insert(at, _new_item(kind, self._next_key(), label))
        self._fill_list(at)
        self._changed()
        self.tabs.setCurrentIndex(0)
        self.label_edit.setFocus()

    def move_item(self, step: int) -> None:
        n = self.current_index()
        m = n + step
        if n < 0 or not 0 <= m < len(self.items):
            return
        self.items[n], self.items[m] = self.items[m], self.items[n]
        self._fill_list(m)
        self._changed()

    def remove_item(self) -> None:
        n = self.current_index()
        if n < 0:
            return
        del self.items[n]
        self._fill_list(min(n, len(self.items) - 1))
        self._changed()

    def _item_chosen(self, row: int) -> None:
        self._update_buttons()
        self.item_page.setEnabled(0 <= row < len(self.items))
        if not 0 <= row < len(self.items):
            return
        self._show_item(self.items[row])
        self._show_error()

    def _rows(self, kind: str) -> dict[QWidget, bool]:
        answers = kind != "heading"
        length = kind in ("text", "long_text")
        return {
            self.flags_row: answers,
            self.default_edit: kind in _TYPES_WITH_DEFAULT,
            self.min_length: length, self.max_length: length,
            self.min_number: kind == "number", self.max_number: kind == "number",
            self.integer_check: kind == "number",
            self.min_date: kind == "date", self.max_date: kind == "date",
            self.multiple_check: kind == "choice", self.display_combo: kind == "choice",
            self.choices_box: kind == "choice",
            self.min_choices: kind == "choice", self.max_choices: kind == "choice",
            self.furigana_check: kind == "name", self.link_edit: kind == "consent",
            self.accept_row: kind == "file", self.max_files: kind == "file",
            self.to_combo: answers and kind != "consent",
            self.overwrite_combo: answers and kind != "consent",
        }

    def _show_item(self, item: dict[str, Any]) -> None:
        kind = str(item.get("type"))
        self._loading = True
        try:
            self.type_label.setText(type_label(kind))
            self.key_edit.setText(str(item.get("key") or ""))
            self.label_edit.setText(str(item.get("label") or ""))
            self.help_edit.setPlainText(str(item.get("help") or ""))
            self.required_check.setChecked(bool(item.get("required")))
            self.hidden_check.setChecked(bool(item.get("hidden")))
            self.required_check.setVisible(kind != "heading")
            self.hidden_check.setVisible(kind not in ("heading", "file", "name", "address",
                                                      "phone", "email", "birthday"))
            default = item.get("default")
            self.default_edit.setText("" if default is None or default is False
                                      else _default_text(default))
            self.min_length.setValue(int(item.get("min_length") or 0))
            self.max_length.setValue(int(item.get("max_length") or 0))
            self.min_length.setMaximum(_LENGTH_CEILING.get(kind, 20000))
            self.max_length.setMaximum(_LENGTH_CEILING.get(kind, 20000))
            is_date = kind == "date"
            self.min_number.setText("" if is_date else _number_text(item.get("min")))
            self.max_number.setText("" if is_date else _number_text(item.get("max")))
            self.min_date.setText(str(item.get("min") or "") if is_date else "")
            self.max_date.setText(str(item.get("max") or "") if is_date else "")
            self.integer_check.setChecked(bool(item.get("integer")))
            self.multiple_check.setChecked(bool(item.get("multiple")))
            self.display_combo.setCurrentIndex(1 if item.get("display") == "dropdown" else 0)
            self.display_combo.setEnabled(not item.get("multiple"))
            self.min_choices.setValue(int(item.get("min_choices") or 0))
            self.max_choices.setValue(int(item.get("max_choices") or 0))
            self.min_choices.setEnabled(bool(item.get("multiple")))
            self.max_choices.setEnabled(bool(item.get("multiple")))
            self.choices_table.setRowCount(0)
            for choice in item.get("choices") or []:
                self._append_choice(choice if isinstance(choice, dict) else {"label": choice})
            self.furigana_check.setChecked(bool(item.get("furigana")))
            self.link_edit.setText(str(item.get("link") or ""))
            accept = item.get("accept") or []
            self.photo_check.setChecked("photo" in accept)
            self.pdf_check.setChecked("pdf" in accept)
            self.max_files.setValue(int(item.get("max_files") or 1))
            self._fill_destinations(item)
            self.overwrite_combo.setCurrentIndex(1 if item.get("overwrite") else 0)
            for widget, shown in self._rows(kind).items():
                self.item_form.setRowVisible(widget, shown)
        finally:
            self._loading = False

    def _fill_destinations(self, item: dict[str, Any]) -> None:
        kind = str(item.get("type"))
        combo = self.to_combo
        combo.clear()
        combo.addItem(self.tr("Answer only (no customer detail)"), None)
        for dest in DESTINATIONS:
            if kind in DESTINATION_TYPES[dest]:
                combo.addItem(self.tr("Customer's %1").replace("%1", destination_label(dest)),
                              dest)
        names: set[str] = set()
        if kind in FIELD_ITEM_TYPES and self.book is not None:
            wanted = self._field_types(item)
            for fld in self.book.fields.list():
                if fld.type in wanted:
                    combo.addItem(self.tr("Custom field: %1").replace("%1", fld.name),
                                  f"field:{fld.name}")
                    names.add(fld.name)
        to = item.get("to")
        if isinstance(to, str) and to.startswith("field:") and to[6:] not in names:
            combo.addItem(self.tr("New custom field: %1").replace("%1", to[6:]), to)
        elif kind in FIELD_ITEM_TYPES:
            combo.addItem(self.tr("New custom field named like the question"), NEW_FIELD)
        at = combo.findData(to)
        combo.setCurrentIndex(max(at, 0))
        self.overwrite_combo.setEnabled(to is not None)

    @staticmethod
    def _field_types(item: dict[str, Any]) -> tuple[str, ...]:
        kind = str(item.get("type"))
        if kind == "choice":
            return ("multi_choice",) if item.get("multiple") else ("single_choice", "text",
                                                                    "long_text",
                                                                    "multi_choice")
        return FIELD_TYPES_FOR.get(kind, ())

    def _append_choice(self, choice: dict[str, Any]) -> None:
        row = self.choices_table.rowCount()
        self.choices_table.insertRow(row)
        self.choices_table.setItem(row, 0, QTableWidgetItem(str(choice.get("label") or "")))
        self.choices_table.setItem(row, 1, QTableWidgetItem("、".join(choice.get("tags") or [])))
        self.choices_table.setItem(row, 2, QTableWidgetItem(
            "、".join(choice.get("remove_tags") or [])))

    def add_choice(self) -> None:
        self._loading = True
        try:
            self._append_choice({"label": ""})
        finally:
            self._loading = False
        row = self.choices_table.rowCount() - 1
        self.choices_table.setCurrentCell(row, 0)
        self._item_edited()
        cell = self.choices_table.item(row, 0)
        if cell is not None:
            self.choices_table.editItem(cell)

    def remove_choice(self) -> None:
        row = self.choices_table.currentRow()
        if row < 0:
            return
        self.choices_table.removeRow(row)
        self._item_edited()

    def _item_edited(self, *_args: Any) -> None:
        if self._loading:
            return
        n = self.current_index()
        if not 0 <= n < len(self.items):
            return
        item = self.items[n]
        kind = str(item.get("type"))
        item["key"] = self.key_edit.text().strip()
        item["label"] = self.label_edit.text()
        item["help"] = self.help_edit.toPlainText()
        if kind != "heading":
            item["required"] = self.required_check.isChecked()
            item["hidden"] = self.hidden_check.isChecked()
        if kind in _TYPES_WITH_DEFAULT:
            item["default"] = _default_value(kind, self.default_edit.text())
        if kind in ("text", "long_text"):
            item["min_length"] = self.min_length.value() or None
            item["max_length"] = self.max_length.value() or None
        elif kind == "number":
            item["min"] = _number_value(self.min_number.text())
            item["max"] = _number_value(self.max_number.text())
            item["integer"] = self.integer_check.isChecked()
        elif kind == "date":
            item["min"] = self.min_date.text().strip() or None
            item["max"] = self.max_date.text().strip() or None
        elif kind == "choice":
            multiple = self.multiple_check.isChecked()
            item["multiple"] = multiple
            item["display"] = "radio" if multiple else self.display_combo.currentData()
            item["min_choices"] = (self.min_choices.value() or None) if multiple else None
            item["max_choices"] = (self.max_choices.value() or None) if multiple else None
            self.display_combo.setEnabled(not multiple)
            self.min_choices.setEnabled(multiple)
            self.max_choices.setEnabled(multiple)
            item["choices"] = [
                {"label": self._cell(r, 0), "tags": split_tags(self._cell(r, 1)),
                 "remove_tags": split_tags(self._cell(r, 2))}
                for r in range(self.choices_table.rowCount())]
        elif kind == "name":
            item["furigana"] = self.furigana_check.isChecked()
        elif kind == "consent":
            item["link"] = self.link_edit.text().strip() or None
        elif kind == "file":
            item["accept"] = [k for k, box in (("photo", self.photo_check),
                                               ("pdf", self.pdf_check)) if box.isChecked()]
            item["max_files"] = self.max_files.value()
        if kind not in ("heading", "consent"):
            to = self.to_combo.currentData()
            if to == NEW_FIELD:
                name = item["label"].strip()
                to = f"field:{name}" if name else None
            item["to"] = to
            item["overwrite"] = bool(self.overwrite_combo.currentData()) and to is not None
            self.overwrite_combo.setEnabled(to is not None)
        row = self.items_list.item(n)
        if row is not None:
            row.setText(self._row_text(n, item))
        self._changed()

    def _cell(self, row: int, col: int) -> str:
        cell = self.choices_table.item(row, col)
        return cell.text().strip() if cell is not None else ""

    # --- the check -------------------------------------------------------------------------
    def _check(self) -> None:
        try:
            parse_definition(self.data)
        except DefinitionError as exc:
            self.error = (where_item(exc.where), explain(exc.where, exc.what))
        else:
            self.error = None
        self._refresh_rows()
        self._show_error()

    def _show_error(self) -> None:
        error = self.error
        here = error is not None and error[0] is not None and error[0] == self.current_index()
        self.item_error.setText(error[1] if here and error else "")
        self.item_error.setVisible(here)
        if error is None:
            self.form_error.hide()
            return
        if error[0] is None:
            text = error[1]
        else:
            label = str(self.items[error[0]].get("label") or "").strip() \
                if error[0] < len(self.items) else ""
            text = self.tr("Question %1 (%2): %3").replace("%1", str(error[0] + 1)).replace(
                "%2", label or "—").replace("%3", error[1])
        self.form_error.setText(text)
        self.form_error.show()

    def refresh_preview(self) -> None:
        self._preview_timer.stop()
        self.preview.show_definition(self.data)
        self.browser_preview.update(copy.deepcopy(self.data))

    def open_in_browser(self) -> str:
        """Serve the working definition as the relay's page and open it; its URL."""
        self.browser_preview.update(copy.deepcopy(self.data))
        url = self.browser_preview.start()
        QDesktopServices.openUrl(QUrl(url))
        return url

    def stop_browser_preview(self) -> None:
        self.browser_preview.stop()

    def _update_buttons(self) -> None:
        n = self.current_index()
        count = len(self.items)
        self.up_button.setEnabled(n > 0)
        self.down_button.setEnabled(0 <= n < count - 1)
        self.remove_button.setEnabled(0 <= n < count and count > 1)
        self.save_button.setEnabled(self.dirty)
        self.revert_button.setEnabled(self.dirty)

    # --- saving ----------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the draft when it passes the check; otherwise show why and keep it all."""
        if self.book is None or self.form_pk is None:
            return False
        self._check()
        if self.error is not None:
            if self.error[0] is not None:
                self.items_list.setCurrentRow(self.error[0])
                self.tabs.setCurrentIndex(0)
            elif self.error[1]:
                self.form_error.show()
            return False
        try:
            self.book.forms.update(self.form_pk, self.data)
        except OtokuiError as exc:
            show_error(self, exc)
            return False
        self._saved_json = self._json()
        self.dirty_changed.emit(False)
        self._update_buttons()
        self.saved.emit(self.form_pk)
        return True

    def release(self) -> None:
        self._preview_timer.stop()
        self.stop_browser_preview()
        self.book = None


def _iso(value: QDateTime) -> str:
    d, t = value.date(), value.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()).isoformat()


def _number_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number_value(text: str) -> int | float | str | None:
    """A number as typed; what is not a number is kept as typed, so the check names it."""
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def _default_text(value: Any) -> str:
    if value is True:
        return "✓"
    return _number_text(value)


def _default_value(kind: str, text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if kind == "number":
        return _number_value(text)
    return text
