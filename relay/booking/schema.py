"""The relay's reservation tables: free capacity per slot and the holds taken against it.

Nothing personal: a slot key names a menu, a staff id and a time (the shop's own
vocabulary); a hold is an opaque id, its slot and a count. Who booked, and what they
answered, exists only sealed to the devices. Added by ``create_all`` (no version bump: an
older relay ignoring them still works on the rest).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from relay.schema import metadata

#: Free capacity the desktop published, and how much of it holds have taken since.
booking_slots = Table(
    "relay_booking_slots",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("slot_key", String(160), primary_key=True),
    Column("capacity", Integer, nullable=False),
    Column("taken", Integer, nullable=False),
    Column("published_at", BigInteger, nullable=False),
)

#: One row per booking taken here. ``request_key`` is the confirm page's one-time token:
#: posting it twice finds the same hold. ``acked``: the desktop has applied the booking
#: (its next publish counts it in the capacity, so the hold stops counting).
booking_holds = Table(
    "relay_booking_holds",
    metadata,
    Column("hold_id", String(32), primary_key=True),
    Column("shop_id", String(32), nullable=False),
    #: The slot, or every step a booking's window covers, comma-separated (take_all).
    Column("slot_key", Text, nullable=False),
    Column("count", Integer, nullable=False),
    Column("request_key", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # held | released
    Column("acked", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("shop_id", "request_key", name="relay_booking_holds_request"),
    Index("relay_booking_holds_shop", "shop_id", "state", "acked"),
)

#: What the booking pages show and compute windows with (published with the slots): the
#: shop's menus, staff names, step and rules (JSON), and the key that verifies per-friend
#: booking links (relay.forms.links). The shop's own words, nothing about any customer.
booking_config = Table(
    "relay_booking_config",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("config", Text, nullable=False),
    Column("link_mac_key", LargeBinary, nullable=True),
    Column("published_at", BigInteger, nullable=False),
)

#: A booking taken through the pages, as much as "my bookings" and the ICS link need: the
#: hold, the menu, the staff id and the time, and whose it is only as a hash of the link's
#: friend reference (relay.forms.links.friend_ref_hash): no name, no LINE id, no answer.
booking_entries = Table(
    "relay_booking_entries",
    metadata,
    Column("hold_id", String(32), primary_key=True),
    Column("shop_id", String(32), nullable=False),
    Column("friend_hash", LargeBinary, nullable=False),
    Column("menu_id", String(64), nullable=False),
    Column("staff_id", String(64), nullable=False),
    Column("start", String(16), nullable=False),  # YYYY-MM-DDTHH:MM, the shop's time
    Column("end", String(16), nullable=False),
    Column("state", String(16), nullable=False),  # held | released
    Column("created_at", BigInteger, nullable=False),
    Index("relay_booking_entries_friend", "shop_id", "friend_hash"),
)

#: キャンセル待ち: a friend waiting for one menu at one time. When a booking there is
#: cancelled on the pages (or the desktop publishes capacity back), the first waiter whose
#: window is free gets the booking, sealed like one made on the pages. ``token`` is the
#: friend's link token (the friend's id in it is encrypted for the book alone): the relay
#: needs it to seal that booking later.
booking_waiters = Table(
    "relay_booking_waiters",
    metadata,
    Column("wait_id", String(32), primary_key=True),
    Column("shop_id", String(32), nullable=False),
    Column("friend_hash", LargeBinary, nullable=False),
    Column("token", Text, nullable=False),
    Column("menu_id", String(64), nullable=False),
    Column("staff_id", String(64), nullable=False),
    Column("start", String(16), nullable=False),
    Column("state", String(16), nullable=False),  # waiting | booked | left
    Column("hold_id", String(32), nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Index("relay_booking_waiters_shop", "shop_id", "state", "created_at"),
)
