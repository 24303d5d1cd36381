"""The ルール window's screenshot for the docs (``docs/screenshots/rules.png``), in Japanese,
on a virtual screen (re-runs itself under xvfb-run, as bench/screenshots.py does)::

    .venv/bin/python -m bench.screenshots_rules

A small made-up book: a few LINE friends, tags, a saved segment, the demo's sequence and
rules (one of them broken: its tag was deleted), the keyword rule open in the editor and
tried on one customer.
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
    code = under_xvfb("bench.screenshots_rules")
    if code is not None:
        return code
    import keyring

    from app.automation.demo import add_demo_rules
    from app.automation.engine import run_pending
    from app.automation.service import RuleService
    from app.profile import Profile
    from app.segments import Group, TagCondition
    from app.sequences.demo import DEMO_SEQUENCE
    from tests.support.keyrings import MemoryKeyring
    from ui import i18n
    from ui.app import choose_font, create_application
    from ui.automation.window import RulesWindow
    from ui.resources import style_sheet

    keyring.set_keyring(MemoryKeyring())  # never the real password store for a made-up book
    app = create_application([sys.argv[0]])
    i18n.compile_if_stale()
    i18n.install_translators(app, "ja")
    app.setStyleSheet(style_sheet())
    choose_font(app)
    work = Path(tempfile.mkdtemp(prefix="otokui-rules-shot-"))
    try:
        book = Profile(work / "profile").create(passphrase="screenshot passphrase")  # noqa: S106
        people = ["山本 さくら", "伊藤 健太", "小林 美咲", "中村 大輔"]
        ids = [book.customers.create(name=n, display_name=n.split()[1],
                                     line_user_id=f"U{i + 1:032x}")
               for i, n in enumerate(people)]
        regular = book.tags.create("常連")
        book.tags.create("新規")
        visit = book.tags.create("来店")
        old = book.tags.create("旧キャンペーン")
        book.tags.add(ids[:2], [regular])
        book.segments.save("常連", Group("and", (TagCondition("any", (regular,)),)))
        book.sequences.import_json(DEMO_SEQUENCE)
        add_demo_rules(book)
        rules = RuleService(book)
        rules.save({"name": "来店でフォロー開始", "enabled": True,
                    "when": {"kind": "tag_added", "tag": "来店"},
                    "if": {"segment": "常連"},
                    "then": [{"kind": "add_tag", "tag": "新規"},
                             {"kind": "start_sequence", "sequence": DEMO_SEQUENCE["name"]}]})
        rules.save({"name": "キャンペーン参加のお礼", "enabled": True,
                    "when": {"kind": "tag_added", "tag": "旧キャンペーン"},
                    "then": [{"kind": "send", "text": "ご参加ありがとうございます"}]})
        book.tags.add(ids[:2], [visit])
        run_pending(book, send=False)
        book.tags.delete(old)  # that rule is now broken: shown red, with why
        win = RulesWindow(book, selected_customer=lambda: ids[0])
        win.resize(1280, 800)
        win.show()
        keyword = next(r.id for r in rules.list() if r.name == "来店でフォロー開始")
        win.select_rule(keyword)
        settle(app, 400)
        win.try_rule()
        settle(app, 600)
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / "rules.png"
        win.grab().save(str(path), "PNG")
        print(f"wrote {path.relative_to(ROOT)}")
        win.close()
        book.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
