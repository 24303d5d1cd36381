"""The 予約 window's screenshot for the docs: ``docs/screenshots/reservations.png``.

Run from the repository root (xvfb and fonts-noto-cjk, as bench/screenshots.py)::

    .venv/bin/python -m bench.screenshots_booking

A made-up book with 40 customers, the demo's salon (app/booking/demo.py: 3 staff, 5 menus,
this week's bookings), the window in Japanese on the week view.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

from bench.shots import settle, under_xvfb

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots" / "reservations.png"


def main() -> int:
    code = under_xvfb("bench.screenshots_booking")
    if code is not None:
        return code
    import keyring

    from app.booking.demo import add_demo_bookings
    from app.booking.messages import RunReport
    from app.profile import Profile
    from tests.support.keyrings import MemoryKeyring
    from ui import i18n
    from ui.app import choose_font, create_application
    from ui.booking.window import BookingWindow
    from ui.resources import style_sheet

    keyring.set_keyring(MemoryKeyring())
    app = create_application([sys.argv[0]])
    i18n.compile_if_stale()
    i18n.install_translators(app, "ja")
    app.setStyleSheet(style_sheet())
    choose_font(app)
    rng = random.Random(14)
    surnames = ["佐々木", "山本", "中村", "小林", "加藤", "吉田", "山田", "松本", "井上", "木村"]
    given = ["花子", "美咲", "結衣", "陽菜", "さくら", "健太", "翔太", "葵"]
    with tempfile.TemporaryDirectory() as tmp:
        book = Profile(Path(tmp) / "p").create(passphrase="screenshot only")  # noqa: S106
        try:
            uids = []
            for n in range(40):
                uid = f"U{n:032x}"
                book.customers.create(name=f"{rng.choice(surnames)} {rng.choice(given)}",
                                      line_user_id=uid)
                uids.append(uid)
            today = dt.date(2026, 12, 10)  # a Thursday: the week half past, half ahead
            add_demo_bookings(book, uids, rng=random.Random("shot"), today=today)
            window = BookingWindow(book)
            window.resize(1440, 880)
            window.show()
            window.calendar.go(today)
            window.set_mode("week")
            window.show_messages_report(RunReport(sent=3, late=[("x", "reminder:0", 125)]))
            settle(app, 500)
            OUT.parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(OUT), "PNG")
            print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size // 1024} KB")
            window.close()
        finally:
            book.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
