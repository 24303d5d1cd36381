"""The rule editor's send row with photos: added through the photo dialog, saved through
RuleService (checked, stored encrypted), shown again when the rule is opened, removed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from app.automation.service import RuleService
from tests.automation.test_rule_photos import png
from ui.automation import editor as editor_module
from ui.automation.window import RulesWindow


def _tiny_png(path: Path) -> Path:
    image = QImage(8, 6, QImage.Format.Format_RGB32)
    image.fill(QColor("#E0A030"))
    assert image.save(str(path), "PNG")
    return path


def _window(book, qtbot) -> RulesWindow:
    win = RulesWindow(book, selected_customer=lambda: None)
    qtbot.addWidget(win)
    win.show()
    return win


def test_a_photo_added_in_the_editor_is_saved_with_the_rule(book, qtbot, tmp_path,
                                                            monkeypatch) -> None:
    photo = _tiny_png(tmp_path / "クーポン.png")
    monkeypatch.setattr(editor_module, "ask_photo_paths", lambda _parent: [photo])
    win = _window(book, qtbot)
    ed = win.editor
    ed.name.setText("クーポン配布")
    row = ed.rows()[0]
    row.kind.setCurrentIndex(row.kind.findData("send"))
    row.text.setPlainText("友だち追加ありがとうございます")
    assert not row.photos.list.isVisible()
    qtbot.mouseClick(row.photos.add_button, Qt.MouseButton.LeftButton)
    assert row.photos.list.count() == 1 and row.photos.list.isVisible()
    assert row.photos.list.item(0).text() == "クーポン.png"
    rid = win.save()
    assert rid is not None, ed.problem.text()
    (action,) = RuleService(book).get(rid).spec["then"]
    (stored,) = action["images"]
    assert stored["name"] == "クーポン.png" and stored["type"] == "image/png"
    assert book.attachments.blob_path(stored["blob"]).is_file()

    # Opened again: the photo is listed; saved unchanged it stays; removed, it goes.
    ed.load("クーポン配布", False, RuleService(book).get(rid).spec)
    row = ed.rows()[0]
    assert row.photos.list.count() == 1
    assert win.save() == rid
    assert RuleService(book).get(rid).spec["then"][0]["images"] == [stored]
    row.photos.list.setCurrentRow(0)
    qtbot.mouseClick(row.photos.remove_button, Qt.MouseButton.LeftButton)
    assert row.photos.list.count() == 0
    assert win.save() == rid
    assert "images" not in RuleService(book).get(rid).spec["then"][0]
    assert not book.attachments.blob_path(stored["blob"]).exists()


def test_a_file_that_is_not_a_photo_is_refused_in_the_owners_words(book, qtbot, tmp_path,
                                                                   monkeypatch) -> None:
    memo = tmp_path / "memo.png"
    memo.write_text("写真ではありません", encoding="utf-8")
    big = tmp_path / "big.png"
    big.write_bytes(png(pad=1_100_000))
    chosen: list[Path] = [memo]
    monkeypatch.setattr(editor_module, "ask_photo_paths", lambda _parent: chosen)
    win = _window(book, qtbot)
    ed = win.editor
    ed.name.setText("写真")
    row = ed.rows()[0]
    row.kind.setCurrentIndex(row.kind.findData("send"))
    row.photos.add_button.click()
    assert win.save() is None
    assert "JPEG and PNG" in ed.problem.text()
    row.photos.list.setCurrentRow(0)
    row.photos.remove_button.click()
    chosen[:] = [big]
    row.photos.add_button.click()
    assert win.save() is None
    assert "at most 1 MB" in ed.problem.text()
    assert RuleService(book).list() == []
    assert not book.attachments.folder.exists() or not any(
        book.attachments.folder.iterdir())


def test_the_photo_row_speaks_japanese(book, qtbot, qapp, tmp_path, monkeypatch) -> None:
    from ui import i18n

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")
    monkeypatch.setattr(editor_module, "ask_photo_paths",
                        lambda _parent: [tmp_path / "a.png"] * 6)
    (tmp_path / "a.png").write_bytes(png())
    win = _window(book, qtbot)
    row = win.editor.rows()[0]
    row.kind.setCurrentIndex(row.kind.findData("send"))
    assert row.photos.add_button.text() == "写真を追加…"
    win.editor.name.setText("写真6枚")
    row.photos.add_button.click()  # six photos, no text: one bubble too many
    assert win.save() is None
    assert win.editor.problem.text().startswith("1回のメッセージは吹き出し5つまでです")
