"""The broadcast composer's summary under the form: how many receive it, what it costs,
what remains of the month's LINE messages; over that, why it cannot go to everyone and the
offer to send only to as many as remain (the trim option)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFrame, QLabel, QVBoxLayout, QWidget

from ui.formatting import format_count

if TYPE_CHECKING:
    from app.broadcast import BroadcastPlan


class PlanBox(QFrame):
    """:attr:`summary` (one line of figures, or what is being worked out),
    :attr:`quota_message` and :attr:`trim_check` (over the quota only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planBox")
        self.setStyleSheet("QFrame#planBox { background: #F1F8F3; border: 1px solid "
                           "#CDE8D4; border-radius: 8px; }")
        self.summary = QLabel(self)
        self.summary.setObjectName("planSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setStyleSheet("font-size: 14px;")
        self.quota_message = QLabel(self)
        self.quota_message.setObjectName("quotaMessage")
        self.quota_message.setWordWrap(True)
        self.quota_message.setStyleSheet("color: #C5221F; font-weight: bold;")
        self.quota_message.hide()
        self.trim_check = QCheckBox(self)
        self.trim_check.setObjectName("trimToQuota")
        self.trim_check.hide()
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 12, 8)
        box.addWidget(self.summary)
        box.addWidget(self.quota_message)
        box.addWidget(self.trim_check)

    def sending(self, plan: BroadcastPlan) -> int:
        """How many the plan would actually send to: everyone, or only as many as remain
        this month when the owner ticked the trim option over the quota."""
        return plan.sending(self.trim_check.isChecked())

    def show_summary(self, plan: BroadcastPlan) -> None:
        """Recipients, the cost of what will actually be sent and what remains; over the
        month's limit (not trimmed), how many messages are missing rather than "0 after"."""
        sending = self.sending(plan)
        # One message per recipient per request, whatever the number of bubbles.
        cost = plan.cost if sending == plan.count else sending
        lines = [self.tr("Recipients: %1").replace("%1", format_count(plan.count))]
        if sending != plan.count:
            lines.append(self.tr("Cost: %1 messages (sent to %2 only)").replace(
                "%1", f"{cost:,}").replace("%2", format_count(sending)))
        else:
            lines.append(self.tr("Cost: %1 messages").replace("%1", f"{cost:,}"))
        if plan.quota_remaining is None:
            lines.append(self.tr("This month: no limit on messages"))
        elif cost > plan.quota_remaining:
            lines.append(self.tr("Left this month: %1 messages (%2 short)").replace(
                "%1", f"{plan.quota_remaining:,}").replace(
                "%2", f"{cost - plan.quota_remaining:,}"))
        else:
            lines.append(self.tr("Left this month: %1 messages (%2 after this one)").replace(
                "%1", f"{plan.quota_remaining:,}").replace(
                "%2", f"{plan.quota_remaining - cost:,}"))
        self.summary.setText("    ".join(lines))
        tip = self.tr("Personalised: sent one by one") if plan.personal else self.tr(
            "The same for everyone: sent in batches of up to 500")
        self.summary.setToolTip(tip)

    def show_quota(self, plan: BroadcastPlan | None) -> None:
        """Over the quota: why, and the offer to trim; else neither (and not trimmed)."""
        over = plan is not None and plan.exceeds_quota
        if over and plan is not None:
            remaining = int(plan.quota_remaining or 0)
            self.quota_message.setText(self.tr(
                "This broadcast needs %1 messages but only %2 remain this month, so it cannot "
                "be sent to everyone. Choose fewer customers, or send it only to as many as "
                "remain.").replace("%1", f"{plan.cost:,}").replace("%2", f"{remaining:,}"))
            # The core keeps the first by customer id: the order they joined the book (the
            # owner never sees customer numbers).
            self.trim_check.setText(self.tr(
                "Send it only to the first %1 (oldest registered first); the others are "
                "recorded as not sent").replace("%1", format_count(remaining)))
            self.trim_check.setEnabled(remaining > 0)
        else:
            self.trim_check.setChecked(False)
        self.quota_message.setVisible(over)
        self.trim_check.setVisible(over)
