"""設定 → プライバシー: one window for the shop's side of 個人情報保護法 — the policy
(details, preview, publish, versions), retention rules (preview, run), the audit log and
leak readiness (checklist, incidents, report drafts, who is affected). Reached from ツール
→ プライバシー… (ui/privacy/integration.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from ui.privacy.audit_page import AuditPage
from ui.privacy.leak_page import LeakPage
from ui.privacy.policy_page import PolicyPage
from ui.privacy.retention_page import RetentionPage

if TYPE_CHECKING:
    from app.book import Book
    from ui.worker import RunningOps


class PrivacyWindow(QDialog):
    def __init__(self, book: Book, parent: QWidget | None = None,
                 ops: RunningOps | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("privacyWindow")
        self.setWindowTitle(self.tr("Privacy"))
        self.tabs = QTabWidget(self)
        self.policy = PolicyPage(book, self)
        self.retention = RetentionPage(book, self)
        self.audit = AuditPage(book, self)
        self.leak = LeakPage(book, self)
        self.tabs.addTab(self.policy, self.tr("Privacy policy"))
        self.tabs.addTab(self.retention, self.tr("Retention"))
        self.tabs.addTab(self.audit, self.tr("Audit log"))
        self.tabs.addTab(self.leak, self.tr("Leak readiness"))
        if ops is not None:
            # The main window waits for these before locking (its busy check).
            for page in (self.policy, self.retention, self.audit, self.leak):
                page.ops = ops
        self.tabs.currentChanged.connect(self._shown)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(1040, 720)

    def _shown(self, index: int) -> None:
        if self.tabs.widget(index) is self.audit:  # entries written since it was built
            self.audit.fill_actions()
            self.audit.reload()
