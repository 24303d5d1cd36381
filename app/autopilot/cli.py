"""``python main.py autopilot on|off|status`` and ``autopilot replies import FILE.json``.

Each command prints what it did; known problems are one line on stderr, exit status 1.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("autopilot", help="the relay's autopilot (instant replies while the "
                       "desktop is closed): on, off, status, replies import")
    acts = p.add_subparsers(dest="autopilot_command", metavar="ACTION", required=True)
    acts.add_parser("on", help="hand the relay the access token and the replies")
    acts.add_parser("off", help="the relay forgets the token and the replies")
    acts.add_parser("status", help="on / off / token_invalid, replies, sent")
    q = acts.add_parser("replies", help="the instant replies")
    r = q.add_subparsers(dest="replies_command", metavar="ACTION", required=True)
    f = r.add_parser("import", help="replace the replies with a JSON file's (published "
                     "when the autopilot is on)")
    f.add_argument("file", metavar="FILE.json")


def run(args: argparse.Namespace, open_book: Any, profile: Any) -> int:
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
        else:
            count = client.import_file(Path(args.file))
            print(f"{count} replies kept.")
    return 0
