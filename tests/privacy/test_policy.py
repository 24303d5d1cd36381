"""The privacy policy: generated from the shop's settings, versioned, exported, and shown
at the relay's GET /privacy (real relay on loopback HTTP, the book's real relay client)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

from app.book import Book
from app.privacy.policy import PolicySettings, generate, to_html, to_pdf
from app.privacy.service import PrivacyService
from tests.sync.conftest import PASSPHRASE, Connected

SHOP = PolicySettings(business_name="ヘアサロン木漏れ日", address="東京都杉並区阿佐谷南1-2-3",
                      representative="山田 花子", contact="03-1234-5678（火曜定休）",
                      purposes=["contact", "booking"], purposes_extra="季節のご案内のため",
                      relay_host="株式会社サンプルクラウド",
                      retention="最後のご来店から3年間保存します。")


def test_the_policy_names_every_item_the_act_asks_for() -> None:
    doc = generate(SHOP, version=2, effective_date="2026-12-05")
    text = "\n".join(p for s in doc.sections for p in [s.heading, *s.paragraphs])
    for needed in ("ヘアサロン木漏れ日", "東京都杉並区阿佐谷南1-2-3", "山田 花子", "利用目的",
                   "ご予約の管理", "季節のご案内のため", "第三者", "委託", "LINEヤフー株式会社",
                   "株式会社サンプルクラウド", "3年間", "安全管理", "開示", "苦情",
                   "第2版　2026-12-05施行"):
        assert needed in text, needed
    assert "ポイント・会員特典" not in text  # a purpose not ticked is not claimed
    assert PolicySettings().missing() == ["business_name", "address", "representative",
                                          "contact"]
    html = to_html(doc)
    assert "<h2>3. 利用目的</h2>" in html
    assert to_pdf(doc).startswith(b"%PDF")


def test_versions_are_dated_and_only_grow_when_the_settings_change(book: Book) -> None:
    privacy = PrivacyService(book)
    assert privacy.document().version == 0  # a draft before anything is published
    privacy.save_settings(SHOP)
    when = dt.datetime(2026, 12, 4, 16, 0)  # UTC: already the 5th in Japan
    assert privacy.publish(now=when) == (1, True)
    assert privacy.publish(now=when) == (1, False)
    changed = PolicySettings.from_dict({**SHOP.to_dict(), "contact": "03-9999-0000"})
    privacy.save_settings(changed)
    assert privacy.publish(now=when + dt.timedelta(days=30)) == (2, True)
    assert privacy.document(1).effective_date == "2026-12-05"
    assert privacy.document().version == 2
    assert "03-1234-5678" in to_html(privacy.document(1))  # an old version stays as it was
    assert [e.action for e in book.audit.entries()][:2] == ["privacy_policy_published"] * 2


def test_published_policy_is_the_page_every_consent_item_links(connected: Connected) -> None:
    book, relay = connected.book, connected.relay
    before = relay.http.get("/privacy")
    assert before.status_code == 200 and "まだこのページに掲載されていません" in before.text
    privacy = PrivacyService(book)
    privacy.save_settings(SHOP)
    privacy.publish()
    assert privacy.upload() == 1 and privacy.relay_version() == 1
    page = relay.http.get("/privacy")
    assert page.status_code == 200
    assert "ヘアサロン木漏れ日" in page.text and "株式会社サンプルクラウド" in page.text
    assert "第1版" in page.text and "content-security-policy" in page.headers
    # the forms' consent item links to this page unless the form names another
    form = book.forms.create({"title": "問診票", "items": [
        {"key": "consent", "type": "consent", "label": "同意します", "required": True}]})
    book.forms.publish(form.form_id)
    book.forms.upload(form.form_id)
    shown = relay.http.get(f"/f/{form.form_id}")
    assert re.search(r'href="/privacy"', shown.text)
    # text is escaped, versions only grow
    privacy.save_settings(PolicySettings.from_dict({**SHOP.to_dict(),
                                                    "business_name": "<script>x</script>"}))
    privacy.publish()
    privacy.upload()
    page = relay.http.get("/privacy")
    assert "<script>x" not in page.text and "&lt;script&gt;x" in page.text
    old = relay.http.put("/v1/privacy-policy", json={**privacy.document(1).to_json(),
                                                      "title": "別"},
                         headers=relay.pair().auth)
    assert old.status_code == 409


def test_cli_writes_html_and_pdf(book: Book, tmp_path: Path) -> None:
    PrivacyService(book).save_settings(SHOP)
    PrivacyService(book).publish()
    profile = book.profile.root
    book.close()
    out_html, out_pdf = tmp_path / "policy.html", tmp_path / "policy.pdf"
    done = subprocess.run(
        [sys.executable, "main.py", "--profile", str(profile), "privacy", "policy",
         "--html", str(out_html), "--pdf", str(out_pdf)],
        capture_output=True, text=True, cwd=Path(__file__).parents[2], check=False,
        env={**os.environ, "OTOKUI_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "1"
    assert "ヘアサロン木漏れ日" in out_html.read_text(encoding="utf-8")
    assert out_pdf.read_bytes().startswith(b"%PDF")


def test_the_demo_publishes_a_policy(connected: Connected) -> None:
    from app.privacy.demo import publish_demo_policy

    assert publish_demo_policy(connected.book, "Otokui デモ店") == 1
    page = connected.relay.http.get("/privacy")
    assert "Otokui デモ店" in page.text and "第1版" in page.text
