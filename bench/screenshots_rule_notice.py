"""The main window with a rule's notice in its bar, for the docs
(``docs/screenshots/rule-notice.png``), in Japanese, on a virtual screen (re-runs itself
under xvfb-run, as bench/screenshots.py does)::

    .venv/bin/python -m bench.screenshots_rule_notice
    # without xvfb-run: OTOKUI_SCREENSHOT_CHILD=1 QT_QPA_PLATFORM=offscreen (same command)

A small made-up book: a few LINE friends, the keyword rule of docs/automation.md with its
``notify``, fired for two friends' messages (the bar shows the first, "ほか 1 件").
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from bench.shots import settle, under_xvfb

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    code = under_xvfb("bench.screenshots_rule_notice")
    if code is not None:
        return code
    import keyring
    from PySide6.QtCore import QSettings

    from app import domain_events
    from app.automation.engine import run_pending
    from app.automation.service import RuleService
    from app.profile import Profile
    from app.store.models import Message
    from tests.support.keyrings import MemoryKeyring
    from ui import i18n
    from ui.app import choose_font, create_application
    from ui.main_window import MainWindow
    from ui.resources import style_sheet
    from ui.settings import Settings

    keyring.set_keyring(MemoryKeyring())  # never the real password store for a made-up book
    app = create_application([sys.argv[0]])
    i18n.compile_if_stale()
    i18n.install_translators(app, "ja")
    app.setStyleSheet(style_sheet())
    if choose_font(app) is None:
        # No Japanese font on this machine (no fonts-noto-cjk): the one the PDFs embed.
        from PySide6.QtGui import QFontDatabase

        from app.pdf import fonts_dir

        loaded = QFontDatabase.addApplicationFont(str(fonts_dir() / "ipaexg.ttf"))
        font = app.font()
        font.setFamilies(QFontDatabase.applicationFontFamilies(loaded))
        app.setFont(font)
    work = Path(tempfile.mkdtemp(prefix="otokui-notice-shot-"))
    try:
        book = Profile(work / "profile").create(passphrase="screenshot passphrase")  # noqa: S106
        people = ["山田 花子", "伊藤 健太", "小林 美咲", "中村 大輔", "佐々木 優子"]
        ids = [book.customers.create(name=n, display_name=n.split()[1],
                                     line_user_id=f"U{i + 1:032x}")
               for i, n in enumerate(people)]
        book.tags.create("常連")
        RuleService(book).save({
            "name": "予約の問い合わせ", "enabled": True,
            "when": {"kind": "keyword", "words": ["予約", "よやく"], "match": "any"},
            "then": [{"kind": "add_tag", "tag": "予約希望"},
                     {"kind": "notify", "text": "予約の問い合わせがありました"}]})
        # Two friends' messages as the sync stores them (the message, then its event).
        for n, (cid, body) in enumerate(((ids[0], "来週の土曜日に予約できますか?"),
                                         (ids[3], "よやくをお願いしたいです"))):
            with book.db.write() as s:
                s.add(Message(customer_id=cid, direction="in", type="text", text=body,
                              line_message_id=f"m{n}", at_ms=1_780_000_000_000 + n))
                domain_events.emit(s, domain_events.MESSAGE_RECEIVED, key=f"shot:{n}",
                                   customer_id=cid, data={"line_message_id": f"m{n}",
                                                          "type": "text"})
        run_pending(book, send=False)
        settings = Settings(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
        win = MainWindow(book, settings)
        win.resize(1280, 760)
        win.show()
        settle(app, 600)
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / "rule-notice.png"
        win.grab().save(str(path), "PNG")
        print(f"wrote {path.relative_to(ROOT)}")
        win.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
