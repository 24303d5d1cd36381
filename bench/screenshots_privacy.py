"""Screenshots of ツール → プライバシー… for docs/privacy.md, in Japanese on a virtual screen
(needs xvfb and fonts-noto-cjk, like bench.screenshots)::

    .venv/bin/python -m bench.screenshots_privacy

Writes ``docs/screenshots/privacy-settings.png`` (the policy page: a salon's details, the
live preview, one published version) and ``docs/screenshots/privacy-leak.png`` (leak
readiness: a half-ticked checklist, one incident, who is affected) on a small made-up book.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from bench.screenshots import OUT, _save, _small_book
from bench.shots import settle, under_xvfb


def main() -> int:
    code = under_xvfb("bench.screenshots_privacy", "1600x1500x24")
    if code is not None:
        return code
    import keyring

    from app.privacy import incidents
    from app.privacy.policy import PolicySettings
    from app.privacy.service import PrivacyService
    from tests.support.keyrings import MemoryKeyring
    from ui import i18n
    from ui.app import choose_font, create_application
    from ui.privacy.window import PrivacyWindow
    from ui.resources import style_sheet

    keyring.set_keyring(MemoryKeyring())
    app = create_application([sys.argv[0]])
    i18n.compile_if_stale()
    i18n.install_translators(app, "ja")
    app.setStyleSheet(style_sheet())
    choose_font(app)
    work = Path(tempfile.mkdtemp(prefix="otokui-privacy-shots-"))
    _profile, book, _first = _small_book(work)
    service = PrivacyService(book)
    service.save_settings(PolicySettings(
        business_name="ヘアサロン木漏れ日", address="東京都杉並区阿佐谷南1-2-3",
        representative="山田 花子", contact="03-1234-5678（火曜定休）",
        purposes=["contact", "service", "booking", "news"],
        relay_host="株式会社サンプルクラウド",
        retention="最後のご来店から3年間保存し、その後は削除します。"))
    service.publish(now=dt.datetime(2026, 12, 1, 1, 0))
    for key in ("responsible", "rules", "access", "devices", "backups", "entrusted"):
        incidents.set_checked(book, key, True, today=dt.date(2026, 12, 1))
    incidents.record(book, title="受付のタブレットの紛失", discovered_on=dt.date(2026, 12, 3),
                     occurred_from=dt.date(2026, 12, 1), occurred_to=dt.date(2026, 12, 3),
                     answers={"summary": "受付のタブレットが見当たらない。"})
    window = PrivacyWindow(book)
    window.resize(1280, 800)
    window.show()
    settle(app, 800)
    OUT.mkdir(parents=True, exist_ok=True)
    _save(window, "privacy-settings.png")
    window.tabs.setCurrentWidget(window.leak)
    window.leak.incidents.selectRow(0)
    window.leak.affected_from.setDate(window.leak.affected_from.date().fromString(
        "2026-12-01", "yyyy-MM-dd"))
    window.leak.count()
    settle(app, 1500)
    _save(window, "privacy-leak.png")
    window.close()
    book.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
