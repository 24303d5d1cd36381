"""The connection wizard (Settings → LINE → 接続ウィザード): LINE and the relay, step by step.

Three pages, each checked before the next (the work is :mod:`app.sync.setup`, run off the
main thread):

1. 中継サーバー — the relay's address and the pairing code from its admin page; 次へ asks
   the relay whether it answers (a wrong address, a relay that is down, a shop address
   the relay does not know are each said as such).
2. LINE公式アカウント — the channel secret and the channel access token; 次へ checks the
   secret's form and asks LINE whose token it is (a refused token says so, and the
   account's name is shown so the owner can see it is the right one).
3. 接続と確認 — pairs with the relay, sets the webhook URL through LINE's API, has LINE
   test it, and checks *Use webhook*: a checklist, each line ✓ or ✗ with what is wrong and
   what to do; もう一度試す runs it again (going back to fix the secret needs no new code).

What was typed stays in the fields through every error. Secrets are typed hidden and never
logged. The book keeps them as :class:`app.line.connection.LineConnection` says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import OtokuiError
from app.sync import setup
from app.sync.pairing import default_device_name
from ui.dialogs.background import run_then
from ui.dialogs.passphrase import ERROR, HINT, PasswordField, message_label, set_message
from ui.errors import translate_error

if TYPE_CHECKING:
    from app.book import Book
    from app.line.gateway import BotInfo
    from ui.worker import BackgroundOp

log = logging.getLogger("otokui.ui.connect_wizard")

AVATAR = 56


def _note(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5B6573;")
    return label


def explain(exc: BaseException, fallback: str) -> str:
    """An error in the owner's words: what happened, then what to do."""
    if isinstance(exc, OtokuiError):
        what, advice = translate_error(exc)
        return f"{what}\n{advice}" if advice else what
    log.error("unexpected error in the connection wizard",
              exc_info=(type(exc), exc, exc.__traceback__))
    return fallback


def avatar(name: str, picture: QPixmap | None = None) -> QPixmap:
    """The account's picture in a circle, or its first letter on LINE's green."""
    size = AVATAR
    out = QPixmap(size, size)
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    path.addEllipse(0, 0, size, size)
    painter.setClipPath(path)
    if picture is not None and not picture.isNull():
        painter.drawPixmap(0, 0, picture.scaled(
            size, size, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation))
    else:
        painter.fillRect(0, 0, size, size, QColor("#06C755"))
        painter.setPen(QColor("white"))
        font = QFont()
        font.setPixelSize(size // 2)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(out.rect(), Qt.AlignmentFlag.AlignCenter, (name or "?")[:1])
    painter.end()
    return out


class _Checked(QWizardPage):
    """A page whose 次へ first runs a check in the background and moves on only if it
    passes; the answer of a failed check stays on the page."""

    def __init__(self, wizard: ConnectWizard) -> None:
        super().__init__(wizard)
        self.owner = wizard
        self.passed = False
        self.checking = False
        self.message = message_label(self)

    def say(self, text: str, kind: str = HINT) -> None:
        set_message(self.message, text, kind)

    def changed(self) -> None:
        """Something typed changed: the last check no longer holds."""
        self.passed = False

    def validatePage(self) -> bool:
        if self.passed:
            return True
        if not self.checking:
            self.start_check()
        return False

    def start_check(self) -> None:
        raise NotImplementedError

    def run_check(self, work: Callable[[], Any], on_success: Callable[[Any], None],
                  waiting: str) -> None:
        self.checking = True
        self.say(waiting, HINT)
        self.owner.set_busy(True)

        def ok(result: Any) -> None:
            if not shiboken6.isValid(self):
                return
            self.checking = False
            self.owner.set_busy(False)
            on_success(result)
            self.passed = True
            self.owner.next()

        def failed(exc: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            self.checking = False
            self.owner.set_busy(False)
            self.say(explain(exc, self.tr("Something unexpected went wrong. Please try "
                                          "again.")), ERROR)
            self.failed(exc)

        self.owner.track(run_then(self, lambda _p: work(), ok, failed))

    def failed(self, exc: BaseException) -> None:
        """Put the cursor where the fix goes."""


class RelayPage(_Checked):
    def __init__(self, wizard: ConnectWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("1. The relay"))
        self.setSubTitle(self.tr(
            "The relay receives LINE's messages for your shop and keeps them, locked, until "
            "this computer collects them."))
        self.relay_edit = QLineEdit(self)
        self.relay_edit.setObjectName("wizardRelayUrl")
        self.relay_edit.setPlaceholderText("https://otokui-relay.onrender.com")
        self.code_edit = QLineEdit(self)
        self.code_edit.setObjectName("wizardPairingCode")
        self.code_edit.setPlaceholderText("7KQ2M-XF9RD")
        self.code_edit.setMaxLength(64)
        self.name_edit = QLineEdit(default_device_name(), self)
        self.name_edit.setObjectName("wizardDeviceName")
        self.name_edit.setMaxLength(100)
        self.code_label = QLabel(self.tr("Pairing code"), self)
        self.code_note = _note(self.tr(
            "On the relay's admin page, press 連携コードを発行する: it shows the "
            "relay's address and the code. A code works once, for 10 minutes."), self)
        self.paired_note = _note(self.tr(
            "This customer book is already connected to this relay; no code is needed."),
            self)
        self.paired_note.setObjectName("wizardAlreadyPaired")
        self.name_label = QLabel(self.tr("Name of this computer"), self)
        self.name_note = _note(self.tr(
            "The relay shows this name to tell your computers apart: use a place "
            "(\u201cレジ横のPC\u201d), not a person's name."), self)
        help_note = _note(self.tr(
            "No relay yet? The guide \u201cConnecting LINE\u201d shows how to start one "
            "on a hosting service in a few clicks (free, or a few hundred yen a month), or "
            "ask whoever helps your shop with it."), self)
        for edit in (self.relay_edit, self.code_edit, self.name_edit):
            edit.textChanged.connect(self.changed)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        relay_label = QLabel(self.tr("Relay address"), self)
        relay_label.setBuddy(self.relay_edit)
        self.code_label.setBuddy(self.code_edit)
        self.name_label.setBuddy(self.name_edit)
        grid.addWidget(relay_label, 0, 0)
        grid.addWidget(self.relay_edit, 0, 1)
        grid.addWidget(self.code_label, 1, 0)
        grid.addWidget(self.code_edit, 1, 1)
        grid.addWidget(self.code_note, 2, 1)
        grid.addWidget(self.paired_note, 3, 1)
        grid.addWidget(self.name_label, 4, 0)
        grid.addWidget(self.name_edit, 4, 1)
        grid.addWidget(self.name_note, 5, 1)
        box = QVBoxLayout(self)
        box.addLayout(grid)
        box.addSpacing(8)
        box.addWidget(help_note)
        box.addStretch(1)
        box.addWidget(self.message)

    def show_paired(self, relay_url: str | None) -> None:
        paired = bool(relay_url)
        if relay_url:
            self.relay_edit.setText(relay_url)
        self.relay_edit.setReadOnly(paired)
        for widget in (self.code_label, self.code_edit, self.code_note, self.name_label,
                       self.name_edit, self.name_note):
            widget.setVisible(not paired)
        self.paired_note.setVisible(paired)

    def start_check(self) -> None:
        url = self.relay_edit.text().strip()
        if not url:
            self.say(self.tr("Please enter the relay's address."), ERROR)
            self.relay_edit.setFocus()
            return
        if not self.owner.paired and not self.code_edit.text().strip():
            self.say(self.tr("Please enter the pairing code from the relay's admin page."),
                     ERROR)
            self.code_edit.setFocus()
            return
        self.run_check(lambda: setup.check_relay(url), lambda _health: self.say(""),
                       self.tr("Asking the relay…"))

    def failed(self, exc: BaseException) -> None:
        self.relay_edit.setFocus()
        self.relay_edit.selectAll()


class LinePage(_Checked):
    def __init__(self, wizard: ConnectWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("2. Your LINE Official Account"))
        self.setSubTitle(self.tr(
            "Two keys from the LINE Developers console (developers.line.biz), your "
            "Messaging API channel. Otokui keeps them locked in the customer book."))
        self.secret_field = PasswordField(self)
        self.secret_field.setObjectName("wizardChannelSecret")
        self.secret_field.edit.setPlaceholderText(self.tr("32 letters and digits"))
        self.token_field = PasswordField(self)
        self.token_field.setObjectName("wizardAccessToken")
        self.token_field.edit.setPlaceholderText(self.tr("A long line of letters"))
        self.advanced_box = QCheckBox(self.tr("Advanced: another address for LINE's API"),
                                      self)
        self.api_edit = QLineEdit(self)
        self.api_edit.setObjectName("wizardApiBase")
        self.api_edit.setPlaceholderText(self.tr("Empty: LINE itself (api.line.me)"))
        self.api_edit.setVisible(False)
        self.advanced_box.toggled.connect(self.api_edit.setVisible)
        for field in (self.secret_field, self.token_field):
            field.textChanged.connect(self.changed)
        self.api_edit.textChanged.connect(self.changed)
        self.advanced_box.toggled.connect(self.changed)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        secret_label = QLabel(self.tr("Channel secret"), self)
        secret_label.setBuddy(self.secret_field)
        token_label = QLabel(self.tr("Channel access token"), self)
        token_label.setBuddy(self.token_field)
        grid.addWidget(secret_label, 0, 0)
        grid.addWidget(self.secret_field, 0, 1)
        grid.addWidget(_note(self.tr("Basic settings tab → Channel secret."), self), 1, 1)
        grid.addWidget(token_label, 2, 0)
        grid.addWidget(self.token_field, 2, 1)
        grid.addWidget(_note(self.tr(
            "Messaging API tab → Channel access token (long-lived) → Issue, then copy."),
            self), 3, 1)
        grid.addWidget(self.advanced_box, 4, 1)
        grid.addWidget(self.api_edit, 5, 1)
        self.account = QLabel(self)
        self.account.setObjectName("wizardAccount")
        box = QVBoxLayout(self)
        box.addLayout(grid)
        box.addStretch(1)
        box.addWidget(self.account)
        box.addWidget(self.message)

    def api_base(self) -> str | None:
        return (self.api_edit.text().strip() or None) if self.advanced_box.isChecked() \
            else None

    def keep_saved(self, paired: bool) -> None:
        """A connected book may leave a key empty to keep the one it has."""
        hint = self.tr("Empty: keep the one saved") if paired else ""
        self.secret_field.edit.setPlaceholderText(hint or self.tr("32 letters and digits"))
        self.token_field.edit.setPlaceholderText(hint or self.tr("A long line of letters"))

    def start_check(self) -> None:
        keep = self.owner.paired
        if self.secret_field.text().strip() or not keep:
            try:
                setup.check_channel_secret(self.secret_field.text())
            except OtokuiError as exc:
                self.say(explain(exc, ""), ERROR)
                self.secret_field.select_all_and_focus()
                return
        if not self.token_field.text().strip() and not keep:
            self.say(self.tr("Please paste the channel access token."), ERROR)
            self.token_field.select_all_and_focus()
            return
        typed, base, book = self.token_field.text(), self.api_base(), self.owner.book

        def work() -> BotInfo:
            # the saved token is read here, off the main thread (it may be in the keyring)
            return setup.check_account(typed.strip() or book.line.access_token(), base)

        def found(info: BotInfo) -> None:
            self.owner.account = info
            self.say("")

        self.run_check(work, found, self.tr("Asking LINE whose token this is…"))

    def failed(self, exc: BaseException) -> None:
        self.token_field.select_all_and_focus()


class _StepSignals(QObject):
    """Carries step reports from the worker thread (a QObject slot, see ui.dialogs
    .background for why not a plain function)."""

    step = Signal(int)


class FinishPage(QWizardPage):
    def __init__(self, wizard: ConnectWizard) -> None:
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle(self.tr("3. Connect and check"))
        self.setSubTitle(self.tr(
            "Otokui now connects to the relay and does the LINE console's webhook settings "
            "for you, then has LINE test them."))
        self.done_ok = False
        self.running = False
        self.picture = QLabel(self)
        self.picture.setObjectName("wizardPicture")
        self.picture.setFixedSize(AVATAR, AVATAR)
        self.name = QLabel(self)
        self.name.setObjectName("wizardAccountName")
        name_font = self.name.font()
        name_font.setPointSizeF(name_font.pointSizeF() * 1.25)
        name_font.setBold(True)
        self.name.setFont(name_font)
        self.basic_id = QLabel(self)
        account_text = QVBoxLayout()
        account_text.addWidget(self.name)
        account_text.addWidget(self.basic_id)
        account = QHBoxLayout()
        account.addWidget(self.picture)
        account.addLayout(account_text, 1)
        self.step_labels: list[QLabel] = []
        self.step_texts = [
            self.tr("Connect this computer to the relay"),
            self.tr("Set the relay's address as LINE's webhook URL"),
            self.tr("LINE tests the relay's address"),
            self.tr("\u201cUse webhook\u201d is on"),
        ]
        steps = QVBoxLayout()
        steps.setSpacing(6)
        for text in self.step_texts:
            label = QLabel(f"○  {text}", self)
            label.setObjectName("wizardStep")
            self.step_labels.append(label)
            steps.addWidget(label)
        self.result = QLabel(self)
        self.result.setObjectName("wizardResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton(self.tr("Try again"), self)
        self.retry_button.setObjectName("wizardRetry")
        self.retry_button.clicked.connect(self.run)
        self.recheck_button = QPushButton(self.tr("Check again"), self)
        self.recheck_button.setObjectName("wizardRecheck")
        self.recheck_button.clicked.connect(self.recheck)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.recheck_button)
        buttons.addWidget(self.retry_button)
        box = QVBoxLayout(self)
        box.addLayout(account)
        box.addSpacing(10)
        box.addLayout(steps)
        box.addSpacing(10)
        box.addWidget(self.result)
        box.addStretch(1)
        box.addLayout(buttons)
        self._signals = _StepSignals(self)
        self._signals.step.connect(self._on_step)
        self._current = -1
        self._picture_op: BackgroundOp | None = None

    def isComplete(self) -> bool:
        return self.done_ok and not self.running

    def initializePage(self) -> None:
        info = self.owner.account
        if info is not None:
            self.name.setText(info.display_name)
            self.basic_id.setText(info.basic_id)
            self.picture.setPixmap(avatar(info.display_name))
            self._load_picture(info)
        self.run()

    def _load_picture(self, info: BotInfo) -> None:
        url = info.picture_url
        if not url or not url.startswith("https://"):
            return

        def fetch() -> bytes:
            import httpx

            response = httpx.get(url, timeout=10.0, follow_redirects=True)
            response.raise_for_status()
            return response.content[:5_000_000]

        def shown(data: bytes) -> None:
            picture = QPixmap()
            if picture.loadFromData(data):
                self.picture.setPixmap(avatar(info.display_name, picture))

        def not_shown(exc: BaseException) -> None:
            log.info("the account's picture could not be loaded: %s", type(exc).__name__)

        self.owner.track(run_then(self, lambda _p: fetch(), shown, not_shown))

    def _mark(self, index: int, mark: str, colour: str = "") -> None:
        label = self.step_labels[index]
        label.setText(f"{mark}  {self.step_texts[index]}")
        label.setStyleSheet(f"color: {colour};" if colour else "")

    @Slot(int)
    def _on_step(self, index: int) -> None:
        if not shiboken6.isValid(self):
            return
        for done in range(max(self._current, 0), index):
            self._mark(done, "✓", "#1E7E34")
        self._current = index
        self._mark(index, "…")

    def run(self) -> None:
        if self.running:
            return
        wizard = self.owner
        relay_page, line_page = wizard.relay_page, wizard.line_page
        book = wizard.book
        relay_url = relay_page.relay_edit.text().strip()
        code = None if wizard.paired else relay_page.code_edit.text().strip()
        name = relay_page.name_edit.text().strip()
        typed_secret = line_page.secret_field.text().strip()
        typed_token = line_page.token_field.text().strip()
        base = line_page.api_base()
        use_keyring = wizard.use_keyring
        signals = self._signals
        order = {step: i for i, step in enumerate(setup.STEPS)}

        def work() -> setup.SetupReport:
            # Keys left empty on a connected book: the saved ones (read off the main thread).
            secret = typed_secret or (book.line.channel_secret() or b"").decode("ascii")
            token = typed_token or book.line.access_token()
            return setup.connect_and_configure(
                book, relay_url=relay_url, pairing_code=code, channel_secret=secret,
                access_token=token, api_base=base, device_name=name,
                use_keyring=use_keyring,
                progress=lambda step: signals.step.emit(order[step]))

        self._start(work)

    def recheck(self) -> None:
        if not self.running:
            book = self.owner.book
            self._start(lambda: setup.recheck_webhook(book), first_step=2)

    def _start(self, work: Callable[[], setup.SetupReport], first_step: int = 0) -> None:
        self.running = True
        self.done_ok = False
        self._current = first_step - 1
        for i in range(first_step, len(self.step_labels)):
            self._mark(i, "○")
        self.result.setText(self.tr("Working…"))
        self.result.setStyleSheet("")
        self.retry_button.setVisible(False)
        self.recheck_button.setVisible(False)
        self.owner.set_busy(True)
        self.completeChanged.emit()
        self.owner.track(run_then(self, lambda _p: work(), self._succeeded, self._failed))

    def _settle(self) -> bool:
        if not shiboken6.isValid(self):
            return False
        self.running = False
        self.owner.set_busy(False)
        return True

    def _succeeded(self, report: setup.SetupReport) -> None:
        if not self._settle():
            return
        self.owner.account = report.account
        self.owner.connected_now = True
        for i in range(3):
            self._mark(i, "✓", "#1E7E34")
        if report.webhook_active:
            self._mark(3, "✓", "#1E7E34")
            self.result.setText(self.tr(
                "Connected. New friends of %1 and their messages now arrive in this "
                "customer book by themselves while Otokui is open.").replace(
                    "%1", report.account.display_name))
            self.result.setStyleSheet("color: #1E7E34;")
        else:
            self._mark(3, "!", "#B26A00")
            self.result.setText(self.tr(
                "Almost there: LINE reached the relay, but \u201cUse webhook\u201d is off, so "
                "LINE sends nothing yet. In the LINE Developers console, open the Messaging "
                "API tab, turn on \u201cUse webhook\u201d under Webhook settings, then press "
                "Check again."))
            self.result.setStyleSheet("color: #B26A00;")
            self.recheck_button.setVisible(True)
        self.done_ok = True
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        if not self._settle():
            return
        index = max(self._current, 0)
        self._mark(index, "✗", "#C5221F")
        self.result.setText(explain(exc, self.tr(
            "Something unexpected went wrong. Please try again.")))
        self.result.setStyleSheet("color: #C5221F;")
        self.retry_button.setVisible(True)
        self.recheck_button.setVisible(False)
        self.completeChanged.emit()


class ConnectWizard(QWizard):
    """Connect ``book`` to LINE through a relay. ``connected_now`` after a success."""

    def __init__(self, book: Book, parent: QWidget | None = None, *,
                 relay_url: str | None = None, paired: bool = False,
                 api_base: str | None = None, use_keyring: bool | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectWizard")
        self.book = book
        self.paired = paired
        self.use_keyring = use_keyring
        self.account: BotInfo | None = None
        self.connected_now = False
        self._ops: list[BackgroundOp] = []
        self._busy = False
        self.setWindowTitle(self.tr("Connect LINE"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.relay_page = RelayPage(self)
        self.line_page = LinePage(self)
        self.finish_page = FinishPage(self)
        for page in (self.relay_page, self.line_page, self.finish_page):
            self.addPage(page)
        self.relay_page.show_paired(relay_url if paired else None)
        self.line_page.keep_saved(paired)
        if relay_url and not paired:
            self.relay_page.relay_edit.setText(relay_url)
        if api_base:
            self.line_page.advanced_box.setChecked(True)
            self.line_page.api_edit.setText(api_base)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton,
                           self.tr("Done", "the last button of a wizard"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        self.resize(760, 600)

    def track(self, op: BackgroundOp) -> None:
        self._ops = [o for o in self._ops if o.running] + [op]

    @property
    def busy(self) -> bool:
        return any(o.running for o in self._ops)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton):
            button = self.button(which)
            if button is not None:
                button.setEnabled(not busy)

    def reject(self) -> None:
        # Work under way (a pairing, LINE's test) finishes by itself; what it did is kept
        # and shown in Settings → LINE. Closing now only stops waiting for it.
        super().reject()
