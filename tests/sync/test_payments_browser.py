"""Online payment in a real headless browser at 320 px: a friend opens the product page,
chooses, pays on the Stripe stand-in's hosted page, comes back; after one sync the order,
history, tags and receipt are in the book.

Screenshots: the test's folder, and docs/screenshots/shop-320.png, stripe-320.png and
shop-done-320.png when OTOKUI_FORM_SCREENSHOTS=1."""

from __future__ import annotations

from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import Select, WebDriverWait

from app.purchases.service import TAG_BUYER
from tests.sync.conftest import Connected
from tests.sync.support import fast_worker, wait_until
from tests.sync.test_form_pages_browser import (  # noqa: F401  (fixtures)
    By,
    _no_sideways_scrolling,
    _phone,
    _screenshot,
    browser,
    pytestmark,
    webdriver,
)
from tests.sync.test_payments import relay, shop, stripe_api  # noqa: F401  (fixtures)


def _heading(driver: webdriver.Chrome, text: str) -> None:
    """Wait for the next page (a redirect to another origin takes a moment)."""
    def shown(d: webdriver.Chrome) -> bool:
        try:
            return bool(d.find_element(By.TAG_NAME, "h1").text == text)
        except StaleElementReferenceException:
            return False
    WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,)
                  ).until(shown)


def test_a_friend_buys_on_a_phone(shop: tuple[Connected, str, str],  # noqa: F811
                                  browser: webdriver.Chrome,  # noqa: F811
                                  tmp_path: Path) -> None:
    connected, uid, url = shop
    book = connected.book
    _phone(browser, 320)
    browser.get(url)
    _heading(browser, "ご購入")
    _no_sideways_scrolling(browser, 320)
    Select(browser.find_element(By.NAME, "qty.P1")).select_by_value("1")
    Select(browser.find_element(By.NAME, "qty.P2")).select_by_value("1")
    _screenshot(browser, tmp_path / "shop-320.png")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _heading(browser, "お支払い")
    assert "¥6,380" in browser.page_source
    browser.find_element(By.NAME, "email").send_keys("buyer@example.jp")
    _screenshot(browser, tmp_path / "stripe-320.png")
    browser.find_element(By.CSS_SELECTOR, "button[value=pay]").click()
    _heading(browser, "お支払いが完了しました")
    _no_sideways_scrolling(browser, 320)
    _screenshot(browser, tmp_path / "shop-done-320.png")

    def synced_order() -> list[object]:
        # The paid order reaches the book with a sync; under load the relay may still be
        # storing the webhook's order when the first sync asks (no timing is asserted).
        fast_worker(book).run_once()
        cid = book.customers.by_line_user_id(uid)
        return book.purchases.history(cid) if cid is not None else []

    [order] = wait_until(synced_order, what="the paid order in the book")
    cid = book.customers.by_line_user_id(uid)
    assert (order.total, order.source) == (6380, "online")
    assert order.totals_by_rate() == {8: 1980, 10: 4400}
    names = {t.id: t.name for t in book.tags.list()}
    assert TAG_BUYER in {names[t] for t in book.customers.tag_ids_of(cid)}
    from app.purchases.receipt import set_issuer

    set_issuer(book, "珈琲と髪のお店", "T1234567890123")
    assert book.purchases.receipt_pdf(order.id).startswith(b"%PDF")
