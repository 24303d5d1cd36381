"""The About dialog names the version and the profile folder of the open book."""

from __future__ import annotations

from app import __version__
from ui.dialogs.about import AboutDialog


def test_shows_version_and_where_things_are_kept(qtbot, seeded) -> None:
    dialog = AboutDialog(None, seeded.profile.root)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert any(label.text() == f"Otokui {__version__}"
               for label in dialog.findChildren(type(dialog.where_label)))
    text = dialog.where_label.text()
    assert str(seeded.profile.root) in text
    assert "book.db" in text and "book.key" in text
    assert dialog.open_folder_button.isEnabled()


def test_a_folder_that_does_not_exist_yet_cannot_be_opened(qtbot, tmp_path) -> None:
    dialog = AboutDialog(None, tmp_path / "<b>not yet</b>")
    qtbot.addWidget(dialog)
    assert not dialog.open_folder_button.isEnabled()
    # A folder name is shown as written, never read as markup.
    assert "&lt;b&gt;not yet&lt;/b&gt;" in dialog.where_label.text()
