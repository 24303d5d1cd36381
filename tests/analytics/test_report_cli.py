"""``main.py report``: a real subprocess writes the same numbers the figures give."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from app.analytics import figures
from app.analytics.crosstab import Dimension, crosstab
from app.analytics.period import Period
from tests.core.test_cli import otokui

PERIOD = Period(dt.date(2026, 9, 20), dt.date(2026, 11, 10))
PASS = "しっかりした合言葉 2026"


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_report_csv_matches_the_figures(history: tuple, tmp_path: Path) -> None:
    book, _ = history
    with book.db.read() as s:
        friends = figures.friends(s, PERIOD, "week")
        msgs = figures.messages(s, PERIOD, "week")
        tab = crosstab(s, Dimension("tag"), Dimension("prefecture"))
        forms = figures.forms(s, PERIOD)
    profile = book.profile.root
    book.close()
    args = ("--from", "2026-09-20", "--to", "2026-11-10", "--by", "week")

    out = tmp_path / "friends.csv"
    r = otokui(profile, "report", "friends", *args, "--csv", str(out), passphrase=PASS)
    assert r.returncode == 0, r.stderr
    rows = _read(out)
    assert rows[0] == ["bucket", "added", "blocked", "unblocked", "net"]
    assert rows[1:len(friends.rows) + 1] == [
        [x.bucket.isoformat(), str(x.added), str(x.blocked), str(x.unblocked), str(x.net)]
        for x in friends.rows]

    r = otokui(profile, "report", "response-time", *args, passphrase=PASS)
    assert r.returncode == 0, r.stderr
    period_line = r.stdout.splitlines()[1].split("\t")
    assert period_line[:3] == ["period", str(msgs.responses), str(msgs.response_median_s)]

    out = tmp_path / "cross.csv"
    r = otokui(profile, "report", "crosstab", "--rows", "tag", "--cols", "prefecture",
               "--csv", str(out), passphrase=PASS)
    assert r.returncode == 0, r.stderr
    rows = _read(out)
    assert [int(x) for x in rows[1][1:-1]] == tab.counts[0]
    assert rows[-1][-1] == str(tab.total)

    out = tmp_path / "forms.csv"
    r = otokui(profile, "report", "forms", *args, "--csv", str(out), passphrase=PASS)
    assert r.returncode == 0, r.stderr
    assert _read(out)[1][5] == str(forms[0].answers)

    r = otokui(profile, "report", "friends", "--from", "2026-12-31", "--to", "2026-12-01",
               passphrase=PASS)
    assert r.returncode == 2 and "ends before" in r.stderr
