"""The payments tables. Nothing readable about a buyer: ids, hashes, times, the shop's own
catalogue, and the shop's Stripe keys **encrypted** with a key from the relay's
environment (RELAY_PAYMENTS_KEY). Added by ``create_all`` (no version bump)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, LargeBinary, String, Table

from relay.schema import metadata

#: One per shop that switched online payment on.
payments = Table(
    "relay_payments",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("page_id", String(16), nullable=False, unique=True),
    Column("link_mac_key", LargeBinary(32), nullable=False),
    #: AES-256-GCM under a key derived from RELAY_PAYMENTS_KEY, the shop id as AD.
    Column("secret_key", LargeBinary, nullable=False),
    Column("webhook_secret", LargeBinary, nullable=False),
    #: The shop's products as JSON (code, name, price tax included, tax rate).
    Column("catalogue", LargeBinary, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

#: Every checkout the relay started: recorded *before* Stripe is asked (so a webhook for
#: it is known even if the relay died before it heard Stripe's answer), the session id and
#: later the payment intent filled in. A webhook naming no row here is refused.
checkouts = Table(
    "relay_checkouts",
    metadata,
    Column("request_id", String(32), primary_key=True),
    Column("shop_id", String(32), nullable=False),
    Column("session_id", String(255), nullable=True, unique=True),
    Column("payment_intent", String(255), nullable=True, index=True),
    Column("created_at", BigInteger, nullable=False),
)

#: Stripe events taken (sealed and queued): each event once, whatever Stripe retries.
stripe_events = Table(
    "relay_stripe_events",
    metadata,
    Column("event_id", String(255), primary_key=True),
    Column("shop_id", String(32), nullable=False),
    Column("received_at", BigInteger, nullable=False),
)

#: The product page's stock: per product with a counted stock, ``base`` as the desktop
#: last published it and ``taken`` what the page reserved or sold since that the desktop
#: has not counted yet (relay/payments/stock.py). No row: not counted (unlimited).
stock = Table(
    "relay_stock",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("code", String(40), primary_key=True),
    Column("base", BigInteger, nullable=False),
    Column("taken", BigInteger, nullable=False),
)

#: One row per product of each checkout: ``held`` (session open), ``sold`` (paid, not yet
#: in the desktop's published stock), ``applied`` (in it), ``released`` (expired/failed).
stock_holds = Table(
    "relay_stock_holds",
    metadata,
    Column("request_id", String(32), primary_key=True),
    Column("code", String(40), primary_key=True),
    Column("shop_id", String(32), nullable=False, index=True),
    Column("session_id", String(255), nullable=True, index=True),
    Column("quantity", BigInteger, nullable=False),
    Column("state", String(16), nullable=False),
    Column("expires_at", BigInteger, nullable=False),
)
