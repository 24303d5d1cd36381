"""Preferences: typed values survive a round trip, bad values fall back, upgrades run once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ui.settings import DEFAULT_COLUMNS, Settings


def test_defaults_and_round_trip(settings: Settings, tmp_path: Path) -> None:
    assert settings.language == "ja"
    assert settings.auto_lock_minutes == 10
    assert settings.visible_columns == list(DEFAULT_COLUMNS)
    assert settings.window_geometry == b""
    settings.language = "en"
    settings.auto_lock_minutes = 0
    settings.visible_columns = ["name"]
    settings.window_geometry = b"\x00\x01geometry"
    settings.sort_descending = True
    settings.sync()
    again = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.language == "en"
    assert again.auto_lock_minutes == 0
    assert again.visible_columns == ["name"]
    assert again.window_geometry == b"\x00\x01geometry"
    assert again.sort_descending is True


def test_changed_signal_names_the_option(settings: Settings, qtbot) -> None:
    with qtbot.waitSignal(settings.changed) as blocker:
        settings.auto_lock_minutes = 3
    assert blocker.args == ["auto_lock_minutes"]


def test_unreadable_values_fall_back_to_defaults(tmp_path: Path, qapp) -> None:
    path = tmp_path / "hand-edited.ini"
    path.write_text("[security]\nauto_lock_minutes=soon\n[table]\nvisible_columns={broken\n")
    s = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert s.auto_lock_minutes == 10
    assert s.visible_columns == list(DEFAULT_COLUMNS)


def test_upgrade_puts_values_back_in_range_once(tmp_path: Path, qapp) -> None:
    path = tmp_path / "old.ini"
    path.write_text('[ui]\nlanguage=fr\n[security]\nauto_lock_minutes=-5\n'
                    '[table]\nvisible_columns="[\\"name\\", \\"field:9\\", \\"bogus\\"]"\n')
    s = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert s.settings_version == 0
    assert s.upgrade() == Settings.VERSION
    assert s.language == "ja"
    assert s.auto_lock_minutes == 0
    assert s.visible_columns == ["name"]
    assert s.settings_version == Settings.VERSION
    assert s.upgrade() == 0


def test_settings_from_a_newer_release_are_left_alone(tmp_path: Path, qapp) -> None:
    path = tmp_path / "new.ini"
    path.write_text("[ui]\nlanguage=xx\n[General]\nsettings_version=99\n")
    s = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert s.upgrade() == 0
    assert s.qsettings.value("ui/language") == "xx"


def test_the_language_chosen_in_the_demo_is_the_owners(settings: Settings, tmp_path: Path,
                                                      qapp) -> None:
    """The demo's settings are thrown away with it; its language is the person's choice,
    so it is written to (and saved in) the owner's settings as well; nothing else is."""
    from ui.settings import share_personal

    settings.language = "en"
    demo = Settings(QSettings(str(tmp_path / "demo.ini"), QSettings.Format.IniFormat))
    share_personal(settings, demo)
    assert demo.language == "en"
    demo.language = "ja"
    demo.auto_lock_minutes = 3
    assert settings.language == "ja"
    assert settings.auto_lock_minutes == 10
    again = Settings(QSettings(settings.qsettings.fileName(), QSettings.Format.IniFormat))
    assert again.language == "ja"  # on disk, not only in memory
    (tmp_path / "demo.ini").unlink(missing_ok=True)
    assert settings.language == "ja"


def test_notification_content_is_hidden_unless_the_owner_chose_to_show_it(
        settings: Settings, tmp_path: Path, qapp) -> None:
    assert settings.notify_hide_content is True  # a new installation
    never_chose = tmp_path / "v1.ini"
    never_chose.write_text("[General]\nsettings_version=1\n[inbox]\nnotify=true\n")
    s = Settings(QSettings(str(never_chose), QSettings.Format.IniFormat))
    assert s.upgrade() == 1
    assert s.qsettings.value("inbox/notify_hide_content") in (True, "true")
    assert s.notify_hide_content is True
    chose_to_show = tmp_path / "v1-show.ini"
    chose_to_show.write_text("[General]\nsettings_version=1\n[inbox]\n"
                             "notify_hide_content=false\n")
    s = Settings(QSettings(str(chose_to_show), QSettings.Format.IniFormat))
    assert s.upgrade() == 1
    assert s.notify_hide_content is False  # the owner's choice stays
