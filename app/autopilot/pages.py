"""The public pages' LINE messages with the relay's autopilot on: the desktop's side.

With the autopilot on, the relay sends a form's thank-you, an order's confirmation and a
booking's confirmation the moment it accepts the answer, payment or booking
(relay/autopilot_pages.py), so a friend who answers at 23:00 does not wait for the shop's
computer. For that the relay must learn whom to send to: :func:`publish` hands it the
``friend_key`` of each per-friend link page (each form, the product page, the booking
page); the relay keeps them encrypted with its environment's RELAY_AUTOPILOT_KEY, like
the access token, and opens a link's LINE user id in memory only, to send.

Exactly one side sends. The relay seals the item with ``"instant": true`` when it will
send: applying it, the feature calls :func:`expect_in` instead of owing the message. The
relay's ``otokui-instant/1`` item then says ``sent`` (the message goes into the friend's
chat, as sent) or ``failed`` (owed to the broadcasts' exactly-once engine, as without the
autopilot: app/members/messages.py). The two items may be applied in either order.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.messages import OUT, recompute_summary
from app.store.models import Message, utcnow
from app.store.models_instant import InstantSend
from app.sync.front_items import FrontItemError, FrontKind

if TYPE_CHECKING:
    from app.book import Book

#: Must equal relay.autopilot_pages.ITEM_MAGIC (tests check it).
ITEM_MAGIC = b"otokui-instant/1\n"
EXPECTED, SENT, FAILED, DONE = "expected", "sent", "failed", "done"


def link_pages(book: Book) -> dict[str, bytes]:
    """Every per-friend link page's friend key: the forms with a LINE thank-you, the
    product page and the booking page (those the book has made)."""
    from sqlalchemy import select

    from app.store.models import BookSetting, Form
    from relay.forms import links

    out: dict[str, bytes] = {}
    with book.db.read() as s:
        for form in s.scalars(select(Form).where(Form.published_version.is_not(None))):
            out[form.form_id] = links.keys_for(bytes(form.link_secret), form.form_id)[1]
        shop = s.get(BookSetting, "purchases.shop_page")
        booking = s.get(BookSetting, "booking.link_secret")
    if shop is not None and isinstance(shop.value, dict):
        page_id = str(shop.value["page_id"])
        out[page_id] = links.keys_for(base64.b64decode(shop.value["secret"]), page_id)[1]
    if booking is not None:
        from app.booking.service import BOOKING_LINK_ID, link_secret

        out[BOOKING_LINK_ID] = links.keys_for(link_secret(book), BOOKING_LINK_ID)[1]
    return out


def texts(book: Book) -> dict[str, str]:
    """The texts the relay has no other way to know: the booking confirmation."""
    from app.booking.errors import BookingNotSetUpError
    from app.booking.service import BookingService

    try:
        confirmation = BookingService(book).setup().messages.confirmation
    except BookingNotSetUpError:
        return {}
    return {"booking_confirmation": confirmation} if confirmation else {}


def publish(book: Book) -> int:
    """Hand the relay the friend keys and texts (``PUT /v1/autopilot/pages``); how many
    pages."""
    pages = link_pages(book)
    _call(book, "PUT", {"pages": [
        {"page_id": p, "friend_key": base64.b64encode(k).decode("ascii")}
        for p, k in sorted(pages.items())], "texts": texts(book)})
    return len(pages)


def forget(book: Book) -> None:
    _call(book, "DELETE", None)


def publish_if_on(book: Book) -> None:
    """After a new page (a form published): the relay learns its key if the autopilot is
    on. A failure is logged: that page's messages are then sent by the desktop."""
    import logging

    from app.autopilot.client import KEY_ON

    if book.settings.get(KEY_ON, False):
        try:
            publish(book)
        except Exception:
            logging.getLogger("otokui.autopilot").warning(
                "the autopilot's page keys could not be published", exc_info=True)


def _call(book: Book, method: str, body: dict[str, Any] | None) -> None:
    from app.sync.errors import RelayProtocolError

    with book.line.relay_client() as relay:
        kwargs: dict[str, Any] = {} if body is None else {"json": body}
        answer = relay._request(method, "/v1/autopilot/pages", **kwargs)
    if answer.status_code == 404:  # an older relay: the desktop sends the pages' messages
        import logging

        logging.getLogger("otokui.autopilot").info(
            "the relay does not send the pages' messages (no /v1/autopilot/pages)")
        return
    if answer.status_code != 200:
        raise RelayProtocolError(f"autopilot pages: HTTP {answer.status_code}")


# --- the two halves meet --------------------------------------------------------------------
def expect_in(s: Session, key: str, customer_id: int, fallback: str, name: str) -> None:
    """The item ``key`` is about was sealed ``instant``: the relay sends its message. Inside
    the caller's write transaction; settles at once if the relay's word is already in."""
    row = s.get(InstantSend, key)
    if row is None:
        s.add(InstantSend(key=key, state=EXPECTED, customer_id=customer_id,
                          fallback=fallback, name=name[:100], text="", created_at=utcnow()))
        return
    if row.state in (SENT, FAILED):
        row.customer_id, row.fallback, row.name = customer_id, fallback, name[:100]
        _settle(s, row)


def _settle(s: Session, row: InstantSend) -> None:
    from app.members.messages import owe_in

    assert row.customer_id is not None
    if row.key.startswith("booking:"):  # the booking's own message history and engine
        from app.booking.messages import settle_instant_in

        settle_instant_in(s, row.key.removeprefix("booking:"),
                          row.text if row.state == SENT else None, row.fallback)
        if row.state != SENT:
            row.state = DONE
            return
    if row.state == SENT:
        from app.audit import AuditService

        # The customer's timeline says the relay sent it (ui/widgets/detail_pane.py).
        AuditService.timeline_add(s, row.customer_id, "autopilot_sent",
                                  what=row.key.split(":", 1)[0])
        s.add(Message(customer_id=row.customer_id, direction=OUT, type="text", text=row.text,
                      payload={"autopilot": True, "instant": row.key},
                      at_ms=row.at_ms or 0, webhook_event_id=None, state="sent",
                      send_via="push", created_at=utcnow()))
        s.flush()
        recompute_summary(s, row.customer_id)
    else:  # the relay could not: the desktop sends it, as without the autopilot
        owe_in(s, row.key, row.customer_id, row.fallback, row.name)
    row.state = DONE


def _read(plaintext: bytes) -> dict[str, Any]:
    try:
        data = json.loads(plaintext[len(ITEM_MAGIC):])
    except ValueError as exc:
        raise FrontItemError("not JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("key"), str) \
            or not 0 < len(data["key"]) <= 100 or data.get("state") not in (SENT, FAILED) \
            or not isinstance(data.get("at"), int) \
            or not isinstance(data.get("text"), str | None):
        raise FrontItemError("missing fields")
    if data["state"] == SENT and not data.get("text"):
        raise FrontItemError("a sent message without its text")
    return data


def apply_instant_item(book: Book, plaintext: bytes) -> str:
    data = _read(plaintext)
    with book.db.write() as s:
        row = s.get(InstantSend, data["key"])
        if row is not None and row.state != EXPECTED:
            return "duplicate"
        if row is None:  # its item comes later (or never, if it was refused)
            s.add(InstantSend(key=data["key"], state=data["state"], customer_id=None,
                              fallback="", name="", text=data.get("text") or "",
                              at_ms=data["at"], created_at=utcnow()))
            return "waiting"
        row.state, row.text, row.at_ms = data["state"], data.get("text") or "", data["at"]
        cid = row.customer_id
        _settle(s, row)
    if cid is not None:
        book.announce("customers", [cid])
    return str(data["state"])


INSTANT_ITEMS = FrontKind("instant", (ITEM_MAGIC,), apply_instant_item)
