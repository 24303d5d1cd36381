"""``python main.py route …``: inflow routes (流入経路) from scripts (docs/analytics.md).

* ``route add NAME [--tag T]…`` creates a route; its number on the last line;
* ``route list [--from DATE --to DATE]`` one line per route: number, name, tags, arrivals,
  friends, first-route customers in the period (default: this month), tab-separated;
* ``route qr ID FILE.png|FILE.svg`` writes the QR code; its URL on the last line;
* ``route url ID`` prints the URL;
* ``route publish [--add-friend-url URL]`` sends the routes to the relay.

Known problems are one line on stderr and exit status 1 (app.cli); a bad date exits 2.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("route", help="inflow routes (流入経路): QR codes and URLs that "
                                     "record where friends come from")
    routes = p.add_subparsers(dest="route_command", metavar="ACTION", required=True)
    q = routes.add_parser("add", help="create a route (its number on the last line)")
    q.add_argument("name", help="e.g. カウンターQR, Instagram, チラシ")
    q.add_argument("--tag", action="append", default=[], metavar="TAG",
                   help="a tag every friend arriving by it gets (repeat for several)")
    q = routes.add_parser("list", help="the routes with their counts in a period")
    q.add_argument("--from", dest="date_from", metavar="DATE",
                   help="first day (YYYY-MM-DD; default: the first of this month)")
    q.add_argument("--to", dest="date_to", metavar="DATE",
                   help="last day, included (default: the end of this month)")
    q = routes.add_parser("qr", help="write the route's QR code (.png or .svg)")
    q.add_argument("id", help="the route's number")
    q.add_argument("file", help="FILE.png or FILE.svg")
    q = routes.add_parser("url", help="print the route's URL")
    q.add_argument("id", help="the route's number")
    q = routes.add_parser("rename", help="rename a route (its URL and QR code stay)")
    q.add_argument("id", help="the route's number")
    q.add_argument("name", help="the new name")
    q.add_argument("--tag", action="append", default=None, metavar="TAG",
                   help="replace the tags arrivals get (repeat for several; "
                        "--tag '' for none); without it they stay")
    q = routes.add_parser("delete", help="delete a route with its arrivals, then publish "
                                         "the routes left (its QR code stops counting)")
    q.add_argument("id", help="the route's number")
    q = routes.add_parser("publish", help="send the routes to the relay")
    q.add_argument("--add-friend-url", metavar="URL", help="where the page sends friends "
                   "(default: the one saved, else LINE's page for the account)")


def command(args: argparse.Namespace, profile: Any) -> int:
    import datetime as dt
    import sys
    from pathlib import Path

    from app.analytics.period import JST, Period
    from app.cli import open_book
    from app.routes.service import RouteService

    action = args.route_command
    with open_book(profile) as book:
        routes = RouteService(book)
        if action == "add":
            info = routes.add(args.name, args.tag)
            print(f"Created the route 「{info.name}」" + (
                f" (tags: {', '.join(info.tags)})" if info.tags else "") + ".")
            print(info.id)
            return 0
        if action == "list":
            from app.routes.figures import route_counts

            today = dt.datetime.now(JST).date()
            month = Period.this_month(today)
            try:
                start = dt.date.fromisoformat(args.date_from) if args.date_from else month.start
                end = dt.date.fromisoformat(args.date_to) if args.date_to else month.end
                period = Period(start, end)
            except ValueError:
                print("otokui: write dates as YYYY-MM-DD, the first not after the last.",
                      file=sys.stderr)
                return 2
            tags = {r.id: r.tags for r in routes.list()}
            print("id\tname\ttags\tarrivals\tfriends\tfirst")
            with book.db.read() as s:
                for c in route_counts(s, period):
                    print(f"{c.route_id}\t{c.name}\t{','.join(tags.get(c.route_id, []))}\t"
                          f"{c.arrivals}\t{c.friends}\t{c.first}")
            return 0
        if action == "qr":
            path = Path(args.file)
            if path.suffix.lower() not in (".png", ".svg"):
                print("otokui: the QR code file must end in .png or .svg.", file=sys.stderr)
                return 2
            url = routes.qr(args.id, path)
            print(f"Wrote the QR code to {path}.")
            print(url)
            return 0
        if action == "url":
            print(routes.url(args.id))
            return 0
        if action == "rename":
            info = routes.rename(args.id, args.name, args.tag)
            print(f"Renamed the route to 「{info.name}」" + (
                f" (tags: {', '.join(info.tags)})" if info.tags else "") + ".")
            return 0
        if action == "delete":
            arrivals = routes.arrivals(args.id)
            info = routes.delete(args.id)
            print(f"Deleted the route 「{info.name}」 and its {arrivals} arrival(s).")
            if info.published and book.line.relay_url:
                # The relay must forget it too, or the printed QR code keeps counting.
                count = routes.publish()
                print(f"Published {count} route(s) to the relay.")
            return 0
        count = routes.publish(args.add_friend_url)
        print(f"Published {count} route(s) to the relay.")
        return 0
