"""The member-link page opened through LIFF: one URL for every friend; the relay learns
who the friend is from the ID token LINE gave the page (verified with LINE Login, here
the emulator's), seals it with the answer, and the desktop links on sync.

In a real headless Chromium with the emulator's LIFF SDK stand-in, and over HTTP for the
refusals (no ID token, a forged one, too many tries)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.members import link_page
from app.members.importer import import_members
from app.members.linking import TAG_LINKED, review_queue
from app.members.messages import TEXT
from relay.members.pages import MAX_TRIES
from tests.relay.harness import assert_nothing_personal, stored_bytes
from tests.routes.conftest import LIFF_ID, Shop, _shop
from tests.routes.conftest import book as book

MEMBERS = "会員番号,氏名,電話番号,誕生日\nA-1024,山田 花子,090-1111-2222,1990/04/01\n"
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


@pytest.fixture
def shop(book, tmp_path: Path) -> Iterator[Shop]:
    yield from _shop(book, tmp_path, liff=True)


def _ready(shop: Shop, tmp_path: Path) -> tuple[str, str]:
    """A friend in the book, the members imported; (the friend, the page's relay URL)."""
    e, book = shop.emulator, shop.book
    uid = e.add_user("はなこ")
    e.wait_for_deliveries(1)
    shop.sync()
    members = tmp_path / "members.csv"
    members.write_text(MEMBERS, encoding="utf-8")
    import_members(book, members)
    url = link_page.liff_link(book)
    prefix = f"https://liff.line.me/{LIFF_ID}/ml/"
    assert url.startswith(prefix)
    return uid, f"{shop.relay.base_url}/l/ml/{url[len(prefix):]}"


def _post(client: httpx.Client, url: str, **fields: str) -> httpx.Response:
    page = client.get(url)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found
    return client.post(url, data={"_csrf": found.group(1), **fields})


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")),
                    reason="chromium and chromium-driver are not installed")
def test_in_a_browser_a_friend_links_through_liff(shop: Shop, tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    uid, page = _ready(shop, tmp_path)
    shop.emulator.login.log_in(uid)  # the phone's LINE account
    options = Options()
    options.binary_location = shutil.which("chromium") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=390,844"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(page)
        assert driver.find_element(By.TAG_NAME, "h1").text == "会員連携"
        assert driver.find_element(By.TAG_NAME, "form").get_attribute(
            "data-liff-id") == LIFF_ID
        WebDriverWait(driver, 30).until(lambda d: d.find_element(
            By.ID, "id-token").get_attribute("value"))
        driver.find_element(By.NAME, "member_number").send_keys("A-1024")
        driver.find_element(By.NAME, "phone").send_keys("090-1111-2222")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: "受け付けました" in d.page_source)
    finally:
        driver.quit()
    shop.sync()
    book = shop.book
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None and book.customers.get(cid).name == "山田 花子"
    names = {t.id: t.name for t in book.tags.list()}
    assert TAG_LINKED in {names[t] for t in book.customers.tag_ids_of(cid)}
    assert [m["text"] for sent in shop.emulator.inbox(uid) for m in sent["messages"]] == [TEXT]
    # Nothing the friend typed is readable on the relay.
    said = ["A-1024", "09011112222", "090-1111-2222", uid]
    assert_nothing_personal("the relay's database", stored_bytes(shop.relay.db_url), said)
    assert_nothing_personal("the relay's log", shop.relay.log_path.read_bytes(), said)


def test_no_id_token_or_a_forged_one_is_refused_and_nothing_queued(shop: Shop,
                                                                    tmp_path: Path) -> None:
    uid, page = _ready(shop, tmp_path)
    with httpx.Client() as client:
        bare = _post(client, page, member_number="A-1024", phone="09011112222")
        assert bare.status_code == 403 and "LINEアプリから開いてください" in bare.text
        forged = _post(client, page, member_number="A-1024", phone="09011112222",
                       _id_token="eyJhbGciOiJIUzI1NiJ9.e30.forged")
        assert forged.status_code == 403 and "LINEの確認ができませんでした" in forged.text
        unknown = client.get(f"{shop.relay.base_url}/l/ml/0123456789abcdef")
        assert unknown.status_code == 404
    shop.sync()
    assert shop.book.customers.by_line_user_id(uid) is not None
    assert review_queue(shop.book) == []
    assert shop.emulator.inbox(uid) == []


def test_tries_are_counted_per_verified_friend(shop: Shop, tmp_path: Path) -> None:
    uid, page = _ready(shop, tmp_path)
    with httpx.Client() as client:
        for n in range(MAX_TRIES):
            token = shop.emulator.login.issue(uid)
            wrong = _post(client, page, member_number="A-1024", phone=f"0800000000{n}",
                          _id_token=token)
            assert wrong.status_code == 200, wrong.text
        token = shop.emulator.login.issue(uid)
        sixth = _post(client, page, member_number="A-1024", phone="09011112222",
                      _id_token=token)
        assert sixth.status_code == 429
    shop.sync()
    queue = review_queue(shop.book)
    assert len(queue) == MAX_TRIES and {q["line_user_id"] for q in queue} == {uid}
    assert shop.emulator.inbox(uid) == []
