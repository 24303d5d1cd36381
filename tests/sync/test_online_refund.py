"""An online order refunded from the desktop, all real: the book, the relay (holding the
shop's Stripe key), the Stripe stand-in, the LINE emulator. The relay asks Stripe with the
official library; the book changes only when Stripe's ``charge.refunded`` webhook comes
back on sync, so nothing is counted twice. Also from the window's refund dialog."""

from __future__ import annotations

import httpx
import pytest

from app.errors import ValidationError
from app.purchases.online_refund import NotOnlineError, OnlineRefundError, request_refund
from app.purchases.service import SaleLine
from emulator.stripe import RunningStripe
from tests.sync.support import fast_worker
from tests.sync.test_payments import (  # noqa: F401  (the fixtures)
    SK,
    _checkout,
    relay,
    shop,
    stripe_api,
)


def _paid(shop, stripe_api: RunningStripe) -> tuple[object, int]:  # noqa: F811
    connected, uid, url = shop
    with httpx.Client() as client:
        pay_url = _checkout(client, url, P1="2", P2="0")
        paid = client.post(pay_url, data={"action": "pay", "email": "a@example.jp",
                                          "name": "A"})
        assert paid.status_code == 303
    fast_worker(connected.book).run_once()
    [order] = connected.book.purchases.history(connected.book.customers.by_line_user_id(uid))
    assert (order.total, order.source) == (3960, "online")
    return connected, order.id


def test_refund_through_the_relay_reaches_the_book_on_sync(
        shop, stripe_api: RunningStripe) -> None:  # noqa: F811
    import stripe

    connected, order_id = _paid(shop, stripe_api)
    book = connected.book
    refund_id = request_refund(book, order_id, 1000)
    assert refund_id.startswith("re_")
    assert book.purchases.get(order_id).refunded == 0  # not before Stripe's webhook
    fast_worker(book).run_once()
    order = book.purchases.get(order_id)
    assert (order.refunded, order.status) == (1000, "partially_refunded")
    # More than is left, by the book: refused before asking anyone.
    with pytest.raises(ValidationError):
        request_refund(book, order_id, 5000)
    # Stripe knows of a refund the book has not synced yet: Stripe refuses, clearly.
    direct = stripe.StripeClient(SK, base_addresses={"api": stripe_api.base_url})
    pi = stripe_api.stripe.sessions[order.number]["payment_intent"]
    direct.v1.refunds.create(params={"payment_intent": pi, "amount": 2000})
    with pytest.raises(OnlineRefundError) as err:
        request_refund(book, order_id, 2960)
    assert err.value.detail == "amount_too_large"
    fast_worker(book).run_once()
    assert book.purchases.get(order_id).refunded == 3000
    # A counter sale is not refunded at Stripe.
    counter = book.purchases.quick_sale(None, [SaleLine(name="ギフト券", unit_price=1000)])
    with pytest.raises(NotOnlineError):
        request_refund(book, counter)


def test_refund_from_the_window(shop, stripe_api: RunningStripe, qtbot) -> None:  # noqa: F811
    from PySide6.QtWidgets import QDialogButtonBox

    from ui.purchases.refund import RefundDialog

    connected, order_id = _paid(shop, stripe_api)
    book = connected.book
    dialog = RefundDialog(book, book.purchases.get(order_id))
    qtbot.addWidget(dialog)
    assert "Stripe" in dialog.note.text()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # all that is left
    qtbot.waitUntil(lambda: dialog.refund_id is not None, timeout=30000)
    assert dialog.result() == dialog.DialogCode.Accepted
    fast_worker(book).run_once()
    order = book.purchases.get(order_id)
    assert (order.refunded, order.status) == (3960, "refunded")
