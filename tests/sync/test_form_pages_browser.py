"""The form page in a real headless browser (Debian's Chromium, driven by Selenium), on
phone widths: a friend opens a per-friend link, fills every item type, uploads a photo,
sends; after one sync the book has the fields, tags, answer and attachment, and the
relay's database and log hold none of it readable.

Screenshots go to the test's folder, and to docs/screenshots/form-320.png and
form-390.png when OTOKUI_FORM_SCREENSHOTS=1 (how the docs' pictures are made).
Browser tests are few on purpose: each one costs seconds on a small machine.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.relay.form_pages import ALL_ITEMS, PHOTO
from tests.relay.harness import assert_nothing_personal, stored_bytes
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                                reason="chromium and chromium-driver are not installed "
                                       "(.ci/run installs them)")


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--lang=ja-JP",
                "--disable-dev-shm-usage", "--window-size=390,844"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _phone(driver: webdriver.Chrome, width: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True})


def _screenshot(driver: webdriver.Chrome, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
    driver.save_screenshot(str(path))
    if os.environ.get("OTOKUI_FORM_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / path.name)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True})


def _no_sideways_scrolling(driver: webdriver.Chrome, width: int) -> None:
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width


def _type(driver: webdriver.Chrome, name: str, text: str) -> None:
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(text)



def _shows(driver: webdriver.Chrome, text: str) -> None:
    """Wait for the page a click loads (a click may return before the navigation)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: text in d.page_source)

def test_a_friend_fills_every_item_type_and_the_book_has_it(
        connected: Connected, browser: webdriver.Chrome, tmp_path: Path) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("はなこ")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    info = book.forms.create(ALL_ITEMS)
    book.forms.publish(info.form_id)
    assert book.forms.upload(info.form_id) == 1
    url = book.forms.link(info.form_id, uid, days=7)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(PHOTO)

    _phone(browser, 390)
    browser.get(url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "初回問診票"
    _no_sideways_scrolling(browser, 390)
    _type(browser, "name", "山田 花子")
    _type(browser, "name.furigana", "やまだ はなこ")
    _type(browser, "phone", "090-1234-5678")
    _type(browser, "email", "hanako@example.jp")
    for name, day in (("birthday", "1990-04-01"), ("first", "2026-12-24")):
        browser.execute_script("document.getElementsByName(arguments[0])[0].value = "
                               "arguments[1]", name, day)
    _type(browser, "address.postal_code", "150-0001")
    _type(browser, "address", "東京都渋谷区神宮前1-2-3")
    _type(browser, "visits", "３")  # full-width, as a Japanese keyboard types it
    for label in ("くせ毛", "白髪"):
        browser.find_element(By.CSS_SELECTOR, f'input[name="concern"][value="{label}"]').click()
    browser.find_element(By.CSS_SELECTOR, 'input[name="length"][value="ロング"]').click()
    browser.find_element(By.CSS_SELECTOR, 'select[name="how"] option[value="LINE"]').click()
    _type(browser, "nick", "はな")
    _type(browser, "note", "前髪は短めが好みです。\n乾燥も気になります。")
    browser.find_element(By.NAME, "photo").send_keys(str(photo))
    browser.find_element(By.NAME, "consent").click()
    _screenshot(browser, tmp_path / "form-390.png")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _shows(browser, "送信しました")  # a click may return before the page it loads
    assert browser.find_element(By.TAG_NAME, "h1").text == "送信しました"
    assert "ご来店をお待ちしております" in browser.page_source

    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    c = book.customers.get(cid)
    assert (c.name, c.furigana, c.phone, c.email) == (
        "山田 花子", "やまだ はなこ", "090-1234-5678", "hanako@example.jp")
    assert c.birthday == dt.date(1990, 4, 1)
    assert (c.postal_code, c.address) == ("150-0001", "東京都渋谷区神宮前1-2-3")
    assert c.memo == "前髪は短めが好みです。\n乾燥も気になります。"
    fields = book.fields.by_name()
    assert book.fields.values_of(cid)[fields["来店回数"].id] == 3
    tags = {t.id: t.name for t in book.tags.list()}
    assert sorted(tags[t] for t in book.customers.tag_ids_of(cid)) == \
        ["くせ毛", "問診票回答済み", "白髪"]
    [attachment] = book.attachments.list(cid)
    assert book.attachments.read_bytes(attachment.id, audit=False) == PHOTO
    [answer] = book.forms.answers(info.form_id)
    assert answer.status == "applied" and answer.customer_id == cid
    assert answer.values["length"] == "ロング" and answer.values["how"] == "LINE"

    # Opening the link again: answered already (one answer per friend).
    browser.get(url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "回答済みです"

    relay = connected.relay
    relay.stop()
    personal = ["山田 花子", "やまだ はなこ", "090-1234-5678", "hanako@example.jp",
                "東京都渋谷区神宮前", "前髪は短め", "UPLOADED-PHOTO-BYTES", uid]
    assert_nothing_personal("the relay's database", stored_bytes(relay.db_url), personal)
    assert_nothing_personal("the relay's log", relay.log_path.read_bytes(), personal)
    assert_nothing_personal("the relay's folder", b"".join(
        p.read_bytes() for p in tmp_path.glob("relay.db*")), personal)


def test_problems_show_next_to_their_items_at_320_px(
        connected: Connected, browser: webdriver.Chrome, tmp_path: Path) -> None:
    book = connected.book
    info = book.forms.create(ALL_ITEMS)
    book.forms.publish(info.form_id)
    book.forms.upload(info.form_id)
    url = book.forms.link(info.form_id, "U" + "5" * 32, days=7)
    _phone(browser, 320)
    browser.get(url)
    _no_sideways_scrolling(browser, 320)
    _type(browser, "phone", "03-12")
    _type(browser, "visits", "たくさん")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _shows(browser, 'id="summary"')
    summary = browser.find_element(By.ID, "summary")
    assert "入力内容を確認してください" in summary.text
    # The script moved focus to the list of problems.
    assert browser.switch_to.active_element.get_attribute("id") == "summary"
    assert "必須項目です。" in browser.find_element(By.ID, "err-name").text
    assert "電話番号を数字で入力してください" in browser.find_element(By.ID, "err-phone").text
    assert "数字で入力してください" in browser.find_element(By.ID, "err-visits").text
    assert browser.find_element(By.NAME, "phone").get_attribute("value") == "03-12"
    _no_sideways_scrolling(browser, 320)
    _screenshot(browser, tmp_path / "form-320.png")
    assert connected.relay.pull(connected.relay.pair("probe"))["events"] == []
