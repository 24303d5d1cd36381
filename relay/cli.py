"""``python -m relay``: serve, and the host-side commands pair, devices and revoke.

The host commands talk to the database directly (RELAY_DATABASE_URL), so only someone with
a shell on the relay's host can issue pairing codes or revoke devices.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from relay.config import ConfigError, Settings
from relay.credentials import CODE_TTL_MS, is_device_id
from relay.schema import DEFAULT_SHOP
from relay.shops import MAX_SHOP_NAME_CHARS, UnknownShop, is_shop_id
from relay.store import Store, StoreError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m relay", description=(
        "Otokui relay: receives LINE webhooks and holds them, sealed, for the shop's "
        "desktops."))
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the relay's HTTP server")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; 0.0.0.0 in a container)")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8080),
                       help="port to listen on (default $PORT or 8080)")
    pair = commands.add_parser("pair", help="print a one-time pairing code (last line)")
    pair.add_argument("--shop", default=DEFAULT_SHOP,
                      help="the shop to pair a desktop of (default: the default shop)")
    devices = commands.add_parser("devices", help="list paired devices")
    devices.add_argument("--shop", default=None, help="only this shop's devices")
    revoke = commands.add_parser("revoke", help="revoke a device")
    revoke.add_argument("device_id")
    commands.add_parser("shops", help="list the shops this relay serves")
    add_shop = commands.add_parser("add-shop", help="add a shop (needs RELAY_ADMIN_SECRET)")
    add_shop.add_argument("name", help="a label to tell the shops apart")
    commands.add_parser("admin-link", help="print a one-time link to the admin page "
                        "(needs RELAY_ADMIN_SECRET)")
    args = parser.parse_args(argv)

    # Everything the relay creates (database, WAL, logs) is readable by its owner only.
    os.umask(0o077)
    try:
        if args.command == "serve":
            return _serve(args.host, args.port)
        logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT, stream=sys.stderr)
        settings = Settings.from_env(require_secret=False)
        store = Store.open(settings.database_url)
        try:
            if args.command == "pair":
                return _pair(store, args.shop)
            if args.command == "devices":
                return _devices(store, args.shop)
            if args.command == "shops":
                return _shops(store, settings)
            if args.command == "add-shop":
                return _add_shop(store, settings, args.name)
            if args.command == "admin-link":
                return _admin_link(store, settings)
            return _revoke(store, args.device_id)
        finally:
            store.close()
    except ConfigError as exc:
        print(f"relay: {exc}", file=sys.stderr)
        return 2
    except (StoreError, SQLAlchemyError) as exc:
        # SQLAlchemy's message names the driver's error; parameters are hidden by the engine.
        print(f"relay: the database cannot be used: {type(exc).__name__}: "
              f"{str(exc).splitlines()[0]}", file=sys.stderr)
        return 1


def _serve(host: str, port: int) -> int:
    from relay.app import RelayService  # imports Starlette/uvicorn only when serving
    from relay.server import build_server

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    settings = Settings.from_env()
    store = Store.open(settings.database_url)
    service = RelayService(settings, store)
    server = build_server(service, host, port)
    server.run()
    return 0 if server.started else 1


def _pair(store: Store, shop_id: str) -> int:
    try:
        if not is_shop_id(shop_id):
            raise UnknownShop(shop_id)
        code = store.create_pairing_code(int(time.time() * 1000), shop_id)
    except UnknownShop:
        print(f"relay: no shop with id {shop_id!r}; see `python -m relay shops`",
              file=sys.stderr)
        return 1
    if shop_id != DEFAULT_SHOP:
        print(f"Shop {shop_id}: the desktop's relay address ends in /shops/{shop_id}")
    print(f"Pairing code for the Otokui desktop: valid for {CODE_TTL_MS // 60_000} minutes, "
          "single use; an address sending 5 wrong codes is refused for 10 minutes.")
    print("Enter it in Otokui when it asks for the relay's pairing code. A new code replaces "
          "this one.")
    print(code)
    return 0


def _shops(store: Store, settings: Settings) -> int:
    base = settings.public_url or "https://<this relay>"
    table = [("ID", "NAME", "ADDRESS", "SECRET", "DEVICES")]
    for shop in store.list_shops():
        address = base if shop.shop_id == DEFAULT_SHOP else f"{base}/shops/{shop.shop_id}"
        if shop.shop_id == DEFAULT_SHOP and settings.channel_secret:
            secret = "env"  # noqa: S105 - where the secret is, not the secret
        else:
            secret = "stored" if shop.has_secret else "-"
        table.append((shop.shop_id, shop.name or "-", address, secret, str(shop.devices)))
    _print_table(table)
    return 0


def _add_shop(store: Store, settings: Settings, name: str) -> int:
    if settings.admin_secret is None:
        print("relay: set RELAY_ADMIN_SECRET first: a shop's channel secret is kept sealed "
              "with it", file=sys.stderr)
        return 2
    name = " ".join(name.split())[:MAX_SHOP_NAME_CHARS]
    if not name or any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name):
        print("relay: give the shop a name without control characters", file=sys.stderr)
        return 1
    shop_id = store.add_shop(name, int(time.time() * 1000))
    base = settings.public_url or "https://<this relay>"
    print(f"added shop {shop_id}: its desktops use the relay address {base}/shops/{shop_id}")
    print(f"pair one with: python -m relay pair --shop {shop_id}")
    return 0


def _admin_link(store: Store, settings: Settings) -> int:
    from relay.admin import LINK_TTL_MS, issue_link

    if settings.admin_secret is None:
        print("relay: the admin page is off: set RELAY_ADMIN_SECRET to turn it on",
              file=sys.stderr)
        return 2
    link = issue_link(store, settings.public_url, int(time.time() * 1000))
    print(f"One-time link to the admin page, valid {LINK_TTL_MS // 3_600_000} hours "
          "(a new one replaces it):")
    print(link if settings.public_url else f"https://<this relay>{link}")
    return 0


def _devices(store: Store, shop_id: str | None = None) -> int:
    rows = store.list_devices(shop_id)
    if not rows:
        print("No devices have been paired. Run `python -m relay pair` to pair one.")
        return 0
    table = [("ID", "NAME", "PAIRED (UTC)", "LAST SEEN (UTC)", "STATUS", "WAITING")]
    unusable = []
    for d in rows:
        status = "revoked " + _when(d.revoked_at) if d.revoked_at else "active"
        if d.seal_failures and not d.revoked_at:
            status = f"active, {d.seal_failures} events NOT sealed (unusable key)"
            unusable.append(d.device_id)
        table.append((d.device_id, d.name, _when(d.paired_at), _when(d.last_seen_at), status,
                      str(d.pending)))
    _print_table(table)
    for device_id in unusable:
        print(f"Device {device_id} cannot be sealed for: events since it failed were kept "
              f"for the other devices only. Revoke it (`python -m relay revoke {device_id}`) "
              "and pair that desktop again.")
    return 0


def _print_table(table: Sequence[tuple[str, ...]]) -> None:
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(cell + " " * (w - _width(cell))
                        for cell, w in zip(row, widths, strict=True)).rstrip())


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Japanese full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _revoke(store: Store, device_id: str) -> int:
    if not is_device_id(device_id) or not store.revoke_device(device_id,
                                                             int(time.time() * 1000)):
        print(f"relay: no active device with id {device_id!r}; see `python -m relay devices`",
              file=sys.stderr)
        return 1
    print(f"revoked {device_id}: its token no longer works and its queued events are gone")
    return 0


def _when(ms: int | None) -> str:
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")
