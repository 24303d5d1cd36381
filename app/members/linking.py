"""Linking a LINE friend to the shop's member record (ID連携), on the desktop.

A link request says: this LINE friend claims member number N, proving it with the phone
number or the birthday on file. The book links only on an **exact** match (the member
number, and the phone's digits or the birthday, equal); anything close (right number but
wrong proof, or a proof that fits another member) goes to the owner's review queue and is
never linked by itself. A request applied twice (pulled again after a crash) does nothing
the second time (``request_id``).

The merge is defined: the LINE friend's record stays (it holds the conversation); from
the member's record it gains every built-in field it has empty, every custom field value
it lacks (its own win), the tags, orders, timeline, points history and attachments; then
the member's record is deleted. The book's audit log keeps an entry; the friend's
timeline says "member_linked"; the tag 会員連携済み is added and the domain event
``member.linked`` emitted, all in one transaction. When the friend is not in the book
yet, the member's record simply gets the LINE user id.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.purchases.csvimport import MEMBER_FIELD, _member_key
from app.store.models import Base, BookSetting, Customer, CustomField

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.members")

TAG_LINKED: Final = "会員連携済み"
REVIEW_KEY: Final = "members.review_queue"
DONE_KEY: Final = "members.link_requests_done"
#: Wrong proofs counted per member number and per LINE friend ({"m:<number>": n, "u:U…": n}).
FAILURES_KEY: Final = "members.link_failures"
#: Links made whose "連携しました" message is not sent yet (app/members/messages.py).
MESSAGES_KEY: Final = "members.link_messages"
#: After this many wrong proofs for one member number (or from one friend), requests are
#: no longer linked even when right: they go to the owner's review queue.
MAX_WRONG: Final = 5
MAGIC: Final = b"otokui-member-link/1\n"
_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
_COPIED = ("name", "furigana", "phone", "email", "postal_code", "address", "birthday")


@dataclass(frozen=True)
class LinkRequest:
    request_id: str
    line_user_id: str
    member_number: str
    phone: str = ""
    birthday: dt.date | None = None


@dataclass(frozen=True)
class LinkOutcome:
    #: "linked", "review", "no_member", "already", "locked" (too many wrong tries: review).
    result: str
    customer_id: int | None = None


def _setting(s: Session, key: str, default: Any) -> Any:
    row = s.get(BookSetting, key)
    return default if row is None else row.value


def _put(s: Session, key: str, value: Any) -> None:
    s.merge(BookSetting(key=key, value=value))


def review_queue(book: Book) -> list[dict[str, Any]]:
    """Requests that came close but did not match exactly (for the owner to decide)."""
    with book.db.read() as s:
        return list(_setting(s, REVIEW_KEY, []))


def apply_link_request(book: Book, req: LinkRequest) -> LinkOutcome:
    from app.textnorm import phone_digits

    with book.db.write() as s:
        done = set(_setting(s, DONE_KEY, []))
        if req.request_id in done:
            return LinkOutcome("already")
        _put(s, DONE_KEY, sorted(done | {req.request_id}))
        mfield = s.scalar(select(CustomField.id).where(CustomField.name == MEMBER_FIELD))
        index: dict[str, int] = {}
        if mfield is not None:
            from app.members.importer import member_index_in

            index = member_index_in(s, mfield)
        member_id = index.get(_member_key(req.member_number))
        member = s.get(Customer, member_id) if member_id is not None else None
        phone = phone_digits(req.phone)

        def proves(c: Customer) -> bool:
            return bool((phone and c.phone_digits == phone)
                        or (req.birthday is not None and c.birthday == req.birthday))

        failures = dict(_setting(s, FAILURES_KEY, {}))
        keys = (f"m:{_member_key(req.member_number)}", f"u:{req.line_user_id}")
        locked = any(failures.get(k, 0) >= MAX_WRONG for k in keys)
        if not locked and member is not None and member.line_user_id is None \
                and proves(member):
            cid = _link_in(book, s, member, req)
            messages = list(_setting(s, MESSAGES_KEY, []))
            messages.append({"request_id": req.request_id, "customer_id": cid})
            _put(s, MESSAGES_KEY, messages)
            outcome = LinkOutcome("linked", cid)
        else:
            if not locked:
                for k in keys:
                    failures[k] = failures.get(k, 0) + 1
                _put(s, FAILURES_KEY, failures)
            near = locked or member is not None or (phone and s.scalar(
                select(Customer.id).where(Customer.phone_digits == phone,
                                          Customer.line_user_id.is_(None))) is not None)
            if not near:
                return LinkOutcome("no_member")
            queue = list(_setting(s, REVIEW_KEY, []))
            queue.append({"request_id": req.request_id, "line_user_id": req.line_user_id,
                          "member_number": req.member_number,
                          "member_customer_id": member_id,
                          "reason": "too_many_tries" if locked else "near",
                          "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
            _put(s, REVIEW_KEY, queue)
            outcome = LinkOutcome("locked" if locked else "review", member_id)
    book.announce("customers")
    book.announce("settings")
    return outcome


def _link_in(book: Book, s: Session, member: Customer, req: LinkRequest) -> int:
    from app import domain_events, search
    from app.audit import AuditService
    from app.customers import apply_fields
    from app.tags import TagService

    friend_id = s.scalar(select(Customer.id).where(Customer.line_user_id == req.line_user_id))
    if friend_id is None:
        member.line_user_id = req.line_user_id
        kept = member.id
    else:
        friend = s.get(Customer, friend_id)
        assert friend is not None
        fill = {k: getattr(member, k) for k in _COPIED
                if getattr(member, k) and not getattr(friend, k)}
        if member.memo:
            fill["memo"] = (friend.memo + "\n" + member.memo).strip()
        apply_fields(friend, fill)
        _move_rows(s, member.id, friend.id)
        s.execute(text("DELETE FROM customer WHERE id = :m"), {"m": member.id})
        search.reindex(s, [friend.id])
        kept = friend.id
    AuditService.add(s, "member_linked", target=f"customer:{kept}",
                     count=1, merged=friend_id is not None)
    AuditService.timeline_add(s, kept, "member_linked", member_number=req.member_number)
    TagService.apply_in(s, [kept], TagService.ensure_in(s, [TAG_LINKED]), add=True)
    domain_events.emit(s, domain_events.MEMBER_LINKED, key=f"member-link:{req.request_id}",
                       customer_id=kept, data={"member_number": req.member_number})
    return kept


def _move_rows(s: Session, from_id: int, to_id: int) -> None:
    """Every row of the member's (any table with a customer_id) to the friend; a row the
    friend has already (the same field, the same tag) stays the friend's."""
    for table in Base.metadata.sorted_tables:
        if table.name == "customer" or "customer_id" not in table.c:
            continue
        # The table names come from our own metadata, never from input.
        s.execute(text(f"UPDATE OR IGNORE {table.name} SET customer_id = :to "  # noqa: S608
                       "WHERE customer_id = :old"), {"to": to_id, "old": from_id})


def parse_item(book: Book, plaintext: bytes) -> LinkRequest:
    """A sealed link request from the relay's page, validated again (trust no relay): the
    LINE user id comes from opening the link's token with the book's own secret
    (app/members/link_page.py), never from the relay."""
    from app.members.link_page import check_page, friend_of_request
    from app.sync.front_items import FrontItemError
    from relay.forms.links import LinkError

    if not plaintext.startswith(MAGIC):
        raise FrontItemError("not a member-link item")
    try:
        body = json.loads(plaintext[len(MAGIC):].decode("utf-8"))
        birthday = body.get("birthday")
        page_id, token = str(body["page_id"]), str(body["token"])
        submitted = body["submitted_at"]
        if not isinstance(submitted, int) or isinstance(submitted, bool):
            raise TypeError("submitted_at")
        member_number = unicodedata.normalize("NFKC", str(body["member_number"])).strip()
        identity = body.get("identity")
        if identity is not None:
            # The LIFF page: no token; LINE Login vouched for the friend to the relay (the
            # ID token expires within the hour, before a desktop may sync: like forms'
            # LIFF answers, the relay's check is trusted). The page must be ours.
            if not isinstance(identity, dict) or identity.get("kind") != "liff" \
                    or not _USER_ID.match(str(identity.get("user_id"))) or token:
                raise TypeError("identity")
            check_page(book, page_id)
            user = str(identity["user_id"])
        else:
            user = friend_of_request(book, page_id, token, submitted)
        req = LinkRequest(
            request_id=str(body["request_id"])[:100],
            line_user_id=user,
            member_number=member_number[:64],
            phone=str(body.get("phone") or "")[:32],
            birthday=dt.date.fromisoformat(birthday) if birthday else None)
    except LinkError as exc:
        raise FrontItemError(f"link {exc.code}") from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise FrontItemError(type(exc).__name__) from None
    if not req.request_id or not req.line_user_id.startswith("U") or not req.member_number:
        raise FrontItemError("missing fields")
    return req


def apply_item(book: Book, plaintext: bytes) -> str:
    outcome = apply_link_request(book, parse_item(book, plaintext))
    if outcome.result == "linked":
        from app.members.messages import send_pending

        try:
            send_pending(book)
        except Exception:  # the link is made; the message stays owed for the next call
            log.exception("the member-link message could not be sent now")
    return outcome.result


def make_item(req: LinkRequest, *, page_id: str, token: str, submitted_ms: int) -> bytes:
    """The item as the relay's page seals it (relay/members/pages.py; used by tests). The
    request's ``line_user_id`` is not in it: the token names the friend."""
    return MAGIC + json.dumps({
        "request_id": req.request_id, "page_id": page_id, "token": token,
        "member_number": req.member_number, "phone": req.phone,
        "birthday": req.birthday.isoformat() if req.birthday else None,
        "submitted_at": submitted_ms,
    }, ensure_ascii=False).encode("utf-8")
