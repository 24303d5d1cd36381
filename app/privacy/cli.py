"""``python main.py privacy …``: the privacy feature from scripts (docs/privacy.md).

Light at import (argparse only), since ``--help`` builds this parser. The value a script
wants is on the last line of stdout; known problems are one line on stderr, status 1.
"""

from __future__ import annotations

import argparse
import sys
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
    actions.add_parser("announce", help="save the segment of those who agreed to an older "
                       "version and print the text telling them of the newest (send it as "
                       "a broadcast to that segment); last line: the segment's number")
    q = actions.add_parser("incident", help="leak readiness: record incidents (漏えい等) and "
                           "write the PPC's 速報/確報 from them")
    inc = q.add_subparsers(dest="incident_command", metavar="STEP", required=True)
    r = inc.add_parser("new", help="record an incident (last line: its number)")
    r.add_argument("--title", required=True)
    r.add_argument("--discovered", required=True, metavar="YYYY-MM-DD",
                   help="the day the shop learned of it (the deadlines count from it)")
    r.add_argument("--from", dest="occurred_from", metavar="YYYY-MM-DD")
    r.add_argument("--to", dest="occurred_to", metavar="YYYY-MM-DD")
    for flag, what in (("malicious", "done with a wrongful purpose (不正アクセス等)"),
                       ("sensitive", "includes 要配慮個人情報"),
                       ("financial", "financial harm may follow")):
        r.add_argument(f"--{flag}", action="store_true", help=what)
    r.add_argument("--persons", type=int, help="本人の数 (default: counted from the range)")
    r.add_argument("--json", type=Path, metavar="FILE", help="the report's items "
                   "(summary, data_items, cause, secondary, response, publication, "
                   "prevention, other)")
    r = inc.add_parser("edit", help="change an incident's items from JSON")
    r.add_argument("id", type=int)
    r.add_argument("--json", type=Path, metavar="FILE", required=True,
                   help="incident keys and/or \"answers\": {item: text}")
    inc.add_parser("list", help="the incidents with their deadlines")
    r = inc.add_parser("report", help="write the 速報 (or --final: 確報) as HTML")
    r.add_argument("id", type=int)
    r.add_argument("--html", type=Path, metavar="FILE", required=True)
    r.add_argument("--final", action="store_true", help="the full report (確報)")
    q = actions.add_parser("affected", help="who is affected by access to the book in a "
                           "range of days (docs/privacy.md); the CSV holds personal data")
    q.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--csv", type=Path, metavar="FILE")


def run(args: argparse.Namespace, profile: Profile) -> int:
    import json

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
        if action == "announce":
            from app.privacy.announce import prepare

            told = prepare(book)
            print(f"Segment 「{book.segments.get(told.segment_id).name}」: "
                  f"{told.recipients} customer(s) agreed only to an older version.")
            print("Text to send:")
            print(told.text)
            print(told.segment_id)
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
            if erased.anonymised:
                print("Kept for tax without the person: " + ", ".join(
                    f"{n} {t}" for t, n in erased.anonymised.items()) + ".")
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
        if action == "incident":
            return _incident(book, args)
        if action == "affected":
            import datetime as dt

            from app.privacy.incidents import affected, write_affected_csv

            found = affected(book, dt.date.fromisoformat(args.start),
                             dt.date.fromisoformat(args.end))
            print(f"{len(found.people)} customers were in the book in {found.start} – "
                  f"{found.end}; {len(found.named)} of them are named in the audit log then.")
            for at, what, target, count in found.whole_book:
                print(f"Whole-list access: {at.isoformat(sep=' ', timespec='minutes')} "
                      f"{what} {target} ({count})")
            if found.deleted_since:
                print(f"{found.deleted_since} customers deleted since then may also have "
                      "been in the book (who they were is gone).")
            if args.csv:
                write_affected_csv(book, found, args.csv)
                print(f"Wrote {args.csv} (it holds personal data).", file=sys.stderr)
            print(len(found.people))
            return 0
    raise AssertionError(action)


def _incident(book: object, args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    from app.book import Book
    from app.privacy import incidents as inc

    assert isinstance(book, Book)
    step = args.incident_command
    if step == "new":
        extra = json.loads(args.json.read_text(encoding="utf-8")) if args.json else {}
        answers = extra.pop("answers", None) or {k: extra.pop(k) for k in list(extra)
                                                 if k in inc.TEXT_KEYS}
        new_id = inc.record(book, title=args.title,
                            discovered_on=dt.date.fromisoformat(args.discovered),
                            occurred_from=args.occurred_from, occurred_to=args.occurred_to,
                            malicious=args.malicious, sensitive=args.sensitive,
                            financial=args.financial, persons=args.persons,
                            answers=answers)
        i = inc.get(book, new_id)
        print(f"Recorded incident {new_id}. 速報 due {i.prompt_due[0]}–{i.prompt_due[1]}, "
              f"確報 due {i.final_due}.")
        print(new_id)
        return 0
    if step == "edit":
        data = json.loads(args.json.read_text(encoding="utf-8"))
        answers = data.pop("answers", {})
        answers.update({k: data.pop(k) for k in list(data) if k in inc.TEXT_KEYS})
        inc.update(book, args.id, answers=answers, **data)
        print(args.id)
        return 0
    if step == "list":
        rows = inc.all_incidents(book)
        for i in rows:
            print(f"{i.id}\t{i.discovered_on}\t速報 {i.prompt_reported_on or i.prompt_due[1]}"
                  f"\t確報 {i.final_reported_on or i.final_due}\t{i.title}")
        print(len(rows))
        return 0
    if step == "report":
        done = inc.report(book, args.id, inc.FINAL if args.final else inc.PROMPT)
        args.html.write_text(done.html, encoding="utf-8")
        print(done.due)
        if done.missing and args.final:
            print("Still empty: " + ", ".join(done.missing), file=sys.stderr)
        print(args.html)
        return 0
    raise AssertionError(step)
