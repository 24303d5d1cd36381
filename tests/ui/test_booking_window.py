"""The 予約 window on a real encrypted book: the calendar (day with staff as columns, week),
double-click to book, drag to move or resize (with the question whether to notify), status
changes through the service, the lazy list with filters and CSV export, the approval queue,
the menu entry and the customer's bookings in the detail pane; qtmodeltester on the model."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.book import Book
from app.booking.errors import SlotTakenError
from app.booking.service import BookingService, Status
from tests.sync.conftest import line, relay  # noqa: F401  (fixtures: a real relay, LINE)
from ui.booking.models import PAGE, BookingListModel
from ui.booking.window import BookingWindow

EXAMPLE = Path(__file__).parents[1] / "booking" / "salon_example.json"
MON = dt.date(2026, 12, 7)
_timers: list[QTimer] = []


def at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(h), int(m)))


def answer_next_box(button: QMessageBox.StandardButton) -> list[str]:
    """Once the next message box shows, press ``button``; the texts it showed."""
    seen: list[str] = []
    timer = QTimer()

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            timer.stop()
            seen.append(box.text())
            box.button(button).click()

    timer.timeout.connect(look)
    timer.start(20)
    _timers.append(timer)
    return seen


def setup_example(book: Book, **changes: Any) -> BookingService:
    service = BookingService(book)
    service.save_setup(json.loads(EXAMPLE.read_text(encoding="utf-8")) | changes)
    return service


@pytest.fixture
def service(book: Book) -> BookingService:
    return setup_example(book)


@pytest.fixture
def win(book: Book, service: BookingService, qtbot) -> Iterator[BookingWindow]:
    w = BookingWindow(book)
    qtbot.addWidget(w)
    w.resize(1000, 760)
    w.show()
    qtbot.waitExposed(w)
    w.calendar.go(MON)
    yield w
    w.close()


def test_not_set_up_says_how(book: Book, qtbot) -> None:
    w = BookingWindow(book)
    qtbot.addWidget(w)
    assert w.pages.currentWidget() is w.not_set_up
    assert "booking setup" in w.not_set_up.text()


def test_day_view_has_staff_columns_and_reads_only_the_day(
        win: BookingWindow, service: BookingService) -> None:
    service.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato")
    win.calendar.go(MON)
    titles = [lane.title for lane in win.calendar.lanes()]
    assert titles[:2] == ["佐藤", "鈴木"]  # then the class lane (the example has one)
    assert win.calendar.queries[-1] == (MON, MON)
    assert len(win.calendar.bookings) == 1
    win.set_mode("week")
    assert win.calendar.queries[-1] == (MON, MON + dt.timedelta(days=6))
    assert len(win.calendar.lanes()) == 7 * len(win.calendar.staff_lanes())
    assert "12/7" in win.range_label.text() and "12/13" in win.range_label.text()
    win._shift(1)
    assert win.calendar.queries[-1] == (MON + dt.timedelta(days=7),
                                        MON + dt.timedelta(days=13))
    assert win.calendar.bookings == []


def test_double_click_an_empty_time_books(win: BookingWindow, service: BookingService,
                                          book: Book, qtbot) -> None:
    cal = win.calendar
    suzuki = next(n for n, lane in enumerate(cal.lanes()) if lane.staff_id == "suzuki")
    x = int(48 + (suzuki + 0.5) * cal._lane_width())
    y = int(cal.y_of(at(MON, "14:00")) + 2)
    with qtbot.waitSignal(cal.create_requested) as sig:
        QTest.mouseDClick(cal, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    assert sig.args == [at(MON, "14:00"), "suzuki"]
    dialog = win.last_dialog
    assert dialog.staff_id() == "suzuki" and dialog.start() == at(MON, "14:00")
    dialog.search.setText("田中")
    assert dialog.customers.count() == 2  # the walk-in line and 田中 太郎
    assert dialog.customer_id() is not None
    dialog.menu.setCurrentIndex(dialog.menu.findData("cut"))
    dialog.accept()
    made = service.list(MON, MON)
    assert [(b.menu_id, b.staff_id, b.start) for b in made] == [
        ("cut", "suzuki", at(MON, "14:00"))]
    assert [b.id for b in cal.bookings] == [made[0].id]
    # The same time again: taken, said in the owner's words, nothing booked.
    answer_next_box(QMessageBox.StandardButton.Ok)
    dialog = win.create_at(at(MON, "14:00"), "suzuki")
    assert dialog is not None
    dialog.menu.setCurrentIndex(dialog.menu.findData("cut"))
    dialog.accept()
    assert isinstance(win.last_error, SlotTakenError)
    assert len(service.list(MON, MON)) == 1


def drag(cal: Any, start: QPoint, end: QPoint) -> None:
    QTest.mousePress(cal, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(cal, QPoint(start.x(), start.y() + 5))
    QTest.mouseMove(cal, end)
    QTest.mouseRelease(cal, Qt.MouseButton.LeftButton, pos=end)


def test_drag_moves_and_asks_whether_to_notify(win: BookingWindow, book: Book) -> None:
    from tests.booking.test_messages import MESSAGES

    service = setup_example(book, messages=MESSAGES)
    customer = book.customers.create(name="移動 花子", line_user_id="U" + "f" * 32)
    b = service.make(menu_id="cut", start=at(MON, "13:00"), staff_id="sato",
                     customer_id=customer)
    win.reload()
    moved: list[tuple[str, bool]] = []
    win.on_moved = lambda info, notify: moved.append((info.id, notify))
    cal = win.calendar
    rect = cal.rect_of(cal.bookings[0])
    assert rect is not None
    origin = rect.center().toPoint()
    suzuki = next(n for n, lane in enumerate(cal.lanes()) if lane.staff_id == "suzuki")
    target_x = int(48 + (suzuki + 0.5) * cal._lane_width())
    hour = cal._per_minute() * 60
    seen = answer_next_box(QMessageBox.StandardButton.Yes)
    drag(cal, origin, QPoint(target_x, int(origin.y() + hour)))
    after = service.get(b.id)
    assert (after.staff_id, after.start, after.end) == ("suzuki", at(MON, "14:00"),
                                                        at(MON, "15:00"))
    assert moved == [(b.id, True)] and len(seen) == 1
    # Cancel in the question: nothing changes.
    rect = cal.rect_of(cal.bookings[0])
    assert rect is not None
    answer_next_box(QMessageBox.StandardButton.Cancel)
    origin = rect.center().toPoint()
    drag(cal, origin, QPoint(origin.x(), int(origin.y() + hour)))
    assert service.get(b.id).start == at(MON, "14:00")
    # The bottom edge resizes: half an hour longer, without notice.
    rect = cal.rect_of(cal.bookings[0])
    assert rect is not None
    edge = QPoint(int(rect.center().x()), int(rect.bottom() - 2))
    answer_next_box(QMessageBox.StandardButton.No)
    drag(cal, edge, QPoint(edge.x(), int(edge.y() + hour / 2)))
    after = service.get(b.id)
    assert (after.start, after.end) == (at(MON, "14:00"), at(MON, "15:30"))
    assert moved[-1] == (b.id, False)


def test_status_changes_go_through_the_service(win: BookingWindow, service: BookingService,
                                               book: Book, seeded) -> None:
    tanaka = seeded.customers["田中"]
    came = service.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato",
                        customer_id=tanaka)
    gone = service.make(menu_id="cut", start=at(MON, "12:00"), staff_id="suzuki")
    off = service.make(menu_id="cut", start=at(MON, "15:00"), staff_id="suzuki")
    win.reload()
    menu = win.status_menu(came.id)
    texts = {a.text(): a for a in menu.actions()}
    assert not texts[win.action_texts()["approve"]].isEnabled()
    texts[win.action_texts()["visited"]].trigger()
    win.set_status(gone.id, "no_show")
    win.set_status(off.id, "cancel")
    assert [service.get(x.id).status for x in (came, gone, off)] == [
        Status.VISITED, Status.NO_SHOW, Status.CANCELLED]
    assert book.fields.values_of(tanaka)[seeded.fields["来店回数"]] == 13  # was 12
    assert off.id not in [b.id for b in win.calendar.bookings]  # cancelled frees the time
    # Refused (already visited): said, nothing changed.
    answer_next_box(QMessageBox.StandardButton.Ok)
    win.set_status(came.id, "no_show")
    assert service.get(came.id).status == Status.VISITED


def test_list_filters_lazily_and_exports(win: BookingWindow, service: BookingService,
                                         tmp_path: Path, qtmodeltester) -> None:
    first = MON
    for week in range(3):
        for hour in ("10:00", "12:00", "14:00", "16:00"):
            day = first + dt.timedelta(days=7 * week)
            service.make(menu_id="cut", start=at(day, hour), staff_id="sato")
    win.date_from.setDate(first)
    win.date_to.setDate(first + dt.timedelta(days=20))
    assert win.list_model.rowCount() == 12
    qtmodeltester.check(win.list_model, force_py=False)
    qtmodeltester.check(win.list_model, force_py=True)
    assert win.list_model.data(win.list_model.index(0, 0)) == "2026-12-07 10:00–11:00"
    assert win.list_model.data(win.list_model.index(0, 2)) == "佐藤"
    win.staff_filter.setCurrentIndex(win.staff_filter.findData("suzuki"))
    assert win.list_model.rowCount() == 0
    win.staff_filter.setCurrentIndex(0)
    win.date_to.setDate(first + dt.timedelta(days=6))
    assert win.list_model.rowCount() == 4
    out = tmp_path / "b.csv"
    assert win.export_csv(out) == 4
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["予約ID", "日時", "終了"] and len(rows) == 5
    assert {r[3] for r in rows[1:]} == {"カット"}


def test_the_model_holds_ids_and_reads_rows_a_page_at_a_time(
        book: Book, service: BookingService, qapp) -> None:
    # Two real rows and many ids no longer in the book (deleted meanwhile): enough to
    # see that rows are read a page at a time, only when shown.
    real = [service.make(menu_id="cut", start=at(MON, h), staff_id="sato").id
            for h in ("10:00", "12:00")]
    model = BookingListModel(service)
    model.set_ids(real + [f"missing{n}" for n in range(3 * PAGE)], service.setup())
    assert model.fetches == 0  # nothing read until a row is shown
    assert model.data(model.index(0, 1)) == "カット"
    assert model.fetches == 1
    model.data(model.index(1, 1))
    assert model.fetches == 1  # the same page
    assert model.booking(2 * PAGE) is None  # unknown ids: no row, no crash
    assert model.fetches == 2


def test_approval_queue(book: Book, qtbot, qtmodeltester) -> None:
    service = setup_example(book, approval=True)
    pending = service.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato",
                           source="relay")
    other = service.make(menu_id="cut", start=at(MON, "13:00"), staff_id="sato",
                         source="relay")
    w = BookingWindow(book)
    qtbot.addWidget(w)
    assert w.queue_model.rowCount() == 2 and "(2)" in w.tabs.tabText(2)
    qtmodeltester.check(w.queue_model, force_py=False)
    w.queue_view.selectRow(0)
    w.btn_approve.click()
    assert service.get(pending.id).status == Status.BOOKED
    assert w.queue_model.rowCount() == 1
    w.queue_view.selectRow(0)
    w.btn_decline.click()
    assert service.get(other.id).status == Status.CANCELLED
    assert w.queue_model.rowCount() == 0 and w.tabs.tabText(2) == "Approval queue"


@pytest.mark.qt_log_ignore("This plugin does not support raise", extend=True)
def test_menu_entry_and_the_detail_pane(window, seeded, qtbot) -> None:
    assert window.findChild(object, "actBookings") is not None
    assert window.booking.act_open not in window.toolbar.actions()
    assert window.booking.menu.menuAction() in window.menuBar().actions()
    service = setup_example(seeded.book)
    tanaka = seeded.customers["田中"]
    service.make(menu_id="color", start=at(MON, "10:00"), staff_id="sato",
                 customer_id=tanaka)
    window.content.events.flush()
    model, view = window.content.model, window.content.view
    view.selectRow(model.row_of(tanaka))  # selecting in the table fills the pane
    pane = window.booking.pane
    assert window.content.detail.customer_id == tanaka
    assert pane is not None and pane.isVisibleTo(window)
    assert pane.list.count() == 1
    assert "カラー" in pane.list.item(0).text() and "Booked" in pane.list.item(0).text()
    view.selectRow(model.row_of(seeded.customers["山田"]))
    assert pane.list.count() == 0 and pane.empty.isVisibleTo(window)
    opened = window.booking.open()
    assert opened is not None and opened.isVisible()
    assert opened.setup is not None


def test_no_question_when_nothing_would_be_sent(win: BookingWindow, service: BookingService,
                                               book: Book, seeded) -> None:
    # The example has no messages: moving 田中's booking asks nothing.
    b = service.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato",
                     customer_id=seeded.customers["田中"])
    moved: list[bool] = []
    win.on_moved = lambda _info, notify: moved.append(notify)
    win.move_booking(b.id, at(MON, "11:00"), "sato", None)
    assert moved == [False] and service.get(b.id).start == at(MON, "11:00")
    # With messages, a customer who is not a LINE friend (佐藤 健) is not asked about either.
    setup_example(book, messages={"change": "x"})
    win.reload()
    other = service.make(menu_id="cut", start=at(MON, "14:00"), staff_id="sato",
                         customer_id=seeded.customers["佐藤"])
    win.move_booking(other.id, at(MON, "15:00"), "sato", None)
    assert moved == [False, False]


def test_the_notify_answer_queues_the_notice(book: Book, seeded, qtbot) -> None:
    from app.booking.messages import BookingMessages
    from tests.booking.test_messages import MESSAGES

    service = setup_example(book, messages=MESSAGES)
    w = BookingWindow(book)
    qtbot.addWidget(w)
    tanaka = seeded.customers["田中"]  # a LINE friend
    b = service.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato",
                     customer_id=tanaka)
    answer_next_box(QMessageBox.StandardButton.No)
    w.move_booking(b.id, at(MON, "11:00"), "sato", None)
    assert service.get(b.id).start == at(MON, "11:00")
    assert BookingMessages(book).history(b.id) == []
    seen = answer_next_box(QMessageBox.StandardButton.Yes)
    w.move_booking(b.id, at(MON, "12:00"), "sato", None)
    assert seen == ["Tell the customer about the new time in LINE?"]
    assert [(m.kind, m.state) for m in BookingMessages(book).history(b.id)] == [
        ("change:2", "queued")]
    seen = answer_next_box(QMessageBox.StandardButton.Yes)
    w.set_status(b.id, "cancel")
    assert seen == ["Tell the customer in LINE that the booking is cancelled?"]
    assert [m.kind for m in BookingMessages(book).history(b.id)] == [
        "change:2", "cancellation"]


def test_late_messages_are_said(win: BookingWindow) -> None:
    from app.booking.messages import RunReport

    assert win.show_messages_report(RunReport()) == ""
    text = win.show_messages_report(RunReport(sent=3, late=[("a", "reminder:0", 185),
                                                            ("b", "reminder:1", 20)]))
    assert "3 booking message" in text and "2 of them went late (up to 3 hour" in text
    assert win.messages_note.isVisibleTo(win)


@pytest.mark.qt_log_ignore("This plugin does not support raise", extend=True)
def test_the_window_sends_what_came_due_and_says_how_late(
        window, seeded, relay, line, qtbot) -> None:  # noqa: F811
    """The main window's timer runs the messages due (here: now) against LINE: a reminder
    whose time passed while Otokui was off goes once, and the window says how late."""
    from sqlalchemy import update

    from app.booking.messages import BookingMessages
    from app.booking.service import shop_now
    from app.store.models_booking import Booking
    from app.sync.pairing import connect
    from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET

    book = seeded.book
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url)
    now = shop_now()
    due = max(now - dt.timedelta(minutes=90), dt.datetime.combine(now.date(), dt.time()))
    service = BookingService(book)
    service.save_setup({
        "hours": {"daily": [["10:00", "19:00"]]}, "holidays": {"japan": False},
        "menus": [{"id": "cut", "name": "カット", "duration": 60}],
        "messages": {"reminders": [{"days_before": 1, "at": f"{due:%H:%M}",
                                    "text": "明日{日時}にお待ちしています"}]}})
    uid = line.emulator.add_user("予約 花子", notify=False)
    cid = book.customers.create(name="予約 花子", line_user_id=uid)
    b = service.make(menu_id="cut", start=dt.datetime.combine(
        now.date() + dt.timedelta(days=1), dt.time(12)), customer_id=cid)
    with book.db.write() as s:  # booked last month, before the reminder's time
        s.execute(update(Booking).values(created_at=dt.datetime(2026, 11, 1)))
    op = window.booking.run_due_now()
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=30_000):
        pass
    report = window.booking.last_report
    assert report is not None and report.sent == 1
    texts = [m.get("text", "") for item in line.emulator.inbox(uid) for m in item["messages"]]
    assert texts == [f"明日{b.start.month}月{b.start.day}日"
                     f"({'月火水木金土日'[b.start.weekday()]}) 12:00にお待ちしています"]
    late = (now - due).total_seconds() // 60
    if late >= 1:  # always, but between 00:00 and 00:01 in Japan
        opened = window.booking.booking_window
        assert opened is not None and opened.messages_note.isVisibleTo(opened)
        assert "1 of them went late" in opened.messages_note.text()
    op = window.booking.run_due_now()
    if op is not None:
        with qtbot.waitSignal(op.finished, timeout=30_000):
            pass
    assert [m.kind for m in BookingMessages(book).history(b.id)] == ["reminder:0"]
    assert len(line.emulator.inbox(uid)) == 1


def test_conflicts_are_shown_and_decided(book: Book, qtbot) -> None:
    """A booking the relay took for a time the book had given away meanwhile is listed in
    its own tab; the owner books it anyway or drops it (app/booking/sync.resolve)."""
    from app.booking.sync import CONFLICTS_KEY, _add, conflicts

    service = setup_example(book)
    hanako = book.customers.create(display_name="はなこ")
    for n, (start, who) in enumerate(((at(MON, "10:00"), hanako), (at(MON, "11:00"), None))):
        _add(book, CONFLICTS_KEY, {
            "hold_id": f"h{n:031d}", "menu_id": "cut", "staff_id": "sato",
            "start": start.strftime("%Y-%m-%dT%H:%M"), "customer_id": who, "answers": {},
            "reason": "taken"}, same="hold_id")
    w = BookingWindow(book)
    qtbot.addWidget(w)
    assert w.conflicts_table.rowCount() == 2 and "(2)" in w.tabs.tabText(3)
    assert w.conflicts_table.item(0, 3).text() == "はなこ"
    w.conflicts_table.selectRow(0)
    w.btn_conflict_book.click()
    assert service.get("h" + "0" * 31).status == Status.BOOKED  # booked anyway
    assert w.conflicts_table.rowCount() == 1
    w.conflicts_table.selectRow(0)
    w.btn_conflict_drop.click()
    assert conflicts(book) == [] and w.conflicts_table.rowCount() == 0
    assert w.tabs.tabText(3) == "Conflicts" and not w.btn_conflict_book.isEnabled()


def test_the_waitlist_shows_who_waits_freed_times_and_removal(book: Book, qtbot,
                                                               qtmodeltester) -> None:
    """キャンセル待ち: waiters come from the relay's sealed wait items (applied as on sync);
    the tab shows who waits for which time, whether the book has that time free now (the
    next publish offers it), who got a freed time, and the owner takes one off the list
    (sent to the relay with the next publish)."""
    from app.booking.service import publish_payload
    from app.booking.sync import apply_item, waiters
    from relay.booking import front
    from ui.booking.waitlist import BOOKED, FREE, REMOVED, WAITING, load_waiters

    service = setup_example(book)
    taker = book.customers.create(display_name="先に予約した人")
    service.make(menu_id="cut", start=at(MON, "10:00"), staff_id="sato", customer_id=taker,
                 now=at(MON - dt.timedelta(days=1), "09:00"))
    uid_a, uid_b, uid_c = ("U" + c * 32 for c in "abc")
    for n, (uid, hhmm) in enumerate(((uid_a, "10:00"), (uid_b, "14:00"), (uid_c, "16:00"))):
        assert apply_item(book, front.wait_item(
            wait_id=f"{n:032x}", menu_id="cut", staff_id="sato", start=at(MON, hhmm),
            token="", at_ms=n, line_user_id=uid)) == "waiting"
    # The relay gave 16:00 to its waiter (a freed time): the booking names the wait id.
    assert apply_item(book, front.booking_item(
        hold_id="f" * 32, menu_id="cut", staff_id="sato", start=at(MON, "16:00"), token="",
        answers={}, taken_at_ms=5, wait_id=f"{2:032x}")) == "booked"
    assert service.get("f" * 32).customer_id == book.customers.by_line_user_id(uid_c)
    for uid, name in ((uid_a, "待つ人A"), (uid_b, "待つ人B")):
        book.customers.update(book.customers.by_line_user_id(uid), name=name)

    w = BookingWindow(book)
    qtbot.addWidget(w)
    assert w.setup is not None
    w.waitlist_model.set_waiters(load_waiters(book, w.setup, MON))  # as seen on MON
    qtmodeltester.check(w.waitlist_model, force_py=False)
    qtmodeltester.check(w.waitlist_model, force_py=True)
    rows = [w.waitlist_model.waiter(r) for r in range(w.waitlist_model.rowCount())]
    assert [(r.start.strftime("%H:%M"), r.customer, r.state) for r in rows if r] == [
        ("10:00", "待つ人A", WAITING), ("14:00", "待つ人B", FREE), ("16:00", "", BOOKED)]
    assert w.waitlist_model.data(w.waitlist_model.index(2, 3)) == "—"  # no name yet
    assert w.waitlist_model.data(w.waitlist_model.index(1, 4)) == \
        "Free now: offered at the next publish"
    assert w.waitlist_model.waiting() == 2

    w.waitlist_view.selectRow(0)
    assert w.remove_selected_waiter()
    [a] = [x for x in waiters(book) if x["wait_id"] == f"{0:032x}"]
    assert a["state"] == REMOVED
    assert publish_payload(book, at(MON - dt.timedelta(days=1), "09:00"))["unwait"] == [
        f"{0:032x}"]


def test_offer_freed_times_publishes_in_the_background(book: Book, relay, line,  # noqa: F811
                                                       qtbot) -> None:
    """「空いた時間をいま案内する」 publishes the free times to the relay (which then gives
    freed times to the waiters): before it the friend's page has nothing, after it the
    menus."""
    import httpx

    from app.booking.service import booking_link
    from app.booking.sync import apply_item
    from app.sync.pairing import connect
    from relay.booking import front
    from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET

    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url)
    setup_example(book)
    uid = "U" + "d" * 32
    apply_item(book, front.wait_item(wait_id="e" * 32, menu_id="cut", staff_id=None,
                                     start=at(MON + dt.timedelta(days=400), "10:00"),
                                     token="", at_ms=1, line_user_id=uid))
    w = BookingWindow(book)
    qtbot.addWidget(w)
    assert w.btn_offer.isEnabled() and "(1)" in w.tabs.tabText(4)
    url = booking_link(book, uid)
    assert httpx.get(url).status_code == 404  # nothing published yet
    op = w.offer_freed_times()
    with qtbot.waitSignal(op.finished, timeout=30_000):
        pass
    assert w.last_error is None
    page = httpx.get(url)
    assert page.status_code == 200 and "カット" in page.text
