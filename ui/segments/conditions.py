"""The condition tree as widgets: groups (AND / OR) holding condition rows and groups.

:meth:`GroupBox.group` reads the tree into the core's :class:`app.segments.Group`; a row
that is incomplete raises :class:`app.segments.ConditionError` with its path from the root,
the same path the core uses, so either kind of problem marks the same row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.fields import FieldType
from app.segments import (
    AND,
    MAX_DEPTH,
    OR,
    BirthdayCondition,
    Condition,
    ConditionError,
    ConsentCondition,
    FieldCondition,
    FollowedCondition,
    Group,
    LastMessageCondition,
    LineCondition,
    PrefectureCondition,
    TagCondition,
)
from ui.resources import icon
from ui.segments import editors

if TYPE_CHECKING:
    from app.book import Book

# A plain name lupdate recognises (it does not follow other aliases).
translate = QCoreApplication.translate

ERROR_COLOUR = "#C5221F"
# What a new row still needs: said calmly, not as an error.
HINT_COLOUR = "#6B7280"


@dataclass(frozen=True)
class FieldChoice:
    id: int
    name: str
    type: FieldType
    choices: tuple[str, ...] = ()


@dataclass
class BookChoices:
    """What the builder offers, read from the book once when it opens."""

    tags: list[tuple[int, str]] = field(default_factory=list)
    fields: list[FieldChoice] = field(default_factory=list)

    @classmethod
    def of(cls, book: Book) -> BookChoices:
        fields = []
        for f in book.fields.list():
            try:
                ftype = FieldType(f.type)
            except ValueError:
                continue
            fields.append(FieldChoice(f.id, f.name, ftype, tuple(f.choices or ())))
        return cls([(t.id, t.name) for t in book.tags.list()], fields)


def _kind_of(cond: Condition) -> str:
    if isinstance(cond, TagCondition):
        return "tags"
    if isinstance(cond, FieldCondition):
        return f"field:{cond.field_id}"
    if isinstance(cond, FollowedCondition):
        return "followed"
    if isinstance(cond, BirthdayCondition):
        return "birthday"
    if isinstance(cond, LineCondition):
        return "line"
    if isinstance(cond, LastMessageCondition):
        return "last_message"
    if isinstance(cond, PrefectureCondition):
        return "prefecture"
    if isinstance(cond, ConsentCondition):
        return "consent"
    return "kept"


class ConditionRow(QFrame):
    """One condition: what it looks at (kind combo) and the editor for that kind."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, choices: BookChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("segmentConditionRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.choices = choices
        self.kind = QComboBox(self)
        self.kind.setObjectName("segmentKind")
        self.kind.addItem(icon("tag"), translate("SegmentRow", "Tags"), "tags")
        for f in choices.fields:
            self.kind.addItem(icon("fields"), f.name, f"field:{f.id}")
        self.kind.insertSeparator(self.kind.count())
        for key, label in (("followed", translate("SegmentRow", "Friend since")),
                           ("birthday", translate("SegmentRow", "Birthday month")),
                           ("line", translate("SegmentRow", "LINE")),
                           ("last_message",
                            translate("SegmentRow", "Last message from the customer")),
                           ("prefecture", translate("SegmentRow", "Prefecture")),
                           ("consent", translate("SegmentRow", "Privacy policy"))):
            self.kind.addItem(label, key)
        self.kind.setMinimumWidth(150)
        self.remove_button = QToolButton(self)
        self.remove_button.setObjectName("segmentRemoveCondition")
        self.remove_button.setIcon(icon("delete"))
        self.remove_button.setToolTip(translate("SegmentRow", "Remove this condition"))
        self.remove_button.setAutoRaise(True)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.problem = QLabel(self)
        self.problem.setObjectName("segmentRowProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        # The owner changed something in this row (or it was loaded, or Save was pressed):
        # only then is an incomplete row an error, in red; a new, untouched one is a hint.
        self.touched = False

        self._line = QHBoxLayout()
        self._line.setSpacing(8)
        self._line.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignVCenter)
        self.editor: editors._Editor = editors.TagEditor(choices.tags, self)
        self._line.addWidget(self.editor, 1)
        self._line.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignVCenter)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 6, 6)
        box.setSpacing(4)
        box.addLayout(self._line)
        box.addWidget(self.problem)
        self.editor.changed.connect(self.changed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.changed.connect(self._touch)

    def _touch(self) -> None:
        self.touched = True

    def _make_editor(self, kind: str) -> editors._Editor:
        if kind == "tags":
            return editors.TagEditor(self.choices.tags, self)
        if kind.startswith("field:"):
            fid = int(kind[6:])
            f = next(f for f in self.choices.fields if f.id == fid)
            return editors.FieldEditor(f.id, f.type, list(f.choices), self)
        return {"followed": editors.FollowedEditor, "birthday": editors.BirthdayEditor,
                "line": editors.LineEditor, "last_message": editors.LastMessageEditor,
                "prefecture": editors.PrefectureEditor,
                "consent": editors.ConsentEditor}[kind](self)

    def _replace_editor(self, editor: editors._Editor) -> None:
        old = self.editor
        self._line.replaceWidget(old, editor)
        old.hide()
        old.deleteLater()
        self.editor = editor
        editor.changed.connect(self.changed)

    def _kind_changed(self) -> None:
        self._replace_editor(self._make_editor(self.kind.currentData()))
        self.changed.emit()

    def set_kind(self, kind: str) -> None:
        index = self.kind.findData(kind)
        if index >= 0:
            self.kind.setCurrentIndex(index)

    def condition(self) -> Condition:
        return self.editor.condition()

    def set_condition(self, cond: Condition) -> None:
        kind = _kind_of(cond)
        self.kind.blockSignals(True)
        index = self.kind.findData(kind)
        if index >= 0:
            self.kind.setCurrentIndex(index)
            editor = self._make_editor(kind)
        else:  # a field deleted since: keep the condition as it was
            self.kind.setCurrentIndex(-1)
            editor = editors.KeptEditor(cond, self)
        self.kind.blockSignals(False)
        editor.set_condition(cond)
        self._replace_editor(editor)
        self.touched = True  # saved conditions are the owner's: their problems are errors

    def show_problem(self, message: str | None, *, hint: bool = False) -> None:
        """``message`` in red with the row outlined, or, as a ``hint`` (what an untouched
        new row still needs), in grey with the row as it is."""
        error = bool(message) and not hint
        self.setProperty("invalid", error)
        self.setProperty("hint", bool(message) and hint)
        self.setStyleSheet("#segmentConditionRow { border: 1px solid #C5221F; }"
                           if error else "")
        self.problem.setStyleSheet(f"color: {HINT_COLOUR if hint else ERROR_COLOUR};")
        self.problem.setText(message or "")
        self.problem.setVisible(bool(message))


class GroupBox(QFrame):
    """A group: its conditions combined with AND (all) or OR (any)."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, choices: BookChoices, depth: int = 1,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("segmentGroup" if depth > 1 else "segmentRootGroup")
        if depth > 1:
            self.setFrameShape(QFrame.Shape.StyledPanel)
            self.setStyleSheet("#segmentGroup { background: rgba(76, 139, 245, 0.06); "
                               "border: 1px solid #C9D6EA; border-radius: 6px; }")
        self.choices = choices
        self.nesting = depth  # (not "depth": QPaintDevice.depth() is the colour depth)
        self.op = QComboBox(self)
        self.op.setObjectName("segmentGroupOp")
        self.op.addItem(translate("SegmentRow", "Match all of these (AND)"), AND)
        self.op.addItem(translate("SegmentRow", "Match any of these (OR)"), OR)
        self.op.currentIndexChanged.connect(self.changed)
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.op)
        header.addStretch(1)
        self.remove_button: QToolButton | None = None
        if depth > 1:
            self.remove_button = QToolButton(self)
            self.remove_button.setIcon(icon("delete"))
            self.remove_button.setAutoRaise(True)
            self.remove_button.setToolTip(translate("SegmentRow", "Remove this group"))
            self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
            header.addWidget(self.remove_button)
        self.items_box = QVBoxLayout()
        self.items_box.setSpacing(6)
        self.add_condition_button = QPushButton(
            icon("plus"), translate("SegmentRow", "Add condition"), self)
        self.add_condition_button.setObjectName("segmentAddCondition")
        self.add_condition_button.clicked.connect(lambda: self.add_condition())
        self.add_group_button = QPushButton(
            icon("plus"), translate("SegmentRow", "Add group"), self)
        self.add_group_button.setObjectName("segmentAddGroup")
        self.add_group_button.setToolTip(translate(
            "SegmentRow", "A group of conditions combined the other way (AND inside OR, or OR "
            "inside AND)"))
        self.add_group_button.clicked.connect(lambda: self.add_group())
        # A group at this depth holds conditions one level down; a subgroup must leave
        # room for its own conditions under the core's depth limit.
        self.add_group_button.setEnabled(depth + 2 <= MAX_DEPTH)
        footer = QHBoxLayout()
        footer.setSpacing(6)
        footer.addWidget(self.add_condition_button)
        footer.addWidget(self.add_group_button)
        footer.addStretch(1)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #C5221F;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        box = QVBoxLayout(self)
        margin = 10 if depth > 1 else 0
        box.setContentsMargins(margin, margin, margin, margin)
        box.setSpacing(8)
        box.addLayout(header)
        box.addLayout(self.items_box)
        box.addWidget(self.problem)
        box.addLayout(footer)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    # --- the items -------------------------------------------------------------------------
    def items(self) -> list[ConditionRow | GroupBox]:
        found = []
        for i in range(self.items_box.count()):
            item = self.items_box.itemAt(i)
            w = item.widget() if item is not None else None
            if isinstance(w, ConditionRow | GroupBox):
                found.append(w)
        return found

    def add_condition(self, cond: Condition | None = None, *,
                      kind: str | None = None) -> ConditionRow:
        row = ConditionRow(self.choices, self)
        if cond is not None:
            row.set_condition(cond)
        elif kind is not None:
            row.set_kind(kind)
            row.touched = False  # chosen for the owner, not by them
        self._add(row)
        if cond is None and kind is None:
            row.kind.setFocus()
        return row

    def add_group(self, group: Group | None = None) -> GroupBox:
        box = GroupBox(self.choices, self.nesting + 1, self)
        # A new group inside AND is an OR, and the other way round: what groups are for.
        box.set_op(OR if self.op.currentData() == AND else AND)
        if group is not None:
            box.set_group(group)
        else:
            box.add_condition()
        self._add(box)
        return box

    def _add(self, widget: ConditionRow | GroupBox) -> None:
        self.items_box.addWidget(widget)
        widget.changed.connect(self.changed)
        widget.remove_requested.connect(self.remove)
        self.changed.emit()

    def remove(self, widget: ConditionRow | GroupBox) -> None:
        self.items_box.removeWidget(widget)
        widget.hide()
        widget.deleteLater()
        self.changed.emit()

    def clear(self) -> None:
        for w in self.items():
            self.items_box.removeWidget(w)
            w.hide()
            w.deleteLater()

    def set_op(self, op: str) -> None:
        index = self.op.findData(op)
        if index >= 0:
            self.op.setCurrentIndex(index)

    # --- reading and showing -----------------------------------------------------------------
    def set_group(self, group: Group) -> None:
        self.blockSignals(True)
        self.clear()
        self.set_op(group.op)
        for item in group.items:
            if isinstance(item, Group):
                self.add_group(item)
            else:
                self.add_condition(item)
        self.blockSignals(False)
        self.changed.emit()

    def group(self) -> Group:
        items: list[Condition] = []
        for i, w in enumerate(self.items()):
            try:
                items.append(w.group() if isinstance(w, GroupBox) else w.condition())
            except ConditionError as exc:
                raise ConditionError((i, *exc.path), message=exc.message) from None
        return Group(self.op.currentData(), tuple(items))

    def at(self, path: tuple[int, ...]) -> ConditionRow | GroupBox | None:
        """The row or group at ``path`` (item indexes from this group down)."""
        if not path:
            return self
        items = self.items()
        if not 0 <= path[0] < len(items):
            return None
        w = items[path[0]]
        if len(path) == 1:
            return w
        return w.at(path[1:]) if isinstance(w, GroupBox) else None

    def clear_problems(self) -> None:
        self.problem.hide()
        for w in self.items():
            if isinstance(w, GroupBox):
                w.clear_problems()
            else:
                w.show_problem(None)

    def touch_all(self) -> None:
        """Save was pressed: every incomplete row is an error from now on."""
        for w in self.items():
            if isinstance(w, GroupBox):
                w.touch_all()
            else:
                w.touched = True

    def show_problem(self, message: str | None) -> None:
        self.problem.setText(message or "")
        self.problem.setVisible(bool(message))
