"""The receipts' table. Nothing readable: an id, the shop, AES-256-GCM ciphertext whose
key exists only in the link the desktop sent the buyer, and times.

Added by ``create_all`` (no version bump: an older relay ignoring it still works)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, LargeBinary, String, Table

from relay.schema import metadata

receipts = Table(
    "relay_receipts",
    metadata,
    Column("receipt_id", String(32), primary_key=True),
    Column("shop_id", String(32), nullable=False),
    Column("device_id", String(32), nullable=False),
    #: ``MAGIC`` + 12-byte nonce + ciphertext and tag (relay.receipts.http).
    Column("blob", LargeBinary, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Index("relay_receipts_expiry", "expires_at"),
)
