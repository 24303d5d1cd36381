"""The ルール window: the rules with their on/off switch and counts (broken ones in red,
with why), and the When / If / Then editor of the selected rule, with 「試す」.

Rules act on events when the sync handles them (after each sync batch, see
docs/automation.md). The owner's own edits in the window (a tag added by hand, a field
changed) emit events too; they are acted on at the next sync batch rather than at once,
because a rule's send needs the network and the edits happen on the window's thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.automation.service import RuleService, TryResult
from app.errors import NotFoundError, OtokuiError
from app.segments import ConditionError
from ui.automation.editor import RuleEditor, rule_problem
from ui.automation.models import COL_NAME, COL_PROBLEM, COL_WHEN, RulesModel, broken_text
from ui.resources import icon

if TYPE_CHECKING:
    from app.book import Book


class RulesWindow(QWidget):
    def __init__(self, book: Book, parent: QWidget | None = None, *,
                 selected_customer: Callable[[], int | None] = lambda: None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("rulesWindow")
        self.setWindowTitle(self.tr("Rules"))
        self.resize(1280, 800)
        self.book = book
        self.rules = RuleService(book)
        self.selected_customer = selected_customer
        #: The rule in the editor (None: a new one, not saved yet).
        self.rule_id: int | None = None
        self.enabled = False

        self.model = RulesModel(self._switch, self)
        self.view = QTableView(self)
        self.view.setObjectName("rulesList")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_WHEN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_PROBLEM, QHeaderView.ResizeMode.Stretch)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _p: self._pick(cur.row()))
        self.new_button = QPushButton(icon("plus"), self.tr("New rule"), self)
        self.new_button.setObjectName("ruleNew")
        self.new_button.clicked.connect(self.new_rule)
        self.delete_button = QPushButton(icon("delete"), self.tr("Delete rule"), self)
        self.delete_button.setObjectName("ruleDelete")
        self.delete_button.clicked.connect(self.delete_rule)
        left = QWidget(self)
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        lbox.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        lbox.addLayout(buttons)

        self.editor = RuleEditor(book, self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.editor)
        self.save_button = QPushButton(icon("save"),
                                       self.tr("Save rule"), self)
        self.save_button.setObjectName("ruleSave")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.try_button = QPushButton(self.tr("Try on the selected customer"), self)
        self.try_button.setObjectName("ruleTry")
        self.try_button.setToolTip(self.tr(
            "Shows what this rule would do for the customer selected in the customer list, "
            "if its When happened now. Nothing is changed or sent."))
        self.try_button.clicked.connect(lambda: self.try_rule())
        self.try_result = QListWidget(self)
        self.try_result.setObjectName("ruleTryResult")
        self.try_result.setMaximumHeight(110)
        self.try_title = QLabel(self)
        self.try_title.setWordWrap(True)
        right = QWidget(self)
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(0, 0, 0, 0)
        rbox.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.try_button)
        row.addStretch(1)
        rbox.addLayout(row)
        rbox.addWidget(self.try_title)
        rbox.addWidget(self.try_result)

        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([600, 680])
        box = QVBoxLayout(self)
        box.addWidget(split)
        self.reload()
        self.new_rule()

    # --- the list --------------------------------------------------------------------------
    def reload(self) -> None:
        keep = self.rule_id
        self.model.set_rules(self.rules.list())
        if keep is not None and (row := self.model.row_of(keep)) >= 0:
            self.view.selectionModel().blockSignals(True)
            self.view.selectRow(row)
            self.view.selectionModel().blockSignals(False)

    def book_changed(self, kinds: set[str]) -> None:
        if kinds & {"rules", "tags", "fields", "segments", "forms", "sequences"}:
            self.reload()

    def _switch(self, rule_id: int, on: bool) -> None:
        try:
            self.rules.set_enabled(rule_id, on)
        except OtokuiError as exc:
            self.editor.show_problem(rule_problem(exc))
        if rule_id == self.rule_id:
            self.enabled = on
        self.reload()

    def _pick(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        info = self.model.rule(row)
        self.rule_id, self.enabled = info.id, info.enabled
        self.editor.load(info.name, info.enabled, info.spec)
        if info.broken:
            self.editor.show_problem(self.tr("This rule does not run: %1").replace(
                "%1", broken_text(info.broken)))
        self._clear_try()

    def select_rule(self, rule_id: int) -> None:
        row = self.model.row_of(rule_id)
        if row >= 0:
            self.view.selectRow(row)
            self._pick(row)

    def new_rule(self) -> None:
        self.rule_id, self.enabled = None, False
        self.view.clearSelection()
        self.editor.clear()
        self._clear_try()

    def delete_rule(self) -> None:
        if self.rule_id is None:
            return
        answer = QMessageBox.question(self, self.tr("Delete rule"), self.tr(
            "Delete the rule 「%1」? Its counts are deleted with it.").replace(
                "%1", self.editor.name.text()))
        if answer != QMessageBox.StandardButton.Yes:
            return
        with contextlib.suppress(NotFoundError):
            self.rules.delete(self.rule_id)
        self.reload()
        self.new_rule()

    # --- saving and trying -----------------------------------------------------------------
    def save(self) -> int | None:
        """Save what the editor holds; its id, or None when refused (the reason is shown
        under the editor and nothing typed is lost)."""
        try:
            raw = self.editor.raw()
        except ConditionError:
            self.editor.show_problem(self.tr(
                "A condition of the If is not complete: fill it in or remove it."))
            return None
        raw["enabled"] = self.enabled
        try:
            rid = self.rules.save(raw, rule_id=self.rule_id)
        except OtokuiError as exc:
            self.editor.show_problem(rule_problem(exc))
            return None
        self.editor.show_problem(None)
        self.rule_id = rid
        self.reload()
        return rid

    def _clear_try(self) -> None:
        self.try_title.clear()
        self.try_result.clear()

    def try_rule(self, customer_id: int | None = None) -> TryResult | None:
        """What the rule (saved first) would do for one customer; nothing done."""
        cid = customer_id if customer_id is not None else self.selected_customer()
        self._clear_try()
        if cid is None:
            self.try_title.setText(self.tr(
                "Select one customer in the customer list, then try again."))
            return None
        rid = self.save()
        if rid is None:
            return None
        try:
            result = self.rules.try_on(rid, cid)
            who = self.book.customers.get(cid)
        except OtokuiError as exc:
            self.try_title.setText(rule_problem(exc))
            return None
        name = who.name or who.display_name or "—"
        if result.broken:
            self.try_title.setText(self.tr("This rule does not run: %1").replace(
                "%1", broken_text(result.broken)))
        elif not result.condition_holds:
            self.try_title.setText(self.tr(
                "For %1 this rule would do nothing: the customer does not match its If.")
                .replace("%1", name))
        else:
            self.try_title.setText(self.tr(
                "For %1 this rule would do (nothing has been done):").replace("%1", name))
            self.try_result.addItems(list(result.actions))
        return result
