"""``python main.py booking …``: reservations from scripts (docs/reservations.md).

Importing this module costs nothing (the parser only); the work imports what it needs.
What a script wants is on the last line of stdout; known problems are one line on stderr
and exit status 1 (app.cli).
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("booking", help="reservations (予約): setup, list, free times")
    acts = p.add_subparsers(dest="booking_command", metavar="ACTION", required=True)
    q = acts.add_parser("setup", help="menus, staff, hours and rules from a JSON file")
    q.add_argument("file", metavar="FILE.json")
    q = acts.add_parser("list", help="bookings from one day to another (or as CSV)")
    q.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--csv", metavar="FILE", help="write them as CSV (Excel-ready)")
    acts.add_parser("publish", help="send the free times (no personal data) to the relay")
    q = acts.add_parser("link", help="a friend's own booking page, or without "
                        "--line-user-id the shop's LIFF URL (URL on the last line)")
    q.add_argument("--line-user-id", metavar="U…")
    q.add_argument("--liff-id", metavar="ID", help="the LIFF app's id (remembered)")
    q.add_argument("--mine", action="store_true", help="LIFF: open 'my bookings'")
    q.add_argument("--days", type=int, default=30, help="valid for this many days (30)")
    acts.add_parser("conflicts", help="bookings the relay took that the book could not")
    q = acts.add_parser("resolve", help="decide a conflict: book it anyway or drop it")
    q.add_argument("hold", metavar="HOLD_ID")
    how = q.add_mutually_exclusive_group(required=True)
    how.add_argument("--book", action="store_true", help="book it anyway (double-booked)")
    how.add_argument("--drop", action="store_true", help="let it go (tell the friend)")
    q = acts.add_parser("slots", help="free times of the days from --from (owner's view)")
    q.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--days", type=int, default=1)
    q.add_argument("--menu", help="only this menu's id")
    q = acts.add_parser("run-due", help="send the booking messages due now (confirmations, "
                        "reminders, thank-yous, notices), each once")
    q.add_argument("--now", metavar="YYYY-MM-DDTHH:MM",
                   help="the shop's (Japan) time to run at (tests; default: now)")


def command(args: argparse.Namespace, profile: Any) -> int:
    import datetime as dt
    from pathlib import Path

    from app.booking.service import BookingService
    from app.cli import open_book
    from app.errors import OtokuiError

    def day(text: str) -> dt.date:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise OtokuiError(text, message="Not a date.",
                              advice="Write dates as YYYY-MM-DD.") from None

    action = args.booking_command
    with open_book(profile) as book:
        service = BookingService(book)
        if action == "setup":
            path = Path(args.file)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                raise OtokuiError(str(path), message="The file cannot be read.",
                                  advice="Check the path (a UTF-8 JSON file).") from None
            setup = service.save_setup(text)
            print(f"Saved: {len(setup.menus)} menus, {len(setup.staff)} staff, "
                  f"{len(setup.classes)} classes.")
            return 0
        if action == "list":
            start, end = day(args.start), day(args.end)
            if args.csv:
                n = service.export_csv(start, end, Path(args.csv))
                print(f"Wrote {n} bookings to {args.csv}")
                return 0
            for b in service.list(start, end):
                print(f"{b.id}\t{b.start:%Y-%m-%d %H:%M}\t{b.menu_id}\t{b.staff_id or '-'}\t"
                      f"{b.status_label}")
            return 0
        if action == "publish":
            from app.booking.service import publish

            kept = publish(book)
            print(f"Published {kept} free slots.")
            return 0
        if action == "link":
            from app.booking.service import booking_link, liff_link

            if args.line_user_id is None:
                print(liff_link(book, args.liff_id, mine=bool(args.mine)))
                return 0

            if not 1 <= args.days <= 365:
                raise OtokuiError(str(args.days), message="Not a number of days.",
                                  advice="Give --days from 1 to 365.")
            print(booking_link(book, args.line_user_id, days=args.days))
            return 0
        if action == "conflicts":
            from app.booking.sync import conflicts

            for c in conflicts(book):
                print(f"{c['hold_id']}\t{c['start'].replace('T', ' ')}\t{c['menu_id']}\t"
                      f"{c.get('staff_id') or '-'}\t{c['reason']}")
            return 0
        if action == "resolve":
            from app.booking.sync import resolve

            print(resolve(book, args.hold, book_it=bool(args.book)))
            return 0
        if action == "slots":
            menus = None if args.menu is None else [args.menu]
            for s in service.availability(day(args.start), max(1, args.days)):
                if menus is None or s.menu_id in menus:
                    print(f"{s.start:%Y-%m-%d %H:%M}\t{s.menu_id}\t{s.staff_id or '-'}\t"
                          f"{s.free}")
            return 0
        if action == "run-due":
            return _run_due(book, args.now)
    return 2


def _run_due(book: Any, raw: str | None) -> int:
    import datetime as dt
    import sys

    from app.booking.messages import BookingMessages
    from app.booking.service import shop_now
    from app.errors import OtokuiError

    now = shop_now()
    if raw:
        try:
            now = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise OtokuiError(raw, message="Not a time.",
                              advice="Write it as YYYY-MM-DDTHH:MM (Japan time).") from None
        if now.tzinfo is not None:
            now = (now.astimezone(dt.UTC) + dt.timedelta(hours=9)).replace(tzinfo=None)
    report = BookingMessages(book).run_due(now)
    for booking_id, kind, minutes in report.late:
        print(f"late\t{booking_id}\t{kind}\t{minutes} min")
    print(f"{report.sent} sent, {report.failed} failed, {len(report.late)} late.")
    if report.interrupted:
        print(f"Interrupted ({report.interrupted}: {report.detail}); run it again later: "
              "nobody gets a message twice.", file=sys.stderr)
        return 1
    print(report.sent)
    return 0
