"""Settings → LINE: the relay's autopilot switch and what switching it on means.

Thin: app.autopilot.client does the work, in the background (it talks to the relay). The
instant replies themselves are edited with ``python main.py autopilot replies import``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from ui.dialogs.passphrase import ERROR, GOOD, message_label, set_message
from ui.worker import run_in_background

if TYPE_CHECKING:
    from app.book import Book


class AutopilotBox(QGroupBox):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Autopilot (instant replies)"), parent)
        self.book = book
        layout = QVBoxLayout(self)
        explain = QLabel(self.tr(
            "When this is on, the relay answers at once, also while this computer is off: "
            "the rules marked to reply at once (a greeting to new friends, keyword replies:"
            " Tools → Rules), and the LINE messages of its pages (a form's thank-you, order"
            " and booking confirmations). It also sends the reminders, step messages and "
            "birthday coupons due in the next 7 days at their time. For that the relay "
            "keeps the channel access token and, until each is sent, those messages and to "
            "whom they go, encrypted with a key only its server has. Customers' names and "
            "what they write stay sealed."), self)
        explain.setWordWrap(True)
        self.switch = QCheckBox(self.tr("Let the relay reply instantly"), self)
        self.switch.setChecked(bool(book.settings.get("autopilot.on", False)))
        self.switch.toggled.connect(self._toggled)
        self.message = message_label(self)
        layout.addWidget(explain)
        layout.addWidget(self.switch)
        layout.addWidget(self.message)

    def _toggled(self, on: bool) -> None:
        from app.autopilot.client import AutopilotClient

        client = AutopilotClient(self.book)

        def work(_progress: Any) -> None:
            client.turn_on() if on else client.turn_off()

        def done(_result: Any) -> None:
            set_message(self.message, self.tr("The relay replies instantly.") if on
                        else self.tr("The relay no longer keeps the token."), GOOD)

        def failed(_exc: BaseException) -> None:
            self.switch.blockSignals(True)
            self.switch.setChecked(not on)
            self.switch.blockSignals(False)
            set_message(self.message, self.tr(
                "The relay could not be changed. Check the connection and that the relay "
                "has RELAY_AUTOPILOT_KEY set."), ERROR)

        self.switch.setEnabled(False)
        op = run_in_background(self, work, on_success=done, on_failure=failed)
        op.finished.connect(lambda: self.switch.setEnabled(True))
