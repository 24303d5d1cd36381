"""Refunding an order paid online, from the desktop: the relay asks Stripe (it holds the
shop's Stripe key, relay/payments/refunds.py), and the refund reaches the book the way
every Stripe refund does — the ``charge.refunded`` webhook, sealed by the relay, applied on
sync as a cumulative amount (app/purchases/online.py). So the book changes only when
Stripe has refunded, and a refund is never counted twice."""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING

from app.errors import OtokuiError, ValidationError
from app.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from app.book import Book

_CTX = "purchases"


class OnlineRefundError(OtokuiError):
    code = "online-refund"
    message = QT_TRANSLATE_NOOP(_CTX, "Stripe did not make the refund.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Check the order in Stripe's dashboard, or try again "
                                     "later.")


class NotOnlineError(OtokuiError):
    code = "not-online"
    message = QT_TRANSLATE_NOOP(_CTX, "This order was not paid online.")
    advice = QT_TRANSLATE_NOOP(_CTX, "Refund it in the book instead.")


def request_refund(book: Book, order_id: int, amount: int | None = None) -> str:
    """Ask Stripe, through the relay, to refund ``amount`` yen (None: all that is left) of
    an online order; Stripe's refund id. The book's order changes on the next sync."""
    from app.sync.errors import RelayProtocolError
    from app.sync.relay_client import RelayFormsUnsupportedError

    order = book.purchases.get(order_id)
    if order.source != "online":
        raise NotOnlineError(order.number)
    left = order.total - order.refunded
    if left <= 0 or (amount is not None and not 0 < amount <= left):
        raise ValidationError(f"{amount} > {left}", message=QT_TRANSLATE_NOOP(
            _CTX, "A refund cannot be larger than what is left of the payment."))
    with book.line.relay_client() as relay:
        answer = relay._request("POST", "/v1/payments/refunds", json={
            "session_id": order.number, "amount": amount,
            "request_id": secrets.token_hex(16)})
    try:
        loaded = json.loads(answer.content)
    except ValueError:
        loaded = None
    body = loaded if isinstance(loaded, dict) else {}
    if answer.status_code == 404 and body.get("error") != "unknown_session":
        raise RelayFormsUnsupportedError()  # a relay without this call
    if answer.status_code != 200:
        code = str(body.get("code") or body.get("error") or answer.status_code)
        if answer.status_code in (400, 404, 409, 502):
            raise OnlineRefundError(code)
        raise RelayProtocolError(f"HTTP {answer.status_code}")
    return str(body.get("refund_id", ""))
