"""プライバシー → 旧版に同意した方へお知らせ…: with a second policy version on a real relay,
the button opens the broadcast composer to the segment of those who agreed only to the
first, with the text linking the relay's policy page (pytest-qt)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert

from app.privacy.announce import segment_name
from app.privacy.service import PrivacyService
from app.store.models_privacy import PrivacyConsent
from tests.privacy.test_policy import SHOP
from tests.sync.conftest import (  # noqa: F401  (the fixtures)
    Connected,
    book,
    connected,
    emulator,
    line,
    profile,
    relay,
)


def test_announce_opens_the_composer_to_the_segment(
        connected: Connected, settings: Any, qtbot: Any) -> None:  # noqa: F811

    from ui.broadcast.recipients import Recipients
    from ui.main_window import MainWindow

    book = connected.book  # noqa: F811
    privacy = PrivacyService(book)
    privacy.save_settings(SHOP)
    privacy.publish(now=dt.datetime(2026, 11, 1, 3, 0))
    privacy.upload()
    old = book.customers.create(display_name="旧版に同意")
    with book.db.write() as s:
        s.execute(insert(PrivacyConsent).values(customer_id=old, version=1,
                                                agreed_at=dt.datetime(2026, 11, 2),
                                                source="form:test"))
    window = MainWindow(book, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    win = window.privacy.open_window(0)
    assert win is not None
    page = win.policy
    assert not page.announce_button.isEnabled()  # one version: nothing to tell
    page.lines["contact"].setText("03-0000-1111")
    page.publish()
    qtbot.waitUntil(lambda: page.announce_button.isEnabled(), timeout=20000)
    page.announce_button.click()
    qtbot.waitUntil(lambda: window.broadcasts.composer is not None
                    and window.broadcasts.composer.isVisible(), timeout=20000)
    composer = window.broadcasts.composer
    seg = next(s for s in book.segments.list() if s.name == segment_name(2))
    assert composer.recipients_box.recipients() == Recipients.segment(seg.id)
    text = composer.message.texts()[0]
    assert "第2版" in text and text.endswith(book.line.relay_url.rstrip("/") + "/privacy")
    assert "1" in page.status.text()
    composer.close()
    window.close()
