"""The When / If / Then editor of one rule.

The If speaks the segment builder's language: the same condition rows and groups
(ui/segments/conditions.py), or a saved segment. Saving goes through
``RuleService.save`` (app/automation): what it refuses (a keyword rule without keywords,
a loop with other rules, a deleted tag …) is shown under the editor in the owner's
language, and nothing typed is lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.automation.errors import CTX as ERROR_CTX
from app.customers import OWNER_FIELDS
from app.errors import OtokuiError
from app.messages import STATUS_LABELS, ConversationStatus
from app.segments import ConditionError, Group, from_json, to_json
from ui.errors import translate_error
from ui.photos import ask_photo_paths
from ui.resources import icon
from ui.segments.conditions import ERROR_COLOUR, BookChoices, GroupBox

if TYPE_CHECKING:
    from app.book import Book

translate = QCoreApplication.translate


def rule_problem(exc: BaseException) -> str:
    """A refusal of the rules core (its RuleError texts) in the owner's language."""
    if isinstance(exc, OtokuiError):
        translated = QCoreApplication.translate(ERROR_CTX, exc.message)
        if translated != exc.message:
            return translated
        return translate_error(exc)[0].split("\n(")[0]
    return translate("RuleEditor", "The rule could not be saved. Try again in a moment.")


#: The built-in fields' labels are the detail pane's (one translation for each).
_DETAIL_CTX = "DetailPane"
_BUILTIN = {
    "name": "Name",
    "furigana": "Furigana",
    "phone": "Phone",
    "email": "Email",
    "postal_code": "Postal code",
    "address": "Address",
    "birthday": "Birthday",
    "memo": "Memo",
}


def _builtin_fields() -> list[tuple[str, str]]:
    return [(f, QCoreApplication.translate(_DETAIL_CTX, _BUILTIN.get(f, f))) for f in OWNER_FIELDS]


def _words(text: str) -> list[str]:
    """Keywords typed with commas, 、 or new lines between them."""
    for sep in ("、", "，", "\n", "\t"):
        text = text.replace(sep, ",")
    return [w.strip() for w in text.split(",") if w.strip()]


def _show_page(stack: QStackedWidget, page: QWidget) -> None:
    """Show ``page``, sized to it alone (a stacked widget is as tall as its tallest page)."""
    for i in range(stack.count()):
        w = stack.widget(i)
        policy = QSizePolicy.Policy.Preferred if w is page else QSizePolicy.Policy.Ignored
        if w is not None:
            w.setSizePolicy(policy, policy)
    stack.setCurrentWidget(page)
    stack.adjustSize()


def _set_combo(combo: QComboBox, value: Any) -> None:
    i = combo.findData(value)
    if i >= 0:
        combo.setCurrentIndex(i)


def _combo(parent: QWidget, items: list[tuple[str, Any]], name: str = "") -> QComboBox:
    """A combo box of (label, data) items."""
    combo = QComboBox(parent)
    if name:
        combo.setObjectName(name)
    for label, data in items:
        combo.addItem(label, data)
    return combo


def _form_page(stack: QStackedWidget, pages: dict[str, QWidget], kinds: tuple[str, ...],
               rows: list[tuple[str, Any]]) -> QWidget:
    """A page of labelled rows (widgets or layouts), shown for these kinds."""
    page = QWidget(stack)
    form = QFormLayout(page)
    for label, widget in rows:
        form.addRow(label, widget)
    for k in kinds:
        pages[k] = page
    stack.addWidget(page)
    return page


class _Choices:
    """What the editor offers, read from the book once when the window opens or reloads."""

    def __init__(self, book: Book) -> None:
        self.segment_choices = BookChoices.of(book)
        self.tags = [(t.id, t.name) for t in book.tags.list()]
        self.fields = [(f"custom:{f.id}", f.name, f.type) for f in book.fields.list()]
        self.segments = [(g.id, g.name) for g in book.segments.list()]
        self.forms = [(f.form_id, f.title) for f in book.forms.list()]
        self.sequences = [(q.id, q.name) for q in book.sequences.list()]


class WhenEditor(QWidget):
    changed = Signal()
    KINDS = (
        "follow",
        "keyword",
        "postback",
        "form",
        "tag_added",
        "tag_removed",
        "field_changed",
        "date",
        "block",
    )

    def __init__(self, choices: _Choices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        labels = {
            "follow": translate("RuleEditor", "A friend follows the shop"),
            "keyword": translate("RuleEditor", "A message contains keywords"),
            "postback": translate("RuleEditor", "A button is tapped (postback)"),
            "form": translate("RuleEditor", "A form is answered"),
            "tag_added": translate("RuleEditor", "A tag is added"),
            "tag_removed": translate("RuleEditor", "A tag is removed"),
            "field_changed": translate("RuleEditor", "A field changes"),
            "date": translate("RuleEditor", "A date comes (birthday or a date field)"),
            "block": translate("RuleEditor", "A friend blocks the shop"),
        }
        self.kind = QComboBox(self)
        self.kind.setObjectName("ruleWhenKind")
        for k in self.KINDS:
            self.kind.addItem(labels[k], k)
        self.stack = QStackedWidget(self)
        self.pages: dict[str, QWidget] = {}
        # follow
        page = QWidget(self)
        self.unblocked = QCheckBox(
            translate("RuleEditor", "Also when a friend unblocks the shop"), page
        )
        self.unblocked.setChecked(True)
        QVBoxLayout(page).addWidget(self.unblocked)
        self._page("follow", page)
        self.words = QLineEdit(self)
        self.words.setObjectName("ruleKeywords")
        self.words.setPlaceholderText(
            translate("RuleEditor", "For example: 予約, よやく (separate with commas)"))
        self.match = _combo(self, [(translate("RuleEditor", "Any of the keywords"), "any"),
                                   (translate("RuleEditor", "All of the keywords"), "all")])
        self.data = QLineEdit(self)
        self.data.setObjectName("rulePostbackData")
        self.form = _combo(self, [(title, fid) for fid, title in choices.forms])
        self.choice = QLineEdit(self)
        self.choice.setPlaceholderText(translate("RuleEditor", "Any answer"))
        tags = [(name, tid) for tid, name in choices.tags]
        self.tag_tag_added = _combo(self, tags, "ruleWhenTag_tag_added")
        self.tag_tag_removed = _combo(self, tags, "ruleWhenTag_tag_removed")
        self.field = _combo(self, [(label, ref) for ref, label in _builtin_fields()]
                            + [(n, r) for r, n, _t in choices.fields])
        for kinds, rows in (
                (("keyword",), [(translate("RuleEditor", "Keywords"), self.words),
                                (translate("RuleEditor", "Match"), self.match)]),
                (("postback",), [(translate("RuleEditor", "Button data"), self.data)]),
                (("form",), [(translate("RuleEditor", "Form"), self.form),
                             (translate("RuleEditor", "Only when this choice is picked"),
                              self.choice)]),
                (("tag_added",), [(translate("RuleEditor", "Tag"), self.tag_tag_added)]),
                (("tag_removed",), [(translate("RuleEditor", "Tag"), self.tag_tag_removed)]),
                (("field_changed",), [(translate("RuleEditor", "Field"), self.field)])):
            _form_page(self.stack, self.pages, kinds, rows)
        self._date_page(choices)
        self._page("block", QWidget(self))
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.kind)
        box.addWidget(self.stack)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for w in (self.words, self.data, self.choice):
            w.textChanged.connect(self.changed)

    def _page(self, kind: str, page: QWidget) -> None:
        self.pages[kind] = page
        self.stack.addWidget(page)

    def _date_page(self, choices: _Choices) -> None:
        """The birthday or a date field, on the day or N days before/after, at a time."""
        self.date_source = _combo(
            self, [(dict(_builtin_fields()).get("birthday", "Birthday"), "birthday")]
            + [(n, r) for r, n, ftype in choices.fields if ftype in ("date", "datetime")],
            "ruleWhenDate")
        self.date_shift = _combo(self, [(translate("RuleEditor", "On the date"), 0),
                                        (translate("RuleEditor", "Days before the date"), -1),
                                        (translate("RuleEditor", "Days after the date"), 1)],
                                 "ruleWhenDateShift")
        self.date_days = QSpinBox(self)
        self.date_days.setObjectName("ruleWhenDateDays")
        self.date_days.setRange(1, 365)
        self.date_at = QTimeEdit(QTime(10, 0), self)
        self.date_at.setObjectName("ruleWhenDateAt")
        self.date_at.setDisplayFormat("HH:mm")
        self.date_yearly = QCheckBox(translate("RuleEditor", "Every year on the date"), self)
        self.date_yearly.setObjectName("ruleWhenDateYearly")
        shift = QHBoxLayout()
        shift.addWidget(self.date_shift)
        shift.addWidget(self.date_days)
        _form_page(self.stack, self.pages, ("date",), [
            (translate("RuleEditor", "Date"), self.date_source),
            (translate("RuleEditor", "Fires"), shift),
            (translate("RuleEditor", "At (Japan time)"), self.date_at),
            ("", self.date_yearly)])
        self.date_source.currentIndexChanged.connect(self._date_changed)
        self.date_shift.currentIndexChanged.connect(self._date_changed)
        self._date_changed()

    def _date_changed(self) -> None:
        self.date_days.setEnabled(self.date_shift.currentData() != 0)
        birthday = self.date_source.currentData() == "birthday"
        self.date_yearly.setEnabled(not birthday)  # a birthday comes every year
        if birthday:
            self.date_yearly.setChecked(True)
        self.changed.emit()

    def _kind_changed(self) -> None:
        _show_page(self.stack, self.pages[self.kind.currentData()])
        self.changed.emit()

    def value(self) -> dict[str, Any]:
        k = self.kind.currentData()
        if k == "follow":
            return {"kind": k, "new": True, "unblocked": self.unblocked.isChecked()}
        if k == "keyword":
            return {
                "kind": k,
                "words": _words(self.words.text()),
                "match": self.match.currentData(),
            }
        if k == "postback":
            return {"kind": k, "data": self.data.text().strip()}
        if k == "form":
            out: dict[str, Any] = {"kind": k, "form_id": self.form.currentData()}
            if self.choice.text().strip():
                out["choice"] = self.choice.text().strip()
            return out
        if k in ("tag_added", "tag_removed"):
            return {"kind": k, "tag_id": getattr(self, f"tag_{k}").currentData()}
        if k == "field_changed":
            return {"kind": k, "field": self.field.currentData()}
        if k == "date":
            days = int(self.date_shift.currentData()) * self.date_days.value()
            return {"kind": k, "date": self.date_source.currentData(), "days": days,
                    "at": self.date_at.time().toString("HH:mm"),
                    "yearly": self.date_yearly.isChecked()}
        return {"kind": k}

    def set_value(self, when: dict[str, Any]) -> None:
        k = when.get("kind", "follow")
        _set_combo(self.kind, k)
        _show_page(self.stack, self.pages.get(k, self.pages["follow"]))
        if k == "follow":
            self.unblocked.setChecked(bool(when.get("unblocked", True)))
        elif k == "keyword":
            self.words.setText(", ".join(when.get("words", [])))
            _set_combo(self.match, when.get("match", "any"))
        elif k == "postback":
            self.data.setText(str(when.get("data", "")))
        elif k == "form":
            _set_combo(self.form, when.get("form_id"))
            self.choice.setText(when.get("choice") or "")
        elif k in ("tag_added", "tag_removed"):
            _set_combo(getattr(self, f"tag_{k}"), when.get("tag_id"))
        elif k == "field_changed":
            _set_combo(self.field, when.get("field"))
        elif k == "date":
            _set_combo(self.date_source, when.get("date"))
            days = int(when.get("days", 0))
            _set_combo(self.date_shift, (days > 0) - (days < 0))
            self.date_days.setValue(max(1, abs(days)))
            hh, _, mm = str(when.get("at", "10:00")).partition(":")
            self.date_at.setTime(QTime(int(hh or 10), int(mm or 0)))
            self.date_yearly.setChecked(bool(when.get("yearly", True)))
            self._date_changed()


class IfEditor(QWidget):
    """Everyone, a saved segment, or conditions from the segment builder."""

    changed = Signal()

    def __init__(self, choices: _Choices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = QComboBox(self)
        self.mode.setObjectName("ruleIfMode")
        self.mode.addItem(translate("RuleEditor", "Every customer"), "all")
        self.mode.addItem(translate("RuleEditor", "Customers in a saved segment"), "segment")
        self.mode.addItem(
            translate("RuleEditor", "Customers matching these conditions"), "condition"
        )
        self.segment = QComboBox(self)
        self.segment.setObjectName("ruleIfSegment")
        for sid, name in choices.segments:
            self.segment.addItem(name, sid)
        self.group = GroupBox(choices.segment_choices, 1, self)
        self.group.setObjectName("ruleIfGroup")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.mode)
        box.addWidget(self.segment)
        box.addWidget(self.group)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.group.changed.connect(self.changed)
        self._mode_changed()

    def _mode_changed(self) -> None:
        mode = self.mode.currentData()
        self.segment.setVisible(mode == "segment")
        self.group.setVisible(mode == "condition")
        if mode == "condition" and not self.group.items():
            self.group.add_condition()
        self.changed.emit()

    def value(self) -> dict[str, Any] | None:
        """The If as the core takes it; ConditionError when a condition row is incomplete."""
        mode = self.mode.currentData()
        if mode == "segment":
            return {"segment_id": self.segment.currentData()}
        if mode == "condition":
            self.group.touch_all()
            return {"condition": to_json(self.group.group())}
        return None

    def set_value(self, cond: dict[str, Any] | None) -> None:
        self.group.clear()
        if not cond:
            _set_combo(self.mode, "all")
        elif "segment_id" in cond:
            _set_combo(self.mode, "segment")
            _set_combo(self.segment, cond["segment_id"])
        else:
            try:
                group: Group = from_json(cond.get("condition"))
            except ConditionError:
                group = Group("and", ())
            _set_combo(self.mode, "condition")
            self.group.set_group(group)
        self._mode_changed()


class SendPhotos(QWidget):
    """The photos of a send: chosen files (checked and stored when the rule is saved,
    by RuleService) and the photos the rule already has (kept as they are)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("ruleActionPhotos")
        self.list.setMaximumHeight(72)
        self.add_button = QPushButton(translate("RuleEditor", "Add photos…"), self)
        self.add_button.setObjectName("ruleActionAddPhotos")
        self.add_button.setToolTip(translate(
            "RuleEditor", "JPEG or PNG photos of at most 1 MB, sent after the text"))
        self.remove_button = QPushButton(translate("RuleEditor", "Remove photo"), self)
        self.remove_button.setObjectName("ruleActionRemovePhoto")
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.list, 1)
        line.addLayout(buttons)
        self.add_button.clicked.connect(self.ask)
        self.remove_button.clicked.connect(self.remove_current)
        self._refresh()

    def ask(self) -> None:
        """The owner picks photos (the project's photo file dialog: JPEG and PNG)."""
        for path in ask_photo_paths(self):
            self.add(str(path))

    def add(self, photo: str | dict[str, Any]) -> None:
        """A path chosen now, or a photo the saved rule has (``{"blob", "name", …}``)."""
        name = photo.get("name", "") if isinstance(photo, dict) else Path(photo).name
        item = QListWidgetItem(str(name) or translate("RuleEditor", "Photo"), self.list)
        item.setData(Qt.ItemDataRole.UserRole, photo)
        item.setToolTip(photo if isinstance(photo, str) else str(name))
        self._refresh()
        self.changed.emit()

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self._refresh()
            self.changed.emit()

    def clear(self) -> None:
        self.list.clear()
        self._refresh()

    def photos(self) -> list[str | dict[str, Any]]:
        items = (self.list.item(i) for i in range(self.list.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items if item is not None]

    def _refresh(self) -> None:
        self.list.setVisible(self.list.count() > 0)
        self.remove_button.setVisible(self.list.count() > 0)


class ActionRow(QFrame):
    """One action of the Then: what to do (kind) and its values."""

    remove_requested = Signal(object)
    changed = Signal()

    def __init__(self, choices: _Choices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleActionRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.kind = QComboBox(self)
        self.kind.setObjectName("ruleActionKind")
        self.stack = QStackedWidget(self)
        self.pages: dict[str, QWidget] = {}
        self.tag = QComboBox(self)  # shared by add/remove: moved between pages
        self.tag.setEditable(True)  # a new tag's name is created when the rule is saved
        self.tag.setObjectName("ruleActionTag")
        for tid, name in choices.tags:
            self.tag.addItem(name, tid)
        labels = {
            "add_tag": translate("RuleEditor", "Add a tag"),
            "remove_tag": translate("RuleEditor", "Remove a tag"),
            "set_field": translate("RuleEditor", "Set a field"),
            "add_points": translate("RuleEditor", "Add points"),
            "send": translate("RuleEditor", "Send a message"),
            "set_status": translate("RuleEditor", "Set the chat's status"),
            "notify": translate("RuleEditor", "Notify me"),
            "start_sequence": translate("RuleEditor", "Start a step sequence"),
            "stop_sequence": translate("RuleEditor", "Stop a step sequence"),
        }
        from app.automation.actions import ACTIONS

        for k in labels:
            if k in ACTIONS:
                self.kind.addItem(labels[k], k)
        self.field = _combo(self, [(label, ref) for ref, label in _builtin_fields()]
                            + [(n, r) for r, n, _t in choices.fields])
        self.value = QLineEdit(self)
        self.value.setObjectName("ruleActionValue")
        self.points_field = _combo(self, [(n, r) for r, n, ftype in choices.fields
                                          if ftype in ("points", "number")])
        self.points = QSpinBox(self)
        self.points.setRange(-1_000_000, 1_000_000)
        self.points.setValue(1)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("ruleActionText")
        self.text.setPlaceholderText(
            translate("RuleEditor", "For example: {名前}様、友だち追加ありがとうございます！"))
        self.text.setFixedHeight(64)
        self.photos = SendPhotos(self)
        self.photos.changed.connect(self.changed)
        self.status = _combo(self, [(_status_label(st), st.value) for st in ConversationStatus])
        self.notice = QLineEdit(self)
        self.notice.setObjectName("ruleActionNotice")
        self.sequence = _combo(self, [(n, q) for q, n in choices.sequences],
                               "ruleActionSequence")
        for kinds, rows in (
                (("add_tag", "remove_tag"), [(translate("RuleEditor", "Tag"), self.tag)]),
                (("set_field",), [(translate("RuleEditor", "Field"), self.field),
                                  (translate("RuleEditor", "Value"), self.value)]),
                (("add_points",), [(translate("RuleEditor", "Field"), self.points_field),
                                   (translate("RuleEditor", "Points"), self.points)]),
                (("send",), [(translate("RuleEditor", "Message"), self.text),
                              (translate("RuleEditor", "Photos"), self.photos)]),
                (("set_status",), [(translate("RuleEditor", "Status"), self.status)]),
                (("notify",), [(translate("RuleEditor", "Notice"), self.notice)]),
                (("start_sequence", "stop_sequence"),
                 [(translate("RuleEditor", "Step sequence"), self.sequence)])):
            _form_page(self.stack, self.pages, kinds, rows)

        self.remove_button = QToolButton(self)
        self.remove_button.setIcon(icon("delete"))
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip(translate("RuleEditor", "Remove this action"))
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        line = QHBoxLayout(self)
        line.setContentsMargins(8, 6, 6, 6)
        line.addWidget(self.kind)
        line.addWidget(self.stack, 1)
        line.addWidget(self.remove_button)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        _show_page(self.stack, self.pages[self.kind.currentData()])
        self.changed.emit()

    def action(self) -> dict[str, Any]:
        k = self.kind.currentData()
        if k in ("add_tag", "remove_tag"):
            name = self.tag.currentText().strip()
            i = self.tag.findText(name)
            if i >= 0 and self.tag.itemData(i) is not None:
                return {"kind": k, "tag_id": self.tag.itemData(i)}
            return {"kind": k, "tag": name}
        if k == "set_field":
            return {"kind": k, "field": self.field.currentData(), "value": self.value.text()}
        if k == "add_points":
            return {
                "kind": k,
                "field": self.points_field.currentData(),
                "points": self.points.value(),
            }
        if k == "send":
            photos = self.photos.photos()
            if photos:  # checked, stored and counted by RuleService.save
                return {"kind": k, "text": self.text.toPlainText(), "images": photos}
            return {"kind": k, "text": self.text.toPlainText()}
        if k == "set_status":
            return {"kind": k, "status": self.status.currentData()}
        if k == "notify":
            return {"kind": k, "text": self.notice.text()}
        return {"kind": k, "sequence_id": self.sequence.currentData()}

    def set_action(self, a: dict[str, Any]) -> None:
        k = a.get("kind")
        _set_combo(self.kind, k)
        if k in ("add_tag", "remove_tag"):
            _set_combo(self.tag, a.get("tag_id"))
        elif k == "set_field":
            _set_combo(self.field, a.get("field"))
            self.value.setText(str(a.get("value", "")))
        elif k == "add_points":
            _set_combo(self.points_field, a.get("field"))
            self.points.setValue(int(a.get("points", 1)))
        elif k == "send":
            self.text.setPlainText(str(a.get("text", "")))
            self.photos.clear()
            for photo in a.get("images") or []:
                self.photos.add(photo)
        elif k == "set_status":
            _set_combo(self.status, a.get("status"))
        elif k == "notify":
            self.notice.setText(str(a.get("text", "")))
        elif k in ("start_sequence", "stop_sequence"):
            _set_combo(self.sequence, a.get("sequence_id"))


def _status_label(st: ConversationStatus) -> str:
    return QCoreApplication.translate("messages", STATUS_LABELS[st])


class RuleEditor(QWidget):
    """Name, When, If, Then; :meth:`raw` is what ``RuleService.save`` takes."""

    changed = Signal()

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleEditor")
        self.book = book
        self.choices = _Choices(book)
        self.name = QLineEdit(self)
        self.name.setObjectName("ruleName")
        self.name.setMaxLength(100)
        self.name.setPlaceholderText(translate("RuleEditor", "For example: 友だち追加のあいさつ"))
        self.when = WhenEditor(self.choices, self)
        self.cond = IfEditor(self.choices, self)
        self.actions_box = QVBoxLayout()
        self.actions_box.setSpacing(6)
        self.add_action_button = QPushButton(
            icon("plus"), translate("RuleEditor", "Add action"), self
        )
        self.add_action_button.setObjectName("ruleAddAction")
        self.add_action_button.clicked.connect(lambda: self.add_action())
        # The relay answers such a rule itself, at once (app/automation/instant.py).
        self.instant = QCheckBox(translate(
            "RuleEditor", "Reply at once through the relay's autopilot, also while this "
            "computer is off"), self)
        self.instant.setObjectName("ruleInstant")
        self.instant.setToolTip(translate(
            "RuleEditor", "For a greeting or a keyword reply with one text message (only "
            "{表示名} filled in). Used while the autopilot is on (Settings → LINE); the "
            "relay then sends the message with the free reply, and this computer does the "
            "rule's other actions when it syncs."))
        self.problem = QLabel(self)
        self.problem.setObjectName("ruleProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.problem.hide()

        name_row = QHBoxLayout()
        name_row.addWidget(QLabel(translate("RuleEditor", "Rule name"), self))
        name_row.addWidget(self.name, 1)
        when_box = QGroupBox(translate("RuleEditor", "Trigger (When)"), self)
        QVBoxLayout(when_box).addWidget(self.when)
        if_box = QGroupBox(translate("RuleEditor", "Condition (If)"), self)
        QVBoxLayout(if_box).addWidget(self.cond)
        then_box = QGroupBox(translate("RuleEditor", "Actions (Then)"), self)
        then_layout = QVBoxLayout(then_box)
        then_layout.addLayout(self.actions_box)
        then_layout.addWidget(self.add_action_button)
        then_layout.addWidget(self.instant)
        box = QVBoxLayout(self)
        box.addLayout(name_row)
        box.addWidget(when_box)
        box.addWidget(if_box)
        box.addWidget(then_box)
        box.addWidget(self.problem)
        box.addStretch(1)
        self.add_action()
        self.when.kind.currentIndexChanged.connect(self._instant_possible)
        self._instant_possible()

    def _instant_possible(self) -> None:
        # Only a greeting or a keyword reply can be answered by the relay alone; the rest
        # of what makes a rule instant is checked when it is saved (app/automation/instant.py).
        self.instant.setEnabled(self.when.kind.currentData() in ("follow", "keyword"))

    def rows(self) -> list[ActionRow]:
        out = []
        for i in range(self.actions_box.count()):
            item = self.actions_box.itemAt(i)
            w = item.widget() if item is not None else None
            if isinstance(w, ActionRow):
                out.append(w)
        return out

    def add_action(self, action: dict[str, Any] | None = None) -> ActionRow:
        row = ActionRow(self.choices, self)
        if action is not None:
            row.set_action(action)
        row.remove_requested.connect(self._remove)
        self.actions_box.addWidget(row)
        return row

    def _remove(self, row: ActionRow) -> None:
        self.actions_box.removeWidget(row)
        row.hide()
        row.deleteLater()

    def clear(self) -> None:
        """A new, empty rule."""
        self.name.clear()
        self.when.set_value({"kind": "follow"})
        self.cond.set_value(None)
        self.instant.setChecked(False)
        for row in self.rows():
            self._remove(row)
        self.add_action()
        self.show_problem(None)

    def load(self, name: str, enabled: bool, spec: dict[str, Any]) -> None:
        self.name.setText(name)
        self.enabled = enabled
        self.when.set_value(spec.get("when", {}))
        self.cond.set_value(spec.get("if"))
        self.instant.setChecked(bool(spec.get("instant")))
        for row in self.rows():
            self._remove(row)
        for a in spec.get("then", []):
            self.add_action(a)
        self.show_problem(None)

    def raw(self) -> dict[str, Any]:
        """The rule as typed (ConditionError when an If row is incomplete)."""
        return {
            "name": self.name.text(),
            "when": self.when.value(),
            "if": self.cond.value(),
            "then": [r.action() for r in self.rows()],
            "instant": self.instant.isChecked() and self.instant.isEnabled(),
        }

    def show_problem(self, message: str | None) -> None:
        self.problem.setText(message or "")
        self.problem.setVisible(bool(message))
