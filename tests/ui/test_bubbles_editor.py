"""The bubbles editor both composers use, on its own: five places shared by texts and
photos, clearing, read-only, where a placeholder goes, and which composer gets the menu."""

from __future__ import annotations

from pathlib import Path

from app.line.send import MAX_BUBBLES
from tests.ui.helpers import write_png
from ui.widgets.bubbles_editor import BubblesEditor


def _editor(qtbot, **options) -> BubblesEditor:
    editor = BubblesEditor(**options)
    qtbot.addWidget(editor)
    return editor


def test_texts_and_photos_share_five_places_and_clearing_frees_them(
        qtbot, tmp_path: Path) -> None:
    editor = _editor(qtbot)
    problems: list[str] = []
    editor.problem.connect(problems.append)
    assert len(editor.editors) == 1 and editor.insert_button is None  # no menu asked for
    for i in range(MAX_BUBBLES - 1):
        assert editor.add_photo(write_png(tmp_path / f"{i}.png"))
    assert editor.full() and editor.add_bubble() is None
    assert not editor.add_bubble_button.isEnabled() and not editor.photo_button.isEnabled()
    assert not editor.add_photo(write_png(tmp_path / "one-more.png"))
    assert problems[-1] == "A message has at most 5 bubbles."
    assert len(editor.bubbles()) == MAX_BUBBLES - 1  # the empty text is not sent
    editor.clear()
    assert editor.texts() == [""] and editor.photos == [] and not editor.has_content()
    # The tools come back once the photos are gone (not only when a text bubble goes).
    assert editor.add_bubble_button.isEnabled() and editor.photo_button.isEnabled()


def test_read_only_keeps_everything_as_it_was(qtbot, tmp_path: Path) -> None:
    editor = _editor(qtbot)
    editor.set_text("一つ目")
    editor.set_text("二つ目", 1)  # adds the bubble it names
    assert editor.add_photo(write_png(tmp_path / "p.png"))
    editor.set_editable(False)
    assert all(e.edit.isReadOnly() and not e.remove.isEnabled() for e in editor.editors)
    assert not editor.add_bubble_button.isEnabled() and not editor.photo_button.isEnabled()
    holder = editor.photo_row.itemAt(0).widget()
    holder.click()  # a stored message's photo stays
    assert len(editor.photos) == 1
    editor.set_editable(True)
    assert editor.add_bubble_button.isEnabled()
    holder.click()
    assert editor.photos == [] and editor.texts() == ["一つ目", "二つ目"]


def test_a_placeholder_goes_where_the_owner_was_writing(qtbot) -> None:
    editor = _editor(qtbot, field_names=lambda: ["来店回数"])
    editor.set_text("こんにちは ")
    editor.add_bubble("またね")
    first = editor.editors[0].edit
    first.moveCursor(first.textCursor().MoveOperation.End)  # the owner is in the first
    editor.fill_insert_menu()
    labels = [a.text() for a in editor.insert_menu.actions() if a.text()]
    assert labels[-1] == "来店回数  {項目:来店回数}"
    next(a for a in editor.insert_menu.actions() if a.text().endswith("{名前}")).trigger()
    assert editor.texts() == ["こんにちは {名前}", "またね"]
