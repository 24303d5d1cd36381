"""The live demo in the window: friends arrive in the table, the window's sync is the only
one, locking and unlocking needs no passphrase, the owner's preferences and keyring stay
untouched, and closing removes everything the demo made."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.profile import Profile
from app.sync.worker import SyncState
from ui.app import DEMO_AVAILABLE, open_book_window, open_demo_window

ROOT = Path(__file__).resolve().parents[2]
DEMO_THREADS = ("demo-friends", "demo-relay", "emulator-http", "otokui-sync")


def _when_modal(kind: type[QWidget], action) -> None:
    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            action(widget)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def _demo_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name in DEMO_THREADS and t.is_alive()]


def test_demo_window_fills_live_locks_without_a_prompt_and_cleans_up(
        qtbot, tmp_path: Path, settings, memory_keyring) -> None:
    assert DEMO_AVAILABLE
    root = tmp_path / "demo"
    window = open_demo_window(settings, friends=6, root=root, interval=(0.05, 0.2), seed=2)
    assert window is not None
    window.show()
    qtbot.waitExposed(window)
    demo = window.demo_session
    assert demo is not None and demo.root == root
    assert "demo" in window.windowTitle().lower() and window.demo_badge.isVisible()
    # The platform adds " — Otokui" (the display name): the title does not say it again.
    assert "Otokui" not in window.windowTitle()
    # One sync only: the window's, not one of the demo's own.
    assert demo.worker is None and window.sync.is_running()

    model = window.content.model
    qtbot.waitUntil(lambda: model.rowCount() >= 6, timeout=30_000)
    # The salon's tags and saved segments are in the sidebar from the start.
    sidebar = window.content.sidebar
    book = demo.book
    for tag in book.tags.list():
        assert sidebar._find(f"tag:{tag.id}") is not None, tag.name
    assert {t.name for t in book.tags.list()} >= {"新規", "常連", "VIP", "カット"}
    segments = book.segments.list()
    assert [s.name for s in segments] == ["常連・VIP", "カラー好きの常連・VIP"]
    for seg in segments:
        assert sidebar._find(f"segment:{seg.id}") is not None, seg.name
    qtbot.waitUntil(lambda: demo.book.messages.count() >= 6 + 8, timeout=30_000)
    # The friends' cards are in the book before the sync starts: what the sync brought
    # reaches the window's status on the main thread a moment after the book has it.
    qtbot.waitUntil(lambda: window.sync.status.messages_received > 0, timeout=30_000)
    assert window.sync.status.state in (SyncState.CONNECTED, SyncState.SYNCING)
    assert window.sync_label.text() in ("LINE: connected", "LINE: syncing…")

    # Its own preferences, in its own folder; the owner's are not touched.
    window.settings.auto_lock_minutes = 3
    window.settings.sync()
    assert Path(window.settings.qsettings.fileName()) == root / "settings.ini"
    assert (root / "settings.ini").exists()
    assert settings.auto_lock_minutes == 10 and settings.last_profile == ""
    # But the language chosen in the demo (Settings → 言語) is the owner's: kept after it.
    assert window.settings.language == settings.language == "ja"
    window.settings.language = "en"
    assert settings.language == "en"
    assert memory_keyring.entries == {}  # the owner's keyring (here a test one) unused

    # Lock and unlock: no passphrase asked, the sync stops and starts again.
    first = window.sync.worker
    received = window.sync.status.messages_received
    assert received > 0
    assert window.lock()
    assert window.locked and window.sync.worker is None and first is not None
    prompt = window.unlock_widget
    assert not hasattr(prompt, "field")  # nothing to type
    prompt.open_button.click()
    qtbot.waitUntil(lambda: not window.locked, timeout=30_000)
    assert demo.book is window.book  # the demo closes the book that is open now
    assert window.sync.is_running() and window.sync.worker is not first
    count = window.book.messages.count()
    qtbot.waitUntil(lambda: window.book.messages.count() > count, timeout=30_000)
    # The status counts what arrived since the window opened, across the lock.
    qtbot.waitUntil(lambda: window.sync.status.messages_received > received, timeout=30_000)
    assert f"{window.sync.status.messages_received:,} messages received" in \
        window.sync_box.toolTip()

    window.close()
    assert not root.exists()
    qtbot.waitUntil(lambda: not _demo_threads(), timeout=30_000)


def test_the_welcome_demo_choice_opens_the_demo(qtbot, tmp_path: Path, settings,
                                                monkeypatch) -> None:
    import ui.app

    monkeypatch.setattr(ui.app, "DEMO_FRIENDS", 5)
    from ui.dialogs.welcome import WelcomeDialog

    profile = Profile(tmp_path / "owner")
    _when_modal(WelcomeDialog, lambda d: d.demo_choice.click())
    window = open_book_window(profile, settings)
    assert window is not None and window.demo_session is not None
    window.show()
    qtbot.waitExposed(window)
    root = window.demo_session.root
    assert root.name.startswith("otokui-demo-")
    qtbot.waitUntil(lambda: window.content is not None
                    and window.content.model.rowCount() >= 5, timeout=30_000)
    assert not profile.exists() and settings.last_profile == ""
    window.close()
    assert not root.exists()


def test_python_main_demo_runs_and_removes_its_folder(tmp_path: Path) -> None:
    """``python main.py --demo`` end to end, in a process of its own (its preferences in a
    home folder of the test's): friends appear, closing ends the app and the demo."""
    script = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.main_window import MainWindow

app = QApplication(sys.argv)
seen = {}

def poll():
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow) and w.isVisible() and w.content is not None:
            seen["root"] = str(w.demo_session.root)
            seen["title"] = w.windowTitle()
            if w.content.model.rowCount() >= 3 and w.sync.is_running():
                seen["rows"] = w.content.model.rowCount()
                w.close()
                return
    QTimer.singleShot(50, poll)

QTimer.singleShot(0, poll)
import main
code = main.main(["--profile", sys.argv[1], "--demo"])
print("ROOT", seen.get("root"))
print("ROWS", seen.get("rows"))
print("TITLE", seen.get("title"))
print("CODE", code)
"""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTOKUI_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "owner")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert out["CODE"] == "0" and int(out["ROWS"]) >= 3
    assert "デモ" in out["TITLE"]  # Japanese by default
    assert out["ROOT"].startswith(str(Path(out["ROOT"]).parent / "otokui-demo-"))
    assert not Path(out["ROOT"]).exists()
    assert not (tmp_path / "owner").exists()  # the owner's profile was never made
    # The owner's preferences exist (the app started) but never name the demo's folder.
    conf = list((home / ".config").rglob("*.conf"))
    assert conf and all("otokui-demo" not in p.read_text(encoding="utf-8") for p in conf)


def test_ctrl_c_in_the_terminal_still_removes_the_demo_folder(tmp_path: Path) -> None:
    """``python main.py --demo`` as typed in a terminal, then Ctrl+C (SIGINT)."""
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTOKUI_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), TMPDIR=str(tmp),
               QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    proc = subprocess.Popen([sys.executable, "main.py", "--profile", str(tmp_path / "owner"),
                             "--demo"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        # The window is open once the demo's own preferences are written.
        while not list(tmp.glob("otokui-demo-*/settings.ini")):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the demo window did not open"
            time.sleep(0.1)
        folder = next(tmp.glob("otokui-demo-*"))
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    assert proc.returncode == 0, err[-3000:]
    assert not folder.exists() and list(tmp.iterdir()) == []
