"""お客様 → プライバシー in the main window: disclosure and deletion of one customer
(pytest-qt, the real window on a real book)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any


def test_the_customers_menu_discloses_and_deletes(window: Any, seeded: Any, qtbot: Any,
                                                   tmp_path: Path) -> None:
    privacy = window.privacy
    assert privacy.menu.isEnabled()
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    holder = next(m for m in menus if window.act_delete in m.actions())
    assert privacy.menu.menuAction() in holder.actions()
    cid = seeded.customers["高橋"]
    out = tmp_path / "kaiji.zip"
    op = privacy.disclose(cid, out)
    assert op is not None
    qtbot.waitUntil(lambda: "personal data" in window.statusBar().currentMessage(), timeout=20000)
    with zipfile.ZipFile(out) as z:
        assert "アレルギー: そば" in z.read("summary.html").decode()
    op = privacy.erase(cid, confirm=False)
    assert op is not None
    qtbot.waitUntil(lambda: cid not in _ids(window.book), timeout=20000)
    qtbot.waitUntil(lambda: "deleted on request" in window.statusBar().currentMessage(),
                    timeout=20000)


def _ids(the_book: Any) -> set[int]:
    from sqlalchemy import select

    from app.store.models import Customer
    with the_book.db.read() as s:
        return set(s.scalars(select(Customer.id)))
