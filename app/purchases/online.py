"""Online payment, from the desktop's side: switching it on at the relay, the friend's
product-page link, and the orders (and refunds) the relay seals from Stripe's webhooks.

The product page uses the forms' per-friend link tokens with its own page secret (book
setting ``purchases.shop_page``): the relay gets the MAC key only, so the LINE user id
of an order comes from opening the token here, never from the relay or from Stripe.

An order item (``otokui-order/1``) is applied once: its order number is the Checkout
Session's id (a session paid twice, or its event pulled again, finds the order there). A
refund item carries Stripe's cumulative ``amount_refunded``: only what the book has not
refunded yet is refunded, so a refund event pulled twice, or two refunds arriving in any
order, never refund twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select

if TYPE_CHECKING:
    from app.book import Book

log = logging.getLogger("otokui.purchases")

SETTING: Final = "purchases.shop_page"
MAGIC: Final = b"otokui-order/1\n"


def switch_on(book: Book, secret_key: str, webhook_secret: str) -> int:
    """Give the relay the shop's Stripe keys and the shown products (``PUT /v1/payments``);
    the number of products on the page."""
    from app.members import link_page
    from app.sync.errors import RelayProtocolError
    from app.sync.relay_client import RelayFormRefusedError, RelayFormsUnsupportedError
    from relay.forms import links

    page_id, secret = link_page.page(book, SETTING)
    mac_key, _ = links.keys_for(secret, page_id)
    # The stock as the book counts it (every online order applied so far included) and
    # which online orders those are, so the relay stops counting them (relay/payments/
    # stock.py): an order is counted by the relay until the book has it, never by both.
    products = [{"code": p.code, "name": p.name, "price": p.price, "tax_rate": p.tax_rate,
                 "stock": p.stock,
                 **({"photo": base64.b64encode(p.photo).decode("ascii")} if p.photo else {})}
                for p in book.purchases.products(shown_only=True)]
    with book.line.relay_client() as relay:
        answer = relay._request("PUT", "/v1/payments", json={
            "page_id": page_id, "link_key": base64.b64encode(mac_key).decode("ascii"),
            "secret_key": secret_key.strip(), "webhook_secret": webhook_secret.strip(),
            "products": products, "applied": applied_orders(book)})
    if answer.status_code == 404:
        raise RelayFormsUnsupportedError()
    if answer.status_code in (400, 409):
        raise RelayFormRefusedError(f"HTTP {answer.status_code}")
    if answer.status_code != 200:
        raise RelayProtocolError(f"HTTP {answer.status_code}")
    from app.autopilot.pages import publish_if_on

    publish_if_on(book)  # with the autopilot on, the relay learns the page's friend key
    return len(products)


#: The newest online orders named to the relay on publish (its sold holds are younger).
APPLIED_SENT: Final = 5000


def applied_orders(book: Book) -> list[str]:
    """The numbers of the online orders in the book (their stock is in the book's)."""
    from app.store.models_purchases import Order

    with book.db.read() as s:
        return list(s.scalars(select(Order.number).where(Order.source == "online")
                              .order_by(Order.created_at.desc()).limit(APPLIED_SENT)))


def link(book: Book, line_user_id: str, *, days: int = 30, now: float | None = None) -> str:
    """A friend's link to the product page: ``{relay}/shop/{page_id}/{token}``."""
    from app.members import link_page

    return link_page.link(book, line_user_id, days=days, now=now, setting=SETTING,
                          path="shop")


def order_number(session_id: str) -> str:
    """The order's number: the session id (or, if ever longer than a number may be, a
    digest of it)."""
    if len(session_id) <= 64:
        return session_id
    return "cs_" + hashlib.sha256(session_id.encode()).hexdigest()[:60]


def _parse(plaintext: bytes) -> dict[str, Any]:
    from app.sync.front_items import FrontItemError

    if not plaintext.startswith(MAGIC):
        raise FrontItemError("not an order item")
    try:
        body = json.loads(plaintext[len(MAGIC):].decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise FrontItemError("not JSON") from None
    if not isinstance(body, dict) or body.get("kind") not in ("paid", "refunded") \
            or not isinstance(body.get("session_id"), str) or not body["session_id"]:
        raise FrontItemError("missing fields")
    return body


def _cart(text: object) -> list[tuple[str, int, int]]:
    from app.sync.front_items import FrontItemError

    out = []
    try:
        for part in str(text).split("|"):
            code, qty, price = part.rsplit("*", 2)
            out.append((code, int(qty), int(price)))
    except ValueError:
        raise FrontItemError("bad cart") from None
    if not out or any(q <= 0 or p < 0 for _, q, p in out):
        raise FrontItemError("bad cart")
    return out


def apply_item(book: Book, plaintext: bytes) -> str:
    body = _parse(plaintext)
    if body["kind"] == "refunded":
        return _refund(book, body)
    return _paid(book, body)


def _paid(book: Book, body: dict[str, Any]) -> str:
    from app.customers import apply_fields
    from app.members.link_page import friend_of_request
    from app.members.messages import owe_in, send_pending
    from app.purchases.service import PurchaseService
    from app.store.models import Customer, utcnow
    from app.store.models_purchases import Order, OrderLine, Product
    from app.sync.front_items import FrontItemError
    from relay.forms.links import LinkError

    try:
        user = friend_of_request(book, str(body.get("page_id")), str(body.get("token")), None,
                                 SETTING)
    except LinkError as exc:
        raise FrontItemError(f"link {exc.code}") from None
    cart = _cart(body.get("cart"))
    total = body.get("amount_total")
    if not isinstance(total, int) or sum(q * p for _, q, p in cart) != total:
        raise FrontItemError("amounts do not add up")
    number = order_number(body["session_id"])
    raw_buyer = body.get("buyer")
    buyer: dict[str, Any] = raw_buyer if isinstance(raw_buyer, dict) else {}
    with book.db.write() as s:
        if s.scalar(select(Order.id).where(Order.number == number)) is not None:
            return "already"
        cid = s.scalar(select(Customer.id).where(Customer.line_user_id == user))
        lines = []
        for code, qty, price in cart:
            product = s.scalar(select(Product).where(Product.code == code))
            if product is not None and product.stock is not None:
                product.stock = max(0, product.stock - qty)  # paid: never refused here
            lines.append(OrderLine(product_id=product.id if product else None,
                                   name=product.name if product else code, unit_price=price,
                                   quantity=qty,
                                   tax_rate=product.tax_rate if product else 10))
        created = body.get("created")
        at = dt.datetime.fromtimestamp(created / 1000, dt.UTC).replace(tzinfo=None) \
            if isinstance(created, int) else utcnow()
        if cid is not None:
            customer = s.get(Customer, cid)
            email = buyer.get("email")
            if customer is not None and not customer.email and isinstance(email, str) \
                    and "@" in email and len(email) <= 254:
                apply_fields(customer, {"email": email})
        oid = PurchaseService.record_in(s, number=number, customer_id=cid, source="online",
                                        lines=lines, at=at)
        if cid is not None and body.get("instant") is True:
            from app.autopilot.pages import expect_in

            # The relay's autopilot sent it (app/autopilot/pages.py): its word settles it.
            expect_in(s, f"order:{body['session_id']}", cid, confirmation(lines, total),
                      f"ご購入確認 {number}")
        elif cid is not None:
            owe_in(s, f"order:{number}", cid, confirmation(lines, total),
                   f"ご購入確認 {number}")
    book.announce("orders", [oid])
    if cid is not None:
        book.announce("customers", [cid])
        try:
            send_pending(book)
        except Exception:  # the order is in; the message stays owed for the next call
            log.exception("the order confirmation could not be sent now")
    return "paid"


def confirmation(lines: list[Any], total: int) -> str:
    """The buyer's LINE message: what was bought and the total."""
    items = "\n".join(f"・{line.name} × {line.quantity}" for line in lines)
    return (f"ご購入ありがとうございます。お支払いを確認しました。\n{items}\n"
            f"合計 ¥{total:,}（税込）")


def _refund(book: Book, body: dict[str, Any]) -> str:
    from app.store.models_purchases import Order
    from app.sync.front_items import FrontItemError

    refunded = body.get("amount_refunded")
    if not isinstance(refunded, int) or refunded <= 0:
        raise FrontItemError("bad amount")
    with book.db.read() as s:
        row = s.execute(select(Order.id, Order.refunded, Order.total).where(
            Order.number == order_number(body["session_id"]))).first()
    if row is None:
        raise FrontItemError("a refund for an order the book does not have")
    if refunded > row.total:
        raise FrontItemError("refund larger than the payment")
    if refunded <= row.refunded:
        return "already"
    book.purchases.refund(row.id, refunded - row.refunded)
    return "refunded"
