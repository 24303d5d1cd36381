# ruff: noqa: F811 - the fixtures imported below are parameters by name
"""The broadcast history: counts per broadcast, per-recipient results with reasons in the
owner's words, the CSV export, cancelling a scheduled one, keeping up with the book, and
the recipients model paging through a long list. Real relay, emulator and sync."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.broadcast import RecipientResult, Recipients
from tests.broadcast.conftest import Shop
from tests.sync.conftest import book, connected, emulator, line, profile, relay  # noqa: F401
from tests.ui.test_broadcast_support import (  # noqa: F401 - bshop is a fixture
    FRIENDS,
    answering,
    bshop,
    settle,
)
from ui.book_events import BookEvents
from ui.broadcast.history import PAGE, HistoryDialog, RecipientResultsModel
from ui.broadcast.runner import Runner


def _history(qtbot, shop: Shop, events: BookEvents | None = None) -> HistoryDialog:
    dialog = HistoryDialog(shop.book, Runner(shop.book), events=events)
    qtbot.addWidget(dialog, before_close_func=lambda w: settle(qtbot, w))
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _cells(dialog: HistoryDialog, row: int = 0) -> dict[str, str]:
    model = dialog.model
    return {name: model.data(model.index(row, col))
            for col, name in enumerate(model.COLUMNS)}


def _wait_results(qtbot, dialog: HistoryDialog) -> None:
    with qtbot.waitSignal(dialog.results_loaded, timeout=20_000):
        dialog.load_results()


def test_counts_results_with_reasons_and_the_csv(qtbot, qapp, qtmodeltester, bshop: Shop,
                                                 tmp_path: Path) -> None:
    b = bshop.book
    bshop.e.set_quota(type="limited", value=8, total_usage=0)
    plan = b.broadcasts.plan(["ポイント2倍デー", "{名前}様のご来店をお待ちしています"],
                             Recipients.all_friends(), name="ポイント2倍")
    blocked_cid, blocked_uid = bshop.friends[3]
    bshop.e.block(blocked_uid)  # blocks the shop after the plan was made
    bshop.sync()
    bid = b.broadcasts.create(plan, trim_to_quota=True)  # the first 8 by id; 4 not sent
    report = b.broadcasts.run(bid)
    assert (report.counts.sent, report.counts.skipped, report.counts.not_sent) == (7, 1, 4)

    dialog = _history(qtbot, bshop)
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount() == 1
    cells = _cells(dialog)
    assert cells["state"] == "Sent"
    assert cells["recipients"] == f"All friends ({FRIENDS})"
    assert (cells["sent"], cells["failed"], cells["skipped"], cells["not_sent"],
            cells["cost"]) == ("7", "0", "1", "4", "7")  # used: the 7 sent, not the 8 planned
    assert cells["content"] == \
        "【ポイント2倍】 ポイント2倍デー / {名前}様のご来店をお待ちしています"
    assert "Recipients 12 · sent 7 · failed 0 · skipped 1 · not sent 4 · used 7 messages" \
        in dialog.details.text()
    assert "Finished " in dialog.details.text()
    assert "{名前}様のご来店をお待ちしています" in dialog.content.toPlainText()
    assert not dialog.cancel_button.isEnabled()  # finished: nothing to cancel

    _wait_results(qtbot, dialog)
    results = dialog.results
    qtmodeltester.check(results)
    assert results.rowCount() == FRIENDS and dialog.result_count.text() == "12 customer(s)"
    rows = {results.data(results.index(r, 0), 256): (results.data(results.index(r, 0)),
                                                     results.data(results.index(r, 1)),
                                                     results.data(results.index(r, 2)))
            for r in range(results.rowCount())}
    assert rows[bshop.friends[0][0]] == ("顧客 0", "Sent", "")
    assert rows[bshop.friends[1][0]] == ("友だち1", "Sent", "")
    assert rows[blocked_cid] == ("友だち3", "Skipped",
                                 "Blocked your account since it was planned")
    assert rows[bshop.friends[11][0]] == ("友だち11", "Not sent",
                                          "This month's LINE message limit was reached")
    dialog.filter.setCurrentIndex(dialog.filter.findData("not_sent"))
    qtbot.waitUntil(lambda: results.rowCount() == 4, timeout=10_000)
    assert {results.data(results.index(r, 1)) for r in range(4)} == {"Not sent"}

    path = tmp_path / "results.csv"
    op = dialog.export_to(path)
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").split("\r\n")
    assert lines[0] == "顧客ID,名前,結果,理由"
    assert len([line for line in lines[1:] if line]) == FRIENDS
    # The history's words, not the codes (sent, not_sent, quota).
    assert f"{bshop.friends[0][0]},顧客 0,Sent," in lines
    assert f"{blocked_cid},友だち3,Skipped,Blocked your account since it was planned" in lines
    assert f"{bshop.friends[11][0]},友だち11,Not sent,This month's LINE message limit was " \
        "reached" in lines
    assert dialog.result_count.text() == "12 rows saved to results.csv"

    from ui import i18n

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")  # the conftest fixture removes it afterwards
    op = dialog.export_to(path)
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    lines = path.read_bytes()[3:].decode("utf-8").split("\r\n")
    assert f"{bshop.friends[0][0]},顧客 0,送信済み," in lines
    assert f"{blocked_cid},友だち3,スキップ,配信の準備後にブロックされました" in lines
    assert f"{bshop.friends[11][0]},友だち11,未送信,今月のLINEメッセージ通数の上限に達しました" \
        in lines


def test_cancel_a_scheduled_one_and_keep_up_with_the_book(qtbot, bshop: Shop) -> None:
    b = bshop.book
    at = dt.datetime.now() + dt.timedelta(days=2)
    bid = b.broadcasts.create(b.broadcasts.plan(["来週の予約受付"], Recipients.all_friends(),
                                                at=at))
    events = BookEvents(b)
    dialog = _history(qtbot, bshop, events)
    assert _cells(dialog)["state"] == "Scheduled"
    assert "Scheduled for" in dialog.details.text()
    # Waiting: the cost is what it will use, said so.
    assert _cells(dialog)["cost"] == f"{FRIENDS} (planned)"
    assert f"will use {FRIENDS} messages" in dialog.details.text()
    assert dialog.cancel_button.isEnabled()
    # Asked first, "no" the default: answered no, nothing changes.
    with answering(qtbot, yes=False) as asked:
        dialog.cancel_button.click()
    assert asked.text == "Cancel this scheduled broadcast?"
    assert "cannot be undone" in asked.detail
    assert asked.default == "Keep it" and "Cancel it" in asked.buttons
    assert b.broadcasts.get(bid).state == "scheduled" and dialog.cancel_button.isEnabled()
    with answering(qtbot, yes=True):
        dialog.cancel_button.click()
    qtbot.waitUntil(lambda: _cells(dialog)["state"] == "Cancelled", timeout=10_000)
    assert b.broadcasts.get(bid).state == "cancelled"
    assert not dialog.cancel_button.isEnabled()
    assert _cells(dialog)["not_sent"] == str(FRIENDS)
    # Nothing was sent: it used nothing, and the time is when it was cancelled.
    assert _cells(dialog)["cost"] == "0"
    assert "used 0 messages" in dialog.details.text()
    assert "Cancelled " in dialog.details.text() and "Finished" not in dialog.details.text()

    # A broadcast made elsewhere (the composer, the command line) shows up by itself.
    other = b.broadcasts.create(b.broadcasts.plan(["別の配信"], Recipients.all_friends()))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10_000)
    assert dialog.current_id() == bid  # the owner's choice is kept
    assert dialog.select(other) and _cells(dialog)["state"] == "Waiting to send"
    assert dialog.resume_button.isVisible()  # stored, not sending here: it can be sent
    with qtbot.waitSignal(dialog.runner.finished, timeout=30_000):
        dialog.resume_button.click()
    qtbot.waitUntil(lambda: _cells(dialog)["state"] == "Sent", timeout=10_000)
    assert set(bshop.times_received("別の配信").values()) == {1}
    assert set(bshop.times_received("来週の予約受付").values()) == {0}
    dialog.release()
    events.detach()


def test_the_recipients_model_pages_through_a_long_list(qtbot, qtmodeltester,
                                                        bshop: Shop) -> None:
    n = 2 * PAGE + 234
    fake = [RecipientResult(900_000 + i, "sent" if i % 3 else "failed",
                            None if i % 3 else "The user is not a friend")
            for i in range(n)]
    model = RecipientResultsModel(bshop.book)
    model.set_results(fake)
    assert model.rowCount() == PAGE and model.canFetchMore(model.index(-1, -1))
    model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == 2 * PAGE
    model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == n and not model.canFetchMore(model.index(-1, -1))
    # Customers gone from the book keep their number; names are read a page at a time,
    # only for the rows shown.
    assert model.data(model.index(n - 1, 0)) == f"(deleted) #{900_000 + n - 1}"
    assert len(model._names) == n - (n - 1) // 200 * 200
    assert model.data(model.index(0, 2)) == "The user is not a friend"
    qtmodeltester.check(model)
    model.set_results(fake[:10])
    assert model.rowCount() == 10 and not model.canFetchMore(model.index(-1, -1))


def test_every_header_fits_its_column_in_japanese(qtbot, qapp, bshop: Shop) -> None:
    """With the app's looks (its style sheet pads the headers, its Japanese font)."""
    from ui import i18n
    from ui.app import choose_font
    from ui.resources import style_sheet

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")  # the conftest fixture removes it afterwards
    font = qapp.font()
    qapp.setStyleSheet(style_sheet())
    choose_font(qapp)
    try:
        b = bshop.book
        b.broadcasts.create(b.broadcasts.plan(["お知らせ"], Recipients.all_friends()))
        dialog = _history(qtbot, bshop)
        for table in (dialog.table, dialog.result_table):
            header = table.horizontalHeader()
            model = table.model()
            names = [model.headerData(col, header.orientation())
                     for col in range(header.count())]
            assert "スキップ" in names or table is dialog.result_table
            for col in range(header.count() - 1):  # the last one stretches
                assert header.sectionSize(col) >= header.sectionSizeHint(col), names[col]
    finally:
        qapp.setStyleSheet("")
        qapp.setFont(font)
