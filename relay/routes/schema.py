"""The relay's inflow-route table: the routes a device published, nothing personal.

A route is an opaque slug (random, chosen by the desktop) and where its page sends friends
(the shop's add-friend URL). Who arrived exists only sealed to the devices (the arrival
items in ``relay_queue``): no row here names a friend, and no arrival is counted here.
Added by ``create_all`` (no version bump: an older relay ignoring it still works).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table

from relay.schema import metadata

routes = Table(
    "relay_routes",
    metadata,
    Column("slug", String(32), primary_key=True),
    Column("shop_id", String(32), nullable=False),
    Column("add_friend_url", String(500), nullable=False),
    Column("published_at", BigInteger, nullable=False),
    Index("relay_routes_shop", "shop_id"),
)
