"""Screenshots of the 分析 window on the demo's book, in Japanese (docs/analytics.md).

Run from the repository root (needs xvfb and fonts-noto-cjk, as bench/screenshots.py)::

    .venv/bin/python -m bench.screenshots_analytics      # re-runs itself under xvfb-run

Writes ``docs/screenshots/analytics.png`` (the dashboard over the last three months, per
week, compared with the three months before) and ``docs/screenshots/analytics-crosstab.png``
(the cross tabulation 来店状況 tags × prefecture). ``QT_QPA_PLATFORM=offscreen`` works too
(no xvfb), with the same fonts.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from bench.shots import settle, under_xvfb

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZE = (1440, 1000)


def _wait(app, condition, timeout_s: float = 30) -> None:
    end = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > end:
            raise SystemExit("the figures were not computed in time")
        settle(app, 50)


def main() -> int:
    code = under_xvfb("bench.screenshots_analytics")
    if code is not None:
        return code
    import keyring
    from PySide6.QtCore import QSettings

    from app.analytics.period import JST, Period
    from tests.support.keyrings import MemoryKeyring
    from ui import i18n
    from ui.app import choose_font, create_application, open_demo_window
    from ui.resources import style_sheet
    from ui.settings import Settings

    keyring.set_keyring(MemoryKeyring())
    app = create_application([sys.argv[0]])
    i18n.compile_if_stale()
    i18n.install_translators(app, "ja")
    app.setStyleSheet(style_sheet())
    if choose_font(app) is None:
        print("warning: no Japanese font found (apt-get install fonts-noto-cjk)")
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="otokui-shots-"))
    settings = Settings(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
    window = open_demo_window(settings, seed=11)
    if window is None:
        raise SystemExit("the demo did not start")
    window.resize(1280, 800)
    window.show()
    settle(app, 6_000)  # the live friends arrive
    analytics = window.analytics.open()
    assert analytics is not None
    analytics.resize(*SIZE)
    page = analytics.dashboard
    today = dt.datetime.now(JST).date()
    page.grain.blockSignals(True)
    page.grain.setCurrentIndex(page.grain.findData("week"))
    page.grain.blockSignals(False)
    page.set_period(Period(today - dt.timedelta(days=90), today))
    wanted = page.period()
    _wait(app, lambda: page.data is not None and page.data.period == wanted
          and not page.busy)
    settle(app, 500)
    path = OUT / "analytics.png"
    analytics.grab().save(str(path), "PNG")
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")

    cross = analytics.show_crosstab()
    _wait(app, lambda: cross.tab is not None and not cross.busy)
    settle(app, 300)
    cross.view.setCurrentIndex(cross.model.index(1, 0))
    settle(app, 200)
    path = OUT / "analytics-crosstab.png"
    analytics.grab().save(str(path), "PNG")
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    analytics.close()
    window.close()
    settle(app, 300)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
