"""``python main.py autopilot on|off|status`` and ``autopilot replies import FILE.json``.

Each command prints what it did; known problems are one line on stderr, exit status 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("autopilot", help="the relay's autopilot (instant replies while the "
                       "desktop is closed): on, off, status, replies import")
    acts = p.add_subparsers(dest="autopilot_command", metavar="ACTION", required=True)
    acts.add_parser("on", help="hand the relay the access token and the replies")
    acts.add_parser("off", help="the relay forgets the token and the replies")
    acts.add_parser("status", help="on / off / token_invalid, replies, sent, and the "
                    "scheduled sends the relay holds")
    sch = acts.add_parser("schedule", help="hand the relay the reminders and step messages "
                          "due within 7 days now (the timers do it too)")
    sch.add_argument("--now", metavar="YYYY-MM-DDTHH:MM",
                     help="the shop's time (Japan) to plan from; default: the clock")
    q = acts.add_parser("replies", help="the instant replies")
    r = q.add_subparsers(dest="replies_command", metavar="ACTION", required=True)
    f = r.add_parser("import", help="replace the replies with a JSON file's (published "
                     "when the autopilot is on)")
    f.add_argument("file", metavar="FILE.json")


def run(args: argparse.Namespace, open_book: Any, profile: Any) -> int:
    from app.autopilot import schedule as handoff
    from app.autopilot.client import AutopilotClient

    with open_book(profile) as book:
        client = AutopilotClient(book)
        action = args.autopilot_command
        if action == "on":
            client.turn_on()
            print(f"Autopilot on: the relay answers with {len(client.replies())} replies.")
        elif action == "off":
            client.turn_off()
            print("Autopilot off: the relay holds no access token and no replies.")
        elif action == "status":
            s = client.status()
            print(f"{s.state}\treplies {s.replies}\tsent {s.sent}\t"
                  f"key {'set' if s.key_configured else 'missing'}")
            try:
                q = handoff.relay_status(book)
            except handoff.RelayRefused as exc:  # a relay without scheduled sends
                print(f"scheduled\tunavailable ({exc.code or exc.status})")
                return 0
            print(f"scheduled\tqueued {q.get('queued', 0)}\tsending {q.get('sending', 0)}\t"
                  f"sent {q.get('sent', 0)}\tfailed {q.get('failed', 0)}\t"
                  f"unknown {q.get('unknown', 0)}\thanded here {len(handoff.handed_keys(book))}")
        elif action == "schedule":
            if not handoff.is_on(book):
                print("The autopilot is off: the desktop sends its scheduled messages itself.")
                return 0
            now = (dt.datetime.fromisoformat(args.now) - handoff.SHOP_OFFSET if args.now
                   else dt.datetime.now(dt.UTC).replace(tzinfo=None))
            r = handoff.tick(book, now)
            if r.error:
                print(f"The relay did not take the scheduled sends ({r.error}).",
                      file=sys.stderr)
                return 1
            print(f"{r.handed} handed, {r.withdrawn + r.taken_back} taken back; "
                  f"{len(handoff.handed_keys(book))} held by the relay.")
        else:
            count = client.import_file(Path(args.file))
            print(f"{count} replies kept.")
    return 0
