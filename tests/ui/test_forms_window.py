"""The フォーム window: the list, the builder (items, checks next to the item, nothing typed
lost), publishing against a real relay, links, the QR code, answers applied through the
core shown in the responses view, a pending answer assigned, the CSV export."""

from __future__ import annotations

import csv
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.book import Book
from app.forms.apply import apply_form_answer
from app.sync.pairing import connect
from relay.forms.items import AnswerItem
from tests.sync.conftest import line, relay  # noqa: F401  (fixtures: a real relay, LINE)
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET
from tests.ui.conftest import Seed
from ui.forms.models import FormListModel
from ui.forms.window import FormsWindow

QUESTIONNAIRE: dict[str, Any] = {
    "title": "初回問診票", "tags_on_answer": ["問診票回答済み"],
    "items": [
        {"key": "name", "type": "name", "label": "お名前", "required": True, "to": "name"},
        {"key": "phone", "type": "phone", "label": "電話番号", "required": True,
         "to": "phone"},
        {"key": "concern", "type": "choice", "multiple": True, "label": "気になること",
         "choices": [{"label": "くせ毛", "tags": ["くせ毛"]}, "白髪"]},
        {"key": "note", "type": "long_text", "label": "ご要望"}]}

_timers: list[QTimer] = []


def click_in_next_box(choose: Callable[[QMessageBox], Any]) -> list[str]:
    """Once the next message box shows, click the button ``choose`` picks; its texts."""
    seen: list[str] = []
    timer = QTimer()

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            timer.stop()
            seen.append(box.text())
            choose(box).click()

    timer.timeout.connect(look)
    timer.start(20)
    _timers.append(timer)
    return seen


@pytest.fixture
def forms(book: Book, qtbot) -> Iterator[FormsWindow]:
    win = FormsWindow(book)
    win.show()
    qtbot.waitExposed(win)
    yield win
    # Closed here, not by qtbot (whose close comes first and would ask about unsaved edits).
    win.builder.revert()
    win.release()
    win.close()
    win.deleteLater()


def public_answer(form_id: str, version: int, fields: dict[str, list[str]]) -> AnswerItem:
    return AnswerItem(secrets.token_hex(16), form_id, version, int(time.time() * 1000),
                      {"kind": "public"}, fields, {})


def test_the_list_and_answers_models_pass_the_model_tester(book: Book, forms: FormsWindow,
                                                          qtmodeltester) -> None:
    info = book.forms.create(QUESTIONNAIRE)
    book.forms.publish(info.id)
    apply_form_answer(book, public_answer(info.form_id, 1, {
        "name": ["新井 さくら"], "phone": ["070-1111-2222"]}))
    forms.refresh()
    qtmodeltester.check(forms.model, force_py=True)
    forms.select_form(info.id)
    forms.responses.load(info.id)
    assert forms.responses.model.rowCount() == 1
    qtmodeltester.check(forms.responses.model, force_py=True)
    empty = FormListModel()
    qtmodeltester.check(empty, force_py=True)


def test_new_form_built_item_by_item_and_saved(book: Book, forms: FormsWindow, qtbot) -> None:
    pk = forms.new_form()
    assert pk is not None
    b = forms.builder
    assert forms.model.rowCount() == 1
    assert forms.model.index(0, 1).data() == "Draft"
    b.title_edit.setText("ご来店アンケート")
    b.description_edit.setPlainText("ご協力ください")
    # The starter item becomes the customer's name.
    b.items_list.setCurrentRow(0)
    b.label_edit.setText("お名前")
    b.required_check.setChecked(True)
    b.to_combo.setCurrentIndex(b.to_combo.findData("name"))
    # A choice with tags per choice.
    b.add_item("choice")
    b.label_edit.setText("気になること")
    b.multiple_check.setChecked(True)
    b.choices_table.item(0, 0).setText("くせ毛")
    b.choices_table.item(0, 1).setText("くせ毛、髪質")
    b.add_choice()
    b.choices_table.item(1, 0).setText("白髪")
    b.choices_table.item(1, 2).setText("新規")
    # A number into a custom field of the same type, kept when filled already.
    b.add_item("number")
    b.label_edit.setText("ご来店回数")
    b.min_number.setText("0")
    b.integer_check.setChecked(True)
    assert b.to_combo.findData("field:来店回数") >= 0
    assert b.to_combo.findData("field:記念日") < 0  # a date field: not for a number
    b.to_combo.setCurrentIndex(b.to_combo.findData("field:来店回数"))
    b.overwrite_combo.setCurrentIndex(1)
    # Moved up above the choice.
    b.move_item(-1)
    # Settings.
    b.tabs.setCurrentIndex(1)
    b.one_answer_check.setChecked(True)
    b.max_answers.setValue(50)
    b.thank_you_edit.setPlainText("ありがとうございました")
    b.tags_edit.setText("アンケート回答, 来店")
    assert b.error is None, b.error
    assert b.dirty
    assert b.save()
    saved = book.forms.get(pk).draft
    assert saved.title == "ご来店アンケート"
    assert [i.label for i in saved.items] == ["お名前", "ご来店回数", "気になること"]
    visits = saved.items[1]
    assert (visits.to, visits.overwrite, visits.integer, visits.min) == \
        ("field:来店回数", True, True, 0)
    concern = saved.items[2]
    assert concern.multiple
    assert [(c.label, c.tags, c.remove_tags) for c in concern.choices] == [
        ("くせ毛", ("くせ毛", "髪質"), ()), ("白髪", (), ("新規",))]
    assert saved.items[0].to == "name" and saved.items[0].required
    assert (saved.one_answer_per_friend, saved.max_answers, saved.thank_you) == \
        (True, 50, "ありがとうございました")
    assert saved.tags_on_answer == ("アンケート回答", "来店")
    assert not b.dirty
    # The preview shows the items in order.
    b.refresh_preview()
    assert b.preview.shown_labels == ["お名前", "ご来店回数", "気になること"]
    # Removing an item.
    b.items_list.setCurrentRow(1)
    b.remove_item()
    assert [i["label"] for i in b.items] == ["お名前", "気になること"]


def test_a_check_that_fails_is_shown_next_to_the_item_and_nothing_typed_is_lost(
        book: Book, forms: FormsWindow) -> None:
    info = book.forms.create(QUESTIONNAIRE)
    forms.refresh()
    forms.select_form(info.id)
    b = forms.builder
    b.items_list.setCurrentRow(2)
    b.add_choice()
    b.choices_table.item(2, 0).setText("くせ毛")  # a choice twice
    assert b.error is not None and b.error[0] == 2
    assert b.item_error.isVisibleTo(b)
    assert "くせ毛" in b.item_error.text()
    assert b.items_list.item(2).text().startswith("⚠")
    # Saving is refused; the draft in the book is unchanged and the builder keeps it all.
    assert not b.save()
    assert len(book.forms.get(info.id).draft.items[2].choices) == 2
    assert [b._cell(r, 0) for r in range(3)] == ["くせ毛", "白髪", "くせ毛"]
    # Another item chosen: the error stays named at the bottom, with its question.
    b.items_list.setCurrentRow(0)
    assert not b.item_error.isVisibleTo(b)
    assert "気になること" in b.form_error.text()
    # Save goes back to the item at fault.
    assert not b.save()
    assert b.current_index() == 2
    b.choices_table.item(2, 0).setText("抜け毛")
    assert b.error is None
    assert b.save()
    assert [c.label for c in book.forms.get(info.id).draft.items[2].choices] == \
        ["くせ毛", "白髪", "抜け毛"]


def test_checks_are_translated(book: Book, forms: FormsWindow, qapp) -> None:
    from ui import i18n

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")
    info = book.forms.create(QUESTIONNAIRE)
    forms.refresh()
    forms.select_form(info.id)
    b = forms.builder
    b.items_list.setCurrentRow(3)
    b.min_length.setValue(50)
    b.max_length.setValue(10)
    assert b.item_error.text() == "最短の文字数が最長より大きくなっています。"
    b.max_length.setValue(0)
    b.label_edit.setText("")
    assert b.item_error.text() == "質問が空です。"
    b.revert()


def test_a_new_form_asks_before_dropping_unsaved_edits(book: Book, forms: FormsWindow) -> None:
    info = book.forms.create(QUESTIONNAIRE)
    forms.refresh()
    forms.select_form(info.id)
    forms.builder.title_edit.setText("書きかけ")
    seen = click_in_next_box(lambda box: box.button(QMessageBox.StandardButton.Cancel))
    assert forms.new_form() is None
    assert seen == ["This form has changes that are not saved."]
    assert forms.builder.title_edit.text() == "書きかけ"
    assert len(book.forms.list()) == 1
    click_in_next_box(lambda box: box.button(QMessageBox.StandardButton.Save))
    assert forms.new_form() is not None
    assert book.forms.get(info.id).title == "書きかけ"


def test_duplicate_and_delete_asks_first(book: Book, forms: FormsWindow) -> None:
    info = book.forms.create(QUESTIONNAIRE)
    forms.refresh()
    forms.select_form(info.id)
    copy_pk = forms.duplicate()
    assert copy_pk is not None
    assert book.forms.get(copy_pk).title == "初回問診票 (copy)"
    assert forms.current_pk() == copy_pk
    click_in_next_box(lambda box: box.button(QMessageBox.StandardButton.Cancel))
    assert not forms.delete_form()
    assert len(book.forms.list()) == 2
    seen = click_in_next_box(lambda box: next(
        b for b in box.buttons()
        if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole))
    assert forms.delete_form()
    assert seen == ["Delete the form \u201c初回問診票 (copy)\u201d?"]
    assert [f.id for f in book.forms.list()] == [info.id]


def test_publish_without_a_relay_records_the_version_and_says_what_to_do(
        book: Book, forms: FormsWindow, qtbot) -> None:
    info = book.forms.create(QUESTIONNAIRE)
    forms.refresh()
    forms.select_form(info.id)
    forms.builder.title_edit.setText("初回問診票（改）")
    op = forms.publish()
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: "Version 1 is recorded" in forms.status.text())
    assert "not connected to LINE" in forms.status.text()
    got = book.forms.get(info.id)
    assert (got.published_version, got.relay_version, got.title) == (1, None, "初回問診票（改）")
    # No relay address: the link buttons say so instead of making a link.
    seen = click_in_next_box(lambda box: box.button(QMessageBox.StandardButton.Ok))
    assert forms.copy_public_link() is None
    assert seen == ["Form links need the shop's relay, and this book is not connected to "
                    "one."]


def test_publish_against_a_real_relay_then_links_and_qr(
        seeded: Seed, forms: FormsWindow, relay, line, qtbot, tmp_path: Path) -> None:  # noqa: F811
    book = seeded.book
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url)
    info = book.forms.create(QUESTIONNAIRE)
    forms.refresh()
    forms.select_form(info.id)
    assert not forms.copy_link_button.isEnabled()  # nothing published yet
    op = forms.publish()
    assert op is not None
    qtbot.waitUntil(lambda: "Published as version 1" in forms.status.text(), timeout=10_000)
    assert book.forms.get(info.id).relay_version == 1
    published = relay.service.forms.get(info.form_id)
    assert published is not None and published.version == 1
    assert published.definition.title == "初回問診票"
    row = forms.model.row_of(info.id)
    assert forms.model.index(row, 1).data() == "Published"
    assert forms.model.index(row, 3).data() == "v1"
    assert forms.copy_link_button.isEnabled()

    url = forms.copy_public_link()
    assert url == f"{relay.base_url}/f/{info.form_id}"
    assert QApplication.clipboard().text() == url
    # A per-friend link for a LINE friend; none for a customer who is not one.
    friend = forms.friend_link(seeded.customers["田中"])
    assert friend is not None and friend.startswith(f"{relay.base_url}/f/{info.form_id}/")
    assert forms.friend_link(seeded.customers["佐藤"]) is None
    assert "not a LINE friend" in forms.status.text()
    assert forms.friend_link(None) is None
    # The QR code: a PNG that reads back as the public link.
    png = tmp_path / "qr.png"
    assert forms.save_qr_to(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert not image.isNull() and image.width() == image.height() >= 200
    import segno

    expected = segno.make(url, error="m", micro=False)
    assert image.width() == (expected.symbol_size(scale=12, border=4))[0]
    # An edit published again is version 2 on the relay.
    forms.builder.title_edit.setText("初回問診票 2")
    forms.publish()
    qtbot.waitUntil(lambda: "Published as version 2" in forms.status.text(), timeout=10_000)
    assert relay.service.forms.get(info.form_id).version == 2


def test_publish_when_the_relay_is_unreachable_keeps_the_version(
        seeded: Seed, forms: FormsWindow, relay, line, qtbot) -> None:  # noqa: F811
    book = seeded.book
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url)
    info = book.forms.create(QUESTIONNAIRE)
    forms.refresh()
    forms.select_form(info.id)
    relay.stop()
    forms.publish()
    qtbot.waitUntil(lambda: "could not be put on the relay" in forms.status.text(),
                    timeout=30_000)
    assert "The relay cannot be reached." in forms.status.text()
    got = book.forms.get(info.id)
    assert (got.published_version, got.relay_version) == (1, None)


def test_answers_applied_through_the_core_show_in_the_responses_view(
        seeded: Seed, forms: FormsWindow, qtbot, tmp_path: Path) -> None:
    book = seeded.book
    info = book.forms.create(QUESTIONNAIRE)
    book.forms.publish(info.id)
    forms.refresh()
    forms.select_form(info.id)
    forms.tabs.setCurrentWidget(forms.responses)
    view = forms.responses
    assert view.model.rowCount() == 0
    # As the main window's integration does: the book's news reach the forms window.
    from ui.book_events import BookEvents

    events = BookEvents(book, forms)
    events.changed.connect(lambda kinds, _ids: forms.book_changed(kinds))
    # 田中's phone: matched to 田中.
    first = apply_form_answer(book, public_answer(info.form_id, 1, {
        "name": ["田中 太郎"], "phone": ["090-1234-5678"], "concern": ["くせ毛"],
        "note": ["前髪は短めに"]}))
    assert first.status == "applied"
    # Two customers share a phone number: the answer waits for the owner.
    other = book.customers.create(name="田中 次郎", phone="03-9999-0000")
    book.customers.create(name="田中 三郎", phone="03-9999-0000")
    second = apply_form_answer(book, public_answer(info.form_id, 1, {
        "name": ["田中"], "phone": ["03-9999-0000"]}))
    assert second.status == "pending"
    # The window follows the book by itself.
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    rows = {view.model.index(r, 2).data(): view.model.index(r, 1).data() for r in range(2)}
    assert rows == {"Applied": "田中 太郎", "Waiting for you": "Not matched"}
    assert "1 to decide" in forms.model.index(forms.model.row_of(info.id), 2).data()
    # One answer in full.
    view.table.selectRow(view.model.row_of(first.answer_id))
    text = view.detail.toPlainText()
    assert "前髪は短めに" in text and "くせ毛" in text and "090-1234-5678" in text
    assert not view.pending_box.isVisibleTo(view)
    # The pending one: choose the customer.
    view.table.selectRow(view.model.row_of(second.answer_id))
    assert view.pending_box.isVisibleTo(view)
    assert view.candidates.count() == 3  # two candidates and "a new customer"
    view.candidates.setCurrentIndex(view.candidates.findData(other))
    with qtbot.waitSignal(view.assigned, timeout=10_000) as got:
        view.assign_current()
    assert got.args == [second.answer_id]
    assert book.forms.answer(second.answer_id).status == "applied"
    assert book.forms.answer(second.answer_id).customer_id == other
    qtbot.waitUntil(lambda: view.model.index(view.model.row_of(second.answer_id), 1).data()
                    == "田中 次郎")
    names = {t.id: t.name for t in book.tags.list()}
    assert "問診票回答済み" in {names[t] for t in book.customers.tag_ids_of(other)}
    # CSV export, audited.
    path = tmp_path / "answers.csv"
    with qtbot.waitSignal(view.exported, timeout=10_000) as exported:
        view.export_to(path)
    assert exported.args == [2]
    with open(path, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert len(table) == 3 and "お名前" in table[0]
    assert "2 answers were written to answers.csv." in view.status.text()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_window_opens_from_the_main_window_menu(window, qtbot) -> None:
    act = window.findChild(type(window.forms.act_forms), "actForms")
    assert act is not None and act.isEnabled()
    assert act in window.toolbar.actions()
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus.index("F&orms") == menus.index("&Broadcasts") + 1
    act.trigger()
    forms = window.forms.forms_window
    assert forms is not None and forms.isVisible()
    assert forms.windowFlags() & Qt.WindowType.Window
    # A lock keeps unsaved edits and puts them back after unlocking.
    pk = forms.new_form()
    assert pk is not None
    forms.builder.title_edit.setText("ロック前の書きかけ")
    book = window.book
    window.forms.teardown()
    assert window.forms.forms_window is None
    window.forms.build(book, window.content.events)
    forms = window.forms.forms_window
    assert forms is not None
    assert forms.builder.title_edit.text() == "ロック前の書きかけ"
    assert forms.builder.dirty
    forms.builder.revert()
