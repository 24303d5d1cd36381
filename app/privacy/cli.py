"""``python main.py privacy …``: the privacy tools from scripts (docs/privacy.md).

Each command prints what it did; known problems are one line on stderr and exit status 1
(app.cli). Deleting asks for confirmation on a terminal, and needs ``--yes`` elsewhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("privacy", help="privacy (個人情報保護法): policy, disclosure, "
                       "deletion, retention")
    acts = p.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    q = acts.add_parser("policy", help="record the privacy policy's settings as a new "
                        "version and/or write the policy as HTML or PDF")
    q.add_argument("--settings", type=Path, metavar="FILE.json",
                   help="the shop's policy settings (see docs/privacy.md)")
    q.add_argument("--html", type=Path, metavar="FILE")
    q.add_argument("--pdf", type=Path, metavar="FILE")
    q = acts.add_parser("disclose", help="write everything about one customer into a zip "
                        "file (開示請求); it holds personal data: hand it to that person only")
    q.add_argument("--customer", type=int, required=True, metavar="ID")
    q.add_argument("file", type=Path, metavar="FILE.zip")
    q = acts.add_parser("delete", help="delete one customer and everything about them "
                        "(削除・利用停止)")
    q.add_argument("--customer", type=int, required=True, metavar="ID")
    q.add_argument("--yes", action="store_true", help="do not ask")
    q = acts.add_parser("retention", help="set the retention rules, preview or run them")
    q.add_argument("--blocked-months", type=int, metavar="N",
                   help="erase friends who blocked more than N months ago")
    q.add_argument("--messages-years", type=int, metavar="N",
                   help="delete messages older than N years")
    q.add_argument("--attachments-years", type=int, metavar="N",
                   help="delete attachments added more than N years ago")
    q.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    q.add_argument("--yes", action="store_true", help="do not ask")


def _confirm(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        print("otokui: nothing was deleted; add --yes to delete without a question.",
              file=sys.stderr)
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def run(args: argparse.Namespace, open_book: Any, profile: Any) -> int:
    from app.privacy import disclose, erase, policy, retention

    action = args.privacy_command
    with open_book(profile) as book:
        if action == "policy":
            return _policy(book, args, policy)
        if action == "disclose":
            report = disclose.disclose(book, args.customer, args.file)
            rows = sum(report.rows.values())
            print(f"Wrote {report.path} ({report.size:,} bytes): {rows:,} rows from "
                  f"{sum(1 for n in report.rows.values() if n)} tables and {report.files} "
                  "files.")
            print("It holds this person's data in readable form: hand it to them only, "
                  "and delete your copy afterwards.")
            return 0
        if action == "delete":
            book.customers.get(args.customer)  # NotFoundError: one line, status 1
            if not _confirm(f"Delete customer {args.customer} and everything about them, "
                            "for good?", args.yes):
                return 1
            done = erase.erase(book, args.customer)
            print(f"Deleted customer {args.customer}: {sum(done.rows.values()):,} rows in "
                  f"{len(done.rows)} tables, {done.attachments} attachments.")
            if done.backups:
                print(f"{len(done.backups)} backups written since they were added still "
                      "hold them (replace or delete these backups):")
                for at, customers in done.backups:
                    print(f"  {at:%Y-%m-%d %H:%M} UTC, {customers:,} customers")
            return 0
        return _retention(book, args, retention)


def _policy(book: Any, args: argparse.Namespace, policy: Any) -> int:
    if args.settings is not None:
        data = json.loads(args.settings.read_text(encoding="utf-8-sig"))
        version = policy.record(book, policy.PolicySettings.from_dict(data))
        print(f"Privacy policy version {version.version} of {version.date.isoformat()}.")
    now = policy.current(book)
    if now is None:
        print("otokui: there is no privacy policy yet; give its settings with --settings "
              "FILE.json (docs/privacy.md).", file=sys.stderr)
        return 1
    if args.html is not None:
        args.html.write_text(policy.to_html(book, now), encoding="utf-8")
        print(f"Wrote {args.html}")
    if args.pdf is not None:
        args.pdf.write_bytes(policy.to_pdf(book, now))
        print(f"Wrote {args.pdf}")
    if args.settings is None and args.html is None and args.pdf is None:
        print(f"Privacy policy version {now.version} of {now.date.isoformat()}.")
    return 0


def _retention(book: Any, args: argparse.Namespace, retention: Any) -> int:
    given = {k: getattr(args, k) for k in ("blocked_months", "messages_years",
                                           "attachments_years") if getattr(args, k) is not None}
    rules = retention.rules(book)
    if given:
        rules = retention.RetentionRules(**{**rules.__dict__, **given})
        retention.set_rules(book, rules)
        print("Retention rules saved.")
    if not rules.any:
        print("No retention rule is set: nothing is deleted by age.")
        return 0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    plan = retention.plan(book, rules, now)
    print(f"{len(plan.customer_ids):,} customers (blocked long ago), {plan.messages:,} "
          f"messages and {len(plan.attachment_ids):,} attachments would be deleted.")
    if args.dry_run or plan.empty:
        return 0
    if not _confirm("Delete them now?", args.yes):
        return 1
    done = retention.run(book, rules, now)
    print(f"Deleted {len(done.customer_ids):,} customers, {done.messages:,} messages and "
          f"{len(done.attachment_ids):,} attachments.")
    return 0
