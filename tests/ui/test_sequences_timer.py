"""The app's timer sends due steps in the background (ui/worker.py) through
app/sequences' run-due, against the real relay and LINE emulator, on a fake clock: each
friend gets each step once, in order, whatever the number of ticks."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.sequences.conftest import T0, THREE_STEPS, Shop, friends  # noqa: F401
from tests.sync.conftest import (  # noqa: F401 - fixtures used by name
    book,
    connected,
    emulator,
    line,
    profile,
    relay,
)


def _tick(window, qtbot) -> None:
    op = window.automation.run_due()
    assert op is not None
    qtbot.waitUntil(lambda: not op.running, timeout=30_000)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_timer_sends_each_step_once_in_order(
        friends: Shop, window, qtbot) -> None:  # noqa: F811
    shop, b = friends, friends.book
    assert window.automation.timer.isActive()
    qtbot.waitUntil(lambda: not window.automation.busy, timeout=30_000)  # the first run
    sid = b.sequences.import_json(THREE_STEPS)
    now = [T0]
    b.sequences.clock = lambda: now[0]
    ids = [cid for cid, _ in shop.friends[:3]]
    assert b.sequences.start(sid, ids, cause="test") == 3
    seqs = window.automation.open_sequences()
    for minutes, sent in ((9, 0), (10, 3), (11, 0), (60 * 48, 3), (60 * 48, 0)):
        now[0] = T0 + dt.timedelta(minutes=minutes)
        _tick(window, qtbot)
        assert window.automation.last_report.sent == sent
    assert "Sent 0, failed 0" in seqs.status.text()
    now[0] = dt.datetime(2026, 12, 4, 1, 0)
    _tick(window, qtbot)
    assert window.automation.last_report.finished == 3
    pushes = [r for r in shop.e.sent() if r["endpoint"] == "push"]
    assert len(pushes) == 9
    for _cid, uid in shop.friends[:3]:
        got = [m for batch in shop.received(uid) for m in batch]
        assert [t[-5:] for t in got if "通目" in t] == ["（1通目）", "（2通目）", "（3通目）"]
    seqs.reload()
    pm = seqs.progress_model
    assert {pm.data(pm.index(r, 1)) for r in range(pm.rowCount())} == {"Finished"}
