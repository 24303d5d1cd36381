"""Screenshots of the connection wizard for docs/connect-line.md, in Japanese.

Run from the repository root with a display (``Xvfb :NN`` and ``DISPLAY=:NN``), or let it
re-run itself under ``xvfb-run`` as :mod:`bench.screenshots` does::

    .venv/bin/python -m bench.screenshots_connect

Everything is real and local: a relay on loopback (deployed as on a hosting platform, with
only RELAY_ADMIN_SECRET), the LINE emulator standing in for LINE, a throwaway book. The
relay's address typed on the first page is shown as a hosting platform's address, then
replaced by the loopback one before 次へ asks it. Writes ``docs/screenshots/connect-*.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.screenshots import OUT, ROOT, _save
from bench.shots import settle, under_xvfb

SECRET = "0123456789abcdef0123456789abcdef"  # noqa: S105 - a made-up channel secret
TOKEN = "screenshot-channel-access-token"  # noqa: S105 - the emulator's made-up token
SHOWN_URL = "https://otokui-relay.onrender.com"


def _relay(db: Path, public_url: str | None = None):  # type: ignore[no-untyped-def]
    from relay.app import RelayService
    from relay.config import Settings
    from relay.server import build_server
    from relay.store import Store

    store = Store.open(f"sqlite:///{db}")
    service = RelayService(Settings(channel_secret=None, database_url=f"sqlite:///{db}",
                                    admin_secret=b"screenshot-admin-secret-0123456789",
                                    public_url=public_url), store)
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = build_server(service, "127.0.0.1", sock.getsockname()[1], log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, store, f"http://127.0.0.1:{sock.getsockname()[1]}"


def _wait(app, wizard) -> None:  # type: ignore[no-untyped-def]
    for _ in range(300):
        settle(app, 50)
        if not wizard.busy and not wizard.finish_page.running \
                and not wizard.relay_page.checking and not wizard.line_page.checking:
            break
    settle(app, 300)


def main() -> int:
    code = under_xvfb("bench.screenshots_connect", "1600x1500x24")
    if code is not None:
        return code
    import keyring
    from PySide6.QtCore import QSettings  # noqa: F401 - Qt loaded before the app is made

    from app.profile import Profile
    from emulator import run_in_thread
    from tests.support.keyrings import MemoryKeyring
    from ui import i18n
    from ui.app import choose_font, create_application
    from ui.dialogs.connect_wizard import ConnectWizard
    from ui.resources import style_sheet

    keyring.set_keyring(MemoryKeyring())
    app = create_application([sys.argv[0]])
    i18n.compile_if_stale()
    i18n.install_translators(app, "ja")
    app.setStyleSheet(style_sheet())
    if choose_font(app) is None:
        print("warning: no Japanese font found (apt-get install fonts-noto-cjk)")
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="otokui-connect-shots-"))
    server, store, relay_url = _relay(work / "relay.db")
    line = run_in_thread(channel_secret=SECRET, access_token=TOKEN, quota=None, seed=4,
                         bot_display_name="花屋さくら", bot_basic_id="@sakura-hana")
    book = Profile(work / "profile").create(passphrase="しっかりした合言葉 2026")  # noqa: S106
    try:
        def fresh() -> ConnectWizard:
            wizard = ConnectWizard(book, use_keyring=False)
            wizard.resize(760, 600)
            wizard.show()
            settle(app, 400)
            return wizard

        # 0. Settings → LINE before connecting: the wizard's button.
        from PySide6.QtCore import QSettings as _QSettings

        from ui.dialogs.settings_dialog import SettingsDialog
        from ui.settings import Settings as UiSettings

        prefs = UiSettings(_QSettings(str(work / "settings.ini"), _QSettings.Format.IniFormat))
        dialog = SettingsDialog(book, prefs)
        dialog.tabs.setCurrentWidget(dialog.line_tab)
        dialog.show()
        for _ in range(100):
            settle(app, 50)
            if dialog.line_tab.info is not None and not dialog.line_tab.loading:
                break
        settle(app, 200)
        _save(dialog, "connect-settings-tab.png")
        dialog.reject()

        # 1. The relay page, as the owner fills it from the admin page.
        wizard = fresh()
        code = store.create_pairing_code(int(time.time() * 1000))
        wizard.relay_page.relay_edit.setText(SHOWN_URL)
        wizard.relay_page.code_edit.setText(code)
        wizard.relay_page.name_edit.setText("レジ横のPC")
        settle(app, 200)
        _save(wizard, "connect-1-relay.png")
        wizard.relay_page.relay_edit.setText(relay_url)
        wizard.next()
        _wait(app, wizard)

        # 2. The LINE page with both keys pasted (shown hidden, as typed).
        page = wizard.line_page
        page.secret_field.setText("fedcba9876543210fedcba9876543210")  # the wrong one first
        page.token_field.setText(TOKEN)
        settle(app, 200)
        _save(wizard, "connect-2-line.png")
        page.advanced_box.setChecked(True)
        page.api_edit.setText(line.base_url)
        page.advanced_box.setVisible(False)
        page.api_edit.setVisible(False)
        wizard.next()
        _wait(app, wizard)

        # 3. A wrong channel secret: LINE's test fails on the relay's signature check.
        _save(wizard, "connect-3-wrong-secret.png")

        # 4. Back, the right secret, and everything checked.
        wizard.back()
        settle(app, 200)
        page.secret_field.setText(SECRET)
        wizard.next()
        _wait(app, wizard)
        _wait(app, wizard)
        _save(wizard, "connect-4-done.png")
        wizard.close()

        # 5. A refused token, said on the LINE page.
        wizard = fresh()
        wizard.relay_page.show_paired(book.line.relay_url)
        wizard.paired = True
        wizard.next()
        _wait(app, wizard)
        page = wizard.line_page
        page.secret_field.setText(SECRET)
        page.token_field.setText("an-old-token-that-was-reissued")
        page.advanced_box.setChecked(True)
        page.api_edit.setText(line.base_url)
        page.advanced_box.setVisible(False)
        page.api_edit.setVisible(False)
        wizard.next()
        _wait(app, wizard)
        _save(wizard, "connect-5-bad-token.png")
        wizard.close()
    finally:
        book.close()
        line.stop()
        server.should_exit = True
        store.close()
    settle(app, 100)
    return 0


def admin_shots() -> int:
    """The relay's admin page in a browser (Qt WebEngine): the page after the one-time
    link, and a pairing code issued on it."""
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
    from PySide6.QtCore import QEventLoop, Qt, QTimer, QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    from relay.admin import issue_link

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    work = Path(tempfile.mkdtemp(prefix="otokui-admin-shots-"))
    # The page shows the address the platform gave (as RENDER_EXTERNAL_URL would).
    server, store, relay_url = _relay(work / "relay.db", SHOWN_URL)
    store.add_shop("カフェ青空 (お手伝い先)", int(time.time() * 1000))
    view = QWebEngineView()
    view.resize(820, 760)
    view.show()

    def load(url: str | None = None) -> None:
        loop = QEventLoop()
        view.loadFinished.connect(loop.quit)
        if url is not None:
            view.load(QUrl(url))
        QTimer.singleShot(15_000, loop.quit)
        loop.exec()
        view.loadFinished.disconnect(loop.quit)
        settle(app, 800)

    try:
        load(issue_link(store, relay_url, int(time.time() * 1000)))
        _save(view, "connect-0-admin.png")
        view.page().runJavaScript(
            "document.querySelector('form[action=\"/admin/shops/default/code\"] button')"
            ".click()", QWebEngineScript.ScriptWorldId.ApplicationWorld)
        load()
        _save(view, "connect-0-admin-code.png")
    finally:
        view.close()
        server.should_exit = True
        store.close()
        del QWebEnginePage
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(admin_shots() if sys.argv[1:] == ["admin"] else main())
