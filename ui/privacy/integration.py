"""Privacy in the main window: in the お客様 menu, a プライバシー submenu with the two
requests a customer may make of the shop — disclosure (開示請求: a zip of everything held
about them, written where the owner chooses) and deletion (削除・利用停止) — for the one
selected customer; in the ツール menu after 設定, プライバシー… opens the privacy window
(policy, retention, audit log, leak readiness: ui/privacy/window.py). The work runs in
the background (app.privacy does it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

if TYPE_CHECKING:
    from app.book import Book
    from ui.book_events import BookEvents
    from ui.main_window import MainWindow
    from ui.privacy.window import PrivacyWindow
    from ui.worker import BackgroundOp


class PrivacyIntegration(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.book: Book | None = None
        self.menu = QMenu(self.tr("Privacy"), window)
        self.menu.setObjectName("privacyMenu")
        self.act_disclose = QAction(self.tr("Disclose this customer's data…"), window)
        self.act_disclose.setObjectName("actPrivacyDisclose")
        self.act_disclose.triggered.connect(lambda _c=False: self.disclose())
        self.act_erase = QAction(self.tr("Delete this customer on request…"), window)
        self.act_erase.setObjectName("actPrivacyErase")
        self.act_erase.triggered.connect(lambda _c=False: self.erase())
        self.menu.addAction(self.act_disclose)
        self.menu.addAction(self.act_erase)
        self.menu.setEnabled(False)
        self.act_window = QAction(self.tr("Privacy…"), window)
        self.act_window.setObjectName("actPrivacyWindow")
        self.act_window.triggered.connect(lambda _c=False: self.open_window())
        self.act_window.setEnabled(False)
        self.privacy_window: PrivacyWindow | None = None
        for top in window.menuBar().actions():
            sub = top.menu()
            if isinstance(sub, QMenu) and window.act_settings in sub.actions():
                before = _after(sub, window.act_settings)
                if before is None:
                    sub.addAction(self.act_window)
                else:
                    sub.insertAction(before, self.act_window)
                break
        # Into the お客様 menu, after 削除 (the menu that holds the delete action).
        for top in window.menuBar().actions():
            sub = top.menu()
            if isinstance(sub, QMenu) and window.act_delete in sub.actions():
                before = _after(sub, window.act_delete)
                if before is None:
                    sub.addMenu(self.menu)
                else:
                    sub.insertMenu(before, self.menu)
                break

    def build(self, book: Book, events: BookEvents) -> None:
        self.book = book
        self.menu.setEnabled(True)
        self.act_window.setEnabled(True)

    def teardown(self) -> None:
        self.book = None
        self.menu.setEnabled(False)
        self.act_window.setEnabled(False)
        if self.privacy_window is not None:
            self.privacy_window.close()
            self.privacy_window.deleteLater()
            self.privacy_window = None

    def open_window(self, tab: int | None = None) -> PrivacyWindow | None:
        """ツール → プライバシー… (not modal: the owner may look at customers beside it)."""
        if self.book is None:
            return None
        from ui.privacy.window import PrivacyWindow

        if self.privacy_window is None:
            self.privacy_window = PrivacyWindow(self.book, self.window, self.window._ops)
            self.privacy_window.policy.on_announce = self.announce
        if tab is not None:
            self.privacy_window.tabs.setCurrentIndex(tab)
        self.privacy_window.show()
        self.privacy_window.activateWindow()
        return self.privacy_window

    def announce(self, segment_id: int, text: str) -> None:
        """A new policy version to tell about: the broadcast composer, to that segment,
        with the text (the owner reads, edits and sends it)."""
        from ui.broadcast.recipients import SEGMENT

        composer = self.window.broadcasts.new_broadcast(SEGMENT, segment_id)
        if composer is not None:
            composer.message.set_text(text)

    def _one(self, customer_id: int | None) -> int | None:
        if customer_id is not None:
            return customer_id
        ids = self.window.selected_ids()
        if len(ids) != 1:
            self.window.statusBar().showMessage(self.tr("Select one customer first."), 5000)
            return None
        return ids[0]

    def disclose(self, customer_id: int | None = None,
                 path: Path | None = None) -> BackgroundOp | None:
        book, cid = self.book, self._one(customer_id)
        if book is None or cid is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self.window, self.tr("Save the disclosure (it holds personal data)"),
                str(Path.home() / f"kaiji-{cid}.zip"), "ZIP (*.zip)")
            if not chosen:
                return None
            path = Path(chosen)
        target = path

        def work(_p: Any) -> Any:
            from app.privacy.disclose import disclose
            return disclose(book, cid, target)

        def done(_result: Any) -> None:
            self.window.statusBar().showMessage(
                self.tr("Disclosure written. It holds personal data: hand it only to the "
                        "person, then delete your copy."), 15000)
        return self.window._run(work, label=self.tr("Writing the disclosure…"),
                                cancellable=False, on_success=done)

    def erase(self, customer_id: int | None = None, *,
              confirm: bool = True) -> BackgroundOp | None:
        book, cid = self.book, self._one(customer_id)
        if book is None or cid is None:
            return None
        if confirm and QMessageBox.question(
                self.window, self.tr("Delete on request"),
                self.tr("Delete this customer and everything held about them (messages, "
                        "files, form answers) for good? This cannot be undone."),
        ) != QMessageBox.StandardButton.Yes:
            return None

        def work(_p: Any) -> Any:
            from app.privacy.erase import erase_customer
            return erase_customer(book, cid)

        def done(result: Any) -> None:
            text = self.tr("Customer deleted on request.")
            if result.backups:
                text += " " + self.tr("Older backups still hold them: %1.").replace(
                    "%1", str(len(result.backups)))
            self.window.statusBar().showMessage(text, 15000)
        return self.window._run(work, label=self.tr("Deleting…"), cancellable=False,
                                on_success=done)


def _after(menu: QMenu, action: QAction) -> QAction | None:
    actions = menu.actions()
    i = actions.index(action)
    return actions[i + 1] if i + 1 < len(actions) else None
