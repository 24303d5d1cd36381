"""``python main.py sequence …`` and ``coupon …``: the headless contract of docs/sequences.md.

The value a script wants (an id, a count) is on the last line of stdout. Known problems are
one line on stderr and exit status 1 (app.cli).
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("sequence", help="step sequences (ステップ配信): import, start, list, "
                       "run due steps")
    seqs = p.add_subparsers(dest="sequence_command", metavar="ACTION", required=True)
    q = seqs.add_parser("import", help="create (or replace, by name) a sequence from JSON; "
                        "prints its id on the last line")
    q.add_argument("file", metavar="FILE.json")
    seqs.add_parser("list", help="the sequences: id, steps, running, done, stopped, name")
    q = seqs.add_parser("start", help="start friends on a sequence now")
    q.add_argument("id", help="the sequence's id or name")
    who = q.add_mutually_exclusive_group(required=True)
    who.add_argument("--tag", metavar="NAME", help="the customers with this tag")
    who.add_argument("--segment", metavar="NAME", help="a saved segment's customers")
    q = seqs.add_parser("stop", help="stop friends' runs of a sequence")
    q.add_argument("id", help="the sequence's id or name")
    who = q.add_mutually_exclusive_group(required=True)
    who.add_argument("--tag", metavar="NAME")
    who.add_argument("--segment", metavar="NAME")
    q = seqs.add_parser("run-due", help="send every step (and birthday message) due now; "
                        "resumes interrupted sends with their keys")
    q.add_argument("--now", metavar="ISO-TIME", help=argparse.SUPPRESS)  # tests' fake clock
    p = sub.add_parser("coupon", help="coupons: mark one used, list a customer's")
    cps = p.add_subparsers(dest="coupon_command", metavar="ACTION", required=True)
    q = cps.add_parser("use", help="mark a coupon used (the customer's timeline records it)")
    q.add_argument("code")


def _customers(book: Any, args: argparse.Namespace) -> list[int]:
    from sqlalchemy import select

    from app.errors import NotFoundError
    from app.store.models import CustomerTag

    if args.segment is not None:
        seg = book.segments.by_name(args.segment)
        if seg.problem is not None:
            raise seg.problem
        return [int(i) for i in book.segments.ids(seg.condition)]
    wanted = " ".join(args.tag.split())
    found = [t.id for t in book.tags.list() if t.name == wanted]
    if not found:
        raise NotFoundError("tag")
    with book.db.read() as s:
        return [int(i) for i in s.scalars(select(CustomerTag.customer_id).where(
            CustomerTag.tag_id == found[0]).order_by(CustomerTag.customer_id))]


def _now(raw: str | None) -> Any:
    import datetime as dt

    from app.errors import ValidationError

    if not raw:
        return None
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(raw, message="--now needs an ISO time.") from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


def run(args: argparse.Namespace, open_book: Any, profile: Any) -> int:
    import json
    import sys
    from pathlib import Path

    if args.command == "coupon":
        with open_book(profile) as book:
            c = book.coupons.use(args.code)
            print(f"Coupon {c.code} marked used.")
            print(c.code)
            return 0
    action = args.sequence_command
    with open_book(profile) as book:
        seqs = book.sequences
        if action == "import":
            data = json.loads(Path(args.file).read_text(encoding="utf-8"))
            sid = seqs.import_json(data)
            info = seqs.get(sid)
            print(f"Sequence 「{info.name}」 (version {info.version}) with "
                  f"{len(info.steps)} steps.")
            print(sid)
            return 0
        if action == "list":
            for i in seqs.list():
                print(f"{i.id}\t{len(i.steps)} steps\t{i.running} running\t{i.done} done\t"
                      f"{i.stopped} stopped\t{i.name}")
            return 0
        if action in ("start", "stop"):
            sid = seqs.find(args.id)
            ids = _customers(book, args)
            cause = f"cli:{'tag' if args.tag else 'segment'}:{args.tag or args.segment}"
            if action == "start":
                n = seqs.start(sid, ids, cause=cause)
                print(f"Started {n} of {len(ids)} customers (the others are running it "
                      "already, are not LINE friends, or blocked the shop).")
            else:
                n = seqs.stop(sid, ids, cause=cause)
                print(f"Stopped {n}.")
            print(n)
            return 0
        if action == "run-due":
            now = _now(args.now)
            if now is not None:
                seqs.clock = lambda: now
            # The date rules' timer is this one (as in the window): due dates, then steps.
            from app.automation.dates import scan_due
            from app.automation.engine import run_pending

            scan_due(book, now or seqs.clock())
            run_pending(book)  # also what a kill right after a scan left pending
            report = seqs.run_due(now or seqs.clock())
            print(f"{report.sent} sent, {report.failed} failed, {report.stopped} stopped, "
                  f"{report.finished} finished.")
            if report.interrupted:
                print(f"Interrupted ({report.interrupted}: {report.detail}); run it again "
                      "later: nobody gets a step twice.", file=sys.stderr)
                return 1
            print(report.sent)
            return 0
    raise AssertionError(action)
