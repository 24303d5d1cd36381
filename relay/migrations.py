"""Upgrading a relay database written by an earlier relay, one schema version at a time.

``relay_meta.schema_version`` says what a database holds. :func:`upgrade` runs inside the
opening write transaction (:meth:`relay.store.Store._prepare`, under PostgreSQL's advisory
lock when several instances start together), after ``create_all`` has added any table that
did not exist; each step changes the tables that did, and the version is written in the
same transaction, so a failed upgrade leaves the database as it was.

* 1 → 2 (shops): ``relay_devices`` and ``relay_pairing_codes`` get ``shop_id`` (every row
  becomes the ``default`` shop's); ``relay_events`` is rebuilt with ``shop_id`` and its
  de-duplication made unique per shop instead of across the relay. ``relay_shops`` itself
  is new, so ``create_all`` already made it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)

from relay.schema import DEFAULT_SHOP

log = logging.getLogger("relay.store")


def _v1_to_v2(conn: Connection) -> None:
    for table in ("relay_devices", "relay_pairing_codes"):
        conn.exec_driver_sql(
            f"ALTER TABLE {table} ADD COLUMN shop_id VARCHAR(32) NOT NULL "
            f"DEFAULT '{DEFAULT_SHOP}'")
    # SQLite cannot drop a unique constraint in place: both databases rebuild the table
    # (it holds only ids and times), then take its name.
    rebuilt = Table(
        "relay_events_v2", MetaData(),
        Column("seq", BigInteger, primary_key=True, autoincrement=False),
        Column("shop_id", String(32), nullable=False, server_default=DEFAULT_SHOP),
        Column("webhook_event_id", String(128), nullable=False),
        Column("received_at", BigInteger, nullable=False),
        UniqueConstraint("shop_id", "webhook_event_id", name="relay_events_shop_event"),
    )
    rebuilt.create(conn)
    conn.execute(text(
        "INSERT INTO relay_events_v2 (seq, shop_id, webhook_event_id, received_at) "
        "SELECT seq, :shop, webhook_event_id, received_at FROM relay_events"),
        {"shop": DEFAULT_SHOP})
    conn.exec_driver_sql("DROP TABLE relay_events")
    conn.exec_driver_sql("ALTER TABLE relay_events_v2 RENAME TO relay_events")
    Index("relay_events_received_at", Table(
        "relay_events", MetaData(), Column("received_at", BigInteger))
        .c.received_at).create(conn)


#: version -> the step that brings a database of that version to the next.
STEPS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2}


def upgrade(conn: Connection, version: int, target: int) -> int:
    """Run every step from ``version`` up to ``target``; returns the version reached."""
    while version < target:
        step = STEPS[version]
        log.info("upgrading the relay database from schema version %d to %d",
                 version, version + 1)
        step(conn)
        version += 1
    return version
