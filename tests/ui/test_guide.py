"""ヘルプ → はじめての方へ: the first-steps guide, in Japanese and English, naming the menus
as the window shows them; the window's title says Otokui once."""

from __future__ import annotations

import re

import pytest

from ui import i18n
from ui.dialogs.guide import GuideDialog, guide_path
from ui.main_window import MainWindow
from ui.resources import resources_dir

STEPS_JA = ("顧客台帳を作る", "CSV", "タグ", "LINEとつなぐ", "チャット", "配信", "バックアップ")
STEPS_EN = ("Create the customer book", "CSV", "tags", "Connect LINE", "Chat", "Broadcast",
            "Back up")


def _plain(text: str) -> str:
    return re.sub(r"\(&\w\)|&", "", text).rstrip("…").strip()


@pytest.fixture
def japanese(qapp):
    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")
    yield qapp
    i18n.uninstall_translators(qapp)


@pytest.mark.qt_log_ignore("This plugin does not support raise", extend=True)
def test_the_help_menu_opens_the_guide_before_about(window: MainWindow, qtbot) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions()
                     if a.menu() is not None and window.act_about in a.menu().actions())
    actions = [a for a in help_menu.actions() if not a.isSeparator()]
    assert actions == [window.act_guide, window.act_about]
    window.act_guide.trigger()
    guide = window._guide
    assert isinstance(guide, GuideDialog) and guide.isVisible()
    assert "LINE" in guide.browser.toPlainText()
    window.act_guide.trigger()  # shown again, not a second window
    assert window._guide is guide
    guide.close()


def test_the_japanese_guide_names_the_menus_as_the_window_does(
        japanese, book, settings, qtbot) -> None:
    win = MainWindow(book, settings)
    qtbot.addWidget(win)
    assert guide_path().name == "first-steps.ja.html"
    guide = GuideDialog(win)
    qtbot.addWidget(guide)
    text = guide.browser.toPlainText()
    for step in STEPS_JA:
        assert step in text, step
    for action in (win.act_import, win.act_settings, win.act_lock, win.act_backup,
                   win.act_fields):
        assert _plain(action.text()) in text, action.text()
    assert guide.windowTitle() == "はじめての方へ"
    assert _plain(win.act_guide.text()) == "はじめての方へ"


def test_the_english_guide(qapp, qtbot) -> None:
    i18n.install_translators(qapp, "en")
    try:
        assert guide_path().name == "first-steps.en.html"
        guide = GuideDialog()
        qtbot.addWidget(guide)
        text = guide.browser.toPlainText()
        for step in STEPS_EN:
            assert step in text, step
    finally:
        i18n.uninstall_translators(qapp)


def test_both_guides_exist_and_keep_the_glossary() -> None:
    from tests.ui.test_vocabulary import glossary

    folder = resources_dir() / "guide"
    ja = (folder / "first-steps.ja.html").read_text(encoding="utf-8")
    assert (folder / "first-steps.en.html").exists()
    assert guide_path("xx").name == "first-steps.en.html"  # a language without a guide
    for term in glossary():
        if term.everywhere:
            assert not [v for v in term.never if v in ja], term


def test_the_window_title_says_otokui_once(window: MainWindow) -> None:
    """The platform adds the application's display name ("— Otokui") to every title."""
    assert "Otokui" not in window.windowTitle()
    assert window.windowTitle() == "Customer book"
