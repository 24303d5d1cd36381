"""``python main.py rule …``: rules from scripts (the headless contract of
docs/automation.md). The value a script wants (an id) is on the last line of stdout;
known problems are one line on stderr and exit status 1 (app.cli)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("rule", help="automation rules (ルール): import, list, try")
    rules = p.add_subparsers(dest="rule_command", metavar="ACTION", required=True)
    q = rules.add_parser("import", help="create a rule from a JSON file; prints its id on "
                         "the last line")
    q.add_argument("file", metavar="FILE.json")
    rules.add_parser("list", help="list the rules: id, on/off, counts, When, name, and "
                     "why a rule is broken")
    q = rules.add_parser("try", help="what a rule would do for one friend (nothing done)")
    q.add_argument("id", type=int)
    q.add_argument("--line-user-id", required=True, metavar="U…")
    q = rules.add_parser("run", help="fire the date rules due now and handle the pending "
                         "events (sync does it after each batch)")
    q.add_argument("--now", metavar="ISO-TIME", help=argparse.SUPPRESS)  # tests' fake clock
    q = rules.add_parser("notices", help="what rules told the owner (notify) that they have "
                         "not seen yet, newest first")
    q.add_argument("--all", action="store_true", help="also the notices already seen")
    q.add_argument("--seen", action="store_true", help="then mark the notices listed as seen")


def run(args: argparse.Namespace, open_book: Any, profile: Any) -> int:
    from pathlib import Path

    from app.automation import errors as E
    from app.automation.engine import run_pending
    from app.automation.service import RuleService
    from app.errors import ValidationError

    action = args.rule_command
    with open_book(profile) as book:
        rules = RuleService(book)
        if action == "import":
            try:
                raw = json.loads(Path(args.file).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                print(f"otokui: cannot read {args.file}: {type(exc).__name__}",
                      file=sys.stderr)
                return 1
            if not isinstance(raw, dict):
                raise ValidationError("rule", message=E.NOT_AN_OBJECT)
            # A photo's relative path starts at the rule file's folder.
            rid = rules.save(raw, base_dir=Path(args.file).resolve().parent)
            info = rules.get(rid)
            print(f"Created the rule 「{info.name}」 ({'on' if info.enabled else 'off'}).")
            _publish(book)
            print(rid)
            return 0
        if action == "list":
            for info in rules.list():
                state = "BROKEN" if info.broken else ("on" if info.enabled else "off")
                if info.spec.get("instant"):  # published to the relay's autopilot
                    state += " (instant)"
                line = (f"{info.id}\t{state}\t{info.fired} fired\t{info.actions_done} actions"
                        f"\t{info.when}\t{info.name}")
                if info.broken:
                    line += f"\t({info.broken})"
                print(line)
            return 0
        if action == "try":
            cid = book.customers.by_line_user_id(args.line_user_id)
            if cid is None:
                print("otokui: no customer in the book has this LINE user id",
                      file=sys.stderr)
                return 1
            tried = rules.try_on(args.id, cid)
            if tried.broken:
                print(f"The rule is broken and would do nothing: {tried.broken}")
            elif not tried.condition_holds:
                print("This friend does not meet the rule's If: it would do nothing.")
            else:
                print("It would (nothing was done):")
                for line in tried.actions:
                    print(f"  {line}")
            return 0
        if action == "notices":
            return _notices(book, every=args.all, mark=args.seen)
        from app.automation.dates import scan_due
        from app.sequences.cli import _now

        now = _now(args.now)
        scan_due(book, now or book.sequences.clock())
        _publish(book)
        report = run_pending(book)
        print(f"{report.events} events, {report.fired} rules fired, {report.actions} "
              f"actions, {report.sent} messages sent, {report.send_failed} not sent.")
        return 0


#: How many notices ``rule notices`` lists at most (newest first).
NOTICES_SHOWN = 1000


def _notices(book: Any, *, every: bool, mark: bool) -> int:
    """One line per notice, newest first (Japan time, the friend, the rule, the text);
    ``mark``: the notices listed are seen (those that arrived meanwhile stay unseen)."""
    from app.automation import notices
    from app.automation.dates import JST

    shown = notices.listing(book, unseen_only=not every, limit=NOTICES_SHOWN)
    if not shown:
        print("No notices from rules." if every else "No new notices from rules.")
        return 0
    for n in shown:
        at = n.at.replace(tzinfo=dt.UTC).astimezone(JST).strftime("%Y-%m-%d %H:%M")
        seen = "\tseen" if every and n.seen else ""
        print(f"{at}\t{n.customer or '?'}さん\tルール「{n.rule}」\t{n.text}{seen}")
    unseen = [n for n in shown if not n.seen]
    if mark and unseen:
        notices.mark_seen(book, max(n.id for n in unseen))
        print(f"Marked as seen: {len(unseen)}.")
    return 0


def _publish(book: Any) -> None:
    """Bring the relay's instant replies up to date (app/automation/instant.py); the rule
    itself is saved either way, and the next sync tries again."""
    from app.autopilot.client import publish_if_needed

    try:
        if publish_if_needed(book):
            print("The instant replies on the relay are up to date.")
    except Exception as exc:  # the relay unreachable, ...: said, not fatal
        print(f"otokui: the relay could not be reached to update its instant replies "
              f"({type(exc).__name__}); the next sync tries again.", file=sys.stderr)
