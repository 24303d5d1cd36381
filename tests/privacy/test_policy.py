"""The privacy policy: the law's items from the shop's settings, versioned, HTML and PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.privacy import policy
from app.privacy.policy import PolicySettings
from tests.privacy.conftest import TwoPeople

SETTINGS = {"business_name": "ヘアサロン お得意", "address": "東京都渋谷区神宮前1-2-3",
            "representative": "山田 太郎", "contact": "03-1234-5678 / info@example.jp",
            "purposes": ["service", "contact", "marketing"],
            "other_purposes": "新メニューの開発のため",
            "collected": ["name", "phone", "line", "messages", "reservations"],
            "entrusted": [["LINEヤフー株式会社", "LINE公式アカウントでのメッセージの送受信"],
                          ["さくらインターネット株式会社", "中継サーバーの運用"]]}


def test_the_policy_has_every_item_the_law_asks(people: TwoPeople) -> None:
    book = people.book
    v1 = policy.record(book, PolicySettings.from_dict(SETTINGS), today=dt.date(2026, 4, 1))
    page = policy.to_html(book, v1)
    for heading in ("事業者の名称・住所・代表者", "取得する個人情報", "利用目的", "第三者への提供",
                    "業務の委託", "安全管理のために講じた措置", "保存期間",
                    "開示・訂正・削除などのご請求", "お問い合わせ窓口", "改定"):
        assert heading in page
    for text in ("ヘアサロン お得意", "山田 太郎", "新メニューの開発のため",
                 "さくらインターネット株式会社",
                 policy.PURPOSES["marketing"], policy.COLLECTED["reservations"], "第1版"):
        assert text in page
    assert policy.COLLECTED["purchases"] not in page
    pdf = policy.to_pdf(book, v1)
    assert pdf.startswith(b"%PDF-") and b"IPAexGothic" in pdf


def test_a_change_is_a_new_version_and_the_old_one_stays(people: TwoPeople) -> None:
    book = people.book
    v1 = policy.record(book, PolicySettings.from_dict(SETTINGS), today=dt.date(2026, 4, 1))
    same = policy.record(book, PolicySettings.from_dict(SETTINGS), today=dt.date(2026, 5, 1))
    assert same == v1
    v2 = policy.record(book, PolicySettings.from_dict({**SETTINGS, "purposes": ["service"]}),
                       today=dt.date(2026, 6, 1))
    assert [v.version for v in policy.versions(book)] == [1, 2]
    assert policy.current(book) == v2
    page = policy.to_html(book, v2)
    assert "制定日：2026-04-01" in page and "最終改定日：2026-06-01（第2版）" in page
    assert policy.versions(book)[0].settings.purposes == ["service", "contact", "marketing"]


@pytest.mark.parametrize("change", [{"business_name": " "}, {"purposes": [], "other_purposes": ""},
                                    {"purposes": ["spam"]}, {"favourite": "x"}])
def test_missing_or_unknown_settings_are_refused(change: dict) -> None:
    with pytest.raises(ValidationError):
        PolicySettings.from_dict({**SETTINGS, **change})


def test_the_headless_commands(tmp_path: Path) -> None:
    import json

    from tests.core.test_cli import otokui

    profile = tmp_path / "profile"
    assert otokui(profile, "init").returncode == 0
    settings = tmp_path / "policy.json"
    settings.write_text(json.dumps(SETTINGS, ensure_ascii=False), encoding="utf-8")
    made = otokui(profile, "privacy", "policy", "--settings", str(settings), "--html",
                  str(tmp_path / "p.html"), "--pdf", str(tmp_path / "p.pdf"))
    assert made.returncode == 0, made.stderr
    assert "version 1" in made.stdout
    assert "山田 太郎" in (tmp_path / "p.html").read_text(encoding="utf-8")
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF-")
    dry = otokui(profile, "privacy", "retention", "--blocked-months", "12", "--dry-run")
    assert dry.returncode == 0 and "0 customers" in dry.stdout
    missing = otokui(profile, "privacy", "delete", "--customer", "99", "--yes")
    assert missing.returncode == 1 and "customer 99" in missing.stderr
