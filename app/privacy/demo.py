"""The demo's privacy policy: the demo salon's details, published to the demo relay so that
the consent links of the demo's forms open a real policy page."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from app.privacy.policy import PolicySettings
from app.privacy.service import PrivacyService

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.demo")


def publish_demo_policy(book: Book, shop_name: str) -> int:
    privacy = PrivacyService(book)
    privacy.save_settings(PolicySettings(
        business_name=shop_name, address="東京都杉並区阿佐谷南1-2-3（デモ）",
        representative="山田 花子", contact="03-0000-0000（デモの番号です）",
        purposes=["contact", "service", "booking", "news", "points"],
        relay_host="デモ用の中継サーバー（このパソコンの中）",
        retention="最後のご来店から3年間保存し、その後は削除します。"))
    version, _ = privacy.publish()
    try:
        privacy.upload()
    except Exception:  # the demo goes on without the page
        log.warning("the demo's privacy policy did not reach the demo relay", exc_info=True)
    return version
