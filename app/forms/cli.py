"""``python main.py form …``: forms from scripts (the headless contract of docs/forms.md).

Each command prints what it did; the value a script wants (an id, a URL) is on the last
line of stdout. Known problems are one line on stderr and exit status 1 (app.cli).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def run(args: argparse.Namespace, open_book: Any, profile: Any) -> int:
    from pathlib import Path

    from app.errors import OtokuiError
    from app.sync.errors import NotPairedError

    action = args.form_command
    with open_book(profile) as book:
        forms = book.forms
        if action == "import":
            info = forms.import_file(Path(args.file))
            print(f"Created the form 「{info.title}」 with {len(info.draft.items)} items.")
            print(info.form_id)
            return 0
        if action == "list":
            for info in forms.list():
                version = info.published_version or "-"
                print(f"{info.form_id}\tv{version}\t{info.answers} answers\t{info.title}")
            return 0
        if action == "publish":
            done = forms.publish(args.id)
            what = "Published as" if done.created else "No changes since"
            print(f"{what} version {done.version}.")
            try:
                forms.upload(args.id)
            except NotPairedError:
                print("Not connected to a relay: the version is recorded in the book; run "
                      "`form publish` again after connecting to upload it.")
                return 0
            except OtokuiError as exc:
                print(f"otokui: version {done.version} is recorded in the book but did not "
                      f"reach the relay: {exc.one_line()}", file=sys.stderr)
                return 1
            print(f"The relay has version {done.version}.")
            return 0
        if action == "link":
            url = forms.link(args.id, args.line_user_id, days=args.days)
            _warn_if_not_on_relay(forms.get(args.id))
            print(f"A link for one friend, working {args.days} days:")
            print(url)
            return 0
        if action == "public-link":
            url = forms.public_link(args.id)
            _warn_if_not_on_relay(forms.get(args.id))
            print(url)
            return 0
        if action == "export-answers":
            n = forms.export_answers(args.id, Path(args.file))
            print(f"Exported {n} answers to {args.file}.")
            return 0
    raise AssertionError(action)


def _warn_if_not_on_relay(info: Any) -> None:
    """A link to a version the relay does not have would show the friend an older form
    (or none): say so, on stderr, so the URL stays the last line of stdout."""
    if info.relay_version != info.published_version:
        print(f"Note: the relay does not have version {info.published_version} of this form "
              "yet; run `form publish` while connected before sending the link.",
              file=sys.stderr)
