"""The booking pages in a real headless browser (Chromium via Selenium) at 320 px: a
friend books from a per-friend link (menu → 指名なし → day → time → question → 予約する),
gets the confirmation page with its calendar link; after one sync the booking is in the
book; another friend finds the time taken and joins the waitlist; the first cancels from
"my bookings", the time goes to the waiter, and the next sync has both in the book.
The relay's database and log hold neither the friend's id nor the answer readable.

The screenshot goes to docs/screenshots/booking-page.png when OTOKUI_FORM_SCREENSHOTS=1.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.booking.service import BookingService, booking_link, publish
from tests.relay.harness import ManualClock, ThreadRelay, assert_nothing_personal, stored_bytes
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker
from tests.sync.test_form_pages_browser import (  # noqa: F401 - fixture used by name
    _no_sideways_scrolling,
    _phone,
    _screenshot,
    browser,
    webdriver,
)

By = pytest.importorskip("selenium.webdriver.common.by").By

EXAMPLE = Path(__file__).parents[1] / "booking" / "salon_example.json"
NOW = dt.datetime(2026, 12, 7, 8, 0)
NOW_S = NOW.replace(tzinfo=dt.timezone(dt.timedelta(hours=9))).timestamp()
ANSWER = "ピーナッツに強いアレルギーあり"


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[ThreadRelay]:
    running = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                          clock=ManualClock(NOW_S))
    yield running
    running.stop()


def _shows(driver: webdriver.Chrome, text: str) -> None:
    """Wait for the page a click loads (a click may return before the navigation)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: text in d.page_source)


def _link(driver: webdriver.Chrome, text: str) -> None:
    driver.find_element(By.PARTIAL_LINK_TEXT, text).click()


def test_a_friend_books_and_cancels_in_a_browser(connected: Connected,
                                                  browser: webdriver.Chrome,  # noqa: F811
                                                  tmp_path: Path) -> None:
    book = connected.book
    service = BookingService(book)
    service.save_setup(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    publish(book, now=NOW)
    uid = connected.emulator.add_user("はなこ")
    url = booking_link(book, uid, now_s=NOW_S)

    _phone(browser, 320)
    browser.get(url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "メニューを選んでください"
    _no_sideways_scrolling(browser, 320)
    _link(browser, "カラー")
    _shows(browser, "担当を選んでください")
    _link(browser, "指名なし")
    _shows(browser, "日時を選んでください")
    assert browser.find_element(By.TAG_NAME, "h1").text == "日時を選んでください"
    _link(browser, "12月9日（水）")
    _shows(browser, "12月9日（水）の空き時間")
    _no_sideways_scrolling(browser, 320)
    _screenshot(browser, tmp_path / "booking-page.png")
    browser.find_element(By.LINK_TEXT, "10:00").click()
    _shows(browser, "ご予約内容の確認")
    assert browser.find_element(By.TAG_NAME, "h1").text == "ご予約内容の確認"
    assert "12月9日（水） 10:00〜11:30" in browser.page_source
    browser.find_element(By.NAME, "allergy").send_keys(ANSWER)
    _no_sideways_scrolling(browser, 320)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _shows(browser, "カレンダーに追加")
    assert browser.find_element(By.TAG_NAME, "h1").text == "予約しました"
    ics = browser.find_element(By.PARTIAL_LINK_TEXT, "カレンダーに追加").get_attribute("href")
    assert ics and "/ics/" in ics

    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    [made] = service.list(dt.date(2026, 12, 9), dt.date(2026, 12, 9))
    assert (made.customer_id, made.menu_id, made.staff_id, made.start) == (
        cid, "color", "sato", dt.datetime(2026, 12, 9, 10, 0))
    assert made.answers == {"allergy": [ANSWER]} and made.status_label == "予約済み"

    # Another friend wants the same time: taken, so she joins the waitlist.
    other = connected.emulator.add_user("さくら")
    other_url = booking_link(book, other, now_s=NOW_S)
    browser.get(other_url + "/m/color/any/2026-12-09T10:00")
    assert browser.find_element(By.TAG_NAME, "h1").text == "この時間は埋まりました"
    _no_sideways_scrolling(browser, 320)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _shows(browser, "キャンセル待ちに登録しました")

    # The first friend cancels from "my bookings"; the time goes to the waiter.
    browser.get(url)
    _link(browser, "予約の確認・キャンセル")
    _shows(browser, "カラー・佐藤")
    browser.find_element(By.CSS_SELECTOR, "button.secondary").click()
    _shows(browser, "ご予約をキャンセルしました")
    browser.get(other_url + "/mine")
    assert "12月9日（水） 10:00〜11:30" in browser.page_source
    fast_worker(book).run_once()
    assert service.get(made.id).status_label == "キャンセル"
    [theirs] = [b for b in service.list(dt.date(2026, 12, 9), dt.date(2026, 12, 9))
                if b.id != made.id]
    assert theirs.customer_id == book.customers.by_line_user_id(other)
    assert theirs.status_label == "予約済み"

    # What the relay keeps: no friend's id, no answer, readable (database and log).
    for where, data in (("database", stored_bytes(connected.relay.db_url)),
                        ("log", connected.relay.log_path.read_bytes())):
        assert_nothing_personal(f"the relay's {where}", data,
                                [uid, other, ANSWER, "はなこ", "さくら"])
