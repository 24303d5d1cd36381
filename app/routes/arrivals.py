"""Arrivals through inflow routes, as sealed by the relay's route page, applied on sync.

An item is ``b"otokui-route-arrival/1\\n"`` + a UTF-8 JSON object::

    {"arrival_id": "<32 hex>", "route": "<slug>", "at": <ms>, "user_id": "U…" | null}

``user_id`` is the friend's LINE user id when the page was opened through LIFF (verified
by the relay with LINE Login, as for form answers); null for an anonymous arrival, which
is only counted. Applying one (inside the sync's write transaction) records the arrival
once (``arrival_id``: pulled again, it is skipped), and for a known friend: files it under
the customer (created if the friend is not in the book yet: the arrival comes before
LINE's follow event), adds the route's tags, keeps the customer's first route and emits
``route.arrived`` so that rules run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select

from app.store.models import Customer
from app.store.models_routes import CustomerRoute, InflowRoute, RouteArrival
from app.sync.front_items import FrontEffects, FrontItemError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.book import Book

MAGIC: Final = b"otokui-route-arrival/1\n"
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_SLUG = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
_USER = re.compile(r"^U[0-9a-f]{32}$")


def parse(plaintext: bytes) -> dict[str, Any]:
    if not plaintext.startswith(MAGIC):
        raise FrontItemError("not a route arrival")
    try:
        data = json.loads(plaintext[len(MAGIC):].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FrontItemError("not JSON") from None
    if not isinstance(data, dict):
        raise FrontItemError("not an object")
    arrival, route, at, user = (data.get(k) for k in ("arrival_id", "route", "at", "user_id"))
    if not (isinstance(arrival, str) and _HEX32.match(arrival)):
        raise FrontItemError("bad arrival_id")
    if not (isinstance(route, str) and _SLUG.match(route)):
        raise FrontItemError("bad route")
    if not isinstance(at, int) or isinstance(at, bool) or not 0 < at < 2**53:
        raise FrontItemError("bad at")
    if user is not None and not (isinstance(user, str) and _USER.match(user)):
        raise FrontItemError("bad user_id")
    return {"arrival_id": arrival, "route": route, "at": at, "user_id": user}


def arrival_plaintext(arrival_id: str, route: str, at_ms: int, user_id: str | None) -> bytes:
    """The item as the relay seals it (here for tests and the demo; the relay has its own)."""
    return MAGIC + json.dumps({"arrival_id": arrival_id, "route": route, "at": at_ms,
                               "user_id": user_id}, separators=(",", ":")).encode()


def apply_in(book: Book, s: Session, plaintext: bytes, effects: FrontEffects) -> str:
    from app import domain_events
    from app.audit import AuditService
    from app.customers import CustomerService
    from app.tags import TagService

    item = parse(plaintext)
    if s.scalar(select(RouteArrival.id).where(RouteArrival.arrival_id == item["arrival_id"])):
        return "duplicate"
    route = s.scalar(select(InflowRoute).where(InflowRoute.slug == item["route"]))
    if route is None:
        return "unknown-route"  # deleted in the book since: nothing to file it under
    at = dt.datetime.fromtimestamp(item["at"] / 1000, dt.UTC).replace(tzinfo=None)
    customer_id: int | None = None
    user = item["user_id"]
    if user is not None and not _erased(s, user, item["at"]):
        customer_id = s.scalar(select(Customer.id).where(Customer.line_user_id == user))
        if customer_id is None:
            customer_id = CustomerService.create_in(s, {"line_user_id": user}).id
            AuditService.timeline_add(s, customer_id, "created")
    s.add(RouteArrival(arrival_id=item["arrival_id"], route_id=route.id,
                       customer_id=customer_id, arrived_at=at))
    if customer_id is None:
        s.flush()
        return "anonymous"
    if s.get(CustomerRoute, customer_id) is None:
        s.add(CustomerRoute(customer_id=customer_id, route_id=route.id, arrived_at=at))
    if route.tags:
        TagService.apply_in(s, [customer_id], TagService.ensure_in(s, list(route.tags)),
                            add=True)
    domain_events.emit(s, domain_events.ROUTE_ARRIVED, key=f"route:{item['arrival_id']}",
                       customer_id=customer_id, data={"route_id": route.slug,
                                                      "name": route.name}, at=at)
    s.flush()
    effects.add("customers", customer_id)
    effects.add("routes", route.id)
    return "arrived"


def apply(book: Book, plaintext: bytes) -> str:
    effects = FrontEffects()
    with book.db.write() as s:
        outcome = apply_in(book, s, plaintext, effects)
    effects.announce(book)
    return outcome


def _erased(s: Session, user_id: str, at_ms: int) -> bool:
    """A friend deleted on request after this arrival: not re-created (app.privacy)."""
    from app.privacy.erase import erased_hashes

    erased = erased_hashes(s, [user_id]).get(user_id)
    return erased is not None and at_ms <= erased
