"""設定 → プライバシー → ポリシー: the shop's details for the privacy policy (what
app.privacy.policy.PolicySettings takes), a live preview of the policy, publishing (a new
dated version, sent to the relay's /privacy page) and the versions so far."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.privacy.policy import COLLECTED, PURPOSES, PolicySettings
from ui.formatting import format_datetime
from ui.worker import RunningOps, run_in_background

if TYPE_CHECKING:
    from app.book import Book

LINES = ("business_name", "address", "representative", "contact", "relay_host")
TEXTS = ("purposes_extra", "collected_extra", "third_parties", "entrusted_extra",
         "retention", "request_procedure", "security_extra")


class PolicyPage(QWidget):
    def __init__(self, book: Book, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.privacy.service import PrivacyService

        self.book = book
        self.service = PrivacyService(book)
        self.ops = RunningOps()
        labels = {
            "business_name": self.tr("Business name"), "address": self.tr("Address"),
            "representative": self.tr("Representative"),
            "contact": self.tr("Contact for requests"),
            "relay_host": self.tr("Who runs the relay server"),
            "purposes_extra": self.tr("Other purposes (one a line)"),
            "collected_extra": self.tr("Other data collected"),
            "third_parties": self.tr("Provision to third parties (empty: none)"),
            "entrusted_extra": self.tr("Other entrusted parties (one a line)"),
            "retention": self.tr("How long data is kept"),
            "request_procedure": self.tr("Request procedure (empty: the standard text)"),
            "security_extra": self.tr("Other security measures"),
        }
        self.lines: dict[str, QLineEdit] = {}
        self.texts: dict[str, QPlainTextEdit] = {}
        self.purposes: dict[str, QCheckBox] = {}
        self.collected: dict[str, QCheckBox] = {}
        form_host = QWidget(self)
        form = QFormLayout(form_host)
        for key in LINES:
            self.lines[key] = QLineEdit(form_host)
            self.lines[key].setObjectName(f"policy_{key}")
            form.addRow(labels[key], self.lines[key])
        for title, options, boxes in ((self.tr("Purposes of use"), PURPOSES, self.purposes),
                                      (self.tr("What is collected"), COLLECTED,
                                       self.collected)):
            group = QGroupBox(title, form_host)
            inner = QVBoxLayout(group)
            for key, sentence in options.items():
                boxes[key] = QCheckBox(sentence, group)
                inner.addWidget(boxes[key])
            form.addRow(group)
        for key in TEXTS:
            self.texts[key] = QPlainTextEdit(form_host)
            self.texts[key].setObjectName(f"policy_{key}")
            self.texts[key].setFixedHeight(54)
            form.addRow(labels[key], self.texts[key])
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)

        self.missing_label = QLabel(self)
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet("color:#b00")
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("policyPreview")
        self.versions = QTableWidget(0, 3, self)
        self.versions.setHorizontalHeaderLabels([
            self.tr("Version"), self.tr("In force from"), self.tr("On the relay")])
        self.versions.verticalHeader().setVisible(False)
        self.versions.horizontalHeader().setStretchLastSection(True)
        self.versions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.save_button = QPushButton(self.tr("Save details"), self)
        self.publish_button = QPushButton(self.tr("Publish as a new version"), self)
        self.announce_button = QPushButton(self.tr("Tell those who agreed to an older "
                                                   "version…"), self)
        self.announce_button.setToolTip(self.tr(
            "Saves the segment of customers who agreed only to an older version and opens "
            "a broadcast to them with a message linking the new one."))
        #: Called with (segment id, text) when an announcement is ready: the main window
        #: opens the broadcast composer with them (unset: the text goes to the clipboard).
        self.on_announce: Callable[[int, str], None] | None = None
        for button in (self.save_button, self.publish_button, self.announce_button):
            button.setAutoDefault(False)  # Enter in a field must not publish
        self.status = QLabel(self)
        self.status.setWordWrap(True)

        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(QLabel(self.tr("Preview"), right))
        rl.addWidget(self.preview, 3)
        rl.addWidget(QLabel(self.tr("Published versions"), right))
        rl.addWidget(self.versions, 1)
        split = QSplitter(self)
        split.addWidget(scroll)
        split.addWidget(right)
        split.setSizes([520, 420])
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.publish_button)
        buttons.addWidget(self.announce_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.missing_label)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh_preview)
        self.load(self.service.settings())
        for line in self.lines.values():
            line.textChanged.connect(self._timer.start)
        for text in self.texts.values():
            text.textChanged.connect(self._timer.start)
        for box in (*self.purposes.values(), *self.collected.values()):
            box.toggled.connect(self._timer.start)
        self.save_button.clicked.connect(lambda _c=False: self.save())
        self.publish_button.clicked.connect(lambda _c=False: self.publish())
        self.announce_button.clicked.connect(lambda _c=False: self.announce())
        self.refresh_preview()
        self.refresh_versions()

    def load(self, s: PolicySettings) -> None:
        for key, line in self.lines.items():
            line.setText(str(getattr(s, key)))
        for key, text in self.texts.items():
            text.setPlainText(str(getattr(s, key)))
        for key, box in self.purposes.items():
            box.setChecked(key in s.purposes)
        for key, box in self.collected.items():
            box.setChecked(key in s.collected)

    def current(self) -> PolicySettings:
        data: dict[str, Any] = {k: w.text().strip() for k, w in self.lines.items()}
        data.update({k: w.toPlainText().strip() for k, w in self.texts.items()})
        data["purposes"] = [k for k, b in self.purposes.items() if b.isChecked()]
        data["collected"] = [k for k, b in self.collected.items() if b.isChecked()]
        return PolicySettings.from_dict(data)

    def refresh_preview(self) -> None:
        from app.privacy.incidents import jst_today
        from app.privacy.policy import generate, to_html

        s = self.current()
        published = self.service.document()
        if published.version and self._published_settings() == s.to_dict():
            doc = published  # unchanged: the version in force
        else:  # what publishing would make: the next version, dated today
            doc = generate(s, version=published.version + 1,
                           effective_date=jst_today().isoformat())
        self.preview.setHtml(to_html(doc))
        names = {"business_name": self.tr("Business name"), "address": self.tr("Address"),
                 "representative": self.tr("Representative"),
                 "contact": self.tr("Contact for requests"),
                 "purposes": self.tr("Purposes of use")}
        missing = [names.get(k, k) for k in s.missing()]
        self.missing_label.setText(self.tr("Still to fill in (the law asks for them): %1")
                                   .replace("%1", "、".join(missing)) if missing else "")
        self.missing_label.setVisible(bool(missing))

    def _published_settings(self) -> dict[str, Any] | None:
        from app.privacy.policy import PolicySettings as _S
        from app.store.models_privacy import PrivacyPolicyVersion

        newest = self.service.newest_version()
        if newest is None:
            return None
        with self.book.db.read() as s:
            row = s.get(PrivacyPolicyVersion, newest)
            return _S.from_dict(row.settings).to_dict() if row is not None else None

    def refresh_versions(self) -> None:
        rows = self.service.versions()
        # Something to tell only once a second version is on the relay.
        self.announce_button.setEnabled(bool(rows) and rows[0][0] >= 2
                                        and rows[0][3] is not None)
        self.versions.setRowCount(len(rows))
        for r, (version, day, _published, on_relay) in enumerate(rows):
            self.versions.setItem(r, 0, QTableWidgetItem(self.tr("Version %1").replace(
                "%1", str(version))))
            self.versions.setItem(r, 1, QTableWidgetItem(day))
            self.versions.setItem(r, 2, QTableWidgetItem(
                format_datetime(on_relay) if on_relay else self.tr("Not yet")))

    def save(self) -> None:
        self.service.save_settings(self.current())
        self.status.setText(self.tr("Saved."))

    def publish(self) -> None:
        """Save, record a new version if anything changed, and send it to the relay (in
        the background: the relay may be slow)."""
        self.save()
        service = self.service

        def work(_p: Any) -> tuple[int, bool, bool]:
            from app.sync.errors import NotPairedError

            version, created = service.publish()
            try:
                service.upload()
            except NotPairedError:
                return version, created, False
            return version, created, True

        def done(result: Any) -> None:
            version, created, uploaded = result
            text = (self.tr("Published as version %1.") if created
                    else self.tr("No changes since version %1.")).replace("%1", str(version))
            text += " " + (self.tr("The relay's page shows it.") if uploaded else self.tr(
                "Not connected to a relay: it is recorded in the book."))
            self.status.setText(text)
            self.refresh_versions()
            self.refresh_preview()

        def failed(exc: BaseException) -> None:
            from ui.errors import show_error

            self.refresh_versions()
            show_error(self, exc)
        self.ops.track(run_in_background(self, work, on_success=done, on_failure=failed,
                                         label=self.tr("Publishing…"), cancellable=False))

    def announce(self) -> None:
        """Prepare the announcement of the newest version (segment and text, in the
        background: the relay is asked for the page's address), then hand it on."""
        book = self.book

        def work(_p: Any) -> Any:
            from app.privacy.announce import prepare

            return prepare(book)

        def done(result: Any) -> None:
            self.status.setText(self.tr(
                "%1 customer(s) agreed only to an older version (segment “%2”).").replace(
                "%1", str(result.recipients)).replace(
                "%2", book.segments.get(result.segment_id).name))
            if self.on_announce is not None:
                self.on_announce(result.segment_id, result.text)
            else:
                QApplication.clipboard().setText(result.text)
                self.status.setText(self.status.text() + " " + self.tr(
                    "The message is copied: send it as a broadcast to that segment."))

        def failed(exc: BaseException) -> None:
            from ui.errors import show_error

            show_error(self, exc)
        self.ops.track(run_in_background(self, work, on_success=done, on_failure=failed,
                                         label=self.tr("Preparing the announcement…"),
                                         cancellable=False))
