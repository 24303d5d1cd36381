"""Tables of the autopilot's instant page messages (relay.autopilot_pages).

Added without bumping the schema version (``create_all`` makes them on an older database).
Nothing here is readable: the friend keys and a pending push are encrypted with a key
derived from RELAY_AUTOPILOT_KEY, which lives in the relay's environment only.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, LargeBinary, String, Table

from relay.schema import metadata

#: Per shop, while the autopilot is on: the friend keys of the shop's per-friend links
#: (forms, product page, booking page), sealed with the autopilot's environment key.
autopilot_pages = Table(
    "relay_autopilot_pages",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("sealed", LargeBinary, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

#: One row per page message the relay took on (``form:<answer id>``, ``order:<session>``,
#: ``booking:<hold id>``), written in the same transaction as the answer, order or booking
#: it is about. ``pending`` (recipient and text, sealed with the environment key) exists
#: only until the push's outcome is known; then it is emptied.
autopilot_page_sends = Table(
    "relay_autopilot_page_sends",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("send_key", String(100), primary_key=True),
    Column("state", String(10), nullable=False),  # claimed, sent, failed
    Column("pending", LargeBinary, nullable=True),
    Column("claimed_at", BigInteger, nullable=False),
)
