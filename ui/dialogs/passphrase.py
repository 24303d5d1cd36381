"""Pieces shared by the dialogs that deal with passphrases.

``NewPassphraseFields`` asks for a new passphrase twice with a live hint about its length
(the rule itself is the core's :func:`app.crypto.keywrap.check_passphrase_strength`);
``PasswordField`` is a password line edit with a "show" switch, because owners who are
not used to typing blind make mistakes they cannot see.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.crypto.keywrap import check_passphrase_strength
from app.errors import WeakPassphraseError

#: Kinds of message under a field (also set as the label's "kind" property for tests).
HINT = "hint"
ERROR = "error"
GOOD = "good"
# Calm colours that read on light and dark backgrounds alike.
_COLOURS = {HINT: "#6B7280", ERROR: "#C62828", GOOD: "#2E7D32"}


def set_message(label: QLabel, text: str, kind: str = HINT) -> None:
    """Show ``text`` in ``label`` styled as a hint, an error or a success."""
    label.setText(text)
    label.setProperty("kind", kind)
    label.setStyleSheet(f"color: {_COLOURS[kind]};")
    label.setVisible(bool(text))


def message_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def strong_enough(passphrase: str) -> bool:
    try:
        check_passphrase_strength(passphrase)
    except WeakPassphraseError:
        return False
    return True


class PasswordField(QWidget):
    """A password line edit and a 表示 (show) check box beside it."""

    returnPressed = Signal()
    textChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setMinimumWidth(260)
        self.show_box = QCheckBox(self.tr("Show"), self)
        self.show_box.toggled.connect(self._toggle)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.show_box)
        self.edit.returnPressed.connect(self.returnPressed)
        self.edit.textChanged.connect(self.textChanged)
        self.setFocusProxy(self.edit)

    def _toggle(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown
                              else QLineEdit.EchoMode.Password)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def clear(self) -> None:
        self.edit.clear()

    def select_all_and_focus(self) -> None:
        self.edit.setFocus()
        self.edit.selectAll()


class NewPassphraseFields(QWidget):
    """A new passphrase typed twice, with a hint that follows what is typed.

    ``changed`` fires on every keystroke; :meth:`passphrase` is the passphrase once it is
    long enough and typed the same twice, else None.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, first_label: str | None = None,
                 current_label: str | None = None) -> None:
        super().__init__(parent)
        #: With ``current_label``: a field for the passphrase in use, above the new one.
        self.current: PasswordField | None = None
        self.first = PasswordField(self)
        self.second = PasswordField(self)
        self.second.show_box.setVisible(False)
        self.first.show_box.toggled.connect(self.second._toggle)
        self.first_hint = message_label(self)
        self.second_hint = message_label(self)
        # The hints change as the owner types (up to three lines, one, none): they keep
        # three lines' room so that the fields below never jump under the cursor (QA
        # finding; the longest hint wraps to three lines at the page's narrowest).
        for hint in (self.first_hint, self.second_hint):
            hint.setMinimumHeight(3 * hint.fontMetrics().lineSpacing())
            hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        if current_label is not None:
            self.current = PasswordField(self)
            self.current.show_box.toggled.connect(self.first.show_box.setChecked)
            self.first.show_box.setVisible(False)
            form.addRow(current_label, self.current)
        form.addRow(first_label or self.tr("Passphrase"), self.first)
        form.addRow("", self.first_hint)
        form.addRow(self.tr("Once more"), self.second)
        form.addRow("", self.second_hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self.setFocusProxy(self.current or self.first)
        if self.current is not None:
            self.setTabOrder(self.current.edit, self.first.edit)
        self.setTabOrder(self.first.edit, self.second.edit)
        self._update()

    def _update(self) -> None:
        first, second = self.first.text(), self.second.text()
        if not first:
            set_message(self.first_hint, self.tr(
                "At least 8 characters. A short sentence only you know is easy to remember."))
        elif not strong_enough(first):
            set_message(self.first_hint, self.tr(
                "Too short: please use at least 8 characters."), ERROR)
        else:
            set_message(self.first_hint, self.tr("Long enough."), GOOD)
        if second and second != first:
            set_message(self.second_hint, self.tr(
                "This is not the same as the first one."), ERROR)
        elif second and strong_enough(first):
            set_message(self.second_hint, self.tr("Both are the same."), GOOD)
        else:
            set_message(self.second_hint, "")
        self.first_hint.setVisible(True)  # empty or not, its room stays (see __init__)
        self.second_hint.setVisible(True)
        self.changed.emit()

    def passphrase(self) -> str | None:
        first = self.first.text()
        if strong_enough(first) and first == self.second.text():
            return first
        return None

    def set_texts(self, first: str, second: str) -> None:
        """For tests and for restoring what was typed."""
        self.first.setText(first)
        self.second.setText(second)

    def clear(self) -> None:
        if self.current is not None:
            self.current.clear()
        self.first.clear()
        self.second.clear()
