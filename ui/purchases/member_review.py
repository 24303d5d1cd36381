"""The member-link review queue (販売 → 会員連携の確認): requests that came close but were
not linked (app/members/review.py). The owner links the friend to the suggested member,
to another customer without LINE, or refuses; each decision is audited in the book."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from app.book import Book
    from app.members.review import ReviewEntry

_REASONS = {
    "near": QT_TRANSLATE_NOOP("MemberReview", "Proof did not match"),
    "too_many_tries": QT_TRANSLATE_NOOP("MemberReview", "Too many wrong tries"),
    "bad_nonce": QT_TRANSLATE_NOOP("MemberReview", "Account link not signed by the shop"),
    "account_link_no_member": QT_TRANSLATE_NOOP("MemberReview",
                                                "Account link: member number unknown"),
}


def reason_text(code: str) -> str:
    text = _REASONS.get(code)
    return QCoreApplication.translate("MemberReview", text) if text else code


class MemberReviewDialog(QDialog):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.setObjectName("memberReviewDialog")
        self.setWindowTitle(self.tr("Member links to review"))
        self.resize(820, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("These requests came close but were not linked. Link the "
                               "friend to a member, or refuse."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("memberReviewTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("Requested at"), self.tr("Why it waits"), self.tr("Member number entered"),
            self.tr("LINE friend"), self.tr("Suggested member")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update)
        layout.addWidget(self.table)
        self.error = QLabel(self)
        self.error.setObjectName("memberReviewError")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.link_suggested = QPushButton(self.tr("Link to the suggested member"), self)
        self.link_suggested.setObjectName("linkSuggested")
        self.link_suggested.clicked.connect(lambda _c=False: self.link(None))
        self.link_other = QPushButton(self.tr("Link to another customer…"), self)
        self.link_other.setObjectName("linkOther")
        self.link_other.clicked.connect(lambda _c=False: self.choose_and_link())
        self.refuse_button = QPushButton(self.tr("Do not link"), self)
        self.refuse_button.setObjectName("refuseLink")
        self.refuse_button.clicked.connect(lambda _c=False: self.refuse())
        for b in (self.link_suggested, self.link_other, self.refuse_button):
            row.addWidget(b)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.entries: list[ReviewEntry] = []
        self.refresh()

    def refresh(self) -> None:
        from app.members.review import entries
        from ui.formatting import format_datetime

        self.entries = entries(self.book)
        self.table.setRowCount(len(self.entries))
        for r, e in enumerate(self.entries):
            friend = self.book.customers.by_line_user_id(e.line_user_id)
            friend_text = self._name(friend) if friend is not None else e.line_user_id
            suggested = self._name(e.suggested_customer_id) \
                if e.suggested_customer_id is not None else "—"
            try:
                import datetime as dt

                received = format_datetime(dt.datetime.fromisoformat(e.at))
            except ValueError:
                received = e.at
            for c, text in enumerate((received, reason_text(e.reason), e.member_number,
                                      friend_text, suggested)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self._update()

    def _name(self, customer_id: int | None) -> str:
        if customer_id is None:
            return "—"
        try:
            return self.book.customers.get(customer_id).name or f"#{customer_id}"
        except Exception:  # deleted since it was queued
            return "—"

    def selected(self) -> ReviewEntry | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.entries[rows.pop()] if len(rows) == 1 else None

    def select_request(self, request_id: str) -> bool:
        for r, e in enumerate(self.entries):
            if e.request_id == request_id:
                self.table.selectRow(r)
                return True
        return False

    def _update(self) -> None:
        entry = self.selected()
        self.link_suggested.setEnabled(entry is not None
                                       and entry.suggested_customer_id is not None)
        self.link_other.setEnabled(entry is not None)
        self.refuse_button.setEnabled(entry is not None)

    def _do(self, action: Callable[[], object]) -> bool:
        from app.errors import OtokuiError
        from ui.errors import translate_error

        try:
            action()
        except OtokuiError as exc:
            message, advice = translate_error(exc)
            self.error.setText(f"{message} {advice}")
            self.refresh()
            return False
        self.error.setText("")
        self.refresh()
        return True

    def link(self, customer_id: int | None) -> bool:
        """Link the selected request's friend (to the suggested member when None)."""
        from app.members import review

        entry = self.selected()
        if entry is None:
            return False
        return self._do(lambda: review.link(self.book, entry.request_id, customer_id))

    def choose_and_link(self, *, exec_dialog: bool = True) -> CustomerPicker | None:
        entry = self.selected()
        if entry is None:
            return None
        picker = CustomerPicker(self.book, self)
        if exec_dialog and picker.exec() == QDialog.DialogCode.Accepted \
                and picker.chosen is not None:
            self.link(picker.chosen)
        return picker

    def refuse(self) -> bool:
        from app.members import review

        entry = self.selected()
        if entry is None:
            return False
        return self._do(lambda: review.refuse(self.book, entry.request_id))


class CustomerPicker(QDialog):
    """Customers without LINE (members), searched by name, member number or phone."""

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.chosen: int | None = None
        self.setObjectName("memberPicker")
        self.setWindowTitle(self.tr("Choose the member"))
        self.resize(420, 420)
        layout = QVBoxLayout(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Name, member number or phone"))
        self.search.textChanged.connect(lambda _t: self.refresh())
        layout.addWidget(self.search)
        self.list = QListWidget(self)
        self.list.itemDoubleClicked.connect(lambda _i: self._accept())
        self.list.currentRowChanged.connect(lambda _r: self._update())
        layout.addWidget(self.list)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.refresh()

    def refresh(self) -> None:
        from app.members.review import candidates

        self.list.clear()
        for c in candidates(self.book, self.search.text()):
            label = "　".join(x for x in (c.member_number, c.name or f"#{c.customer_id}",
                                          c.phone) if x)
            item = QListWidgetItem(label)
            item.setData(256, c.customer_id)  # Qt.UserRole
            self.list.addItem(item)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self.list.currentRow() >= 0)

    def _accept(self) -> None:
        if self.list.currentRow() < 0:
            return
        self.chosen = int(self.list.currentItem().data(256))
        self.accept()
