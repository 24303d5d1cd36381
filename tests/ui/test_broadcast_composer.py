# ruff: noqa: F811 - the fixtures imported below are parameters by name
"""The broadcast composer against the LINE emulator over HTTP, with the real relay and a
paired book: the plan's numbers, sending to everyone exactly once, the preview as one
recipient reads it, the monthly limit (refused, then trimmed), the test send to the
owner, scheduling, and errors that keep what was typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.broadcast import Rate, Recipients
from tests.broadcast.conftest import Shop
from tests.sync.conftest import book, connected, emulator, line, profile, relay  # noqa: F401
from tests.ui.helpers import write_png
from tests.ui.test_broadcast_support import (
    FRIENDS,
    QUOTA,
    answering,
    bshop,  # noqa: F401 - fixture
    open_composer,
    send_and_wait,
    vip_tag,
    wait_plan,
)
from ui.inbox.bubbles import MessageBubble


def test_plan_shows_the_numbers_then_everyone_gets_it_once(qtbot, bshop: Shop) -> None:
    c = open_composer(qtbot, bshop.book)
    assert c.recipients_box.rb_all.isChecked()  # nothing selected in the table: all friends
    c.message.set_text("冬のセールのお知らせです。")
    c.message.add_bubble("12月1日から10日まで、全品10%オフ。")
    wait_plan(qtbot, c)
    assert c.plan.count == FRIENDS and c.plan.cost == FRIENDS and not c.plan.personal
    summary = c.plan_box.summary.text()
    assert f"Recipients: {FRIENDS} customer(s)" in summary
    assert f"Cost: {FRIENDS} messages" in summary
    assert f"Left this month: {QUOTA:,} messages ({QUOTA - FRIENDS:,} after this one)" \
        in summary
    assert not c.plan_box.quota_message.isVisible() and not c.plan_box.trim_check.isVisible()

    # Asked first, "no" the default: answered no, nothing is stored or sent.
    with answering(qtbot, yes=False) as asked:
        c.send_button.click()
    assert asked.text == f"Send this broadcast to all friends ({FRIENDS} customer(s)) now?"
    assert asked.detail == f"Cost: {FRIENDS} messages. Once sent, it cannot be taken back."
    assert asked.default == "Don't send" and "Send" in asked.buttons
    assert c.editable and c.broadcast_id is None and bshop.book.broadcasts.list() == []
    assert bshop.e.sent() == []

    report = send_and_wait(qtbot, c)
    assert report.state == "done" and report.counts.sent == FRIENDS
    assert c.broadcast_id is not None and not c.editable
    assert c.progress.value() == c.progress.maximum() == FRIENDS
    assert "The broadcast was sent." in c.notice.text()
    # Every friend has it exactly once: one request, both bubbles in it.
    assert set(bshop.times_received("冬のセール").values()) == {1}
    for _cid, uid in bshop.friends:
        assert bshop.received(uid) == [["冬のセールのお知らせです。",
                                        "12月1日から10日まで、全品10%オフ。"]]
    assert bshop.e.quota()["totalUsage"] == FRIENDS
    # Stored: the composer cannot send it a second time.
    assert not c.send_button.isVisible() and c.send() is None
    assert c.message.editors[0].edit.isReadOnly()


def test_preview_as_a_chosen_recipient_then_personalised_pushes(qtbot, bshop: Shop) -> None:
    b = bshop.book
    c = open_composer(qtbot, b, tag_id=vip_tag(b))
    assert c.recipients_box.rb_tag.isChecked()
    c.message.set_text("{名前}様、いつもありがとうございます。")
    c.message.add_bubble("ご予約名: {氏名}")
    wait_plan(qtbot, c)
    vip = bshop.friends[:4]
    assert c.plan.count == 4 and c.plan.personal
    assert [c.preview.recipient.itemData(i) for i in range(c.preview.recipient.count())] == \
        [cid for cid, _uid in vip]
    # add_friends: even ones have a 氏名 "顧客 N", odd ones only the LINE name "友だちN".
    assert c.preview.choose(vip[1][0])
    assert c.preview.shown == ["友だち1様、いつもありがとうございます。", "ご予約名: "]
    assert "Empty for this customer: {氏名}" in c.preview.note.text()
    assert c.preview.choose(vip[2][0])
    assert c.preview.shown == ["顧客 2様、いつもありがとうございます。", "ご予約名: 顧客 2"]
    labels = [w.findChild(type(c.preview.note), "bubbleText").text()
              for w in c.preview.bubbles if isinstance(w, MessageBubble)]
    assert labels == ["顧客 2様、いつもありがとうございます。", "ご予約名: 顧客 2"]
    assert not c.preview.note.isVisible()

    report = send_and_wait(qtbot, c)
    assert report.state == "done" and report.counts.sent == 4
    for i, (_cid, uid) in enumerate(vip):
        name, full = (f"顧客 {i}", f"顧客 {i}") if i % 2 == 0 else (f"友だち{i}", "")
        assert bshop.received(uid) == [[f"{name}様、いつもありがとうございます。",
                                        f"ご予約名: {full}"]]
    for _cid, uid in bshop.friends[4:]:
        assert bshop.received(uid) == []


def test_over_the_quota_is_refused_with_a_message_then_trimmed(qtbot, bshop: Shop) -> None:
    bshop.e.set_quota(type="limited", value=5, total_usage=0)
    c = open_composer(qtbot, bshop.book)
    c.message.set_text("年末年始の営業のお知らせ")
    wait_plan(qtbot, c)
    assert c.plan.exceeds_quota
    assert c.plan_box.quota_message.isVisible()
    assert c.plan_box.quota_message.text().startswith(
        f"This broadcast needs {FRIENDS} messages but only 5 remain this month")
    assert not c.send_button.isEnabled()  # refused until the owner chooses to trim
    assert c.send() is None
    assert bshop.e.sent() == []
    assert c.plan_box.trim_check.isVisible() and \
        "Send it only to the first 5 customer(s) (oldest " \
        "registered first)" in c.plan_box.trim_check.text()
    # Over the limit the summary says how many are missing, not "0 after this one".
    assert f"Cost: {FRIENDS} messages" in c.plan_box.summary.text()
    assert f"Left this month: 5 messages ({FRIENDS - 5} short)" in c.plan_box.summary.text()

    c.plan_box.trim_check.setChecked(True)
    # Trimmed: the cost is what is actually sent.
    assert "Cost: 5 messages (sent to 5 customer(s) only)" in c.plan_box.summary.text()
    assert "Left this month: 5 messages (0 after this one)" in c.plan_box.summary.text()
    c.plan_box.trim_check.setChecked(False)
    assert f"({FRIENDS - 5} short)" in c.plan_box.summary.text()
    c.plan_box.trim_check.setChecked(True)
    report = send_and_wait(qtbot, c)
    assert report.state == "done"
    assert (report.counts.sent, report.counts.not_sent) == (5, FRIENDS - 5)
    got = bshop.times_received("年末年始")
    # The five who joined the book first (the friends were added in this order).
    assert [cid for cid, _uid in bshop.friends] == sorted(cid for cid, _uid in bshop.friends)
    assert [got[uid] for _cid, uid in bshop.friends] == [1] * 5 + [0] * (FRIENDS - 5)


def test_the_quota_shrinking_after_planning_is_refused_and_the_text_kept(
        qtbot, bshop: Shop) -> None:
    c = open_composer(qtbot, bshop.book)
    c.message.set_text("臨時休業のお知らせ")
    c.name_edit.setText("臨時休業")
    wait_plan(qtbot, c)
    assert not c.plan.exceeds_quota
    bshop.e.set_quota(total_usage=QUOTA - 3)  # someone else used the month meanwhile
    with qtbot.waitSignal(c.planned, timeout=30_000), answering(qtbot, yes=True):
        c.send_button.click()  # refused, then planned afresh
    assert "needs more messages than remain in this month's LINE plan" in c.error.text()
    assert c.message.texts() == ["臨時休業のお知らせ"] and c.name_edit.text() == "臨時休業"
    assert c.editable and c.broadcast_id is None
    assert c.plan_box.quota_message.isVisible() and c.plan_box.trim_check.isVisible()
    assert bshop.e.sent() == [] and bshop.book.broadcasts.list() == []
    c.plan_box.trim_check.setChecked(True)  # the owner deals with it: the refusal is gone
    assert not c.error.isVisible()


def test_an_old_count_is_counted_again_before_asking(qtbot, bshop: Shop) -> None:
    """The composer stayed open while a friend followed: pressing send counts again, and
    the question names the fresh number (the plan on screen was over a minute old)."""
    from tests.broadcast.conftest import add_friends
    from ui.broadcast.composer import PLAN_FRESH_S

    c = open_composer(qtbot, bshop.book)
    c.message.set_text("年末年始の営業のお知らせ")
    wait_plan(qtbot, c)
    assert c.plan.count == FRIENDS
    add_friends(bshop.book, bshop.e, 1, start=100)
    c.plan_time -= PLAN_FRESH_S + 1
    with qtbot.waitSignal(c.planned, timeout=30_000), answering(qtbot, yes=False) as asked:
        c.send_button.click()
    assert asked.text == f"Send this broadcast to all friends ({FRIENDS + 1} customer(s)) now?"
    assert c.plan.count == FRIENDS + 1 and c.plan_is_fresh()
    assert bshop.book.broadcasts.list() == [] and bshop.e.sent() == []


def test_a_plan_still_running_when_the_book_closes_is_dropped(qtbot, bshop: Shop) -> None:
    """The window (or a test's end) lets go of the book while a plan runs: its result never
    reaches the composer, which may be on its way out."""
    c = open_composer(qtbot, bshop.book)
    c.message.set_text("閉店のお知らせ")
    op = c.replan()
    assert op is not None and c.planning
    c.release()
    with qtbot.waitSignal(op.finished, timeout=30_000):
        pass
    assert c.plan is None and not c.planning and not c.error.isVisible()
    assert "Recipients:" not in c.plan_box.summary.text()
    assert not c.busy


def test_test_send_needs_the_owner_then_reaches_only_them(qtbot, bshop: Shop) -> None:
    b = bshop.book
    c = open_composer(qtbot, b)
    c.message.set_text("{名前}さん、テスト送信です")
    with qtbot.waitSignal(c.test_sent, timeout=30_000):
        c.test_button.click()
    assert "No customer is marked as the owner's own LINE account." in c.error.text()
    assert "This is my own LINE account" in c.error.text()  # where to mark it
    assert c.message.texts() == ["{名前}さん、テスト送信です"]

    owner_cid, owner_uid = bshop.friends[5]
    b.customers.update(owner_cid, is_owner=True)
    with qtbot.waitSignal(c.test_sent, timeout=30_000) as blocker:
        c.test_button.click()
    assert blocker.args[0].ok
    assert "Test sent to your own LINE account." in c.notice.text()
    assert bshop.received(owner_uid) == [["友だち5さん、テスト送信です"]]
    assert all(bshop.received(uid) == [] for cid, uid in bshop.friends if cid != owner_cid)
    assert c.editable and c.message.texts() == ["{名前}さん、テスト送信です"]  # still to be sent


def test_selected_customers_and_those_not_on_line(qtbot, bshop: Shop) -> None:
    b = bshop.book
    offline = b.customers.create(name="来店のみ 様")  # no LINE: drops out of the count
    picked = [bshop.friends[0][0], bshop.friends[7][0], offline]
    c = open_composer(qtbot, b, selected_ids=picked)
    assert c.recipients_box.rb_selected.isChecked() and \
        "(3 customer(s))" in c.recipients_box.rb_selected.text()
    c.message.set_text("ご来店ありがとうございました")
    wait_plan(qtbot, c)
    assert c.recipients_box.recipients() == Recipients.customers(picked)
    assert c.plan.count == 2
    report = send_and_wait(qtbot, c)
    assert report.counts.sent == 2
    got = bshop.times_received("ご来店")
    assert {uid for uid, n in got.items() if n} == {bshop.friends[0][1], bshop.friends[7][1]}
    assert set(got.values()) == {0, 1}

    only_offline = open_composer(qtbot, b, selected_ids=[offline])
    only_offline.message.set_text("届かない")
    wait_plan(qtbot, only_offline)
    assert only_offline.plan.count == 0 and "Recipients: 0 customer(s)" in \
        only_offline.plan_box.summary.text()
    assert not only_offline.send_button.isEnabled()


def test_scheduling_stores_it_for_later_and_sends_nothing_now(qtbot, bshop: Shop) -> None:
    b = bshop.book
    c = open_composer(qtbot, b)
    c.message.set_text("明日のイベントのご案内")
    c.schedule_box.set_at(
        dt.datetime.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1))
    assert c.send_button.text() == "Schedule"
    wait_plan(qtbot, c)
    c.send_button.click()
    assert "Choose a time in the future" in c.error.text()
    assert c.editable and c.message.texts() == ["明日のイベントのご案内"]
    # Back to "send now": the error about the time no longer applies, even once planned.
    c.schedule_box.rb_now.setChecked(True)
    assert not c.error.isVisible()
    wait_plan(qtbot, c)
    assert not c.error.isVisible() and c.error.text() == ""

    at = dt.datetime.now().replace(second=0, microsecond=0) + dt.timedelta(days=1)
    c.schedule_box.set_at(at)
    with qtbot.waitSignal(c.stored, timeout=30_000) as blocker:
        c.send_button.click()
    info = b.broadcasts.get(blocker.args[0])
    assert info.state == "scheduled"
    local = info.scheduled_at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    assert local == at
    assert "Scheduled for" in c.notice.text() and not c.send_button.isVisible()
    assert bshop.e.sent() == []


def test_a_past_time_with_five_bubbles_brings_the_time_into_view(qtbot, bshop: Shop) -> None:
    from PySide6.QtCore import QDateTime, QPoint, QRect, Qt

    c = open_composer(qtbot, bshop.book)
    for i in range(5):
        c.message.set_text(f"{i + 1}つ目のお知らせ。\n" * 3, i)
    c.resize(c.minimumSize())
    qtbot.wait(50)  # the layout settles
    c.schedule_box.set_at(dt.datetime.now() - dt.timedelta(days=1))
    # Nothing before now on offer: the picker's earliest is now, and the day before moved
    # up to it.
    assert c.schedule_box.at_edit.minimumDateTime() >= QDateTime.currentDateTime().addSecs(-60)
    assert c.schedule_box.at_edit.dateTime() >= c.schedule_box.at_edit.minimumDateTime()
    viewport = c.form_scroll.viewport()
    c.form_scroll.verticalScrollBar().setValue(0)  # the owner is looking at the top

    def time_in_view() -> bool:
        where = QRect(c.schedule_box.at_edit.mapTo(viewport, QPoint(0, 0)),
                      c.schedule_box.at_edit.size())
        return viewport.rect().contains(where)

    assert not time_in_view()  # five bubbles: the time is further down
    wait_plan(qtbot, c)
    c.send()  # the minute picked is no longer in the future
    assert "Choose a time in the future" in c.error.text() and c.error.isVisible()
    assert time_in_view() and c.focusWidget() is c.schedule_box.at_edit
    # Opened again later, the earliest moves on with the clock.
    c.schedule_box.at_edit.setMinimumDateTime(QDateTime.currentDateTime().addDays(-3))
    qtbot.mouseClick(c.schedule_box.at_edit, Qt.MouseButton.LeftButton)
    assert c.schedule_box.at_edit.minimumDateTime() >= QDateTime.currentDateTime().addSecs(-60)
    assert c.error.isVisible()  # moving the earliest is not the owner changing the time


def test_placeholders_from_the_menu_photos_and_unknown_ones(qtbot, bshop: Shop,
                                                            tmp_path: Path) -> None:
    b = bshop.book
    b.fields.create("会員番号", "text")
    c = open_composer(qtbot, b)
    c.message.set_text("こんにちは ")
    c.message.editors[0].edit.moveCursor(c.message.editors[0].edit.textCursor().MoveOperation.End)
    c.message.fill_insert_menu()
    texts = [a.text() for a in c.message.insert_menu.actions() if a.text()]
    assert any(t.endswith("{名前}") for t in texts)
    assert any(t.endswith("{項目:会員番号}") for t in texts)  # Japanese, no "field"
    assert not any("field" in t for t in texts)
    next(a for a in c.message.insert_menu.actions() if a.text().endswith("{名前}")).trigger()
    next(a for a in c.message.insert_menu.actions()
         if a.text().endswith("{項目:会員番号}")).trigger()
    assert c.message.texts() == ["こんにちは {名前}{項目:会員番号}"]
    assert not c.placeholder_warning.isVisible()
    c.message.set_text("{field:会員番号} {項目：会員番号}")  # the older form stays known
    assert not c.placeholder_warning.isVisible()
    c.message.set_text("{お名前} {会員番号}")
    assert c.placeholder_warning.isVisible()
    assert c.placeholder_warning.text().endswith("{会員番号}")  # a typo: the field: is missing

    assert c.message.add_photo(write_png(tmp_path / "menu.png"))
    assert len(c.message.photos) == 1 and len(c.message.bubbles()) == 2
    assert len(c.preview.bubbles) == 2  # the text and the photo
    bad = tmp_path / "not-a-photo.png"
    bad.write_bytes(b"GIF89a not really")
    assert not c.message.add_photo(bad)
    assert "is not a JPEG or PNG photo" in c.error.text()
    for _ in range(3):
        c.message.add_bubble("もう一つ")
    assert len(c.message.editors) + len(c.message.photos) == 5
    assert c.message.add_bubble() is None and not c.message.add_bubble_button.isEnabled()
    assert c.message.texts()[0] == "{お名前} {会員番号}"  # nothing typed was lost on the way


def test_progress_then_stop_sending_midway(qtbot, bshop: Shop) -> None:
    b = bshop.book
    b.broadcasts.rates["push"] = Rate(4.0, 1)  # slow enough to stop it midway
    b.broadcasts.wave["push"] = 2  # progress after every two pushes
    c = open_composer(qtbot, b)
    c.message.set_text("{名前}様だけの特別クーポン")
    wait_plan(qtbot, c)
    assert c.plan.personal and c.plan.count == FRIENDS
    with answering(qtbot, yes=True):
        c.send_button.click()
    qtbot.waitUntil(lambda: c.progress.isVisible() and c.progress.value() >= 2,
                    timeout=30_000)
    assert c.progress.maximum() == FRIENDS and c.cancel_button.isVisible()
    with qtbot.waitSignal(c.finished, timeout=30_000) as blocker:
        c.cancel_button.click()
    report = blocker.args[0]
    assert report.state == "cancelled"
    assert 2 <= report.counts.sent < FRIENDS
    assert report.counts.sent + report.counts.not_sent + report.counts.failed == FRIENDS
    assert "The broadcast was stopped." in c.notice.text()
    got = bshop.times_received("特別クーポン")
    assert set(got.values()) <= {0, 1}  # nobody twice
    assert sum(got.values()) == report.counts.sent
    assert b.broadcasts.get(c.broadcast_id).state == "cancelled"


def test_the_composer_speaks_japanese(qtbot, qapp, bshop: Shop) -> None:
    from ui import i18n

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")  # the conftest fixture removes it afterwards
    bshop.e.set_quota(type="limited", value=5, total_usage=0)
    c = open_composer(qtbot, bshop.book)
    assert c.windowTitle() == "新しい配信"
    assert c.send_button.text() == "今すぐ送信" and \
        c.recipients_box.rb_all.text() == "すべての友だち"
    c.message.set_text("{名前}様 {誕生日} のお祝い")
    assert c.placeholder_warning.text() == \
        "認識できない差し込み（全員にそのまま送られます）：{誕生日}"
    wait_plan(qtbot, c)
    assert c.plan_box.summary.text().split() == ["送信先：12人", "消費：12通",
                                        "今月の残り：5通（7通足りません）"]
    assert c.plan_box.quota_message.text().startswith(
        "この配信には12通が必要ですが、今月の残りは5通")
    assert c.plan_box.trim_check.text() == \
        "登録の古い順に5人だけに送る（残りは「未送信」として記録）"
    c.plan_box.trim_check.setChecked(True)
    assert c.plan_box.summary.text().split() == ["送信先：12人", "消費：5通（5人だけに送信）",
                                        "今月の残り：5通（送信後", "0通）"]
    with qtbot.waitSignal(c.test_sent, timeout=30_000):
        c.test_button.click()
    # The core's words, then where to mark the owner, in Japanese.
    assert c.error.text().startswith(
        "オーナーご自身のLINEアカウントとして設定されたお客様がいません。")
    assert c.error.text().endswith("お客様の一覧でご自分を右クリックし、"
                                   "「自分のLINEアカウント」を選んでください。")
    assert "。 " not in c.error.text()  # Japanese sentences run on, no ASCII space
    # How it ended: one sentence, then the counts with 、 between them.
    c.plan_box.trim_check.setChecked(True)
    with qtbot.waitSignal(c.finished, timeout=60_000) as blocker, \
            answering(qtbot, yes=True) as asked:
        c.send_button.click()
    assert asked.text == "5人に今すぐ送信します。よろしいですか？"  # only as many as remain
    assert asked.detail == "消費：5通。送信すると取り消せません。"
    assert asked.default == "送信しない" and "送信する" in asked.buttons
    report = blocker.args[0]
    assert (report.counts.sent, report.counts.not_sent) == (5, 7)
    assert c.notice.text() == "配信しました。送信：5、未送信：7"


def test_nothing_is_cut_off_at_the_smallest_size(qtbot, qapp, bshop: Shop) -> None:
    """The name has a label; at the dialog's smallest size, over the quota (the longest
    messages), the form, the preview's bubbles and the messages below all fit."""
    from PySide6.QtWidgets import QFrame, QLabel

    from ui import i18n

    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")  # the conftest fixture removes it afterwards
    bshop.e.set_quota(type="limited", value=5, total_usage=0)
    c = open_composer(qtbot, bshop.book)
    assert c.name_label.text() == "配信名(&N)" and c.name_label.buddy() is c.name_edit
    c.name_edit.setText("冬のセール")
    assert c.name_label.isVisible()  # still says what the field is once it is filled
    c.message.set_text("{名前}様、いつもありがとうございます！12月1日〜10日は冬のセール。"
               "全メニュー10%オフです。ご予約はこのトークからどうぞ。" * 2)
    c.message.add_bubble("ご来店を心よりお待ちしております。")
    wait_plan(qtbot, c)
    assert c.plan_box.quota_message.isVisible() and c.plan_box.trim_check.isVisible()
    c._say_error("LINEに接続できませんでした。インターネットの接続を確かめてから、もう一度"
                 "お試しください。入力した内容はそのまま残っています。" * 3)
    for size in ((1180, 740), None):
        if size is None:
            c.resize(c.minimumSize())
        else:
            c.resize(*size)
        # The layout settles through posted events (and the preview's bubbles through a
        # re-render): wait for the sideways scroll bars to go rather than a fixed time,
        # which a loaded machine overruns. They must go: no sideways scrolling.
        qtbot.waitUntil(lambda: c.form_scroll.horizontalScrollBar().maximum() == 0
                        and c.preview.scroll_area.horizontalScrollBar().maximum() == 0,
                        timeout=10_000)
        qapp.processEvents()
        assert c.width() >= 800 and c.height() >= 600  # a usable smallest size
        box = c.findChild(QFrame, "planBox")
        assert c.splitter.geometry().bottom() < box.geometry().top()
        for label in (c.plan_box.summary, c.plan_box.quota_message, c.plan_box.trim_check):
            assert box.rect().contains(label.geometry()), label.objectName()
        assert box.geometry().bottom() < c.error.geometry().top()
        assert c.error.height() >= c.error.heightForWidth(c.error.width())
        assert c.error.geometry().bottom() < c.send_button.geometry().top()
        assert c.plan_box.quota_message.height() >= c.plan_box.quota_message.heightForWidth(
            c.plan_box.quota_message.width())  # every wrapped line has its room
        assert c.form_scroll.horizontalScrollBar().maximum() == 0  # no sideways scrolling
        assert c.preview.scroll_area.horizontalScrollBar().maximum() == 0
        room = c.preview.scroll_area.viewport().width()
        for bubble in c.preview.bubbles:
            for label in bubble.findChildren(QLabel, "bubbleText"):
                assert label.mapTo(c.preview.canvas, label.rect().topRight()).x() < room
        button = c.message.insert_button  # its arrow is text: nothing drawn over the words
        assert button.text().endswith("▾") and button.accessibleName() == "名前・項目を差し込む"
        assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())


def test_a_long_text_says_why_and_splits_into_bubbles(qtbot, bshop: Shop) -> None:
    """The same as the chat's composer: over 5,000 the reason and a split at line ends."""
    from PySide6.QtCore import Qt

    c = open_composer(qtbot, bshop.book)
    news = "\n".join(f"{i}月のお知らせです。" * 25 for i in range(40))  # about 10,000
    c.message.set_text(news)
    editor = c.message.editors[0]
    assert not c.send_button.isEnabled() and not c.test_button.isEnabled()
    assert editor.too_long.isVisible() and "5,000" in editor.too_long.text()
    qtbot.mouseClick(editor.split_button, Qt.MouseButton.LeftButton)
    assert len(c.message.editors) >= 2 and "\n".join(c.message.texts()) == news
    assert all(e.units() <= 5000 for e in c.message.editors)
    assert c.test_button.isEnabled()
