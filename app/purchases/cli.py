"""``python main.py product|order …``: the headless contract of docs/purchases.md.

The value a script wants is on the last line of stdout; known problems are one line on
stderr and exit status 1 (app.cli).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("product", help="the catalogue: import products from CSV")
    products = p.add_subparsers(dest="product_command", metavar="ACTION", required=True)
    q = products.add_parser("import", help="add or update products from a CSV file")
    q.add_argument("file", metavar="FILE.csv")
    products.add_parser("list", help="list the products: code, price, rate, name")
    q = products.add_parser("photo", help="set a product's photo for the relay's product "
                            "page (JPEG or PNG, at most 300 KB), or --remove it")
    q.add_argument("code")
    q.add_argument("file", nargs="?", metavar="FILE")
    q.add_argument("--remove", action="store_true")
    p = sub.add_parser("order", help="orders: import from a POS/EC CSV, list, receipts")
    orders = p.add_subparsers(dest="order_command", metavar="ACTION", required=True)
    q = orders.add_parser("import", help="import orders (all or nothing)")
    q.add_argument("file", metavar="FILE.csv")
    q.add_argument("--dry-run", action="store_true", help="check only, change nothing")
    q = orders.add_parser("list", help="list the orders (or write them as CSV)")
    q.add_argument("--csv", metavar="FILE", help="write the orders to this CSV file")
    q = orders.add_parser("receipt", help="write an order's receipt (領収書) PDF")
    q.add_argument("number")
    q.add_argument("file", metavar="FILE.pdf")
    orders.add_parser("online", help="switch online payment on at the relay: the Stripe "
                      "keys from STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, the shown "
                      "products")
    q = orders.add_parser("shop-link", help="a friend's link to the product page "
                          "(URL on the last line)")
    q.add_argument("--line-user-id", required=True, metavar="U…")
    q.add_argument("--days", type=int, default=30, help="how long the link works (1-366)")
    q = orders.add_parser("send-receipt", help="send the buyer the receipt on LINE: a link "
                          "to the PDF, kept encrypted on the relay (URL on the last line)")
    q.add_argument("number")
    q.add_argument("--days", type=int, default=30, help="how long the link works (1-365)")
    add_member_parser(sub)


def run(args: argparse.Namespace, open_book: Any, profile: Any) -> int:
    from app.errors import ImportRowsError

    with open_book(profile) as book:
        shop = book.purchases
        if args.command == "product":
            if args.product_command == "import":
                n = _rows(lambda: shop.import_products(Path(args.file)))
                print(f"Imported {n} products.")
                print(n)
                return 0
            if args.product_command == "photo":
                if args.remove == (args.file is not None):
                    print("otokui: give a FILE or --remove", file=sys.stderr)
                    return 2
                shop.set_photo(args.code, None if args.remove else Path(args.file).read_bytes())
                print("Removed the photo." if args.remove else "Saved the photo; "
                      "`order online` puts it on the product page.")
                print(args.code)
                return 0
            for prod in shop.products():
                shown = "" if prod.shown else "\t(hidden)"
                print(f"{prod.code}\t¥{prod.price:,}\t{prod.tax_rate}%\t{prod.name}{shown}")
            return 0
        action = args.order_command
        if action == "import":
            try:
                r = shop.import_orders(Path(args.file), dry_run=args.dry_run)
            except ImportRowsError as exc:
                _print_problems(exc)
                raise
            verb = "Would import" if r.dry_run else "Imported"
            print(f"{verb} {r.orders} orders from {r.rows} rows: {r.matched} matched to a "
                  f"customer, {len(r.unmatched)} unmatched, {len(r.already)} already in "
                  "the book.")
            for row, number in r.unmatched:
                print(f"  unmatched: row {row}, order {number}")
            print(r.orders)
            return 0
        if action == "list":
            if args.csv:
                n = shop.export_orders(Path(args.csv))
                print(f"Wrote {n} orders to {args.csv}.")
                print(n)
                return 0
            for o in shop.list():
                print(f"{o.number}\t{o.ordered_at:%Y-%m-%d %H:%M}Z\t¥{o.total:,}\t{o.status}")
            return 0
        if action == "receipt":
            pdf = shop.receipt_pdf(shop.by_number(args.number).id)
            Path(args.file).write_bytes(pdf)
            print(f"Wrote the receipt to {args.file}.")
            print(args.file)
            return 0
        if action == "send-receipt":
            from app.purchases.receipt_link import send_receipt

            sent = send_receipt(book, shop.by_number(args.number).id, days=args.days)
            print(f"Sent the receipt's link on LINE; it works until "
                  f"{sent.expires_at:%Y-%m-%d %H:%M}Z.")
            print(sent.url)
            return 0
        if action in ("online", "shop-link"):
            return _online(book, args)
    raise AssertionError(args.command)


def _online(book: Any, args: argparse.Namespace) -> int:
    import os

    from app.errors import ValidationError
    from app.purchases import online

    if args.order_command == "shop-link":
        print(online.link(book, args.line_user_id, days=args.days))
        return 0
    # From the environment, never the command line (other users see a process's arguments).
    secret = os.environ.get("STRIPE_SECRET_KEY", "")
    hook = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    if not secret or not hook:
        raise ValidationError(message="Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.")
    n = online.switch_on(book, secret, hook)
    print(f"Online payment is on at the relay with {n} products; Stripe's webhook "
          "endpoint is the relay's /stripe/webhook.")
    print(n)
    return 0


def _rows(call: Any) -> Any:
    from app.errors import ImportRowsError

    try:
        return call()
    except ImportRowsError as exc:
        _print_problems(exc)
        raise


def _print_problems(exc: Any) -> None:
    import sys

    for p in exc.problems[:50]:
        where = f"row {p.row}" + (f", column {p.column}" if p.column else "")
        print(f"  {where}: {p.reason} ({p.value})", file=sys.stderr)


def add_member_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("member", help="members (ID連携): import the shop's members")
    members = p.add_subparsers(dest="member_command", metavar="ACTION", required=True)
    q = members.add_parser("import", help="import members as customers without LINE "
                           "(all or nothing)")
    q.add_argument("file", metavar="FILE.csv")
    q = members.add_parser("review", help="link requests that matched nearly (not linked); "
                           "with --link or --refuse, decide one")
    q.add_argument("--link", metavar="REQUEST", help="link this request's friend to the "
                   "suggested member (or to --customer)")
    q.add_argument("--customer", type=int, metavar="ID", help="with --link: another "
                   "customer without LINE")
    q.add_argument("--refuse", metavar="REQUEST", help="drop this request: nothing linked")
    q = members.add_parser("link-page", help="the member-link page's LIFF URL for every "
                           "friend, or with --line-user-id one friend's link (URL on the "
                           "last line)")
    q.add_argument("--line-user-id", metavar="U…")
    q.add_argument("--days", type=int, default=30, help="how long the link works (1-366)")
    q = members.add_parser("link-token", help="LINE's account link: a link token for a "
                           "friend (10 minutes, once); with --site, the site's URL carrying "
                           "it (last line)")
    q.add_argument("--line-user-id", required=True, metavar="U…")
    q.add_argument("--site", metavar="URL", help="the shop's member site's login page")
    q = members.add_parser("account-link-key", help="write the key the shop's member site "
                           "signs account-link nonces with (docs/id-linking.md) to a file")
    q.add_argument("--out", required=True, type=Path, metavar="FILE")


def run_member(args: argparse.Namespace, open_book: Any, profile: Any) -> int:
    from app.members.importer import import_members
    from app.members.linking import review_queue

    with open_book(profile) as book:
        if args.member_command == "import":
            r = _rows(lambda: import_members(book, Path(args.file)))
            print(f"Imported {r.rows} members: {r.created} new, {r.updated} updated.")
            print(r.rows)
            return 0
        if args.member_command == "link-page":
            from app.members import link_page

            if args.line_user_id is None:
                url = link_page.liff_link(book)
                print("The member-link page is on the relay; this LIFF URL works for every "
                      "friend who opens it in LINE.")
                print(url)
                return 0
            url = link_page.link(book, args.line_user_id, days=args.days)
            link_page.upload(book)
            print("The member-link page is on the relay; this link is for that friend only.")
            print(url)
            return 0
        if args.member_command == "link-token":
            from urllib.parse import urlencode

            from app.members.account_link import issue_link_token

            token = issue_link_token(book, args.line_user_id)
            if args.site:
                joiner = "&" if "?" in args.site else "?"
                print(args.site + joiner + urlencode({"linkToken": token}))
            else:
                print(token)
            return 0
        if args.member_command == "account-link-key":
            import os

            from app.members.account_link import shared_key

            fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(shared_key(book).hex() + "\n")
            print(f"Wrote the account-link key to {args.out}: give it to your member "
                  "site only (whoever holds it can link any member).")
            print(args.out)
            return 0
        if args.link or args.refuse:
            from app.members import review

            if args.link:
                kept = review.link(book, args.link, args.customer)
                print(f"Linked; the friend is customer {kept}.")
                print(kept)
            else:
                review.refuse(book, args.refuse)
                print("Refused; nothing was linked.")
                print(args.refuse)
            return 0
        queue = review_queue(book)
        for entry in queue:
            print(f"{entry['at']}\tmember {entry['member_number']}\t{entry['line_user_id']}"
                  f"\t{entry['request_id']}\t{entry.get('reason', '')}")
        print(len(queue))
        return 0
