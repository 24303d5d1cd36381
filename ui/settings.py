"""The desktop app's own preferences (per computer, not per book), typed, over QSettings.

Modelled on MusicBrainz Picard's ``picard/config.py``: every option is declared once with
its type and default, reads convert what QSettings hands back (ini files return text for
numbers and booleans, and a one-element list as a bare string) into that type, and a
``settings_version`` with an ordered list of upgrade steps lets later releases change
the layout without losing what the owner chose.

What belongs to the book (and travels with its backups) lives in :mod:`app.settings_store`
instead; nothing here is personal data or a secret.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

log = logging.getLogger("otokui.ui.settings")

T = TypeVar("T")

LANGUAGES = ("ja", "en")
#: Built-in table columns, in the order the table offers them.
BUILTIN_COLUMNS = ("picture", "display_name", "name", "tags", "phone", "followed_at",
                   "updated_at")
DEFAULT_COLUMNS = BUILTIN_COLUMNS
#: Longest idle time the settings dialog offers (a day); 0 means never lock.
MAX_AUTO_LOCK_MINUTES = 24 * 60


def _to_bool(raw: Any) -> bool:
    if isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return bool(raw)


def _to_int(raw: Any) -> int:
    return int(str(raw).strip()) if not isinstance(raw, int) else raw


def _to_bytes(raw: Any) -> bytes:
    if isinstance(raw, QByteArray):
        return bytes(raw.data())
    if isinstance(raw, bytes | bytearray):
        return bytes(raw)
    raise TypeError(type(raw).__name__)


def _to_str_list(raw: Any) -> list[str]:
    # Lists are kept as JSON text: QSettings' own list handling differs between formats
    # and platforms (an empty list reads back as None, one element as a bare string).
    value = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("not a list of strings")
    return value


class Option(Generic[T]):
    """A typed option: a descriptor on :class:`Settings` that reads and writes QSettings."""

    def __init__(self, key: str, default: T, convert: Callable[[Any], T],
                 store: Callable[[T], Any] | None = None) -> None:
        self.key = key
        self.default = default
        self._convert = convert
        self._store = store or (lambda v: v)

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = name

    def __get__(self, obj: Settings | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        raw = obj.qsettings.value(self.key)
        if raw is None:
            return self._copy(self.default)
        try:
            return self._convert(raw)
        except (TypeError, ValueError):
            # A value written by hand or by a broken build: fall back rather than crash.
            log.warning("setting %s has an unreadable value; using the default", self.key)
            return self._copy(self.default)

    def __set__(self, obj: Settings, value: T) -> None:
        obj.qsettings.setValue(self.key, self._store(value))
        obj.changed.emit(self.attr)

    @staticmethod
    def _copy(value: Any) -> Any:
        return list(value) if isinstance(value, list | tuple) else value


class Settings(QObject):
    """Typed preferences. ``changed(name)`` tells open windows that an option changed."""

    changed = Signal(str)

    #: Bump when an upgrade step is added below.
    VERSION = 2

    language: Option[str] = Option("ui/language", "ja", str)
    auto_lock_minutes: Option[int] = Option("security/auto_lock_minutes", 10, _to_int, int)
    visible_columns: Option[list[str]] = Option(
        "table/visible_columns", list(DEFAULT_COLUMNS), _to_str_list,
        lambda v: json.dumps(list(v)))
    sort_column: Option[str] = Option("table/sort_column", "id", str)
    sort_descending: Option[bool] = Option("table/sort_descending", False, _to_bool, bool)
    column_widths: Option[list[str]] = Option(
        "table/column_widths", [], _to_str_list, lambda v: json.dumps(list(v)))
    window_geometry: Option[bytes] = Option("window/geometry", b"", _to_bytes, QByteArray)
    window_state: Option[bytes] = Option("window/state", b"", _to_bytes, QByteArray)
    splitter_state: Option[bytes] = Option("window/splitter", b"", _to_bytes, QByteArray)
    last_profile: Option[str] = Option("profile/last", "", str)
    #: The window's page: "customers" (顧客台帳) or "inbox" (チャット).
    window_mode: Option[str] = Option("window/mode", "customers", str)
    #: Desktop notifications for new LINE messages, and whether they show who wrote what.
    #: Hidden by default: systems keep notifications on disk (Windows' notification
    #: database, macOS' usernoted, GNOME's history) outside the encrypted profile.
    notify_messages: Option[bool] = Option("inbox/notify", True, _to_bool, bool)
    notify_hide_content: Option[bool] = Option("inbox/notify_hide_content", True, _to_bool,
                                               bool)
    inbox_splitter_state: Option[bytes] = Option("inbox/splitter", b"", _to_bytes, QByteArray)
    settings_version: Option[int] = Option("settings_version", 0, _to_int, int)

    def __init__(self, qsettings: QSettings | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.qsettings = qsettings if qsettings is not None else QSettings("Otokui", "Otokui")

    def sync(self) -> None:
        self.qsettings.sync()

    # --- upgrades ----------------------------------------------------------------------------
    def upgrade(self) -> int:
        """Run the upgrade steps newer than the stored version; returns how many ran.

        Steps run in order and the version is saved after each one, so an interrupted
        upgrade resumes where it stopped. Settings from a newer release are left alone.
        """
        current = self.settings_version
        if current > self.VERSION:
            log.warning("settings are from a newer release (%d > %d); left as they are",
                        current, self.VERSION)
            return 0
        ran = 0
        for version, step in UPGRADE_STEPS:
            if version > current:
                log.info("upgrading settings to version %d", version)
                step(self)
                self.settings_version = version
                ran += 1
        self.sync()
        return ran


#: Preferences of the person at the computer, not of a book: chosen in the demo's
#: throwaway settings, they are kept in the owner's own as well (see :func:`share_personal`).
PERSONAL_OPTIONS = ("language",)


def share_personal(own: Settings, other: Settings) -> None:
    """``other`` (the demo's settings) starts with ``own``'s personal preferences, and a
    personal preference changed in ``other`` is written to ``own`` too (and saved at once:
    the demo may end with the app killed)."""
    for name in PERSONAL_OPTIONS:
        setattr(other, name, getattr(own, name))

    def write_through(name: str) -> None:
        if name in PERSONAL_OPTIONS and getattr(own, name) != getattr(other, name):
            setattr(own, name, getattr(other, name))
            own.sync()

    other.changed.connect(write_through)


def _upgrade_1_sane_values(s: Settings) -> None:
    """Version 1: values outside what the app offers are put back into range."""
    q = s.qsettings
    if s.language not in LANGUAGES:
        q.remove(Settings.language.key)
    minutes = s.auto_lock_minutes
    if minutes < 0 or minutes > MAX_AUTO_LOCK_MINUTES:
        q.setValue(Settings.auto_lock_minutes.key, max(0, min(minutes,
                                                              MAX_AUTO_LOCK_MINUTES)))
    columns = s.visible_columns
    known = [c for c in columns if c in BUILTIN_COLUMNS]
    if known != columns or not known:
        s.visible_columns = known or list(DEFAULT_COLUMNS)


def _upgrade_2_hide_notification_content(s: Settings) -> None:
    """Version 2: notifications hide who wrote and what, unless the owner chose otherwise.

    Until version 1 they showed both by default; the key is written only when the owner
    ticks or unticks the box, so a missing key means they never chose. It is written now,
    so the owner's settings say what they get whatever a later default is.
    """
    q = s.qsettings
    if q.value(Settings.notify_hide_content.key) is None:
        q.setValue(Settings.notify_hide_content.key, True)


#: (version it brings the settings to, step), oldest first.
UPGRADE_STEPS: list[tuple[int, Callable[[Settings], None]]] = [
    (1, _upgrade_1_sane_values),
    (2, _upgrade_2_hide_notification_content),
]
