"""The receipt (領収書) sent to the buyer on LINE, which cannot carry a PDF.

The desktop makes the PDF, encrypts it with a fresh random 256-bit key
(relay/receipts/crypto.py: AES-256-GCM, the receipt id as associated data), uploads only
the ciphertext to the relay (``PUT /v1/receipts/{id}``, device token) with an expiry, and
sends the buyer a LINE message with ``{relay}/receipt/{id}/{key}``. The key is only in that
URL (and in the book's copy of the message, in the encrypted book): the relay never holds
it, so its database has nothing readable of the receipt. The message goes through the
broadcasts' exactly-once engine (``members.messages.owe_in`` / ``send_pending``), like
「連携しました」. The book keeps each sent receipt's id, order and expiry (setting
``purchases.sent_receipts``) so that it can be deleted from the relay before its expiry
(:func:`delete_receipt`).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from app.errors import OtokuiError
from app.i18n import QT_TRANSLATE_NOOP
from relay.receipts import crypto

if TYPE_CHECKING:
    from app.book import Book

_CTX = "purchases"
SENT_KEY: Final = "purchases.sent_receipts"
DEFAULT_DAYS: Final = 30
MAX_DAYS: Final = 365


class ReceiptNoFriendError(OtokuiError):
    code = "receipt-no-friend"
    message = QT_TRANSLATE_NOOP(_CTX, "This order's customer is not a LINE friend, so the "
                                      "receipt cannot be sent on LINE.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Save the receipt as a PDF and hand it over instead.")


class ReceiptDaysError(OtokuiError):
    code = "receipt-days"
    message = QT_TRANSLATE_NOOP(_CTX, "A receipt link works from 1 to 365 days.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Give the link between 1 and 365 days.")


@dataclass(frozen=True)
class SentReceipt:
    receipt_id: str
    url: str
    expires_at: dt.datetime
    #: The PDF's size (what the link gives back, byte for byte).
    size: int


def message_text(number: str, url: str, expires: dt.datetime) -> str:
    from app.purchases.csvimport import JST

    local = expires.astimezone(JST)
    return (f"領収書をお送りします（注文番号 {number}）。\n{url}\n"
            f"{local.year}年{local.month}月{local.day}日までご覧いただけます。")


def send_receipt(book: Book, order_id: int, *, days: int = DEFAULT_DAYS,
                 now: float | None = None) -> SentReceipt:
    """Upload the order's receipt, encrypted, and send its link to the buyer on LINE (now
    if LINE can be reached, else it stays owed for the next send)."""
    from app.audit import AuditService
    from app.forms.errors import FormNeedsRelayError
    from app.members.messages import owe_in, send_pending
    from app.store.models import BookSetting
    from app.sync.errors import RelayProtocolError
    from app.sync.relay_client import RelayFormsUnsupportedError

    if not 1 <= days <= MAX_DAYS:
        raise ReceiptDaysError(str(days))
    order = book.purchases.get(order_id)
    customer = book.customers.get(order.customer_id) if order.customer_id is not None \
        else None
    if customer is None or not customer.line_user_id:
        raise ReceiptNoFriendError(order.number)
    base = book.line.relay_url
    if not base:
        raise FormNeedsRelayError()
    pdf = book.purchases.receipt_pdf(order_id)  # the issuer must be set
    receipt_id = secrets.token_hex(16)
    key = secrets.token_bytes(crypto.KEY_BYTES)
    blob = crypto.seal(receipt_id, key, secrets.token_bytes(crypto.NONCE_BYTES), pdf)
    expires_s = int((time.time() if now is None else now) + days * 86400)
    with book.line.relay_client() as relay:
        answer = relay._request("PUT", f"/v1/receipts/{receipt_id}", content=blob,
                                params={"expires_at": str(expires_s * 1000)},
                                headers={"Content-Type": "application/octet-stream"})
    if answer.status_code == 404:
        raise RelayFormsUnsupportedError()
    if answer.status_code != 200:
        raise RelayProtocolError(f"HTTP {answer.status_code}")
    url = f"{base.rstrip('/')}/receipt/{receipt_id}/{crypto.key_text(key)}"
    expires = dt.datetime.fromtimestamp(expires_s, dt.UTC)
    with book.db.write() as s:
        owe_in(s, f"receipt:{receipt_id}", customer.id,
               message_text(order.number, url, expires),
               # The engine finds an owed message's broadcast by name: one per link.
               f"領収書 {order.number} {receipt_id[:8]}")
        row = s.get(BookSetting, SENT_KEY)
        sent = list(row.value) if row is not None and isinstance(row.value, list) else []
        sent.append({"receipt_id": receipt_id, "order": order.number,
                     "expires_at": expires.isoformat(timespec="seconds")})
        s.merge(BookSetting(key=SENT_KEY, value=sent))
        AuditService.timeline_add(s, customer.id, "receipt_sent", number=order.number)
    book.announce("customers", [customer.id])
    send_pending(book)
    return SentReceipt(receipt_id, url, expires, len(pdf))


def delete_receipt(book: Book, receipt_id: str) -> bool:
    """Delete a sent receipt from the relay before its expiry (its link then gives 404);
    False when the relay no longer had it."""
    import json

    from app.sync.errors import RelayProtocolError

    with book.line.relay_client() as relay:
        answer = relay._request("DELETE", f"/v1/receipts/{receipt_id}")
    if answer.status_code != 200:
        raise RelayProtocolError(f"HTTP {answer.status_code}")
    try:
        return bool(json.loads(answer.content).get("deleted"))
    except (ValueError, AttributeError):
        raise RelayProtocolError("not JSON") from None
