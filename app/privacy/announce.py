"""Telling friends about a new version of the privacy policy (issue 16).

Who: the customers who agreed (in a form's consent item) to an older version and not yet
to the newest, as a saved segment 「プライバシーポリシー第N版のお知らせ先」 (condition
``ConsentCondition(N, older_only=True)``, so it stays right as they agree to the new one).
What: a short text naming the version, its date and the policy page's address on the
relay. The broadcast itself is the owner's: the window opens the broadcast composer with
both filled in (ui/privacy/policy_page.py); ``privacy announce`` prints them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.privacy.errors import NothingToAnnounceError, PolicyNotOnRelayError
from app.privacy.service import PrivacyService
from app.segments import ConsentCondition, Group

if TYPE_CHECKING:
    from app.book import Book


@dataclass(frozen=True)
class Announcement:
    version: int
    segment_id: int
    recipients: int
    text: str


def segment_name(version: int) -> str:
    return f"プライバシーポリシー第{version}版のお知らせ先"


def announcement_text(shop: str, version: int, effective_date: str, url: str) -> str:
    day = dt.date.fromisoformat(effective_date)
    who = f"{shop}の" if shop else ""
    return (f"{who}プライバシーポリシーを改定しました（第{version}版、"
            f"{day.year}年{day.month}月{day.day}日施行）。\n"
            f"改定後の内容はこちらでご覧いただけます。\n{url}")


def prepare(book: Book) -> Announcement:
    """Save (or refresh) the segment of those to tell and write the text; raises a known
    error when there is nothing to tell or the newest version is not on the relay."""
    privacy = PrivacyService(book)
    versions = privacy.versions()
    if not versions or versions[0][0] < 2:
        raise NothingToAnnounceError()
    version, effective_date, _published, on_relay = versions[0]
    if on_relay is None:
        raise PolicyNotOnRelayError()
    cond = Group("and", (ConsentCondition(version, older_only=True),))
    name = segment_name(version)
    found = [seg.id for seg in book.segments.list() if seg.name == name]
    if found:
        book.segments.update(found[0], cond=cond)
        segment_id = found[0]
    else:
        segment_id = book.segments.save(name, cond)
    shop = privacy.settings().business_name
    text = announcement_text(shop, version, effective_date, policy_url(book))
    return Announcement(version, segment_id, len(book.segments.ids(cond)), text)


def policy_url(book: Book) -> str:
    """The policy page's address as friends open it (the relay says its path: a relay
    serving several shops has one page per shop)."""
    from app.sync.errors import RelayProtocolError

    base = (book.line.relay_url or "").rstrip("/")
    if not base:
        raise PolicyNotOnRelayError()
    with book.line.relay_client() as relay:
        response = relay._request("GET", "/v1/privacy-policy")
    if response.status_code == 404:
        raise PolicyNotOnRelayError()
    if response.status_code != 200:
        raise RelayProtocolError(f"privacy policy: HTTP {response.status_code}")
    try:
        path = json.loads(response.content).get("path")
    except (ValueError, AttributeError):
        path = None
    if not isinstance(path, str) or not path.startswith("/"):
        raise RelayProtocolError("privacy policy: no page path")
    return base + path
