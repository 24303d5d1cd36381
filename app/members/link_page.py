"""The member-link page on the relay, from the desktop's side: its secret, its links.

The page reuses the forms' per-friend link tokens (relay/forms/links.py) with a page id
in place of a form id. The book keeps the page's 32-byte link secret (setting
``members.link_page``); the relay gets only the MAC key derived from it
(``PUT /v1/member-link``), so it can refuse forged or expired links but cannot make a
link naming a friend, nor read who a link is for. A request sealed by the page carries
the link's token: :func:`friend_of_request` opens it here, so the LINE user id of a link
request always comes from the desktop's own secret, never from the relay.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import TYPE_CHECKING, Final

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP
from relay.forms import links

if TYPE_CHECKING:
    from app.book import Book

SETTING: Final = "members.link_page"
DEFAULT_DAYS: Final = 30
MAX_DAYS: Final = 366  # as app/forms' links
USER_ID_CHARS: Final = 33
LIFF_BASE: Final = "https://liff.line.me"
_CTX = "purchases"


class MemberLinkNeedsLiffError(OtokuiError):
    code = "member-link-needs-liff"
    message = QT_TRANSLATE_NOOP(_CTX, "The relay has no LIFF app, so the member-link page "
                                      "has no link for every friend.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Set RELAY_LIFF_ID and RELAY_LINE_LOGIN_CHANNEL_ID on "
                                     "the relay, or make each friend's own link instead.")


def page(book: Book, setting: str = SETTING) -> tuple[str, bytes]:
    """The page id and link secret (made on first use, kept in the book under
    ``setting``; the shop's product page, app/purchases/online.py, has its own)."""
    from app.store.models import BookSetting

    with book.db.write() as s:
        row = s.get(BookSetting, setting)
        if isinstance(row.value if row else None, dict):
            assert row is not None and isinstance(row.value, dict)
            return str(row.value["page_id"]), base64.b64decode(row.value["secret"])
        page_id = secrets.token_hex(8)
        secret = secrets.token_bytes(links.LINK_SECRET_BYTES)
        s.merge(BookSetting(key=setting, value={
            "page_id": page_id, "secret": base64.b64encode(secret).decode("ascii")}))
    return page_id, secret


def upload(book: Book) -> str:
    """Give the relay the page's MAC key (idempotent). Returns the page id."""
    return upload_page(book)[0]


def upload_page(book: Book) -> tuple[str, str | None]:
    """:func:`upload`, and the relay's LIFF app id (None when the relay has no LIFF)."""
    from app.sync.errors import RelayProtocolError
    from app.sync.relay_client import RelayFormsUnsupportedError

    page_id, secret = page(book)
    mac_key, _ = links.keys_for(secret, page_id)
    with book.line.relay_client() as relay:
        answer = relay._request("PUT", "/v1/member-link", json={
            "page_id": page_id, "link_key": base64.b64encode(mac_key).decode("ascii")})
    if answer.status_code == 404:
        raise RelayFormsUnsupportedError()
    if answer.status_code != 200:
        raise RelayProtocolError(f"HTTP {answer.status_code}")
    try:
        liff_id = json.loads(answer.content).get("liff_id")
    except (ValueError, AttributeError):  # an older relay: no LIFF for this page
        liff_id = None
    ok = isinstance(liff_id, str) and 0 < len(liff_id) <= 64 and liff_id.isascii() \
        and all(ch.isalnum() or ch == "-" for ch in liff_id)
    return page_id, liff_id if ok else None


def liff_link(book: Book) -> str:
    """The page for every friend, opened in LINE: ``https://liff.line.me/{liff id}/ml/
    {page_id}`` (LINE opens ``{relay}/l/ml/{page_id}``; the relay learns who the friend
    is from LINE Login). Uploads the page's key; refused when the relay has no LIFF."""
    from app.forms.errors import FormNeedsRelayError

    if not book.line.relay_url:
        raise FormNeedsRelayError()
    page_id, liff_id = upload_page(book)
    if liff_id is None:
        raise MemberLinkNeedsLiffError()
    return f"{LIFF_BASE}/{liff_id}/ml/{page_id}"


def check_page(book: Book, page_id: str, setting: str = SETTING) -> None:
    """LinkError unless ``page_id`` is this book's page (a LIFF request names no token)."""
    from app.store.models import BookSetting

    with book.db.read() as s:
        row = s.get(BookSetting, setting)
        value = row.value if row is not None else None
    if not isinstance(value, dict) or value.get("page_id") != page_id:
        raise links.LinkError("forged")


def link(book: Book, line_user_id: str, *, days: int = DEFAULT_DAYS,
         now: float | None = None, setting: str = SETTING, path: str = "ml") -> str:
    """A per-friend URL of the page: ``{relay}/{path}/{page_id}/{token}``."""
    from app.forms.errors import FormLinkUserError, FormNeedsRelayError
    from app.forms.service import _LINK_DAYS, _LINK_DAYS_ADVICE

    user = (line_user_id or "").strip()
    if not (user.startswith("U") and len(user) == USER_ID_CHARS and user.isascii()
            and user[1:].isalnum()):
        raise FormLinkUserError()
    if not 1 <= days <= MAX_DAYS:
        raise OtokuiError(str(days), message=_LINK_DAYS, advice=_LINK_DAYS_ADVICE)
    base = book.line.relay_url
    if not base:
        raise FormNeedsRelayError()
    page_id, secret = page(book, setting)
    expires = int((time.time() if now is None else now) + days * 86400)
    token = links.make_token(secret, page_id, user, expires)
    return f"{base.rstrip('/')}/{path}/{page_id}/{token}"


def friend_of_request(book: Book, page_id: str, token: str, submitted_ms: int | None,
                      setting: str = SETTING) -> str:
    """The LINE user id a sealed request's link names; LinkError when the token is not
    this book's, or had expired when the relay took the request."""
    from app.store.models import BookSetting

    with book.db.read() as s:
        row = s.get(BookSetting, setting)
        value = row.value if row is not None else None
    if not isinstance(value, dict) or value.get("page_id") != page_id:
        raise links.LinkError("forged")
    user, claims = links.friend_of(token, page_id, base64.b64decode(value["secret"]))
    if submitted_ms is not None and submitted_ms // 1000 >= claims.expires_at:
        raise links.LinkError("expired")
    return user
