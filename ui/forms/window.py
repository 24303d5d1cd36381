"""The フォーム window: the book's forms (title, state, answers, version), new / duplicate /
delete, the builder and the responses of the chosen form, publishing, and sending (the
public link, a per-friend link for the customer chosen in the main window, a QR code PNG
for the shop's counter, a per-friend link inserted into the open chat's reply)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError
from app.forms.service import Published
from app.sync.errors import NotPairedError
from ui.errors import show_error, translate_error
from ui.forms.builder import FormBuilder, starter_definition
from ui.forms.models import ID_ROLE, FormListModel
from ui.forms.responses import ResponsesView
from ui.worker import BackgroundOp, RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.ui.forms")

#: Scale of one QR module in pixels, and the quiet zone: a ~7 cm print at 300 dpi.
QR_SCALE = 12
QR_BORDER = 4


def save_qr_png(url: str, path: Path) -> None:
    """The URL as a QR code PNG (error correction M: still reads when a little worn)."""
    import segno

    segno.make(url, error="m", micro=False).save(str(path), kind="png", scale=QR_SCALE,
                                                  border=QR_BORDER)


class FormsWindow(QDialog):
    """The forms section. ``selected_customer`` names the customer chosen in the main
    window (for per-friend links); ``reply_target`` gives the open chat's composer."""

    published = Signal(int, int)  # form number, version

    def __init__(self, book: Book, parent: QWidget | None = None, *,
                 selected_customer: Callable[[], int | None] | None = None,
                 reply_target: Callable[[], Any] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formsWindow")
        self.setWindowTitle(self.tr("Forms"))
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.book: Book | None = book
        self.ops = RunningOps()
        self._selected_customer = selected_customer or (lambda: None)
        self._reply_target = reply_target or (lambda: None)
        self._shown_pk: int | None = None

        self.model = FormListModel(self)
        self.list = QTableView(self)
        self.list.setObjectName("formsList")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().setVisible(False)
        header = self.list.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.list.selectionModel().currentRowChanged.connect(self._row_chosen)

        def button(name: str, text: str, slot: Callable[[], Any], tip: str = "") -> QPushButton:
            b = QPushButton(text, self)
            b.setObjectName(name)
            if tip:
                b.setToolTip(tip)
            b.clicked.connect(lambda _c=False: slot())
            return b

        self.new_button = button("newForm", self.tr("New form"), self.new_form)
        self.duplicate_button = button("duplicateForm", self.tr("Duplicate"), self.duplicate)
        self.delete_button = button("deleteForm", self.tr("Delete…"), self.delete_form)
        self.publish_button = button(
            "publishForm", self.tr("Publish"), self.publish,
            self.tr("Save and put this version on the relay, where friends open it"))
        self.copy_link_button = button(
            "copyPublicLink", self.tr("Copy the public link"), self.copy_public_link,
            self.tr("Anyone with it may answer; answers are matched by phone or e-mail"))
        self.friend_link_button = button(
            "copyFriendLink", self.tr("Link for the chosen customer"), self.copy_friend_link,
            self.tr("A link only the customer chosen in the customer book can answer"))
        self.qr_button = button("saveQr", self.tr("QR code…"), self.save_qr,
                                self.tr("A PNG of the public link, to print for the counter"))
        self.reply_button = button(
            "insertIntoReply", self.tr("Insert into the reply"), self.insert_into_reply,
            self.tr("Puts a per-friend link into the reply of the chat that is open"))
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.new_button)
        list_buttons.addWidget(self.duplicate_button)
        list_buttons.addWidget(self.delete_button)
        list_buttons.addStretch(1)
        left = QWidget(self)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.list, 1)
        left_column.addLayout(list_buttons)

        self.builder = FormBuilder(book, self)
        self.builder.saved.connect(lambda _pk: self.refresh())
        self.builder.dirty_changed.connect(lambda _d: self._update_buttons())
        self.responses = ResponsesView(book, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("formTabs")
        self.tabs.addTab(self.builder, self.tr("Build"))
        self.tabs.addTab(self.responses, self.tr("Answers"))
        send_row = QHBoxLayout()
        for b in (self.publish_button, self.copy_link_button, self.friend_link_button,
                  self.qr_button, self.reply_button):
            send_row.addWidget(b)
        send_row.addStretch(1)
        right = QWidget(self)
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addLayout(send_row)
        right_column.addWidget(self.tabs, 1)

        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([270, 1130])
        splitter.setChildrenCollapsible(False)
        self.status = QLabel(self)
        self.status.setObjectName("formsStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self.resize(1400, 860)
        self.refresh()

    # --- the list -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the forms again; keep the chosen one chosen."""
        if self.book is None:
            return
        keep = self.current_pk()
        self.model.set_forms(self.book.forms.list())
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and self.model.rowCount() > 0:
            row = 0
        if row >= 0:
            self.list.selectionModel().blockSignals(True)
            self.list.selectRow(row)
            self.list.selectionModel().blockSignals(False)
        pk = self.current_pk()
        if pk != self._shown_pk:
            self._show(pk)
        elif pk is not None:
            self.responses.load(pk)
        self._update_buttons()

    def current_pk(self) -> int | None:
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        value = self.model.index(index.row(), 0).data(ID_ROLE)
        return int(value) if value is not None else None

    def select_form(self, pk: int) -> None:
        row = self.model.row_of(pk)
        if row >= 0:
            self.list.selectRow(row)

    def _row_chosen(self, *_args: Any) -> None:
        pk = self.current_pk()
        if pk == self._shown_pk:
            return
        if not self._leave_builder():
            # Stay on the form being edited.
            row = self.model.row_of(self._shown_pk) if self._shown_pk is not None else -1
            self.list.selectionModel().blockSignals(True)
            if row >= 0:
                self.list.selectRow(row)
            self.list.selectionModel().blockSignals(False)
            return
        self._show(pk)

    def _show(self, pk: int | None) -> None:
        self._shown_pk = pk
        if pk is not None:
            self.builder.load(pk)
            self.builder.refresh_preview()
        self.builder.setEnabled(pk is not None)
        self.responses.load(pk)
        self._update_buttons()

    def _leave_builder(self) -> bool:
        """Whether the builder may show another form (asks when there are unsaved edits)."""
        if not self.builder.dirty:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Forms"),
                          self.tr("This form has changes that are not saved."),
                          QMessageBox.StandardButton.Save
                          | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("unsavedForm")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return self.builder.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.builder.revert()
            return True
        return False

    def _update_buttons(self) -> None:
        pk = self.current_pk()
        info = self.model.form(self.list.currentIndex().row()) if pk is not None else None
        published = info is not None and info.published_version is not None
        self.duplicate_button.setEnabled(pk is not None)
        self.delete_button.setEnabled(pk is not None)
        self.publish_button.setEnabled(pk is not None and not self.ops.busy)
        for b in (self.copy_link_button, self.friend_link_button, self.qr_button,
                  self.reply_button):
            b.setEnabled(published)

    def say(self, text: str) -> None:
        self.status.setText(text)

    # --- new, duplicate, delete ----------------------------------------------------------------
    def new_form(self) -> int | None:
        if self.book is None or not self._leave_builder():
            return None
        try:
            info = self.book.forms.create(starter_definition(
                self.tr("New form"), self.tr("Your name")))
        except OtokuiError as exc:
            show_error(self, exc)
            return None
        self.refresh()
        self.select_form(info.id)
        self.tabs.setCurrentWidget(self.builder)
        self.builder.title_edit.setFocus()
        self.builder.title_edit.selectAll()
        return info.id

    def duplicate(self) -> int | None:
        pk = self.current_pk()
        if self.book is None or pk is None or not self._leave_builder():
            return None
        draft = self.book.forms.get(pk).draft.to_json()
        title = self.tr("%1 (copy)").replace("%1", draft["title"])
        draft["title"] = title[:100]
        try:
            info = self.book.forms.create(draft)
        except OtokuiError as exc:
            show_error(self, exc)
            return None
        self.refresh()
        self.select_form(info.id)
        self.say(self.tr("A copy was made; it is a draft until you publish it."))
        return info.id

    def delete_form(self) -> bool:
        pk = self.current_pk()
        if self.book is None or pk is None:
            return False
        info = self.book.forms.get(pk)
        text = self.tr("Delete the form \u201c%1\u201d?").replace("%1", info.title)
        detail = self.tr("Its page stops working for friends who have the link. The %1 "
                         "answers already in the book, and what they filled in, stay.") \
            .replace("%1", str(info.answers))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete the form"), text,
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDeleteForm")
        box.setInformativeText(detail)
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not delete:
            return False
        try:
            self.book.forms.delete(pk)
        except OtokuiError as exc:
            show_error(self, exc)
            return False
        self._shown_pk = None
        self.builder.form_pk = None
        self.refresh()
        self.say(self.tr("The form was deleted."))
        return True

    # --- publishing -----------------------------------------------------------------------------
    def publish(self) -> BackgroundOp | None:
        """Save, record the version, and put it on the relay (in the background)."""
        pk = self.current_pk()
        if self.book is None or pk is None:
            return None
        if self.builder.dirty and not self.builder.save():
            self.say(self.tr("Not published: correct the question shown in red first."))
            return None
        book = self.book

        def work(_progress: Any) -> tuple[Published, BaseException | None]:
            done = book.forms.publish(pk)
            try:
                book.forms.upload(pk)
            except OtokuiError as exc:
                return done, exc
            return done, None

        def finished(result: tuple[Published, BaseException | None]) -> None:
            done, problem = result
            self.refresh()
            if problem is None:
                self.say(self.tr("Published as version %1. Friends can open it now.")
                         .replace("%1", str(done.version)))
                self.published.emit(pk, done.version)
            elif isinstance(problem, NotPairedError):
                self.say(self.tr("Version %1 is recorded, but this book is not connected to "
                                 "LINE yet, so friends cannot open it. Connect in Settings → "
                                 "LINE, then press Publish again.")
                         .replace("%1", str(done.version)))
            else:
                message, advice = translate_error(problem)  # type: ignore[arg-type]
                self.say(self.tr("Version %1 is recorded, but it could not be put on the "
                                 "relay: %2 %3 Then press Publish again.")
                         .replace("%1", str(done.version)).replace("%2", message)
                         .replace("%3", advice))
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            show_error(self, exc)

        op = self.ops.track(run_in_background(self, work, on_success=finished,
                                              on_failure=failed))
        self.say(self.tr("Publishing…"))
        self._update_buttons()
        return op

    # --- sending --------------------------------------------------------------------------------
    def public_link(self) -> str | None:
        pk = self.current_pk()
        if self.book is None or pk is None:
            return None
        try:
            return self.book.forms.public_link(pk)
        except OtokuiError as exc:
            show_error(self, exc)
            return None

    def copy_public_link(self) -> str | None:
        url = self.public_link()
        if url:
            QGuiApplication.clipboard().setText(url)
            self.say(self.tr("The public link was copied: %1").replace("%1", url))
        return url

    def friend_link(self, customer_id: int | None) -> str | None:
        """A per-friend link for ``customer_id`` (None: says to choose one)."""
        pk = self.current_pk()
        if self.book is None or pk is None:
            return None
        if customer_id is None:
            self.say(self.tr("Choose a customer in the customer book first."))
            return None
        customer = self.book.customers.get(customer_id)
        name = customer.name or customer.display_name
        if not customer.line_user_id:
            self.say(self.tr("%1 is not a LINE friend, so there is no per-friend link for "
                             "them. Send the public link instead.").replace("%1", name))
            return None
        try:
            return self.book.forms.link(pk, customer.line_user_id)
        except OtokuiError as exc:
            show_error(self, exc)
            return None

    def copy_friend_link(self) -> str | None:
        customer_id = self._selected_customer()
        url = self.friend_link(customer_id)
        if url and self.book is not None and customer_id is not None:
            customer = self.book.customers.get(customer_id)
            QGuiApplication.clipboard().setText(url)
            self.say(self.tr("The link for %1 was copied (it works for 30 days).").replace(
                "%1", customer.name or customer.display_name))
        return url

    def insert_into_reply(self) -> bool:
        composer = self._reply_target()
        customer_id = getattr(composer, "customer_id", None)
        if composer is None or customer_id is None:
            self.say(self.tr("Open a customer's chat first; the link goes into its reply."))
            return False
        url = self.friend_link(customer_id)
        if not url:
            return False
        pk = self.current_pk()
        title = self.book.forms.get(pk).title if self.book is not None and pk else ""
        composer.message.current_editor().edit.insertPlainText(f"{title}\n{url}")
        self.say(self.tr("The link was put into the reply; it is sent when you send it."))
        return True

    def save_qr(self) -> None:
        url = self.public_link()
        if not url or self.book is None or self.current_pk() is None:
            return
        info = self.book.forms.get(self.current_pk() or 0)
        name = f"{info.title}_QR.png".replace("/", "_")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the QR code"),
                                              str(Path.home() / name),
                                              self.tr("PNG images (*.png)"))
        if path:
            self.save_qr_to(Path(path))

    def save_qr_to(self, path: Path) -> bool:
        url = self.public_link()
        if not url:
            return False
        try:
            save_qr_png(url, path)
        except OSError:
            log.warning("the QR code could not be written")
            QMessageBox.warning(self, self.tr("Forms"), self.tr(
                "The QR code could not be saved there. Choose another folder."))
            return False
        self.say(self.tr("The QR code of the public link was saved: %1").replace(
            "%1", path.name))
        return True

    def put_back(self, pk: int, data: dict[str, Any]) -> None:
        """The builder's unsaved working copy of form ``pk``, kept over a lock."""
        if self.model.row_of(pk) < 0:
            return
        self.select_form(pk)
        self.builder.put_back(data)
        self.say(self.tr("Your changes from before the lock are back; they are not saved "
                         "yet."))

    # --- the book ---------------------------------------------------------------------------------
    def book_changed(self, kinds: set[str]) -> None:
        if "forms" in kinds or "customers" in kinds:
            self.refresh()

    @property
    def busy(self) -> bool:
        return self.ops.busy or self.responses.busy

    def release(self) -> None:
        self.builder.release()
        self.responses.release()
        self.book = None

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.book is not None and self.isVisible() and not self._leave_builder():
            event.ignore()
            return
        self.builder.stop_browser_preview()
        super().closeEvent(event)

    def reject(self) -> None:
        # Escape closes like the window's close button: asking first about unsaved edits.
        self.close()

