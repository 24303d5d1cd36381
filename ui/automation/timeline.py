"""The customer timeline's lines for rules, step sequences and coupons, in the owner's
words ("ルール「あいさつ」でタグ「新規」を追加") instead of the stored kinds
(``rule_action``, ``sequence_step_sent``, ``coupon_used`` …).

Each line is a table entry: its text (``QT_TRANSLATE_NOOP`` with the literal context, so
lupdate finds it) and the data keys that fill %1, %2 … in order."""

from __future__ import annotations

from typing import Any, Final

from PySide6.QtCore import QCoreApplication

from app.i18n import QT_TRANSLATE_NOOP
from ui.automation.sequence_models import stop_label

_CTX: Final = "AutomationTimeline"

# A rule's action (``data["action"]``): its text, filled with the rule's name then these.
_RULE_LINES: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "add_tag": (QT_TRANSLATE_NOOP("AutomationTimeline", "Rule 「%1」 added the tag 「%2」"),
                ("tag",)),
    "remove_tag": (QT_TRANSLATE_NOOP("AutomationTimeline",
                                     "Rule 「%1」 removed the tag 「%2」"), ("tag",)),
    "set_field": (QT_TRANSLATE_NOOP("AutomationTimeline", "Rule 「%1」 set the field 「%2」"),
                  ("field",)),
    "add_points": (QT_TRANSLATE_NOOP("AutomationTimeline",
                                     "Rule 「%1」 added %2 points to 「%3」"),
                   ("points", "field")),
    "send": (QT_TRANSLATE_NOOP("AutomationTimeline", "Rule 「%1」 sent a message"), ()),
    "set_status": (QT_TRANSLATE_NOOP("AutomationTimeline",
                                     "Rule 「%1」 changed the chat's status"), ()),
    "notify": (QT_TRANSLATE_NOOP("AutomationTimeline", "Rule 「%1」 notified you: %2"),
               ("text",)),
    "start_sequence": (QT_TRANSLATE_NOOP("AutomationTimeline",
                                         "Rule 「%1」 started the step sequence 「%2」"),
                       ("sequence",)),
    "stop_sequence": (QT_TRANSLATE_NOOP("AutomationTimeline",
                                        "Rule 「%1」 stopped the step sequence 「%2」"),
                      ("sequence",)),
}
_RULE_ACTED: Final = QT_TRANSLATE_NOOP("AutomationTimeline", "Rule 「%1」 acted")

# The other kinds: their text and the data keys that fill it.
_LINES: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "sequence_started": (QT_TRANSLATE_NOOP("AutomationTimeline",
                                           "Step sequence 「%1」 started"), ("sequence",)),
    "sequence_step_sent": (QT_TRANSLATE_NOOP("AutomationTimeline",
                                             "Step sequence 「%1」: step %2 sent"),
                           ("sequence", "step")),
    "sequence_step_failed": (QT_TRANSLATE_NOOP(
        "AutomationTimeline", "Step sequence 「%1」: step %2 could not be sent"),
        ("sequence", "step")),
    "coupon_issued": (QT_TRANSLATE_NOOP("AutomationTimeline", "Coupon %1 issued (%2)"),
                      ("code", "title")),
    "coupon_used": (QT_TRANSLATE_NOOP("AutomationTimeline", "Coupon %1 used (%2)"),
                    ("code", "title")),
}
_STOPPED_WHY: Final = QT_TRANSLATE_NOOP("AutomationTimeline",
                                        "Step sequence 「%1」 stopped (%2)")
_STOPPED: Final = QT_TRANSLATE_NOOP("AutomationTimeline", "Step sequence 「%1」 stopped")


def _value(data: dict[str, Any], key: str) -> str:
    if key == "points":
        return f"{int(data.get('points', 0)):+,}"
    return str(data.get(key, ""))


def _fill(text: str, *values: Any) -> str:
    text = QCoreApplication.translate(_CTX, text)
    for i, v in enumerate(values, 1):
        text = text.replace(f"%{i}", str(v))
    return text


def rule_action_text(data: dict[str, Any]) -> str:
    text, keys = _RULE_LINES.get(data.get("action", ""), (_RULE_ACTED, ()))
    return _fill(text, data.get("rule", ""), *(_value(data, k) for k in keys))


def timeline_text(kind: str, data: dict[str, Any]) -> str | None:
    """The line for one of these kinds, or None for other kinds."""
    if kind == "rule_action":
        return rule_action_text(data)
    if kind == "sequence_stopped":
        why = stop_label(data.get("reason"))
        seq = data.get("sequence", "")
        return _fill(_STOPPED_WHY, seq, why) if why else _fill(_STOPPED, seq)
    if kind in _LINES:
        text, keys = _LINES[kind]
        return _fill(text, *(_value(data, k) for k in keys))
    return None
