"""The member-link page's tables. Nothing personal: an id, a MAC key, hashes and times.

Added by ``create_all`` (no version bump: an older relay ignoring them still works)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, LargeBinary, String, Table

from relay.schema import metadata

#: One per shop: the page id and the MAC key that verifies its per-friend links
#: (relay.forms.links, with the page id in place of a form id). The desktop keeps the
#: secret the key is derived from, and the key that opens who the friend is.
member_link_pages = Table(
    "relay_member_link_pages",
    metadata,
    Column("page_id", String(16), primary_key=True),
    Column("shop_id", String(32), nullable=False, unique=True),
    Column("device_id", String(32), nullable=False),
    Column("link_mac_key", LargeBinary(32), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

#: Every request a friend sent: its id (the page's one-time post token's nonce: a replay
#: is refused), and a hash of the link's friend ref, to count tries per friend (at most
#: MAX_TRIES a day). The member number and the proof exist only sealed.
member_link_requests = Table(
    "relay_member_link_requests",
    metadata,
    Column("request_id", String(32), primary_key=True),
    Column("page_id", String(16), nullable=False),
    Column("friend_hash", LargeBinary(32), nullable=False),
    Column("received_at", BigInteger, nullable=False),
    Index("relay_member_link_requests_friend", "page_id", "friend_hash", "received_at"),
)
