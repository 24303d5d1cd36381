"""The detail pane: editing with inline validation, tags, attachments by drop, previews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from app.phones import NOT_JAPANESE
from tests.ui.helpers import drag_and_drop, file_mime, minimal_pdf, write_png
from ui.preview import ImageView, PdfViewer, PreviewWindow
from ui.widgets.attach import AttachDialog
from ui.widgets.detail_pane import ATTACHMENT_ID_ROLE
from ui.widgets.field_editors import PointsHistory


def _pane(window, seeded, who: str = "田中"):
    assert window.select_customer(seeded.customers[who])
    pane = window.content.detail
    assert pane.customer_id == seeded.customers[who]
    return pane


def _type(editor, text: str) -> None:
    """Type into a text editor and finish editing, as leaving the field does."""
    editor.edit.setFocus()
    editor.edit.setText(text)
    editor.edit.editingFinished.emit()


def test_header_and_fields_show_the_customer(window, seeded) -> None:
    pane = _pane(window, seeded)
    assert pane.title.text() == "田中 太郎"
    assert "たろう" in pane.subtitle.text()
    assert pane.status.property("status") == "friend"
    assert pane.builtin["phone"].value() == "090-1234-5678"
    assert pane.custom[seeded.fields["来店回数"]].value() == 12
    assert pane.custom[seeded.fields["会員ランク"]].value() == "ゴールド"
    assert pane.custom[seeded.fields["ポイント"]].value() == 150
    assert [chip.tag_id for chip in pane.tags.chips] == [seeded.tags["VIP"],
                                                          seeded.tags["常連"]]
    assert pane.timeline.count() >= 3
    pane = _pane(window, seeded, "山田")
    assert pane.status.property("status") == "blocked"
    pane = _pane(window, seeded, "佐藤")
    assert pane.status.property("status") == "not_on_line"


def test_a_refused_value_stays_as_typed_with_the_reason(window, seeded) -> None:
    pane = _pane(window, seeded)
    phone = pane.builtin["phone"]
    _type(phone, "12")
    assert phone.has_error and phone.error_label.isVisibleTo(pane)
    assert phone.error_label.text() == NOT_JAPANESE
    assert phone.value() == "12"  # nothing typed is lost
    assert seeded.book.customers.get(seeded.customers["田中"]).phone == "090-1234-5678"
    # A change from elsewhere does not overwrite what the owner is fixing.
    seeded.book.customers.update(seeded.customers["田中"], memo="来店予定あり")
    window.content.events.flush()
    assert phone.value() == "12"
    assert pane.builtin["memo"].value() == "来店予定あり"
    _type(phone, "090-1111-2222")
    assert not phone.has_error
    assert seeded.book.customers.get(seeded.customers["田中"]).phone == "090-1111-2222"


def test_a_refused_value_survives_switching_customers(window, seeded) -> None:
    pane = _pane(window, seeded)
    _type(pane.builtin["email"], "taro at example")
    assert pane.builtin["email"].has_error
    pane = _pane(window, seeded, "山田")
    assert pane.builtin["email"].value() == "" and not pane.builtin["email"].has_error
    pane = _pane(window, seeded, "田中")
    assert pane.builtin["email"].value() == "taro at example"
    assert pane.builtin["email"].has_error


def test_values_are_stored_as_the_core_cleans_them(window, seeded) -> None:
    pane = _pane(window, seeded, "佐藤")
    _type(pane.builtin["postal_code"], "１５００００１")
    assert pane.builtin["postal_code"].value() == "150-0001"
    birthday = pane.builtin["birthday"]
    birthday.edit.setDate(QDate(1990, 5, 17))
    assert seeded.book.customers.get(seeded.customers["佐藤"]).birthday == dt.date(1990, 5, 17)
    birthday.clear()
    assert seeded.book.customers.get(seeded.customers["佐藤"]).birthday is None


def test_custom_field_editors_save_through_the_core(window, seeded) -> None:
    pane = _pane(window, seeded, "佐藤")
    cid, f = seeded.customers["佐藤"], seeded.fields
    pane.custom[f["来店回数"]].spin.setValue(7)
    combo = pane.custom[f["会員ランク"]].combo
    combo.setCurrentIndex(combo.findData("シルバー"))
    combo.activated.emit(combo.currentIndex())
    menu = pane.custom[f["好きなメニュー"]].list
    menu.item(2).setCheckState(Qt.CheckState.Checked)
    menu.item(0).setCheckState(Qt.CheckState.Checked)
    pane.custom[f["記念日"]].edit.setDate(QDate(2026, 11, 29))
    notes = pane.custom[f["備考"]]
    notes.edit.setFocus()
    notes.edit.setPlainText("眉毛カットも希望\n次回は土曜")
    pane.builtin["name"].setFocus()  # leaving the long text saves it
    QApplication.processEvents()
    values = seeded.book.fields.values_of(cid)
    assert values[f["来店回数"]] == 7
    assert values[f["会員ランク"]] == "シルバー"
    assert values[f["好きなメニュー"]] == ["カット", "パーマ"]
    assert values[f["記念日"]] == dt.date(2026, 11, 29)
    assert values[f["備考"]] == "眉毛カットも希望\n次回は土曜"
    spin = pane.custom[f["来店回数"]].spin
    spin.lineEdit().setText("")  # the owner deletes the number
    spin.interpretText()
    assert f["来店回数"] not in seeded.book.fields.values_of(cid)


def test_points_are_added_used_and_have_a_history(window, seeded, qtbot) -> None:
    pane = _pane(window, seeded)
    fid = seeded.fields["ポイント"]
    assert pane.add_points(fid, 50, "来店")
    assert pane.add_points(fid, -30, "割引")
    assert pane.custom[fid].value() == 170
    assert pane.custom[fid].balance.text() == "170 pt"
    dialog = pane.show_points_history(fid, "ポイント")
    assert isinstance(dialog, PointsHistory)
    assert dialog.table.rowCount() == 3
    assert dialog.table.item(0, 1).text() == "-30" and dialog.table.item(0, 2).text() == "割引"
    dialog.close()


def test_tags_are_added_with_completion_and_removed_with_the_cross(window, seeded) -> None:
    pane = _pane(window, seeded, "佐藤")
    completions = pane.tags.names.stringList()
    assert {"VIP", "常連", "新規"} <= set(completions)
    pane.tags.input.setText("新規")
    pane.tags.input.returnPressed.emit()
    pane.tags.input.setText("誕生月")  # a new tag is made on the spot
    pane.tags.input.returnPressed.emit()
    cid = seeded.customers["佐藤"]
    names = {t.id: t.name for t in seeded.book.tags.list()}
    assert sorted(names[t] for t in seeded.book.customers.tag_ids_of(cid)) == ["新規", "誕生月"]
    chip = next(ch for ch in pane.tags.chips if names[ch.tag_id] == "新規")
    chip.remove_button.click()
    assert [names[t] for t in seeded.book.customers.tag_ids_of(cid)] == ["誕生月"]
    assert "新規" in pane.tags.names.stringList()


def _accept_attach_dialog(pane, qtbot) -> None:
    qtbot.waitUntil(lambda: isinstance(pane.last_attach_dialog, AttachDialog)
                    and pane.last_attach_dialog.isVisible(), timeout=2000)
    pane.last_attach_dialog.accept()


def _ciphertexts(seeded) -> list[Path]:
    return sorted(seeded.profile.attachments_dir.glob("*.otk"))


def test_dropping_files_on_the_pane_attaches_them_encrypted(window, seeded, qtbot,
                                                             tmp_path: Path) -> None:
    pane = _pane(window, seeded)
    pdf = tmp_path / "契約書.pdf"
    pdf.write_bytes(minimal_pdf("Contract 2026"))
    mime = file_mime(pdf)
    assert drag_and_drop(pane, mime)
    _accept_attach_dialog(pane, qtbot)
    qtbot.waitUntil(lambda: pane.attachments.count() == 1, timeout=5000)
    att = seeded.book.attachments.list(seeded.customers["田中"])[0]
    assert att.kind == "contract" and att.file_name == "契約書.pdf"
    assert att.labelled_date == dt.date.today()  # a contract carries its date by default
    blobs = _ciphertexts(seeded)
    assert len(blobs) == 1
    stored = blobs[0].read_bytes()
    assert b"%PDF" not in stored and b"Contract 2026" not in stored
    assert "契約書.pdf" in pane.attachments.item(0).text()
    timeline = [pane.timeline.item(i).text() for i in range(pane.timeline.count())]
    assert any(t.endswith("File attached: Contract") for t in timeline)


def test_dropping_a_photo_on_a_table_row_attaches_it_to_that_customer(
        window, seeded, qtbot, tmp_path: Path) -> None:
    png = write_png(tmp_path / "photo.png")
    model, view = window.content.model, window.content.view
    row = model.row_of(seeded.customers["山田"])
    pos = view.visualRect(model.index(row, 1)).center()
    mime = file_mime(png)
    assert drag_and_drop(view.viewport(), mime, pos)
    pane = window.content.detail
    _accept_attach_dialog(pane, qtbot)
    cid = seeded.customers["山田"]
    qtbot.waitUntil(lambda: len(seeded.book.attachments.list(cid)) == 1, timeout=5000)
    att = seeded.book.attachments.list(cid)[0]
    assert att.kind == "photo" and att.mime_type == "image/png"
    assert png.read_bytes()[:8] not in _ciphertexts(seeded)[0].read_bytes()
    # Shown with a thumbnail decrypted in memory once the customer is selected.
    pane = _pane(window, seeded, "山田")
    qtbot.waitUntil(lambda: att.id in pane._thumbs, timeout=5000)
    assert not pane.attachments.item(0).icon().isNull()


def test_drops_that_are_not_files_are_refused(window, seeded, tmp_path: Path) -> None:
    pane = _pane(window, seeded)
    from PySide6.QtCore import QMimeData

    text = QMimeData()
    text.setText("not a file")
    assert not drag_and_drop(pane, text)
    assert pane.attach_files(seeded.customers["田中"], [tmp_path]) is None  # a folder
    assert pane.last_note is not None and pane.last_note.isVisible()
    pane.last_note.close()


def _attach(seeded, qtbot, pane, path: Path, kind: str | None = None) -> int:
    att_id = seeded.book.attachments.add(seeded.customers["田中"], path, kind=kind)
    pane._fill_attachments()
    return att_id


def _select_attachment(pane, att_id: int) -> None:
    for i in range(pane.attachments.count()):
        if pane.attachments.item(i).data(ATTACHMENT_ID_ROLE) == att_id:
            pane.attachments.setCurrentRow(i)


def test_pdf_preview_opens_from_memory(window, seeded, qtbot, tmp_path: Path) -> None:
    pane = _pane(window, seeded)
    pdf = tmp_path / "contract.pdf"
    pdf.write_bytes(minimal_pdf())
    att_id = _attach(seeded, qtbot, pane, pdf)
    pdf.unlink()  # the preview cannot be reading the original file
    before = set(tmp_path.iterdir())
    _select_attachment(pane, att_id)
    pane.open_selected()
    qtbot.waitUntil(lambda: bool(pane.previews), timeout=5000)
    preview = pane.previews[-1]
    assert isinstance(preview, PreviewWindow) and isinstance(preview.viewer, PdfViewer)
    assert preview.viewer.ok and preview.viewer.page_count == 1
    preview.viewer.zoom_in()
    preview.viewer.fit()
    assert set(tmp_path.iterdir()) == before  # no plaintext file appeared
    assert any(e.action == "attachment_opened" for e in seeded.book.audit.entries())
    preview.close()


def test_image_preview_zooms_and_fits(window, seeded, qtbot, tmp_path: Path) -> None:
    pane = _pane(window, seeded)
    att_id = _attach(seeded, qtbot, pane, write_png(tmp_path / "face.png", 400, 300))
    pane.open_attachment(att_id)
    qtbot.waitUntil(lambda: bool(pane.previews), timeout=5000)
    preview = pane.previews[-1]
    viewer = preview.viewer
    assert isinstance(viewer, ImageView)
    assert viewer.item.pixmap().width() == 400
    viewer.actual_size()
    assert viewer.zoom == 1.0
    viewer.zoom_in()
    assert viewer.zoom > 1.0
    viewer.zoom_out()
    viewer.zoom_out()
    assert viewer.zoom < 1.0
    viewer.fit()
    assert viewer.fit_mode
    preview.close()


def test_damaged_or_unknown_files_show_a_message_not_a_crash(qtbot) -> None:
    broken = PreviewWindow(b"%PDF-1.4 garbage", "application/pdf", "broken.pdf")
    qtbot.addWidget(broken)
    assert broken.viewer is None and broken.message.text()
    bad_image = PreviewWindow(b"\x89PNG\r\n\x1a\nnope", "image/png", "bad.png")
    qtbot.addWidget(bad_image)
    assert bad_image.viewer is None
    other = PreviewWindow(b"PK\x03\x04", "application/zip", "a.zip")
    qtbot.addWidget(other)
    assert other.viewer is None


def test_save_copy_edit_and_delete_an_attachment(window, seeded, qtbot,
                                                 tmp_path: Path) -> None:
    pane = _pane(window, seeded)
    source = write_png(tmp_path / "id-card.png")
    att_id = _attach(seeded, qtbot, pane, source, kind="id")
    copy = tmp_path / "out" / "copy.png"
    copy.parent.mkdir()
    op = pane.save_copy(att_id, copy)
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    assert copy.read_bytes() == source.read_bytes()
    assert any(e.action == "attachment_saved" for e in seeded.book.audit.entries())
    pane.update_attachment(att_id, "contract", "契約日", dt.date(2026, 4, 1))
    att = seeded.book.attachments.get(att_id)
    assert (att.kind, att.date_label, att.labelled_date) == ("contract", "契約日",
                                                            dt.date(2026, 4, 1))
    assert "2026年4月1日" in pane.attachments.item(0).text()
    blob = seeded.profile.attachments_dir / att.blob_name
    assert blob.exists()
    pane.delete_attachment(att_id)
    assert not blob.exists() and pane.attachments.count() == 0


def test_attach_dialog_defaults_from_the_file(qtbot, tmp_path: Path) -> None:
    png = write_png(tmp_path / "p.png")
    dialog = AttachDialog(files=[png])
    qtbot.addWidget(dialog)
    assert dialog.kind() == "photo"
    assert dialog.labelled_date() is None  # photos carry no date unless asked
    dialog.date_check.setChecked(True)
    assert dialog.labelled_date() == dt.date.today()
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(minimal_pdf())
    contract = AttachDialog(files=[pdf])
    qtbot.addWidget(contract)
    assert contract.kind() == "contract" and contract.date_label() == "Contract date"


def test_several_files_each_get_their_own_kind(window, seeded, qtbot, tmp_path: Path) -> None:
    """A contract and two photos dropped together: each file its kind (guessed, changeable);
    the combo above sets them all at once."""
    pane = _pane(window, seeded)
    pdf = tmp_path / "契約書.pdf"
    pdf.write_bytes(minimal_pdf())
    photos = [write_png(tmp_path / f"施術{i}.png") for i in range(2)]
    dialog = pane.attach_files(seeded.customers["田中"], [pdf, *photos])
    assert dialog is not None
    assert dialog.kinds() == ["contract", "photo", "photo"]
    assert dialog.kind_combo.currentData() == ""  # "each file as chosen below"
    dialog.file_kinds[1].setCurrentIndex(dialog.file_kinds[1].findData("other"))
    assert dialog.kinds() == ["contract", "other", "photo"]
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("photo"))
    assert dialog.kinds() == ["photo", "photo", "photo"]
    dialog.file_kinds[0].setCurrentIndex(dialog.file_kinds[0].findData("contract"))
    assert dialog.kind_combo.currentData() == ""
    dialog.accept()
    cid = seeded.customers["田中"]
    qtbot.waitUntil(lambda: len(seeded.book.attachments.list(cid)) == 3, timeout=5000)
    kinds = {a.file_name: a.kind for a in seeded.book.attachments.list(cid)}
    assert kinds == {"契約書.pdf": "contract", "施術0.png": "photo", "施術1.png": "photo"}


def test_an_empty_file_is_left_out_and_named(window, seeded, qtbot, tmp_path: Path) -> None:
    pane = _pane(window, seeded)
    empty = tmp_path / "空.pdf"
    empty.write_bytes(b"")
    assert pane.attach_files(seeded.customers["田中"], [empty]) is None
    assert pane.last_note.isVisible() and "空.pdf" in pane.last_note.text()
    pane.last_note.close()
    photo = write_png(tmp_path / "写真.png")
    dialog = pane.attach_files(seeded.customers["田中"], [empty, photo])
    assert dialog is not None and dialog.files == [photo]
    dialog.reject()


def test_every_preview_can_be_closed(qtbot) -> None:
    """Even one that shows only a message (an empty or unreadable file)."""
    from PySide6.QtCore import Qt

    from ui.preview import PreviewWindow

    for data, mime in ((b"", "image/png"), (b"", "application/pdf"),
                       (b"zip", "application/zip")):
        window = PreviewWindow(data, mime, "file")
        qtbot.addWidget(window)
        window.show()
        assert window.close_button.isVisible()
        with qtbot.waitSignal(window.destroyed, timeout=2000):
            qtbot.mouseClick(window.close_button, Qt.MouseButton.LeftButton)
    from tests.ui.test_inbox_support import image_bytes

    image = PreviewWindow(image_bytes(), "image/png", "photo")
    qtbot.addWidget(image)
    image.show()
    assert image.close_button.isVisible() and image.viewer is not None
    image.close()


def test_a_form_answer_shows_in_the_timeline_with_the_forms_title(window, seeded) -> None:
    pane = _pane(window, seeded)
    assert pane.timeline_text("form_answered", {"form": "初回問診票"}, set()) == \
        "Answered the form: 初回問診票"
