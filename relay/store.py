"""The relay's database: devices, pairing codes, sealed event queues, de-duplication.

All methods are synchronous (SQLAlchemy Core) and safe to call from several threads; the
web app calls them from a thread pool and the ingest writer from its own thread.

Write transactions are serialized so that sequence numbers become visible in order:

* SQLite: every write starts with ``BEGIN IMMEDIATE`` (the database's single write lock),
  in WAL mode with ``synchronous=FULL``, so a commit is on disk when it returns.
* PostgreSQL: storing events locks the ``last_seq`` counter row (``SELECT ... FOR UPDATE``)
  until commit, so two relay instances can never commit seq 10 before seq 9 and let a
  device skip past an event it has not seen.
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy import update as sa_update
from sqlalchemy.engine import make_url

from relay import credentials, migrations, schema
from relay.schema import (
    DEFAULT_SHOP,
    admin_links,
    devices,
    events,
    meta,
    pairing_codes,
    queue,
    seal_failures,
    shops,
)
from relay.sealing import seal_bytes
from relay.shops import MAX_SHOP_NAME_CHARS, UnknownShop, new_shop_id

log = logging.getLogger("relay.store")

_DAY_MS = 24 * 60 * 60 * 1000
_LAST_SEQ = "last_seq"
_SCHEMA_VERSION = "schema_version"
_LAST_SEEN_EVERY_MS = 60_000  # a device's last_seen_at is refreshed at most once a minute
_IN_CHUNK = 400  # ids per IN (...) query, well under SQLite's bound-parameter limit
_ROWS_PER_INSERT = 200  # rows x 4 columns: well under SQLite's bound-parameter limit too
_SEAL_WARNING_EVERY_S = 60.0  # a device that cannot be sealed for: one warning a minute


class StoreError(Exception):
    """The database cannot be used as it is (e.g. written by a newer relay)."""


class PairingRefused(Exception):
    """The pairing code is wrong, expired, already used, or locked after too many tries."""


@dataclass(frozen=True)
class ShopInfo:
    shop_id: str
    name: str
    created_at: int
    has_secret: bool
    devices: int  # active ones


@dataclass(frozen=True)
class PairedDevice:
    device_id: str
    token: str


@dataclass(frozen=True)
class DeviceInfo:
    device_id: str
    name: str
    paired_at: int
    last_seen_at: int | None
    revoked_at: int | None
    pending: int
    #: events not kept for this device because they could not be sealed to its key
    seal_failures: int = 0
    shop_id: str = DEFAULT_SHOP


@dataclass(frozen=True)
class QueuedEvent:
    seq: int
    received_at: int
    sealed: bytes


@dataclass(frozen=True)
class IngestOutcome:
    """What became of one webhook's events: newly stored, or seen before."""

    stored: int
    duplicates: int


@dataclass(frozen=True)
class PurgeCounts:
    copies: int        # sealed copies dropped (past retention or of revoked devices)
    dedupe_ids: int    # webhookEventIds forgotten (past retention)
    pairing_codes: int


@dataclass(frozen=True)
class EventBatch:
    """One webhook delivery, ready to store.

    ``event_ids``: the webhookEventId of each of its events (the de-duplication keys);
    ``plaintext``: what is sealed for every device, the delivery exactly as LINE signed it
    (:func:`relay.sealing.delivery_plaintext`), so that a desktop can check LINE's
    signature itself instead of trusting the relay.
    """

    event_ids: tuple[str, ...]
    plaintext: bytes

    def __len__(self) -> int:
        return len(self.event_ids)

# The ingest path's statements, built once. Building a Core statement and computing its
# cache key on every call cost about as much as the SQLite work itself (measured: half
# the writer's CPU per event at batches of ten), and this path runs for every webhook.
_LOCK_LAST_SEQ = (select(meta.c.value).where(meta.c.key == bindparam("meta_key"))
                  .with_for_update())
_LIVE_DEVICE_KEYS = (select(devices.c.id, devices.c.public_key)
                     .where(devices.c.revoked_at.is_(None),
                            devices.c.shop_id == bindparam("shop_id"))
                     .order_by(devices.c.id))
_KNOWN_EVENT_IDS = select(events.c.webhook_event_id).where(
    events.c.shop_id == bindparam("shop_id"),
    events.c.webhook_event_id.in_(bindparam("ids", expanding=True)))
_SET_LAST_SEQ = (sa_update(meta).where(meta.c.key == bindparam("meta_key"))
                 .values(value=bindparam("last_seq")))


class Store:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._keys: dict[bytes, X25519PublicKey] = {}
        self._seal_warned: dict[str, float] = {}  # device id -> when it was last logged

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect, create the tables if needed, and check the schema version."""
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            store = cls(_sqlite_engine(url))
        else:
            store = cls(create_engine(
                url, hide_parameters=True, pool_pre_ping=True, pool_size=10,
                max_overflow=20))
        store._prepare()
        return store

    def _prepare(self) -> None:
        with self._write() as conn:
            if not self.is_sqlite:
                # Several instances may start together; DDL runs under one lock.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7412093)")
            schema.metadata.create_all(conn)
            version = conn.execute(
                select(meta.c.value).where(meta.c.key == _SCHEMA_VERSION)).scalar()
            if version is None:
                conn.execute(insert(meta), [{"key": _SCHEMA_VERSION,
                                             "value": schema.SCHEMA_VERSION},
                                            {"key": _LAST_SEQ, "value": 0}])
            elif version > schema.SCHEMA_VERSION:
                raise StoreError(
                    f"the database has schema version {version}; this relay knows "
                    f"{schema.SCHEMA_VERSION}. Run a newer relay.")
            elif version < schema.SCHEMA_VERSION:
                reached = migrations.upgrade(conn, version, schema.SCHEMA_VERSION)
                conn.execute(sa_update(meta).where(meta.c.key == _SCHEMA_VERSION)
                             .values(value=reached))
            if conn.execute(select(shops.c.id).where(shops.c.id == DEFAULT_SHOP)).first() \
                    is None:
                conn.execute(insert(shops).values(id=DEFAULT_SHOP, name="", channel_secret=None,
                                                  created_at=0))
        if self.is_sqlite:
            _restrict_sqlite_files(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            if self.is_sqlite:
                # Writers take SQLite's write lock up front: a deferred transaction that
                # becomes a writer later can fail with SQLITE_BUSY_SNAPSHOT instead of
                # waiting its turn (see _sqlite_engine for why BEGIN is ours to send).
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            if self.is_sqlite:
                conn.exec_driver_sql("BEGIN")
            yield conn

    def write_transaction(self) -> contextlib.AbstractContextManager[Connection]:
        """A write transaction, for the modules that keep tables of their own
        (:mod:`relay.media_store`): serialized and durable exactly like the queue's."""
        return self._write()

    def read_transaction(self) -> contextlib.AbstractContextManager[Connection]:
        return self._read()

    # --- pairing and devices -------------------------------------------------------------

    def create_pairing_code(self, now_ms: int, shop_id: str = DEFAULT_SHOP) -> str:
        """Make the shop's one open pairing code (its older unused one stops working).

        Raises :class:`relay.shops.UnknownShop` when there is no such shop."""
        code = credentials.new_pairing_code()
        with self._write() as conn:
            self._check_shop(conn, shop_id)
            conn.execute(sa_update(pairing_codes).where(pairing_codes.c.state == "open",
                                                        pairing_codes.c.shop_id == shop_id)
                         .values(state="replaced"))
            conn.execute(insert(pairing_codes).values(
                code_hash=credentials.hash_pairing_code(code), created_at=now_ms,
                expires_at=now_ms + credentials.CODE_TTL_MS, failed_tries=0, state="open",
                shop_id=shop_id))
        log.info("pairing code issued (valid %d minutes)", credentials.CODE_TTL_MS // 60_000)
        return code

    def pair_device(self, code: str, name: str, public_key: bytes,
                    now_ms: int, *, shop_id: str = DEFAULT_SHOP,
                    sealed_secret: bytes | None = None) -> PairedDevice:
        """Trade the shop's open pairing code for a device id and token, or raise
        PairingRefused. ``sealed_secret``: the shop's channel secret (sealed, see
        :mod:`relay.shops`) to keep, set in the same transaction when the code is right.

        A wrong code counts against the shop's open code (a shop has only one), which locks
        after CODE_MAX_FAILED_TRIES wrong tries in all (each client address is limited to
        fewer by relay.pairing_tries); the count is committed though the request is refused.
        """
        refused = False
        with self._write() as conn:
            row = conn.execute(
                select(pairing_codes.c.id, pairing_codes.c.code_hash,
                       pairing_codes.c.failed_tries)
                .where(pairing_codes.c.state == "open", pairing_codes.c.expires_at > now_ms,
                       pairing_codes.c.shop_id == shop_id)
                .order_by(pairing_codes.c.id.desc()).limit(1).with_for_update()).first()
            if row is None:
                refused = True
            elif not hmac.compare_digest(row.code_hash, credentials.hash_pairing_code(code)):
                refused = True
                tries = row.failed_tries + 1
                locked = tries >= credentials.CODE_MAX_FAILED_TRIES
                conn.execute(sa_update(pairing_codes).where(pairing_codes.c.id == row.id)
                             .values(failed_tries=tries, state="locked" if locked else "open"))
                if locked:
                    log.warning("pairing code locked after %d wrong tries", tries)
            else:
                conn.execute(sa_update(pairing_codes).where(pairing_codes.c.id == row.id)
                             .values(state="used"))
                device_id = credentials.new_device_id()
                token = credentials.new_device_token()
                conn.execute(insert(devices).values(
                    id=device_id, name=name, public_key=public_key, shop_id=shop_id,
                    token_hash=credentials.hash_device_token(token), paired_at=now_ms,
                    last_seen_at=now_ms, revoked_at=None))
                if sealed_secret is not None:
                    conn.execute(sa_update(shops).where(shops.c.id == shop_id)
                                 .values(channel_secret=sealed_secret))
        if refused:
            raise PairingRefused
        log.info("device %s paired", device_id)
        return PairedDevice(device_id, token)

    def authenticate(self, token: str, now_ms: int,
                     shop_id: str | None = None) -> str | None:
        """The id of the live device holding ``token`` (of ``shop_id`` when given), or None.

        A device's token works only at its own shop's address: a token of shop A presented
        under shop B's is as good as a wrong one."""
        token_hash = credentials.hash_device_token(token)
        if token_hash is None:
            return None
        with self._read() as conn:
            row = conn.execute(select(devices.c.id, devices.c.last_seen_at,
                                      devices.c.shop_id).where(
                devices.c.token_hash == token_hash, devices.c.revoked_at.is_(None))).first()
        if row is None or (shop_id is not None and row.shop_id != shop_id):
            return None
        if row.last_seen_at is None or now_ms - row.last_seen_at > _LAST_SEEN_EVERY_MS:
            with self._write() as conn:
                conn.execute(sa_update(devices).where(devices.c.id == row.id)
                             .values(last_seen_at=now_ms))
        device_id: str = row.id
        return device_id

    def revoke_device(self, device_id: str, now_ms: int) -> bool:
        """Revoke a device and drop its queue; False when no live device has that id."""
        with self._write() as conn:
            result = conn.execute(sa_update(devices).where(
                devices.c.id == device_id, devices.c.revoked_at.is_(None))
                .values(revoked_at=now_ms))
            if result.rowcount == 0:
                return False
            dropped = conn.execute(delete(queue).where(queue.c.device_id == device_id)).rowcount
        log.info("device %s revoked (%d queued events dropped)", device_id, dropped)
        return True

    def list_devices(self, shop_id: str | None = None) -> list[DeviceInfo]:
        pending = (select(queue.c.device_id, func.count().label("n"))
                   .group_by(queue.c.device_id).subquery())
        query = (select(devices.c.id, devices.c.name, devices.c.paired_at,
                        devices.c.last_seen_at, devices.c.revoked_at, pending.c.n,
                        seal_failures.c.events_skipped, devices.c.shop_id)
                 .outerjoin(pending, pending.c.device_id == devices.c.id)
                 .outerjoin(seal_failures, seal_failures.c.device_id == devices.c.id)
                 .order_by(devices.c.paired_at, devices.c.id))
        if shop_id is not None:
            query = query.where(devices.c.shop_id == shop_id)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [DeviceInfo(r.id, r.name, r.paired_at, r.last_seen_at, r.revoked_at, r.n or 0,
                           r.events_skipped or 0, r.shop_id) for r in rows]

    def active_device_count(self, shop_id: str | None = None) -> int:
        query = select(func.count()).select_from(devices).where(devices.c.revoked_at.is_(None))
        if shop_id is not None:
            query = query.where(devices.c.shop_id == shop_id)
        with self._read() as conn:
            return conn.execute(query).scalar_one()

    # --- shops ---------------------------------------------------------------------------

    @staticmethod
    def _check_shop(conn: Connection, shop_id: str) -> None:
        if conn.execute(select(shops.c.id).where(shops.c.id == shop_id)).first() is None:
            raise UnknownShop(shop_id)

    def add_shop(self, name: str, now_ms: int) -> str:
        """A new shop; returns its id (part of its addresses on this relay)."""
        shop_id = new_shop_id()
        with self._write() as conn:
            conn.execute(insert(shops).values(id=shop_id, name=name[:MAX_SHOP_NAME_CHARS],
                                              channel_secret=None, created_at=now_ms))
        log.info("shop %s added", shop_id)
        return shop_id

    def list_shops(self) -> list[ShopInfo]:
        live = (select(devices.c.shop_id, func.count().label("n"))
                .where(devices.c.revoked_at.is_(None)).group_by(devices.c.shop_id).subquery())
        with self._read() as conn:
            rows = conn.execute(
                select(shops.c.id, shops.c.name, shops.c.created_at,
                       shops.c.channel_secret.is_not(None).label("has_secret"), live.c.n)
                .outerjoin(live, live.c.shop_id == shops.c.id)
                .order_by(shops.c.created_at, shops.c.id)).all()
        return [ShopInfo(r.id, r.name, r.created_at, bool(r.has_secret), r.n or 0)
                for r in rows]

    def sealed_channel_secret(self, shop_id: str) -> bytes | None:
        """The shop's stored (sealed) channel secret; raises UnknownShop for no such shop."""
        with self._read() as conn:
            row = conn.execute(select(shops.c.channel_secret)
                               .where(shops.c.id == shop_id)).first()
        if row is None:
            raise UnknownShop(shop_id)
        return None if row.channel_secret is None else bytes(row.channel_secret)

    def set_channel_secret(self, shop_id: str, sealed: bytes) -> None:
        with self._write() as conn:
            self._check_shop(conn, shop_id)
            conn.execute(sa_update(shops).where(shops.c.id == shop_id)
                         .values(channel_secret=sealed))
        log.info("channel secret of shop %s replaced", shop_id)

    def shop_of_device(self, device_id: str) -> str | None:
        with self._read() as conn:
            return conn.execute(select(devices.c.shop_id)
                                .where(devices.c.id == device_id)).scalar()

    # --- one-time admin links ------------------------------------------------------------

    def create_admin_link(self, now_ms: int, ttl_ms: int) -> str:
        """A fresh one-time admin link token (older unused ones stop working)."""
        token = credentials.new_device_token()
        with self._write() as conn:
            conn.execute(delete(admin_links))
            conn.execute(insert(admin_links).values(
                token_hash=credentials.hash_device_token(token), created_at=now_ms,
                expires_at=now_ms + ttl_ms))
        return token

    def use_admin_link(self, token: str, now_ms: int) -> bool:
        """Spend a one-time admin link: True once, for a live token; False otherwise."""
        token_hash = credentials.hash_device_token(token)
        if token_hash is None:
            return False
        with self._write() as conn:
            used = conn.execute(delete(admin_links).where(
                admin_links.c.token_hash == token_hash,
                admin_links.c.expires_at > now_ms)).rowcount
        return used == 1

    # --- events --------------------------------------------------------------------------

    def store_events(self, batches: Sequence[EventBatch], now_ms: int,
                     shop_ids: Sequence[str] | None = None) -> list[IngestOutcome | None]:
        """Seal and store several webhooks' events in one durable transaction.

        ``shop_ids[i]`` is the shop whose webhook brought ``batches[i]`` (default: the
        default shop's). Each event is sealed for the live devices of its own shop only,
        and de-duplicated among that shop's events only. Returns one outcome per batch:
        None where the shop has no device paired (nothing stored, nothing remembered, so
        LINE's redelivery brings the events back later).

        A device whose key cannot be sealed to is skipped (see :class:`_Sealer`); the
        others of its shop still get every event. When no device of a shop can be sealed
        for, nothing of that shop's batch is stored and its outcome is None, as if none
        were paired.
        """
        shop_ids = list(shop_ids) if shop_ids is not None else [DEFAULT_SHOP] * len(batches)
        with self._write() as conn:
            last_seq = conn.execute(_LOCK_LAST_SEQ, {"meta_key": _LAST_SEQ}).scalar_one()
            sealers: dict[str, _Sealer] = {}
            seen_of: dict[str, set[str]] = {}
            for shop_id in dict.fromkeys(shop_ids):
                sealers[shop_id] = _Sealer(self._public_key, conn.execute(
                    _LIVE_DEVICE_KEYS, {"shop_id": shop_id}).all())
                if sealers[shop_id].devices:
                    seen_of[shop_id] = self._known_ids(
                        conn, shop_id, {eid for batch, shop in zip(batches, shop_ids,
                                                                   strict=True)
                                        if shop == shop_id for eid in batch.event_ids})
            seq = last_seq
            event_rows: list[tuple[object, ...]] = []  # in relay_events' column order
            queue_rows: list[tuple[object, ...]] = []  # in relay_queue's column order
            outcomes: list[IngestOutcome | None] = []
            for batch, shop_id in zip(batches, shop_ids, strict=True):
                sealer = sealers[shop_id]
                if not sealer.devices:
                    outcomes.append(None)
                    continue
                seen = seen_of[shop_id]
                new = [eid for eid in dict.fromkeys(batch.event_ids) if eid not in seen]
                duplicates = len(batch.event_ids) - len(new)
                if new:
                    # One sequence number per new event (the de-duplication rows), one
                    # sealed item per delivery, under the last of them: a delivery is
                    # sealed whole because LINE's signature covers the whole body.
                    copies = sealer.seal(batch.plaintext, len(new))
                    if not copies:
                        # nobody of this shop could be sealed for: 503, LINE redelivers
                        outcomes.append(None)
                        continue
                    seen.update(new)
                    for event_id in new:
                        seq += 1
                        event_rows.append((seq, shop_id, event_id, now_ms))
                    queue_rows.extend((device_id, seq, now_ms, sealed)
                                      for device_id, sealed in copies)
                outcomes.append(IngestOutcome(len(new), duplicates))
            for sealer in sealers.values():
                if sealer.failures:
                    self._record_seal_failures(conn, sealer, now_ms)
            if event_rows:
                self._insert_rows(conn, events, event_rows)
                self._insert_rows(conn, queue, queue_rows)
                conn.execute(_SET_LAST_SEQ, {"meta_key": _LAST_SEQ, "last_seq": seq})
        return outcomes

    def queue_items(self, plaintexts: Sequence[bytes], now_ms: int,
                    shop_id: str = DEFAULT_SHOP) -> list[int] | None:
        """Seal items that are not LINE deliveries (form answers and their files:
        relay.forms.items) for every live device and queue them, in this order, in one
        durable transaction. Their sequence numbers, or None when no device is paired or
        none can be sealed for (nothing stored). A device whose key cannot be sealed to is
        skipped and counted, as for events. Desktops tell these items from LINE's by their
        first line. Only ``shop_id``'s devices get them.
        """
        with self._write() as conn:
            return self.queue_items_in(conn, plaintexts, now_ms, shop_id)

    def queue_items_in(self, conn: Connection, plaintexts: Sequence[bytes],
                       now_ms: int, shop_id: str = DEFAULT_SHOP) -> list[int] | None:
        """:meth:`queue_items` inside the caller's write transaction (relay.forms.store
        checks and records an answer in the same one)."""
        last_seq = conn.execute(_LOCK_LAST_SEQ, {"meta_key": _LAST_SEQ}).scalar_one()
        sealer = _Sealer(self._public_key, conn.execute(
            _LIVE_DEVICE_KEYS, {"shop_id": shop_id}).all())
        if not sealer.devices:
            return None
        seqs = list(range(last_seq + 1, last_seq + 1 + len(plaintexts)))
        rows = [(device_id, seq, now_ms, sealed)
                for seq, plaintext in zip(seqs, plaintexts, strict=True)
                for device_id, sealed in sealer.seal(plaintext)]
        if sealer.failures:
            self._record_seal_failures(conn, sealer, now_ms)
        if not rows:
            return None
        self._insert_rows(conn, queue, rows)
        conn.execute(_SET_LAST_SEQ, {"meta_key": _LAST_SEQ, "last_seq": seqs[-1]})
        return seqs

    def _insert_rows(self, conn: Connection, table: Table,
                     rows: Sequence[tuple[object, ...]]) -> None:
        """Insert rows given in the table's column order.

        PostgreSQL: Core executemany (psycopg pipelines it). SQLite: multi-row VALUES
        statements, because sqlite3's executemany lets go of the GIL at every row and the
        ingest thread then waits for the event loop to hand it back, once per row;
        building those statements through Core instead costs a compile per call.
        """
        names = [column.name for column in table.c]
        if not self.is_sqlite:
            conn.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
            return
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start:start + _ROWS_PER_INSERT]
            conn.exec_driver_sql(_sqlite_values_sql(table.name, tuple(names), len(chunk)),
                                 tuple(value for row in chunk for value in row))

    def _record_seal_failures(self, conn: Connection, sealer: _Sealer, now_ms: int) -> None:
        """Count, per device, the events it missed, and warn (ids and counts only)."""
        now = time.monotonic()
        for device_id, (skipped, error) in sealer.failures.items():
            updated = conn.execute(
                sa_update(seal_failures).where(seal_failures.c.device_id == device_id)
                .values(events_skipped=seal_failures.c.events_skipped + skipped,
                        last_failed_at=now_ms)).rowcount
            if not updated:
                conn.execute(insert(seal_failures).values(
                    device_id=device_id, events_skipped=skipped, first_failed_at=now_ms,
                    last_failed_at=now_ms))
            if now - self._seal_warned.get(device_id, -_SEAL_WARNING_EVERY_S) \
                    >= _SEAL_WARNING_EVERY_S:
                self._seal_warned[device_id] = now
                others = len(sealer.devices) - len(sealer.failures)
                outcome = (f"the other {others} device(s) got them" if others else
                           "no device could be sealed for, so nothing was stored and LINE "
                           "was answered 503 to redeliver later")
                log.warning(
                    "device %s: events cannot be sealed to its public key (%s); %d event(s) "
                    "not kept for it, %s. Revoke it (`python -m relay revoke %s`) and pair "
                    "it again", device_id, error, skipped, outcome, device_id)

    def _known_ids(self, conn: Connection, shop_id: str, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        known: set[str] = set()
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start:start + _IN_CHUNK]
            if self.is_sqlite:  # as in _insert_rows: a cached statement per size, no Core
                rows = conn.exec_driver_sql(_sqlite_known_ids_sql(len(chunk)),
                                            (shop_id, *chunk))
            else:
                rows = conn.execute(_KNOWN_EVENT_IDS, {"shop_id": shop_id, "ids": chunk})
            known.update(rows.scalars())
        return known

    def _public_key(self, raw: bytes) -> X25519PublicKey:
        key = self._keys.get(raw)
        if key is None:
            key = self._keys[raw] = X25519PublicKey.from_public_bytes(raw)
        return key

    def fetch(self, device_id: str, after: int, limit: int,
              max_bytes: int | None = None) -> list[QueuedEvent]:
        """This device's items after ``after``: at most ``limit``, and, when ``max_bytes``
        is given, no more than fit in it (but always the first one), so that one answer
        stays small even when each item is a large delivery."""
        with self._read() as conn:
            upto: int | None = None
            if max_bytes is not None:
                total = 0
                for seq, size in conn.execute(
                        select(queue.c.seq, func.length(queue.c.sealed))
                        .where(queue.c.device_id == device_id, queue.c.seq > after)
                        .order_by(queue.c.seq).limit(limit)):
                    if upto is not None and total + size > max_bytes:
                        break
                    total += size
                    upto = seq
                if upto is None:
                    return []
            query = (select(queue.c.seq, queue.c.received_at, queue.c.sealed)
                     .where(queue.c.device_id == device_id, queue.c.seq > after))
            if upto is not None:
                query = query.where(queue.c.seq <= upto)
            rows = conn.execute(query.order_by(queue.c.seq).limit(limit)).all()
        return [QueuedEvent(r.seq, r.received_at, bytes(r.sealed)) for r in rows]

    def ack(self, device_id: str, upto: int) -> int:
        with self._write() as conn:
            return conn.execute(delete(queue).where(
                queue.c.device_id == device_id, queue.c.seq <= upto)).rowcount

    def queue_depth(self, shop_id: str | None = None) -> int:
        """Events that at least one device (of ``shop_id``, when given) has still to pull."""
        query = select(func.count(func.distinct(queue.c.seq)))
        if shop_id is not None:
            query = query.where(queue.c.device_id.in_(
                select(devices.c.id).where(devices.c.shop_id == shop_id)))
        with self._read() as conn:
            return conn.execute(query).scalar_one()

    def purge(self, now_ms: int, retention_days: int) -> PurgeCounts:
        """Forget everything older than the retention period, and revoked devices' queues."""
        cutoff = now_ms - retention_days * _DAY_MS
        with self._write() as conn:
            copies = conn.execute(delete(queue).where(queue.c.received_at < cutoff)).rowcount
            revoked = select(devices.c.id).where(devices.c.revoked_at.is_not(None))
            copies += conn.execute(delete(queue).where(queue.c.device_id.in_(revoked))).rowcount
            ids = conn.execute(delete(events).where(events.c.received_at < cutoff)).rowcount
            codes = conn.execute(delete(pairing_codes).where(
                pairing_codes.c.expires_at < now_ms - _DAY_MS)).rowcount
            conn.execute(delete(admin_links).where(admin_links.c.expires_at < now_ms))
        return PurgeCounts(copies=copies, dedupe_ids=ids, pairing_codes=codes)


class _Sealer:
    """Seals each delivery for every live device, skipping a device whose key fails.

    One device's unusable key (all zeros, damaged) must not stop the others from getting
    their events: the failure is kept per device (count and error type, never a key or
    a plaintext) and that device is not tried again within this transaction.
    """

    def __init__(self, load_key: Callable[[bytes], X25519PublicKey],
                 rows: Sequence[Any]) -> None:
        self.devices: list[tuple[str, X25519PublicKey | None]] = []
        #: device id -> (events skipped, the error's type name)
        self.failures: dict[str, tuple[int, str]] = {}
        for row in rows:
            try:
                key: X25519PublicKey | None = load_key(bytes(row.public_key))
            except ValueError as exc:  # not 32 bytes: damaged in the database
                key = None
                self.failures[row.id] = (0, type(exc).__name__)
            self.devices.append((row.id, key))

    def seal(self, plaintext: bytes, events: int = 1) -> list[tuple[str, bytes]]:
        """One sealed copy per device that can have it; ``events``: how many events the
        plaintext holds (a device that cannot have it is counted as missing them)."""
        copies: list[tuple[str, bytes]] = []
        for device_id, key in self.devices:
            failed = self.failures.get(device_id)
            if failed is None:
                assert key is not None
                try:
                    copies.append((device_id, seal_bytes(plaintext, key)))
                    continue
                except ValueError as exc:  # e.g. a low-order point: no shared secret
                    failed = (0, type(exc).__name__)
            self.failures[device_id] = (failed[0] + events, failed[1])
        return copies


@functools.lru_cache(maxsize=512)
def _sqlite_values_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    one = "(" + ", ".join("?" * len(columns)) + ")"
    # Table and column names come from relay.schema, never from input.
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
    return head + ", ".join([one] * rows)


@functools.lru_cache(maxsize=512)
def _sqlite_known_ids_sql(count: int) -> str:
    column = events.c.webhook_event_id.name
    return (f"SELECT {column} FROM {events.name} "  # noqa: S608 - names from relay.schema
            f"WHERE {events.c.shop_id.name} = ? AND {column} IN ({', '.join('?' * count)})")


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Create the file owner-only before SQLite does, so it is never readable by others.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    engine = create_engine(url, hide_parameters=True, connect_args={"timeout": 30.0})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # Take transaction control away from the sqlite3 module, which would BEGIN only
        # before the first write; Store._write/_read send BEGIN IMMEDIATE / BEGIN instead.
        # (Not SQLAlchemy's "begin" event: any engine event listener puts every statement
        # through event dispatch, measurable on the ingest path.) sqlite3 still COMMITs.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit returns only after the WAL is fsynced, so "200" means on disk.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return engine


def _restrict_sqlite_files(engine: Engine) -> None:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(database + suffix, 0o600)
