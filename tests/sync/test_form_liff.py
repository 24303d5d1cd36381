"""Form pages opened through LIFF: the friend is known by LINE Login's ID token, which the
relay verifies with the (emulated) verify endpoint; the desktop files the answer under
that friend. Without JavaScript the LIFF page still works through the per-friend link.

The emulator serves LINE Login's ``POST /oauth2/v2.1/verify`` and a stand-in LIFF SDK,
so nothing here touches the network.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.book import Book
from app.sync.pairing import connect
from emulator import Emulator, ManualClock, RunningEmulator, run_in_thread
from tests.relay.form_pages import csrf_of
from tests.relay.harness import ManualClock as RelayClock
from tests.relay.harness import ThreadRelay, assert_nothing_personal, stored_bytes
from tests.sync.support import ACCESS_TOKEN, CHANNEL_SECRET, fast_worker

LIFF_ID = "1234567890-AbCdEfGh"
FORM = {"title": "ご予約前アンケート", "items": [
    {"key": "phone", "type": "phone", "label": "電話番号", "required": True, "to": "phone"},
    {"key": "note", "type": "long_text", "label": "ご要望", "to": "memo"}]}
ANSWER = {"phone": "090-2222-3333", "note": "LIFFから送りました"}


@dataclass
class Liff:
    book: Book
    relay: ThreadRelay
    line: RunningEmulator
    clock: ManualClock

    @property
    def emulator(self) -> Emulator:
        return self.line.emulator


@pytest.fixture
def liff(book: Book, tmp_path: Path) -> Iterator[Liff]:
    clock = ManualClock(start=RelayClock().now)
    line = run_in_thread(channel_secret=CHANNEL_SECRET, access_token=ACCESS_TOKEN,
                         webhook_url=None, quota=None, seed=11, clock=clock)
    relay = ThreadRelay(f"sqlite:///{tmp_path / 'relay.db'}", tmp_path / "relay.log",
                        clock=RelayClock(), liff_id=LIFF_ID,
                        line_login_channel_id=line.emulator.login.channel_id,
                        line_login_api=line.base_url,
                        liff_sdk_url=f"{line.base_url}/_emulator/liff/sdk.js")
    line.emulator.configure(webhook_url=f"{relay.base_url}/line/webhook")
    connect(book, relay_url=relay.base_url, pairing_code=relay.pairing_code(),
            access_token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET, api_base=line.base_url)
    yield Liff(book, relay, line, clock)
    line.stop()
    relay.stop()


def _post(relay: ThreadRelay, path: str, fields: dict[str, str]) -> object:
    token = csrf_of(relay.http.get(path).text)
    return relay.http.post(path, data={**fields, "_csrf": token})


def _published(liff: Liff) -> str:
    info = liff.book.forms.create(FORM)
    liff.book.forms.publish(info.form_id)
    assert liff.book.forms.upload(info.form_id) == 1
    return info.form_id


def test_an_id_token_names_the_friend_and_the_book_files_it(liff: Liff) -> None:
    e, relay, book = liff.emulator, liff.relay, liff.book
    uid = e.add_user("さくら")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    form_id = _published(liff)
    page = relay.http.get(f"/l/{form_id}")
    assert page.status_code == 200
    # The LIFF SDK (here the emulator's) is the one script from elsewhere the CSP allows.
    csp = page.headers["content-security-policy"]
    assert f"script-src 'self' {liff.line.base_url};" in csp
    assert f'data-liff-id="{LIFF_ID}"' in page.text and 'name="_id_token"' in page.text

    answer = _post(relay, f"/l/{form_id}", {**ANSWER, "_id_token": e.login.issue(uid)})
    assert answer.status_code == 200, answer.text
    fast_worker(book).run_once()
    c = book.customers.get(book.customers.by_line_user_id(uid))
    assert (c.phone, c.memo) == ("090-2222-3333", "LIFFから送りました")
    [stored] = book.forms.answers(form_id)
    assert stored.status == "applied"
    relay.stop()
    personal = ["090-2222-3333", "LIFFから送りました", uid]
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url), personal)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), personal)


def test_forged_expired_and_unverifiable_id_tokens(liff: Liff) -> None:
    e, relay = liff.emulator, liff.relay
    form_id = _published(liff)
    path = f"/l/{form_id}"
    uid = "U" + "7" * 32
    forged = _post(relay, path, {**ANSWER, "_id_token": "eyJhbGciOi.forged.token"})
    assert forged.status_code == 403 and "LINEの確認ができませんでした" in forged.text
    old = e.login.issue(uid)
    liff.clock.advance(3601)
    expired = _post(relay, path, {**ANSWER, "_id_token": old})
    assert expired.status_code == 403
    other_channel = e.login.channel_id
    e.login.channel_id = "9999999999"
    wrong_aud = _post(relay, path, {**ANSWER, "_id_token": e.login.issue(uid)})
    e.login.channel_id = other_channel
    assert wrong_aud.status_code == 403
    fresh = e.login.issue(uid)
    token = csrf_of(relay.http.get(path).text)
    liff.line.stop()  # LINE cannot be asked: nothing stored, what was typed is kept
    down = relay.http.post(path, data={**ANSWER, "_id_token": fresh, "_csrf": token})
    assert down.status_code == 503 and "090-2222-3333" in down.text
    device = relay.pair("probe")
    assert relay.pull(device)["events"] == []


def test_without_javascript_the_liff_page_uses_the_per_friend_link(liff: Liff) -> None:
    relay = liff.relay
    form_id = _published(liff)
    uid = "U" + "8" * 32
    link = liff.book.forms.link(form_id, uid, days=7)
    token = link.rsplit("/", 1)[1]
    response = _post(relay, f"/l/{form_id}/{token}", ANSWER)  # no _id_token: no script ran
    assert response.status_code == 200
    fast_worker(liff.book).run_once()
    c = liff.book.customers.get(liff.book.customers.by_line_user_id(uid))
    assert c.phone == "090-2222-3333"


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")),
                    reason="chromium and chromium-driver are not installed")
def test_in_a_browser_the_liff_sdk_hands_the_token_to_the_page(liff: Liff) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    e, relay, book = liff.emulator, liff.relay, liff.book
    uid = e.add_user("もも")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    e.login.log_in(uid)  # the phone's LINE account
    form_id = _published(liff)
    options = Options()
    options.binary_location = shutil.which("chromium") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=390,844"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(f"{relay.base_url}/l/{form_id}")
        WebDriverWait(driver, 20).until(lambda d: d.find_element(
            By.ID, "id-token").get_attribute("value"))
        assert re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+",
                            driver.find_element(By.ID, "id-token").get_attribute("value"))
        driver.find_element(By.NAME, "phone").send_keys("090-2222-3333")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert driver.find_element(By.TAG_NAME, "h1").text == "送信しました"
    finally:
        driver.quit()
    fast_worker(book).run_once()
    assert book.customers.get(book.customers.by_line_user_id(uid)).phone == "090-2222-3333"
    [stored] = book.forms.answers(form_id)
    assert stored.status == "applied"
