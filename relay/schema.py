"""The relay's tables (SQLAlchemy Core), shared by SQLite and PostgreSQL.

Nothing here holds a readable webhook body, message text or user id: event payloads exist
only as ``relay_queue.sealed`` (HPKE ciphertext, one row per device and event). The other
tables hold ids, hashes, counters and times (milliseconds since the epoch, UTC), except
the media tables: images a desktop uploads to be sent to customers, which the relay must
be able to read in order to serve them (see docs/relay.md, "Media").

The schema is created on start with ``metadata.create_all``; ``relay_meta`` records its
version so a later relay can upgrade it (:mod:`relay.migrations`), and an older relay
refuses a newer database.

Version 2 adds shops: one relay may serve several LINE channels (``relay_shops``), each
with its own webhook path, channel secret, pairing codes and devices. Every version-1
database becomes the ``default`` shop.
Tables added later (the media tables) are created by ``create_all`` on an existing
database too; they do not bump the version, because an older relay that ignores them
still works correctly on the rest.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

SCHEMA_VERSION = 2

#: The shop of a single-shop relay, and of everything a version-1 database held.
DEFAULT_SHOP = "default"

metadata = MetaData()

#: Small key/value facts: ``schema_version``, and ``last_seq`` (the sequence counter).
meta = Table(
    "relay_meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

#: The shops (LINE channels) this relay serves. ``channel_secret`` is the shop's channel
#: secret sealed with a key derived from RELAY_ADMIN_SECRET (:mod:`relay.shops`), or NULL
#: when the relay uses LINE_CHANNEL_SECRET (the default shop) or none was given yet.
shops = Table(
    "relay_shops",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("channel_secret", LargeBinary, nullable=True),
    Column("created_at", BigInteger, nullable=False),
)

#: Paired desktops. The token is stored only as its SHA-256; the name is the label the shop
#: typed when pairing (shown by ``python -m relay devices``, never logged).
devices = Table(
    "relay_devices",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("public_key", LargeBinary(32), nullable=False),
    Column("shop_id", String(32), nullable=False, server_default=DEFAULT_SHOP),
    Column("token_hash", LargeBinary(32), nullable=False, unique=True),
    Column("paired_at", BigInteger, nullable=False),
    Column("last_seen_at", BigInteger, nullable=True),
    Column("revoked_at", BigInteger, nullable=True),
)

#: One-time pairing codes, stored as SHA-256. ``state``: open, used, replaced, locked.
pairing_codes = Table(
    "relay_pairing_codes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code_hash", LargeBinary(32), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("failed_tries", Integer, nullable=False, default=0),
    Column("state", String(10), nullable=False, default="open"),
    Column("shop_id", String(32), nullable=False, server_default=DEFAULT_SHOP),
)

#: Every accepted LINE event: its sequence number and webhookEventId (the de-duplication
#: key, kept for the retention period), per shop: one shop's ids never hide another's.
#: No payload.
events = Table(
    "relay_events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("shop_id", String(32), nullable=False, server_default=DEFAULT_SHOP),
    Column("webhook_event_id", String(128), nullable=False),
    Column("received_at", BigInteger, nullable=False),
    UniqueConstraint("shop_id", "webhook_event_id", name="relay_events_shop_event"),
    Index("relay_events_received_at", "received_at"),
)

#: What each device still has to pull: one sealed copy per device and event.
queue = Table(
    "relay_queue",
    metadata,
    Column("device_id", String(32), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("received_at", BigInteger, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Index("relay_queue_received_at", "received_at"),
)

#: Uploaded images, one row per URL served: an original, or the separate preview of one.
#: ``media_id`` is what the uploading device manages it by; the URL's token is stored only
#: as its SHA-256, like device tokens. ``expires_at`` is when it stops being served.
media = Table(
    "relay_media",
    metadata,
    Column("token_hash", LargeBinary(32), primary_key=True),
    Column("media_id", String(32), nullable=False),
    Column("kind", String(10), nullable=False),  # "original" or "preview"
    Column("device_id", String(32), nullable=False),
    Column("content_type", String(20), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("chunks", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    UniqueConstraint("media_id", "kind", name="relay_media_id_kind"),
    Index("relay_media_device", "device_id"),
    Index("relay_media_expires_at", "expires_at"),
)

#: The bytes of each file in ``relay_media``, in pieces of at most MEDIA_CHUNK_BYTES, so
#: serving a 10 MB image reads (and holds in memory) one piece at a time.
media_chunks = Table(
    "relay_media_chunks",
    metadata,
    Column("token_hash", LargeBinary(32), primary_key=True),
    Column("n", Integer, primary_key=True, autoincrement=False),
    Column("data", LargeBinary, nullable=False),
)

#: Devices the relay could not seal events for (an unusable public key paired before keys
#: were checked, or damaged in the database): how many events each one missed and when.
#: The other devices keep getting every event; ``python -m relay devices`` shows these.
#: Added after version 1 without bumping it, like the media tables.
seal_failures = Table(
    "relay_seal_failures",
    metadata,
    Column("device_id", String(32), primary_key=True),
    Column("events_skipped", BigInteger, nullable=False),
    Column("first_failed_at", BigInteger, nullable=False),
    Column("last_failed_at", BigInteger, nullable=False),
)

#: Published form definitions (relay.forms.store). A definition is not personal: titles,
#: labels and choices the shop wrote. ``link_mac_key`` verifies per-friend links (see
#: relay.forms.links); it cannot open them. ``state``: "open" or "deleted" (a deleted
#: form keeps its row, without versions, so its links say it is gone). Added after version
#: 1 without bumping it, like the media tables: an older relay ignores them.
forms = Table(
    "relay_forms",
    metadata,
    Column("form_id", String(16), primary_key=True),
    Column("device_id", String(32), nullable=False),
    Column("link_mac_key", LargeBinary(32), nullable=True),
    Column("version", Integer, nullable=False),
    Column("state", String(10), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

#: Every published version of a form, immutable: its canonical JSON and its SHA-256.
form_versions = Table(
    "relay_form_versions",
    metadata,
    Column("form_id", String(16), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("digest", String(64), nullable=False),
    Column("definition", LargeBinary, nullable=False),
    Column("published_at", BigInteger, nullable=False),
)

#: Answers a form took: for "one answer per friend" (a hash of the link's friend ref,
#: relay.forms.links.friend_ref_hash; null for a public link) and "max_answers". No
#: content: the answers themselves exist only sealed, in ``relay_queue``.
form_answers = Table(
    "relay_form_answers",
    metadata,
    Column("answer_id", String(32), primary_key=True),
    Column("form_id", String(16), nullable=False),
    Column("friend_hash", LargeBinary(32), nullable=True),
    Column("received_at", BigInteger, nullable=False),
    Index("relay_form_answers_friend", "form_id", "friend_hash"),
)

#: One-time links to the admin page (RELAY_ADMIN_SECRET set): the token only as SHA-256,
#: deleted when used; at most one at a time. New in version 2.
admin_links = Table(
    "relay_admin_links",
    metadata,
    Column("token_hash", LargeBinary(32), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
)

#: The shop's privacy policy (relay.privacy): every version a device published, as the JSON
#: document the ``GET /privacy`` page renders (the shop's own public text, nothing personal).
privacy_policies = Table(
    "relay_privacy_policies",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("document", LargeBinary, nullable=False),
    Column("published_at", BigInteger, nullable=False),
)

#: The autopilot (relay.autopilot), per shop, only while the shop has switched it on:
#: ``token`` is the channel access token encrypted with a key from RELAY_AUTOPILOT_KEY
#: (never stored here); ``replies`` the shop's instant replies (texts it wrote, not
#: personal). ``state``: "on" or "token_invalid". Added without bumping the version.
autopilot = Table(
    "relay_autopilot",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("token", LargeBinary, nullable=False),
    Column("replies", LargeBinary, nullable=False),
    Column("state", String(16), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

#: One row per event the autopilot answered (or began to): the claim that makes a reply
#: at most once across a crash. Ids and times only.
autopilot_sends = Table(
    "relay_autopilot_sends",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("event_id", String(128), primary_key=True),
    Column("state", String(10), nullable=False),  # claimed, sent, failed, unknown
    Column("claimed_at", BigInteger, nullable=False),
)

# Feature areas with tables of their own, imported here so that ``metadata`` is whole.
from relay import autopilot_pages_schema as _autopilot_pages_schema  # noqa: E402,F401  (autopilot)
from relay import autopilot_schedule_schema as _sched  # noqa: E402,F401  (autopilot)
from relay.booking import schema as _booking_schema  # noqa: E402,F401  (reservations)
from relay.members import schema as _members_schema  # noqa: E402,F401  (ID連携)
from relay.payments import schema as _payments_schema  # noqa: E402,F401  (payments)
from relay.receipts import schema as _receipts_schema  # noqa: E402,F401  (receipts)
from relay.routes import schema as _routes_schema  # noqa: E402,F401  (inflow routes)
