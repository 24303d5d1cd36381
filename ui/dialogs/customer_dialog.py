"""A new customer typed in by hand: the built-in fields, with problems shown beside them.

Each field is checked by the core's own rule (:func:`app.customers.clean_value`, the one
``book.customers.create`` applies), so the owner sees every problem at once, next to the
field it belongs to, and nothing they typed is lost. Required custom fields ("必須") are
asked here too, below the built-in ones, and the core refuses a new customer without them
(``create(check_required=True)``); other custom fields are filled in the detail pane
afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.customers import clean_value
from app.errors import OtokuiError, ValidationError
from app.fields import validate
from ui.dialogs.passphrase import ERROR, message_label, set_message
from ui.errors import show_error

if TYPE_CHECKING:
    from app.book import Book

#: Contexts the core's validation messages are translated in, most likely first.
def reason_text(exc: ValidationError) -> str:
    """What is wrong, in the UI language, without echoing the value back."""
    from ui.errors import translate_text

    return translate_text(exc.message)


class NewCustomerDialog(QDialog):
    """``exec()``, then :attr:`customer_id` holds the new customer's id (None if cancelled)."""

    #: Built-in fields in form order; memo is multi-line.
    FIELDS = ("name", "furigana", "phone", "email", "postal_code", "address", "birthday",
              "memo")

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.customer_id: int | None = None
        self.setWindowTitle(self.tr("New customer"))
        labels = {
            "name": self.tr("Name"),
            "furigana": self.tr("Furigana"),
            "phone": self.tr("Phone"),
            "email": self.tr("Email"),
            "postal_code": self.tr("Postal code"),
            "address": self.tr("Address"),
            "birthday": self.tr("Birthday"),
            "memo": self.tr("Memo"),
        }
        placeholders = {
            "name": self.tr("e.g. 山田 花子"),
            "furigana": self.tr("e.g. やまだ はなこ"),
            "phone": self.tr("e.g. 090-1234-5678"),
            "email": self.tr("e.g. hanako@example.jp"),
            "postal_code": self.tr("e.g. 150-0001"),
            "birthday": self.tr("e.g. 1990-04-01 or 1990年4月1日"),
        }
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        self._required_fields: dict[int, Any] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setVerticalSpacing(4)
        form.setHorizontalSpacing(14)
        for name in self.FIELDS:
            if name == "memo":
                memo = QPlainTextEdit(self)
                memo.setTabChangesFocus(True)
                memo.setFixedHeight(84)
                edit: QLineEdit | QPlainTextEdit = memo
            else:
                edit = QLineEdit(self)
                edit.setPlaceholderText(placeholders.get(name, ""))
                edit.textChanged.connect(lambda _t, n=name: self._edited(n))
            edit.setObjectName(f"field_{name}")
            error = message_label(self)
            error.setObjectName(f"error_{name}")
            self.edits[name] = edit
            self.errors[name] = error
            form.addRow(labels[name], edit)
            form.addRow("", error)
        # Required custom fields: the book refuses a new customer without them.
        from app.fields import required_on_create
        from ui.widgets.field_editors import FieldEditor, editor_for

        self.required: dict[int, FieldEditor] = {}
        for f in required_on_create(book.fields.list()):
            editor = editor_for(f, self)
            if editor is None:
                continue
            editor.setObjectName(f"custom_{f.id}")
            self.required[f.id] = editor
            self._required_fields[f.id] = f
            form.addRow(f"{f.name} *", editor)
        self.required_legend = QLabel(self.tr("* required: it cannot be left empty"), self)
        self.required_legend.setObjectName("requiredLegend")
        self.required_legend.setVisible(bool(self.required))
        self.form_error = message_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
            self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Add"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addLayout(form)
        layout.addWidget(self.required_legend)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self.resize(460, 0)
        self.edits["name"].setFocus()

    def set_values(self, **values: str) -> None:
        """Fill fields by name (for tests, and to prefill from a search)."""
        for name, text in values.items():
            edit = self.edits[name]
            if isinstance(edit, QPlainTextEdit):
                edit.setPlainText(text)
            else:
                edit.setText(text)

    def draft(self) -> dict[str, Any]:
        """Everything typed so far (built-in fields by name, required custom fields by
        "field:<id>"), to open the dialog again as it was (after an auto-lock)."""
        out: dict[str, Any] = dict(self.values())
        for fid, editor in self.required.items():
            out[f"field:{fid}"] = editor.value()
        return out

    def restore_draft(self, draft: dict[str, Any]) -> None:
        self.set_values(**{k: v for k, v in draft.items() if k in self.edits})
        for fid, editor in self.required.items():
            value = draft.get(f"field:{fid}")
            if value not in (None, ""):
                editor.set_value(value, force=True)

    def values(self) -> dict[str, str]:
        result = {}
        for name, edit in self.edits.items():
            text = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
            result[name] = text if name == "memo" else text.strip()
        return result

    def _edited(self, name: str) -> None:
        set_message(self.errors[name], "")

    def validate(self) -> dict[str, str]:
        """Check every field; show each problem beside its field. Returns the problems."""
        problems: dict[str, str] = {}
        data = self.values()
        if not data["name"]:
            problems["name"] = self.tr("Please type the customer's name.")
        for name, raw in data.items():
            if name in problems:
                continue
            try:
                clean_value(name, raw)
            except ValidationError as exc:
                problems[name] = reason_text(exc)
        for name, label in self.errors.items():
            set_message(label, problems.get(name, ""), ERROR)
        for fid, editor in self.required.items():
            try:
                validate(self._required_fields[fid], editor.value())
                editor.show_error(None)
            except ValidationError as exc:
                problems[f"field:{fid}"] = reason_text(exc)
                editor.show_error(reason_text(exc))
        if problems:
            first = next((n for n in self.FIELDS if n in problems), None)
            if first is not None:
                self.edits[first].setFocus()
                if isinstance(self.edits[first], QLineEdit):
                    self.edits[first].selectAll()
            else:
                fid = next(f for f in self.required if f"field:{f}" in problems)
                self.required[fid].setFocus()
        self._grow_to_fit()
        return problems

    def _grow_to_fit(self) -> None:
        """Make room for the messages just shown. A shown dialog does not grow by itself
        for wrapped labels (their height depends on the width), so long ones were clipped
        and the memo squashed under them."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = self.width()
        need = layout.totalMinimumSize().height()
        if layout.hasHeightForWidth():
            need = max(need, layout.totalHeightForWidth(width))
        if need > self.height():
            self.resize(width, need)

    def save(self) -> None:
        set_message(self.form_error, "")
        if self.validate():
            return
        data = {k: v for k, v in self.values().items() if v}
        try:
            self.customer_id = self.book.customers.create(
                check_required=True,
                field_values={fid: e.value() for fid, e in self.required.items()}, **data)
        except ValidationError as exc:
            # A rule only the whole record can break: shown above the buttons; the form
            # stays as typed.
            set_message(self.form_error, reason_text(exc), ERROR)
            return
        except OtokuiError as exc:
            show_error(self, exc)
            return
        self.accept()


def new_customer(book: Book, parent: QWidget | None = None) -> int | None:
    """Ask for a new customer; returns their id, or None if the owner cancelled."""
    dialog = NewCustomerDialog(book, parent)
    dialog.exec()
    return dialog.customer_id
