"""The builder's faithful preview: the relay's own page for the working definition,
served from this computer only, opened in the browser at a phone's width.

The screenshot docs/screenshots/forms-preview.png is made by the browser test here when
OTOKUI_FORM_SCREENSHOTS=1 (headless Chromium, as the page tests do)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from app.book import Book
from relay.forms import render
from relay.forms.schema import parse_definition
from tests.ui.test_forms_window import forms  # noqa: F401  (fixture)
from ui.forms.browser_preview import PHONE_WIDTH, render_preview
from ui.forms.window import FormsWindow

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "screenshots"


class Opened(QObject):
    """Where QDesktopServices sends http URLs during a test (Qt's own routing hook)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened() -> Iterator[Opened]:
    receiver = Opened()
    QDesktopServices.setUrlHandler("http", receiver, "open")
    try:
        yield receiver
    finally:
        QDesktopServices.unsetUrlHandler("http")


def _build(forms: FormsWindow) -> None:  # noqa: F811
    assert forms.new_form() is not None
    b = forms.builder
    b.title_edit.setText("初回問診票")
    b.description_edit.setPlainText("ご来店前にご記入ください。")
    b.items_list.setCurrentRow(0)
    b.label_edit.setText("お名前")
    b.required_check.setChecked(True)
    b.add_item("choice")
    b.label_edit.setText("気になること")
    b.multiple_check.setChecked(True)
    b.choices_table.item(0, 0).setText("くせ毛")
    b.add_choice()
    b.choices_table.item(1, 0).setText("白髪")
    b.add_item("consent")
    b.label_edit.setText("プライバシーポリシーに同意します")
    b.refresh_preview()


def test_the_page_is_the_relays_own_html_at_a_phones_width(
        book: Book, forms: FormsWindow, opened: Opened, qtbot) -> None:  # noqa: F811
    _build(forms)
    b = forms.builder
    qtbot.mouseClick(b.browser_button, Qt.MouseButton.LeftButton)
    assert len(opened.urls) == 1
    url = opened.urls[0]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/")
    with httpx.Client(timeout=10) as http:
        frame = http.get(url)
        assert frame.status_code == 200
        assert f'width="{PHONE_WIDTH}"' in frame.text and 'src="page"' in frame.text
        page = http.get(url + "page")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
        # Exactly what the relay's renderer makes of the working definition.
        expected = render.form_page(parse_definition(b.data), action="page", csrf="preview",
                                    privacy_url="privacy")
        assert page.text == expected
        assert '<form method="post"' in page.text
        for label in ("お名前", "気になること", "くせ毛", "白髪",
                      "プライバシーポリシーに同意します"):
            assert label in page.text
        # The relay's own CSS and script, byte for byte.
        for asset in (render.ASSETS["form.css"], render.ASSETS["form.js"]):
            origin = "/".join(url.split("/")[:3])
            got = http.get(f"{origin}{render.ASSETS_PATH}/{asset.name}")
            assert got.status_code == 200 and got.content == asset.body
        # An edit shows on reload, with no second server.
        b.title_edit.setText("初回問診票（新）")
        b.refresh_preview()
        assert "初回問診票（新）" in http.get(url + "page").text
        assert b.open_in_browser() == url
        # Sending from the preview keeps nothing and says so.
        sent = http.post(url + "page", data={"_csrf": "preview", "name": "山田"})
        assert sent.status_code == 200 and "保存されていません" in sent.text
        # Another path (a guessed token) is refused.
        other = url.rsplit("/", 2)[0] + "/guess/page"
        assert http.get(other).status_code == 404
        privacy = http.get(url + "privacy")
        assert privacy.status_code == 200
    b.revert()  # (else closing asks about the unsaved edits)
    forms.close()
    with pytest.raises(httpx.TransportError), httpx.Client(timeout=2) as http:
        http.get(url + "page")


def test_a_working_copy_that_fails_its_check_shows_why() -> None:
    data: dict[str, Any] = {"title": "x", "items": [
        {"key": "a", "type": "text", "label": "A"}, {"key": "a", "type": "text", "label": "B"}]}
    page = render_preview(data)
    assert "プレビューできません" in page and "<form" not in page


def test_the_preview_imports_the_relays_renderer_not_its_server() -> None:
    """The UI may import relay.forms.render (pure: Jinja2 and the schema); never the
    relay's server, store or web framework."""
    code = ("import sys, ui.forms.browser_preview, ui.forms.builder\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('relay', 'starlette', 'uvicorn', 'emulator') and m not in ('relay', "
            "'relay.forms', 'relay.forms.schema', 'relay.forms.links', 'relay.forms.items', "
            "'relay.forms.render'))\nprint(bad)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=False,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                    reason="chromium and chromium-driver are not installed")
def test_the_preview_in_a_real_browser(book: Book, forms: FormsWindow, opened: Opened,  # noqa: F811
                                       tmp_path: Path) -> None:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    _build(forms)
    url = forms.builder.open_in_browser()
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--lang=ja-JP",
                "--disable-dev-shm-usage", "--window-size=640,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        driver.get(url)
        frame = driver.find_element(By.TAG_NAME, "iframe")
        assert driver.execute_script("return arguments[0].clientWidth", frame) == PHONE_WIDTH
        driver.switch_to.frame(frame)
        # The relay's CSS applied: the page fits the phone's width, the send button shows.
        assert driver.execute_script(
            "return document.documentElement.scrollWidth") <= PHONE_WIDTH
        assert driver.find_element(By.CSS_SELECTOR, "form[method=post]").is_displayed()
        assert driver.find_element(By.CSS_SELECTOR, "button[type=submit]").is_displayed()
        driver.switch_to.default_content()
        shot = tmp_path / "forms-preview.png"
        driver.save_screenshot(str(shot))
        if os.environ.get("OTOKUI_FORM_SCREENSHOTS") == "1":
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, DOCS / shot.name)
    finally:
        driver.quit()
