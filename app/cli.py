"""The headless commands: ``python main.py [--profile DIR] COMMAND``.

For shop owners' scripts (nightly backups, exports) and for tests that drive the core.
Exit status 0 on success; otherwise one clear line on stderr and a non-zero status:
1 for a known problem (wrong passphrase, bad CSV …), 3 for a bug (details in the log).

Passphrases come from the OS keyring (no prompt), an interactive prompt, or the
environment variable ``OTOKUI_PASSPHRASE`` (``OTOKUI_NEW_PASSPHRASE`` for a new one),
which is meant for automation only. ``connect`` takes the LINE channel access token from
``OTOKUI_LINE_ACCESS_TOKEN`` and the channel secret from ``OTOKUI_LINE_CHANNEL_SECRET`` (or
prompts), likewise; with ``--set-webhook`` it does what the connection wizard does (hands
the secret to the relay, sets LINE's webhook URL and has LINE test it).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__
from app.analytics import cli as analytics_cli
from app.booking import cli as _booking_cli
from app.errors import (
    KeyMissingError,
    KeyringChangedError,
    NoKeyringError,
    OtokuiError,
    PassphraseRequiredError,
)
from app.privacy import cli as privacy_cli

if TYPE_CHECKING:
    from app.book import Book
    from app.broadcast.model import BroadcastReport
    from app.profile import Profile
    from app.sync.worker import SyncStatus

log = logging.getLogger("otokui.cli")

ENV_PASSPHRASE = "OTOKUI_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
ENV_NEW_PASSPHRASE = "OTOKUI_NEW_PASSPHRASE"  # noqa: S105
ENV_LINE_TOKEN = "OTOKUI_LINE_ACCESS_TOKEN"  # noqa: S105
ENV_LINE_SECRET = "OTOKUI_LINE_CHANNEL_SECRET"  # noqa: S105 - the variable's name


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otokui", description="Otokui (お得意): the encrypted customer book for LINE shops. "
        "Without a command, the app opens.")
    parser.add_argument("--profile", type=Path, help="profile folder (default: the per-user "
                        "data folder of this OS)")
    parser.add_argument("--demo", action="store_true", help="open the live demo (no LINE "
                        "account needed)")
    parser.add_argument("--verbose", action="store_true", help="log details to stderr too")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="when the book is open in the app or another command, wait up "
                        "to this long for it (default: stop at once with a message)")
    parser.add_argument("--version", action="version", version=f"Otokui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help="create a new, empty customer book")
    p.add_argument("--use-passphrase", action="store_true",
                   help="protect the key with a passphrase instead of the OS keyring")
    sub.add_parser("self-test", help="check that this installation works, then exit")
    p = sub.add_parser("import-csv", help="import customers from a CSV file (all or nothing)")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="check every row, store nothing")
    p.add_argument("--encoding", choices=("auto", "utf-8", "cp932"), default="auto")
    p.add_argument("--skip-bad-rows", type=Path, metavar="SKIPPED_CSV",
                   help="import the good rows; write the bad ones (same columns plus "
                        "'problem') to SKIPPED_CSV to fix and import again")
    p = sub.add_parser("export-csv", help="export every customer as CSV (Excel-ready)")
    p.add_argument("file", type=Path)
    p.add_argument("--english-headers", action="store_true")
    p = sub.add_parser("backup", help="write an encrypted backup file")
    p.add_argument("file", type=Path)
    p = sub.add_parser("restore", help="replace the book with a backup (verified first)")
    p.add_argument("file", type=Path)
    sub.add_parser("change-passphrase", help="change the passphrase (or recovery passphrase)")
    sub.add_parser("rekey", help="re-encrypt the book under a new key")
    p = sub.add_parser("connect", help="connect the book to LINE through the shop's relay")
    p.add_argument("--relay", required=True, metavar="URL", help="the relay's https address")
    p.add_argument("--code", required=True, help="pairing code from `python -m relay pair`")
    p.add_argument("--api-base", metavar="URL", help="base URL of the Messaging API "
                   "(the emulator); default: LINE's own https://api.line.me")
    p.add_argument("--data-base", metavar="URL", help="base URL of message content "
                   "(the emulator's content port); default: LINE's https://api-data.line.me, "
                   "or the --api-base when only that is given")
    p.add_argument("--name", help="this computer's name on the relay")
    p.add_argument("--set-webhook", action="store_true",
                   help="as the connection wizard: give the relay the channel secret, set "
                   "LINE's webhook URL to the relay and have LINE test it")
    p = sub.add_parser("sync", help="fill the book from the relay (until Ctrl-C)")
    p.add_argument("--once", action="store_true",
                   help="pull until the relay's queue is empty, then exit")
    p = sub.add_parser("unpair", help="disconnect the book from its relay")
    p.add_argument("--force", action="store_true",
                   help="forget the pairing here even if the relay cannot be reached")
    p = sub.add_parser("import-followers", help="add the LINE friends from before Otokui "
                       "(verified and premium accounts); resumes an interrupted import")
    p.add_argument("--rate", type=float, default=None, metavar="N",
                   help="at most N calls to LINE a second (default 100; LINE allows 2,000)")
    p = sub.add_parser("export-messages", help="export every message as JSON lines")
    p.add_argument("file", type=Path)
    p = sub.add_parser("broadcast", help="send one message to many LINE friends, or "
                       "--resume an interrupted broadcast")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--segment", metavar="NAME", help="a saved segment's recipients")
    who.add_argument("--tag", metavar="NAME", help="the customers with this tag")
    who.add_argument("--all", action="store_true", help="every LINE friend")
    who.add_argument("--resume", action="store_true", help="finish interrupted broadcasts "
                     "(and scheduled ones now due)")
    p.add_argument("--text", action="append", metavar="TEXT", help="a bubble's text, "
                   "placeholders like {名前} allowed; repeat for up to 5 bubbles")
    p.add_argument("--at", metavar="ISO-TIME", help="schedule it (local time unless an "
                   "offset is given); the app sends it while open")
    p.add_argument("--name", default="", help="a name for the history")
    p.add_argument("--trim-to-quota", action="store_true", help="over the month's quota, "
                   "send to as many as it allows instead of refusing")
    _add_form_parser(sub)
    _booking_cli.add_parser(sub)
    privacy_cli.add_parser(sub)
    from app.sequences import cli as sequence_cli  # argparse only at import

    sequence_cli.add_parsers(sub)
    from app.autopilot.cli import add_parser as _add_autopilot_parser

    _add_autopilot_parser(sub)
    _add_rule_parser(sub)
    _purchases_cli().add_parsers(sub)  # product, order, member (app/purchases/cli.py)
    analytics_cli.add_parser(sub)
    from app.routes import cli as route_cli  # argparse only at import

    route_cli.add_parser(sub)
    return parser


def _add_rule_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app.automation import cli as rule_cli  # small: argparse only until run

    rule_cli.add_parser(sub)


def _add_form_parser(
        sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``form …`` (app.forms.cli runs it); here so that --help costs no import."""
    p = sub.add_parser("form", help="forms (問診票・アンケート): import, publish, links, "
                       "answers")
    forms = p.add_subparsers(dest="form_command", metavar="ACTION", required=True)
    q = forms.add_parser("import", help="create a form from a definition file (JSON); "
                         "prints its id on the last line")
    q.add_argument("file", metavar="FILE.json")
    forms.add_parser("list", help="list the forms: id, version, answers, title")
    q = forms.add_parser("publish", help="record the form as a new version (when it "
                         "changed) and upload it to the relay")
    q.add_argument("id")
    q = forms.add_parser("link", help="a per-friend link (URL on the last line)")
    q.add_argument("id")
    q.add_argument("--line-user-id", required=True, metavar="U…")
    q.add_argument("--days", type=int, default=30, help="how long it works (default 30)")
    q = forms.add_parser("public-link", help="the link anyone may open (URL on the last "
                         "line)")
    q.add_argument("id")
    q = forms.add_parser("export-answers", help="the form's answers as CSV (Excel-ready)")
    q.add_argument("id")
    q.add_argument("file", metavar="FILE.csv")


def profile_dir(args: argparse.Namespace) -> Path:
    if args.profile is not None:
        return Path(args.profile).expanduser().resolve()
    from app.profile import default_profile_dir

    return default_profile_dir()


def _ask(prompt: str, env: str, *, confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise PassphraseRequiredError()
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != first:
        raise OtokuiError(message="The two passphrases differ.", advice="Type it again.")
    return first


def open_book(profile: Profile) -> Book:
    """Open with the keyring when it holds the key, else with a passphrase."""
    if profile.needs_passphrase():
        return profile.open(_ask("Passphrase: ", ENV_PASSPHRASE))
    try:
        return profile.open()
    except (KeyMissingError, KeyringChangedError, NoKeyringError):
        # The recovery passphrase opens the book wherever the keyring cannot.
        if os.environ.get(ENV_PASSPHRASE) or (sys.stdin and sys.stdin.isatty()):
            return profile.open(_ask("Recovery passphrase: ", ENV_PASSPHRASE))
        raise


def _print_progress(label: str) -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int = 0) -> None:
        if total:
            sys.stderr.write(f"\r{label} {done * 100 // max(total, 1)}%")
            sys.stderr.flush()

    return report


def cmd_init(args: argparse.Namespace, profile: Profile) -> int:
    from app import keys
    from app.errors import BookExistsError

    if profile.exists():
        raise BookExistsError()
    if args.use_passphrase or keys.keyring_backend() is None:
        if not args.use_passphrase:
            print("No OS keyring here: the book will be protected by a passphrase.")
        passphrase = _ask("New passphrase: ", ENV_PASSPHRASE, confirm=True)
        book = profile.create(passphrase=passphrase)
    else:
        book = profile.create()
    with book:
        where = "a passphrase" if profile.needs_passphrase() else "the OS keyring"
        print(f"Created a new customer book in {profile.root} (key kept by {where}).")
    return 0


def cmd_import(args: argparse.Namespace, profile: Profile) -> int:
    from app import csvio
    from app.errors import ImportRowsError

    with open_book(profile) as book:
        try:
            report = csvio.import_csv(book, args.file, encoding=args.encoding,
                                      dry_run=args.dry_run,
                                      progress=_print_progress("Importing"),
                                      skip_bad_rows=args.skip_bad_rows is not None,
                                      skipped_rows_path=args.skip_bad_rows)
        except ImportRowsError as exc:
            for p in exc.problems[:200]:
                print(f"row {p.row}: {p.column}: {p.reason} ({p.value})", file=sys.stderr)
            raise
        for p in report.problems:
            print(f"row {p.row}: {p.column}: {p.reason} ({p.value})", file=sys.stderr)
        if report.ignored_columns:
            print("Ignored columns: " + ", ".join(report.ignored_columns), file=sys.stderr)
        verb = "Would import" if args.dry_run else "Imported"
        bad = len({p.row for p in report.problems})
        print(f"{verb} {report.total} rows: {report.created} new, {report.updated} updated"
              + (f", {bad} bad rows" if bad else "") + ".")
        if bad and not args.dry_run and args.skip_bad_rows is not None:
            print(f"Skipped rows written to {args.skip_bad_rows} (plain CSV, like an export).")
        return 1 if (args.dry_run and report.problems) else 0


def cmd_export(args: argparse.Namespace, profile: Profile) -> int:
    from app import csvio

    with open_book(profile) as book:
        n = csvio.export_csv(book, args.file, english_headers=args.english_headers)
    print(f"Exported {n} customers to {args.file}.")
    return 0


def cmd_backup(args: argparse.Namespace, profile: Profile) -> int:
    from app import backup

    with open_book(profile) as book:
        header = backup.create_backup(book, args.file, progress=_print_progress("Backing up"))
    print(f"Backup written to {args.file} ({header.customers} customers, "
          f"{header.attachments} attachments).")
    return 0


def cmd_restore(args: argparse.Namespace, profile: Profile) -> int:
    from app import backup

    header = backup.inspect_backup(args.file)
    passphrase = os.environ.get(ENV_PASSPHRASE) or None
    try:
        backup.restore_backup(profile, args.file, passphrase=passphrase,
                              progress=_print_progress("Restoring"))
    except PassphraseRequiredError:
        if not header.has_passphrase:
            raise
        backup.restore_backup(profile, args.file,
                              passphrase=_ask("Backup passphrase: ", ENV_PASSPHRASE))
    print(f"Restored {header.customers} customers from the backup of {header.created_at}.")
    return 0


def cmd_change_passphrase(args: argparse.Namespace, profile: Profile) -> int:
    old = _ask("Current passphrase: ", ENV_PASSPHRASE)
    new = _ask("New passphrase: ", ENV_NEW_PASSPHRASE, confirm=True)
    label = profile.change_passphrase(old, new)
    print(f"The {label} passphrase was changed. The book itself was not re-encrypted.")
    return 0


def cmd_rekey(args: argparse.Namespace, profile: Profile) -> int:
    from app import rekey

    book = open_book(profile)
    passphrases = {}
    if profile.needs_passphrase():
        passphrases["passphrase"] = _ask("Passphrase for the new key: ", ENV_NEW_PASSPHRASE,
                                         confirm=True)
    book = rekey.rekey(book, passphrases)
    book.close()
    print("The book was re-encrypted under a new key."
          + (" Set a new recovery passphrase in Settings." if not passphrases else ""))
    return 0


def cmd_connect(args: argparse.Namespace, profile: Profile) -> int:
    from app.line.connection import TOKEN_IN_KEYRING
    from app.sync.pairing import connect

    with open_book(profile) as book:
        token = os.environ.get(ENV_LINE_TOKEN)
        if not token:
            if not sys.stdin or not sys.stdin.isatty():
                from app.line.errors import LineTokenMissingError

                raise LineTokenMissingError(advice=f"Set {ENV_LINE_TOKEN} or run this in a "
                                            "terminal to type it.")
            token = getpass.getpass("LINE channel access token: ")
        secret = os.environ.get(ENV_LINE_SECRET)
        if not secret:
            if not sys.stdin or not sys.stdin.isatty():
                from app.sync.errors import ChannelSecretMissingError

                raise ChannelSecretMissingError(advice=f"Set {ENV_LINE_SECRET} or run this "
                                                "in a terminal to type it.")
            secret = getpass.getpass("LINE channel secret: ")
        if args.set_webhook:
            from app.sync.setup import connect_and_configure

            report = connect_and_configure(
                book, relay_url=args.relay, pairing_code=args.code, channel_secret=secret,
                access_token=token, api_base=args.api_base, device_name=args.name)
            device = book.line.device()
            print(f"Connected {report.account.display_name} ({report.account.basic_id}): "
                  f"paired with the relay as device {device.device_id if device else '?'}; "
                  f"LINE's webhook URL is {report.webhook_url} and LINE's test reached it.")
            if not report.webhook_active:
                print("LINE sends nothing yet: turn on \"Use webhook\" in the LINE Developers "
                      "console (Messaging API tab, Webhook settings).")
            return 0
        result = connect(book, relay_url=args.relay, pairing_code=args.code,
                         access_token=token, api_base=args.api_base,
                         data_base=args.data_base, device_name=args.name,
                         channel_secret=secret)
        where = "the OS keyring" if result.token_store == TOKEN_IN_KEYRING \
            else "the encrypted book"
        account = f" for {result.bot_basic_id}" if result.bot_basic_id else ""
        print(f"Connected{account}: paired with the relay as device {result.device_id}; "
              f"the access token is kept in {where} ({book.line.masked_token()}).")
    return 0


def cmd_sync(args: argparse.Namespace, profile: Profile) -> int:
    import threading

    from app.sync.worker import SyncState, SyncWorker

    with open_book(profile) as book:
        worker = SyncWorker(book)
        if args.once:
            report = worker.run_once()
            print(f"Synced: {report.applied} events applied ({report.messages} messages), "
                  f"{report.kept} kept as they are, {report.duplicates} duplicates skipped"
                  + (f", {report.failed} failed" if report.failed else "")
                  + (f", {report.unverified} not signed by LINE (set aside)"
                     if report.unverified else "")
                  + (f", {report.unreadable} unreadable" if report.unreadable else "")
                  + (f", {report.pending_content} downloads pending"
                     if report.pending_content else "") + ".")
            return 0
        done = threading.Event()
        final: list[SyncState] = []

        def show(status: SyncStatus) -> None:
            line = f"sync: {status.state.value}"
            if status.retry_in is not None:
                line += f", next try in {status.retry_in:.1f} s ({status.detail})"
            elif status.detail:
                line += f" ({status.detail})"
            line += f"; {status.events_applied} events applied"
            if status.line_problem:
                line += f"; LINE API: {status.line_problem}"
            print(line, file=sys.stderr)
            if status.state in (SyncState.UNPAIRED, SyncState.NOT_PAIRED):
                final.append(status.state)
                done.set()

        worker.status_changed.connect(show)
        worker.start()
        try:
            while not done.wait(0.5):
                pass
        except KeyboardInterrupt:
            print("sync: stopping", file=sys.stderr)
        finally:
            worker.stop()
        if final:
            from app.sync.errors import NotPairedError, RelayUnauthorizedError

            error = RelayUnauthorizedError() if final[0] == SyncState.UNPAIRED \
                else NotPairedError()
            print(f"otokui: {error.one_line()}", file=sys.stderr)
            return 1
        return 0


def cmd_unpair(args: argparse.Namespace, profile: Profile) -> int:
    from app.sync.pairing import unpair

    with open_book(profile) as book:
        unpair(book, forget_if_unreachable=args.force)
    print("Disconnected from the relay. The messages already in the book stay.")
    return 0


def cmd_import_followers(args: argparse.Namespace, profile: Profile) -> int:
    from app.line.errors import LineTokenMissingError
    from app.line.followers import Throttle, import_followers, saved_state

    with open_book(profile) as book:
        gateway = book.line.gateway()
        if gateway is None:
            raise LineTokenMissingError()
        before = saved_state(book)
        if before is not None and not before.done:
            print(f"Resuming the import: {before.seen} friends checked, {before.added} added "
                  "so far.", file=sys.stderr)

        def show(state: Any) -> None:
            print(f"import-followers: {state.seen} friends checked, {state.added} added",
                  file=sys.stderr)

        if args.rate is not None and not 0 < args.rate <= 2000:
            from app.errors import ValidationError

            raise ValidationError(str(args.rate), message="--rate must be between 0 and "
                                  "2000 calls a second (LINE's limit).")
        throttle = Throttle(args.rate) if args.rate else Throttle()
        with gateway:
            state = import_followers(book, gateway, progress=show, throttle=throttle)
    print(f"Imported the LINE friends: {state.added} added, {state.already} already in the "
          f"book, {state.skipped} no longer friends ({state.seen} checked).")
    return 0


def cmd_export_messages(args: argparse.Namespace, profile: Profile) -> int:
    with open_book(profile) as book:
        n = book.messages.export_jsonl(args.file)
    print(f"Exported {n} messages to {args.file}.")
    return 0


def _broadcast_line(report: BroadcastReport) -> str:
    c = report.counts
    return (f"Broadcast {report.broadcast_id} {report.state}: {c.recipients} recipients, "
            f"{c.sent} sent, {c.failed} failed, {c.skipped} skipped, {c.not_sent} not sent.")


def cmd_broadcast(args: argparse.Namespace, profile: Profile) -> int:
    import datetime as dt

    from app.broadcast import Recipients
    from app.errors import NotFoundError, ValidationError

    with open_book(profile) as book:
        casts = book.broadcasts
        if args.resume:
            now = dt.datetime.now(dt.UTC)
            reports = casts.resume_all() + [casts.run(i) for i in casts.due(now)]
            for report in reports:
                print(_broadcast_line(report))
            for bid in casts.missed(now):
                print(f"Broadcast {bid} missed its time; it is not sent late by itself "
                      "(the app offers it).")
            if not reports:
                print("No broadcast to resume.")
            return 0 if all(r.finished for r in reports) else 1
        if not args.text:
            raise ValidationError(message="Give the message with --text.")
        if args.segment is not None:
            recipients = Recipients.segment(book.segments.by_name(args.segment).id)
        elif args.tag is not None:
            wanted = " ".join(args.tag.split())
            found = [t.id for t in book.tags.list() if t.name == wanted]
            if not found:
                raise NotFoundError("tag")
            recipients = Recipients.tag(found[0])
        else:
            recipients = Recipients.all_friends()
        at = None
        if args.at:
            try:
                at = dt.datetime.fromisoformat(args.at)
            except ValueError:
                raise ValidationError(args.at, message="--at needs an ISO time such as "
                                      "2026-12-24T10:00.") from None
        plan = casts.plan(args.text, recipients, name=args.name, at=at)
        quota = "no monthly limit" if plan.quota_remaining is None \
            else f"{plan.quota_remaining} messages left this month"
        print(f"{plan.count} recipients, cost {plan.cost} messages ({quota}); "
              f"by {plan.endpoint}.")
        bid = casts.create(plan, trim_to_quota=args.trim_to_quota)
        if at is not None:
            print(f"Broadcast {bid} scheduled for {at.isoformat()}: the app sends it while "
                  "it is open then.")
            return 0
        report = casts.run(bid, progress=_print_progress("Sending"))
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        print(_broadcast_line(report))
        if report.state == "interrupted":
            print("LINE could not be reached; run `broadcast --resume` later: nobody gets "
                  "it twice.", file=sys.stderr)
        return 0 if report.state == "done" else 1


def cmd_form(args: argparse.Namespace, profile: Profile) -> int:
    from app.forms import cli as form_cli

    return form_cli.run(args, open_book, profile)


def cmd_autopilot(args: argparse.Namespace, profile: Profile) -> int:
    from app.autopilot import cli as autopilot_cli

    return autopilot_cli.run(args, open_book, profile)


def cmd_self_test(args: argparse.Namespace, profile: Profile) -> int:
    from app import selftest

    ok = selftest.run(print)
    return 0 if ok else 1


COMMANDS: dict[str, Callable[[argparse.Namespace, Profile], int]] = {
    "init": cmd_init,
    "import-csv": cmd_import,
    "export-csv": cmd_export,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "change-passphrase": cmd_change_passphrase,
    "rekey": cmd_rekey,
    "self-test": cmd_self_test,
    "connect": cmd_connect,
    "sync": cmd_sync,
    "unpair": cmd_unpair,
    "export-messages": cmd_export_messages,
    "import-followers": cmd_import_followers,
    "broadcast": cmd_broadcast,
    "form": cmd_form,
    "booking": _booking_cli.command,
    "privacy": privacy_cli.run,
    "sequence": lambda args, profile: _sequence_cli(args, profile),
    "coupon": lambda args, profile: _sequence_cli(args, profile),
    "autopilot": cmd_autopilot,
    "rule": lambda args, profile: _rule_cli(args, profile),
    "product": lambda a, p: _purchases_cli().run(a, open_book, p),
    "order": lambda a, p: _purchases_cli().run(a, open_book, p),
    "member": lambda a, p: _purchases_cli().run_member(a, open_book, p),
    "report": lambda args, profile: analytics_cli.run(args, open_book, profile),
    "route": lambda args, profile: _route_cli(args, profile),
}


def _route_cli(args: argparse.Namespace, profile: Profile) -> int:
    from app.routes import cli as route_cli

    return route_cli.command(args, profile)


def _sequence_cli(args: argparse.Namespace, profile: Profile) -> int:
    from app.sequences import cli as sequence_cli

    return sequence_cli.run(args, open_book, profile)


def _rule_cli(args: argparse.Namespace, profile: Profile) -> int:
    from app.automation import cli as rule_cli

    return rule_cli.run(args, open_book, profile)


def _purchases_cli() -> Any:
    from app.purchases import cli

    return cli


@contextlib.contextmanager
def _own_profile(args: argparse.Namespace, profile: Profile, needs_profile: bool) -> Iterator[None]:
    """Hold the profile for the whole command (see app/profile_lock.py): one process at a
    time may use a book, so a command never writes into a book the app or another command
    is restoring or re-keying. Busy: wait up to ``--wait`` seconds, else one clear line."""
    from app import profile_lock
    from app.errors import ProfileInUseError

    if not needs_profile or not (profile.exists() or args.command in ("init", "restore")):
        yield  # nothing to hold: the command says itself that there is no book
        return
    try:
        claim = profile_lock.claim(profile.root, wait=max(0.0, args.wait))
    except ProfileInUseError:
        raise ProfileInUseError(advice=(
            "Close the Otokui window, or wait until the other command has finished, then "
            "try again (scripts: add --wait SECONDS). Nothing was changed.")) from None
    with claim:
        yield


def run(args: argparse.Namespace) -> int:
    from app.logs import setup_logging
    from app.profile import Profile, open_flags_private

    open_flags_private()
    profile = Profile(profile_dir(args))
    needs_profile = args.command not in ("self-test",)
    logs = profile.logs_dir if needs_profile and (profile.exists() or args.command in (
        "init", "restore")) else None
    setup_logging(logs, verbose=args.verbose)
    try:
        with _own_profile(args, profile, needs_profile):
            return COMMANDS[args.command](args, profile)
    except OtokuiError as exc:
        log.info("command %s stopped: %s", args.command, exc.code)
        print(f"otokui: {exc.one_line()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("otokui: interrupted; nothing was changed.", file=sys.stderr)
        return 130
    except Exception as exc:
        log.exception("command %s failed", args.command)
        where = logs / "otokui.log" if logs else Path(tempfile.gettempdir())
        print(f"otokui: an unexpected error ({type(exc).__name__}). Details are in {where}.",
              file=sys.stderr)
        return 3
