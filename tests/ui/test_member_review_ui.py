"""The member-link review queue from the window (販売 → 会員連携の確認, pytest-qt, the real
window on a real book; English source texts): link to the suggested member, to another
customer chosen in the picker, refuse; a wrong choice is said in the dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app.members.importer import import_members
from app.members.linking import TAG_LINKED, LinkRequest, apply_link_request, review_queue
from app.store.models import AuditEntry

FRIEND = "U" + "f" * 32
OTHER = "U" + "e" * 32
MEMBERS = """会員番号,氏名,電話番号,誕生日
M-001,山田 花子,090-1111-2222,1990/04/01
M-002,佐藤 次郎,080-3333-4444,1985-12-24
"""


def test_the_owner_resolves_the_review_queue(window: Any, qtbot: Any, tmp_path: Path) -> None:
    book = window.book
    sales = window.purchases
    assert sales.act_review in sales.menu.actions()
    assert sales.act_review not in window.toolbar.actions()
    f = tmp_path / "members.csv"
    f.write_text(MEMBERS, encoding="utf-8")
    import_members(book, f)
    friend = book.customers.create(line_user_id=FRIEND, display_name="はな")
    apply_link_request(book, LinkRequest("r1", FRIEND, "M-001", phone="09000000000"))
    apply_link_request(book, LinkRequest("r2", OTHER, "M-999", phone="08033334444"))
    apply_link_request(book, LinkRequest("r3", OTHER, "M-001", phone="09000000001"))

    dialog = sales.open_member_review()
    assert dialog is not None and dialog.table.rowCount() == 3
    assert not dialog.refuse_button.isEnabled()
    assert dialog.select_request("r1")
    assert dialog.table.item(0, 4).text() == "山田 花子"  # the suggested member
    assert dialog.table.item(0, 1).text() == "Proof did not match"
    assert dialog.link_suggested.isEnabled()
    dialog.link_suggested.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=5000)
    assert book.customers.get(friend).name == "山田 花子"
    names = {t.id: t.name for t in book.tags.list()}
    assert TAG_LINKED in {names[t] for t in book.customers.tag_ids_of(friend)}

    # r2 names no member: only "another customer" — chosen in the picker.
    assert dialog.select_request("r2")
    assert not dialog.link_suggested.isEnabled()
    picker = dialog.choose_and_link(exec_dialog=False)
    assert picker is not None
    picker.search.setText("M-002")
    assert picker.list.count() == 1
    picker.list.setCurrentRow(0)
    picker.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert picker.result() == QDialog.DialogCode.Accepted and picker.chosen is not None
    assert dialog.link(picker.chosen)
    assert book.customers.get(picker.chosen).line_user_id == OTHER

    # r3: the suggested member is on LINE now (r1): refused in the dialog, kept in the queue.
    assert dialog.select_request("r3")
    assert not dialog.link(friend)
    assert dialog.error.text() != "" and dialog.table.rowCount() == 1
    assert dialog.select_request("r3")
    dialog.refuse_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=5000)
    assert review_queue(book) == []
    with book.db.read() as s:
        actions = [e.action for e in s.query(AuditEntry)]
    assert actions.count("member_review_linked") == 2
    assert actions.count("member_review_refused") == 1
    dialog.close()
