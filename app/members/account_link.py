"""LINE's account link (アカウント連携) for shops with their own member site (issue 15).

The flow LINE defines: the shop issues a **link token** for a friend (Messaging API,
``POST /v2/bot/user/{userId}/linkToken``, valid 10 minutes, once) and sends the friend to
its own site with it; the friend logs in there; the site makes a **nonce** naming the
member and sends the friend to ``https://access.line.me/dialog/bot/accountLink?linkToken=…
&nonce=…``; LINE then sends the shop an ``accountLink`` event carrying the nonce.

Otokui plays the shop's part without a server of its own: the site and the book share a
key (``member account-link-key --out FILE``), and the nonce is the member number with 8
random bytes, signed with that key (:func:`make_nonce`, the site's side, documented with a
reference in docs/id-linking.md). The book checks the signature and links the friend to
that member exactly like the member-link page does (``linking._link_in``: the merge, the
tag 会員連携済み, the timeline, ``member.linked``), at most once per event. A nonce whose
signature fails, or a member number the book does not have, goes to the owner's review
queue; nothing is linked by guess.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.members.linking import (
    DONE_KEY,
    REVIEW_KEY,
    LinkRequest,
    _link_in,
    _put,
    _setting,
)
from app.purchases.csvimport import MEMBER_FIELD, _member_key
from app.store.models import Customer, CustomField

if TYPE_CHECKING:
    from app.book import Book

KEY_SETTING: Final = "members.account_link_key"
#: accountLink events applied by the sync, waiting to be linked (see apply_pending).
PENDING_KEY: Final = "members.account_links_pending"
DIALOG: Final = "https://access.line.me/dialog/bot/accountLink"
_MAC_BYTES: Final = 16
_SALT_BYTES: Final = 8
_CONTEXT: Final = b"otokui-account-link/1\n"


def shared_key(book: Book) -> bytes:
    """The key the shop's site signs nonces with (made on first use, kept in the book)."""
    with book.db.write() as s:
        value = _setting(s, KEY_SETTING, None)
        if not isinstance(value, str):
            value = secrets.token_hex(32)
            _put(s, KEY_SETTING, value)
    return bytes.fromhex(value)


def make_nonce(key: bytes, member_number: str) -> str:
    """The nonce for ``member_number`` (what the shop's site does after the member logs
    in): base64url of 8 random bytes, the member number and an HMAC-SHA256 tag."""
    body = secrets.token_bytes(_SALT_BYTES) + member_number.encode("utf-8")
    tag = hmac.new(key, _CONTEXT + body, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(body + tag).decode("ascii").rstrip("=")


def member_of(key: bytes, nonce: str) -> str | None:
    """The member number a nonce names, or None when it is not one the key signed."""
    try:
        raw = base64.urlsafe_b64decode(nonce + "=" * (-len(nonce) % 4))
    except (ValueError, TypeError):
        return None
    if len(raw) <= _SALT_BYTES + _MAC_BYTES:
        return None
    body, tag = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    want = hmac.new(key, _CONTEXT + body, hashlib.sha256).digest()[:_MAC_BYTES]
    if not hmac.compare_digest(tag, want):
        return None
    try:
        return body[_SALT_BYTES:].decode("utf-8")
    except UnicodeDecodeError:
        return None


def issue_link_token(book: Book, line_user_id: str) -> str:
    """A link token for this friend, from LINE (the book's channel must be connected)."""
    from app.sync.errors import NotPairedError

    gateway = book.line.gateway()
    if gateway is None:
        raise NotPairedError()
    with gateway:
        return gateway.issue_link_token(line_user_id)


def note_event(s: Session, webhook_event_id: str, line_user_id: str, nonce: str) -> None:
    """Called by the sync's applier for an ``accountLink`` event with result "ok", in its
    transaction: the link itself is made after the batch (apply_pending), when the
    friend's record is written."""
    pending = list(_setting(s, PENDING_KEY, []))
    pending.append({"event": webhook_event_id, "user": line_user_id, "nonce": nonce[:255]})
    _put(s, PENDING_KEY, pending)


def apply_pending(book: Book) -> list[str]:
    """Link the friends of the noted events; returns each outcome ("linked", "review",
    "already"). One transaction: the links and the emptied list commit together."""
    outcomes: list[str] = []
    with book.db.write() as s:
        pending = list(_setting(s, PENDING_KEY, []))
        if not pending:
            return outcomes
        key_hex = _setting(s, KEY_SETTING, None)
        key = bytes.fromhex(key_hex) if isinstance(key_hex, str) else None
        done = set(_setting(s, DONE_KEY, []))
        for entry in pending:
            outcomes.append(_one(book, s, key, done, entry))
        _put(s, DONE_KEY, sorted(done))
        _put(s, PENDING_KEY, [])
    if any(o == "linked" for o in outcomes):
        book.announce("customers")
    book.announce("settings")
    return outcomes


def _one(book: Book, s: Session, key: bytes | None, done: set[str],
         entry: dict[str, Any]) -> str:
    from app.members.importer import member_index_in

    request_id = f"accountlink:{entry.get('event', '')}"
    if request_id in done:
        return "already"
    done.add(request_id)
    user, nonce = str(entry.get("user", "")), str(entry.get("nonce", ""))
    number = member_of(key, nonce) if key is not None else None
    member = None
    if number is not None:
        mfield = s.scalar(select(CustomField.id).where(CustomField.name == MEMBER_FIELD))
        member_id = member_index_in(s, mfield).get(_member_key(number)) \
            if mfield is not None else None
        member = s.get(Customer, member_id) if member_id is not None else None
    if number is None or member is None or member.line_user_id not in (None, user):
        queue = list(_setting(s, REVIEW_KEY, []))
        queue.append({"request_id": request_id, "line_user_id": user,
                      "member_number": number or "",
                      "member_customer_id": member.id if member is not None else None,
                      "reason": "bad_nonce" if number is None else "account_link_no_member",
                      "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
        _put(s, REVIEW_KEY, queue)
        return "review"
    if member.line_user_id == user:
        return "already"
    _link_in(book, s, member, LinkRequest(request_id=request_id, line_user_id=user,
                                          member_number=number))
    return "linked"
