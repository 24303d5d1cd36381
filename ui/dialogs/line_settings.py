"""Settings → LINE: the channel access token, the pairing with the relay, the relay's health.

The way to connect is the connection wizard (接続ウィザード…, :mod:`ui.dialogs.
connect_wizard`): relay address and code, channel secret and token, then the webhook set
up and tested through LINE's API (docs/connect-line.md). The form below it is the manual
way, kept for the technical (and for a relay whose host prints codes with
``python -m relay pair``).

What the owner needs to connect by hand (see docs/sync.md):

* the channel access token from the LINE Developers console (typed hidden; once saved it is
  only ever shown masked, ``••••••••abcd``; 変更 replaces it);
* the relay's address and a one-time pairing code printed by ``python -m relay pair`` on the
  relay's host;
* a name for this computer, kept by the relay in plain text (so never a person's name by
  default).

接続 runs :func:`app.sync.pairing.connect` in the background (it checks the token with LINE
first, so a typo does not spend the single-use code); 接続を解除 runs
:func:`app.sync.pairing.unpair` after a confirmation. Both change the book's LINE settings,
which the book announces (``Change("line")``): the main window's sync controller follows
by itself. Errors are shown in the owner's words (:func:`ui.errors.show_error`), and what
was typed stays in the fields.

Reading the masked token may ask the OS keyring, and the relay's health goes over the
network: both run off the main thread, when the tab is first shown and on 再確認.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import OtokuiError, ValidationError
from app.line.errors import LineFollowersUnavailableError, LineTokenRejectedError
from app.line.followers import ImportState, saved_state
from app.sync.errors import (
    PairingRefusedError,
    PairingTooManyTriesError,
    RelayUnreachableError,
    RelayUrlError,
)
from app.sync.pairing import default_device_name
from ui.dialogs.background import run_then
from ui.dialogs.passphrase import ERROR, GOOD, HINT, PasswordField, message_label, set_message
from ui.errors import show_error, translate_error
from ui.formatting import format_datetime
from ui.worker import BackgroundOp, Progress, run_in_background

if TYPE_CHECKING:
    from app.book import Book
    from app.line.connection import ConnectionInfo
    from app.sync.relay_client import Health
    from ui.dialogs.connect_wizard import ConnectWizard

log = logging.getLogger("otokui.ui.line_settings")


def _note(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5B6573;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class LineSettingsWidget(QWidget):
    """The LINE tab of the settings dialog."""

    # Emitted after this book was paired with a relay here.
    connected = Signal()
    # Emitted after the pairing was removed here.
    disconnected = Signal()

    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lineSettings")
        self.book = book
        self.info: ConnectionInfo | None = None
        self.health: Health | None = None
        self._writing = False
        self._loading = 0
        self._changing_token = False
        self.wizard: ConnectWizard | None = None

        self.status_group = self._build_status()
        self.wizard_group = self._build_wizard()
        self.token_group = self._build_token()
        self.connect_group = self._build_connect()
        self.followers_group = self._build_followers()
        self._import_op: BackgroundOp | None = None
        self._import_cancelled = False
        self.message = message_label(self)
        self.message.setObjectName("lineMessage")
        # In a scroll area: before pairing the tab holds more (the form and its notes) than
        # the settings dialog's height, and squeezed fields and cut-off help are worse than
        # a scroll bar.
        page = QWidget(self)
        page.setObjectName("lineSettingsPage")
        inner = QVBoxLayout(page)
        inner.setContentsMargins(12, 12, 12, 12)
        inner.setSpacing(10)
        from ui.dialogs.autopilot_box import AutopilotBox

        self.autopilot_group = AutopilotBox(book, self)
        for part in (self.status_group, self.wizard_group, self.token_group,
                     self.connect_group, self.followers_group, self.autopilot_group,
                     self.message):
            part.setParent(page)
            inner.addWidget(part)
        inner.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(page)
        self.scroll_area.viewport().setAutoFillBackground(False)
        page.setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)
        self._shown_once = False
        self._show_info(None)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:  # read when the owner opens the tab, not before
            self._shown_once = True
            self.refresh()

    # --- building --------------------------------------------------------------------------------
    def _build_status(self) -> QGroupBox:
        group = QGroupBox(self.tr("Connection"), self)
        self.state_label = QLabel(group)
        self.state_label.setObjectName("lineState")
        self.state_label.setWordWrap(True)
        self.relay_value = QLabel(group)
        self.relay_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.device_value = QLabel(group)
        self.paired_value = QLabel(group)
        self.health_label = QLabel(group)
        self.health_label.setObjectName("relayHealth")
        self.health_label.setWordWrap(True)
        self.health_button = QPushButton(self.tr("Check again"), group)
        self.health_button.setToolTip(self.tr("Ask the relay whether it is up and how many "
                                              "events wait there"))
        self.health_button.clicked.connect(self.check_health)
        self.unpair_button = QPushButton(self.tr("Disconnect…"), group)
        self.unpair_button.setObjectName("unpairButton")
        self.unpair_button.clicked.connect(self.unpair)
        self.details = QWidget(group)
        form = QFormLayout(self.details)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(6)
        form.addRow(self.tr("Relay"), self.relay_value)
        form.addRow(self.tr("This computer"), self.device_value)
        form.addRow(self.tr("Paired on"), self.paired_value)
        health_row = QHBoxLayout()
        health_row.addWidget(self.health_label, 1)
        health_row.addWidget(self.health_button)
        box = QVBoxLayout(group)
        box.setSpacing(8)
        box.addWidget(self.state_label)
        box.addWidget(self.details)
        box.addLayout(health_row)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.unpair_button)
        box.addLayout(row)
        return group

    def _build_wizard(self) -> QGroupBox:
        group = QGroupBox(self.tr("Connect step by step"), self)
        self.wizard_note = _note("", group)
        self.wizard_button = QPushButton(self.tr("Open the connection wizard…"), group)
        self.wizard_button.setObjectName("wizardButton")
        self.wizard_button.clicked.connect(self.open_wizard)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.wizard_button)
        box = QVBoxLayout(group)
        box.addWidget(self.wizard_note)
        box.addLayout(row)
        return group

    def open_wizard(self) -> ConnectWizard | None:
        """接続ウィザード: returns the wizard (shown, modal); the tab refreshes after it."""
        if self._writing or self.info is None:
            return None
        from ui.dialogs.connect_wizard import ConnectWizard

        wizard = ConnectWizard(self.book, self, relay_url=self.info.relay_url,
                               paired=self.paired, api_base=self.info.api_base)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        was_paired = self.paired

        def closed(_result: int) -> None:
            if wizard.connected_now and not was_paired:
                self.connected.emit()
            if shiboken6.isValid(self):
                self.refresh()

        wizard.finished.connect(closed)
        self.wizard = wizard
        wizard.open()
        return wizard

    def _build_token(self) -> QGroupBox:
        group = QGroupBox(self.tr("Channel access token"), self)
        self.token_masked = QLabel(group)
        self.token_masked.setObjectName("tokenMasked")
        self.change_token_button = QPushButton(self.tr("Change…"), group)
        self.change_token_button.clicked.connect(self.change_token)
        self.token_field = PasswordField(group)
        self.token_field.setObjectName("tokenField")
        self.token_field.edit.setPlaceholderText(self.tr("Paste the long-lived token here"))
        self.save_token_button = QPushButton(self.tr("Save token"), group)
        self.save_token_button.clicked.connect(self.save_token)
        self.cancel_token_button = QPushButton(self.tr("Keep the old one"), group)
        self.cancel_token_button.clicked.connect(self.cancel_token_change)
        help_text = _note(self.tr(
            "LINE Developers console → your Messaging API channel → Messaging API tab → "
            "Channel access token (long-lived). It is kept in this computer's password store "
            "(or inside the encrypted book) and never shown in full again."), group)
        shown = QHBoxLayout()
        shown.addWidget(self.token_masked, 1)
        shown.addWidget(self.change_token_button)
        self._token_shown = QWidget(group)
        self._token_shown.setLayout(shown)
        shown.setContentsMargins(0, 0, 0, 0)
        editing = QHBoxLayout()
        editing.setContentsMargins(0, 0, 0, 0)
        editing.addWidget(self.token_field, 1)
        editing.addWidget(self.save_token_button)
        editing.addWidget(self.cancel_token_button)
        self._token_editing = QWidget(group)
        self._token_editing.setLayout(editing)
        box = QVBoxLayout(group)
        box.setSpacing(8)
        box.addWidget(self._token_shown)
        box.addWidget(self._token_editing)
        box.addWidget(help_text)
        return group

    def _build_connect(self) -> QGroupBox:
        group = QGroupBox(self.tr("Connect to the relay"), self)
        self.relay_edit = QLineEdit(group)
        self.relay_edit.setObjectName("relayUrl")
        self.relay_edit.setPlaceholderText("https://relay.example.jp")
        self.code_edit = QLineEdit(group)
        self.code_edit.setObjectName("pairingCode")
        self.code_edit.setPlaceholderText("123456-ABCDEF")
        self.code_edit.setMaxLength(64)
        self.name_edit = QLineEdit(default_device_name(), group)
        self.name_edit.setObjectName("deviceName")
        self.name_edit.setMaxLength(100)
        self.advanced_box = QCheckBox(self.tr("Advanced: another address for LINE's API"),
                                      group)
        self.api_edit = QLineEdit(group)
        self.api_edit.setObjectName("apiBase")
        self.api_edit.setPlaceholderText(self.tr("Empty: LINE itself (api.line.me)"))
        self.data_edit = QLineEdit(group)
        self.data_edit.setObjectName("dataBase")
        self.data_edit.setPlaceholderText(self.tr("Empty: LINE itself (api-data.line.me)"))
        self.api_note = _note(self.tr(
            "Only for trying Otokui with the LINE emulator (python -m emulator): the two "
            "addresses it prints, such as http://127.0.0.1:8801 for the API and the "
            "content address for photos and files."), group)
        self.advanced_box.toggled.connect(self._show_advanced)
        self.connect_button = QPushButton(self.tr("Connect"), group)
        self.connect_button.setObjectName("connectButton")
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(self.connect_relay)
        for edit in (self.relay_edit, self.code_edit, self.name_edit):
            edit.returnPressed.connect(self.connect_relay)
        self.relay_edit.editingFinished.connect(self._typed_address_done)

        # A grid rather than a form: word-wrapped notes under the fields get their true
        # height here (a form layout left gaps around them).
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        self._api_label = QLabel(self.tr("LINE API address"), group)
        self._data_label = QLabel(self.tr("LINE content address"), group)
        rows: list[tuple[QLabel | None, QWidget]] = [
            (QLabel(self.tr("Relay address"), group), self.relay_edit),
            (QLabel(self.tr("Pairing code"), group), self.code_edit),
            (None, _note(self.tr(
                "From the relay's admin page (連携コードを発行する), or the last line "
                "of python -m relay pair on the relay's host. It works once, for 10 "
                "minutes."), group)),
            (QLabel(self.tr("Name of this computer"), group), self.name_edit),
            (None, _note(self.tr(
                "The relay keeps this name as it is, to tell your computers apart: use a "
                "place (\u201cレジ横のPC\u201d), not a person's name."), group)),
            (None, self.advanced_box),
            (self._api_label, self.api_edit),
            (self._data_label, self.data_edit),
            (None, self.api_note),
        ]
        for i, (label, field) in enumerate(rows):
            if label is not None:
                label.setBuddy(field)
                grid.addWidget(label, i, 0)
            grid.addWidget(field, i, 1)
            if label is None and i:
                grid.setRowMinimumHeight(i, 0)
        self._show_advanced(False)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.connect_button)
        box = QVBoxLayout(group)
        box.addLayout(grid)
        box.addLayout(row)
        QWidget.setTabOrder(self.relay_edit, self.code_edit)
        QWidget.setTabOrder(self.code_edit, self.name_edit)
        return group

    def _build_followers(self) -> QGroupBox:
        group = QGroupBox(self.tr("Friends from before Otokui"), self)
        group.setObjectName("followersGroup")
        self.followers_note = _note(self.tr(
            "Verified and premium LINE accounts can bring in all their existing friends "
            "at once, with their LINE names and pictures. Other accounts do not get the "
            "list of friends from LINE: there, each friend joins the customer book when "
            "they write to the shop or add it as a friend."), group)
        self.import_button = QPushButton(self.tr("Import friends"), group)
        self.import_button.setObjectName("importFollowers")
        self.import_button.clicked.connect(self.import_followers)
        self.cancel_import_button = QPushButton(self.tr("Stop"), group)
        self.cancel_import_button.setObjectName("cancelImport")
        self.cancel_import_button.clicked.connect(self.cancel_import)
        self.cancel_import_button.setVisible(False)
        self.import_progress = QProgressBar(group)
        self.import_progress.setObjectName("importProgress")
        self.import_progress.setRange(0, 0)  # LINE does not say how many there are
        self.import_progress.setTextVisible(False)
        self.import_progress.setVisible(False)
        self.import_status = QLabel(group)
        self.import_status.setObjectName("importStatus")
        self.import_status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.import_progress, 1)
        row.addStretch(0)
        row.addWidget(self.cancel_import_button)
        row.addWidget(self.import_button)
        box = QVBoxLayout(group)
        box.setSpacing(8)
        box.addWidget(self.followers_note)
        box.addLayout(row)
        box.addWidget(self.import_status)
        return group

    def _say(self, text: str, kind: str = HINT) -> None:
        """A line under the tab's parts (kept in view: the tab may be scrolled)."""
        set_message(self.message, text, kind)
        if text:
            QTimer.singleShot(0, self._show_message)

    def _show_message(self) -> None:
        if shiboken6.isValid(self) and self.message.isVisible():
            self.scroll_area.ensureWidgetVisible(self.message)

    def _typed_address_done(self) -> None:
        if not self.paired and not self._writing and self.relay_edit.text().strip():
            self.check_health()  # say at once whether the address answers

    def _show_advanced(self, shown: bool) -> None:
        for widget in (self._api_label, self.api_edit, self._data_label, self.data_edit,
                       self.api_note):
            widget.setVisible(shown)

    # --- state -----------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a change to the book (connect, unpair, a new token) is under way."""
        return self._writing or self.importing

    @property
    def importing(self) -> bool:
        """Whether friends are being imported from LINE now."""
        return self._import_op is not None and self._import_op.running

    @property
    def loading(self) -> bool:
        """Whether the connection details or the relay's health are still being read."""
        return self._loading > 0

    @property
    def paired(self) -> bool:
        return bool(self.info is not None and self.info.paired and self.info.relay_url)

    def _background(self, fn: Callable[[], Any], on_success: Callable[[Any], None],
                    on_failure: Callable[[BaseException], None], *,
                    writing: bool = False) -> None:
        """Run ``fn`` off the main thread; the handlers run only if this tab still exists."""
        if writing:
            self._writing = True
        else:
            self._loading += 1
        self._update_enabled()

        def settle() -> bool:
            if writing:
                self._writing = False
            else:
                self._loading -= 1
            if not shiboken6.isValid(self):
                return False
            self._update_enabled()
            return True

        def ok(result: Any) -> None:
            if settle():
                on_success(result)

        def failed(exc: BaseException) -> None:
            if settle():
                on_failure(exc)

        run_then(self, lambda _p: fn(), ok, failed)

    def _update_enabled(self) -> None:
        writing = self._writing
        for widget in (self.connect_button, self.unpair_button, self.save_token_button,
                       self.wizard_button,
                       self.change_token_button, self.relay_edit, self.code_edit,
                       self.name_edit, self.api_edit, self.data_edit, self.token_field):
            widget.setEnabled(not writing)
        self.health_button.setEnabled(not writing and self._loading == 0)
        # Disconnecting mid-import would pull the token from under it.
        self.unpair_button.setEnabled(not writing and not self.importing)

    # --- reading ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the connection details (the masked token may ask the keyring), then health."""
        book = self.book

        def read() -> tuple[ConnectionInfo, ImportState | None]:
            return book.line.info(), saved_state(book)

        def loaded(result: tuple[ConnectionInfo, ImportState | None]) -> None:
            info, state = result
            self._show_info(info)
            if not self.importing:
                self._show_import_state(state)
            self.check_health()

        def failed(exc: BaseException) -> None:
            show_error(self, exc)

        self._background(read, loaded, failed)

    def _show_info(self, info: ConnectionInfo | None) -> None:
        self.info = info
        paired = self.paired
        if info is None:
            self.state_label.setText(self.tr("Reading the connection…"))
        elif paired:
            self.state_label.setText(self.tr(
                "Connected: new friends and their messages arrive in the customer book by "
                "themselves while Otokui is open."))
        else:
            self.state_label.setText(self.tr(
                "Not connected yet. The connection wizard below takes you through it step by "
                "step; the fields further down are the manual way."))
        self.details.setVisible(paired)
        self.followers_group.setVisible(info is not None and bool(info.token_masked))
        self.unpair_button.setVisible(paired)
        if paired:
            self.wizard_group.setTitle(self.tr("Check the connection with LINE"))
            self.wizard_note.setText(self.tr(
                "Check that LINE reaches the relay, or enter a new channel secret or access "
                "token, with the wizard."))
            self.wizard_button.setText(self.tr("Check the connection…"))
        else:
            self.wizard_group.setTitle(self.tr("Connect step by step"))
            self.wizard_note.setText(self.tr(
                "The wizard asks for the relay's address and pairing code, then the channel "
                "secret and access token, checks each, and sets up LINE's webhook for you. "
                "The form below is the manual way."))
            self.wizard_button.setText(self.tr("Open the connection wizard…"))
        self.wizard_group.setVisible(info is not None)
        self.connect_group.setVisible(info is not None and not paired)
        if info is not None and paired:
            self.relay_value.setText(info.relay_url or "")
            self.device_value.setText(info.device_name or "")
            self.paired_value.setText(_when(info.paired_at))
        if info is not None and not paired and info.relay_url and not self.relay_edit.text():
            self.relay_edit.setText(info.relay_url)  # unpaired earlier: the same relay again
        if info is not None and info.api_base and not self.api_edit.text():
            self.api_edit.setText(info.api_base)
            self.advanced_box.setChecked(True)
        if info is not None and info.data_base and not self.data_edit.text():
            self.data_edit.setText(info.data_base)
        self._show_token()

    def _show_token(self) -> None:
        masked = self.info.token_masked if self.info is not None else ""
        editing = self._changing_token or not masked
        self.token_masked.setText(masked)
        self._token_shown.setVisible(bool(masked) and not editing)
        self._token_editing.setVisible(editing and self.info is not None)
        # Without a pairing the token goes with 接続; a separate save is for replacing one.
        self.save_token_button.setVisible(bool(masked) or self.paired)
        self.cancel_token_button.setVisible(bool(masked))

    def check_health(self) -> None:
        """Ask the relay (the paired one, or the address typed) whether it is up."""
        from app.sync.pairing import relay_health

        url = self.info.relay_url if self.paired and self.info is not None else \
            self.relay_edit.text().strip()
        if not url:
            self.health_label.setText(self.tr("Relay: no address yet"))
            self.health_label.setStyleSheet("")
            return
        self.health_label.setText(self.tr("Relay: checking…"))
        self.health_label.setStyleSheet("")

        def answered(health: Health) -> None:
            self.health = health
            if health.queue_depth is None:
                text = self.tr("Relay: reachable")
            else:
                text = self.tr("Relay: reachable, %1 event(s) waiting").replace(
                    "%1", f"{health.queue_depth:,}")
            self.health_label.setText(text)
            self.health_label.setStyleSheet("color: #1E7E34;")

        def unreachable(exc: BaseException) -> None:
            self.health = None
            if isinstance(exc, RelayUnreachableError):
                reason = ""  # the words below say it all
            elif isinstance(exc, OtokuiError):
                what, _advice = translate_error(exc)
                reason = what.split("\n")[0]
            else:
                log.info("relay health check failed: %s", type(exc).__name__)
                reason = ""
            text = self.tr("Relay: cannot be reached")
            self.health_label.setText(f"{text} ({reason})" if reason else text)
            self.health_label.setStyleSheet("color: #C5221F;")

        self._background(lambda: relay_health(url), answered, unreachable)

    # --- the token -------------------------------------------------------------------------------
    def change_token(self) -> None:
        self._changing_token = True
        self.token_field.clear()
        self._show_token()
        self.token_field.select_all_and_focus()

    def cancel_token_change(self) -> None:
        self._changing_token = False
        self.token_field.clear()
        self._say("")
        self._show_token()

    def save_token(self) -> None:
        """Replace the saved token with the one typed (checked with LINE first)."""
        if self._writing:
            return
        from app.sync.pairing import check_access_token

        token = self.token_field.text().strip()
        if not token:
            self._say(self.tr("Please paste the channel access token."), ERROR)
            self.token_field.select_all_and_focus()
            return
        book = self.book
        api_base = self._api_base() if not self.paired else (
            self.info.api_base if self.info is not None else None)

        def work() -> None:
            check_access_token(token, api_base)
            book.line.set_access_token(token)

        def saved(_result: Any) -> None:
            self._changing_token = False
            self.token_field.clear()
            self._say(self.tr("Token saved."), GOOD)
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._say("")
            show_error(self, exc)
            self.token_field.select_all_and_focus()

        self._say(self.tr("Checking the token with LINE…"), HINT)
        self._background(work, saved, failed, writing=True)

    def _api_base(self) -> str | None:
        if not self.advanced_box.isChecked():
            return None
        return self.api_edit.text().strip() or None

    def _data_base(self) -> str | None:
        if not self.advanced_box.isChecked():
            return None
        return self.data_edit.text().strip() or None

    # --- connect and disconnect ------------------------------------------------------------------
    def connect_relay(self) -> None:
        """接続: pair this book with the relay (token checked with LINE first)."""
        if self._writing or self.info is None or self.paired:
            return
        from app.sync.pairing import connect

        url = self.relay_edit.text().strip()
        code = self.code_edit.text().strip()
        token = self.token_field.text().strip() if self._token_editing.isVisible() else ""
        if not token and not self.info.token_masked:
            self._say(self.tr("Please paste the channel access token."), ERROR)
            self.token_field.select_all_and_focus()
            return
        if not url:
            self._say(self.tr("Please enter the relay's address."), ERROR)
            self.relay_edit.setFocus()
            return
        if not code:
            self._say(self.tr(
                "Please enter the pairing code (python -m relay pair on the relay's host)."),
                ERROR)
            self.code_edit.setFocus()
            return
        book = self.book
        name = self.name_edit.text().strip() or default_device_name()
        api_base = self._api_base()
        data_base = self._data_base()

        def work() -> Any:
            return connect(book, relay_url=url, pairing_code=code,
                           access_token=token or None, api_base=api_base,
                           data_base=data_base, device_name=name)

        def done(_result: Any) -> None:
            self.code_edit.clear()  # single use: it is spent now
            self.token_field.clear()
            self._changing_token = False
            self._say(self.tr(
                "Connected. Otokui now keeps the customer book up to date with LINE."), GOOD)
            self.connected.emit()
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._say("")
            show_error(self, exc)
            if isinstance(exc, PairingRefusedError | PairingTooManyTriesError):
                self.code_edit.setFocus()
                self.code_edit.selectAll()
            elif isinstance(exc, RelayUrlError | RelayUnreachableError):
                self.relay_edit.setFocus()
                self.relay_edit.selectAll()
            elif isinstance(exc, LineTokenRejectedError | ValidationError) and token:
                self.token_field.select_all_and_focus()

        self._say(self.tr("Connecting…"), HINT)
        self._background(work, done, failed, writing=True)

    def unpair(self) -> None:
        """接続を解除, after a confirmation; offers to forget here when the relay is away."""
        if self._writing or not self.paired:
            return
        answer = QMessageBox.question(
            self, self.tr("Disconnect from the relay"),
            self.tr("Disconnect this computer from the relay? New LINE messages stop "
                    "arriving here, and those still waiting on the relay for this computer "
                    "are deleted there. The customers and messages already in the book "
                    "stay."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self._unpair(forget_if_unreachable=False)

    # --- friends from before Otokui --------------------------------------------------------------
    def _show_import_state(self, state: ImportState | None) -> None:
        if state is None:
            self.import_status.setText("")
        elif state.done:
            self.import_status.setText(self.tr(
                "Last import: %1 friend(s) added, %2 already in the customer book.").replace(
                "%1", f"{state.added:,}").replace("%2", f"{state.already:,}"))
        else:
            self.import_status.setText(self.tr(
                "An import was interrupted after %1 friend(s); Import friends goes on from "
                "there.").replace("%1", f"{state.seen:,}"))
        self.import_button.setText(self.tr("Continue importing") if state is not None
                                   and not state.done else self.tr("Import friends"))

    def import_followers(self) -> None:
        """友だちを取り込む: the account's existing friends into the book, in the background."""
        if self.importing or self._writing:
            return
        from app.line.followers import import_followers

        book = self.book

        def work(progress: Progress) -> ImportState:
            gateway = book.line.gateway()
            if gateway is None:
                from app.line.errors import LineTokenMissingError

                raise LineTokenMissingError()
            with gateway:
                return import_followers(
                    # (done, total) carries (friends checked, friends added) here.
                    book, gateway, progress=lambda st: progress(st.seen, st.added),
                    cancelled=progress.cancelled)

        def advanced(seen: int, added: int) -> None:
            if shiboken6.isValid(self):
                self.import_status.setText(self.tr(
                    "Importing… %1 friend(s) checked, %2 added").replace(
                    "%1", f"{seen:,}").replace("%2", f"{added:,}"))

        def done(state: ImportState) -> None:
            self._show_import_state(state)
            self.import_status.setText(self.tr(
                "Done: %1 friend(s) added, %2 already in the customer book, %3 no longer "
                "friends.").replace("%1", f"{state.added:,}").replace(
                "%2", f"{state.already:,}").replace("%3", f"{state.skipped:,}"))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, LineFollowersUnavailableError):
                message, advice = translate_error(exc)
                self.import_status.setText(f"{message}\n{advice}")
                self.import_status.setStyleSheet("color: #8A5300;")
                return
            show_error(self, exc)
            self.refresh()  # shows how far it got: the next press goes on from there

        def finished() -> None:
            if not shiboken6.isValid(self):
                return
            self.import_progress.setVisible(False)
            self.cancel_import_button.setVisible(False)
            self.import_button.setVisible(True)
            self._update_enabled()
            if self._import_cancelled:
                self._import_cancelled = False
                self.import_status.setText(self.tr(
                    "Stopped. Nothing is lost: Import friends goes on from there."))
                self.import_button.setText(self.tr("Continue importing"))

        self.import_status.setStyleSheet("")
        self.import_status.setText(self.tr("Asking LINE for the list of friends…"))
        self.import_progress.setVisible(True)
        self.cancel_import_button.setVisible(True)
        self.import_button.setVisible(False)
        op = run_in_background(self, work, on_success=done, on_failure=failed)
        op.progressed.connect(advanced)
        op.finished.connect(finished)
        self.destroyed.connect(op.cancel)  # the settings closed: stop after this call
        self._import_op = op
        self._update_enabled()

    def cancel_import(self) -> None:
        if self.importing and self._import_op is not None:
            self._import_cancelled = True
            self.import_status.setText(self.tr("Stopping…"))
            self._import_op.cancel()

    def _unpair(self, *, forget_if_unreachable: bool) -> None:
        from app.sync.pairing import unpair

        book = self.book

        def done(_result: Any) -> None:
            self._say(self.tr("Disconnected from the relay."), GOOD)
            self.disconnected.emit()
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._say("")
            if isinstance(exc, RelayUnreachableError) and not forget_if_unreachable:
                answer = QMessageBox.question(
                    self, self.tr("Disconnect from the relay"),
                    self.tr("The relay cannot be reached, so it cannot be told. Forget the "
                            "connection on this computer only? The relay keeps this "
                            "computer's pairing until it is revoked there "
                            "(python -m relay revoke)."),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                    QMessageBox.StandardButton.Cancel)
                if answer == QMessageBox.StandardButton.Yes:
                    self._unpair(forget_if_unreachable=True)
                return
            show_error(self, exc)

        self._say(self.tr("Disconnecting…"), HINT)
        self._background(lambda: unpair(book, forget_if_unreachable=forget_if_unreachable),
                         done, failed, writing=True)


def _when(iso: str | None) -> str:
    """The pairing time (UTC ISO text) in local time, as the rest of the app shows dates."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:  # format_datetime takes naive UTC, as the book stores it
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return format_datetime(moment)
