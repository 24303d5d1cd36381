"""Settings → LINE: the autopilot switch. Real book; not connected to any relay, so
switching on fails, the switch goes back off and says why (no relay is faked)."""

from __future__ import annotations

from app.book import Book
from ui.dialogs.autopilot_box import AutopilotBox


def test_switch_on_without_a_relay_goes_back_off(book: Book, qtbot) -> None:  # type: ignore[no-untyped-def]
    box = AutopilotBox(book)
    qtbot.addWidget(box)
    assert not box.switch.isChecked()
    box.switch.setChecked(True)
    qtbot.waitUntil(lambda: box.switch.isEnabled(), timeout=30000)
    assert not box.switch.isChecked()
    assert "RELAY_AUTOPILOT_KEY" in box.message.text()
    assert book.settings.get("autopilot.on", False) is False
