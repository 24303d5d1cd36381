"""The booking pages opened through LIFF: LINE's ID token (verified by the relay with the
emulated LINE Login) names the friend; she books, sees "my bookings", cancels, and a
friend from LIFF on the waitlist gets the freed time — in headless Chromium, with the
emulator's LIFF SDK stand-in, then ``sync`` once and the book has it all. Without script
the entry page's button posts no ID token and is refused in words; a forged or expired
session is a clear page. The relay's files hold no friend's id or answer readable.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.book import Book
from app.booking.service import BookingService, liff_link, publish
from app.booking.sync import waiters
from app.sync.pairing import connect
from emulator import Emulator, ManualClock, RunningEmulator, run_in_thread
from relay.booking import liff as sessions
from tests.relay.form_pages import csrf_of
from tests.relay.harness import ManualClock as RelayClock
from tests.relay.harness import ThreadRelay, assert_nothing_personal, stored_bytes
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, fast_worker
from tests.sync.test_form_pages_browser import (  # noqa: F401 - fixture used by name
    _no_sideways_scrolling,
    _phone,
    browser,
    webdriver,
)

LIFF_ID = "1234567890-AbCdEfGh"
EXAMPLE = Path(__file__).parents[1] / "booking" / "salon_example.json"
NOW = dt.datetime(2026, 12, 7, 8, 0)
NOW_S = NOW.replace(tzinfo=dt.timezone(dt.timedelta(hours=9))).timestamp()
ANSWER = "LIFFから: 金属アレルギーあり"


@dataclass
class Shop:
    book: Book
    relay: ThreadRelay
    line: RunningEmulator

    @property
    def emulator(self) -> Emulator:
        return self.line.emulator


@pytest.fixture
def shop(book: Book, tmp_path: Path) -> Iterator[Shop]:
    line = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                         webhook_url=None, quota=None, seed=14,
                         clock=ManualClock(start=NOW_S))
    relay = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                        clock=RelayClock(NOW_S), liff_id=LIFF_ID,
                        line_login_channel_id=line.emulator.login.channel_id,
                        line_login_api=line.base_url,
                        liff_sdk_url=f"{line.base_url}/_emulator/liff/sdk.js")
    line.emulator.configure(webhook_url=f"{relay.base_url}/line/webhook")
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url)
    BookingService(book).save_setup(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    publish(book, now=NOW)
    yield Shop(book, relay, line)
    line.stop()
    relay.stop()


def _shows(driver: webdriver.Chrome, text: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: text in d.page_source)


def _open_liff(driver: webdriver.Chrome, shop: Shop, user_id: str, path: str = "/l/b") -> str:
    """What LINE does for https://liff.line.me/{id}/b: the endpoint URL with this path, in
    a browser where the friend is logged in (the emulator's LIFF SDK hands the ID token)."""
    shop.emulator.login.log_in(user_id)
    driver.get(shop.relay.base_url + path)
    _shows(driver, "/b/")  # the page posted the token and the relay sent the friend on
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: "/l/b" not in d.current_url)
    return str(driver.current_url)


def test_a_friend_books_sees_and_cancels_through_liff(shop: Shop,
                                                      browser: webdriver.Chrome,  # noqa: F811
                                                      ) -> None:
    by = pytest.importorskip("selenium.webdriver.common.by").By
    book, e = shop.book, shop.emulator
    service = BookingService(book)
    assert liff_link(book, LIFF_ID) == f"https://liff.line.me/{LIFF_ID}/b"
    uid = e.add_user("はなこ")
    other = e.add_user("さくら")

    _phone(browser, 320)
    url = _open_liff(browser, shop, uid)
    assert re.search(r"/b/[A-Za-z0-9_-]+$", url), url
    assert browser.find_element(by.TAG_NAME, "h1").text == "メニューを選んでください"
    _no_sideways_scrolling(browser, 320)
    browser.find_element(by.PARTIAL_LINK_TEXT, "カラー").click()
    _shows(browser, "担当を選んでください")
    browser.find_element(by.PARTIAL_LINK_TEXT, "指名なし").click()
    _shows(browser, "日時を選んでください")
    browser.find_element(by.PARTIAL_LINK_TEXT, "12月9日（水）").click()
    _shows(browser, "12月9日（水）の空き時間")
    browser.find_element(by.LINK_TEXT, "10:00").click()
    _shows(browser, "ご予約内容の確認")
    browser.find_element(by.NAME, "allergy").send_keys(ANSWER)
    browser.find_element(by.CSS_SELECTOR, "button[type=submit]").click()
    _shows(browser, "カレンダーに追加")
    assert browser.find_element(by.TAG_NAME, "h1").text == "予約しました"

    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    [made] = service.list(dt.date(2026, 12, 9), dt.date(2026, 12, 9))
    assert (made.customer_id, made.menu_id, made.staff_id, made.start) == (
        cid, "color", "sato", dt.datetime(2026, 12, 9, 10, 0))
    assert made.answers == {"allergy": [ANSWER]} and made.status_label == "予約済み"

    # Another friend, also from LIFF, finds the time taken and joins its waitlist; the
    # book learns who waits on the next sync.
    other_url = _open_liff(browser, shop, other)
    browser.get(other_url + "/m/color/any/2026-12-09T10:00")
    assert browser.find_element(by.TAG_NAME, "h1").text == "この時間は埋まりました"
    browser.find_element(by.CSS_SELECTOR, "button[type=submit]").click()
    _shows(browser, "キャンセル待ちに登録しました")
    fast_worker(book).run_once()
    [waiting] = waiters(book)
    assert (waiting["customer_id"], waiting["menu_id"], waiting["start"], waiting["state"]) \
        == (book.customers.by_line_user_id(other), "color", "2026-12-09T10:00", "waiting")

    # The first friend opens "my bookings" through LIFF and cancels; the freed time goes
    # to the waiter, and one sync brings both into the book.
    _open_liff(browser, shop, uid, "/l/b/mine")
    _shows(browser, "カラー・佐藤")
    assert browser.find_element(by.TAG_NAME, "h1").text == "ご予約の確認"
    browser.find_element(by.CSS_SELECTOR, "button.secondary").click()
    _shows(browser, "ご予約をキャンセルしました")
    fast_worker(book).run_once()
    assert service.get(made.id).status_label == "キャンセル"
    [theirs] = [b for b in service.list(dt.date(2026, 12, 9), dt.date(2026, 12, 9))
                if b.id != made.id]
    assert theirs.customer_id == book.customers.by_line_user_id(other)
    assert theirs.status_label == "予約済み"
    [done] = waiters(book)
    assert (done["state"], done["booking_id"]) == ("booked", theirs.id)

    for where, data in (("database", stored_bytes(shop.relay.db_url)),
                        ("log", shop.relay.log_path.read_bytes())):
        assert_nothing_personal(f"the relay's {where}", data,
                                [uid, other, ANSWER, "はなこ", "さくら"])


def test_without_script_forged_and_expired_sessions_are_refused_in_words(shop: Shop) -> None:
    http = shop.relay.http
    entry = http.get("/l/b")
    assert entry.status_code == 200
    assert f"script-src 'self' {shop.line.base_url};" in entry.headers[
        "content-security-policy"]
    assert f'data-liff-id="{LIFF_ID}"' in entry.text
    # No script ran: the button posts no ID token.
    plain = http.post("/l/b", data={"_csrf": csrf_of(entry.text), "_id_token": ""})
    assert plain.status_code == 403 and "LINEの確認ができませんでした" in plain.text
    forged_token = http.post("/l/b", data={"_csrf": csrf_of(http.get("/l/b").text),
                                           "_id_token": "eyJ.forged.token"})
    assert forged_token.status_code == 403
    uid = "U" + "5" * 32
    good = http.post("/l/b", data={"_csrf": csrf_of(http.get("/l/b").text),
                                   "_id_token": shop.emulator.login.issue(uid)})
    assert good.status_code == 303 and good.headers["location"].startswith("/b/")
    session = good.headers["location"].split("/")[2]
    assert sessions.is_session(session)
    assert http.get(f"/b/{session}").status_code == 200
    forged = session[:-4] + ("AAAA" if not session.endswith("AAAA") else "BBBB")
    page = http.get(f"/b/{forged}")
    assert page.status_code == 404 and "LINEアプリから" in page.text
    shop.relay.clock.advance(sessions.SESSION_SECONDS + 1)
    expired = http.get(f"/b/{session}")
    assert expired.status_code == 410 and "有効期限" in expired.text
