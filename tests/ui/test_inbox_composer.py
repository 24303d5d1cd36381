"""The composer without LINE: the UTF-16 counter, bubbles, photos, templates (定型文)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from app.line.send import MAX_BUBBLES
from tests.ui.test_inbox_support import image_bytes
from ui.inbox.composer import Composer
from ui.inbox.templates_dialog import TemplatesWidget
from ui.photos import MAX_PREVIEW_BYTES, make_preview


def _composer(qtbot, book, cid) -> Composer:
    composer = Composer(book)
    qtbot.addWidget(composer)
    composer.set_customer(cid)
    return composer


def test_utf16_counter_counts_emoji_as_two(qtbot, book, seeded) -> None:
    composer = _composer(qtbot, book, seeded.customers["田中"])
    editor = composer.message.editors[0]
    assert editor.counter.text() == "0 / 5,000"
    assert not composer.send_button.isEnabled()  # nothing to send
    composer.message.set_text("😀あA")
    assert editor.counter.text() == "4 / 5,000"
    composer.message.set_text("👨‍👩‍👧")
    assert editor.counter.text() == "8 / 5,000"
    composer.message.set_text("あ" * 4999 + "😀")
    assert editor.counter.text() == "5,001 / 5,000"
    assert not composer.send_button.isEnabled()  # too long: LINE would refuse it
    composer.message.set_text("あ" * 4998 + "😀")
    assert editor.counter.text() == "5,000 / 5,000"
    assert composer.send_button.isEnabled()


def test_up_to_five_bubbles(qtbot, book, seeded) -> None:
    composer = _composer(qtbot, book, seeded.customers["田中"])
    for _ in range(MAX_BUBBLES + 2):
        composer.message.add_bubble()
    assert len(composer.message.editors) == MAX_BUBBLES
    assert not composer.message.add_bubble_button.isEnabled()
    assert not composer.message.photo_button.isEnabled()
    composer.message.remove_bubble(composer.message.editors[2])
    assert len(composer.message.editors) == MAX_BUBBLES - 1 and \
        composer.message.add_bubble_button.isEnabled()
    composer.message.remove_bubble(composer.message.editors[0])
    composer.message.remove_bubble(composer.message.editors[0])
    composer.message.remove_bubble(composer.message.editors[0])
    composer.message.remove_bubble(composer.message.editors[0])  # the last one stays
    assert len(composer.message.editors) == 1
    # Switching customer starts afresh.
    composer.message.set_text("田中さんへ")
    composer.set_customer(seeded.customers["鈴木"])
    assert composer.message.texts() == [""]


def test_photos_checked_before_sending(qtbot, book, seeded, tmp_path: Path) -> None:
    composer = _composer(qtbot, book, seeded.customers["田中"])
    small = tmp_path / "small.png"
    small.write_bytes(image_bytes())
    assert composer.message.add_photo(small)
    assert composer.message.photos[0].preview is None  # at most 1 MB: its own preview
    assert composer.send_button.isEnabled()
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"GIF89a not a jpeg")
    assert not composer.message.add_photo(fake)
    assert composer.error.text() == "“fake.jpg” is not a JPEG or PNG photo. LINE only takes those."
    truncated = tmp_path / "broken.png"
    truncated.write_bytes(image_bytes()[:40])
    assert not composer.message.add_photo(truncated)
    assert "damaged" in composer.error.text()
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 10_000_001)
    assert not composer.message.add_photo(huge)
    assert "larger than 10 MB" in composer.error.text()
    # A photo over 1 MB gets a JPEG preview of at most 1 MB, made here.
    big = tmp_path / "big.png"
    big.write_bytes(_noisy_png(1400, 1000))
    assert big.stat().st_size > MAX_PREVIEW_BYTES
    assert composer.message.add_photo(big)
    preview = composer.message.photos[-1].preview
    assert preview is not None and len(preview) <= MAX_PREVIEW_BYTES
    assert preview.startswith(b"\xff\xd8\xff")
    assert len(composer.message.photos) == 2
    assert composer.error.isHidden()


def _noisy_png(width: int, height: int) -> bytes:
    import random

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage

    rnd = random.Random(5)
    raw = bytes(rnd.getrandbits(8) for _ in range(width * height * 4))
    image = QImage(raw, width, height, QImage.Format.Format_RGB32).copy()
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(device, "PNG")
    device.close()
    return buffer.data()


def test_make_preview_refuses_what_is_not_an_image() -> None:
    import pytest

    with pytest.raises(ValueError):
        make_preview(b"not an image at all")


def test_dropping_a_photo_adds_it(qtbot, book, seeded, tmp_path: Path) -> None:
    composer = _composer(qtbot, book, seeded.customers["田中"])
    composer.show()
    photo = tmp_path / "drop.png"
    photo.write_bytes(image_bytes())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo)), QUrl.fromLocalFile(str(tmp_path / "x.txt"))])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(composer, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(composer, drop)
    assert [i.path.name for i in composer.message.photos] == ["drop.png"]


def test_templates_insert_rendered_text_and_warn(qtbot, book, seeded) -> None:
    composer = _composer(qtbot, book, seeded.customers["田中"])
    composer.insert_template("{名前}様、ご予約ありがとうございます。")
    assert composer.message.texts() == ["田中 太郎様、ご予約ありがとうございます。"]
    assert composer.notice.isHidden()
    composer.message.set_text("")
    composer.insert_template("{名まえ}様 {ふりがな}")
    assert composer.message.texts()[0].startswith("{名まえ}様")
    assert composer.notice.text() == "Not recognised, left as written: {名まえ}"
    book.templates.create("お礼", "ありがとうございました。")
    composer._fill_templates()
    titles = [a.text() for a in composer.template_menu.actions()]
    assert titles[0] == "お礼" and titles[-1] == "Manage templates…"


def test_templates_editor_adds_edits_reorders_and_deletes(qtbot, book) -> None:
    editor = TemplatesWidget(book)
    qtbot.addWidget(editor)
    editor.new()
    editor.title.setText("お礼")
    editor.text.setPlainText("{名前}様、ありがとうございました。")
    first = editor.save()
    editor.new()
    editor.title.setText("休業日")
    editor.text.setPlainText("{field:休業日}はお休みです")
    second = editor.save()
    assert editor.warning.text() == "Not recognised: {field:休業日} (stays as written)"
    assert [t.title for t in book.templates.list()] == ["お礼", "休業日"]
    editor.move_selected(-1)
    assert [t.id for t in book.templates.list()] == [second, first]
    editor.title.setText("定休日")
    editor.save()
    assert book.templates.get(second).title == "定休日"
    editor.new()
    editor.title.setText("")
    editor.text.setPlainText("")
    assert editor.save() is None and editor.error.text()  # the core's refusal, in words
    editor.reload(select=first)
    editor.delete()
    assert [t.id for t in book.templates.list()] == [second]


def test_settings_chat_tab_applies_with_ok(qtbot, book, settings) -> None:
    from ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(book, settings)
    qtbot.addWidget(dialog)
    tab = dialog.inbox_tab
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "Chat"
    assert tab.notify.isChecked() and tab.hide_content.isChecked()  # hidden by default
    tab.hide_content.setChecked(False)
    tab.read_on_line.setChecked(True)
    tab.templates.title.setText("お礼")
    tab.templates.text.setPlainText("ありがとうございました。")
    tab.templates.save()  # templates are saved as they are edited
    assert [t.title for t in book.templates.list()] == ["お礼"]
    assert settings.notify_hide_content  # switches wait for OK
    dialog.accept()
    assert not settings.notify_hide_content and book.sending.mark_read_on_line_enabled()


def test_japanese_words(qtbot, qapp, book, seeded) -> None:
    from ui import i18n
    from ui.inbox.texts import status_label

    i18n.install_translators(qapp, "ja")
    composer = _composer(qtbot, book, seeded.customers["田中"])
    assert composer.send_button.text() == "プッシュ送信（月の通数を使います）"
    composer.closes_at_ms = int((composer.clock() + 38.5) * 1000)
    assert composer.send_text() == "無料で返信できます あと 38 秒"
    assert [status_label(s) for s in ("open", "in_progress", "done")] == [
        "未対応", "対応中", "対応済み"]
    from app.line.send.errors import SendQuotaError
    from ui.inbox.texts import failure_words

    words = failure_words("send-quota", SendQuotaError.message)
    assert words and "This month" not in words and "Replies" not in words
    refused = failure_words("send-refused", "LINE refused the message; it was not sent. "
                            "(messages[0].text: Length must be between 0 and 5000)")
    # LINE's own reason stays as LINE wrote it; the sentence around it is Japanese.
    assert "LINE refused" not in refused
    assert "(messages[0].text: Length must be between 0 and 5000)" in refused


def test_no_sending_to_customers_off_line_or_blocking(qtbot, book, seeded) -> None:
    composer = _composer(qtbot, book, seeded.customers["佐藤"])  # not a LINE friend
    composer.message.set_text("こんにちは")
    assert composer.blocked_note.text() == ("This customer is not a LINE friend: messages "
                                            "cannot be sent.")
    assert not composer.send_button.isEnabled()
    composer.set_customer(seeded.customers["山田"])  # blocked the shop
    composer.message.set_text("こんにちは")
    assert "blocked" in composer.blocked_note.text() and not composer.send_button.isEnabled()
    composer.set_customer(seeded.customers["田中"])
    composer.message.set_text("こんにちは")
    assert composer.blocked_note.isHidden() and composer.send_button.isEnabled()


def test_a_text_over_the_limit_says_why_and_splits_into_bubbles(qtbot, book, seeded) -> None:
    """Over 5,000 the owner is told why sending is off, and the text splits at line ends
    into bubbles (the bubbles after it moving down)."""
    composer = _composer(qtbot, book, seeded.customers["田中"])
    composer.show()
    lines = "\n".join(f"{i}行目のご案内です。" * 20 for i in range(60))  # about 12,000
    composer.message.set_text(lines)
    composer.message.add_bubble("追伸です")
    editor = composer.message.editors[0]
    assert not composer.send_button.isEnabled()
    assert editor.too_long.isVisible() and "5,000" in editor.too_long.text()
    assert editor.split_button.isVisible()
    assert editor.split_button.text() == "Split into 3 bubbles"
    qtbot.mouseClick(editor.split_button, Qt.MouseButton.LeftButton)
    texts = composer.message.texts()
    assert len(texts) == 4 and texts[-1] == "追伸です"
    assert "\n".join(texts[:3]) == lines
    assert all(e.units() <= 5000 for e in composer.message.editors)
    assert not any(e.too_long.isVisible() for e in composer.message.editors)
    assert composer.send_button.isEnabled()


def test_a_text_that_does_not_fit_in_the_bubbles_left_is_not_split(
        qtbot, book, seeded, tmp_path: Path) -> None:
    composer = _composer(qtbot, book, seeded.customers["田中"])
    composer.show()
    for i in range(3):
        composer.message.add_bubble(f"{i}")
    composer.message.set_text("あ" * 12_000)  # needs 3 bubbles; 2 places are left
    editor = composer.message.editors[0]
    assert editor.too_long.isVisible() and not editor.split_button.isVisible()
    assert "shorten it" in editor.too_long.text()
    composer.message.remove_bubble(composer.message.editors[-1])  # now 3 fit
    assert editor.split_button.isVisible()


def test_the_long_text_note_in_japanese(qtbot, qapp, book, seeded) -> None:
    from ui import i18n

    i18n.install_translators(qapp, "ja")  # the conftest fixture removes it afterwards
    composer = _composer(qtbot, book, seeded.customers["田中"])
    composer.message.set_text("お知らせです。\n" * 1000)
    editor = composer.message.editors[0]
    assert editor.too_long.text() == (
        "LINEで送れる吹き出しは5,000文字までです。この吹き出しは8,000文字あります。"
        "短くするか、改行や文の区切りで吹き出しに分けてください。")
    assert editor.split_button.text() == "2つの吹き出しに分ける"
