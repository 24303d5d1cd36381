"""``python main.py privacy …``: the privacy feature from scripts (docs/privacy.md).

Light at import (argparse only), since ``--help`` builds this parser. The value a script
wants is on the last line of stdout; known problems are one line on stderr, status 1.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.profile import Profile


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("privacy", help="privacy (個人情報保護法): policy, disclosure, deletion, "
                       "retention")
    actions = p.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    q = actions.add_parser("settings", help="set the policy's details from a JSON file "
                           "(keys as in docs/privacy.md), or print them")
    q.add_argument("--from", dest="from_file", type=Path, help="JSON file to read")
    q = actions.add_parser("policy", help="write the policy (newest published version, or "
                           "a draft) as HTML and/or PDF")
    q.add_argument("--html", type=Path, metavar="FILE")
    q.add_argument("--pdf", type=Path, metavar="FILE")
    q.add_argument("--version", type=int, help="a published version (default: the newest)")
    q = actions.add_parser("disclose", help="write everything held about one customer into "
                           "a zip (開示請求); it holds personal data")
    q.add_argument("--customer", type=int, required=True, metavar="ID")
    q.add_argument("file", type=Path, metavar="FILE.zip")
    q = actions.add_parser("delete", help="delete one customer everywhere in the book "
                           "(削除・利用停止); asks first unless --yes")
    q.add_argument("--customer", type=int, required=True, metavar="ID")
    q.add_argument("--yes", action="store_true", help="do not ask")
    q = actions.add_parser("retention", help="apply the retention rules (what is kept how "
                           "long); --dry-run shows what would be deleted")
    q.add_argument("--dry-run", action="store_true")
    q.add_argument("--yes", action="store_true", help="do not ask")
    q.add_argument("--blocked-months", type=int, help="set: delete friends blocked for "
                   "longer (0: never)")
    q.add_argument("--message-years", type=int, help="set: delete older messages (0: never)")
    q.add_argument("--attachment-years", type=int, help="set: delete older attachments "
                   "(0: never)")
    q = actions.add_parser("audit", help="the audit log: who did what to whose data, when")
    q.add_argument("--action", help="only this action (e.g. privacy_deleted, export_csv)")
    q.add_argument("--search", default="", help="text in the target or details")
    q.add_argument("--since", help="from this day (YYYY-MM-DD, UTC)")
    q.add_argument("--until", help="before this day (YYYY-MM-DD, UTC)")
    q.add_argument("--csv", type=Path, metavar="FILE", help="write them as CSV")
    actions.add_parser("publish", help="record the settings as a new policy version and put "
                       "it on the relay's /privacy page")


def run(args: argparse.Namespace, profile: Profile) -> int:
    import json
    import sys

    from app.cli import open_book
    from app.errors import OtokuiError
    from app.privacy.policy import PolicySettings, to_html, to_pdf
    from app.privacy.service import PrivacyService
    from app.sync.errors import NotPairedError

    action = args.privacy_command
    with open_book(profile) as book:
        privacy = PrivacyService(book)
        if action == "settings":
            if args.from_file is not None:
                data = json.loads(args.from_file.read_text(encoding="utf-8"))
                privacy.save_settings(PolicySettings.from_dict(data))
            print(json.dumps(privacy.settings().to_dict(), ensure_ascii=False, indent=2))
            missing = privacy.settings().missing()
            if missing:
                print("Still to fill in (the law asks for them): " + ", ".join(missing),
                      file=sys.stderr)
            return 0
        if action == "policy":
            doc = privacy.document(args.version)
            if doc.version == 0:
                print("Note: no version is published yet; this is a draft.", file=sys.stderr)
            if args.html:
                args.html.write_text(to_html(doc), encoding="utf-8")
                print(f"Wrote {args.html}")
            if args.pdf:
                args.pdf.write_bytes(to_pdf(doc))
                print(f"Wrote {args.pdf}")
            print(doc.version)
            return 0
        if action == "disclose":
            from app.privacy.disclose import disclose

            print("Warning: the zip holds this customer's personal data. Hand it only to "
                  "the person (or their agent) after checking who they are, and delete your "
                  "copy when done.", file=sys.stderr)
            done = disclose(book, args.customer, args.file)
            print(f"Wrote {sum(done.tables.values())} rows from {len(done.tables)} tables and "
                  f"{done.files} files.")
            print(done.path)
            return 0
        if action == "delete":
            from app.privacy.erase import erase_customer

            if not args.yes:
                customer = book.customers.get(args.customer)
                label = customer.name or customer.display_name or "(no name)"
                if not sys.stdin.isatty():
                    print("otokui: add --yes to delete without being asked", file=sys.stderr)
                    return 1
                answer = input(f"Delete customer {args.customer} ({label}) and everything "
                               "held about them, for good? [y/N] ")
                if answer.strip().lower() not in ("y", "yes"):
                    print("Nothing was deleted.")
                    return 0
            erased = erase_customer(book, args.customer)
            print(f"Deleted customer {erased.customer_id}: {sum(erased.rows.values())} rows, "
                  f"{erased.files} files (keys erased, files removed).")
            if erased.backups:
                print("These backups were made while the customer was in the book and still "
                      "hold them: " + ", ".join(b.isoformat(sep=" ", timespec="minutes")
                                                for b in erased.backups), file=sys.stderr)
            print(erased.customer_id)
            return 0
        if action == "retention":
            from app.privacy import retention

            current = retention.rules(book).to_dict()
            for key in ("blocked_months", "message_years", "attachment_years"):
                if getattr(args, key) is not None:
                    current[key] = getattr(args, key) or None
            rules = retention.RetentionRules.from_dict(current)
            if rules.to_dict() != retention.rules(book).to_dict():
                retention.save_rules(book, rules)
            todo = retention.plan(book, rules)
            print(f"Rules: {json.dumps(rules.to_dict())}")
            print(f"To delete: {todo.summary()}.")
            if args.dry_run:
                print("Dry run: nothing was deleted.")
                return 0
            if not args.yes:
                if not sys.stdin.isatty():
                    print("otokui: add --yes to delete without being asked", file=sys.stderr)
                    return 1
                if input("Delete them for good? [y/N] ").strip().lower() not in ("y", "yes"):
                    print("Nothing was deleted.")
                    return 0
            retention.run(book, todo)
            print(f"Deleted {todo.summary()}.")
            return 0
        if action == "audit":
            import datetime as dt

            from app.privacy.audit_view import AuditFilter, entries, write_csv

            def day(v: str | None) -> dt.datetime | None:
                return dt.datetime.fromisoformat(v) if v else None
            rows = entries(book, AuditFilter(args.action, args.search, day(args.since),
                                             day(args.until)))
            if args.csv:
                write_csv(rows, args.csv)
                print(f"Wrote {len(rows)} entries to {args.csv}.")
            else:
                for r in rows:
                    print(f"{r.at.isoformat(sep=' ', timespec='seconds')}\t{r.action}\t"
                          f"{r.target}\t{r.count}")
            print(len(rows))
            return 0
        if action == "publish":
            version, created = privacy.publish()
            print(f"{'Published as' if created else 'No changes since'} version {version}.")
            try:
                privacy.upload()
            except NotPairedError:
                print("Not connected to a relay: the version is recorded in the book; run "
                      "`privacy publish` again after connecting.")
                print(version)
                return 0
            except OtokuiError as exc:
                print(f"otokui: version {version} is recorded in the book but did not reach "
                      f"the relay: {exc.one_line()}", file=sys.stderr)
                return 1
            print(f"The relay's /privacy page shows version {version}.")
            print(version)
            return 0
    raise AssertionError(action)
