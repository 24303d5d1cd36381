"""The owner's review queue of member links (ID連携): decided by a person, never guessed.

Entries come from the member-link page (a near match: the right member number with a
wrong proof, a proof that fits another member, or a member number locked after too many
wrong tries) and from LINE's account link (a nonce the key did not sign, a member number
the book lacks). The owner resolves each:

* **link** to the suggested member record, or to another customer without LINE: the same
  link and merge as an exact match (``linking._link_in``: fields, rows, tag 会員連携済み,
  timeline, ``member.linked``), and 「連携しました」 owed to the friend;
* **refuse**: the entry is dropped, nothing linked.

Either way, in one transaction with the change: the entry leaves the queue and the audit
log records who decided what (``member_review_linked`` / ``member_review_refused``, with
the request id and the reason it was queued). A link made by the owner also clears the
wrong-try counters of that member number and that friend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from app.book import Book

_CTX = "purchases"
#: Why an entry was queued (``reason`` in the entry).
REASONS: Final = ("near", "too_many_tries", "bad_nonce", "account_link_no_member")


class ReviewEntryGoneError(OtokuiError):
    code = "member-review-gone"
    message = QT_TRANSLATE_NOOP(_CTX, "This link request is no longer waiting for review.")
    advice = QT_TRANSLATE_NOOP(_CTX, "It was decided already. Refresh the list.")


class ReviewTargetError(OtokuiError):
    code = "member-review-target"
    message = QT_TRANSLATE_NOOP(_CTX, "This customer cannot be linked to the friend: they "
                                      "are already on LINE, or are the friend themselves.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Choose a member who is not on LINE yet.")


@dataclass(frozen=True)
class ReviewEntry:
    request_id: str
    line_user_id: str
    member_number: str
    #: The member record the request named (None when the number is unknown).
    suggested_customer_id: int | None
    reason: str
    at: str


def entries(book: Book) -> list[ReviewEntry]:
    """The queue, oldest first."""
    from app.members.linking import review_queue

    out = []
    for e in review_queue(book):
        suggested = e.get("member_customer_id")
        out.append(ReviewEntry(
            request_id=str(e.get("request_id", "")), line_user_id=str(e.get("line_user_id", "")),
            member_number=str(e.get("member_number") or ""),
            suggested_customer_id=int(suggested) if isinstance(suggested, int) else None,
            reason=str(e.get("reason", "near")), at=str(e.get("at", ""))))
    return out


def _take(s: Any, request_id: str) -> dict[str, Any]:
    """Remove the entry from the queue (inside the caller's transaction) and return it."""
    from app.members.linking import REVIEW_KEY, _put, _setting

    queue = [dict(e) for e in _setting(s, REVIEW_KEY, [])]
    found = next((e for e in queue if str(e.get("request_id")) == request_id), None)
    if found is None:
        raise ReviewEntryGoneError()
    _put(s, REVIEW_KEY, [e for e in queue if e is not found])
    return found


def link(book: Book, request_id: str, customer_id: int | None = None) -> int:
    """Link the entry's friend to ``customer_id`` (default: the suggested member record);
    the customer the friend is now (the friend's own record when they were in the book).
    The 「連携しました」 message is sent now if LINE can be reached, else later."""
    from app.audit import AuditService
    from app.members.linking import (
        FAILURES_KEY,
        MESSAGES_KEY,
        LinkRequest,
        _link_in,
        _put,
        _setting,
    )
    from app.purchases.csvimport import MEMBER_FIELD, _member_key
    from app.store.models import Customer, CustomField, FieldValue

    with book.db.write() as s:
        entry = _take(s, request_id)
        target_id = customer_id if customer_id is not None else entry.get("member_customer_id")
        user = str(entry.get("line_user_id", ""))
        member = s.get(Customer, target_id) if isinstance(target_id, int) else None
        if member is None or member.line_user_id is not None or not user:
            raise ReviewTargetError()
        # The member number on file for the chosen record (what was typed may be wrong).
        number = str(entry.get("member_number") or "")
        fid = s.scalar(select(CustomField.id).where(CustomField.name == MEMBER_FIELD))
        if fid is not None:
            on_file = s.scalar(select(FieldValue.text_value).where(
                FieldValue.customer_id == member.id, FieldValue.field_id == fid))
            number = str(on_file or number)
        key = f"review:{request_id}"
        kept = _link_in(book, s, member, LinkRequest(request_id=key, line_user_id=user,
                                                     member_number=number))
        failures = dict(_setting(s, FAILURES_KEY, {}))
        for k in (f"m:{_member_key(number)}", f"u:{user}"):
            failures.pop(k, None)
        _put(s, FAILURES_KEY, failures)
        messages = list(_setting(s, MESSAGES_KEY, []))
        messages.append({"request_id": key, "customer_id": kept})
        _put(s, MESSAGES_KEY, messages)
        AuditService.add(s, "member_review_linked", target=f"customer:{kept}", count=1,
                         request_id=request_id, reason=str(entry.get("reason", "")),
                         suggested=customer_id is None)
    book.announce("customers")
    book.announce("settings")
    book.announce("audit")
    _send(book)
    return kept


def refuse(book: Book, request_id: str) -> None:
    """Drop the entry: nothing is linked."""
    from app.audit import AuditService

    with book.db.write() as s:
        entry = _take(s, request_id)
        AuditService.add(s, "member_review_refused", target=f"request:{request_id}",
                         count=1, reason=str(entry.get("reason", "")))
    book.announce("settings")
    book.announce("audit")


def _send(book: Book) -> None:
    import logging

    from app.members.messages import send_pending

    try:
        send_pending(book)
    except Exception:  # the link is made; the message stays owed for the next call
        logging.getLogger("otokui.members").exception(
            "the member-link message could not be sent now")


@dataclass(frozen=True)
class Candidate:
    customer_id: int
    name: str
    member_number: str
    phone: str


def candidates(book: Book, text: str = "", limit: int = 200) -> list[Candidate]:
    """Customers without LINE (the members a friend may be linked to), matching ``text``
    in the name, furigana, member number or phone when given; by member number."""
    import unicodedata

    from app.purchases.csvimport import MEMBER_FIELD
    from app.store.models import Customer, CustomField, FieldValue

    needle = unicodedata.normalize("NFKC", text).strip().casefold()
    with book.db.read() as s:
        fid = s.scalar(select(CustomField.id).where(CustomField.name == MEMBER_FIELD))
        numbers: dict[int, str] = {}
        if fid is not None:
            numbers = {cid: str(v) for cid, v in s.execute(
                select(FieldValue.customer_id, FieldValue.text_value)
                .where(FieldValue.field_id == fid)) if v}
        rows = s.execute(select(Customer.id, Customer.name, Customer.furigana,
                                Customer.phone)
                         .where(Customer.line_user_id.is_(None))).all()
    out = []
    for cid, name, furigana, phone in rows:
        number = numbers.get(cid, "")
        hay = " ".join(str(x or "") for x in (name, furigana, number, phone)).casefold()
        if needle and needle not in unicodedata.normalize("NFKC", hay):
            continue
        out.append(Candidate(cid, str(name or ""), number, str(phone or "")))
    out.sort(key=lambda c: (c.member_number == "", c.member_number, c.name))
    return out[:limit]
