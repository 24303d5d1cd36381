"""The route's LIFF page in a real headless Chromium: the emulator's LIFF SDK stand-in
hands the page the friend's ID token (the forms' liff.js), the friend taps the button, the
relay seals the arrival and sends the browser on; after sync the book has the friend."""

from __future__ import annotations

import shutil

import pytest

from app.store.models_routes import CustomerRoute
from tests.routes.conftest import LIFF_ID, Shop

#: Refused at once, without the network: the test only needs the browser to leave.
NOWHERE = "https://127.0.0.1:9/add-friend"


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")),
                    reason="chromium and chromium-driver are not installed")
def test_in_a_browser_the_liff_page_records_the_friend(shop: Shop) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    e, relay, book = shop.emulator, shop.relay, shop.book
    route = shop.routes.add("カウンターQR", ["QR来店"])
    shop.routes.publish(NOWHERE)
    uid = "U" + "9a" * 16
    e.login.log_in(uid)  # the phone's LINE account
    options = Options()
    options.binary_location = shutil.which("chromium") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=390,844"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    page = f"{relay.base_url}/l/r/{route.slug}"
    try:
        driver.get(page)
        form = driver.find_element(By.TAG_NAME, "form")
        assert form.get_attribute("data-liff-id") == LIFF_ID
        WebDriverWait(driver, 30).until(lambda d: d.find_element(
            By.ID, "id-token").get_attribute("value"))
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: d.current_url != page)
    finally:
        driver.quit()
    shop.sync()
    cid = book.customers.by_line_user_id(uid)
    assert cid is not None
    with book.db.read() as s:
        first = s.get(CustomerRoute, cid)
        assert first is not None and first.route_id == route.id
