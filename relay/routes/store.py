"""Published inflow routes (``relay_routes``) and the arrivals sealed for the devices."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from relay.routes.schema import routes
from relay.schema import devices
from relay.store import Store

ARRIVAL_MAGIC = b"otokui-route-arrival/1\n"


class SlugTaken(Exception):
    """Another shop on this relay has a route with this slug."""


@dataclass(frozen=True)
class Route:
    slug: str
    shop_id: str
    add_friend_url: str


def shop_of(store: Store, device_id: str) -> str | None:
    with store.read_transaction() as conn:
        shop = conn.execute(select(devices.c.shop_id).where(
            devices.c.id == device_id)).scalar()
    return None if shop is None else str(shop)


def publish(store: Store, shop_id: str, slugs: Sequence[str], add_friend_url: str,
            now_ms: int) -> int:
    """Replace the shop's routes by ``slugs`` (one transaction); how many it has now."""
    with store.write_transaction() as conn:
        taken = conn.execute(select(routes.c.slug).where(
            routes.c.slug.in_(list(slugs)), routes.c.shop_id != shop_id).limit(1)).first()
        if taken is not None:
            raise SlugTaken
        conn.execute(delete(routes).where(routes.c.shop_id == shop_id))
        if slugs:
            conn.execute(insert(routes), [
                {"slug": slug, "shop_id": shop_id, "add_friend_url": add_friend_url,
                 "published_at": now_ms} for slug in slugs])
    return len(slugs)


def get(store: Store, slug: str) -> Route | None:
    with store.read_transaction() as conn:
        row = conn.execute(select(routes.c.shop_id, routes.c.add_friend_url)
                           .where(routes.c.slug == slug)).first()
    return None if row is None else Route(slug, str(row.shop_id), str(row.add_friend_url))


def arrival_plaintext(arrival_id: str, slug: str, at_ms: int, user_id: str | None) -> bytes:
    """The sealed item (app/routes/arrivals.py reads it): the friend's LINE user id only
    ever in here, and this is sealed to the devices before it touches the disk."""
    return ARRIVAL_MAGIC + json.dumps({"arrival_id": arrival_id, "route": slug,
                                       "at": at_ms, "user_id": user_id},
                                      separators=(",", ":")).encode()


def queue_arrival(store: Store, route: Route, arrival_id: str, at_ms: int,
                  user_id: str | None) -> bool:
    """Seal the arrival for the shop's devices and queue it; False when no device is
    paired (nothing stored)."""
    seqs = store.queue_items([arrival_plaintext(arrival_id, route.slug, at_ms, user_id)],
                             at_ms, route.shop_id)
    return seqs is not None
