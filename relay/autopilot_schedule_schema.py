"""The autopilot's scheduled sends (relay.autopilot_schedule): one row per send a desktop
handed over. ``sealed`` (the friend's LINE user id and the texts, AES-256-GCM with a key
derived from RELAY_AUTOPILOT_KEY) exists only until the send is settled; after that the
row is a non-personal record: the desktop's key, the state and the times. Added by
``create_all`` (no version bump: an older relay ignoring it still works on the rest).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, String, Table

from relay.schema import metadata

autopilot_scheduled = Table(
    "relay_autopilot_scheduled",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("due_at", BigInteger, nullable=False),
    #: queued → claimed (committed before the push) → sent | failed | unknown | dropped
    Column("state", String(10), nullable=False),
    Column("sealed", LargeBinary, nullable=True),
    #: X-Line-Retry-Key: made when the row is accepted, kept for every try of it.
    Column("retry_key", String(36), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("retry_at", BigInteger, nullable=True),
    Column("claimed_at", BigInteger, nullable=True),
    Column("settled_at", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    #: A booking's reminder: its hold (relay.booking, an opaque id). A friend who cancels
    #: on the booking pages releases the hold; the reminder is then dropped, not sent.
    Column("hold_id", String(40), nullable=True),
    #: The device that handed it: its desktop withdraws the rows it no longer knows of.
    Column("device_id", String(32), nullable=True),
    Index("ix_relay_autopilot_scheduled_due", "state", "due_at"),
)
