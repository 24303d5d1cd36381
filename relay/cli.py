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
    commands.add_parser("pair", help="print a one-time pairing code (last line)")
    commands.add_parser("devices", help="list paired devices")
    revoke = commands.add_parser("revoke", help="revoke a device")
    revoke.add_argument("device_id")
    args = parser.parse_args(argv)

    # Everything the relay creates (database, WAL, logs) is readable by its owner only.
    os.umask(0o077)
    try:
        if args.command == "serve":
            return _serve(args.host, args.port)
        logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT, stream=sys.stderr)
        store = Store.open(Settings.from_env(require_secret=False).database_url)
        try:
            if args.command == "pair":
                return _pair(store)
            if args.command == "devices":
                return _devices(store)
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


def _pair(store: Store) -> int:
    code = store.create_pairing_code(int(time.time() * 1000))
    print(f"Pairing code for the Otokui desktop: valid for {CODE_TTL_MS // 60_000} minutes, "
          "single use; an address sending 5 wrong codes is refused for 10 minutes.")
    print("Enter it in Otokui when it asks for the relay's pairing code. A new code replaces "
          "this one.")
    print(code)
    return 0


def _devices(store: Store) -> int:
    rows = store.list_devices()
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
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(cell + " " * (w - _width(cell))
                        for cell, w in zip(row, widths, strict=True)).rstrip())
    for device_id in unusable:
        print(f"Device {device_id} cannot be sealed for: events since it failed were kept "
              f"for the other devices only. Revoke it (`python -m relay revoke {device_id}`) "
              "and pair that desktop again.")
    return 0


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
