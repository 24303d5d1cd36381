"""The customer timeline's line for a page message the relay's autopilot sent at once
(``autopilot_sent``, app/autopilot/pages.py), in Japanese as the window shows it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from ui import i18n
from ui.widgets.detail_pane import DetailPane


@pytest.fixture
def japanese(qapp):
    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")
    yield qapp
    i18n.uninstall_translators(qapp)


def test_each_kind_has_its_japanese_line(japanese) -> None:
    pane = DetailPane(None)
    lines = {what: pane.timeline_text("autopilot_sent", {"what": what}, set())
             for what in ("form", "order", "booking", "later")}
    assert lines == {"form": "中継サーバーがフォームのお礼をLINEで送信",
                     "order": "中継サーバーが購入確認をLINEで送信",
                     "booking": "中継サーバーが予約確認をLINEで送信",
                     "later": "中継サーバーがLINEでメッセージを送信"}
    assert QCoreApplication.translate("DetailPane", "The relay sent a message in LINE") \
        == lines["later"]
