"""The customer timeline's lines for rules, step sequences and coupons, in the owner's
words ("ルール「あいさつ」でタグ「新規」を追加") instead of the stored kinds
(``rule_action``, ``sequence_step_sent``, ``coupon_used`` …)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from ui.automation.sequence_models import stop_label

translate = QCoreApplication.translate


def _fill(text: str, *values: Any) -> str:
    for i, v in enumerate(values, 1):
        text = text.replace(f"%{i}", str(v))
    return text


def rule_action_text(data: dict[str, Any]) -> str:
    rule, action = data.get("rule", ""), data.get("action", "")
    if action == "add_tag":
        return _fill(
            translate("AutomationTimeline", "Rule 「%1」 added the tag 「%2」"),
            rule,
            data.get("tag", ""),
        )
    if action == "remove_tag":
        return _fill(
            translate("AutomationTimeline", "Rule 「%1」 removed the tag 「%2」"),
            rule,
            data.get("tag", ""),
        )
    if action == "set_field":
        return _fill(
            translate("AutomationTimeline", "Rule 「%1」 set the field 「%2」"),
            rule,
            data.get("field", ""),
        )
    if action == "add_points":
        return _fill(
            translate("AutomationTimeline", "Rule 「%1」 added %2 points to 「%3」"),
            rule,
            f"{int(data.get('points', 0)):+,}",
            data.get("field", ""),
        )
    if action == "send":
        return _fill(translate("AutomationTimeline", "Rule 「%1」 sent a message"), rule)
    if action == "set_status":
        return _fill(translate("AutomationTimeline", "Rule 「%1」 changed the chat's status"), rule)
    if action == "notify":
        return _fill(
            translate("AutomationTimeline", "Rule 「%1」 notified you: %2"),
            rule,
            data.get("text", ""),
        )
    if action == "start_sequence":
        return _fill(
            translate("AutomationTimeline", "Rule 「%1」 started the step sequence 「%2」"),
            rule,
            data.get("sequence", ""),
        )
    if action == "stop_sequence":
        return _fill(
            translate("AutomationTimeline", "Rule 「%1」 stopped the step sequence 「%2」"),
            rule,
            data.get("sequence", ""),
        )
    return _fill(translate("AutomationTimeline", "Rule 「%1」 acted"), rule)


def timeline_text(kind: str, data: dict[str, Any]) -> str | None:
    """The line for one of these kinds, or None for other kinds."""
    seq = data.get("sequence", "")
    if kind == "rule_action":
        return rule_action_text(data)
    if kind == "sequence_started":
        return _fill(translate("AutomationTimeline", "Step sequence 「%1」 started"), seq)
    if kind == "sequence_step_sent":
        return _fill(
            translate("AutomationTimeline", "Step sequence 「%1」: step %2 sent"),
            seq,
            data.get("step", ""),
        )
    if kind == "sequence_step_failed":
        return _fill(
            translate("AutomationTimeline", "Step sequence 「%1」: step %2 could not be sent"),
            seq,
            data.get("step", ""),
        )
    if kind == "sequence_stopped":
        why = stop_label(data.get("reason"))
        return (
            _fill(translate("AutomationTimeline", "Step sequence 「%1」 stopped (%2)"), seq, why)
            if why
            else _fill(translate("AutomationTimeline", "Step sequence 「%1」 stopped"), seq)
        )
    if kind == "coupon_issued":
        return _fill(
            translate("AutomationTimeline", "Coupon %1 issued (%2)"),
            data.get("code", ""),
            data.get("title", ""),
        )
    if kind == "coupon_used":
        return _fill(
            translate("AutomationTimeline", "Coupon %1 used (%2)"),
            data.get("code", ""),
            data.get("title", ""),
        )
    return None
