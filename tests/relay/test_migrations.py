"""A database written by a version-1 relay (one shop) opens in this relay unchanged in use:
its devices, codes, queues and de-duplication ids become the default shop's."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    inspect,
    select,
)

from relay import credentials
from relay.schema import DEFAULT_SHOP, meta
from relay.sealing import open_sealed_bytes
from relay.store import EventBatch, Store

# The version-1 tables as the earlier relay created them (those version 2 changes).
V1 = MetaData()
Table("relay_meta", V1, Column("key", String(40), primary_key=True),
      Column("value", BigInteger, nullable=False))
Table("relay_devices", V1,
      Column("id", String(32), primary_key=True),
      Column("name", String(100), nullable=False),
      Column("public_key", LargeBinary(32), nullable=False),
      Column("token_hash", LargeBinary(32), nullable=False, unique=True),
      Column("paired_at", BigInteger, nullable=False),
      Column("last_seen_at", BigInteger, nullable=True),
      Column("revoked_at", BigInteger, nullable=True))
Table("relay_pairing_codes", V1,
      Column("id", Integer, primary_key=True, autoincrement=True),
      Column("code_hash", LargeBinary(32), nullable=False),
      Column("created_at", BigInteger, nullable=False),
      Column("expires_at", BigInteger, nullable=False),
      Column("failed_tries", Integer, nullable=False, default=0),
      Column("state", String(10), nullable=False, default="open"))
Table("relay_events", V1,
      Column("seq", BigInteger, primary_key=True, autoincrement=False),
      Column("webhook_event_id", String(128), nullable=False, unique=True),
      Column("received_at", BigInteger, nullable=False),
      Index("relay_events_received_at", "received_at"))
Table("relay_queue", V1,
      Column("device_id", String(32), primary_key=True),
      Column("seq", BigInteger, primary_key=True, autoincrement=False),
      Column("received_at", BigInteger, nullable=False),
      Column("sealed", LargeBinary, nullable=False),
      Index("relay_queue_received_at", "received_at"))

NOW = 1_760_000_000_000


def _version_1_database(db_url: str, key: X25519PrivateKey) -> str:
    """A v1 database with one device, one open code and one event seen; the token."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    token = credentials.new_device_token()
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            V1.create_all(conn)
            conn.execute(insert(V1.tables["relay_meta"]), [
                {"key": "schema_version", "value": 1}, {"key": "last_seq", "value": 7}])
            conn.execute(insert(V1.tables["relay_devices"]).values(
                id="0123456789abcdef", name="レジ横のPC",
                public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
                token_hash=credentials.hash_device_token(token), paired_at=NOW,
                last_seen_at=NOW, revoked_at=None))
            conn.execute(insert(V1.tables["relay_pairing_codes"]).values(
                code_hash=credentials.hash_pairing_code("AAAAA-BBBBB"), created_at=NOW,
                expires_at=NOW + credentials.CODE_TTL_MS, failed_tries=0, state="open"))
            conn.execute(insert(V1.tables["relay_events"]).values(
                seq=7, webhook_event_id="01SEENBEFORE", received_at=NOW))
    finally:
        engine.dispose()
    return token


def test_version_1_database_becomes_the_default_shop(db_url: str) -> None:
    key = X25519PrivateKey.generate()
    token = _version_1_database(db_url, key)
    store = Store.open(db_url)
    try:
        with store.read_transaction() as conn:
            version = conn.execute(select(meta.c.value).where(
                meta.c.key == "schema_version")).scalar()
            columns = {c["name"] for c in inspect(conn).get_columns("relay_events")}
        assert version == 2
        assert columns == {"seq", "shop_id", "webhook_event_id", "received_at"}
        assert [s.shop_id for s in store.list_shops()] == [DEFAULT_SHOP]
        # the device still works, at the default shop's address
        assert store.authenticate(token, NOW, DEFAULT_SHOP) == "0123456789abcdef"
        assert store.list_devices()[0].shop_id == DEFAULT_SHOP
        # the open code is the default shop's
        other = X25519PrivateKey.generate().public_key().public_bytes_raw()
        store.pair_device("AAAAA-BBBBB", "事務所のMac", other, NOW + 1)
        # an id seen before is still a duplicate; a new one gets the next seq
        outcomes = store.store_events([EventBatch(("01SEENBEFORE", "01NEW"), b'{"a":1}')],
                                      NOW + 2)
        assert outcomes[0] is not None
        assert (outcomes[0].stored, outcomes[0].duplicates) == (1, 1)
        fetched = store.fetch("0123456789abcdef", 0, 10)
        assert [e.seq for e in fetched] == [8]
        assert open_sealed_bytes(fetched[0].sealed, key) == b'{"a":1}'
    finally:
        store.close()
    # Opening it again is a no-op (already version 2).
    Store.open(db_url).close()
