"""The friend's booking pages over real loopback HTTP: publish per resource and step, a
friend books through the pages, the sealed booking is applied on sync (idempotently) and
acknowledged on the next publish; cancel; the clear pages (taken, past, deleted menu,
double post); a conflict with a booking the owner made meanwhile is kept for the owner.
The relay (database and log) holds nothing personal readable (the ``line`` fixture)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.book import Book
from app.booking.service import BookingService, booking_link, publish, publish_payload
from app.booking.sync import conflicts, resolve
from relay.booking import front
from relay.booking.schema import booking_entries, booking_holds
from tests.relay.harness import ManualClock, ThreadRelay
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker

EXAMPLE = Path(__file__).parents[1] / "booking" / "salon_example.json"
#: Monday 2026-12-07 08:00 in Japan: the salon opens at 10:00, notice 120 minutes.
NOW = dt.datetime(2026, 12, 7, 8, 0)
NOW_S = NOW.replace(tzinfo=dt.timezone(dt.timedelta(hours=9))).timestamp()


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock(NOW_S))
    yield running
    running.stop()


def set_up(book: Book, example: dict[str, Any] | None = None) -> BookingService:
    service = BookingService(book)
    service.save_setup(example or json.loads(EXAMPLE.read_text(encoding="utf-8")))
    publish(book, now=NOW)
    return service


def csrf(page: str) -> str:
    found = re.search(r'name="_csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def friend(connected: Connected, name: str = "はなこ") -> tuple[str, str]:
    uid = connected.emulator.add_user(name)
    return uid, booking_link(connected.book, uid, now_s=NOW_S)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_publish_sends_capacity_per_resource_and_step_and_the_menus(book: Book) -> None:
    BookingService(book).save_setup(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    payload = publish_payload(book, NOW)
    slots = payload["slots"]
    assert slots["*|sato|2026-12-07T10:00"] == 1 and slots["*|suzuki|2026-12-07T12:00"] == 1
    assert "*|suzuki|2026-12-07T11:45" not in slots  # before his shift
    assert "*|sato|2026-12-08T10:00" not in slots  # Tuesday: closed
    assert not any(k.startswith(("cut|", "color|")) for k in slots)  # no per-menu keys
    assert slots["lesson|-|2026-12-12T09:00"] == 2  # a class session keeps its own key
    config = front.parse_config(payload["config"])
    assert [m for m in config.menus] == ["cut", "color", "lesson"]  # spa is hidden
    color = config.menus["color"]
    assert (color.duration, color.buffer_after, color.staff) == (90, 15, ("sato",))
    # A color at 10:30 takes the steps 10:30 … 12:00 of sato, the ones a cut at 11:00 needs.
    keys = front.window_keys(config, color, "sato", dt.datetime(2026, 12, 7, 10, 30))
    assert keys[0] == "*|sato|2026-12-07T10:30" and keys[-1] == "*|sato|2026-12-07T12:00"
    cut = front.window_keys(config, config.menus["cut"], "sato",
                            dt.datetime(2026, 12, 7, 11, 0))
    assert set(keys) & set(cut)
    assert "U" not in json.dumps(payload["config"])  # nothing about a friend


def test_a_friend_books_through_the_pages_and_the_book_has_it(connected: Connected) -> None:
    book = connected.book
    service = set_up(book)
    uid, url = friend(connected)
    with httpx.Client(base_url=connected.relay.base_url) as http:
        menus = http.get(path_of(url))
        assert menus.status_code == 200 and "カット" in menus.text
        assert "ヘッドスパ" not in menus.text
        assert menus.headers["content-security-policy"].startswith("default-src 'none'")
        staff = http.get(path_of(url) + "/m/color")
        assert "指名なし" in staff.text and "佐藤" in staff.text and "鈴木" not in staff.text
        days = http.get(path_of(url) + "/m/color/any")
        assert "12月7日（月）" in days.text and ">10:00<" in days.text
        assert ">09:45<" not in days.text  # notice: not before 10:00
        confirm_path = path_of(url) + "/m/color/any/2026-12-07T10:00"
        page = http.get(confirm_path)
        assert "アレルギー" in page.text and "7,700円" in page.text
        token = csrf(page.text)
        done = http.post(confirm_path, data={"_csrf": token, "allergy": "なし"})
        assert done.status_code == 200 and "予約しました" in done.text
        again = http.post(confirm_path, data={"_csrf": token, "allergy": "なし"})
        assert again.status_code == 200 and "予約は1件です" in again.text
        hold = re.search(r"/ics/([0-9a-f]{32})", done.text)
        assert hold
        ics = http.get(path_of(url) + f"/ics/{hold.group(1)}")
        assert ics.headers["content-type"].startswith("text/calendar")
        assert "DTSTART:20261207T010000Z" in ics.text and "SUMMARY:カラー" in ics.text
        # sato's 10:00-11:45 is gone for a cut too (the same steps), 12:00 is free.
        days = http.get(path_of(url) + "/m/cut/sato?day=2026-12-07")
        assert ">10:00<" not in days.text and ">11:00<" not in days.text
        assert ">11:45<" in days.text
        taken = http.post(path_of(url) + "/m/cut/sato/2026-12-07T11:00",
                          data={"_csrf": csrf(http.get(
                              path_of(url) + "/m/cut/sato/2026-12-07T12:00").text)})
        assert taken.status_code == 403  # the token was for another page: not booked
        late = http.get(path_of(url) + "/m/cut/any/2026-12-07T09:00")
        assert late.status_code == 409 and "受付時間を過ぎています" in late.text
        gone = http.get(path_of(url) + "/m/perm/any")
        assert gone.status_code == 410 and "このメニューは予約できません" in gone.text
        forged = http.get("/b/AAAA" + path_of(url)[7:])
        assert forged.status_code == 404

    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    [made] = service.list(dt.date(2026, 12, 7), dt.date(2026, 12, 7))
    assert (made.id, made.customer_id, made.menu_id, made.staff_id, made.source) == (
        hold.group(1), cid, "color", "sato", "relay")
    assert made.answers == {"allergy": ["なし"]} and made.status_label == "予約済み"
    # Publishing again acknowledges the hold: the relay counts it once, in the capacity.
    publish(book, now=NOW)
    with connected.relay.store.read_transaction() as conn:
        assert conn.execute(booking_holds.select()).first().acked == 1
    with httpx.Client(base_url=connected.relay.base_url) as http:
        days = http.get(path_of(url) + "/m/cut/sato?day=2026-12-07")
        assert ">10:00<" not in days.text and ">11:45<" in days.text

        mine = http.get(path_of(url) + "/mine")
        assert "カラー" in mine.text and "キャンセルの期限を過ぎています" in mine.text


def test_a_friend_cancels_before_the_deadline(connected: Connected) -> None:
    book = connected.book
    service = set_up(book)
    uid, url = friend(connected)
    base = path_of(url)
    with httpx.Client(base_url=connected.relay.base_url) as http:
        when = base + "/m/cut/sato/2026-12-09T10:00"
        done = http.post(when, data={"_csrf": csrf(http.get(when).text)})
        assert "予約しました" in done.text
        fast_worker(book).run_once()
        assert len(service.list(dt.date(2026, 12, 9), dt.date(2026, 12, 9))) == 1
        mine = http.get(base + "/mine")
        assert "この予約をキャンセルする" in mine.text
        hold = re.search(r"/cancel/([0-9a-f]{32})", mine.text)
        assert hold
        cancelled = http.post(base + f"/cancel/{hold.group(1)}", data={"_csrf": csrf(mine.text)})
        assert "ご予約をキャンセルしました" in cancelled.text
        assert "これからのご予約はありません" in cancelled.text
        # The time is free on the relay at once.
        assert ">10:00<" in http.get(base + "/m/cut/sato?day=2026-12-09").text
    fast_worker(book).run_once()
    [row] = service.list(dt.date(2026, 12, 9), dt.date(2026, 12, 9))
    assert row.status_label == "キャンセル" and row.customer_id == \
        book.customers.by_line_user_id(uid)


def test_a_conflict_with_the_owners_booking_is_kept_for_the_owner(
        connected: Connected) -> None:
    book = connected.book
    service = set_up(book)
    _, url = friend(connected)
    base = path_of(url)
    with httpx.Client(base_url=connected.relay.base_url) as http:
        when = base + "/m/color/sato/2026-12-09T10:00"
        assert "予約しました" in http.post(when, data={"_csrf": csrf(http.get(when).text)}).text
    # Meanwhile the owner booked sato at 10:00 on the phone (before the sync).
    service.make(menu_id="cut", start=dt.datetime(2026, 12, 9, 10, 0), staff_id="sato")
    fast_worker(book).run_once()
    [c] = conflicts(book)
    assert (c["menu_id"], c["start"], c["reason"]) == ("color", "2026-12-09T10:00", "taken")
    assert [b.menu_id for b in service.list(dt.date(2026, 12, 9), dt.date(2026, 12, 9))] \
        == ["cut"]  # nothing resolved silently
    assert resolve(book, c["hold_id"], book_it=False) == "dropped"
    publish(book, now=NOW)
    with connected.relay.store.read_transaction() as conn:
        assert conn.execute(booking_entries.select()).first().state == "released"
    assert conflicts(book) == []


def test_a_friend_on_the_waitlist_gets_the_freed_time(connected: Connected) -> None:
    book = connected.book
    service = set_up(book)
    uid_a, url_a = friend(connected, "はなこ")
    uid_b, url_b = friend(connected, "たろう")
    a, b = path_of(url_a), path_of(url_b)
    with httpx.Client(base_url=connected.relay.base_url) as http:
        when = "/m/cut/sato/2026-12-09T10:00"
        assert "予約しました" in http.post(a + when, data={"_csrf": csrf(
            http.get(a + when).text)}).text
        full = http.get(b + when)
        assert full.status_code == 409 and "キャンセル待ちに登録する" in full.text
        action = re.search(r'<form method="post" action="([^"]+)"', full.text)
        assert action and action.group(1) == b + "/wait" + when[2:]
        joined = http.post(action.group(1), data={"_csrf": csrf(full.text)})
        assert "キャンセル待ちに登録しました" in joined.text and "キャンセル待ち" in joined.text
        again = http.post(action.group(1), data={"_csrf": csrf(full.text)})
        assert again.text.count('class="booking waiting"') == 1  # on the list once
        fast_worker(book).run_once()
        mine = http.get(a + "/mine")
        hold = re.search(r"/cancel/([0-9a-f]{32})", mine.text)
        assert hold
        http.post(a + f"/cancel/{hold.group(1)}", data={"_csrf": csrf(mine.text)})
        # The freed time went to the waiter at once, in the same transaction.
        theirs = http.get(b + "/mine")
        assert "12月9日（水） 10:00〜11:00" in theirs.text
        assert 'class="booking waiting"' not in theirs.text
        assert ">10:00<" not in http.get(a + "/m/cut/sato?day=2026-12-09").text
    fast_worker(book).run_once()
    rows = service.list(dt.date(2026, 12, 9), dt.date(2026, 12, 9))
    by_customer = {r.customer_id: r.status_label for r in rows}
    assert by_customer == {book.customers.by_line_user_id(uid_a): "キャンセル",
                           book.customers.by_line_user_id(uid_b): "予約済み"}


def test_a_waiter_the_owner_takes_off_the_list_gets_no_freed_time(
        connected: Connected) -> None:
    from app.booking.sync import remove_waiter, waiters

    book = connected.book
    service = set_up(book)
    uid_a, url_a = friend(connected, "はなこ")
    uid_b, url_b = friend(connected, "たろう")
    a, b = path_of(url_a), path_of(url_b)
    with httpx.Client(base_url=connected.relay.base_url) as http:
        when = "/m/cut/sato/2026-12-09T10:00"
        http.post(a + when, data={"_csrf": csrf(http.get(a + when).text)})
        full = http.get(b + when)
        http.post(b + "/wait" + when[2:], data={"_csrf": csrf(full.text)})
        fast_worker(book).run_once()
        [waiter] = waiters(book)  # the book knows who waits, from the sealed wait item
        assert (waiter["customer_id"], waiter["state"]) == (
            book.customers.by_line_user_id(uid_b), "waiting")
        assert remove_waiter(book, waiter["wait_id"])
        assert not remove_waiter(book, waiter["wait_id"])  # once
        publish(book, now=NOW)  # tells the relay (unwait)
        assert 'class="booking waiting"' not in http.get(b + "/mine").text
        mine = http.get(a + "/mine")
        hold = re.search(r"/cancel/([0-9a-f]{32})", mine.text)
        assert hold
        http.post(a + f"/cancel/{hold.group(1)}", data={"_csrf": csrf(mine.text)})
        assert "10:00〜11:00" not in http.get(b + "/mine").text
        # The book applies the cancellation and publishes the freed time: still not hers.
        fast_worker(book).run_once()
        publish(book, now=NOW)
        assert "10:00〜11:00" not in http.get(b + "/mine").text
        assert ">10:00<" in http.get(a + "/m/cut/sato?day=2026-12-09").text  # free again
    rows = service.list(dt.date(2026, 12, 9), dt.date(2026, 12, 9))
    assert {r.customer_id: r.status_label for r in rows} == {
        book.customers.by_line_user_id(uid_a): "キャンセル"}
    assert [w["state"] for w in waiters(book)] == ["removed"]
