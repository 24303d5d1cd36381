"""The member-link page in a real headless browser at 320 px: a friend gives their member
number and phone, sends; after one sync they are linked and got the LINE message.

Screenshots: the test's folder, and docs/screenshots/member-link-320.png (and the done
page) when OTOKUI_FORM_SCREENSHOTS=1."""

from __future__ import annotations

from pathlib import Path

from app.members import link_page
from app.members.importer import import_members
from app.members.linking import TAG_LINKED
from app.members.messages import TEXT
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker
from tests.sync.test_form_pages_browser import (  # noqa: F401  (the fixture)
    By,
    _no_sideways_scrolling,
    _phone,
    _screenshot,
    _type,
    browser,
    pytestmark,
    webdriver,
)

MEMBERS = "会員番号,氏名,電話番号,誕生日\nA-1024,山田 花子,090-1111-2222,1990/04/01\n"


def _shows(driver: webdriver.Chrome, text: str) -> None:
    """Wait for the page a click loads (a click may return before the navigation)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: text in d.page_source)


def test_a_friend_links_on_a_phone(connected: Connected, browser: webdriver.Chrome,  # noqa: F811
                                   tmp_path: Path) -> None:
    book, e = connected.book, connected.emulator
    uid = e.add_user("はなこ")
    e.wait_for_deliveries(1)
    fast_worker(book).run_once()
    members = tmp_path / "members.csv"
    members.write_text(MEMBERS, encoding="utf-8")
    import_members(book, members)
    url = link_page.link(book, uid, days=7)
    link_page.upload(book)

    _phone(browser, 320)
    browser.get(url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "会員連携"
    _no_sideways_scrolling(browser, 320)
    _type(browser, "member_number", "A-1024")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _shows(browser, 'id="summary"')  # a click may return before the page it loads
    # No phone and no birthday: the page says so next to the item, and keeps the number.
    assert "電話番号か生年月日のどちらか" in browser.find_element(By.ID, "summary").text
    assert browser.find_element(By.NAME, "member_number").get_attribute("value") == "A-1024"
    _type(browser, "phone", "090-1111-2222")
    _screenshot(browser, tmp_path / "member-link-320.png")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _shows(browser, "受け付けました")
    assert browser.find_element(By.TAG_NAME, "h1").text == "受け付けました"
    _no_sideways_scrolling(browser, 320)
    _screenshot(browser, tmp_path / "member-link-done-320.png")

    fast_worker(book).run_once()
    cid = book.customers.by_line_user_id(uid)
    assert book.customers.get(cid).name == "山田 花子"
    names = {t.id: t.name for t in book.tags.list()}
    assert TAG_LINKED in {names[t] for t in book.customers.tag_ids_of(cid)}
    assert [m["text"] for sent in e.inbox(uid) for m in sent["messages"]] == [TEXT]
