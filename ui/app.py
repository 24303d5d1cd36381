"""Starting the desktop app: Qt, looks, language, logging, crash handler, then the book.

``run(profile_dir)`` is what ``main.py`` calls. Without a book in the profile the welcome
flow offers to create one (or restore a backup); otherwise the book is unlocked (silently
when the key is in the OS keyring) and the main window opens.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.resources import icon, style_sheet

if TYPE_CHECKING:
    from app.profile import Profile
    from ui.main_window import MainWindow
    from ui.settings import Settings

log = logging.getLogger("otokui.ui")

#: The live demo (issue 4) is not built yet; the welcome flow hides its button until then.
DEMO_AVAILABLE = False

#: Readable Japanese fonts, best first; the platform default is kept when none is present.
FONT_PREFERENCE = ("Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic UI", "Meiryo",
                   "Noto Sans JP")


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        argv if argv is not None else sys.argv)
    app.setApplicationName("Otokui")
    app.setOrganizationName("Otokui")
    app.setApplicationDisplayName("Otokui")
    app.setWindowIcon(icon("otokui"))
    # Fusion looks the same on Windows, macOS and Linux, and takes our style sheet well.
    app.setStyle("Fusion")
    return app


def choose_font(app: QApplication) -> str | None:
    """Use the first readable Japanese font found; returns its family."""
    families = set(QFontDatabase.families())
    for family in FONT_PREFERENCE:
        if family in families:
            font = QFont(app.font())
            font.setFamily(family)
            if font.pointSizeF() < 10:
                font.setPointSizeF(10)
            app.setFont(font)
            return family
    return None


def prepare(app: QApplication, settings: Settings, profile: Profile) -> None:
    """Everything before the first window: logging, Qt messages, crashes, language, looks."""
    from app.logs import setup_logging
    from app.profile import open_flags_private
    from ui import crash, i18n, qtlog

    open_flags_private()
    logs_dir = profile.logs_dir if profile.exists() else None
    setup_logging(logs_dir)
    qtlog.install()
    crash.install_crash_handler(logs_dir)
    settings.upgrade()
    i18n.compile_if_stale()
    i18n.install_translators(app, settings.language)
    app.setStyleSheet(style_sheet())
    family = choose_font(app)
    log.info("starting (language %s, font %s)", settings.language, family or "default")


def open_book_window(profile: Profile, settings: Settings) -> MainWindow | None:
    """The first-run or unlock flow, then the main window (None: the owner gave up)."""
    from app.logs import setup_logging
    from ui.main_window import MainWindow

    if profile.exists():
        from ui.dialogs.unlock import unlock_book

        book = unlock_book(profile)
    else:
        from ui.dialogs.welcome import run_welcome

        book = run_welcome(profile)
        if book is not None:
            setup_logging(profile.logs_dir)  # the profile folder exists from now on
    if book is None:
        return None
    settings.last_profile = str(profile.root)
    window = MainWindow(book, settings)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return window


def run(profile_dir: Path, *, demo: bool = False) -> int:
    """Start the app on ``profile_dir``; returns the exit code."""
    from app.profile import Profile
    from ui import qtlog
    from ui.settings import Settings

    app = create_application()
    settings = Settings()
    profile = Profile(Path(profile_dir))
    prepare(app, settings, profile)
    if demo and not DEMO_AVAILABLE:
        QMessageBox.information(None, "Otokui", QCoreApplication.translate(
            "App", "The demo is not available in this version yet. Otokui opens your own "
            "customer book instead."))
    window = open_book_window(profile, settings)
    if window is None:
        qtlog.uninstall()
        return 0
    window.show()
    code = app.exec()
    settings.sync()
    qtlog.uninstall()
    log.info("stopped")
    return int(code)
