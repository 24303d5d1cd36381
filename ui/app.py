"""Starting the desktop app: Qt, looks, language, logging, crash handler, then the book.

``run(profile_dir)`` is what ``main.py`` calls. Without a book in the profile the welcome
flow offers to create one (or restore a backup, or try the demo); otherwise the book is
unlocked (silently when the key is in the OS keyring) and the main window opens.

``run(profile_dir, demo=True)`` (``python main.py --demo``) and the welcome's デモを試す
start the live demo (:func:`app.demo.start_demo`: the LINE emulator, a relay and a
throwaway book, all on this computer) and open the window on its book, with preferences
of its own in the demo's folder: the owner's preferences (but the language chosen in the
demo, a person's preference), last profile and keyring are never touched, and quitting
deletes everything the demo made.
"""

from __future__ import annotations

import logging
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from ui.resources import icon, style_sheet

if TYPE_CHECKING:
    from app.book import Book
    from app.demo import Demo
    from app.profile import Profile
    from app.profile_lock import Claim
    from ui.main_window import MainWindow
    from ui.settings import Settings

log = logging.getLogger("otokui.ui")

# The live demo (``python main.py --demo``, the welcome's "Try the demo").
DEMO_AVAILABLE = True
# Simulated friends in the demo window's book.
DEMO_FRIENDS = 50

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
    # Fusion looks the same on Windows, macOS and Linux, and takes our style sheet well;
    # without its theme icons on dialog buttons (ui/style.py).
    from ui.style import OtokuiStyle

    app.setStyle(OtokuiStyle())
    from ui.widgets.wheel_guard import install_wheel_guard

    install_wheel_guard()  # no form's combo, spin or date box takes the wheel unfocused
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
    from ui import file_dialogs

    file_dialogs.install(app)  # Qt's own file dialog (Linux) gets room for Japanese
    app.setStyleSheet(style_sheet())
    family = choose_font(app)
    log.info("starting (language %s, font %s)", settings.language, family or "default")


def open_book_window(profile: Profile, settings: Settings) -> MainWindow | None:
    """The first-run or unlock flow, then the main window (None: the owner gave up)."""
    from app.logs import setup_logging
    from ui.main_window import MainWindow

    book: Any
    if profile.exists():
        from ui.dialogs.unlock import unlock_book

        book = unlock_book(profile)
    else:
        from ui.dialogs.welcome import WelcomeResult, run_welcome

        book = run_welcome(profile)
        if book is WelcomeResult.DEMO:
            return open_demo_window(settings)
        if book is not None:
            setup_logging(profile.logs_dir)  # the profile folder exists from now on
    if book is None:
        return None
    settings.last_profile = str(profile.root)
    window = MainWindow(book, settings)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return window


def start_demo_with_progress(root: Path, *, friends: int = DEMO_FRIENDS, **options: Any
                             ) -> Demo | None:
    """Start the demo in ``root`` off the main thread, with a small progress window.

    The demo runs no sync worker of its own (the window's sync controller syncs its book).
    Returns None when it could not start (the reason has been shown to the owner).
    """
    from app.demo import start_demo
    from ui.dialogs.background import run_then
    from ui.errors import show_error

    dialog = QProgressDialog(QCoreApplication.translate(
        "App", "Preparing the demo… (a shop with %1 LINE friends, on this computer only)")
        .replace("%1", str(friends)), "", 0, 0)
    dialog.setWindowTitle("Otokui")
    dialog.setCancelButton(None)  # starting cannot be interrupted halfway; it takes seconds
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(420)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.show()
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def started(demo: Demo) -> None:
        outcome["demo"] = demo
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    run_then(dialog, lambda _p: start_demo(root, friends=friends, start_sync=False,
                                           **options), started, failed)
    loop.exec()
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        log.error("the demo did not start")
        show_error(None, outcome["error"])
        return None
    return outcome.get("demo")


def open_demo_window(settings: Settings, *, friends: int = DEMO_FRIENDS,
                     root: Path | None = None, **options: Any) -> MainWindow | None:
    """Start the demo and open the window on its book (None: it could not start).

    The window has preferences of its own (an ini file in the demo's folder), except the
    language, which is the owner's (copied in, and a change saved to the owner's settings
    too); it unlocks without a passphrase, syncs through its own controller,
    and stops the demo (deleting its folder) when it closes.
    """
    from ui.main_window import MainWindow
    from ui.settings import Settings, share_personal

    root = root or Path(tempfile.mkdtemp(prefix="otokui-demo-"))
    demo = start_demo_with_progress(root, friends=friends, **options)
    if demo is None:
        return None
    demo_settings = Settings(QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat))
    # The language is the owner's, not the practice book's: chosen in the demo, it is kept.
    share_personal(settings, demo_settings)

    def reopen() -> Book:
        # After a lock: the throwaway book opens again with the passphrase the demo made
        # (it never leaves this process); the demo closes this one when it stops.
        book = demo.book.profile.open(demo.passphrase)
        demo.use_book(book)
        return book

    window = MainWindow(demo.book, demo_settings, reopen=reopen, demo=True)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.closed.connect(demo.stop)  # after the window closed the book
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(demo.stop)  # however the app ends (stop runs once)
    window.demo_session = demo
    _close_on_signals(window)
    log.info("demo window opened")
    return window


def _close_on_signals(window: MainWindow) -> None:
    """Ctrl+C in the terminal (or a plain ``kill``) closes the demo window as 終了 does,
    so the demo still stops and deletes its folder; the handlers before are put back."""
    if threading.current_thread() is not threading.main_thread():
        return
    wanted = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) for sig in wanted}

    def close_window(_signum: int, _frame: object) -> None:
        QTimer.singleShot(0, window.close)

    for sig in wanted:
        signal.signal(sig, close_window)
    # Python runs signal handlers only when it gets control: wake it up now and then.
    wake = QTimer(window)
    wake.timeout.connect(lambda: None)
    wake.start(250)

    def restore() -> None:
        wake.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

    window.closed.connect(restore)


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
    claim = None
    if not (demo and DEMO_AVAILABLE):
        # The demo's book is a profile of its own (claimed when it opens); the owner's
        # profile is held by this process for the window's whole life, locked or not.
        claim = claim_profile(profile)
        if claim is None:
            qtlog.uninstall()
            return 0
    beacon = None
    try:
        if claim is not None:
            from ui.single_instance import WindowBeacon

            beacon = WindowBeacon(profile.root, bring_windows_forward)
            beacon.listen()
        if demo and DEMO_AVAILABLE:
            window = open_demo_window(settings)
        else:
            window = open_book_window(profile, settings)
        if window is None:
            return 0
        window.show()
        code = app.exec()
        settings.sync()
        log.info("stopped")
        return int(code)
    finally:
        if beacon is not None:
            beacon.close()
        if claim is not None:
            claim.release()
        qtlog.uninstall()


def claim_profile(profile: Profile) -> Claim | None:
    """Take the profile for this process; when another has it, say so and offer to bring
    that window forward. None: this start ends (the other window is in front, or the owner
    closed the message)."""
    from app import profile_lock
    from app.errors import ProfileInUseError
    from ui.dialogs.already_open import Outcome, ask_what_to_do

    while True:
        try:
            return profile_lock.claim(profile.root)
        except ProfileInUseError:
            log.info("the profile is open in another process")
            if ask_what_to_do(profile.root) is not Outcome.RETRY:
                return None


def bring_windows_forward() -> None:
    """A second start asked for this app: its main window, then any dialog on top of it."""
    from ui.main_window import MainWindow
    from ui.single_instance import bring_to_front

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    tops = [w for w in app.topLevelWidgets() if w.isVisible()]
    modal = app.activeModalWidget()
    mains = [w for w in tops if isinstance(w, MainWindow)]
    others = [w for w in tops if w not in mains and w is not modal]
    bring_to_front(mains + others + ([modal] if modal is not None else []))
