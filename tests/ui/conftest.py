"""Fixtures for the desktop UI tests (pytest-qt, offscreen).

``QT_QPA_PLATFORM=offscreen`` is set before any QApplication exists. Every test gets an
in-memory keyring (the OS password store is never touched, and cannot hang a test), a
fresh passphrase-mode book with a few Japanese customers, tags in folders and custom
fields of each kind, and preferences in an ini file of its own.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QSettings

from app.book import Book
from app.profile import Profile
from tests.support.keyrings import MemoryKeyring
from ui.settings import Settings

PASSPHRASE = "correct horse battery"
#: What the offscreen platform itself says when a top-level window is shown: a limit of
#: the test platform, not a fault of ours (every other Qt warning still fails a test).
OFFSCREEN_NOISE = (r"This plugin does not support propagateSizeHints\(\)",)
_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE, extend=True))


@dataclass
class Seed:
    """The seeded book and the ids of what was put in it, by name."""

    book: Book
    profile: Profile
    passphrase: str
    customers: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    folders: dict[str, int] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=dict)


def _line_id(n: int) -> str:
    return "U" + f"{n:032x}"


def seed_book(book: Book, profile: Profile) -> Seed:
    seed = Seed(book=book, profile=profile, passphrase=PASSPHRASE)
    c = book.customers
    seed.customers["田中"] = c.create(
        name="田中 太郎", furigana="タナカ タロウ", display_name="たろう",
        phone="090-1234-5678", email="taro@example.jp", line_user_id=_line_id(1),
        followed_at=dt.datetime(2026, 4, 1, 10, 0))
    seed.customers["山田"] = c.create(
        name="山田 花子", furigana="ヤマダ ハナコ", display_name="はなこ",
        phone="03-1111-2222", line_user_id=_line_id(2),
        followed_at=dt.datetime(2025, 12, 24, 9, 30), blocked_at=dt.datetime(2026, 2, 1))
    seed.customers["佐藤"] = c.create(name="佐藤 健", furigana="サトウ ケン",
                                      phone="080-5555-0000")
    seed.customers["鈴木"] = c.create(
        name="鈴木 一郎", furigana="スズキ イチロウ", display_name="いちろう",
        line_user_id=_line_id(3), followed_at=dt.datetime(2026, 6, 15, 18, 0))
    seed.customers["高橋"] = c.create(name="高橋 美咲", furigana="タカハシ ミサキ",
                                      memo="アレルギー: そば")
    t = book.tags
    seed.folders["来店"] = t.create_folder("来店")
    seed.tags["VIP"] = t.create("VIP", folder_id=seed.folders["来店"], color="#EA4335")
    seed.tags["常連"] = t.create("常連", folder_id=seed.folders["来店"], color="#34A853")
    seed.tags["新規"] = t.create("新規", color="#4C8BF5")
    t.add([seed.customers["田中"], seed.customers["山田"]], [seed.tags["VIP"]])
    t.add([seed.customers["田中"]], [seed.tags["常連"]])
    f = book.fields
    seed.fields["来店回数"] = f.create("来店回数", "number", show_in_list=True)
    seed.fields["会員ランク"] = f.create("会員ランク", "single_choice",
                                         choices=["ゴールド", "シルバー", "ブロンズ"],
                                         show_in_list=True)
    seed.fields["好きなメニュー"] = f.create("好きなメニュー", "multi_choice",
                                             choices=["カット", "カラー", "パーマ"])
    seed.fields["ポイント"] = f.create("ポイント", "points")
    seed.fields["記念日"] = f.create("記念日", "date")
    seed.fields["備考"] = f.create("備考", "long_text")
    f.set_value(seed.customers["田中"], seed.fields["来店回数"], 12)
    f.set_value(seed.customers["田中"], seed.fields["会員ランク"], "ゴールド")
    f.add_points(seed.customers["田中"], seed.fields["ポイント"], 150, "初回")
    return seed


@pytest.fixture(autouse=True)
def source_texts_with_japanese_formats(qapp) -> Iterator[None]:
    """Every test starts, and leaves, with English source texts and Japanese dates."""
    from ui import i18n

    i18n.uninstall_translators(qapp)
    yield
    i18n.uninstall_translators(qapp)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seed]:
    # Creating a passphrase book runs Argon2id (most of a second): do it once, then give
    # each test its own copy of the closed profile folder (opening costs one unwrap).
    # The owner's keyring is never touched; the one before is put back, so tests run
    # after the UI tests (tests/sync: "no keyring" cases) see the keyring they expect.
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        profile = Profile(tmp_path_factory.mktemp("template") / "profile")
        book = profile.create(passphrase=PASSPHRASE)
        seed = seed_book(book, profile)
        book.db.checkpoint()
        book.close()
    finally:
        keyring.set_keyring(previous)
    return profile.root, seed


@pytest.fixture
def seeded(_seeded_template: tuple[Path, Seed], tmp_path: Path) -> Iterator[Seed]:
    template_root, template = _seeded_template
    root = tmp_path / "profile"
    shutil.copytree(template_root, root)
    profile = Profile(root)
    book = profile.open(PASSPHRASE)
    seed = Seed(book=book, profile=profile, passphrase=PASSPHRASE,
                customers=dict(template.customers), tags=dict(template.tags),
                folders=dict(template.folders), fields=dict(template.fields))
    yield seed
    seed.book.close()


@pytest.fixture
def book(seeded: Seed) -> Book:
    return seeded.book


@pytest.fixture
def settings(tmp_path: Path, qapp) -> Iterator[Settings]:
    q = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    s = Settings(q)
    yield s
    q.sync()


@pytest.fixture
def window(book: Book, settings: Settings, qtbot):
    from ui.main_window import MainWindow

    win = MainWindow(book, settings)
    qtbot.addWidget(win)
    win.resize(1300, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
